"""The state changes of supervision, each checked, in one transaction and audited.

- Warnings: :func:`raise_warning` (idempotent by ``source_key``; the indicator rules in
  :mod:`tisheng.supervision.rules` and the plan's status code call it), :func:`acknowledge`,
  :func:`resolve` (only with a resolution text, by the addressee or the district).
- Inspections: :func:`record_inspection` stores one result per checklist item; each 不符合 becomes a
  :class:`~tisheng.supervision.models.Finding` with a rectification order to the school.
- Rectification: :func:`issue_order`, :func:`submit` (the owner, with evidence attached),
  :func:`recheck` (an inspector: passed closes the finding, failed returns the order with a new
  deadline). A finding is closed only by a passed re-check.
- Escalation: :func:`escalate` applies 通报, 约谈 and 亮红灯 to orders still with their owner after the
  deadline, each step once, with a Chinese reason (periods: settings ``ESCALATION_*_DAYS``).

Permission failures raise ``PermissionDenied`` (403), bad input ``ValidationError`` (Chinese).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tisheng.core.audit import acting_as, current_actor
from tisheng.core.choices import Role
from tisheng.core.evidence import Evidence
from tisheng.core.models import AcademicYear, Department, School
from tisheng.core.permissions import ADD, CHANGE, can, can_any
from tisheng.plan.models import Task

from . import choices as c
from .checklists import Checklist, checklists
from .models import (
    EscalationStep,
    Finding,
    Inspection,
    InspectionResult,
    Recheck,
    RectificationOrder,
    Warning,
)

if TYPE_CHECKING:
    from tisheng.core.models import User

INSPECTOR_ROLES = (Role.ADMIN, Role.INSPECTOR)


def _as(user: User | None) -> Any:
    return acting_as(user, current_actor().source)


# --- warnings ---------------------------------------------------------------------------------------


def raise_warning(
    kind: str,
    *,
    school: School | None = None,
    department: Department | None = None,
    subject: str,
    detail: str,
    source_key: str,
    severity: str = c.Severity.MEDIUM,
    academic_year: AcademicYear | None = None,
    indicator_id: str = "",
    indicator_value_id: int | None = None,
    commitment_id: int | None = None,
) -> Warning:
    """Raise the warning ``source_key`` (e.g. ``oversized_classes:2025:2164010501``) to a school or a
    department: create it, or update the open or acknowledged warning of that key (subject, reason,
    severity, source, and one more time raised); never a second warning for the same key. A resolved
    warning stays resolved: its resolution answered that occurrence, so raising its key again changes
    nothing (put the year or period in the key to raise a new occurrence)."""
    if (school is None) == (department is None):
        raise ValidationError("预警必须发给一所学校或一个部门（二者选一）。")
    if kind not in c.WarningKind.values:
        raise ValidationError(f"未知的预警类型：{kind}")
    if academic_year is None:
        academic_year = AcademicYear.objects.filter(is_current=True).first()
    values = {
        "kind": kind,
        "school": school,
        "department": department,
        "subject": subject[:200],
        "detail": detail,
        "severity": severity,
        "academic_year": academic_year,
        "indicator_id": indicator_id,
        "indicator_value_id": indicator_value_id,
        "commitment_id": commitment_id,
    }
    with transaction.atomic():
        warning = Warning.objects.filter(source_key=source_key).first()
        if warning is None:
            return Warning.objects.create(source_key=source_key, **values)
        if warning.status == c.WarningStatus.RESOLVED:
            return warning
        for name, value in values.items():
            setattr(warning, name, value)
        warning.raised_count += 1
        warning.last_raised_at = timezone.now()
        warning.save()
        return warning


def _may_change(user: User, obj: Any, message: str) -> None:
    if not can(user, CHANGE, obj):
        raise PermissionDenied(message)


def acknowledge(user: User, warning: Warning) -> Warning:
    """The addressee (or the district) confirms it has seen the warning: open → acknowledged."""
    _may_change(user, warning, "您的角色只能查看这条预警，不能确认或处理。")
    if warning.status != c.WarningStatus.OPEN:
        raise ValidationError("只有待处理的预警可以确认。")
    with transaction.atomic(), _as(user):
        warning.status = c.WarningStatus.ACKNOWLEDGED
        warning.acknowledged_at = timezone.now()
        warning.acknowledged_by = user
        warning.save()
    return warning


def resolve(user: User, warning: Warning, resolution: str) -> Warning:
    """Close the warning with a resolution text (what was done or decided), by the addressee or the
    district. A warning is closed only so; it is never deleted."""
    _may_change(user, warning, "您的角色只能查看这条预警，不能确认或处理。")
    if warning.status == c.WarningStatus.RESOLVED:
        raise ValidationError("这条预警已经处理完毕。")
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError("请填写处理结果：说明采取了哪些措施或作出了什么决定。", code="required")
    with transaction.atomic(), _as(user):
        now = timezone.now()
        if warning.status == c.WarningStatus.OPEN:
            warning.acknowledged_at, warning.acknowledged_by = now, user
        warning.status = c.WarningStatus.RESOLVED
        warning.resolution = resolution
        warning.resolved_at, warning.resolved_by = now, user
        warning.save()
    return warning


# --- inspections ------------------------------------------------------------------------------------


def may_inspect(user: User | Any) -> bool:
    """Inspectors (督学) and the administrator record inspections and re-checks."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in INSPECTOR_ROLES


@dataclass(frozen=True)
class ItemOutcome:
    result: str
    note: str = ""


def record_inspection(
    user: User,
    *,
    school: School,
    date: dt.date,
    checklist: Checklist | str,
    outcomes: Mapping[str, ItemOutcome],
    deadline: dt.date | None = None,
    note: str = "",
) -> Inspection:
    """Store an inspection with one result per checklist item; each 不符合 becomes a finding with a
    rectification order to the school, due ``deadline``. Every item must have a result; a 不符合 item
    needs a note saying what was found."""
    if not may_inspect(user) or not can_any(user, ADD, Inspection):
        raise PermissionDenied("只有督学和教育局管理员可以登记督导检查。")
    if isinstance(checklist, str):
        found = checklists().get(checklist)
        if found is None:
            raise ValidationError(f"没有检查清单“{checklist}”。")
        checklist = found
    problems = []
    missing = [item.text for item in checklist.items if item.key not in outcomes]
    if missing:
        problems.append(f"以下检查项还没有结果：{'；'.join(missing)}")
    unknown = sorted(set(outcomes) - {item.key for item in checklist.items})
    if unknown:
        problems.append(f"检查清单中没有这些检查项：{'、'.join(unknown)}")
    failing = [
        item
        for item in checklist.items
        if item.key in outcomes and outcomes[item.key].result == c.ItemResult.NON_COMPLIANT
    ]
    for item in checklist.items:
        outcome = outcomes.get(item.key)
        if outcome is not None and outcome.result not in c.ItemResult.values:
            problems.append(f"“{item.text}”的结果无效")
        elif (
            outcome is not None and outcome.result == c.ItemResult.NON_COMPLIANT and not outcome.note.strip()
        ):
            problems.append(f"“{item.text}”不符合：请写明发现的问题")
    if failing and deadline is None:
        problems.append("有不符合项时请填写整改期限。")
    if failing and deadline is not None and deadline <= date:
        problems.append("整改期限必须晚于检查日期。")
    if problems:
        raise ValidationError(problems)
    task = (
        Task.objects.filter(number=checklist.task).order_by("-plan__start_year", "pk").first()
        if checklist.task
        else None
    )
    with transaction.atomic(), _as(user):
        inspection = Inspection.objects.create(
            school=school,
            inspector=user,
            date=date,
            checklist=checklist.code,
            checklist_title=checklist.title,
            task=task,
            note=note.strip(),
        )
        for position, item in enumerate(checklist.items, start=1):
            outcome = outcomes[item.key]
            result = InspectionResult.objects.create(
                inspection=inspection,
                position=position,
                item_key=item.key,
                item_text=item.text,
                clause=item.clause,
                result=outcome.result,
                note=outcome.note.strip(),
            )
            if outcome.result == c.ItemResult.NON_COMPLIANT:
                finding = Finding.objects.create(
                    inspection=inspection,
                    result=result,
                    title=item.text,
                    note=outcome.note.strip(),
                    task=task,
                )
                assert deadline is not None
                issue_order(
                    user,
                    finding,
                    school=school,
                    deadline=deadline,
                    requirement=f"对照“{item.text}”整改：{outcome.note.strip()}",
                )
    return inspection


def issue_order(
    user: User,
    finding: Finding,
    *,
    school: School | None = None,
    department: Department | None = None,
    deadline: dt.date,
    requirement: str,
) -> RectificationOrder:
    """The rectification order (整改通知) of a finding, to its owner (a school or a department)."""
    if not may_inspect(user) or not can_any(user, ADD, RectificationOrder):
        raise PermissionDenied("只有督学和教育局管理员可以下达整改通知。")
    if (school is None) == (department is None):
        raise ValidationError("整改通知必须发给一所学校或一个部门（二者选一）。")
    if not requirement.strip():
        raise ValidationError("请写明整改要求。")
    with transaction.atomic(), _as(user):
        return RectificationOrder.objects.create(
            finding=finding,
            school=school,
            department=department,
            deadline=deadline,
            requirement=requirement.strip(),
        )


def submit(user: User, order: RectificationOrder, report: str) -> RectificationOrder:
    """The owner submits its rectification for re-check: a report and at least one evidence file."""
    _may_change(user, order, "只有整改责任单位可以提交整改材料。")
    if order.status != c.OrderStatus.ISSUED:
        raise ValidationError("这份整改通知现在不需要提交整改材料。")
    problems = []
    if not report.strip():
        problems.append("请填写整改情况说明。")
    if not Evidence.objects.for_object(order).exists():
        problems.append("请先上传整改证明材料再提交。")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic(), _as(user):
        order.status = c.OrderStatus.SUBMITTED
        order.submission_note = report.strip()
        order.submitted_at = timezone.now()
        order.save()
    return order


def recheck(
    user: User,
    order: RectificationOrder,
    *,
    passed: bool,
    date: dt.date,
    note: str = "",
    new_deadline: dt.date | None = None,
) -> Recheck:
    """An inspector's re-check (复查) of a submitted rectification. Passed: the order is done and the
    finding closed. Failed: the order goes back to its owner with ``new_deadline`` (after ``date``)."""
    if not may_inspect(user) or not can_any(user, ADD, Recheck):
        raise PermissionDenied("只有督学和教育局管理员可以复查。")
    if order.status != c.OrderStatus.SUBMITTED:
        raise ValidationError("整改材料提交后才能复查。")
    if not passed:
        if not note.strip():
            raise ValidationError("复查未通过时请写明仍存在的问题。")
        if new_deadline is None or new_deadline <= date:
            raise ValidationError("复查未通过时请给出晚于复查日期的新整改期限。")
    with transaction.atomic(), _as(user):
        check = Recheck.objects.create(
            order=order,
            inspector=user,
            date=date,
            result=c.RecheckResult.PASSED if passed else c.RecheckResult.FAILED,
            note=note.strip(),
            new_deadline=None if passed else new_deadline,
        )
        if passed:
            order.status = c.OrderStatus.PASSED
            finding = order.finding
            finding.status = c.FindingStatus.CLOSED
            finding.closed_at = timezone.now()
            finding.save()
        else:
            assert new_deadline is not None
            order.status = c.OrderStatus.ISSUED
            order.deadline = new_deadline
        order.save()
    return check


# --- escalation -------------------------------------------------------------------------------------


STEP_NAMES = {c.Escalation.NOTICE: "通报", c.Escalation.TALK: "约谈", c.Escalation.RED_LIGHT: "亮红灯"}
STEP_WORDS = {
    c.Escalation.NOTICE: "予以通报",
    c.Escalation.TALK: "约谈责任单位负责人",
    c.Escalation.RED_LIGHT: "亮红灯",
}


@dataclass
class EscalationResult:
    steps: list[EscalationStep] = field(default_factory=list)

    def count(self, level: int) -> int:
        return sum(1 for step in self.steps if step.level == level)


def due_step(order: RectificationOrder, today: dt.date, last: EscalationStep | None) -> int | None:
    """The next escalation step due today for an order, or None.

    Only an order still with its owner (整改中, not submitted) past its deadline escalates: 通报 when
    more than ``ESCALATION_NOTICE_DAYS`` days have passed since the deadline (with 0, the day after
    it); 约谈 ``ESCALATION_TALK_DAYS`` days after the 通报; 亮红灯 ``ESCALATION_RED_DAYS`` days after
    the 约谈. A new deadline after a failed re-check pauses it until that deadline has passed too."""
    if order.status != c.OrderStatus.ISSUED or today <= order.deadline:
        return None
    overdue = (today - order.deadline).days
    if order.escalation == c.Escalation.NONE:
        return c.Escalation.NOTICE if overdue > settings.ESCALATION_NOTICE_DAYS else None
    if order.escalation == c.Escalation.RED_LIGHT or last is None:
        return None
    wait = (
        settings.ESCALATION_TALK_DAYS
        if order.escalation == c.Escalation.NOTICE
        else settings.ESCALATION_RED_DAYS
    )
    return order.escalation + 1 if (today - last.date).days >= wait else None


def escalate(today: dt.date) -> EscalationResult:
    """Apply the escalation steps due on ``today`` to every overdue order, each step once per order,
    recorded with a Chinese reason and in the audit trail. Running it again the same day (or before
    the next step is due) changes nothing."""
    result = EscalationResult()
    orders = RectificationOrder.objects.filter(
        status=c.OrderStatus.ISSUED, deadline__lt=today
    ).select_related("finding", "school", "department")
    for order in orders:
        last = order.escalation_steps.order_by("-level").first()
        level = due_step(order, today, last)
        if level is None:
            continue
        overdue = (today - order.deadline).days
        previous = (
            f"，{STEP_NAMES[c.Escalation(order.escalation)]}后已 {(today - last.date).days} 天"
            if last
            else ""
        )
        reason = (
            f"{order.owner}对“{order.finding.title}”的整改期限 {order.deadline:%Y-%m-%d} 已过 {overdue} 天"
            f"{previous}，仍未提交整改材料，{STEP_WORDS[c.Escalation(level)]}。"
        )
        with transaction.atomic():
            step = EscalationStep.objects.create(
                order=order, level=level, date=today, deadline=order.deadline, reason=reason
            )
            order.escalation = level
            order.save()
        result.steps.append(step)
    return result
