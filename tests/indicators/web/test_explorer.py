"""The indicator explorer (/indicators/<id>/): the picker that jumps to another indicator keeping the 学年,
the towns' and schools' bar charts, the 差异系数 panel, the map and the Excel export of the school table.

Figures from ``tests.indicators.web.conftest``: ``class_size.over_standard_share`` (all stages) is 50.0%
for school A (未达标) and 0.0% for school B (达标), the same for their towns (宁华路街道, 兴泾镇), 33.3% for
the district; threshold ≤ 0. ``yzjh.resource.l4`` (小学) is 4.5 for school A, and its district CV
``yzjh.cv.l4`` is 0 (one school) against ≤ 0.50.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.indicators.web.conftest import VERIFIED, Computed
from tisheng.core.models import School
from tisheng.indicators import present
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.choices import Level
from tisheng.indicators.models import IndicatorValue
from tisheng.indicators.views import BAR_COLOURS

RESOURCE = "yzjh.resource.l4"
CV = "yzjh.cv.l4"


def get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def bars(options: dict[str, Any]) -> dict[str, tuple[float, str]]:
    """Category → (value, colour) of a bar chart's options."""
    axis = options["yAxis"] if options["yAxis"]["type"] == "category" else options["xAxis"]
    data = options["series"][0]["data"]
    return {
        name: (item["value"], item["itemStyle"]["color"])
        for name, item in zip(axis["data"], data, strict=True)
    }


def stored(level: str, **where: Any) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.current().filter(
            indicator=VERIFIED, level=level, stage="", breakdown="", **where
        )
    )


def test_school_bars_are_the_stored_values_coloured_by_met(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    response = get(client_for("inspector"), reverse("indicators:detail", args=[VERIFIED]))
    options = response.context["school_chart"].options()
    definition = catalogue()[VERIFIED]
    expected = {
        v.school.name: (float(present.rounded(definition, v.value)), BAR_COLOURS[v.met])  # type: ignore[arg-type]
        for v in stored(Level.SCHOOL)
    }
    assert (
        bars(options)
        == expected
        == {
            world.school_a.name: (50.0, BAR_COLOURS[False]),
            world.school_b.name: (0.0, BAR_COLOURS[True]),
        }
    )
    lines = {line["name"]: line["xAxis"] for line in options["series"][0]["markLine"]["data"]}
    assert lines == {"达标标准 ≤ 0%": 0.0, "全区 33.3%": 33.3}


def test_town_bars_are_the_stored_town_values(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    response = get(client_for("admin"), reverse("indicators:detail", args=[VERIFIED]))
    options = response.context["town_chart"].options()
    assert (
        {name: value for name, (value, _colour) in bars(options).items()}
        == {v.town.name: float(v.value) for v in stored(Level.TOWN)}
        == {world.urban.name: 50.0, world.rural.name: 0.0}
    )
    # sorted, the best first: lower is better here (≤ 0)
    assert list(bars(options)) == [world.rural.name, world.urban.name]


def test_a_school_user_sees_the_own_school_beside_the_district_and_no_towns(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    response = get(client_for("principal_a"), reverse("indicators:detail", args=[VERIFIED]))
    assert response.context["town_chart"] is None
    assert bars(response.context["school_chart"].options()) == {
        world.school_a.name: (50.0, BAR_COLOURS[False]),
        "全区": (33.3, BAR_COLOURS[False]),  # the district beside the own school
    }
    html = response.content.decode()
    assert world.school_b.name not in html
    assert world.rural.name not in html  # no town names: a school's users see no towns


def test_the_cv_panel_shows_the_stored_cv_and_its_threshold(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    response = get(client_for("leader"), reverse("indicators:detail", args=[RESOURCE]) + "?stage=primary")
    rows = {(r.definition.id, str(r.stage)): r for r in response.context["cv_rows"]}
    assert set(rows) == {(CV, "小学"), (CV, "初中")}
    value = IndicatorValue.objects.current().get(indicator=CV, level=Level.DISTRICT, stage="primary")
    primary = rows[(CV, "小学")]
    assert primary.shown == present.display(catalogue()[CV], value.value) == "0.000"
    assert primary.threshold == "≤ 0.5"
    assert "达标" in primary.met
    assert rows[(CV, "初中")].threshold == "≤ 0.45"
    assert rows[(CV, "初中")].shown == "—"  # no 初中 school with a teaching area: no CV
    html = response.content.decode()
    assert 'id="cv-table"' in html and f'data-cv="{CV}"' in html


def test_indicators_without_a_cv_have_no_panel(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    response = get(client_for("admin"), reverse("indicators:detail", args=[VERIFIED]))
    assert response.context["cv_rows"] == []
    assert 'id="cv"' not in response.content.decode()


def test_the_picker_jumps_to_another_indicator_keeping_the_year(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    client = client_for("admin")
    url = reverse("indicators:detail", args=[VERIFIED])
    response = client.get(url, {"indicator": RESOURCE, "year": "2025", "stage": "primary", "met": "no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:detail", args=[RESOURCE]) + "?year=2025&stage=primary"
    # a stage the other indicator does not have is dropped
    response = client.get(url, {"indicator": RESOURCE, "year": "2025", "stage": "all"})
    assert response["Location"] == reverse("indicators:detail", args=[RESOURCE]) + "?year=2025"
    # the same indicator, or an unknown one, stays on the page
    assert client.get(url, {"indicator": VERIFIED}).status_code == 200
    assert client.get(url, {"indicator": "no.such"}).status_code == 200
    html = get(client, url).content.decode()
    assert '<select name="indicator" id="indicator-picker"' in html
    assert '<optgroup label="优质均衡·差异系数">' in html
    assert f'<option value="{VERIFIED}" selected>' in html


def test_the_explorer_links_the_definition_and_the_map(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    html = get(client_for("admin"), reverse("indicators:detail", args=[VERIFIED])).content.decode()
    assert 'id="school-map"' not in html  # no school has coordinates yet
    school = School.objects.get(pk=world.school_a.pk)
    school.longitude, school.latitude = Decimal("106.1"), Decimal("38.5")
    school.save()  # as the register's edit form does: audited, so the cached page is not reused
    html = get(client_for("admin"), reverse("indicators:detail", args=[VERIFIED])).content.decode()
    summary = html.split('id="kou-jing-summary"', 1)[1].split("</p>", 1)[0]
    assert 'href="#documentation"' in summary
    assert catalogue()[VERIFIED].kou_jing[:20] in summary
    assert 'id="school-map"' in html and 'id="school-map-data"' in html
    assert f"{reverse('map')}?year=2025&amp;indicator={VERIFIED}&amp;stage=all" in html


def workbook_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_the_school_table_exports_to_excel_whole_and_filtered(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    client = client_for("inspector")
    url = reverse("indicators:detail", args=[VERIFIED])
    header, *rows = workbook_rows(client.get(url, {"format": "xlsx"}))
    assert header[:5] == ("学校", "学校标识码", "镇（街道）", "学段", "数值")
    by_school = {row[0]: row for row in rows}
    assert set(by_school) == {world.school_a.name, world.school_b.name}
    a = by_school[world.school_a.name]
    assert a[1] == world.school_a.code and a[4] == 50 and a[7] == "未达标" and a[8] == 1 and a[9] == 2
    assert by_school[world.school_b.name][4] == 0 and by_school[world.school_b.name][7] == "达标"
    # the page's filters apply: only the unmet schools
    _header, *unmet = workbook_rows(client.get(url, {"format": "xlsx", "met": "no"}))
    assert [row[0] for row in unmet] == [world.school_a.name]


def test_the_excel_export_keeps_to_the_users_scope(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    url = reverse("indicators:detail", args=[VERIFIED])
    _header, *rows = workbook_rows(client_for("principal_a").get(url, {"format": "xlsx"}))
    assert [row[0] for row in rows] == [world.school_a.name]
    assert client_for("anon").get(url, {"format": "xlsx"}).status_code == 302  # to sign in


def test_the_excel_export_withholds_a_small_groups_value(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    """A value stored as withheld (``complementary``) is exported as the suppression text to everybody but
    its own school, and is left out of the bars."""
    IndicatorValue.objects.current().filter(
        indicator=VERIFIED, level=Level.SCHOOL, school=world.school_b
    ).update(complementary=True)
    url = reverse("indicators:detail", args=[VERIFIED])
    _header, *rows = workbook_rows(client_for("admin").get(url, {"format": "xlsx"}))
    b = next(row for row in rows if row[0] == world.school_b.name)
    assert b[4] == "可推算小样本，不予显示" and b[7] == "—" and b[8] == "—"
    response = get(client_for("admin"), url)
    assert list(bars(response.context["school_chart"].options())) == [world.school_a.name]
    assert response.context["withheld_count"] == 1
    _header, *own = workbook_rows(client_for("principal_b").get(url, {"format": "xlsx"}))
    assert own[0][0] == world.school_b.name and own[0][4] == 0
