"""Choices of the indicators app (one place, with badge colours)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    """A computation run: running → succeeded | failed."""

    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


RUN_STATUS_COLOURS = {RunStatus.RUNNING: "blue", RunStatus.SUCCEEDED: "green", RunStatus.FAILED: "red"}


class RunTrigger(models.TextChoices):
    """What started a computation."""

    COMMAND = "command", _("Command line")
    WEB = "web", _("Web")
    APPROVAL = "approval", _("Data approved")
    DEMO = "demo", _("Demo generation")


class Level(models.TextChoices):
    """The organisation level of a value."""

    SCHOOL = "school", _("School")
    TOWN = "town", _("Town or sub-district")
    DISTRICT = "district", _("District")
