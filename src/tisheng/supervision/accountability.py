"""The yearly 履职评价 of the departments (部门履职评价): how each department carried its part of the plan
in one year, as a table the 督导委员会 can publish (PLAN.md 组织实施: 督导评估, 通报, 约谈, 亮红灯).

For a plan and a calendar year Y, every department the plan names as a lead unit (牵头单位) is judged on
three parts, each a share between 0 and 1:

1. **Tasks** (任务进展, weight 40): of the tasks it leads, the share on track — each task's rolled-up
   status as of the end of Y (:func:`tisheng.plan.status.plan_status` with the 学年 Y and 31 December Y):
   绿 counts 1, 黄 ½, 红 0; tasks with no data (无数据) are left out of the share.
2. **Reports** (进度报告, weight 30): of the quarterly reports it owed in Y as a lead unit, the share that
   came in by their due date (``submitted_on`` ≤ due; :mod:`tisheng.plan.reports`). Late counts ½,
   missing 0.
3. **Rectification** (整改落实, weight 30): of the rectification orders addressed to it whose (latest)
   deadline fell in Y, the share that passed their re-check by the deadline; passed late counts ½,
   still open 0.

A part with nothing to judge (no task with data, no report owed, no order due) is left out and the other
weights are rescaled to 100. The score is the weighted sum, to one decimal; the grade is 优秀 (≥ 90),
良好 (≥ 75), 合格 (≥ 60) or 不合格, and a department with an order that reached 亮红灯 in Y is graded at
most 合格. Every figure behind the score is in the row, so the table explains itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from tisheng.core.models import Department
from tisheng.plan import choices as pc
from tisheng.plan.models import Plan, ProgressReport, TaskDepartment
from tisheng.plan.reports import owed_periods
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status
from tisheng.web.tables import Column, Table

from . import choices as c
from .models import EscalationStep, RectificationOrder

WEIGHTS = {"tasks": 40, "reports": 30, "rectification": 30}
GRADES = ((90, "优秀"), (75, "良好"), (60, "合格"), (0, "不合格"))
CAPPED_GRADE = "合格"
TASK_CREDIT = {Status.GREEN: Fraction(1), Status.YELLOW: Fraction(1, 2), Status.RED: Fraction(0)}


@dataclass
class DepartmentYear:
    """One department's row of the yearly table."""

    department: Department
    tasks_led: int = 0
    statuses: dict[Status, int] = field(default_factory=lambda: defaultdict(int))
    reports_owed: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    orders_due: int = 0
    orders_on_time: int = 0
    orders_late: int = 0
    red_lights: int = 0
    escalations: int = 0

    @property
    def reports_missing(self) -> int:
        return self.reports_owed - self.reports_on_time - self.reports_late

    @property
    def orders_open(self) -> int:
        return self.orders_due - self.orders_on_time - self.orders_late

    def shares(self) -> dict[str, Fraction]:
        """Each part's share (0–1) where the part has something to judge."""
        out: dict[str, Fraction] = {}
        judged = sum(self.statuses[s] for s in TASK_CREDIT)
        if judged:
            out["tasks"] = sum((TASK_CREDIT[s] * self.statuses[s] for s in TASK_CREDIT), Fraction(0)) / judged
        if self.reports_owed:
            out["reports"] = Fraction(2 * self.reports_on_time + self.reports_late, 2 * self.reports_owed)
        if self.orders_due:
            out["rectification"] = Fraction(2 * self.orders_on_time + self.orders_late, 2 * self.orders_due)
        return out

    @property
    def score(self) -> Decimal | None:
        shares = self.shares()
        if not shares:
            return None
        weight = sum(WEIGHTS[k] for k in shares)
        exact = sum((WEIGHTS[k] * share for k, share in shares.items()), Fraction(0)) * 100 / weight
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def grade(self) -> str:
        score = self.score
        if score is None:
            return "无数据"
        grade = next(name for floor, name in GRADES if score >= floor)
        if self.red_lights and [n for _, n in GRADES].index(grade) < [n for _, n in GRADES].index(
            CAPPED_GRADE
        ):
            return CAPPED_GRADE
        return grade


def yearly_table(plan: Plan, year: int) -> list[DepartmentYear]:
    """Every lead unit's row for ``year`` (in department code order), from the plan's status at the end
    of the year, the reports owed in it and the rectification orders due in it."""
    end = dt.date(year, 12, 31)
    leads = TaskDepartment.objects.filter(task__plan=plan, role=pc.DepartmentRole.LEAD).select_related(
        "department"
    )
    rows: dict[int, DepartmentYear] = {}
    led: dict[int, set[int]] = defaultdict(set)
    for link in leads:
        rows.setdefault(link.department_id, DepartmentYear(link.department))
        led[link.department_id].add(link.task_id)
    found = plan_status(plan, as_of=year, today=end)
    for department_id, tasks in led.items():
        row = rows[department_id]
        row.tasks_led = len(tasks)
        for task_id in tasks:
            row.statuses[found.tasks.get(task_id, Status.UNKNOWN)] += 1

    periods = [p for p in owed_periods(plan, dt.date(year + 1, 12, 31)) if p.year == year]
    submitted = {
        (r.task_id, r.department_id, r.year, r.quarter): r.submitted_on
        for r in ProgressReport.objects.filter(task__plan=plan, year=year)
    }
    today = dt.date.today()
    for department_id, tasks in led.items():
        row = rows[department_id]
        for task_id in tasks:
            for period in periods:
                if period.due() >= today:  # not yet due: nothing owed
                    continue
                row.reports_owed += 1
                day = submitted.get((task_id, department_id, period.year, period.quarter))
                if day is not None and day <= period.due():
                    row.reports_on_time += 1
                elif day is not None:
                    row.reports_late += 1

    orders = RectificationOrder.objects.filter(department_id__in=rows, deadline__year=year).prefetch_related(
        "rechecks"
    )
    for order in orders:
        row = rows[order.department_id]  # type: ignore[index]
        row.orders_due += 1
        passed = [r.date for r in order.rechecks.all() if r.result == c.RecheckResult.PASSED]
        if passed and min(passed) <= order.deadline:
            row.orders_on_time += 1
        elif passed:
            row.orders_late += 1
    for step in EscalationStep.objects.filter(order__department_id__in=rows, date__year=year).select_related(
        "order"
    ):
        row = rows[step.order.department_id]  # type: ignore[index]
        row.escalations += 1
        if step.level == c.Escalation.RED_LIGHT:
            row.red_lights += 1
    return sorted(rows.values(), key=lambda r: r.department.code)


# --- the page's table ------------------------------------------------------------------------------------


def _status_count(status: Status) -> Callable[[DepartmentYear], int]:
    return lambda row: row.statuses[status]


class AccountabilityTable(Table):
    """The yearly table, one department a row; every figure behind the score is a column."""

    columns = (
        Column("department", _("Department"), render=lambda r: r.department.short_name or r.department.name),
        Column("tasks_led", _("Tasks led"), numeric=True),
        Column("green", _("On track"), render=_status_count(Status.GREEN), numeric=True),
        Column("yellow", _("At risk"), render=_status_count(Status.YELLOW), numeric=True),
        Column("red", _("Off track"), render=_status_count(Status.RED), numeric=True),
        Column("reports_owed", _("Reports owed"), numeric=True),
        Column("reports_on_time", _("On time"), numeric=True),
        Column("reports_late", _("Late"), numeric=True),
        Column("reports_missing", _("Missing"), numeric=True),
        Column("orders_due", _("Rectification orders due"), numeric=True),
        Column("orders_on_time", _("Closed on time"), numeric=True),
        Column("orders_open", _("Still open"), numeric=True),
        Column("escalations", _("Escalations"), numeric=True),
        Column("score", _("Score"), render=lambda r: "—" if r.score is None else r.score, numeric=True),
        Column("grade", _("Grade")),
    )
    default_order = "department"
