"""Supervision (督导): warnings (预警) addressed to a school or a department, inspections (督导检查) with
their checklist results, findings (问题), rectification orders (整改通知) with evidence and re-checks
(复查), and the escalation steps (通报、约谈、亮红灯) of orders whose deadline passed.

Nothing here writes back upstream: a warning is raised from stored indicator values or by the plan's
status code, never edits them. Every row is audited; who may see or change what is declared in
``access`` and ``scope_paths`` (see :mod:`tisheng.core.permissions`). The state changes (acknowledge,
resolve, submit, re-check, escalate) are made by :mod:`tisheng.supervision.services`, which checks the
role and scope first.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisheng.core.choices import SCHOOL_ROLES, Role
from tisheng.core.models import AcademicYear, AuditedModel, Department, School
from tisheng.core.permissions import (
    ADD,
    ALL,
    CHANGE,
    READ,
    VIEW,
    Grant,
    RestrictedManager,
    RestrictedQuerySet,
    every,
    own,
)
from tisheng.plan.models import Task

from . import choices as c

#: Who sees and changes the rows addressed to a school or a department: the district (administrator
#: and inspectors (督学) act, the leader reads), the addressee's principal and department users act on
#: their own, a school's clerk reads the own school's.
ADDRESSED: dict[str, Grant] = {
    Role.ADMIN: every(VIEW, ADD, CHANGE),
    Role.INSPECTOR: every(VIEW, ADD, CHANGE),
    Role.LEADER: READ,
    Role.PRINCIPAL: own(VIEW, CHANGE),
    Role.CLERK: own(VIEW),
    Role.DEPARTMENT: own(VIEW, CHANGE),
}
#: Inspections and their records: written by the district's inspectors, read by the inspected school.
INSPECTED: dict[str, Grant] = {
    Role.ADMIN: ALL,
    Role.INSPECTOR: every(VIEW, ADD, CHANGE),
    Role.LEADER: READ,
    Role.PRINCIPAL: own(VIEW),
    Role.CLERK: own(VIEW),
}


def one_addressee(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(school__isnull=False, department__isnull=True)
        | Q(school__isnull=True, department__isnull=False),
        name=f"{prefix}_one_addressee",
        violation_error_message=_("Address it to either a school or a department, not both."),
    )


class Warning(AuditedModel):
    """A warning (预警) raised automatically from the indicator values (超大班额, a school failing the
    优质均衡 resource rule, a falling 体质健康优良率, missing data) or by the plan's status code (a
    commitment off track, a report overdue), addressed to the responsible school or department.

    It is open until the addressee acknowledges it and closed only when resolved with a resolution
    text, by the addressee or the district; it is never deleted. ``source_key`` makes raising
    idempotent: raising a key again updates the warning instead of adding another.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=c.WarningKind.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=c.Severity.choices, default=c.Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=c.WarningStatus.choices, default=c.WarningStatus.OPEN
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warnings",
        verbose_name=_("school"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warnings",
        verbose_name=_("department"),
    )
    academic_year = models.ForeignKey(
        AcademicYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warnings",
        verbose_name=_("academic year"),
    )
    subject = models.CharField(pgettext_lazy("warning", "subject"), max_length=200)  # not a teacher's 学科
    detail = models.TextField(_("reason"))
    source_key = models.CharField(_("source key"), max_length=200, unique=True)
    indicator_id = models.CharField(_("indicator"), max_length=80, blank=True)
    indicator_value_id = models.PositiveBigIntegerField(_("indicator value"), null=True, blank=True)
    commitment_id = models.PositiveBigIntegerField(_("plan commitment"), null=True, blank=True)
    raised_count = models.PositiveIntegerField(_("times raised"), default=1)
    last_raised_at = models.DateTimeField(_("last raised at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.TextField(_("resolution"), blank=True)

    access: ClassVar[dict[str, Grant]] = ADDRESSED
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school", "department": "department"}

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-created_at", "-id"]
        constraints = [
            one_addressee("warning"),
            models.CheckConstraint(
                condition=~Q(status=c.WarningStatus.RESOLVED) | ~Q(resolution=""),
                name="warning_resolved_with_resolution",
                violation_error_message=_("A warning is resolved only with a resolution."),
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="warning_status_kind")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("supervision:warning", args=[self.pk])

    @property
    def addressee(self) -> School | Department | None:
        return self.school or self.department

    @property
    def status_colour(self) -> str:
        return c.WarningStatus(self.status).colour

    @property
    def severity_colour(self) -> str:
        return c.Severity(self.severity).colour

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("A warning is never deleted: resolve it with a resolution."))


class Inspection(AuditedModel):
    """A supervision inspection (督导检查) of a school by an inspector (督学) on a date, with one of the
    packaged checklists (:mod:`tisheng.supervision.checklists`); its results are copied from the
    checklist as it was, so a later change to the checklist never rewrites an inspection."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("school")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("inspector"),
    )
    date = models.DateField(_("date"))
    checklist = models.CharField(_("checklist"), max_length=60)
    checklist_title = models.CharField(_("checklist title"), max_length=200)
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("plan task"),
    )
    note = models.TextField(_("note"), blank=True)

    access: ClassVar[dict[str, Grant]] = INSPECTED
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.school} {self.checklist_title}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection", args=[self.pk])


class InspectionResult(AuditedModel):
    """The result of one checklist item (检查项) in an inspection: 符合, 不符合 or 不适用, with a note."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="results", verbose_name=_("inspection")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    item_key = models.CharField(_("item key"), max_length=60)
    item_text = models.CharField(_("checklist item"), max_length=300)
    clause = models.TextField(_("clause"))
    result = models.CharField(_("result"), max_length=20, choices=c.ItemResult.choices)
    note = models.TextField(_("note"), blank=True)

    access: ClassVar[dict[str, Grant]] = INSPECTED
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "inspection__school"}

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "item_key"],
                name="inspection_result_unique_item",
                violation_error_message=_("Each checklist item has one result per inspection."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_text}: {self.get_result_display()}"

    @property
    def result_colour(self) -> str:
        return c.ItemResult(self.result).colour


class Finding(AuditedModel):
    """A finding (问题): a checklist item found 不符合 in an inspection. It is closed only when a
    re-check (复查) of its rectification order passes."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("inspection")
    )
    result = models.OneToOneField(
        InspectionResult, on_delete=models.PROTECT, related_name="finding", verbose_name=_("result")
    )
    title = models.CharField(_("title"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("plan task"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=c.FindingStatus.choices, default=c.FindingStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = {
        **INSPECTED,
        Role.PRINCIPAL: own(VIEW),
        Role.CLERK: own(VIEW),
        Role.DEPARTMENT: own(VIEW),
    }
    scope_paths: ClassVar[dict[str, str | None]] = {
        "school": "inspection__school",
        "department": "order__department",
    }

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-inspection__date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=c.FindingStatus.OPEN, closed_at__isnull=True)
                | Q(status=c.FindingStatus.CLOSED, closed_at__isnull=False),
                name="finding_closed_has_time",
                violation_error_message=_("A closed finding records when it was closed."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:finding", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return c.FindingStatus(self.status).colour


class OrderQuerySet(RestrictedQuerySet):
    def restrict(self, user: Any, action: str = VIEW) -> OrderQuerySet:
        """As declared in ``access``, and the owner changes an order (attaches or removes evidence,
        submits) only while it is with them (整改中): not once submitted, nor after it passed."""
        rows = super().restrict(user, action)
        role = getattr(user, "role", None)
        if action != VIEW and (role in SCHOOL_ROLES or role == Role.DEPARTMENT):
            rows = rows.filter(status=c.OrderStatus.ISSUED)
        return rows


class RectificationOrder(AuditedModel):
    """A rectification order (整改通知) for a finding: its owner (a school or a department), what must be
    done, and by when. The owner attaches evidence (证明材料, :class:`tisheng.core.evidence.Evidence`)
    and submits; an inspector re-checks. A failed re-check returns it with a new deadline; a passed one
    closes the finding. An order still with its owner after the deadline escalates (``escalation``)."""

    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, related_name="order", verbose_name=_("finding")
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_orders",
        verbose_name=_("school"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectification_orders",
        verbose_name=_("department"),
    )
    requirement = models.TextField(_("requirement"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=c.OrderStatus.choices, default=c.OrderStatus.ISSUED
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submission_note = models.TextField(_("rectification report"), blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=c.Escalation.choices, default=c.Escalation.NONE
    )

    objects = RestrictedManager.from_queryset(OrderQuerySet)()

    access: ClassVar[dict[str, Grant]] = {
        Role.ADMIN: every(VIEW, ADD, CHANGE),
        Role.INSPECTOR: every(VIEW, ADD),
        Role.LEADER: READ,
        Role.PRINCIPAL: own(VIEW, CHANGE),
        Role.CLERK: own(VIEW, CHANGE),
        Role.DEPARTMENT: own(VIEW, CHANGE),
    }
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school", "department": "department"}

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["deadline", "id"]
        constraints = [one_addressee("rectification_order")]

    def __str__(self) -> str:
        return f"{self.finding}（{self.owner}）"

    def get_absolute_url(self) -> str:
        return reverse("supervision:finding", args=[self.finding_id])

    @property
    def owner(self) -> School | Department | None:
        return self.school or self.department

    @property
    def status_colour(self) -> str:
        return c.OrderStatus(self.status).colour

    @property
    def escalation_colour(self) -> str:
        return c.Escalation(self.escalation).colour


class Recheck(AuditedModel):
    """A re-check (复查) of a submitted rectification by an inspector: passed closes the finding; failed
    returns the order to its owner with ``new_deadline``."""

    order = models.ForeignKey(
        RectificationOrder, on_delete=models.PROTECT, related_name="rechecks", verbose_name=_("order")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    date = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=10, choices=c.RecheckResult.choices)
    note = models.TextField(_("note"), blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = {
        Role.ADMIN: every(VIEW, ADD),
        Role.INSPECTOR: every(VIEW, ADD),
        Role.LEADER: READ,
        Role.PRINCIPAL: own(VIEW),
        Role.CLERK: own(VIEW),
        Role.DEPARTMENT: own(VIEW),
    }
    scope_paths: ClassVar[dict[str, str | None]] = {
        "school": "order__school",
        "department": "order__department",
    }

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["order", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result=c.RecheckResult.PASSED, new_deadline__isnull=True)
                | Q(result=c.RecheckResult.FAILED, new_deadline__isnull=False),
                name="recheck_failed_has_new_deadline",
                violation_error_message=_("A failed re-check gives a new deadline; a passed one none."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_result_display()}"


class EscalationStep(AuditedModel):
    """One escalation step (通报、约谈 or 亮红灯) applied to an overdue order, once, with the reason."""

    order = models.ForeignKey(
        RectificationOrder,
        on_delete=models.PROTECT,
        related_name="escalation_steps",
        verbose_name=_("order"),
    )
    level = models.PositiveSmallIntegerField(_("step"), choices=c.Escalation.choices)
    date = models.DateField(_("date"))
    deadline = models.DateField(_("deadline missed"))
    reason = models.TextField(_("reason"))

    access: ClassVar[dict[str, Grant]] = {
        Role.ADMIN: every(VIEW),
        Role.INSPECTOR: every(VIEW),
        Role.LEADER: READ,
        Role.PRINCIPAL: own(VIEW),
        Role.CLERK: own(VIEW),
        Role.DEPARTMENT: own(VIEW),
    }
    scope_paths: ClassVar[dict[str, str | None]] = {
        "school": "order__school",
        "department": "order__department",
    }

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["order", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "level"],
                name="escalation_step_once",
                violation_error_message=_("Each escalation step is applied to an order once."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.date:%Y-%m-%d}"


class EvaluationResult(AuditedModel):
    """A school's yearly evaluation result (办学质量评价 / 幼儿园保育教育质量评估结果) under one evaluation
    system (:mod:`tisheng.supervision.evaluation`): the dimension scores, the total over the weights with
    data, the coverage, and the band (等级) — none when the coverage is below the system's minimum.

    Computed by ``tisheng supervision evaluate`` from the current stored indicator values; computing a
    year again replaces the school's result (one per school × year × system). The district and the
    inspectors read every result, a school's users their own; the public reads only the bands
    (:func:`tisheng.supervision.views.PublicEvaluationView`), never scores or an order by score.
    """

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="evaluation_results", verbose_name=_("school")
    )
    academic_year = models.ForeignKey(
        AcademicYear,
        on_delete=models.PROTECT,
        related_name="evaluation_results",
        verbose_name=_("academic year"),
    )
    system = models.CharField(_("evaluation system"), max_length=60)
    system_title = models.CharField(_("evaluation system title"), max_length=200)
    total = models.DecimalField(_("total score"), max_digits=5, decimal_places=2, null=True, blank=True)
    coverage = models.DecimalField(_("data coverage (%)"), max_digits=5, decimal_places=2)
    band = models.CharField(_("band"), max_length=10, blank=True)
    band_label = models.CharField(_("band label"), max_length=20, blank=True)
    dimensions = models.JSONField(_("dimension scores"), default=list)
    run_id = models.PositiveBigIntegerField(_("indicator run"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = {
        Role.ADMIN: every(VIEW),
        Role.INSPECTOR: every(VIEW),
        Role.LEADER: READ,
        Role.PRINCIPAL: own(VIEW),
        Role.CLERK: own(VIEW),
    }
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["academic_year__start_year", "system", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "system"],
                name="evaluation_result_once",
                violation_error_message=_("A school has one result per year and evaluation system."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.academic_year} {self.school} {self.system_title}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:evaluation", args=[self.pk])

    @property
    def band_name(self) -> str:
        return f"{self.band} {self.band_label}" if self.band else ""

    @property
    def has_small_groups(self) -> bool:
        """Whether a leaf rests on a withheld small group: outside the school its score, its dimension's
        score and the total are not shown (:func:`tisheng.supervision.evaluation.result_view`)."""
        return any(leaf["suppressed"] for dim in self.dimensions for leaf in dim["leaves"])
