"""The API's list filters are the list pages' filter sets (STYLE §4): one class per model.

:func:`query_schema` turns a django-filter ``FilterSet`` into a ninja query schema, so every filter
appears as a typed, documented parameter in the OpenAPI document; :func:`apply_filters` runs the
same ``FilterSet`` on the (already restricted) queryset. A filter added to the filter set appears in
the API with no change here.

A range filter becomes the two parameters its widget reads: ``year_min``/``year_max`` for a
``RangeFilter``, ``date_after``/``date_before`` for a ``DateFromToRangeFilter``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeVar

import django_filters as df
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from ninja import Schema
from pydantic import BeforeValidator, Field, create_model

from tisheng.api.errors import invalid

M = TypeVar("M", bound=Model)


def _label(filterset_class: type[df.FilterSet], name: str, flt: df.Filter) -> str:
    if flt.label:
        return str(flt.label)
    try:
        return str(filterset_class._meta.model._meta.get_field(flt.field_name).verbose_name)
    except FieldDoesNotExist:
        return name


def _number(value: Any) -> Any:
    """A query string's digits as the number a numeric literal expects."""
    return int(value) if isinstance(value, str) and value.strip().lstrip("-").isdigit() else value


def _annotation(flt: df.Filter) -> Any:
    """The Python type a filter's query parameter takes."""
    choices = flt.extra.get("choices")
    values = (
        tuple(str(value) if isinstance(value, str) else value for value, _label in choices)
        if choices and not callable(choices)
        else ()
    )
    if isinstance(flt, df.ModelMultipleChoiceFilter):
        return list[int]
    if isinstance(flt, df.ModelChoiceFilter):
        return int
    if isinstance(flt, df.MultipleChoiceFilter):
        return list[Literal[values]] if values else list[str]  # type: ignore[valid-type]
    if isinstance(flt, df.ChoiceFilter):
        if values and all(isinstance(value, int) for value in values):  # coded numbers (年级): 11
            return Annotated[Literal[values], BeforeValidator(_number)]  # type: ignore[valid-type]
        return Literal[values] if values else str  # type: ignore[valid-type]
    if isinstance(flt, df.BooleanFilter):
        return bool
    if issubclass(flt.field_class, forms.DecimalField | forms.FloatField):  # both are IntegerFields
        return int | float
    if issubclass(flt.field_class, forms.IntegerField):
        return int
    if issubclass(flt.field_class, forms.DateField):
        return dt.date
    return str


#: Range filters: the parameter suffixes their widgets read, the type and the words for each end.
RANGES: tuple[tuple[type[df.Filter], tuple[str, str], Any, tuple[str, str]], ...] = (
    (df.DateFromToRangeFilter, ("after", "before"), dt.date, ("from", "up to and including")),
    (df.RangeFilter, ("min", "max"), int | float, ("at least", "at most")),
)


def _parameters(filterset_class: type[df.FilterSet], name: str, flt: df.Filter) -> dict[str, Any]:
    """The query parameter(s) of one filter: name → (type, pydantic field)."""
    label = _label(filterset_class, name, flt)
    for kind, suffixes, annotation, words in RANGES:
        if isinstance(flt, kind):
            return {
                f"{name}_{suffix}": (annotation | None, Field(None, description=f"{label}: {word}"))
                for suffix, word in zip(suffixes, words, strict=True)
            }
    return {
        name: (_annotation(flt) | None, Field(None, description=_description(filterset_class, name, flt)))
    }


def _description(filterset_class: type[df.FilterSet], name: str, flt: df.Filter) -> str:
    label = _label(filterset_class, name, flt)
    if isinstance(flt, df.ModelMultipleChoiceFilter):
        return f"{label} (id; repeat the parameter for several values)"
    if isinstance(flt, df.ModelChoiceFilter):
        return f"{label} (id)"
    if isinstance(flt, df.MultipleChoiceFilter):
        return f"{label} (repeat the parameter for several values)"
    if name == "q":
        return f"{label}: text contained in any of {', '.join(getattr(filterset_class, 'search_fields', ()))}"
    return label


def query_schema(filterset_class: type[df.FilterSet]) -> type[Schema]:
    """A ninja schema with one optional query parameter per filter of ``filterset_class``."""
    fields: dict[str, Any] = {}
    for name, flt in filterset_class.base_filters.items():
        fields.update(_parameters(filterset_class, name, flt))
    name = filterset_class.__name__.removesuffix("Set") + "Params"
    return create_model(name, __base__=Schema, __module__=__name__, **fields)


def _query_data(params: Schema) -> QueryDict:
    """The validated parameters as the form data the filter set expects."""
    data = QueryDict(mutable=True)
    for name, value in params.model_dump(exclude_none=True).items():
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        else:
            data[name] = str(value)
    return data


def apply_filters(
    filterset_class: type[df.FilterSet], params: Schema, queryset: QuerySet[M], request: HttpRequest
) -> QuerySet[M]:
    """``queryset`` narrowed by ``filterset_class``; a value the filter set rejects is a 422."""
    filterset = filterset_class(data=_query_data(params), queryset=queryset, request=request)
    if not filterset.is_valid():
        raise invalid(
            [
                {"loc": ["query", name], "msg": str(message), "type": "invalid"}
                for name, messages in filterset.errors.items()
                for message in messages
            ]
        )
    return filterset.qs
