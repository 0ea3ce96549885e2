"""The audit trail: every create, update and delete of an audited model is recorded automatically with
who, when, from where, and the values before and after.

The acting user comes from a context variable: the web middleware sets it per request, the API's
authentication per call, and commands with ``acting_as(user, source)``. Changes made with no actor are
recorded as ``system``.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest, HttpResponse

from tisheng.core.choices import AuditAction, ChangeSource

if TYPE_CHECKING:
    from tisheng.core.models import User


@dataclass(frozen=True)
class Actor:
    user: User | None
    source: str
    batch_id: int | None = None  # the import batch whose commit (or rollback) makes the change


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("tisheng_audit_actor", default=None)

#: Field values never written to the log (a password hash is a secret even when it changes).
SECRET_FIELDS = frozenset({"password", "key_hash"})


@contextmanager
def acting_as(
    user: User | None, source: str = ChangeSource.SYSTEM, batch_id: int | None = None
) -> Iterator[None]:
    """Attribute every change made inside the block to ``user`` (and ``source``, and import batch)."""
    token = _actor.set(Actor(user, source, batch_id))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    return _actor.get() or Actor(None, ChangeSource.SYSTEM)


class AuditActorMiddleware:
    """Makes the logged-in user the actor of every change a web request makes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        source = ChangeSource.API if request.path.startswith("/api/") else ChangeSource.WEB
        with acting_as(user, source):  # type: ignore[arg-type]
            return self.get_response(request)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values as JSON-safe data (foreign keys as their ids)."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            values[field.name] = mask(field.value_from_object(instance))
            continue
        values[field.attname] = field.value_from_object(instance)
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder, ensure_ascii=False))


def mask(secret: object) -> str:
    """A secret as ``******`` plus a short fingerprint: a change shows, the value does not."""
    digest = hashlib.sha256(str(secret).encode()).hexdigest()[:6] if secret else ""
    return f"******{digest}"


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    before, after = before or {}, after or {}
    ignored = {"updated_at"}
    return sorted(k for k in set(before) | set(after) if k not in ignored and before.get(k) != after.get(k))


def record(
    instance: models.Model, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from tisheng.core.models import ChangeRecord

    fields = changed_fields(before, after)
    if action == AuditAction.UPDATE and not fields:
        return  # a save that changed nothing is not a change
    actor = current_actor()
    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        user=actor.user,
        user_repr=actor.user.get_username() if actor.user else "system",
        source=actor.source,
        batch_id=actor.batch_id,
        before=before,
        after=after,
        changed=fields,
    )


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous else None  # type: ignore[attr-defined]


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    action = AuditAction.CREATE if created or before is None else AuditAction.UPDATE
    record(instance, action, before, snapshot(instance))


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(instance, AuditAction.DELETE, snapshot(instance), None)


def connect(model: type[models.Model]) -> None:
    """Audit ``model``: called for every concrete subclass of ``AuditedModel`` (and the user model)."""
    uid = f"tisheng-audit-{model._meta.label_lower}"
    models.signals.pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
    models.signals.post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
    models.signals.post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-del")


def _bulk_records(
    model: type[models.Model],
    rows: list[tuple[Any, dict[str, Any] | None, dict[str, Any] | None]],
    action: str,
) -> list[Any]:
    """ChangeRecords for (pk, before, after) triples written in bulk (bulk writes send no signals)."""
    from django.contrib.contenttypes.models import ContentType

    from tisheng.core.models import ChangeRecord

    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    user_repr = actor.user.get_username() if actor.user else "system"
    return [
        ChangeRecord(
            content_type=content_type,
            object_id=str(pk),
            object_repr=f"{model._meta.verbose_name} #{pk}",
            action=action,
            user=actor.user,
            user_repr=user_repr,
            source=actor.source,
            batch_id=actor.batch_id,
            before=before,
            after=after,
            changed=changed_fields(before, after),
        )
        for pk, before, after in rows
    ]


def bulk_create_audited(model: type[models.Model], instances: list[Any], batch_size: int = 2000) -> list[Any]:
    """``bulk_create`` that still leaves one audit record per created row."""
    from tisheng.core.models import ChangeRecord

    created = model._default_manager.bulk_create(instances, batch_size=batch_size)
    if created and created[0].pk is None:  # backends that do not return keys cannot be audited this way
        raise RuntimeError(f"bulk_create on {model.__name__} returned no primary keys; cannot audit")
    records = _bulk_records(model, [(o.pk, None, snapshot(o)) for o in created], AuditAction.CREATE)
    for record, obj in zip(records, created, strict=True):
        record.object_repr = str(obj)[:200]
    ChangeRecord.objects.bulk_create(records, batch_size=batch_size)
    return created


def bulk_update_audited(
    model: type[models.Model], instances: list[Any], fields: list[str], before: dict[Any, dict[str, Any]]
) -> None:
    """``bulk_update`` of ``fields``; ``before`` holds each instance's snapshot (by pk) taken before the
    change. Instances whose snapshot did not change are neither written nor recorded."""
    from tisheng.core.models import ChangeRecord

    rows, changed = [], []
    for obj in instances:
        after = snapshot(obj)
        if changed_fields(before[obj.pk], after):
            rows.append((obj.pk, before[obj.pk], after))
            changed.append(obj)
    if not changed:
        return
    model._default_manager.bulk_update(changed, fields, batch_size=2000)
    records = _bulk_records(model, rows, AuditAction.UPDATE)
    for record, obj in zip(records, changed, strict=True):
        record.object_repr = str(obj)[:200]
    ChangeRecord.objects.bulk_create(records, batch_size=2000)


def bulk_delete_audited(model: type[models.Model], instances: list[Any]) -> None:
    """Delete rows that have no dependants, recording each (a cascade would bypass this: use delete())."""
    from tisheng.core.models import ChangeRecord

    if not instances:
        return
    rows = [(obj.pk, snapshot(obj), None) for obj in instances]
    records = _bulk_records(model, rows, AuditAction.DELETE)
    for record, obj in zip(records, instances, strict=True):
        record.object_repr = str(obj)[:200]
    pks = [obj.pk for obj in instances]
    for start in range(0, len(pks), 900):  # SQLite's variable limit
        model._base_manager.filter(pk__in=pks[start : start + 900])._raw_delete(model._base_manager.db)
    ChangeRecord.objects.bulk_create(records, batch_size=2000)
