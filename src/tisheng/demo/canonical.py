"""A canonical dump of the organisation data, to check that a seed always gives the same rows.

Every row of every tisheng model, in primary-key order, with the key replaced by the row's position
in that order and every foreign key (and every audit record's object id and before/after values) by the
position of the row it points to. Timestamps, password hashes and other values that depend on the
clock or on secrets are left out. Two databases with the same demo data give the same dump even when
their ids differ.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

#: Values that differ between two runs of the same seed by design.
VOLATILE_FIELDS = frozenset(
    {
        "created_at",
        "updated_at",
        "date_joined",
        "last_login",
        "password",
        "time",
        "attempted_at",
        "key_hash",
        "prefix",
        "last_used_at",
        "expires_at",
    }
)

Ordinals = dict[type[models.Model], dict[Any, int]]


def dumped_models() -> list[type[models.Model]]:
    found: list[type[models.Model]] = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("tisheng."):
            found.extend(app_config.get_models(include_auto_created=True))
    return sorted(found, key=lambda m: m._meta.label)


def _ordinals(model_list: list[type[models.Model]]) -> Ordinals:
    return {
        model: {pk: i for i, pk in enumerate(model._base_manager.order_by("pk").values_list("pk", flat=True))}
        for model in model_list
    }


def _reference(target: type[models.Model], value: Any, ordinals: Ordinals) -> Any:
    """A stable stand-in for the key ``value`` of a ``target`` row."""
    if value is None:
        return None
    if target is ContentType:
        content_type = ContentType.objects.get_for_id(value)
        return f"{content_type.app_label}.{content_type.model}"
    concrete = target._meta.concrete_model or target
    if concrete in ordinals:
        key = concrete._meta.pk.to_python(value)  # type: ignore[union-attr]
        return ordinals[concrete].get(key, f"missing:{value}")
    return value  # a model outside the dump (auth groups …): its key is stable data


def _normalise(model: type[models.Model], values: dict[str, Any], ordinals: Ordinals) -> dict[str, Any]:
    """``values`` (a row, or an audit record's before/after) with keys and references replaced."""
    result: dict[str, Any] = {}
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    for key, value in values.items():
        field = by_attname.get(key)
        if key in VOLATILE_FIELDS or (field is not None and field.primary_key):
            continue
        if field is not None and field.is_relation and field.related_model is not None:
            result[key] = _reference(field.related_model, value, ordinals)  # type: ignore[arg-type]
        else:
            result[key] = value
    return result


#: Models with a row per student per year and dozens of fields (health results): kept in the dump as
#: their row count and a SHA-256 of their normalised rows (and likewise their audit records), not row by
#: row — a quarter of a million wide rows each would take gigabytes to hold as dicts.
DIGESTED_MODELS = frozenset({"health.FitnessTest", "health.VisionScreening"})


class _Digest:
    def __init__(self) -> None:
        self.rows = 0
        self.sha = hashlib.sha256()

    def add(self, row: dict[str, Any]) -> None:
        self.rows += 1
        self.sha.update(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode())
        self.sha.update(b"\n")

    def entry(self) -> list[dict[str, Any]]:
        return [{"rows": self.rows, "sha256": self.sha.hexdigest()}]


def canonical_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every tisheng model, normalised (see the module docstring); the rows of
    :data:`DIGESTED_MODELS` and their audit records as a count and a digest."""
    from tisheng.core.models import ChangeRecord

    model_list = dumped_models()
    ordinals = _ordinals(model_list)
    dump: dict[str, list[dict[str, Any]]] = {}
    digests: dict[str, _Digest] = {}
    for model in model_list:
        label = model._meta.label
        rows = []
        for values in model._base_manager.order_by("pk").values().iterator(chunk_size=5000):
            row = _normalise(model, values, ordinals)
            digest = digests.setdefault(label, _Digest()) if label in DIGESTED_MODELS else None
            if model is ChangeRecord:
                target = ContentType.objects.get_for_id(values["content_type_id"]).model_class()
                if target is not None:
                    row["object_id"] = _reference(target, values["object_id"], ordinals)
                    for side in ("before", "after"):
                        if values[side] is not None:
                            row[side] = _normalise(target, values[side], ordinals)
                    if target._meta.label in DIGESTED_MODELS:
                        digest = digests.setdefault(f"{label}[{target._meta.label}]", _Digest())
            if digest is None:
                rows.append(row)
            else:
                digest.add(row)
        dump[label] = rows
    dump.update({label: digest.entry() for label, digest in digests.items()})
    return dump


def canonical_dump() -> str:
    """The canonical rows as one JSON text (sorted keys, no ASCII escaping)."""
    return json.dumps(canonical_rows(), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, indent=0)


def fingerprint() -> str:
    """SHA-256 of :func:`canonical_dump`: equal for equal demo data."""
    return hashlib.sha256(canonical_dump().encode()).hexdigest()
