"""Recompute a 学年's indicators in the background when a school's data for it is approved.

The intake app does not know about indicators (data flows one way): this module listens for a submission
that has just become approved and queues the recomputation after the transaction commits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from tisheng.intake.choices import SubmissionStatus
from tisheng.intake.models import Submission

#: data sets whose facts also feed later 学年 (a dropout of 2023 belongs to the 2025 初三 cohort)
CARRIED_FORWARD = frozenset({"status_changes"})


@receiver(pre_save, sender=Submission, dispatch_uid="indicators_status_before_save")
def remember_status(sender: type[Submission], instance: Submission, **kwargs: Any) -> None:
    instance._status_before = (  # type: ignore[attr-defined]
        Submission.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Submission, dispatch_uid="indicators_recompute_on_approval")
def recompute_on_approval(sender: type[Submission], instance: Submission, **kwargs: Any) -> None:
    """Queue a recomputation when a submission has just become approved (not on later saves)."""
    if not settings.RECOMPUTE_ON_APPROVAL or instance.status != SubmissionStatus.APPROVED:
        return
    if getattr(instance, "_status_before", None) == SubmissionStatus.APPROVED:
        return
    from tisheng.core.models import AcademicYear
    from tisheng.intake import tasks

    from .services import recompute_later

    years = AcademicYear.objects.filter(pk=instance.academic_year_id)
    if instance.dataset in CARRIED_FORWARD:
        start = AcademicYear.objects.get(pk=instance.academic_year_id).start_year
        years = AcademicYear.objects.filter(start_year__gte=start)
    year_ids = list(years.values_list("pk", flat=True))
    transaction.on_commit(lambda: tasks.run(recompute_later, year_ids))
