"""Every coded value of the plan, in one place (labels translated). The codes are also the values a
plan file writes (docs/plan-format.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentRole(models.TextChoices):
    """How the plan names a department on a task."""

    LEAD = "lead", _("Lead unit (牵头单位)")
    RESPONSIBLE = "responsible", _("Responsible unit (责任单位)")
    COOPERATING = "cooperating", _("Cooperating unit (配合单位)")


class CommitmentKind(models.TextChoices):
    """The kinds of commitment a plan makes (PLAN.md): four measurable kinds and the qualitative."""

    INDICATOR = "indicator", _("Indicator target")
    COUNT = "count", _("Count target")
    PROJECT = "project", _("Project with milestones")
    RECURRING = "recurring", _("Recurring duty")
    QUALITATIVE = "qualitative", _("Qualitative commitment")


class Comparator(models.TextChoices):
    """How an indicator's value is compared with its target."""

    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    EQUAL = "=", _("equal to")
    FALLS_EVERY_YEAR = "falls_every_year", _("falls every year")


class Frequency(models.TextChoices):
    """How often a recurring duty falls due."""

    SEMESTER = "semester", _("every semester")
    YEAR = "year", _("every year")
    MONTH = "month", _("every month")
    NAMED_WEEKS = "named_weeks", _("in named weeks")


class SchoolAction(models.TextChoices):
    """What a project does to a school it names."""

    NEW = "new", _("new school")
    EXPANSION = "expansion", _("expansion or rebuilding")
    PARTNERSHIP = "partnership", _("joint building with a partner school")


class MilestoneStage(models.TextChoices):
    """The milestones of a building project, in order."""

    APPROVED = "approved", _("Approved (立项)")
    STARTED = "started", _("Construction started (开工)")
    STRUCTURE_DONE = "structure_done", _("Main structure completed (主体完工)")
    IN_USE = "in_use", _("In use (投用)")


class Quarter(models.IntegerChoices):
    """A quarter of the calendar year, the default period of progress reports."""

    Q1 = 1, _("Q1 (January–March)")
    Q2 = 2, _("Q2 (April–June)")
    Q3 = 3, _("Q3 (July–September)")
    Q4 = 4, _("Q4 (October–December)")
