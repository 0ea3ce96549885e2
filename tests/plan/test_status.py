"""The status of the plan's commitments from the stored district indicator values (plan/status.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.health.web.data import run_of
from tests.plan.conftest import XIXIA, load
from tisheng.core.models import AcademicYear
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.plan.models import Commitment, Goal, Plan, Task
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status, TrajectoryRule

pytestmark = pytest.mark.django_db

RULE = TrajectoryRule(points=3, tolerance_pp=Decimal("2.0"))


def store(world: World, indicator: str, values: dict[int, str], *, breakdown: str = "") -> None:
    """District values of ``indicator`` for the given 学年 (one current run per year, as a computation)."""
    for year, text in values.items():
        academic_year = AcademicYear.objects.get_or_create(start_year=year)[0]
        run = IndicatorRun.objects.filter(academic_year=academic_year, is_current=True).first()
        run = run or run_of(academic_year)
        IndicatorValue.objects.create(
            run=run,
            academic_year=academic_year,
            indicator=indicator,
            definition_version=1,
            level="district",
            org_code=world.district.code,
            breakdown=breakdown,
            numerator=Decimal(text),
            denominator=Decimal(100) if "." in text or indicator.endswith("rate") else None,
            value=Decimal(text),
            rows=500,
        )


def make_current(year: int) -> None:
    AcademicYear.objects.update(is_current=False)
    AcademicYear.objects.filter(start_year=year).update(is_current=True)


@pytest.fixture
def plan(world: World) -> Plan:
    return load(XIXIA).plan


def status_of(plan: Plan, key: str, as_of: int = 2024) -> tuple[Status, str]:
    found = plan_status(plan, rule=RULE, as_of=as_of)
    commitment = Commitment.objects.get(plan=plan, key=key)
    result = found.commitments[commitment.pk]
    return result.status, result.reason


def test_fitness_goal_on_its_trend_is_green_and_says_why(world: World, plan: Plan) -> None:
    store(world, "health.fitness_excellent_good_rate", {2022: "44.0", 2023: "46.5", 2024: "48.0"})
    status, reason = status_of(plan, "g1-fitness")
    # least squares over 2022–2024: slope 2.0 a year, 2025 projected 50.17
    assert status == Status.GREEN
    assert reason == "学生体质健康优良率2024年为48.0%，按近三年趋势2025年预计50.2%，可达到目标50%"


def test_fitness_goal_falling_short_is_red(world: World, plan: Plan) -> None:
    store(world, "health.fitness_excellent_good_rate", {2022: "40.0", 2023: "40.5", 2024: "41.0"})
    status, reason = status_of(plan, "g1-fitness")
    assert status == Status.RED
    assert "2025年预计41.5%，低于目标50%" in reason


def test_a_passed_deadline_is_judged_on_the_last_value(world: World, plan: Plan) -> None:
    store(world, "health.fitness_excellent_good_rate", {2024: "49.0", 2025: "49.5"})
    status, reason = status_of(plan, "g1-fitness", as_of=2025)
    assert status == Status.RED
    assert reason == "目标期限2025年已过，学生体质健康优良率2025年为49.5%，未达到目标50%"


def test_myopia_must_fall_every_year(world: World, plan: Plan) -> None:
    store(world, "health.myopia_rate", {2022: "56.0", 2023: "55.1", 2024: "55.6"})
    status, reason = status_of(plan, "g1-myopia")
    assert status == Status.RED and "2024年较上年上升0.5个百分点" in reason


def test_a_count_target_reads_its_breakdown(world: World, plan: Plan) -> None:
    """自治区级德育示范校 5 所 by 2025: the region-level row of the recognition count."""
    store(world, "recognition.moral_education_school", {2023: "3", 2024: "4"}, breakdown="level=region")
    store(world, "recognition.moral_education_school", {2023: "30", 2024: "30"})  # all levels: not read
    status, reason = status_of(plan, "t1-moral-region")
    assert status == Status.GREEN
    assert reason == "德育示范校认定数2024年为4所，按近两年趋势2025年预计5所，可达到目标5所"


def test_a_recurring_duty_holds_every_year(world: World, plan: Plan) -> None:
    store(world, "family.parent_meeting_rate", {2023: "100.0", 2024: "97.5"})
    status, reason = status_of(plan, "t4-parent-meetings")
    assert status == Status.RED  # 2.5 points short: beyond the 2-point tolerance
    assert reason == "2024年每学期召开家长会的学校比例为97.5%，未达到每所学校都做到的要求"
    store(world, "family.parent_meeting_rate", {2025: "98.0"})
    assert status_of(plan, "t4-parent-meetings", as_of=2025)[0] == Status.YELLOW
    IndicatorValue.objects.filter(
        indicator="family.parent_meeting_rate", academic_year__start_year=2025
    ).update(value=Decimal(100))
    assert status_of(plan, "t4-parent-meetings", as_of=2025) == (
        Status.GREEN,
        "2025年所有学校均已做到（每学期召开家长会的学校比例100.0%）",
    )


def test_without_data_a_commitment_says_so(world: World, plan: Plan) -> None:
    status, reason = status_of(plan, "g1-fitness")
    assert status == Status.UNKNOWN and reason.endswith("没有数据")
    status, reason = status_of(plan, "g1-character")
    assert status == Status.UNKNOWN and "进度报告" in reason


def test_tasks_and_goals_roll_up_their_commitments(world: World, plan: Plan) -> None:
    store(world, "health.fitness_excellent_good_rate", {2022: "44.0", 2023: "46.5", 2024: "48.0"})
    store(world, "health.myopia_rate", {2022: "56.0", 2023: "55.1", 2024: "55.6"})
    found = plan_status(plan, rule=RULE, as_of=2024)
    goal = Goal.objects.get(plan=plan, number=1)
    assert found.of_goal(goal) == Status.RED  # 优良率 绿, 近视率 红 → 红
    task1 = Task.objects.get(plan=plan, number=1)
    store(world, "recognition.moral_education_school", {2023: "3", 2024: "4"}, breakdown="level=region")
    store(world, "recognition.moral_education_school", {2023: "2", 2024: "3"}, breakdown="level=city")
    found = plan_status(plan, rule=RULE, as_of=2024)
    assert found.of_task(task1) == Status.RED  # 市级 10 所: 2025 projected 4


def test_the_plan_page_shows_each_status_with_its_reason_and_a_chart(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    store(world, "health.fitness_excellent_good_rate", {2022: "44.0", 2023: "46.5", 2024: "48.0"})
    store(world, "health.myopia_rate", {2022: "56.0", 2023: "55.1", 2024: "55.6"})
    make_current(2024)
    response = client_for("dept_user").get(plan.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "学生体质健康优良率2024年为48.0%，按近三年趋势2025年预计50.2%，可达到目标50%" in page
    assert "近视率（筛查性近视检出率）2024年较上年上升0.5个百分点" in page
    assert '<span class="badge red">红（进度滞后）</span>' in page  # goal 1
    pie = dict(
        (d["name"], d["value"]) for d in response.context["status_chart"].options()["series"][0]["data"]
    )
    assert sum(pie.values()) == 29 and set(pie) <= {
        "绿（进度正常）",
        "黄（存在风险）",
        "红（进度滞后）",
        "无数据",
    }


def test_the_task_list_and_task_page_show_the_rolled_up_status(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    store(world, "recognition.moral_education_school", {2023: "2", 2024: "3"}, breakdown="level=city")
    make_current(2024)
    task1 = Task.objects.get(plan=plan, number=1)
    listing = client_for("leader").get(reverse("plan:task-list"), {"plan": plan.pk})
    row = next(r for r in listing.context["table"].body() if r[0].value == 1)
    assert "红（进度滞后）" in str(row[-2].value)
    detail = client_for("leader").get(task1.get_absolute_url()).content.decode()
    assert '<span class="badge red">红（进度滞后）</span></h1>' in detail
    assert "德育示范校认定数2025年预计4所，低于目标10所" in detail  # 市级 10 所
    assert "德育示范校认定数没有数据" in detail  # 自治区级: no region-level values stored


def test_stored_decimals_are_written_without_trailing_zeros(world: World, plan: Plan) -> None:
    """A count target stored as 0.000 and a value stored as 45.0000000000 read "0" and "45" (and 100
    never as 1E+2)."""
    from tisheng.plan.status import plain

    assert [str(plain(Decimal(x))) for x in ("45.0000000000", "0.000", "100.000", "98.500")] == [
        "45",
        "0",
        "100",
        "98.5",
    ]
    store(world, "yzjh.district_verdict", {2024: "45", 2025: "45"})
    status, reason = status_of(plan, "g2-yzjh-resources", as_of=2025)
    assert status == Status.RED and "2025年为45项未达标，未达到目标0项未达标" in reason
