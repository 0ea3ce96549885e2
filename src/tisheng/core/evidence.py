"""Evidence files (证明材料): scanned certificates, photos, minutes and sign-in sheets attached to a record
(a recognition, an activity …) as proof.

A file is attached to any audited, restricted object through a generic key; who may see it and who may
add or remove it follows that object (see :func:`may_view` and :func:`may_attach`). Files are stored
under ``MEDIA_ROOT/evidence/<yyyy>/<mm>/<uuid><suffix>`` (never the user's file name) and are served
only by a view that checks the permission first, never through a public media URL.

Only a few document and image types are accepted, recognised by their first bytes (magic numbers) and
not only by the extension, up to :data:`MAX_EVIDENCE_BYTES` each. Every refusal says why in Chinese.

This module is imported at the end of :mod:`tisheng.core.models`, so the model belongs to the ``core``
app and is audited like every ``AuditedModel``.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Self

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tisheng.core.audit import acting_as, current_actor
from tisheng.core.choices import SCHOOL_ROLES
from tisheng.core.models import AuditedModel, User
from tisheng.core.permissions import ACTIONS, CHANGE, VIEW, RestrictedQuerySet, can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

#: The largest file accepted (bytes). Read at call time, so a test may patch it.
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

#: Models whose evidence the principal and clerks of the row's school maintain, although the row itself
#: is the district's (written by the intake pipeline): the census registers of recognitions and
#: activities. The row's school is found through the model's ``scope_paths["school"]``.
SCHOOL_MAINTAINED: frozenset[str] = frozenset({"census.recognition", "census.activity"})

ACCEPTED_TYPES = "PDF、JPG、PNG、Word（.doc/.docx）或 Excel（.xls/.xlsx）"


@dataclass(frozen=True)
class FileKind:
    """An accepted kind of file: its name in messages, the media type it is served with, and how its
    first bytes begin."""

    label: str
    media_type: str
    magic: bytes
    zip_folder: str = ""  # Office Open XML: the package folder of the application (word/, xl/)


PDF = FileKind("PDF", "application/pdf", b"%PDF-")
JPEG = FileKind("JPG 图片", "image/jpeg", b"\xff\xd8\xff")
PNG = FileKind("PNG 图片", "image/png", b"\x89PNG\r\n\x1a\n")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Office 97–2003 (and of encrypted files)
DOC = FileKind("Word 97-2003", "application/msword", OLE)
XLS = FileKind("Excel 97-2003", "application/vnd.ms-excel", OLE)
DOCX = FileKind(
    "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04", "word/"
)
XLSX = FileKind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04", "xl/"
)
KIND_BY_SUFFIX: dict[str, FileKind] = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".doc": DOC,
    ".docx": DOCX,
    ".xls": XLS,
    ".xlsx": XLSX,
}
MAGIC_LENGTH = max(len(kind.magic) for kind in KIND_BY_SUFFIX.values())
ACCEPT_ATTRIBUTE = ",".join(KIND_BY_SUFFIX)  # for <input type=file accept=…>


def size_text(size: int) -> str:
    """A size as people say it: ``20 MB`` for whole megabytes, else Django's ``filesizeformat``."""
    megabyte = 1024 * 1024
    if size >= megabyte and size % megabyte == 0:
        return f"{size // megabyte} MB"
    return str(filesizeformat(size)).replace("\xa0", " ")


def evidence_path(suffix: str) -> str:
    """Where a new file goes in the storage: ``evidence/<yyyy>/<mm>/<uuid><suffix>``."""
    today = timezone.localdate()
    return f"evidence/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{suffix}"


# --- permissions ------------------------------------------------------------------------------------


def _active(user: User | AnonymousUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _restricted(model: type[models.Model]) -> Any:
    manager = model._default_manager
    return manager if hasattr(manager, "restrict") else None


def viewable(user: User | AnonymousUser | None, model: type[models.Model]) -> models.QuerySet[Any]:
    """The rows of ``model`` whose evidence ``user`` may see: the rows they may see."""
    manager = _restricted(model)
    return manager.restrict(user, VIEW) if manager is not None else model._default_manager.none()


def attachable(user: User | AnonymousUser | None, model: type[models.Model]) -> models.QuerySet[Any]:
    """The rows of ``model`` to which ``user`` may add evidence (and from which remove it): the rows they
    may change, and for the census registers (:data:`SCHOOL_MAINTAINED`) the rows of their own school
    when they are its principal or clerk."""
    manager = _restricted(model)
    if manager is None or not _active(user):
        return model._default_manager.none()
    rows = manager.restrict(user, CHANGE)
    school_path = getattr(model, "scope_paths", {}).get("school")
    if (
        model._meta.label_lower in SCHOOL_MAINTAINED
        and school_path
        and user.role in SCHOOL_ROLES  # type: ignore[union-attr]
        and user.school_id  # type: ignore[union-attr]
    ):
        own_school = manager.restrict(user, VIEW).filter(**{school_path: user.school_id})  # type: ignore[union-attr]
        rows = rows | own_school
    return rows


def may_view(user: User | AnonymousUser | None, obj: models.Model) -> bool:
    """Whether ``user`` may see (list and download) the evidence of ``obj``: iff they may see ``obj``."""
    return _restricted(type(obj)) is not None and can(user, VIEW, obj)


def may_attach(user: User | AnonymousUser | None, obj: models.Model) -> bool:
    """Whether ``user`` may add evidence files to ``obj`` and delete them.

    Yes when the user may change ``obj`` itself (``can(user, "change", obj)``: the district
    administrator for the census registers), and also when ``obj`` is a census register row (a
    recognition or an activity, :data:`SCHOOL_MAINTAINED`) of the user's own school and the user is
    that school's principal or clerk: the rows come from the district's import, but each school keeps
    the proof of its own recognitions and activities. Read-only roles (leader, inspector) and
    department users never may; a user who cannot see ``obj`` never may.
    """
    return attachable(user, type(obj)).filter(pk=obj.pk).exists()


# --- the model --------------------------------------------------------------------------------------


class EvidenceQuerySet(RestrictedQuerySet):
    def for_object(self, obj: models.Model) -> Self:
        return self.filter(content_type=content_type_of(obj), object_id=obj.pk)

    def restrict(self, user: User | AnonymousUser | None, action: str = VIEW) -> Self:
        """Evidence follows its object: ``view`` the evidence of the objects the user may see; ``add``,
        ``change`` and ``delete`` the evidence of the objects they may attach to (:func:`may_attach`).
        Evidence of a deleted object is nobody's to see here."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not _active(user):
            return self.none()
        conditions = []
        type_ids = self.order_by().values_list("content_type_id", flat=True).distinct()
        for type_id in type_ids:
            model = ContentType.objects.get_for_id(type_id).model_class()
            if model is None:
                continue
            rows = viewable(user, model) if action == VIEW else attachable(user, model)
            conditions.append(Q(content_type_id=type_id, object_id__in=rows.values("pk")))
        if not conditions:
            return self.none()
        return self.filter(reduce(lambda a, b: a | b, conditions))


class EvidenceManager(models.Manager.from_queryset(EvidenceQuerySet)):  # type: ignore[misc]
    pass


def content_type_of(obj: models.Model | type[models.Model]) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)


class Evidence(AuditedModel):
    """An evidence file (证明材料) attached to a record: a certificate of a recognition, the photos and
    sign-in sheet of a parent meeting … Kept as uploaded, under a random name, with its original file
    name, size, SHA-256 and detected type. Who may see or change it follows the record."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    path = models.CharField(_("file"), max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    media_type = models.CharField(_("file type"), max_length=100)
    uploaded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_files",
        verbose_name=_("uploaded by"),
    )
    description = models.CharField(pgettext_lazy("evidence", "description"), max_length=200, blank=True)

    objects = EvidenceManager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["content_type", "object_id", "created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="evidence_object")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "sha256"],
                name="evidence_unique_file_per_object",
                violation_error_message=_("This file is already attached to this record."),
            ),
            models.CheckConstraint(
                condition=Q(size__gt=0),
                name="evidence_not_empty",
                violation_error_message=_("An evidence file cannot be empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def open(self) -> Any:
        """The stored file, opened for reading (FileNotFoundError when it is gone from the disk)."""
        return default_storage.open(self.path, "rb")

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


def evidence_count(model: type[models.Model]) -> Coalesce:
    """An annotation: how many evidence files each row of ``model`` has."""
    files = (
        Evidence.objects.filter(content_type=content_type_of(model), object_id=OuterRef("pk"))
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(files[:1]), 0)


# --- checking and storing uploads -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    suffix: str
    size: int
    kind: FileKind


def clean_name(name: str) -> str:
    """The user's file name without folders or control characters, at most 255 characters (keeping the
    extension). Only ever shown and sent back in Content-Disposition; never used on the disk."""
    base = PurePath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "未命名"
    if len(base) > 255:
        suffix = PurePath(base).suffix[:20]
        base = base[: 255 - len(suffix)] + suffix
    return base


def _is_office_package(upload: UploadedFile, folder: str) -> bool:
    """Whether a ZIP file is an Office Open XML package of the application whose parts live in ``folder``
    (reads only the ZIP directory; nothing is decompressed)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:  # type: ignore[arg-type]
            names = package.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Check one uploaded file: an accepted extension, not empty, not larger than the limit, and content
    that really is of the type its extension says (by its first bytes). Raises ValidationError with a
    Chinese message saying what is wrong and what to do."""
    name = clean_name(upload.name or "")
    suffix = PurePath(name).suffix.lower()
    kind = KIND_BY_SUFFIX.get(suffix)
    if kind is None:
        raise ValidationError(
            f"文件“{name}”的类型“{suffix or '无扩展名'}”不支持，请上传 {ACCEPTED_TYPES}文件。", code="type"
        )
    size = upload.size or 0
    if size <= 0:
        raise ValidationError(f"文件“{name}”是空文件，请检查后重新选择。", code="empty")
    limit = MAX_EVIDENCE_BYTES
    if size > limit:
        raise ValidationError(
            f"文件“{name}”有 {size_text(size)}，超过每个文件 {size_text(limit)} 的上限，"
            "请压缩或拆分后再上传。",
            code="size",
        )
    upload.seek(0)
    head = upload.read(MAGIC_LENGTH)
    upload.seek(0)
    genuine = head.startswith(kind.magic) and (
        not kind.zip_folder or _is_office_package(upload, kind.zip_folder)
    )
    if not genuine:
        hint = (
            "；如果文件设置了打开密码，请取消密码后再上传" if head.startswith(OLE) and kind.zip_folder else ""
        )
        raise ValidationError(
            f"文件“{name}”的内容不是 {kind.label} 文件（扩展名与文件内容不符，可能是改过扩展名或已损坏）"
            f"{hint}。请上传原始的 {ACCEPTED_TYPES}文件。",
            code="content",
        )
    return CheckedFile(upload, name, suffix, size, kind)


def check_uploads(uploads: Iterable[UploadedFile]) -> list[CheckedFile]:
    """Check every file; all problems are reported together."""
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            problems.extend(exc.error_list)
    if problems:
        raise ValidationError(problems)
    return checked


def _digest(upload: UploadedFile) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def attach(
    user: User, obj: models.Model, uploads: Sequence[UploadedFile], description: str = ""
) -> list[Evidence]:
    """Attach the uploaded files to ``obj`` as evidence, all or none, each change in the audit trail
    (attributed to ``user``). Raises PermissionDenied unless :func:`may_attach`, ValidationError (in
    Chinese) for a refused file or a file already attached."""
    if not may_attach(user, obj):
        raise PermissionDenied("您不能为这条记录上传或删除证明材料。")
    if not uploads:
        raise ValidationError("请选择要上传的文件。", code="required")
    checked = check_uploads(uploads)
    content_type = content_type_of(obj)
    attached = dict(
        Evidence.objects.filter(content_type=content_type, object_id=obj.pk).values_list(
            "sha256", "original_name"
        )
    )
    digests, problems = [], []
    for item in checked:
        digest = _digest(item.upload)
        if digest in attached:
            problems.append(f"文件“{item.name}”已经上传过（与“{attached[digest]}”内容相同），不必重复上传。")
        attached.setdefault(digest, item.name)
        digests.append(digest)
    if problems:
        raise ValidationError(problems, code="duplicate")
    stored: list[str] = []
    created = []
    try:
        with transaction.atomic(), acting_as(user, current_actor().source):
            for item, digest in zip(checked, digests, strict=True):
                item.upload.seek(0)
                path = default_storage.save(evidence_path(item.suffix), item.upload)
                stored.append(path)
                created.append(
                    Evidence.objects.create(
                        content_type=content_type,
                        object_id=obj.pk,
                        path=path,
                        original_name=item.name,
                        size=item.size,
                        sha256=digest,
                        media_type=item.kind.media_type,
                        uploaded_by=user,
                        description=description.strip()[:200],
                    )
                )
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    return created


def detach(user: User, evidence: Evidence) -> None:
    """Delete an evidence file: the row now (audited, attributed to ``user``), the file on the disk once
    the transaction commits (so a rollback keeps both)."""
    obj = evidence.content_object
    if obj is None or not may_attach(user, obj):
        raise PermissionDenied("您不能为这条记录上传或删除证明材料。")
    path = evidence.path
    with transaction.atomic(), acting_as(user, current_actor().source):
        evidence.delete()
        transaction.on_commit(lambda: default_storage.delete(path))
