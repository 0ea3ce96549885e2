"""States of an import batch and of a school's submission."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    """An import batch: queued → validating → invalid | ready (preview) → committed | discarded;
    a committed batch may later be rolled back."""

    QUEUED = "queued", _("Queued")
    VALIDATING = "validating", _("Validating")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to commit")
    COMMITTING = "committing", _("Committing")
    COMMITTED = "committed", _("Committed")
    DISCARDED = "discarded", _("Discarded")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    FAILED = "failed", _("Failed")

    @property
    def colour(self) -> str:
        return {
            "invalid": "red",
            "failed": "red",
            "ready": "blue",
            "committed": "green",
            "rolled_back": "grey",
            "discarded": "grey",
        }.get(self.value, "orange")


class SubmissionStatus(models.TextChoices):
    """A school's data set for a 学年: draft → submitted → approved (locked) or returned → …"""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved and locked")

    @property
    def colour(self) -> str:
        return {"draft": "grey", "submitted": "blue", "returned": "red", "approved": "green"}[self.value]


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
