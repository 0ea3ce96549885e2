"""The declared tables of the census registers (认定与荣誉, 活动记录). The same columns are exported to
Excel with ``?format=xlsx`` (the export of :mod:`tisheng.intake.tables`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tisheng.census.filters import label
from tisheng.census.models import Activity, Recognition
from tisheng.web.tables import Column, Table


def link(url_name: str, text: Callable[[Any], Any]) -> Callable[[Any], SafeString]:
    """A cell linking to the row's page (the export keeps only the text)."""
    return lambda row: format_html('<a href="{}">{}</a>', reverse(url_name, args=[row.pk]), text(row) or "—")


def evidence_cell(row: Any) -> int:
    return getattr(row, "evidence_count", 0)


class RecognitionTable(Table):
    columns = (
        Column("year", label(Recognition, "year"), order_by="year"),
        Column(
            "school",
            label(Recognition, "school"),
            render=link("census:recognition", lambda r: r.school.name),
            order_by="school__code",
        ),
        Column("school_code", "学校标识码", accessor="school.code", order_by="school__code"),
        Column("kind", label(Recognition, "kind"), order_by="kind"),
        Column("level", label(Recognition, "level"), order_by="level"),
        Column("title", label(Recognition, "title"), order_by="title"),
        Column("issuer", label(Recognition, "issuer"), order_by="issuer"),
        Column("evidence_count", "证明材料", render=evidence_cell, numeric=True, order_by="evidence_count"),
    )
    default_order = "-year"
    select_related = ("school",)


class ActivityTable(Table):
    columns = (
        Column("date", label(Activity, "date"), order_by="date"),
        Column("kind", label(Activity, "kind"), order_by="kind"),
        Column(
            "title",
            label(Activity, "title"),
            render=link("census:activity", lambda a: a.title),
            order_by="title",
        ),
        Column("school", label(Activity, "school"), accessor="school.name", order_by="school__code"),
        Column("person", label(Activity, "person"), order_by="person"),
        Column("participants", label(Activity, "participants"), numeric=True, order_by="participants"),
        Column("evidence_count", "证明材料", render=evidence_cell, numeric=True, order_by="evidence_count"),
    )
    default_order = "-date"
    select_related = ("school",)
