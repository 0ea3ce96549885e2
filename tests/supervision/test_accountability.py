"""The departments' yearly 履职评价 (supervision/accountability.py), worked by hand for 政府办, which
leads two tasks of the 西夏区 plan (7 and 27)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.plan.conftest import XIXIA, load
from tests.supervision.conftest import inspect_school_a
from tisheng.core.choices import Role
from tisheng.core.models import Department, User
from tisheng.plan import choices as pc
from tisheng.plan.models import Plan, ProgressReport, Task
from tisheng.plan.reports import Period
from tisheng.supervision import choices as c
from tisheng.supervision.accountability import yearly_table
from tisheng.supervision.models import EscalationStep, Recheck, RectificationOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World, settings: object) -> Plan:
    settings.REPORTS_FROM = dt.date(2025, 1, 1)  # type: ignore[attr-defined]
    return load(XIXIA).plan


def office(plan: Plan) -> Department:
    return Task.objects.get(plan=plan, number=7).department_links.get(role=pc.DepartmentRole.LEAD).department


def report(task: Task, department: Department, quarter: int, late_days: int) -> None:
    period = Period(2025, quarter)
    ProgressReport.objects.create(
        task=task,
        department=department,
        year=2025,
        quarter=quarter,
        text="进展",
        submitted_on=period.due() + dt.timedelta(days=late_days),
    )


def order_to(
    world: World, department: Department, deadline: dt.date, passed_on: dt.date | None
) -> RectificationOrder:
    order = inspect_school_a(world).findings[0].order
    RectificationOrder.objects.filter(pk=order.pk).update(
        school=None, department=department, deadline=deadline
    )
    if passed_on is not None:
        Recheck.objects.create(
            order=order, inspector=world.users["inspector"], date=passed_on, result=c.RecheckResult.PASSED
        )
    return order


def row_of(plan: Plan, department: Department):  # type: ignore[no-untyped-def]
    return next(r for r in yearly_table(plan, 2025) if r.department == department)


def test_a_department_worked_by_hand(world: World, plan: Plan) -> None:
    gov = office(plan)
    task7 = Task.objects.get(plan=plan, number=7)
    report(task7, gov, 1, -3)  # on time
    report(task7, gov, 2, 5)  # five days late
    order_to(world, gov, dt.date(2025, 6, 30), dt.date(2025, 6, 20))  # passed before its deadline
    row = row_of(plan, gov)
    assert row.tasks_led == 2
    assert (row.reports_owed, row.reports_on_time, row.reports_late, row.reports_missing) == (8, 1, 1, 6)
    assert (row.orders_due, row.orders_on_time, row.orders_open) == (1, 1, 0)
    # no task has data: the task part is left out; reports (2·1 + 1)/(2·8) = 3/16, rectification 1
    # score = (30 · 3/16 + 30 · 1) / 60 · 100 = 59.375 → 59.4
    assert row.score == Decimal("59.4") and row.grade == "不合格"


def test_a_red_light_caps_the_grade(world: World, plan: Plan) -> None:
    gov = office(plan)
    for number in (7, 27):
        for quarter in (1, 2, 3, 4):
            report(Task.objects.get(plan=plan, number=number), gov, quarter, 0)  # on the due day: on time
    order = order_to(world, gov, dt.date(2025, 3, 31), dt.date(2025, 3, 1))
    assert row_of(plan, gov).score == Decimal("100.0") and row_of(plan, gov).grade == "优秀"
    EscalationStep.objects.create(
        order=order, level=c.Escalation.RED_LIGHT, date=dt.date(2025, 5, 1), deadline=dt.date(2025, 3, 31)
    )
    row = row_of(plan, gov)
    assert row.red_lights == 1 and row.grade == "合格"


def test_nothing_to_judge_has_no_score(world: World, plan: Plan) -> None:
    row = next(r for r in yearly_table(plan, 2025) if r.department == office(plan))
    assert row.reports_owed == 8  # owed all the same
    rows_2030 = [r for r in yearly_table(plan, 2030)]
    assert all(r.score is None and r.grade == "无数据" for r in rows_2030)


def test_the_page_shows_the_district_everything_and_a_department_its_own_row(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    url = reverse("supervision:accountability")
    page = client_for("inspector").get(url, {"year": "2025"})
    assert page.status_code == 200
    names = [row[0].value for row in page.context["table"].body()]
    assert office(plan).short_name in names and len(names) > 1
    assert (
        not client_for("dept_user").get(url, {"year": "2025"}).context["table"].rows
    )  # 财政局 leads nothing
    gov_user = User.objects.create_user(
        "gov", password="Correct-Horse-2025", role=Role.DEPARTMENT, department=office(plan)
    )
    client = Client()
    client.force_login(gov_user)
    own = client.get(url, {"year": "2025"})
    assert [row[0].value for row in own.context["table"].body()] == [office(plan).short_name]
    assert client_for("principal_a").get(url).status_code == 403
    workbook = client_for("leader").get(url, {"year": "2025", "format": "xlsx"})
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert Client().get(url).status_code == 302
