"""Declared tables and badges of the indicator pages (STYLE §5): the values by town and by school, a
value's breakdown rows, and the computation runs.

A stored value is shown through :class:`ValueRow`, which pairs it with its definition (rounding, unit,
threshold) and the 学年 of the page (the drill-down links). The badge colours live here, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tisheng.census.choices import Level as RecognitionLevel
from tisheng.core.choices import Stage
from tisheng.web.tables import Column, Table

from . import present
from .catalogue import Definition
from .choices import RUN_STATUS_COLOURS, RunStatus
from .models import IndicatorRun, IndicatorValue

#: 达标 / 未达标 badges: (label, colour). A value without a threshold gets no badge.
MET_BADGES: dict[bool, tuple[Promise, str]] = {True: (_("Met"), "green"), False: (_("Not met"), "red")}
#: The “未核实” badge of an indicator whose 口径 or threshold rests on an unverified source.
UNVERIFIED_COLOUR = "orange"
#: The “current” badge of the run whose values are shown.
CURRENT_COLOUR = "blue"
NOTHING = "—"


def badge(label: Any, colour: str, title: Any = "") -> SafeString:
    if title:
        return format_html('<span class="badge {}" title="{}">{}</span>', colour, title, label)
    return format_html('<span class="badge {}">{}</span>', colour, label)


def met_badge(met: bool | None) -> SafeString | str:
    if met is None:
        return NOTHING
    label, colour = MET_BADGES[met]
    return badge(label, colour)


def unverified_badge() -> SafeString:
    return badge(
        _("Unverified"),
        UNVERIFIED_COLOUR,
        _("The source of this indicator's definition or threshold could not be verified."),
    )


def run_status_badge(run: IndicatorRun) -> SafeString:
    return badge(run.get_status_display(), RUN_STATUS_COLOURS.get(RunStatus(run.status), "grey"))


def stage_label(stage: str) -> Any:
    """The stage of a value: 小学, 初中 … or 全部学段 for the all-stages row ('')."""
    return Stage(stage).label if stage in Stage.values else _("All stages")


def breakdown_label(breakdown: str) -> Any:
    if breakdown in RecognitionLevel.values:
        return RecognitionLevel(breakdown).label
    return present.breakdown_label(breakdown)


def number(value: Decimal | None, places: int = 4) -> str:
    """A numerator or denominator as a reader wants it: whole numbers without decimals, others with at
    most ``places`` decimals, thousands separated."""
    if value is None:
        return NOTHING
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.{places}f}".rstrip("0").rstrip(".")


def local_time(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else NOTHING


def drill_url(url_name: str, definition: Definition, pk: int, year: int, stage: str | None = None) -> str:
    params: dict[str, Any] = {"year": year}
    if stage is not None:
        params["stage"] = stage or "all"
    return f"{reverse(url_name, args=[definition.id, pk])}?{urlencode(params)}"


@dataclass
class ValueRow:
    """A stored value as the tables show it, to ``viewer``: a small group's value is withheld
    (:func:`~tisheng.indicators.present.is_suppressed`) unless the viewer is a user of its school."""

    value: IndicatorValue
    definition: Definition
    year: int
    overrides: Mapping[str, Any]
    viewer: Any = None

    @property
    def suppressed(self) -> bool:
        return present.is_suppressed(self.definition, self.value, self.viewer)

    @property
    def shown(self) -> str:
        if self.suppressed:
            return present.suppression_text(self.definition, self.value)
        return present.display(self.definition, self.value.value)

    @property
    def stage(self) -> Any:
        return stage_label(self.value.stage)

    @property
    def breakdown(self) -> Any:
        return breakdown_label(self.value.breakdown)

    @property
    def threshold(self) -> str:
        return present.threshold_text(self.definition, self.value.stage, self.overrides) or NOTHING

    @property
    def met_shown(self) -> bool | None:
        """Whether the threshold is met, withheld (None) with a suppressed value."""
        return None if self.suppressed else self.value.met

    @property
    def met(self) -> SafeString | str:
        return met_badge(self.met_shown)

    @property
    def met_label(self) -> Any:
        met = self.met_shown
        return MET_BADGES[met][0] if met is not None else ""

    @property
    def met_colour(self) -> str:
        met = self.met_shown
        return MET_BADGES[met][1] if met is not None else ""

    @property
    def numerator(self) -> str:
        return NOTHING if self.suppressed else number(self.value.numerator)

    @property
    def denominator(self) -> str:
        return number(self.value.denominator)

    @property
    def school_link(self) -> SafeString:
        school = self.value.school
        url = drill_url("indicators:school", self.definition, school.pk, self.year, self.value.stage)  # type: ignore[union-attr]
        return format_html('<a href="{}">{}</a>', url, school.name)  # type: ignore[union-attr]

    @property
    def town_link(self) -> SafeString:
        town = self.value.town
        url = drill_url("indicators:town", self.definition, town.pk, self.year, self.value.stage)  # type: ignore[union-attr]
        return format_html('<a href="{}">{}</a>', url, town.name)  # type: ignore[union-attr]


def value_columns() -> tuple[Column, ...]:
    return (
        Column("value", _("Value"), render=lambda r: r.shown, numeric=True, order_by="value"),
        Column("threshold", _("Threshold"), render=lambda r: r.threshold),
        Column("met", _("Threshold met"), render=lambda r: r.met, order_by="met"),
        Column("numerator", _("Numerator"), render=lambda r: r.numerator, numeric=True, order_by="numerator"),
        Column("denominator", _("Denominator"), render=lambda r: r.denominator, numeric=True),
        Column(
            "rows", _("Rows counted"), render=lambda r: f"{r.value.rows:,}", numeric=True, order_by="rows"
        ),
    )


#: The sort orders that would tell where a withheld value lies among the shown ones.
WITHHELD_ORDERS = frozenset({"value", "met", "numerator"})


class SchoolValueTable(Table):
    """This year's value of every school the user may see (sortable)."""

    @classmethod
    def prepare_for(cls, queryset: QuerySet[Any], order: str | None, viewer: Any) -> QuerySet[Any]:
        """:meth:`prepare`, with the values withheld from ``viewer`` (small groups) listed last when the
        order is by value, numerator or 达标, so their place in the order does not tell their value."""
        prepared = cls.prepare(queryset, order)
        if not order or order.lstrip("-") not in WITHHELD_ORDERS:
            return prepared
        withheld = Case(
            When(present.suppressed_q(viewer), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        return prepared.annotate(withheld=withheld).order_by("withheld", *prepared.query.order_by)

    columns = (
        Column("school", _("School"), render=lambda r: r.school_link, order_by="school__name"),
        Column("code", _("School code"), render=lambda r: r.value.school.code, order_by="school__code"),
        Column("town", _("Town"), render=lambda r: r.value.school.town.name, order_by="school__town__code"),
        Column("stage", _("Stage"), render=lambda r: r.stage),
        *value_columns(),
    )
    default_order = "school__code"
    select_related = ("school", "school__town")


def exported_value(row: ValueRow) -> Any:
    """The value as a number Excel can sort and sum (rounded as published), or the suppression text."""
    if row.suppressed:
        return row.shown
    return present.rounded(row.definition, row.value.value)


def exported_count(value: Decimal | None, withheld: bool = False) -> Any:
    if withheld or value is None:
        return NOTHING
    return value.normalize() if value != value.to_integral_value() else int(value)


class SchoolValueExportTable(Table):
    """:class:`SchoolValueTable` as the workbook of ``?format=xlsx``: the same rows and order, numbers as
    numbers, 达标 as a word, no links."""

    columns = (
        Column("school", _("School"), render=lambda r: r.value.school.name),
        Column("code", _("School code"), render=lambda r: r.value.school.code),
        Column("town", _("Town"), render=lambda r: r.value.school.town.name),
        Column("stage", _("Stage"), render=lambda r: str(r.stage)),
        Column("value", _("Value"), render=exported_value, numeric=True),
        Column("unit", _("Unit"), render=lambda r: r.definition.unit_zh),
        Column("threshold", _("Threshold"), render=lambda r: r.threshold),
        Column("met", _("Threshold met"), render=lambda r: str(r.met_label) if r.met_label else NOTHING),
        Column("numerator", _("Numerator"), render=lambda r: exported_count(r.value.numerator, r.suppressed)),
        Column("denominator", _("Denominator"), render=lambda r: exported_count(r.value.denominator)),
        Column("rows", _("Rows counted"), render=lambda r: r.value.rows, numeric=True),
    )


class TownValueTable(Table):
    columns = (Column("town", _("Town"), render=lambda r: r.town_link), *value_columns())
    default_order = "town__code"
    select_related = ("town",)


class OrganisationValueTable(Table):
    """One organisation's values: one row per stage."""

    columns = (
        Column("stage", _("Stage"), render=lambda r: r.stage),
        *value_columns(),
        Column("detail", _("Detail"), render=lambda r: r.value.detail or NOTHING),
    )


class OrganisationBreakdownTable(Table):
    """One organisation's values of an indicator broken down (e.g. by level): a row per stage and part."""

    columns = (
        Column("stage", _("Stage"), render=lambda r: r.stage),
        Column(
            "breakdown", _("Breakdown"), render=lambda r: r.breakdown if r.value.breakdown else _("Total")
        ),
        *value_columns(),
        Column("detail", _("Detail"), render=lambda r: r.value.detail or NOTHING),
    )


def organisation_table(definition: Definition, rows: list[ValueRow]) -> Table:
    return (OrganisationBreakdownTable if definition.by else OrganisationValueTable)(rows)


class BreakdownTable(Table):
    columns = (Column("breakdown", _("Breakdown"), render=lambda r: r.breakdown), *value_columns())


class RunTable(Table):
    """The computation runs (计算记录)."""

    columns = (
        Column("number", _("Run"), render=lambda r: f"#{r.pk}", order_by="id"),
        Column("academic_year", _("School year"), order_by="academic_year__start_year"),
        Column("status", _("Status"), render=lambda r: run_status_badge(r), order_by="status"),
        Column(
            "current",
            _("Current"),
            render=lambda r: badge(_("Current"), CURRENT_COLOUR) if r.is_current else "",
        ),
        Column("trigger", _("Started by"), order_by="trigger"),
        Column("requested_by", _("Requested by"), render=lambda r: r.requested_by or NOTHING),
        Column(
            "started_at", _("Started at"), render=lambda r: local_time(r.started_at), order_by="started_at"
        ),
        Column(
            "seconds",
            _("Seconds"),
            render=lambda r: f"{r.seconds:.1f}" if r.seconds is not None else NOTHING,
            numeric=True,
            order_by="seconds",
        ),
        Column("value_count", _("Values"), numeric=True, order_by="value_count"),
        Column("backend", _("Engine backend")),
        Column("snapshot_id", _("Snapshot"), render=lambda r: r.snapshot_id or NOTHING),
        Column("error", _("Error"), render=lambda r: r.error[:200] if r.error else ""),
    )
    default_order = "-started_at"
    select_related = ("academic_year", "requested_by")


def rows_of(
    values: Any, definition: Definition, year: int, overrides: Mapping[str, Any], viewer: Any = None
) -> list[ValueRow]:
    """The values as rows shown to ``viewer`` (None: as to the public — every small group withheld)."""
    return [ValueRow(v, definition, year, overrides, viewer) for v in values]
