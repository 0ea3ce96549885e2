"""The annual monitoring report (reports/annual.py): headings, sentences written from the stored figures,
the appendix of every catalogue indicator, withheld values never shown, charts as pictures, and a PDF."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.documents import convert_to_pdf, pdf_pages
from tests.reports.conftest import WITHHELD, Documents
from tisheng.indicators.catalogue import catalogue
from tisheng.reports.annual import HEADINGS, UNVERIFIED_MARK, build_annual_report

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 20)
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def report(documents: Documents) -> Document:
    return Document(io.BytesIO(build_annual_report(2025, today=TODAY)))


def texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def section(all_texts: list[str], heading: str) -> list[str]:
    start = all_texts.index(heading) + 1
    following = [i for i, t in enumerate(all_texts) if t in HEADINGS and i >= start]
    return all_texts[start : following[0] if following else len(all_texts)]


def every_text(document: Document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts(document) + cells)


def test_title_headings_and_page(documents: Documents) -> None:
    document = report(documents)
    found = texts(document)
    assert found[0] == "银川市西夏区基础教育质量年度监测报告（2025学年）"
    assert found[1] == "（统计时点：2025年9月1日）"
    assert [t for t in found if t in HEADINGS] == list(HEADINGS)
    page = document.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)
    heading = document.paragraphs[found.index(HEADINGS[1])].runs[0].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "黑体"


def test_goal_sentences_are_written_from_the_figures(documents: Documents) -> None:
    two = section(texts(report(documents)), HEADINGS[1])
    assert "学前三年毛入园率为98.6%，比上年提高0.4个百分点，距2025年目标100%尚差1.4个百分点。" in two
    assert "学生体质健康优良率为51.2%，比上年提高3.2个百分点，已达到2025年目标50%。" in two
    assert "骨干教师数为90人，比上年增加10人，距2025年目标100人尚差10人。" in two
    myopia = next(t for t in two if t.startswith("近视率"))
    assert "为54.1%，比上年降低0.9个百分点，符合“逐年下降”的要求" in myopia


def test_goal_table_marks_each_target(documents: Documents) -> None:
    table = next(
        t for t in report(documents).tables if t.rows[0].cells[0].text == "指标" and len(t.columns) == 6
    )
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in table.rows[1:]}
    assert rows["学前三年毛入园率"] == [
        "学前三年毛入园率",
        "≥100%",
        "98.2%",
        "98.6%",
        "提高0.4个百分点",
        "未达标",
    ]
    assert rows["学生体质健康优良率"][5] == "达标"
    assert rows["骨干教师数"][1:4] == ["≥100人", "80人", "90人"]
    # no value for 2025 stored: 无数据, not a guess
    assert rows["高中阶段毛入学率"][3:] == ["—", "—", "无数据"]


def test_yzjh_section_counts_sections_and_coefficients(documents: Documents) -> None:
    document = report(documents)
    three = section(texts(document), HEADINGS[2])
    assert any(
        t.startswith("2025学年全区参加资源配置评估的小学学校学段1个，") and "的1个，达标率100.0%" in t
        for t in three
    )
    assert any("初中学校学段1个" in t and "的0个，达标率0.0%；未达标的有测试第二中学" in t for t in three)
    assert (
        "小学7项差异系数中，6项在≤0.50的限值内，超出限值的有每百名学生拥有县级以上骨干教师数（0.620）。"
        in three
    )
    assert "初中7项差异系数中，7项在≤0.45的限值内，均达到要求。" in three
    assert any(
        "尚有2项未达标（差异系数超出限值或无法计算的1项，资源配置未达标的学校学段1个）" in t for t in three
    )
    # the charts are pictures in the document (trend, yzjh bars, health trend)
    assert len(document.inline_shapes) >= 3


def test_problems_come_from_unmet_figures_and_open_warnings(documents: Documents) -> None:
    five = section(texts(report(documents)), HEADINGS[4])
    assert any(t.startswith("（") and "骨干教师数未达到目标" in t for t in five)
    assert any("“每百名学生拥有县级以上骨干教师数”校际差异系数为0.620，超出≤0.50的限值" in t for t in five)
    assert any("初中有1个学校学段资源配置未达标" in t for t in five)
    assert any("尚有1条预警未办结" in t and "其中严重1条" in t for t in five)
    # a goal that is met is not a problem
    assert not any("学生体质健康优良率未达到目标" in t for t in five)


def test_appendix_lists_every_catalogue_indicator(documents: Documents) -> None:
    document = report(documents)
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["指标", "数值", "单位", "口径", "依据"]
    definitions = list(catalogue().values())
    names = [row.cells[0].text for row in table.rows[1:]]
    assert [n.removeprefix(UNVERIFIED_MARK) for n in names] == [d.name_zh for d in definitions]
    marked = [n for n in names if n.startswith(UNVERIFIED_MARK)]
    assert len(marked) == sum(1 for d in definitions if not d.is_verified) > 0
    row = table.rows[1 + [d.id for d in definitions].index("enrolment.preschool_gross_rate")]
    assert row.cells[1].text == "98.6"
    assert row.cells[3].text == catalogue()["enrolment.preschool_gross_rate"].kou_jing


def test_withheld_values_are_never_shown(documents: Documents) -> None:
    document = report(documents)
    everything = every_text(document)
    assert WITHHELD not in everything
    health = next(
        t for t in document.tables if t.rows[0].cells[0].text == "指标" and t.rows[0].cells[3].text == "高中"
    )
    fitness = next(row for row in health.rows if row.cells[0].text == "学生体质健康优良率")
    assert fitness.cells[3].text == "少于10人，不予显示"
    assert fitness.cells[4].text == "51.2%"


def test_annual_report_converts_to_pdf_with_libreoffice(documents: Documents) -> None:
    pdf = convert_to_pdf(build_annual_report(2025, today=TODAY), "annual-report")
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) >= 5


def test_text_after_a_table_stands_apart_from_it(documents: Documents) -> None:
    body = report(documents).element.body
    after_tables = [el.getnext() for el in body.iterchildren(qn("w:tbl"))]
    paragraphs_after = [el for el in after_tables if el is not None and el.tag == qn("w:p")]
    assert paragraphs_after
    for p in paragraphs_after:
        spacing = p.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        assert spacing is not None and int(spacing.get(qn("w:before"))) > 0


def test_no_change_is_claimed_against_a_year_without_census_data(documents: Documents) -> None:
    """2024 exists (its indicators were computed) but has no classes: 比上年 is “—”, not the whole count."""
    from tisheng.census.models import SchoolClass
    from tisheng.core.choices import Grade

    section = documents.world.school_a.sections.get()
    for number in (1, 2):
        SchoolClass.objects.create(
            academic_year=documents.world.year,
            section=section,
            grade=Grade.P1,
            number=number,
            student_count=40,
        )
    document = report(documents)
    basics = next(t for t in document.tables if t.rows[-1].cells[0].text == "合计")
    assert basics.rows[-1].cells[3].text == "80"
    assert [row.cells[4].text for row in basics.rows[1:]] == ["—"] * (len(basics.rows) - 1)
    assert "比上年" not in next(p.text for p in document.paragraphs if "在校（园）学生" in p.text)
