"""The district overview (web/overview.py), the district roles' home: the goals' figures against their
targets with the plan's own statuses, the key indicators' trends switched by HTMX, the tasks by status,
the open warnings and rectification orders; who sees it; and its query bound."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import World
from tests.plan.conftest import XIXIA, load
from tests.plan.test_status import store
from tests.supervision.conftest import inspect_school_a, warning_of_a, warning_of_finance
from tisheng.core.models import School
from tisheng.indicators.models import IndicatorValue
from tisheng.plan.models import Commitment, Goal, Plan, Task
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status
from tisheng.supervision import choices as sc
from tisheng.supervision.services import raise_warning

pytestmark = pytest.mark.django_db

FITNESS = {2021: "39.7", 2022: "42.4", 2023: "45.7", 2024: "48.3", 2025: "50.7"}
SENIOR = {2021: "68.0", 2022: "66.5", 2023: "67.1", 2024: "65.8", 2025: "65.1"}


@pytest.fixture
def plan(world: World) -> Plan:
    plan = load(XIXIA).plan
    store(world, "health.fitness_excellent_good_rate", FITNESS)
    store(world, "enrolment.senior_gross_rate", SENIOR)
    return plan


def on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr("tisheng.web.views._today", lambda: day)


def figure_of(context: dict, key: str):  # type: ignore[no-untyped-def]
    return next(f for tile in context["goal_tiles"] for f in tile.figures if f.commitment.key == key)


def chart_options(html: str, container: str) -> dict:
    """The ECharts options written for the chart inside the element with id ``container``."""
    start = html.index(f'id="{container}"')
    match = re.search(
        r'<script id="(chart-\d+-data)" type="application/json">(.*?)</script>', html[start:], re.S
    )
    assert match is not None
    return json.loads(match.group(2))


def test_a_goals_figures_are_the_stored_values_with_the_plans_status(
    client_for: Callable[[str], Client], world: World, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, dt.date(2026, 2, 1))
    response = client_for("leader").get("/home/")
    assert response.status_code == 200 and "web/home_district.html" in [t.name for t in response.templates]
    context = response.context
    found = plan_status(plan, today=dt.date(2026, 2, 1))

    fitness = figure_of(context, "g1-fitness")
    stored = IndicatorValue.objects.get(
        indicator="health.fitness_excellent_good_rate", level="district", academic_year__start_year=2025
    )
    assert fitness.value == stored.value == Decimal("50.7") and fitness.year == 2025
    assert fitness.shown == "50.7%"
    assert fitness.status == found.commitments[fitness.commitment.pk].status == Status.GREEN
    assert fitness.reason == "目标期限2025年已过，学生体质健康优良率2025年为50.7%，达到目标50%"

    senior = figure_of(context, "g2-senior-gross")
    assert senior.value == Decimal("65.1") and senior.status == Status.RED
    tiles = {tile.goal.number: tile for tile in context["goal_tiles"]}
    goal2 = Goal.objects.get(plan=plan, number=2)
    assert tiles[2].status == found.of_goal(goal2) == Status.RED
    assert [f.commitment.key for f in tiles[3].measured] == []  # goal 3: qualitative only
    assert len(tiles[3].followed) == 2
    # a commitment without data says so
    certified = figure_of(context, "g4-certified")
    assert certified.value is None and certified.shown == "—" and certified.status == Status.UNKNOWN

    page = response.content.decode()
    assert 'id="goal-1-figures"' in page and "50.7%" in page
    assert f'href="{plan.get_absolute_url()}#goal-2"' in page


def test_the_key_indicator_trend_has_five_years_and_the_target_line(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    response = client_for("leader").get("/home/")
    assert response.context["trend_figure"].commitment.key == "g1-fitness"
    options = chart_options(response.content.decode(), "trend-chart")
    assert options["xAxis"]["data"] == ["2021", "2022", "2023", "2024", "2025"]
    assert options["series"][0]["data"] == [39.7, 42.4, 45.7, 48.3, 50.7]
    assert options["series"][0]["markLine"]["data"] == [{"yAxis": 50.0}]
    keys = [figure.commitment.key for figure, _url, _active in response.context["trend_tabs"]]
    assert keys[:3] == ["g1-fitness", "g1-myopia", "g2-preschool-gross"] and "g4-famous-principals" in keys


def test_htmx_switches_the_trend_without_the_page(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    client = client_for("inspector")
    partial = client.get("/home/", {"indicator": "g2-senior-gross"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert (
        partial.status_code == 200
        and "<html" not in body
        and body.startswith('<section class="card" id="trend">')
    )
    assert next(t.name for t in partial.templates) == "web/partials/overview_trend.html"
    options = chart_options(body, "trend-chart")
    assert options["series"][0]["data"] == [68.0, 66.5, 67.1, 65.8, 65.1]
    assert options["series"][0]["markLine"]["data"] == [{"yAxis": 95.5}]
    assert 'data-indicator="g2-senior-gross" class="active"' in body
    assert "HX-Request" in partial["Vary"]
    # without HTMX the same address is the whole page with that trend
    full = client.get("/home/", {"indicator": "g2-senior-gross"})
    assert (
        "<html" in full.content.decode() and full.context["trend_figure"].commitment.key == "g2-senior-gross"
    )
    # an unknown key falls back to the first indicator
    other = client.get("/home/", {"indicator": "nonsense"}, headers={"HX-Request": "true"})
    assert 'data-indicator="g1-fitness" class="active"' in other.content.decode()


def test_tasks_by_status_per_project_match_the_plan(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    context = client_for("leader").get("/home/").context
    found = plan_status(plan)
    board = context["board"]
    assert sum(n for _s, _label, n in board.counts) == Task.objects.filter(plan=plan).count() == 29
    for bp in board.projects:
        expected = {s: 0 for s in Status}
        for task in Task.objects.filter(project=bp.project):
            expected[found.of_task(task)] += 1
        assert {s: n for s, _label, n in bp.counts} == expected
    pie = context["tasks_chart"].options()["series"][0]["data"]
    assert sum(item["value"] for item in pie) == 29


def test_open_warnings_by_kind_and_severity_and_overdue_orders(
    client_for: Callable[[str], Client], world: World, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    warning_of_a(world)  # 超大班额, 关注
    warning_of_finance(world)  # 承诺滞后, 关注
    serious = raise_warning(
        sc.WarningKind.COMMITMENT_OFF_TRACK,
        department=world.dept_housing,
        subject="高中阶段毛入学率滞后",
        detail="未达到目标95.5%",
        source_key="commitment:g2:2025",
        severity=sc.Severity.HIGH,
    )
    resolved = raise_warning(
        sc.WarningKind.MISSING_DATA,
        school=world.school_b,
        subject="未报数据",
        detail="未报",
        source_key="missing:b",
    )
    resolved.status, resolved.resolution = sc.WarningStatus.RESOLVED, "已补报"
    resolved.save()
    inspected = inspect_school_a(world)  # two findings, orders due 2025-10-31
    order = inspected.findings[0].order
    on(monkeypatch, dt.date(2025, 11, 5))
    context = client_for("leader").get("/home/").context
    rows = {row["label"]: row["cells"] for row in context["warning_rows"]}
    assert rows == {
        sc.WarningKind.OVERSIZED_CLASSES.label: [0, 1, 0],
        sc.WarningKind.COMMITMENT_OFF_TRACK.label: [1, 1, 0],
    }
    assert context["warning_total"] == 3 and serious.pk
    assert context["order_total"] == 2 and context["order_overdue"] == 2
    assert all(o.is_overdue for o in context["orders"]) and order in context["orders"]
    # before the deadline nothing is overdue
    on(monkeypatch, dt.date(2025, 10, 20))
    cache.clear()  # the page cache keys on the real date, which this test does not move
    context = client_for("leader").get("/home/").context
    assert context["order_overdue"] == 0 and not any(o.is_overdue for o in context["orders"])


def test_only_the_district_roles_get_the_overview(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    for persona in ("admin", "inspector", "leader"):
        assert "goal_tiles" in client_for(persona).get("/home/").context
    for persona in ("principal_a", "clerk_a", "principal_b"):
        response = client_for(persona).get(
            "/home/", {"indicator": "g1-fitness"}, headers={"HX-Request": "true"}
        )
        assert "goal_tiles" not in response.context and "trend_chart" not in response.context
        assert "web/home_school.html" in [t.name for t in response.templates]
    department = client_for("dept_user").get("/home/")
    assert "goal_tiles" not in department.context
    assert department.context["board"].department == world.dept_finance
    assert client_for("anon").get("/home/").status_code == 302


def test_the_overview_costs_a_fixed_number_of_queries(
    client_for: Callable[[str], Client], world: World, plan: Plan, django_assert_max_num_queries
) -> None:
    """The same number of queries with one more school and more warnings: nothing per row."""
    warning_of_a(world)
    inspect_school_a(world)
    client = client_for("leader")
    client.get("/home/")  # warm the catalogue and the session
    cache.clear()  # measured uncached: the body is built (tisheng.web.pagecache)
    with CaptureQueriesContext(connection) as before:
        client.get("/home/")
    school = School.objects.create(
        code="2164010509", name="测试第九小学", school_type=world.school_a.school_type, town=world.urban
    )
    warning_of_finance(world)
    raise_warning(
        sc.WarningKind.OVERSIZED_CLASSES,
        school=school,
        subject="超大班额",
        detail="1 个",
        source_key="oversized_classes:2025:2164010509",
    )
    with django_assert_max_num_queries(40), CaptureQueriesContext(connection) as after:
        assert client.get("/home/").status_code == 200
    assert len(after) == len(before)
    with CaptureQueriesContext(connection) as again:
        assert client.get("/home/").status_code == 200
    assert len(again) < len(after)  # the same data version: the body comes from the cache
    with django_assert_max_num_queries(12):
        client.get("/home/", {"indicator": "g1-myopia"}, headers={"HX-Request": "true"})
    assert Commitment.objects.filter(plan=plan, goal__isnull=False).count() == 17
