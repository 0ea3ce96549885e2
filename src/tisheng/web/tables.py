"""Declared list tables (STYLE §5): a table names its columns; the generic list view renders it.

    class SchoolTable(Table):
        columns = (Column("name", _("Name"), link=True), Column("town", _("Town")), ...)
        default_order = "code"

A column reads ``accessor`` (dotted path; ``get_FOO_display`` is used for choice fields) from each row.
Sorting is limited to declared ``order_by`` paths, so a query string can never reach arbitrary fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Column:
    name: str
    label: str | Promise
    accessor: str = ""
    link: bool = False
    order_by: str | None = None
    numeric: bool = False
    render: Callable[[Any], Any] | None = field(default=None, compare=False)

    def value(self, row: Any) -> Any:
        if self.render is not None:
            return self.render(row)
        obj = row
        for part in (self.accessor or self.name).split("."):
            if obj is None:
                return ""
            display = getattr(obj, f"get_{part}_display", None)
            obj = display() if callable(display) else getattr(obj, part, None)
            if callable(obj) and not isinstance(obj, Model):
                obj = obj()
        return "" if obj is None else obj


@dataclass
class Cell:
    column: Column
    value: Any
    url: str | None


class Table:
    columns: Sequence[Column] = ()
    default_order: str = "pk"
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[str] = ()

    def __init__(self, rows: Iterable[Any], order: str | None = None) -> None:
        self.order = order if order in self.orderable() else None
        self.rows = rows

    @classmethod
    def orderable(cls) -> set[str]:
        names = {c.name for c in cls.columns if c.order_by}
        return names | {f"-{n}" for n in names}

    @classmethod
    def prepare(cls, queryset: QuerySet[Any], order: str | None) -> QuerySet[Any]:
        queryset = queryset.select_related(*cls.select_related).prefetch_related(*cls.prefetch_related)
        by_name = {c.name: c for c in cls.columns if c.order_by}
        if order and order.lstrip("-") in by_name:
            path = by_name[order.lstrip("-")].order_by
            return queryset.order_by(f"-{path}" if order.startswith("-") else path, "pk")
        return queryset.order_by(cls.default_order, "pk")

    def header(self) -> list[dict[str, Any]]:
        heads = []
        for c in self.columns:
            sort = None
            if c.order_by:
                sort = f"-{c.name}" if self.order == c.name else c.name
            heads.append({"label": c.label, "sort": sort, "numeric": c.numeric, "active": self.order})
        return heads

    def body(self) -> list[list[Cell]]:
        out = []
        for row in self.rows:
            url = row.get_absolute_url() if hasattr(row, "get_absolute_url") else None
            out.append([Cell(c, c.value(row), url if c.link else None) for c in self.columns])
        return out
