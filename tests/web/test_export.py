"""Every table on every page exports to Excel (tisheng.web.export): the page's own table, as the user
saw it, with numbers kept as numbers."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tisheng.web.export import XLSX, cell_value, find_table, read_tables

PAGE = """
<html><head><title>学校 · 基础教育质量提升</title><script>var t = "<table class='data'>";</script></head>
<body><h1>学校</h1>
<h2>按乡镇</h2>
<table class="data" id="towns">
  <thead><tr><th>乡镇</th><th class="num">学校数</th><th>达标</th></tr></thead>
  <tbody>
    <tr><td><a href="/towns/1/">宁华路街道</a></td><td class="num">1,234</td><td data-export="是"><span class="badge">✓</span></td></tr>
    <tr><td>兴泾镇</td><td class="num">12</td><td colspan="1">否</td></tr>
  </tbody>
</table>
<table class="layout"><tr><td>not a data table</td></tr></table>
<h2>指标</h2>
<div class="scroll"><table class="data">
  <thead><tr><th colspan="2">指标</th><th>值</th></tr><tr><th>名称</th><th>单位</th><th>2025</th></tr></thead>
  <tbody>
    <tr><td>毛入园率</td><td>%</td><td>98.6%</td></tr>
    <tr><td>差异系数</td><td></td><td>−0.40</td></tr>
    <tr><td>学校标识码</td><td></td><td>0012</td></tr>
    <tr><td colspan="3">小样本<br>不予显示</td></tr>
    <tr><td>嵌套</td><td><table><tr><td>inner</td></tr></table></td><td>1</td></tr>
  </tbody>
</table></div>
</body></html>
"""


def test_reads_every_data_table_with_headers_rows_and_headings() -> None:
    page = read_tables(PAGE)
    assert page.title == "学校 · 基础教育质量提升"
    assert [t.id for t in page.tables] == ["towns", ""]
    towns, indicators = page.tables
    assert towns.header == ["乡镇", "学校数", "达标"]
    assert towns.rows == [["宁华路街道", "1,234", "是"], ["兴泾镇", "12", "否"]]
    # grouped header rows are joined column by column; a colspan fills its columns
    assert indicators.header == ["指标 名称", "单位", "值 2025"]
    assert indicators.rows[3] == ["小样本 不予显示", "", ""]
    # a table nested in a cell is read as that cell's text, not as a row of the outer table
    assert indicators.rows[4] == ["嵌套", "inner", "1"]
    assert page.headings == ["按乡镇", "指标"]
    assert find_table(page, "towns") is towns
    assert find_table(page, "@2") is indicators
    assert find_table(page, "@3") is None
    assert find_table(page, "@x") is None
    assert find_table(page, "missing") is None


@pytest.mark.parametrize(
    ("text", "value", "number_format"),
    [
        ("1,234", 1234, "#,##0"),
        ("12", 12, None),
        ("98.6%", pytest.approx(0.986), "0.0%"),
        ("100%", 1, "0%"),
        ("-0.40", pytest.approx(-0.4), "0.00"),
        ("−0.40", pytest.approx(-0.4), "0.00"),
        ("1,234.5", pytest.approx(1234.5), "#,##0.0"),
        ("0012", "0012", None),  # a code with leading zeros stays text
        ("2164010501216401050", "2164010501216401050", None),  # too long for a number: an identifier
        ("640105001", "640105001", None),  # a town code outside a number column stays text
        ("45 项", "45 项", None),
        ("", None, None),
        ("≥ 50%", "≥ 50%", None),
    ],
)
def test_cell_values(text: str, value: object, number_format: str | None) -> None:
    assert cell_value(text) == (value, number_format)


def test_a_number_column_keeps_long_whole_numbers_as_numbers() -> None:
    assert cell_value("640105001", numeric=True) == (640105001, None)
    page = read_tables(PAGE)
    assert (0, 1) in page.tables[0].numeric and (0, 0) not in page.tables[0].numeric


def workbook_of(response) -> list[tuple[object, ...]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_a_page_table_exports_as_the_user_sees_it(world, client_for) -> None:
    page = client_for("leader").get("/towns/")
    html = page.content.decode()
    shown = read_tables(html).tables[0]
    rows = workbook_of(client_for("leader").get("/towns/", {"export_table": "@1"}))
    assert list(rows[0]) == shown.header
    assert len(rows) == 1 + len(shown.rows) == 1 + 2
    # codes stay text, names as shown
    assert {(r[0], r[1]) for r in rows[1:]} == {("640105001", "宁华路街道"), ("640105100", "兴泾镇")}


@pytest.mark.django_db
def test_an_export_never_holds_more_than_the_users_scope(world, client_for) -> None:
    everyone = workbook_of(client_for("leader").get("/schools/", {"export_table": "@1"}))
    own = workbook_of(client_for("principal_a").get("/schools/", {"export_table": "@1"}))
    assert len(everyone) - 1 == 4
    assert len(own) - 1 == 1
    assert world.school_a.name in own[1]


@pytest.mark.django_db
def test_the_export_keeps_the_pages_checks(world, client_for) -> None:
    anonymous = client_for("anon").get("/towns/", {"export_table": "@1"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # a school user may not see another school: its page is a 404, and so is its table
    other = client_for("principal_a").get(f"/schools/{world.school_b.pk}/", {"export_table": "@1"})
    assert other.status_code == 404
    missing = client_for("leader").get("/towns/", {"export_table": "@9"})
    assert missing.status_code == 404
    assert "没有要导出的表格" in missing.content.decode()
