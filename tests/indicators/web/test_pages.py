"""What the indicator pages show (Chinese pages): the catalogue with this year's values, badges and trends;
an indicator's page with its documentation, chart, towns and schools; the drill-down to a town and a
school with the rows behind the value; the computation runs and “重新计算”."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.indicators.web.conftest import BY_LEVEL, UNVERIFIED, VERIFIED, Computed, TwoYears
from tisheng.indicators import services
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.choices import RunStatus
from tisheng.indicators.models import IndicatorRun


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def row_of(html: str, indicator: str) -> str:
    """The catalogue table row of ``indicator``."""
    match = re.search(rf'<tr data-indicator="{re.escape(indicator)}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {indicator}"
    return match.group(1)


def section(html: str, anchor: str) -> str:
    match = re.search(rf'<section class="card" id="{anchor}">(.*?)</section>', html, re.S)
    assert match, f"no section #{anchor}"
    return match.group(1)


def chart_options(html: str) -> list[dict[str, Any]]:
    return [
        json.loads(m)
        for m in re.findall(r'<script id="chart-\d+-data" type="application/json">(.*?)</script>', html)
    ]


# --- the catalogue ----------------------------------------------------------------------------------


def test_catalogue_lists_every_indicator_by_group(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    html = page(client_for("leader"), reverse("indicators:list"))
    definitions = catalogue().values()
    for definition in definitions:
        assert f'data-indicator="{definition.id}"' in html
    for group in {d.group for d in definitions}:
        assert f"<h2>{group} " in html
    assert "2025—2026学年" in html


def test_catalogue_row_shows_the_district_value_threshold_badge_and_trend(
    client_for: Callable[[str], Client], two_years: TwoYears
) -> None:
    row = row_of(page(client_for("inspector"), reverse("indicators:list")), VERIFIED)
    assert "超标准班额班级占比" in row
    assert "33.3%" in row  # 1 of the district's 3 小学 and 初中 classes is over the standard
    assert '<span class="badge red">未达标</span>' in row
    assert "≤ 0" in row
    assert '<svg class="trend"' in row and "2024 0.0% · 2025 33.3%" in row


def test_per_stage_only_indicators_show_each_stage(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    row = row_of(page(client_for("admin"), reverse("indicators:list")), UNVERIFIED)
    assert "<small>小学</small>" in row and "<small>初中</small>" in row


def test_unverified_indicators_carry_a_visible_badge(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    assert not catalogue()[UNVERIFIED].is_verified and catalogue()[VERIFIED].is_verified
    html = page(client_for("admin"), reverse("indicators:list"))
    assert '<span class="badge orange"' in row_of(html, UNVERIFIED) and "未核实" in row_of(html, UNVERIFIED)
    assert "未核实" not in row_of(html, VERIFIED)
    detail = page(client_for("admin"), reverse("indicators:detail", args=[UNVERIFIED]))
    assert '<div class="errors unverified" role="note">' in detail
    assert "正式上报前" in detail


def test_school_users_see_their_school_with_the_district_beside_it(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    html = page(client_for("principal_a"), reverse("indicators:list"))
    assert "本校" in html
    row = row_of(html, VERIFIED)
    assert row.index("50.0%") < row.index("33.3%")  # school A's value, then the district's
    other = page(client_for("principal_b"), reverse("indicators:list"))
    assert "0.0%" in row_of(other, VERIFIED) and "50.0%" not in row_of(other, VERIFIED)


def test_the_year_selector_shows_an_earlier_year(
    client_for: Callable[[str], Client], two_years: TwoYears
) -> None:
    html = page(client_for("admin"), reverse("indicators:list") + "?year=2024")
    assert '<option value="2024" selected>' in html
    value = re.sub(r"<svg.*?</svg>", "", row_of(html, VERIFIED), flags=re.S)  # without the trend
    assert "0.0%" in value and "33.3%" not in value


def test_english_pages_show_the_english_names(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    client = client_for("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, reverse("indicators:list"))
    assert catalogue()[VERIFIED].name_en in html
    assert "Indicators" in html and "Unverified" in html
    detail = page(client, reverse("indicators:detail", args=[VERIFIED]))
    assert catalogue()[VERIFIED].name_en in detail


# --- one indicator ---------------------------------------------------------------------------------


def test_indicator_page_documents_the_definition(
    client_for: Callable[[str], Client], computed: Computed
) -> None:
    definition = catalogue()[VERIFIED]
    html = page(client_for("leader"), reverse("indicators:detail", args=[VERIFIED]))
    for text in ("计算公式", "本平台的口径", definition.kou_jing, "官方依据", "方案条款", "指标版本"):
        assert text in html, text
    assert f"第 {definition.plan_task} 项任务" in html or f"任务 {definition.plan_task}" in html


def test_provincial_override_is_marked(
    client_for: Callable[[str], Client], computed: Computed, settings: Any
) -> None:
    settings.THRESHOLD_OVERRIDES = {VERIFIED: "<= 5"}
    url = reverse("indicators:detail", args=[VERIFIED])
    # the page shows the thresholds the shown values were computed with: none overridden yet
    assert "省级覆盖" not in page(client_for("admin"), url)
    services.compute_year(computed.run.academic_year)
    html = page(client_for("admin"), url)
    assert "省级覆盖" in html
    assert "≤ 5" in html


def test_indicator_page_has_a_chart_with_the_threshold_per_stage(
    client_for: Callable[[str], Client], two_years: TwoYears
) -> None:
    html = page(client_for("admin"), reverse("indicators:detail", args=[VERIFIED]))
    options = chart_options(html)[0]  # the trend; the towns' and schools' bar charts follow
    assert options["xAxis"]["data"] == ["2024", "2025"]
    by_name = {s["name"]: s for s in options["series"]}
    assert set(by_name) == {"全区 · 全部学段", "全区 · 小学", "全区 · 初中"}
    assert by_name["全区 · 小学"]["data"] == [0.0, 50.0]
    assert by_name["全区 · 全部学段"]["markLine"]["data"] == [{"yAxis": 0.0}]


def test_indicator_page_lists_towns_and_schools_with_badges(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    html = page(client_for("inspector"), reverse("indicators:detail", args=[VERIFIED]))
    towns = section(html, "towns")
    assert world.urban.name in towns and world.rural.name in towns
    schools = section(html, "schools")
    assert "2 所学校" in schools  # rows counted: A (小学) and B (初中) have classes; C has none
    assert world.school_a.name in schools and world.school_b.name in schools
    assert (
        '<span class="badge red">未达标</span>' in schools
        and '<span class="badge green">达标</span>' in schools
    )
    assert reverse("indicators:town", args=[VERIFIED, world.urban.pk]) in towns


def test_school_users_see_only_their_own_school_on_the_indicator_page(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    html = page(client_for("clerk_a"), reverse("indicators:detail", args=[VERIFIED]))
    assert world.school_a.name in section(html, "schools")
    assert world.school_b.name not in html
    assert 'id="towns"' not in html
    assert "33.3%" in html  # the district's value, for comparison


def test_the_stage_filter_narrows_the_tables(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    client = client_for("admin")
    primary = section(
        page(client, reverse("indicators:detail", args=[VERIFIED]) + "?stage=primary"), "schools"
    )
    assert world.school_a.name in primary and world.school_b.name not in primary
    junior = section(page(client, reverse("indicators:detail", args=[VERIFIED]) + "?stage=junior"), "schools")
    assert world.school_b.name in junior and world.school_a.name not in junior
    unmet = section(page(client, reverse("indicators:detail", args=[VERIFIED]) + "?met=no"), "schools")
    assert world.school_a.name in unmet and world.school_b.name not in unmet
    rural = section(
        page(client, reverse("indicators:detail", args=[VERIFIED]) + f"?town={world.rural.pk}"), "schools"
    )
    assert world.school_b.name in rural and world.school_a.name not in rural


def test_the_school_table_sorts(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    client = client_for("admin")
    url = reverse("indicators:detail", args=[VERIFIED])
    high_first = section(page(client, url + "?sort=-value"), "schools")
    assert high_first.index(world.school_a.name) < high_first.index(world.school_b.name)
    low_first = section(page(client, url + "?sort=value"), "schools")
    assert low_first.index(world.school_b.name) < low_first.index(world.school_a.name)
    assert "sort=-value" in page(client, url + "?sort=value")  # the header links the other direction


def test_breakdown_rows_by_level(client_for: Callable[[str], Client], computed: Computed) -> None:
    html = page(client_for("admin"), reverse("indicators:detail", args=[BY_LEVEL]))
    assert "自治区级" in section(html, "breakdown")


def test_provenance_box(client_for: Callable[[str], Client], computed: Computed) -> None:
    html = page(client_for("principal_a"), reverse("indicators:detail", args=[VERIFIED]))
    box = section(html, "provenance")
    run = computed.run
    for text in (run.snapshot_id, run.code_version, run.backend, "计算时间", "导入批次", "计入行数"):
        assert text in box, text
    # the 筛查性近视 cut-off is a setting of the run, shown as such — not as a provincial threshold override
    assert run.overrides.get("TISHENG_MYOPIA_SE_INCLUSIVE") is True
    assert "筛查性近视界值" in box and "等效球镜 ≤ −0.50 D" in box
    assert "省级阈值覆盖" not in box


# --- drill-down ------------------------------------------------------------------------------------


def test_town_page_shows_the_town_and_its_schools(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    html = page(
        client_for("leader"), reverse("indicators:town", args=[VERIFIED, world.urban.pk]) + "?stage=primary"
    )
    schools = section(html, "schools")
    assert world.school_a.name in schools and world.school_b.name not in schools
    assert reverse("indicators:school", args=[VERIFIED, world.school_a.pk]) in schools
    assert "50.0%" in html


def test_school_page_shows_numerator_denominator_and_comparison(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    html = page(client_for("admin"), reverse("indicators:school", args=[VERIFIED, world.school_a.pk]))
    value = section(html, "value")
    assert "50.0%" in value and '<td class="num">1</td>' in value and '<td class="num">2</td>' in value
    assert world.urban.name in value and "全区" in value  # the town's and the district's values beside it
    assert chart_options(html)


def test_school_page_links_to_the_rows_behind_the_value(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    url = reverse("indicators:school", args=[BY_LEVEL, world.school_a.pk])
    html = page(client_for("clerk_a"), url)
    rows = (
        f"{reverse('census:recognition-list')}?school={world.school_a.pk}&amp;year_min=2025&amp;year_max=2025"
    )
    assert rows in section(html, "sources")
    listed = page(client_for("clerk_a"), rows.replace("&amp;", "&"))
    assert "文明校园" in listed  # the recognition the value counted
    assert "intake/batches" in section(html, "sources")
    # a department user may read recognitions but not the import batches: no link to them
    department = section(page(client_for("dept_user"), url), "sources")
    assert "census/recognitions" in department and "intake/batches" not in department


def test_school_page_lists_the_classes_behind_a_class_size_value(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    url = reverse("indicators:school", args=[VERIFIED, world.school_a.pk])
    html = page(client_for("principal_a"), url)
    assert "共 2 条记录" in html  # the two classes of school A counted by the value
    assert "<td>46</td>" in html and "<td>40</td>" in html
    assert "教职工学年记录" not in html  # a class-size value is not counted from the staff


def test_school_page_lists_staff_only_to_those_who_may_read_them(
    client_for: Callable[[str], Client], world: World, computed: Computed
) -> None:
    url = reverse("indicators:school", args=["teachers.certified_rate", world.school_a.pk])
    assert "教职工学年记录" in page(client_for("principal_a"), url)
    assert "教职工学年记录" not in page(client_for("dept_user"), url)  # department users see no staff


# --- runs ------------------------------------------------------------------------------------------


def test_runs_page_lists_the_runs(client_for: Callable[[str], Client], two_years: TwoYears) -> None:
    html = page(client_for("admin"), reverse("indicators:runs"))
    assert f"#{two_years.run.pk}" in html and f"#{two_years.earlier.pk}" in html
    assert '<span class="badge green">成功</span>' in html or 'class="badge green"' in html
    assert "重新计算" in html


def test_recompute_replaces_the_years_values_and_says_so(
    client_for: Callable[[str], Client], world: World, two_years: TwoYears
) -> None:
    client = client_for("admin")
    response = client.post(reverse("indicators:recompute"), {"year": two_years.earlier_year.pk}, follow=True)
    assert response.status_code == 200
    assert "已重新计算2024—2025学年的指标" in response.content.decode()
    latest = IndicatorRun.objects.latest("id")
    assert latest.academic_year == two_years.earlier_year and latest.status == RunStatus.SUCCEEDED
    two_years.earlier.refresh_from_db()
    assert not two_years.earlier.is_current


def test_recompute_without_a_year_says_so(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("admin").post(reverse("indicators:recompute"), {}, follow=True)
    assert "请选择要计算的学年" in response.content.decode()


def test_navigation_has_indicators_for_every_role(client_for: Callable[[str], Client], world: World) -> None:
    from tests.conftest import PERSONAS

    for persona in PERSONAS:
        html = page(client_for(persona), reverse("home"))
        assert f'<a href="{reverse("indicators:list")}">指标</a>' in html, persona
