"""The school profile (学校画像, issue 7): the figures it shows are the stored values, the radar is the 7
resource indicators against their standards, the class-size histogram counts the register's classes, a
small group's value is withheld outside its school, each role sees what its scope allows, and the page's
queries do not grow with the values behind it.

The data, all written out here (学年 2024 and 2025, both computed):
- school A (小学): the 7 resource values of 2025 (L6 below the standard, at 90% of it: 6 of 7 met, the
  section meets the rule); 体质健康优良率 60.0% in 2024 and 5 of 7 = 71.4% in 2025 (7 students: a small
  group, shown only to school A's users); 大班额比例 2025 50.0%; classes of 40, 45, 46, 56, 66 and 70;
- school B (初中): its own resource values, which must never show on A's page;
- the district's 体质健康优良率 55.0% in 2025 (小学 49.5%);
- a warning to school A (open) and an older resolved one; the inspection of school A with two findings
  (two rectification orders); a submission and an import batch of school A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from tests.health.web.data import run_of
from tests.supervision.conftest import inspect_school_a, school_value, warning_of_a
from tisheng.census.models import SchoolClass
from tisheng.core.choices import Grade, Stage
from tisheng.core.models import AcademicYear
from tisheng.indicators import present
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.choices import Level
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.models import ImportBatch, Submission
from tisheng.intake.tables import dataset_title
from tisheng.supervision import choices as sc
from tisheng.supervision.models import Warning

GOOD_RATE = "health.fitness_excellent_good_rate"
LARGE = "class_size.large_share"
#: school A's 2025 resource values (primary): L1…L7, and whether each meets the primary standard
#: (4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3)
RESOURCES_A = {
    "yzjh.resource.l1": (Decimal("5.25"), True),
    "yzjh.resource.l2": (Decimal("1.2"), True),
    "yzjh.resource.l3": (Decimal("0.95"), True),
    "yzjh.resource.l4": (Decimal("6.125"), True),
    "yzjh.resource.l5": (Decimal("8.0"), True),
    "yzjh.resource.l6": (Decimal("1800"), False),
    "yzjh.resource.l7": (Decimal("2.5"), True),
}
PRIMARY_STANDARDS = [4.2, 1.0, 0.9, 4.5, 7.5, 2000.0, 2.3]
CLASS_SIZES_A = (40, 45, 46, 56, 66, 70)


@dataclass
class Profile:
    run: IndicatorRun
    earlier: IndicatorRun
    good_rate: IndicatorValue  # school A 2025, 7 students


def url(world: World, school: Any = None) -> str:
    return reverse("school-profile", args=[(school or world.school_a).pk])


def stored(run: IndicatorRun, indicator: str, school: Any, value: Decimal, **extra: Any) -> IndicatorValue:
    return school_value(run, indicator, school, value, None, value=value, rows=100, **extra)


def district_value(
    run: IndicatorRun, indicator: str, numerator: int, denominator: int, stage: str = ""
) -> IndicatorValue:
    return IndicatorValue.objects.create(
        run=run,
        academic_year=run.academic_year,
        indicator=indicator,
        definition_version=1,
        level=Level.DISTRICT,
        org_code="640105",
        stage=stage,
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        value=Decimal(numerator) * 100 / Decimal(denominator),
        rows=denominator,
        met=numerator * 2 >= denominator,
    )


@pytest.fixture
def profile(world: World, settings: Any) -> Profile:
    settings.LANGUAGE_CODE = "zh-hans"
    earlier_year = AcademicYear.objects.create(start_year=2024)
    earlier, run = run_of(earlier_year), run_of(world.year)
    for ident, (value, met) in RESOURCES_A.items():
        stored(run, ident, world.school_a, value, stage="primary", met=met)
        stored(run, ident, world.school_b, value * 3, stage="junior", met=True)
    stored(run, "yzjh.school_verdict", world.school_a, Decimal(100), stage="primary", met=True)
    stored(run, "yzjh.school_verdict", world.school_a, Decimal(100), stage="", met=True)
    school_value(earlier, GOOD_RATE, world.school_a, 12, 20, stage="primary", met=True)
    school_value(earlier, GOOD_RATE, world.school_a, 12, 20, stage="", met=True)
    good = school_value(run, GOOD_RATE, world.school_a, 5, 7, stage="primary", met=True)
    school_value(run, GOOD_RATE, world.school_a, 5, 7, stage="", met=True)
    district_value(run, GOOD_RATE, 165, 300)
    district_value(run, GOOD_RATE, 99, 200, stage="primary")
    school_value(run, LARGE, world.school_a, 3, 6, stage="primary", met=False)
    section = world.school_a.sections.get(stage=Stage.PRIMARY)
    for number, size in enumerate(CLASS_SIZES_A, 1):
        SchoolClass.objects.create(
            academic_year=world.year, section=section, grade=Grade.P1, number=number, student_count=size
        )
    return Profile(run, earlier, good)


def threshold(indicator: str, stage: str = "primary") -> str:
    """The threshold as the indicator pages write it (the same helper)."""
    return present.threshold_text(catalogue()[indicator], stage, {})


def page(client: Client, world: World, school: Any = None, **params: Any) -> Any:
    response = client.get(url(world, school), params)
    assert response.status_code == 200
    return response


def indicator_row(response: Any, name: str, stage: str) -> Any:
    rows = [r for g in response.context["groups"] for r in g.rows if r.name == name and r.stage == stage]
    assert len(rows) == 1, [(r.name, r.stage) for g in response.context["groups"] for r in g.rows]
    return rows[0]


# --- the figures --------------------------------------------------------------------------------------


def test_figures_are_the_stored_values(
    client_for: Callable[[str], Client], world: World, profile: Profile
) -> None:
    response = page(client_for("principal_a"), world)
    large = indicator_row(response, "大班额（56人及以上）比例", "小学")
    assert (large.shown, large.district) == ("50.0%", "—")
    assert large.threshold == threshold(LARGE) and "0%" in large.threshold
    assert "未达标" in large.met
    l4 = indicator_row(response, "生均教学及辅助用房面积", "小学")
    assert l4.shown == "6.13"  # 6.125 published half-up to 2 decimals
    good = indicator_row(response, "学生体质健康优良率", "小学")
    assert good.shown == "71.4%"  # school A's own users see its small group
    assert good.district == "49.5%"  # the district's primary value beside the school's primary value
    # one stage only: no all-stages row repeating it
    assert not [r for g in response.context["groups"] for r in g.rows if r.stage == "全部学段"]
    html = response.content.decode()
    assert "71.4%" in html and "生均教学仪器设备值" in html
    # school B's values (3 × A's) never show on A's page
    assert not any(r.shown == "18,000" for g in response.context["groups"] for r in g.rows)
    # the trend table of the health section: 2024 and 2025 as stored
    trend = response.context["health"][0]
    assert trend.name == "学生体质健康优良率"
    assert trend.rows[0] == ("小学", ["60.0%", "71.4%"])


def test_radar_is_the_seven_values_against_the_standard(
    client_for: Callable[[str], Client], world: World, profile: Profile
) -> None:
    response = page(client_for("admin"), world)
    [panel] = response.context["panels"]
    assert panel.stage == "primary"
    options = panel.chart.options()
    assert len(options["radar"]["indicator"]) == 7
    school, standard, tolerance = options["series"][0]["data"]
    assert school["value"] == [5.25, 1.2, 0.95, 6.13, 8.0, 1800.0, 2.5]
    assert standard["value"] == PRIMARY_STANDARDS
    assert tolerance["value"] == [round(b * 0.85, 4) for b in PRIMARY_STANDARDS]
    # every axis reaches past the standard and the school's value
    for axis, value, bound in zip(
        options["radar"]["indicator"], school["value"], PRIMARY_STANDARDS, strict=True
    ):
        assert axis["max"] >= max(value, bound)
    assert (panel.met_count, panel.known_count) == (6, 7)
    assert "达标" in panel.verdict and "未达标" not in panel.verdict
    l6 = panel.rows[5]
    assert (l6.shown, l6.reached) == ("1,800", "90%")
    assert l6.threshold == threshold("yzjh.resource.l6") and "2000" in l6.threshold
    assert "未达标" in l6.met


def test_a_nine_year_school_has_a_radar_per_section(
    client_for: Callable[[str], Client], world: World, profile: Profile
) -> None:
    for stage in ("primary", "junior"):
        for ident, (value, _met) in RESOURCES_A.items():
            stored(profile.run, ident, world.school_c, value, stage=stage, met=True)
    response = page(client_for("leader"), world, world.school_c)
    assert [p.stage for p in response.context["panels"]] == ["primary", "junior"]
    junior = response.context["panels"][1].chart.options()["series"][0]["data"][1]["value"]
    assert junior == [5.3, 1.0, 0.9, 5.8, 10.2, 2500.0, 2.4]  # the junior standards


def test_class_size_histogram_counts_the_classes(
    client_for: Callable[[str], Client], world: World, profile: Profile
) -> None:
    response = page(client_for("clerk_a"), world)
    sizes = response.context["sizes"]
    options = sizes.chart.options()
    counts = {label: n for _x, n, label in options["series"][0]["data"]}
    assert {k: v for k, v in counts.items() if v} == {
        "36–40": 1,
        "41–45": 1,
        "46–50": 1,
        "56–60": 1,
        "66–70": 2,
    }
    assert sum(counts.values()) == len(CLASS_SIZES_A)
    assert [x for x, _n, label in options["series"][0]["data"] if label == "41–45"] == [
        43
    ]  # the bin's middle
    # the lines sit on the bin edges: ≤ 45 (primary standard) at 45.5, ≥ 56 at 55.5 and ≥ 66 at 65.5
    lines = {m["label"]["formatter"]: m["xAxis"] for m in options["series"][-1]["markLine"]["data"]}
    assert lines == {"小学标准 ≤ 45": 45.5, "大班额 ≥ 56": 55.5, "超大班额 ≥ 66": 65.5}
    assert (options["xAxis"]["min"], options["xAxis"]["max"], options["xAxis"]["interval"]) == (35, 70, 5)
    [row] = sizes.rows
    assert (row.classes, row.students, row.average, row.largest) == (6, 323, "53.8", 70)
    assert (row.over_standard, row.large, row.super_large) == (4, 3, 2)
    assert sizes.students == {"小学": 323}


# --- small groups ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "inspector", "leader", "dept_user"])
def test_a_small_group_is_withheld_outside_the_school(
    client_for: Callable[[str], Client], world: World, profile: Profile, persona: str
) -> None:
    response = page(client_for(persona), world)
    good = indicator_row(response, "学生体质健康优良率", "小学")
    assert good.shown == "少于10人，不予显示"
    assert good.met == "—" and good.suppressed
    assert response.context["health"][0].rows[0] == ("小学", ["60.0%", "少于10人，不予显示"])
    html = response.content.decode()
    assert "71.4" not in html and "少于10人，不予显示" in html
    chart = response.context["health"][0].chart.options()
    assert chart["series"][0]["data"] == [60.0, None]  # a gap in the school's line


# --- supervision and intake -------------------------------------------------------------------------------


@pytest.fixture
def supervised(world: World, profile: Profile) -> dict[str, Any]:
    resolved = Warning.objects.create(
        kind=sc.WarningKind.MISSING_DATA,
        status=sc.WarningStatus.RESOLVED,
        resolution="已补报",
        school=world.school_a,
        subject="测试第一小学缺报数据",
        detail="2024学年办学条件未填报。",
        source_key="missing:2024:a",
    )
    open_warning = warning_of_a(world)
    inspected = inspect_school_a(world)
    submission = Submission.objects.create(
        dataset="classes", academic_year=world.year, school=world.school_a, status=SubmissionStatus.SUBMITTED
    )
    batch = ImportBatch.objects.create(
        dataset="classes",
        academic_year=world.year,
        school=world.school_a,
        uploaded_by=world.users["clerk_a"],
        status=BatchStatus.COMMITTED,
        rows_read=6,
    )
    return {
        "open": open_warning,
        "resolved": resolved,
        "findings": inspected.findings,
        "submission": submission,
        "batch": batch,
    }


@pytest.mark.parametrize("persona", ["principal_a", "clerk_a", "admin", "inspector", "leader"])
def test_warnings_orders_and_submissions(
    client_for: Callable[[str], Client], world: World, supervised: dict[str, Any], persona: str
) -> None:
    response = page(client_for(persona), world)
    warnings = response.context["warnings"]
    assert [w.pk for w in warnings.rows] == [supervised["open"].pk, supervised["resolved"].pk]  # open first
    assert (warnings.total, warnings.open) == (2, 1)
    orders = response.context["orders"]
    assert {r.order.finding_id for r in orders.rows} == {f.pk for f in supervised["findings"]}
    assert orders.open == 2
    html = response.content.decode()
    assert supervised["open"].get_absolute_url() in html
    assert supervised["findings"][0].get_absolute_url() in html
    [(title, cells)] = response.context["submissions"].rows
    assert title == dataset_title("classes")
    assert cells[0].item == supervised["submission"] and cells[0].url in html
    assert [c.item for c in response.context["batches"].rows] == [supervised["batch"]]


def test_a_department_user_sees_no_school_warnings_nor_submissions(
    client_for: Callable[[str], Client], world: World, supervised: dict[str, Any]
) -> None:
    response = page(client_for("dept_user"), world)
    # a department reads the warnings and orders addressed to itself, never a school's, and no intake
    for part in ("warnings", "orders", "submissions", "batches"):
        assert response.context[part] is None, part
    html = response.content.decode()
    assert 'id="profile-supervision"' not in html and 'id="profile-intake"' not in html
    assert supervised["open"].subject not in html


# --- permissions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "inspector", "leader", "dept_user", "principal_a", "clerk_a"])
def test_who_may_open_school_a(
    client_for: Callable[[str], Client], world: World, profile: Profile, persona: str
) -> None:
    response = page(client_for(persona), world)
    assert response.context["school"] == world.school_a


@pytest.mark.parametrize(
    ("persona", "school"), [("principal_a", "school_b"), ("principal_b", "school_a"), ("clerk_a", "school_c")]
)
def test_another_school_is_a_404(
    client_for: Callable[[str], Client], world: World, profile: Profile, persona: str, school: str
) -> None:
    response = client_for(persona).get(url(world, getattr(world, school)))
    assert response.status_code == 404


def test_an_unknown_school_is_a_404_and_the_public_signs_in(
    client_for: Callable[[str], Client], world: World
) -> None:
    assert client_for("admin").get(reverse("school-profile", args=[999_999])).status_code == 404
    response = client_for("anon").get(url(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_school_home_and_register_link_to_the_profile(
    client_for: Callable[[str], Client], world: World
) -> None:
    assert url(world) in client_for("principal_a").get(reverse("home")).content.decode()
    assert url(world) in client_for("admin").get(world.school_a.get_absolute_url()).content.decode()


def test_an_earlier_year_is_shown_on_request(
    client_for: Callable[[str], Client], world: World, profile: Profile
) -> None:
    response = page(client_for("principal_a"), world, year=2024)
    assert response.context["year"].start_year == 2024
    assert response.context["panels"] == []  # no resource values in 2024
    assert indicator_row(response, "学生体质健康优良率", "小学").shown == "60.0%"
    assert response.context["sizes"].total == 0


# --- queries ----------------------------------------------------------------------------------------------


#: the session and user, the school, its sections, the computed years, the run, the school's values, the
#: district's, the classes, the warnings, the orders, the submissions, the batches (and the navigation's),
#: and the data version of the page cache (tisheng.web.pagecache)
MAX_QUERIES = 16


def queries_for(client: Client, world: World) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = page(client, world)
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("persona", ["admin", "principal_a"])
def test_queries_do_not_grow_with_values_or_years(
    client_for: Callable[[str], Client],
    world: World,
    supervised: dict[str, Any],
    django_assert_max_num_queries: Any,
    persona: str,
) -> None:
    client = client_for(persona)
    with django_assert_max_num_queries(MAX_QUERIES):
        page(client, world)
    cache.clear()  # measured uncached: the body is built
    few, _response = queries_for(client, world)
    for start in (2021, 2022, 2023):
        run = run_of(AcademicYear.objects.create(start_year=start))
        for ident, (value, met) in RESOURCES_A.items():
            stored(run, ident, world.school_a, value, stage="primary", met=met)
        school_value(run, GOOD_RATE, world.school_a, 30, 40, stage="primary", met=True)
    Warning.objects.create(
        kind=sc.WarningKind.MISSING_DATA,
        school=world.school_a,
        subject="再一次缺报",
        detail="—",
        source_key="missing:2023:a",
        academic_year=AcademicYear.objects.get(start_year=2023),
    )
    many, response = queries_for(client, world)
    assert len(response.context["years"]) == 5
    assert response.context["health"][0].rows[0][1][:3] == ["75.0%", "75.0%", "75.0%"]
    assert response.context["warnings"].total == 3
    assert many == few <= MAX_QUERIES, (few, many)
    # the same page again at the same data version: the body comes from the cache
    again, cached = queries_for(client, world)
    assert again < many
    assert cached.content.decode().count("75.0%") == response.content.decode().count("75.0%") > 0


def test_stages_the_school_does_not_have_are_left_out(
    client_for: Callable[[str], Client], world: World, profile: Profile
) -> None:
    """A kindergarten's stored zero for 小学/初中 (nothing counted) is not a row of its profile; its
    indicators without stages are."""
    incomplete = "health.fitness_incomplete_count"
    for stage in ("primary", "junior", ""):
        school_value(
            profile.run, incomplete, world.kindergarten, 0, None, stage=stage, rows=0, value=Decimal(0)
        )
    school_value(
        profile.run, "teachers.backbone_count", world.kindergarten, 2, None, rows=2, value=Decimal(2)
    )
    response = page(client_for("admin"), world, world.kindergarten)
    rows = [(r.name, r.stage, r.shown) for g in response.context["groups"] for r in g.rows]
    assert rows == [("骨干教师数", "", "2")]
    assert response.context["panels"] == [] and response.context["health"] == []
