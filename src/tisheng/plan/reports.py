"""Progress reports (进度报告): who owes which report when, which are overdue, and submitting one.

The rule (PLAN.md 组织实施: each department reports progress): every **lead unit** (牵头单位) of a task
reports on it once a **quarter**. A quarter's report falls due ``TISHENG_REPORT_DUE_DAYS`` days (default
15) after the quarter ends; a report not in by then is **overdue**. Reports are owed for every quarter of
the plan's period — from 1 January of its first year, or from ``TISHENG_REPORTS_FROM`` when the bureau
started reporting in tisheng later — whose due date has passed. Responsible and cooperating units may
report too; they are not chased. Everything takes ``today`` as an argument (tests pass the date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tisheng.core import evidence
from tisheng.core.audit import acting_as, current_actor
from tisheng.core.choices import Role
from tisheng.core.models import Department, User
from tisheng.core.permissions import ADD, CHANGE, can, can_any

from . import choices as c
from .models import Milestone, Plan, ProgressReport, Task, TaskDepartment


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter."""

    year: int
    quarter: int

    @classmethod
    def of(cls, day: dt.date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> dt.date:
        following = self.next().first_day
        return following - dt.timedelta(days=1)

    def due(self, days: int | None = None) -> dt.date:
        """The day the quarter's report falls due."""
        return self.last_day + dt.timedelta(days=settings.REPORT_DUE_DAYS if days is None else days)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


def owed_periods(plan: Plan, today: dt.date) -> list[Period]:
    """The quarters of ``plan``'s period whose report is due by ``today`` (oldest first)."""
    start = dt.date(plan.start_year, 1, 1)
    if settings.REPORTS_FROM and start < settings.REPORTS_FROM:
        start = settings.REPORTS_FROM
    period, last = Period.of(start), Period(plan.end_year, 4)
    out = []
    while period <= last and period.due() < today:
        out.append(period)
        period = period.next()
    return out


@dataclass(frozen=True)
class Overdue:
    """A quarter's report a lead unit has not submitted by its due date."""

    task: Task
    department: Department
    period: Period

    @property
    def due(self) -> dt.date:
        return self.period.due()

    def sentence(self) -> str:
        return f"{self.department.short_name or self.department.name}未按期提交{self.period}进度报告（应于{self.due:%Y-%m-%d}前提交）"


def overdue_reports(plan: Plan, today: dt.date, tasks: Iterable[Task] | None = None) -> list[Overdue]:
    """Every report owed by a lead unit of ``plan``'s tasks (or of ``tasks``) and not submitted, oldest
    first; two queries whatever the number of tasks."""
    periods = owed_periods(plan, today)
    if not periods:
        return []
    links = TaskDepartment.objects.filter(task__plan=plan, role=c.DepartmentRole.LEAD).select_related(
        "task", "department"
    )
    if tasks is not None:
        links = links.filter(task__in=list(tasks))
    submitted = set(
        ProgressReport.objects.filter(task__plan=plan).values_list(
            "task_id", "department_id", "year", "quarter"
        )
    )
    seen: set[tuple[int, int]] = set()
    out = []
    for link in links.order_by("task__number", "position"):
        if (link.task_id, link.department_id) in seen:  # a department named twice as lead of one task
            continue
        seen.add((link.task_id, link.department_id))
        for period in periods:
            if (link.task_id, link.department_id, period.year, period.quarter) not in submitted:
                out.append(Overdue(link.task, link.department, period))
    return sorted(out, key=lambda o: (o.period, o.task.number))


def reporting_departments(user: User, task: Task) -> list[Department]:
    """The departments ``user`` may report for on ``task``: a department user's own department when the
    task names it (lead, responsible or cooperating); an administrator any department the task names."""
    named = Department.objects.filter(task_links__task=task).distinct().order_by("code")
    if not can_any(user, ADD, ProgressReport):
        return []
    if user.role == Role.DEPARTMENT:
        return [d for d in named if d.pk == user.department_id]
    return list(named)


def submit(
    user: User,
    task: Task,
    department: Department,
    period: Period,
    *,
    text: str,
    figures: str = "",
    milestone: Milestone | None = None,
    reached_on: dt.date | None = None,
    places_delivered: int | None = None,
    files: Sequence[Any] = (),
    today: dt.date | None = None,
) -> ProgressReport:
    """Submit (or correct) ``department``'s report on ``task`` for ``period``, with its evidence files:
    all or nothing, audited as ``user``. Raises PermissionDenied outside the user's scope and
    ValidationError (in Chinese) for a report that cannot be right."""
    today = today or dt.date.today()
    if department not in reporting_departments(user, task):
        raise PermissionDenied("您只能为本单位承担的任务填报进度。")
    problems = []
    if not text.strip():
        problems.append("请填写本季度的工作进展。")
    if period.first_day > today:
        problems.append(f"{period}尚未开始，不能提前填报。")
    if not task.plan.start_year <= period.year <= task.plan.end_year:
        problems.append(f"{period}不在行动方案的期限（{task.plan.start_year}—{task.plan.end_year}年）内。")
    if milestone is not None:
        if milestone.commitment.task_id != task.pk:
            problems.append("所选里程碑不属于本任务的工程项目。")
        if reached_on is None:
            problems.append(f"请填写“{milestone.get_stage_display()}”的完成日期。")
        elif reached_on > today:
            problems.append("里程碑的完成日期不能晚于今天。")
    if places_delivered is not None and (milestone is None or milestone.stage != c.MilestoneStage.IN_USE):
        problems.append("新增学位数只随“投用”里程碑填报。")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic(), acting_as(user, current_actor().source):
        report = ProgressReport.objects.filter(
            task=task, department=department, year=period.year, quarter=period.quarter
        ).first()
        if report is not None and not can(user, CHANGE, report):
            raise PermissionDenied("您不能修改这份进度报告。")
        report = report or ProgressReport(
            task=task, department=department, year=period.year, quarter=period.quarter
        )
        report.text = text.strip()
        report.figures = figures.strip()
        report.milestone = milestone
        report.reached_on = reached_on if milestone is not None else None
        report.places_delivered = places_delivered
        report.submitted_by = user
        report.submitted_on = today
        report.full_clean()
        report.save()
        if files:
            evidence.attach(user, report, files)
    return report
