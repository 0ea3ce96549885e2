"""The plan as data: a plan (行动方案), its goals (工作目标), projects (工程), tasks (任务) with their
departments (牵头/责任/配合单位), and the commitments (承诺) a goal, a task or the plan itself makes.

The rows are written only by :mod:`tisheng.plan.loader` from a checked plan file, in one transaction; a
plan is a public document, so every signed-in role reads all of it. A commitment keeps, in explicit
columns, what a later status computation needs: the catalogue indicator it is measured by, the
comparator, the target and the deadline year (or the target count, the planned places, the recurring
period), and always the clause of the source text it was taken from.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tisheng.core.choices import Role
from tisheng.core.models import AuditedModel, Department, District, User
from tisheng.core.permissions import ADD, ALL, CHANGE, READ, VIEW, Grant, own
from tisheng.plan import choices as c

#: A plan is a public document: every signed-in role reads all of it; only administrators change it
#: (in practice the plan loader writes it, acting as the command-line user).
PLAN_READ: dict[str, Grant] = {
    Role.ADMIN: ALL,
    Role.INSPECTOR: READ,
    Role.LEADER: READ,
    Role.DEPARTMENT: READ,
    Role.PRINCIPAL: READ,
    Role.CLERK: READ,
}

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Plan(AuditedModel):
    """An action plan (行动方案) of a district over a period of years, as loaded from its plan file."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="plans", verbose_name=_("district")
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    source_title = models.CharField(_("source document"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    implementation = models.TextField(_("implementation (组织实施)"), blank=True)

    access: ClassVar[dict[str, Grant]] = PLAN_READ

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plan_period_in_order",
                violation_error_message=_("A plan's last year cannot be before its first year."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plan:plan", args=[self.pk])

    @property
    def period(self) -> str:
        return f"{self.start_year}—{self.end_year}"


class Goal(AuditedModel):
    """A goal (工作目标) of a plan, numbered as in the text, with its targets for the plan's last year."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    access: ClassVar[dict[str, Grant]] = PLAN_READ

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="goal_unique_number_in_plan",
                violation_error_message=_("The plan already has a goal with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Project(AuditedModel):
    """A project (工程) of a plan: the heading its tasks are grouped under (立德树人培根铸魂工程 …)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="projects", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)

    access: ClassVar[dict[str, Grant]] = PLAN_READ

    class Meta:
        verbose_name = _("project (工程)")
        verbose_name_plural = _("projects (工程)")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="project_unique_number_in_plan",
                violation_error_message=_("The plan already has a project with this number."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Task(AuditedModel):
    """A task (任务) of a plan: its number and title as the text gives them, the clause text, the
    project (工程) it belongs to, its departments and its commitments."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("project (工程)")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("clause text"))

    access: ClassVar[dict[str, Grant]] = PLAN_READ

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="task_unique_number_in_plan",
                violation_error_message=_("The plan already has a task with this number."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plan:task", args=[self.pk])

    def departments_in(self, role: str) -> list[TaskDepartment]:
        """The task's departments in ``role``, in the order the text names them (prefetch-friendly)."""
        return [link for link in self.department_links.all() if link.role == role]

    @property
    def lead_names(self) -> str:
        return "、".join(link.named_as for link in self.departments_in(c.DepartmentRole.LEAD))

    @property
    def other_names(self) -> str:
        others = [link for link in self.department_links.all() if link.role != c.DepartmentRole.LEAD]
        return "、".join(link.named_as for link in others)


class TaskDepartment(AuditedModel):
    """A department named on a task, in its role (牵头 lead, 责任 responsible, 配合 cooperating), with
    the name exactly as the text writes it (``named_as``: 市场监管局 and 市场监督管理局 are one
    department; 政府教育督导委员会各成员单位 are the committee's member departments)."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="department_links", verbose_name=_("task")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="task_links", verbose_name=_("department")
    )
    role = models.CharField(_("role"), max_length=20, choices=c.DepartmentRole.choices)
    named_as = models.CharField(_("named in the text as"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    access: ClassVar[dict[str, Grant]] = PLAN_READ

    class Meta:
        verbose_name = _("task department")
        verbose_name_plural = _("task departments")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "role", "named_as"],
                name="task_department_unique_name_in_role",
                violation_error_message=_("The task already names this department in this role."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task.number} {self.get_role_display()} {self.named_as}"


class Commitment(AuditedModel):
    """A commitment (承诺) the plan makes: of a goal, of a task, or of the plan itself (组织实施) — an
    indicator target, a count target, a project with milestones, a recurring duty or a qualitative
    commitment. ``key`` is its stable identifier within the plan (reloading a plan file updates the
    commitment of the same key). Which columns apply depends on ``kind`` (docs/plan-format.md)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("goal"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("task"),
    )
    key = models.SlugField(_("key"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=c.CommitmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    clause = models.TextField(_("clause"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    deadline_year = models.PositiveSmallIntegerField(
        _("deadline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    # indicator targets (and the indicator that measures a count or a recurring duty, where there is one)
    indicator_id = models.CharField(_("indicator"), max_length=80, blank=True)
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    breakdown = models.CharField(_("breakdown"), max_length=80, blank=True)
    comparator = models.CharField(_("comparator"), max_length=20, choices=c.Comparator.choices, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=3, null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    # count targets and projects: what is counted or built, and how many
    subject = models.CharField(_("what"), max_length=200, blank=True)
    target_count = models.PositiveIntegerField(_("target count"), null=True, blank=True)
    #: a count target's parts by named place: [{"name": "华西希望中学", "count": 24}, ...]
    parts = models.JSONField(_("parts"), default=list, blank=True)
    planned_places = models.PositiveIntegerField(_("planned places (学位)"), null=True, blank=True)
    #: a project's named schools: [{"name": "西夏区第二十小学", "action": "new"}, ...]
    schools = models.JSONField(_("named schools"), default=list, blank=True)
    # recurring duties
    frequency = models.CharField(_("frequency"), max_length=20, choices=c.Frequency.choices, blank=True)
    times = models.PositiveSmallIntegerField(_("times per period (at least)"), null=True, blank=True)
    months = models.JSONField(_("months"), default=list, blank=True)
    week_of_month = models.PositiveSmallIntegerField(_("week of the month"), null=True, blank=True)
    actor = models.CharField(_("who"), max_length=200, blank=True)
    activity_kind = models.CharField(_("activity record kind"), max_length=40, blank=True)
    since_year = models.PositiveSmallIntegerField(
        _("from year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )

    access: ClassVar[dict[str, Grant]] = PLAN_READ

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key"],
                name="commitment_unique_key_in_plan",
                violation_error_message=_("The plan already has a commitment with this key."),
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(task__isnull=True),
                name="commitment_of_goal_or_task",
                violation_error_message=_("A commitment belongs to a goal or to a task, not both."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_text(self) -> str:
        """The target in words: ``≥ 50%``-style for an indicator, the count, places, or the period."""
        from tisheng.plan.present import target_text

        return target_text(self)


class Milestone(AuditedModel):
    """A milestone of a project commitment (立项, 开工, 主体完工, 投用), with the year or date the text
    plans for it where it gives one."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("commitment")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=c.MilestoneStage.choices)
    planned_year = models.PositiveSmallIntegerField(
        _("planned year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    access: ClassVar[dict[str, Grant]] = PLAN_READ

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["commitment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "stage"],
                name="milestone_unique_stage",
                violation_error_message=_("The project already has this milestone."),
            )
        ]

    def __str__(self) -> str:
        return str(self.get_stage_display())


#: Progress reports are internal working papers: the district reads them all; a department user reads,
#: writes and corrects only its own department's; schools do not see them.
REPORT_ACCESS: dict[str, Grant] = {
    Role.ADMIN: ALL,
    Role.INSPECTOR: READ,
    Role.LEADER: READ,
    Role.DEPARTMENT: own(VIEW, ADD, CHANGE),
}


class ProgressReport(AuditedModel):
    """A department's progress report (进度报告) on one of its tasks for one quarter: what was done, the
    figures behind it, evidence files, and — for a task with projects — a milestone reached (with the
    date, and for 投用 the places delivered). One report per task, department and quarter; a second
    submission for the same quarter corrects the first (audited)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("task"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("department")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=c.Quarter.choices)
    text = models.TextField(_("progress made"))
    figures = models.TextField(_("figures"), blank=True)
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("milestone reached"),
    )
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    places_delivered = models.PositiveIntegerField(_("places delivered (学位)"), null=True, blank=True)
    #: the day the report came in (its latest correction), against which its due date is judged
    submitted_on = models.DateField(_("submitted on"), default=dt.date.today)
    submitted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("submitted by"),
    )

    access: ClassVar[dict[str, Grant]] = REPORT_ACCESS
    scope_paths: ClassVar[dict[str, str | None]] = {"department": "department"}

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["task", "-year", "-quarter", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "year", "quarter"],
                name="progress_report_unique_period",
                violation_error_message=_(
                    "This department has already reported on this task for this quarter."
                ),
            ),
            models.CheckConstraint(
                condition=Q(milestone__isnull=True) | Q(reached_on__isnull=False),
                name="progress_report_milestone_dated",
                violation_error_message=_("A milestone reached needs the date it was reached."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.year}年第{self.quarter}季度 · {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("plan:task", args=[self.task_id]) + f"#report-{self.pk}"
