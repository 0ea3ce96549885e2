"""Every coded value of supervision, in one place (labels translated; badge colours here too)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningKind(models.TextChoices):
    """What a warning (预警) is about."""

    OVERSIZED_CLASSES = "oversized_classes", _("Very large classes (66 or more)")
    YZJH_FAILED = "yzjh_failed", _("Quality-balance resource rule not met")
    FITNESS_FALLING = "fitness_falling", _("Fitness excellent-or-good rate falling")
    MISSING_DATA = "missing_data", _("Data not reported")
    MISSING_REPORT = "missing_report", _("Progress report overdue")
    COMMITMENT_OFF_TRACK = "commitment_off_track", _("Plan commitment off track")


class Severity(models.TextChoices):
    """How serious a warning is."""

    LOW = "low", _("Notice")
    MEDIUM = "medium", _("Attention")
    HIGH = "high", _("Serious")

    @property
    def colour(self) -> str:
        return {"low": "blue", "medium": "orange", "high": "red"}[self.value]


class WarningStatus(models.TextChoices):
    """A warning is open until its addressee acknowledges it, and closed only when resolved (with a
    resolution text)."""

    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")

    @property
    def colour(self) -> str:
        return {"open": "red", "acknowledged": "orange", "resolved": "green"}[self.value]


class ItemResult(models.TextChoices):
    """The result of one checklist item in an inspection."""

    COMPLIANT = "compliant", _("Compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")

    @property
    def colour(self) -> str:
        return {"compliant": "green", "non_compliant": "red", "not_applicable": "grey"}[self.value]


class FindingStatus(models.TextChoices):
    """A finding (问题) stays open until a re-check of its rectification passes."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")

    @property
    def colour(self) -> str:
        return {"open": "red", "closed": "green"}[self.value]


class OrderStatus(models.TextChoices):
    """A rectification order (整改通知): the owner rectifies and submits evidence, the inspector
    re-checks; a failed re-check sends it back to the owner with a new deadline."""

    ISSUED = "issued", _("Rectifying")
    SUBMITTED = "submitted", _("Submitted for re-check")
    PASSED = "passed", _("Passed re-check")

    @property
    def colour(self) -> str:
        return {"issued": "orange", "submitted": "blue", "passed": "green"}[self.value]


class RecheckResult(models.TextChoices):
    """The result of a re-check (复查)."""

    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Escalation(models.IntegerChoices):
    """The escalation steps of an order whose deadline passed unresolved: 通报, then 约谈, then 亮红灯."""

    NONE = 0, _("None")
    NOTICE = 1, _("Public notice (通报)")
    TALK = 2, _("Admonitory talk (约谈)")
    RED_LIGHT = 3, _("Red light (亮红灯)")

    @property
    def colour(self) -> str:
        return {0: "grey", 1: "orange", 2: "red", 3: "red"}[self.value]
