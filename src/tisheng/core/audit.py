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


_ENCODER = DjangoJSONEncoder()


def jsonable(value: Any) -> Any:
    """A field value as JSON data, exactly as DjangoJSONEncoder writes it (dates and times ISO 8601,
    decimals and UUIDs as strings)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, dict)):
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
    return _ENCODER.default(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values as JSON-safe data (foreign keys as their ids)."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            values[field.name] = mask(field.value_from_object(instance))
            continue
        values[field.attname] = jsonable(field.value_from_object(instance))
    return values


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


def write_records(model: type[models.Model], action: str, rows: list[tuple[Any, Any, Any, Any]]) -> None:
    """Record (pk, object, before, after) changes of ``model`` made in bulk (bulk writes send no
    signals), with one prepared ``executemany`` statement: building ChangeRecord instances and the
    ORM's value compilation would dominate a large import. Values shared by every row (time, type,
    actor, batch) are prepared once."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.utils import timezone

    from tisheng.core.models import ChangeRecord

    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: its per-attribute lookup costs per value

    if not rows:
        return
    actor = current_actor()
    meta = ChangeRecord._meta
    field = {f.attname: f for f in meta.concrete_fields}
    shared = {
        "time": field["time"].get_db_prep_save(timezone.now(), connection),
        "content_type_id": ContentType.objects.get_for_model(model, for_concrete_model=True).pk,
        "user_id": actor.user.pk if actor.user else None,
        "user_repr": actor.user.get_username() if actor.user else "system",
        "source": actor.source,
        "batch_id": actor.batch_id,
        "action": action,
    }
    order = [f.attname for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field[a].column) for a in order)}) "
        f"VALUES ({', '.join(['%s'] * len(order))})"
    )
    json_of = {name: field[name] for name in ("before", "after", "changed")}

    def params(pk: Any, obj: Any, before: Any, after: Any) -> list[Any]:
        own = {
            "object_id": str(pk),
            "object_repr": str(obj)[:200],
            "before": json_of["before"].get_db_prep_save(before, connection),
            "after": json_of["after"].get_db_prep_save(after, connection),
            "changed": json_of["changed"].get_db_prep_save(changed_fields(before, after), connection),
        }
        return [own[a] if a in own else shared[a] for a in order]

    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [params(*row) for row in rows[start : start + 5000]])


def _insert_returning(model: type[models.Model], instances: list[Any], chunk_rows: int) -> None:
    """Insert ``instances`` with multi-row ``INSERT … RETURNING pk`` statements and set their primary
    keys: what ``bulk_create`` does, with each field's conversion prepared once per call instead of
    compiled per value (the ORM's compiler dominated large imports). auto_now fields get one shared
    timestamp, as they would within one bulk_create."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.utils import timezone

    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: its per-attribute lookup costs per value
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in instances:
                setattr(obj, field.attname, now)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
    converters = [
        None if isinstance(f, plain) and not isinstance(f, models.AutoField) else f.get_db_prep_save
        for f in fields
    ]
    attnames = [f.attname for f in fields]
    for start in range(0, len(instances), chunk_rows):
        chunk = instances[start : start + chunk_rows]
        params: list[Any] = []
        for obj in chunk:
            for attname, convert in zip(attnames, converters, strict=True):
                value = getattr(obj, attname)
                params.append(value if convert is None else convert(value, connection))
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "
            f"RETURNING {quote(pk.column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = [row[0] for row in cursor.fetchall()]
        if len(keys) != len(chunk):
            raise RuntimeError(f"inserting {model.__name__} returned {len(keys)} keys for {len(chunk)} rows")
        for obj, key in zip(chunk, keys, strict=True):
            obj.pk = key
            obj._state.adding = False
            obj._state.db = connection.alias


def _max_query_params(connection: Any) -> int:
    """How many parameters one statement may carry: SQLite tells (999 before 3.32, 32,766 since)."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return int(connection.features.max_query_params or 30_000)


def bulk_create_audited(model: type[models.Model], instances: list[Any], batch_size: int = 2000) -> list[Any]:
    """Create rows in bulk, leaving one audit record per created row (bulk writes send no signals).
    Rows come back in the order given (SQLite and PostgreSQL return keys in insertion order for a
    multi-row VALUES insert)."""
    from django.db import connection

    if not instances:
        return instances
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError(f"{connection.vendor} cannot return keys from a bulk insert; cannot audit")
    width = len(model._meta.concrete_fields)
    max_params = _max_query_params(connection)
    _insert_returning(model, instances, max(1, min(batch_size, max_params // width)))
    write_records(model, AuditAction.CREATE, [(o.pk, o, None, snapshot(o)) for o in instances])
    return instances


def bulk_update_audited(
    model: type[models.Model], instances: list[Any], fields: list[str], before: dict[Any, dict[str, Any]]
) -> None:
    """``bulk_update`` of ``fields``; ``before`` holds each instance's snapshot (by pk) taken before the
    change. Instances whose snapshot did not change are neither written nor recorded."""

    rows = []
    for obj in instances:
        after = snapshot(obj)
        if changed_fields(before[obj.pk], after):
            rows.append((obj.pk, obj, before[obj.pk], after))
    if not rows:
        return
    model._default_manager.bulk_update([row[1] for row in rows], fields, batch_size=2000)
    write_records(model, AuditAction.UPDATE, rows)


def bulk_delete_audited(model: type[models.Model], instances: list[Any]) -> None:
    """Delete rows that have no dependants, recording each (a cascade would bypass this: use delete())."""

    if not instances:
        return
    rows = [(obj.pk, obj, snapshot(obj), None) for obj in instances]
    pks = [obj.pk for obj in instances]
    for start in range(0, len(pks), 900):  # SQLite's variable limit
        model._base_manager.filter(pk__in=pks[start : start + 900])._raw_delete(model._base_manager.db)
    write_records(model, AuditAction.DELETE, rows)
