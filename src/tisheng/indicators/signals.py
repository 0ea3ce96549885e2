"""Recompute a 学年's indicators in the background when a school's data for it is approved.

The intake app does not know about indicators (data flows one way): this module listens for a submission
that has just become approved and queues the recomputation after the transaction commits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from tisheng.intake.choices import SubmissionStatus
from tisheng.intake.models import Submission


@receiver(post_save, sender=Submission, dispatch_uid="indicators_recompute_on_approval")
def recompute_on_approval(sender: type[Submission], instance: Submission, **kwargs: Any) -> None:
    if not settings.RECOMPUTE_ON_APPROVAL or instance.status != SubmissionStatus.APPROVED:
        return
    from tisheng.intake import tasks

    from .services import recompute_later

    year_id = instance.academic_year_id
    transaction.on_commit(lambda: tasks.run(recompute_later, year_id))
