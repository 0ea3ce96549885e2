"""The life of a batch and of a submission. Views, the API and the command line call these; each checks
the user's permission again at the moment it acts (STYLE §9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tisheng.core.audit import acting_as
from tisheng.core.choices import SCHOOL_ROLES, AuditAction, ChangeSource, Role
from tisheng.core.models import AcademicYear, ChangeRecord, User
from tisheng.core.permissions import CHANGE, VIEW, can_any
from tisheng.intake import pipeline, progress
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.datasets import registry
from tisheng.intake.models import BatchFile, ImportBatch, Submission

MAX_FILE_BYTES = 100 * 1024 * 1024

#: The parsed rows of the batches validated last in this process, by batch id and content
#: fingerprint, so that committing right after the preview does not parse the files again. The
#: database-dependent checks always run again inside the commit's transaction.
_parsed: dict[int, tuple[str, pipeline.Outcome]] = {}
PARSED_KEPT = 2


def _keep_parsed(batch: ImportBatch, outcome: pipeline.Outcome) -> None:
    _parsed.pop(batch.pk, None)
    while len(_parsed) >= PARSED_KEPT:
        _parsed.pop(next(iter(_parsed)))
    _parsed[batch.pk] = (batch.fingerprint, outcome)


def _parsed_again(batch: ImportBatch, report: pipeline.Progress) -> pipeline.Outcome:
    kept = _parsed.pop(batch.pk, None)
    if kept is not None and kept[0] == batch.fingerprint:
        fresh = pipeline.Outcome(kept[1].dataset, rows=kept[1].rows)
        return fresh
    return pipeline.parse(batch.dataset, inputs_of(batch), context_for(batch), report)


class IntakeError(Exception):
    """A refusal to explain to the user, in Chinese."""


def may_import(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.ADMIN, *SCHOOL_ROLES)


def create_batch(
    user: User,
    dataset: str,
    year: AcademicYear | None,
    uploads: list[tuple[str, bytes]],
    *,
    dry_run: bool = False,
) -> ImportBatch:
    """Store the uploaded files as a new batch (not yet validated)."""
    spec = registry.get(dataset)
    if spec is None:
        raise IntakeError(f"未知的数据集“{dataset}”，可选：{'、'.join(registry.names())}")
    if not may_import(user):
        raise PermissionDenied("您的角色不能导入数据")
    if not uploads:
        raise IntakeError("没有选择文件")
    for name, content in uploads:
        if len(content) > MAX_FILE_BYTES:
            raise IntakeError(f"文件“{name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后上传")
        if not content:
            raise IntakeError(f"文件“{name}”是空文件")
    school = user.school if user.role in SCHOOL_ROLES else None
    fingerprint = BatchFile.digest(b"".join(BatchFile.digest(c).encode() for _n, c in sorted(uploads)))
    with transaction.atomic(), acting_as(user, ChangeSource.WEB):
        batch = ImportBatch.objects.create(
            dataset=dataset,
            academic_year=year if spec.per_year else None,
            school=school,
            uploaded_by=user,
            dry_run=dry_run,
            fingerprint=fingerprint,
        )
        for name, content in uploads:
            record = BatchFile(
                batch=batch, name=Path(name).name, size=len(content), sha256=BatchFile.digest(content)
            )
            record.file.save(Path(name).name, ContentFile(content), save=False)
            record.save()
    return batch


def context_for(batch: ImportBatch) -> pipeline.Context:
    return pipeline.make_context(batch.uploaded_by, batch.academic_year, batch.school)


def inputs_of(batch: ImportBatch) -> list[pipeline.InputFile]:
    return [pipeline.InputFile(Path(f.file.path), f.name) for f in batch.files.all()]


def validate_batch(batch: ImportBatch, listener: progress.Listener | None = None) -> pipeline.Outcome:
    """Validate and store the findings and the preview on the batch; writes no facts."""
    _set_status(batch, BatchStatus.VALIDATING)
    report = progress.reporter(batch.pk, listener=listener)
    try:
        outcome = pipeline.validate(batch.dataset, inputs_of(batch), context_for(batch), report)
    except Exception as exc:
        _fail(batch, exc)
        raise
    _store_outcome(batch, outcome)
    if outcome.ok:
        _keep_parsed(batch, outcome)
    return outcome


def _store_outcome(batch: ImportBatch, outcome: pipeline.Outcome) -> None:
    batch.issues = [i.as_dict() for i in outcome.issues]
    batch.issue_count = outcome.error_count
    batch.warning_count = outcome.warning_count
    batch.rows_read = len(outcome.rows)
    if outcome.plan is not None:
        plan = outcome.plan
        batch.added, batch.changed, batch.removed, batch.unchanged = (
            len(plan.added),
            len(plan.changed),
            len(plan.removed),
            plan.unchanged,
        )
        batch.preview = pipeline.preview(plan, outcome.dataset)
    batch.status = BatchStatus.READY if outcome.ok else BatchStatus.INVALID
    batch.progress = 100
    batch.progress_message = "检查完成" if outcome.ok else f"发现 {outcome.error_count} 个错误"
    with acting_as(batch.uploaded_by, ChangeSource.SYSTEM):
        batch.save()
    progress.clear(batch.pk)


def commit_batch(
    batch: ImportBatch, user: User, source: str = ChangeSource.WEB, listener: progress.Listener | None = None
) -> ImportBatch:
    """Validate again and write everything in one transaction; nothing is written if anything fails."""
    if batch.status != BatchStatus.READY:
        raise IntakeError(f"批次当前状态为“{batch.get_status_display()}”，不能提交入库")
    if batch.dry_run:
        raise IntakeError("这是“只检查不入库”的批次，请重新上传以入库")
    if not ImportBatch.objects.restrict(user, CHANGE).filter(pk=batch.pk).exists():
        raise PermissionDenied("您无权提交这个批次")
    _set_status(batch, BatchStatus.COMMITTING)
    report = progress.reporter(batch.pk, listener=listener)
    try:
        with transaction.atomic():
            ctx = context_for(batch)
            outcome = _parsed_again(batch, report)
            if outcome.ok:
                pipeline.reconcile(outcome, ctx, report)
            if not outcome.ok:
                transaction.set_rollback(True)
            else:
                report(80, "写入数据库")
                pipeline.commit(outcome.dataset, outcome, ctx, batch.pk, user, source)
    except Exception as exc:
        _fail(batch, exc)
        raise
    if not outcome.ok:  # the data changed since the preview (another batch, a lock): show why
        _store_outcome(batch, outcome)
        return batch
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.progress, batch.progress_message = 100, "已入库"
    with acting_as(user, source):
        batch.save()
    progress.clear(batch.pk)
    return batch


def discard_batch(batch: ImportBatch, user: User) -> None:
    if batch.status not in (BatchStatus.READY, BatchStatus.INVALID, BatchStatus.FAILED):
        raise IntakeError("只能放弃尚未入库的批次")
    if not ImportBatch.objects.restrict(user, CHANGE).filter(pk=batch.pk).exists():
        raise PermissionDenied("您无权处理这个批次")
    batch.status = BatchStatus.DISCARDED
    with acting_as(user, ChangeSource.WEB):
        batch.save()


def rollback_batch(batch: ImportBatch, user: User) -> int:
    """Undo a committed batch by replaying its change records in reverse. Refused when a row has
    changed since (by a later batch or an edit) or when the data set is locked. Returns the rows undone."""
    if user.role != Role.ADMIN:
        raise PermissionDenied("只有区管理员可以回滚批次")
    if batch.status != BatchStatus.COMMITTED:
        raise IntakeError("只能回滚已入库的批次")
    records = list(
        ChangeRecord.objects.filter(batch_id=batch.pk).select_related("content_type").order_by("-id")
    )
    _check_locks_for_rollback(batch)
    with transaction.atomic(), acting_as(user, ChangeSource.WEB, batch.pk):
        for record in records:
            later = ChangeRecord.objects.filter(
                content_type=record.content_type, object_id=record.object_id, id__gt=record.id
            ).exclude(batch_id=batch.pk)
            if later.exists():
                raise IntakeError(
                    f"“{record.object_repr}”在本批次之后又被修改过，不能回滚；请上传更正后的文件"
                )
        for record in records:
            _undo(record)
        batch.status = BatchStatus.ROLLED_BACK
        batch.rolled_back_at = timezone.now()
        batch.save()
    return len(records)


def _check_locks_for_rollback(batch: ImportBatch) -> None:
    locked = Submission.objects.filter(
        dataset=batch.dataset,
        academic_year=batch.academic_year,
        status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED],
    )
    if batch.school_id:
        locked = locked.filter(school_id=batch.school_id)
    if locked.exists():
        raise IntakeError("该数据已提交审核或已锁定，不能回滚；请先退回或重新开放")


def _undo(record: ChangeRecord) -> None:
    model: Any = record.content_type.model_class()
    if model is None:
        raise IntakeError(f"无法回滚“{record.object_repr}”：数据类型已不存在")
    if record.action == AuditAction.CREATE:
        obj = model._base_manager.filter(pk=record.object_id).first()
        if obj is not None:
            obj.delete()
    elif record.action == AuditAction.UPDATE:
        obj = model._base_manager.get(pk=record.object_id)
        for attname, value in (record.before or {}).items():
            _assign(obj, attname, value)
        obj.save()
    else:
        obj = model()
        for attname, value in (record.before or {}).items():
            _assign(obj, attname, value)
        obj.save(force_insert=True)


def _assign(obj: Any, attname: str, value: Any) -> None:
    field = next(f for f in obj._meta.concrete_fields if f.attname == attname)
    if field.name in ("created_at", "updated_at"):
        return
    setattr(obj, attname, field.to_python(value) if value is not None else None)


def _set_status(batch: ImportBatch, status: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=status)
    batch.status = status


def _fail(batch: ImportBatch, exc: Exception) -> None:
    message = f"处理失败：{type(exc).__name__}: {exc}"[:200]
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, progress_message=message)
    progress.clear(batch.pk)


def fail_interrupted() -> int:
    """Batches left running when the server stopped can never finish: mark them failed."""
    return ImportBatch.objects.filter(
        status__in=[BatchStatus.QUEUED, BatchStatus.VALIDATING, BatchStatus.COMMITTING]
    ).update(status=BatchStatus.FAILED, progress_message="服务器重启，处理中断，请重新上传")


# --- submissions -------------------------------------------------------------------------------------


def submit(submission: Submission, user: User) -> Submission:
    """The school hands its data in for review; the data is locked until the district decides."""
    if user.role not in (Role.PRINCIPAL, Role.CLERK, Role.ADMIN):
        raise PermissionDenied("只有学校或区管理员可以提交")
    if not Submission.objects.restrict(user, CHANGE).filter(pk=submission.pk).exists():
        raise PermissionDenied("您不能提交这所学校的数据")
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        raise IntakeError(f"当前状态为“{submission.get_status_display()}”，不能提交")
    return _transition(submission, user, SubmissionStatus.SUBMITTED, "", submitted=True)


def approve(submission: Submission, user: User, comment: str = "") -> Submission:
    _require_reviewer(user)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise IntakeError("只能审核已提交的数据")
    return _transition(submission, user, SubmissionStatus.APPROVED, comment, reviewed=True)


def return_for_correction(submission: Submission, user: User, comment: str) -> Submission:
    _require_reviewer(user)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise IntakeError("只能退回已提交的数据")
    if not comment.strip():
        raise ValidationError("退回时请写明需要更正的内容")
    return _transition(submission, user, SubmissionStatus.RETURNED, comment, reviewed=True)


def reopen(submission: Submission, user: User, reason: str) -> Submission:
    """Unlock approved data so the school can correct it; the reason is kept in the audit trail."""
    _require_reviewer(user)
    if submission.status != SubmissionStatus.APPROVED:
        raise IntakeError("只能重新开放已审核通过的数据")
    if len(reason.strip()) < 4:
        raise ValidationError("重新开放需要说明理由（至少 4 个字）")
    return _transition(
        submission, user, SubmissionStatus.RETURNED, f"重新开放：{reason.strip()}", reviewed=True
    )


def _require_reviewer(user: User) -> None:
    if user.role != Role.ADMIN:
        raise PermissionDenied("只有教育局管理员可以审核")


def _transition(
    submission: Submission,
    user: User,
    status: str,
    comment: str,
    *,
    submitted: bool = False,
    reviewed: bool = False,
) -> Submission:
    now = timezone.now()
    submission.status = status
    submission.comment = comment
    if submitted:
        submission.submitted_by, submission.submitted_at = user, now
    if reviewed:
        submission.reviewed_by, submission.reviewed_at = user, now
    with transaction.atomic(), acting_as(user, ChangeSource.WEB):
        submission.save()
    return submission


def rows_withheld(user: Any, batch: ImportBatch) -> bool:
    """Whether ``user`` sees only the counts of ``batch``, not its rows: the preview and the issue list
    carry the file's values, so a batch of a data set whose rows ``user`` may not read (students' health
    results above their school) shows them only to the person who uploaded it."""
    model = getattr(registry.get(batch.dataset), "model", None)
    if model is None or batch.uploaded_by_id == getattr(user, "pk", None):
        return False
    return not can_any(user, VIEW, model)
