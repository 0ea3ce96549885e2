"""Import batches and submissions: how facts arrive, and who vouched for them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tisheng.core.choices import Role
from tisheng.core.models import AcademicYear, AuditedModel, School
from tisheng.core.permissions import ALL, READ, VIEW, Grant, own
from tisheng.intake.choices import BatchStatus, SubmissionStatus

#: Schools see and manage their own batches and submissions; district roles see all; the district
#: administrator reviews. Department users have no part in data collection.
INTAKE_ACCESS: dict[str, Grant] = {
    Role.ADMIN: ALL,
    Role.INSPECTOR: READ,
    Role.LEADER: READ,
    Role.PRINCIPAL: own(VIEW, "add", "change"),
    Role.CLERK: own(VIEW, "add", "change"),
}


def upload_path(instance: BatchFile, filename: str) -> str:
    return f"intake/{instance.batch_id}/{Path(filename).name}"


class ImportBatch(AuditedModel):
    """One import (导入批次): the files uploaded together for one data set, validated as a whole and
    committed all-or-nothing. Every fact row remembers the batch that last wrote it."""

    dataset = models.CharField(_("data set"), max_length=40)
    academic_year = models.ForeignKey(
        AcademicYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("academic year"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("school"),
        help_text=_("The school the batch is for; empty for a district-wide batch."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("uploaded by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    dry_run = models.BooleanField(_("validate only"), default=False)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    issues = models.JSONField(_("issues"), default=list, blank=True)
    issue_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress"), max_length=200, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = INTAKE_ACCESS
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dataset", "academic_year", "school"], name="batch_scope")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.dataset_title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("intake:batch", args=[self.pk])

    @property
    def dataset_title(self) -> str:
        from tisheng.intake.datasets import registry

        spec = registry.get(self.dataset)
        return str(spec.title) if spec else self.dataset

    @property
    def is_running(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.VALIDATING, BatchStatus.COMMITTING)

    def errors(self) -> list[dict[str, Any]]:
        return [i for i in self.issues if i.get("severity") == "error"]

    def warnings(self) -> list[dict[str, Any]]:
        return [i for i in self.issues if i.get("severity") == "warning"]


class BatchFile(models.Model):
    """One uploaded file of a batch, kept as uploaded so the batch can be re-validated and audited."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="files", verbose_name=_("batch")
    )
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to=upload_path)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("batch file")
        verbose_name_plural = _("batch files")
        ordering = ["batch", "name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()


class Submission(AuditedModel):
    """A school's data set for one 学年 (填报): submitted by the school, reviewed by the district,
    approved (and then locked) or returned with a comment. Reopening an approved submission needs a
    reason; every step is in the audit trail."""

    dataset = models.CharField(_("data set"), max_length=40)
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("academic year")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("school")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    comment = models.TextField(
        _("comment"), blank=True, help_text=_("The reviewer's or the reopener's words.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    access: ClassVar[dict[str, Grant]] = INTAKE_ACCESS
    scope_paths: ClassVar[dict[str, str | None]] = {"school": "school"}

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["academic_year", "school", "dataset"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "academic_year", "school"],
                name="submission_one_per_dataset_year_school",
                violation_error_message=_(
                    "This school already has a submission of this data set for the year."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(reviewed_by__isnull=False),
                name="submission_approved_has_reviewer",
                violation_error_message=_("An approved submission names its reviewer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.academic_year} {self.dataset}"

    @property
    def is_locked(self) -> bool:
        return self.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("intake:submission", args=[self.pk])
