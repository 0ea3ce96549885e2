"""The warning rules on the plan (方案预警): a commitment off track and a progress report overdue, each
raised to the department that answers for it. Like the indicator rules (:mod:`.rules`) they read only
what the plan pages show — the status computed from the stored indicator values and the progress
reports (:mod:`tisheng.plan.status`, :mod:`tisheng.plan.reports`) — and never edit the plan.

- 承诺偏离 (``commitment_off_track``): a task's commitment whose status is 红 (off track, or overdue)
  is raised to each of the task's lead units (牵头单位), with the status sentence as the reason; its key
  holds the 学年 the status was judged in, so a new year raises a new occurrence. A commitment of a
  goal or of the plan itself names no department and is left to the plan page.
- 报告逾期 (``missing_report``): each quarterly report a lead unit owes and has not submitted by its due
  date is raised to that department, serious (``high``) once it is more than a quarter late.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tisheng.core.models import AcademicYear
from tisheng.plan import choices as pc
from tisheng.plan.models import Commitment, Plan, TaskDepartment
from tisheng.plan.reports import overdue_reports
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status

from . import choices as c
from .rules import RuleSummary, _raise

#: a report more than this many days past its due date is a serious warning
LATE_DAYS = 90


def raise_plan_warnings(plan: Plan, today: dt.date, summary: RuleSummary) -> RuleSummary:
    """Raise (or update, by key) the plan's warnings as of ``today``, in one transaction."""
    year = AcademicYear.objects.order_by("-is_current", "-start_year").first()
    found = plan_status(plan, today=today)
    leads: dict[int, list[TaskDepartment]] = {}
    for link in TaskDepartment.objects.filter(task__plan=plan, role=pc.DepartmentRole.LEAD).select_related(
        "department"
    ):
        leads.setdefault(link.task_id, []).append(link)
    with transaction.atomic():
        for commitment in Commitment.objects.filter(plan=plan, task__isnull=False).select_related("task"):
            result = found.commitments.get(commitment.pk)
            if result is None or result.status != Status.RED:
                continue
            departments = {link.department_id: link.department for link in leads.get(commitment.task_id, [])}
            for department in departments.values():
                _raise(
                    summary,
                    c.WarningKind.COMMITMENT_OFF_TRACK,
                    f"commitment_off_track:{commitment.pk}:{department.pk}:{year.start_year if year else ''}",
                    department=department,
                    subject=f"{commitment.task.number}号任务：{commitment.title}",  # type: ignore[union-attr]
                    detail=result.reason,
                    severity=c.Severity.HIGH,
                    academic_year=year,
                    commitment_id=commitment.pk,
                )
        for overdue in overdue_reports(plan, today):
            late = (today - overdue.due).days
            _raise(
                summary,
                c.WarningKind.MISSING_REPORT,
                f"missing_report:{overdue.task.pk}:{overdue.department.pk}:{overdue.period.year}Q{overdue.period.quarter}",
                department=overdue.department,
                subject=f"{overdue.task.number}号任务{overdue.period}进度报告逾期",
                detail=f"{overdue.sentence()}，已逾期{late}天。",
                severity=c.Severity.HIGH if late > LATE_DAYS else c.Severity.MEDIUM,
                academic_year=year,
            )
    return summary


def raise_all_warnings(start_year: int, today: dt.date) -> RuleSummary:
    """Every warning rule: the indicator rules for the 学年 starting in ``start_year`` and, when it has a
    current computation, every plan's rules as of ``today``."""
    from .rules import raise_indicator_warnings

    summary = raise_indicator_warnings(start_year)
    if summary.has_run:
        for plan in Plan.objects.order_by("pk"):
            raise_plan_warnings(plan, today, summary)
    return summary
