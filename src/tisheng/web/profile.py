"""The school profile (学校画像, issue 7), mounted at /schools/<pk>/profile/: one page that tells a school's
story over the computed 学年 — every indicator of the school against its standard, the 7 优质均衡
resource indicators as a radar against the thresholds, the class-size distribution, the fitness and
vision trends, its warnings and rectification orders, and its data submissions.

Where each part comes from, and why:

- indicators are read from the stored snapshots (:class:`~tisheng.indicators.models.IndicatorValue`,
  current runs), never recomputed from facts here, and shown through the indicator pages' own helpers
  (rounding, thresholds, small-group suppression), so a figure reads the same on both pages;
- the class sizes are facts (the class register), read through ``SchoolClass.objects.restrict``;
- warnings, orders, submissions and batches are each read through their own ``restrict``: a role that may
  not see them (a department user, for the school's batches) gets no section, not an empty one.

Permissions (STYLE §6): the school itself through ``School.objects.restrict(user, VIEW)`` — out of
scope (another school, for a school's users) is a 404; the public is sent to sign in. Every source is one
query, whatever the number of indicators or years (STYLE §12).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from tisheng.census.models import SchoolClass
from tisheng.core.choices import SCHOOL_ROLES, Grade, Stage
from tisheng.core.models import AcademicYear, School, SchoolSection
from tisheng.core.permissions import VIEW, grant_for
from tisheng.indicators import present
from tisheng.indicators.catalogue import Definition, catalogue
from tisheng.indicators.choices import Level
from tisheng.indicators.engine.measures import (
    KINDERGARTEN_CLASS_SIZE,
    LARGE_CLASS,
    STANDARD_CLASS_SIZE,
    SUPER_LARGE_CLASS,
)
from tisheng.indicators.models import IndicatorValue
from tisheng.indicators.tables import NOTHING, ValueRow, stage_label, unverified_badge
from tisheng.indicators.views import (
    STAGE_ORDER,
    ThresholdChart,
    chosen_year,
    computed_years,
    current_run,
    district_values,
    name_of,
    nice_ceiling,
    overrides_of,
    sparkline,
    to_float,
    trend_chart,
    unit_of,
    visible_values,
)
from tisheng.intake.datasets import registry
from tisheng.intake.models import ImportBatch, Submission
from tisheng.intake.tables import batch_badge, dataset_title, submission_badge
from tisheng.supervision import choices as sc
from tisheng.supervision.models import RectificationOrder, Warning
from tisheng.web.charts import PALETTE, Chart, Series
from tisheng.web.pagecache import render_dashboard

#: The 7 优质均衡 resource indicators (资源配置 7 项), in the order of the national standard, and the
#: per-school verdict built on them (7 项中至少 6 项达标且余项不低于标准的 85%).
YZJH_RESOURCES = tuple(f"yzjh.resource.l{i}" for i in range(1, 8))
YZJH_VERDICT = "yzjh.school_verdict"
#: The share of a standard the one item a section may miss must still reach.
YZJH_TOLERANCE = 0.85
#: The fitness and vision indicators whose trends the profile draws (学生健康 in the catalogue).
HEALTH_TRENDS = (
    "health.fitness_excellent_good_rate",
    "health.fitness_pass_rate",
    "health.myopia_rate",
)
#: Class sizes are counted in bins of 5 starting at 1 (…, 41–45, 46–50, 51–55, 56–60, 61–65, 66–70 …),
#: so that every standard (25/30/35, 45, 50) and the 56/66 大班额 limits fall on a bin edge.
BIN = 5
#: How many rows of a long history the page lists (the full list is one link away).
LIST_LIMIT = 20
COMPULSORY_STAGES = ("primary", "junior")


def bin_of(size: int) -> int:
    return (max(size, 1) - 1) // BIN


def bin_label(index: int) -> str:
    return f"{index * BIN + 1}–{index * BIN + BIN}"


# --- charts -----------------------------------------------------------------------------------------


@dataclass
class RadarChart(Chart):
    """A radar of one value per axis: ``axes`` are (name, max) and each :class:`Series` holds one value
    per axis in the axes' own units (the tooltip then shows the real figures). ``areas`` names the series
    drawn filled; the others are outlines (the thresholds)."""

    axes: Sequence[tuple[str, float]] = ()
    areas: Sequence[str] = ()
    dashed: Sequence[str] = ()

    def options(self) -> dict[str, Any]:
        base: dict[str, Any] = {
            "color": PALETTE,
            "title": {"text": str(self.title), "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "item", "confine": True},
            "toolbox": {"feature": {"saveAsImage": {"title": "保存图片"}}},
            "legend": {"bottom": 0, "type": "scroll"},
            "radar": {
                "indicator": [{"name": name, "max": top} for name, top in self.axes],
                "radius": "60%",
                "center": ["50%", "52%"],
                "axisName": {"color": "#333", "fontSize": 11},
                "splitNumber": 4,
            },
            "series": [
                {
                    "type": "radar",
                    "symbolSize": 4,
                    "data": [
                        {
                            "name": str(s.name),
                            "value": ["-" if v is None else v for v in s.values],
                            **({"areaStyle": {"opacity": 0.25}} if str(s.name) in self.areas else {}),
                            **(
                                {"lineStyle": {"type": "dashed"}, "symbol": "none"}
                                if str(s.name) in self.dashed
                                else {}
                            ),
                        }
                        for s in self.series
                    ],
                }
            ],
        }
        return base | self.extra


@dataclass
class HistogramChart(Chart):
    """Bars of class counts per stage over bins of :data:`BIN` sizes, on a value axis of class sizes,
    with dashed lines at limits (``edges``: the last size within the limit, its label and colour; the
    line is drawn on the bin edge just above it, e.g. 45.5 for “≤ 45” and 55.5 for “≥ 56”). A value
    axis, not a category one: ECharts puts a mark line on a category's middle, never between two; the
    stages' bars stand side by side, as ECharts does not stack bars on a value axis."""

    bins: Sequence[int] = ()
    edges: Sequence[tuple[int, str, str]] = ()
    x_name: str | Promise = ""

    def options(self) -> dict[str, Any]:
        low, high = self.bins[0] * BIN, (self.bins[-1] + 1) * BIN
        series: list[dict[str, Any]] = []
        for s in self.series:
            series.append(
                {
                    "name": str(s.name),
                    "type": "bar",
                    "barGap": "0%",
                    "barCategoryGap": "8%",
                    "data": [
                        [i * BIN + (BIN + 1) / 2, n, bin_label(i)]
                        for i, n in zip(self.bins, s.values, strict=True)
                    ],
                    "encode": {"x": 0, "y": 1, "itemName": 2, "tooltip": [1]},
                }
            )
        names = [entry["name"] for entry in series]
        if series and self.edges:
            # on a series of its own: a bar series shifts its mark lines by its bars' offset
            series.append({"type": "line", "name": "", "data": [], "silent": True})
            series[-1]["markLine"] = {
                "silent": True,
                "symbol": "none",
                "data": [
                    {
                        "xAxis": edge + 0.5,
                        "label": {"formatter": text, "position": "end", "color": colour},
                        "lineStyle": {"type": "dashed", "color": colour},
                    }
                    for edge, text, colour in self.edges
                ],
            }
        return {
            "color": PALETTE,
            "title": {"text": str(self.title), "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "item"},
            "toolbox": {"feature": {"saveAsImage": {"title": "保存图片"}}},
            "legend": {"bottom": 0, "type": "scroll", "data": names},
            "grid": {"left": 60, "right": 40, "bottom": 50, "top": 70, "containLabel": True},
            "xAxis": {"type": "value", "min": low, "max": high, "interval": BIN, "name": str(self.x_name)},
            "yAxis": {"type": "value", "name": str(self.unit), "minInterval": 1},
            "series": series,
        } | self.extra


# --- the parts of the page --------------------------------------------------------------------------


ValueKey = tuple[str, str, int]


def by_key(values: Iterable[IndicatorValue]) -> dict[ValueKey, IndicatorValue]:
    """(indicator, stage, start year) → the all-breakdowns value."""
    return {(v.indicator, v.stage, v.academic_year.start_year): v for v in values if not v.breakdown}


def school_stages(
    definition: Definition, own: Mapping[ValueKey, IndicatorValue], sections: Collection[str]
) -> list[str]:
    """The stage rows of ``definition`` to show for the school: each stage of its ``sections`` it has
    values of (a kindergarten's stored zero for 小学 says nothing), and the all-stages row when it adds
    something: for an indicator without stages, or beside two stage rows or more."""
    present_stages = {stage for (ident, stage, _year) in own if ident == definition.id}
    if not definition.stages:
        return [""] if "" in present_stages else []
    staged = sorted((s for s in present_stages if s in sections), key=lambda s: STAGE_ORDER.get(s, 9))
    if "" in present_stages and len(staged) > 1:
        staged.append("")
    return staged


@dataclass
class IndicatorRow:
    """One indicator (and stage) of the school in the chosen year, against its standard."""

    name: str
    url: str
    stage: str
    shown: str
    threshold: str
    met: Any
    district: str
    trend: Any
    unverified: Any
    suppressed: bool


@dataclass
class IndicatorGroup:
    name: str
    rows: list[IndicatorRow] = field(default_factory=list)


def shown_value(definition: Definition, value: IndicatorValue | None, viewer: Any) -> str:
    """The value as ``viewer`` may see it: the suppression text for a withheld small group."""
    if value is None:
        return NOTHING
    if present.is_suppressed(definition, value, viewer):
        return present.suppression_text(definition, value)
    return present.display(definition, value.value)


def shown_number(definition: Definition, value: IndicatorValue | None, viewer: Any) -> float | None:
    """The published (rounded) value for a chart, or None: missing, or withheld from ``viewer``."""
    if value is None or present.is_suppressed(definition, value, viewer):
        return None
    return to_float(present.rounded(definition, value.value))


def indicator_groups(
    own: Mapping[ValueKey, IndicatorValue],
    district: Mapping[ValueKey, IndicatorValue],
    school: School,
    years: Sequence[AcademicYear],
    year: AcademicYear | None,
    overrides: Mapping[str, Any],
    viewer: Any,
    sections: Collection[str],
) -> list[IndicatorGroup]:
    """Every indicator the school has a value of, by catalogue group, in catalogue order."""
    start = year.start_year if year else 0
    groups: dict[str, IndicatorGroup] = {}
    for definition in catalogue().values():
        if "school" not in definition.levels:
            continue
        for stage in school_stages(definition, own, sections):
            value = own.get((definition.id, stage, start))
            row = ValueRow(value, definition, start, overrides, viewer) if value is not None else None
            points: list[tuple[int, float | None]] = []
            texts = []
            for y in years:
                past = own.get((definition.id, stage, y.start_year))
                points.append((y.start_year, shown_number(definition, past, viewer)))
                texts.append(shown_value(definition, past, viewer))
            params = {"year": start, "stage": stage or "all"}
            groups.setdefault(definition.group, IndicatorGroup(definition.group)).rows.append(
                IndicatorRow(
                    name=name_of(definition),
                    url=f"{reverse('indicators:school', args=[definition.id, school.pk])}?{urlencode(params)}",
                    stage=str(stage_label(stage)) if definition.stages else "",
                    shown=row.shown if row else NOTHING,
                    threshold=present.threshold_text(definition, stage, overrides) or NOTHING,
                    met=row.met if row else NOTHING,
                    district=shown_value(definition, district.get((definition.id, stage, start)), viewer),
                    trend=sparkline(points, texts),
                    unverified=unverified_badge() if not definition.is_verified else "",
                    suppressed=bool(row and row.suppressed),
                )
            )
    return list(groups.values())


CLOSING_MARKS = "、，。；：）」》"


def wrapped(text: str, width: int = 9) -> str:
    """A long axis name over several lines (the radar's labels sit outside a small circle)."""
    if " " in text:  # English: break between words
        lines, line = [], ""
        for word in text.split():
            if line and len(line) + len(word) > width * 2:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return "\n".join([*lines, line])
    count = -(-len(text) // width)  # as few lines as fit, of even length
    size = -(-len(text) // count) if count else width
    lines = [text[i : i + size] for i in range(0, len(text), size)]
    for i in range(1, len(lines)):  # a line never starts with a closing mark: it ends the one before
        while lines[i] and lines[i][0] in CLOSING_MARKS:
            lines[i - 1], lines[i] = lines[i - 1] + lines[i][0], lines[i][1:]
    return "\n".join(line for line in lines if line)


@dataclass
class ResourceRow:
    name: str
    unit: str
    shown: str
    threshold: str
    reached: str
    met: Any


@dataclass
class YzjhPanel:
    """One stage section's 7 resource indicators against the standard: the radar, the table and the
    section's verdict."""

    stage: str
    stage_label: str
    chart: RadarChart
    rows: list[ResourceRow]
    verdict: Any
    verdict_label: Any
    met_count: int
    known_count: int


def yzjh_panels(
    own: Mapping[ValueKey, IndicatorValue],
    year: AcademicYear | None,
    overrides: Mapping[str, Any],
    viewer: Any,
) -> list[YzjhPanel]:
    """A radar per compulsory stage section of the school with values in ``year``: the school's 7
    values, the standard and 85% of it, each axis in its own unit (its end at twice the standard, or
    past the school's value)."""
    if year is None:
        return []
    definitions = catalogue()
    start = year.start_year
    panels = []
    for stage in COMPULSORY_STAGES:
        values = [own.get((ident, stage, start)) for ident in YZJH_RESOURCES]
        if not any(v is not None for v in values):
            continue
        axes, school_points, standard, tolerance, rows = [], [], [], [], []
        for ident, value in zip(YZJH_RESOURCES, values, strict=True):
            definition = definitions[ident]
            comparison = definition.threshold(stage, overrides)
            bound = float(comparison.bound) if comparison is not None else None
            point = shown_number(definition, value, viewer)
            top = max(2 * (bound or 0), (point or 0) * 1.1) or 1
            axes.append((wrapped(name_of(definition)), nice_ceiling(top)))
            school_points.append(point)
            standard.append(bound)
            tolerance.append(round(bound * YZJH_TOLERANCE, 4) if bound is not None else None)
            reached = NOTHING
            if point is not None and bound:
                reached = f"{point / bound * 100:.0f}%"
            row = ValueRow(value, definition, start, overrides, viewer) if value is not None else None
            rows.append(
                ResourceRow(
                    name=name_of(definition),
                    unit=unit_of(definition),
                    shown=row.shown if row else NOTHING,
                    threshold=present.threshold_text(definition, stage, overrides) or NOTHING,
                    reached=reached,
                    met=row.met if row else NOTHING,
                )
            )
        verdict = own.get((YZJH_VERDICT, stage, start))
        verdict_row = (
            ValueRow(verdict, definitions[YZJH_VERDICT], start, overrides, viewer) if verdict else None
        )
        label = str(stage_label(stage))
        chart = RadarChart(
            _("Resource standard · %(stage)s") % {"stage": label},
            series=[
                Series(pgettext("school profile", "This school"), school_points),
                Series(pgettext("school profile", "Standard"), standard),
                Series(_("85% of the standard"), tolerance),
            ],
            axes=axes,
            areas=[pgettext("school profile", "This school")],
            dashed=[pgettext("school profile", "Standard"), _("85% of the standard")],
            height=420,
        )
        panels.append(
            YzjhPanel(
                stage=stage,
                stage_label=label,
                chart=chart,
                rows=rows,
                verdict=verdict_row.met if verdict_row else NOTHING,
                verdict_label=(verdict_row.met_label or NOTHING) if verdict_row else NOTHING,
                met_count=sum(
                    1 for p, v in zip(school_points, values, strict=True) if p is not None and v and v.met
                ),
                known_count=sum(1 for p in school_points if p is not None),
            )
        )
    return panels


@dataclass
class SizeRow:
    """One stage's classes in the year: how many, their students, and how many break which limit."""

    stage: str
    classes: int
    students: int
    average: str
    largest: int
    over_standard: int | None
    large: int | None
    super_large: int | None


@dataclass
class ClassSizes:
    chart: HistogramChart | None
    rows: list[SizeRow]
    total: int
    students: dict[str, int]


def class_sizes(classes: Sequence[tuple[str, int, int]]) -> ClassSizes:
    """The histogram (bins of 5, a bar per stage) and the table of ``classes`` (stage, grade, size), with
    the standard class sizes of the stages present and the 56/66 大班额 limits as lines."""
    by_stage: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for stage, grade, size in classes:
        by_stage[stage].append((grade, size))
    stages = [s for s in Stage.values if s in by_stage]
    rows = []
    for stage in stages:
        items = by_stage[stage]
        sizes = [size for _grade, size in items]
        if stage == Stage.PRESCHOOL:
            over = sum(1 for grade, size in items if size > KINDERGARTEN_CLASS_SIZE.get(grade, 10**6))
        elif stage in STANDARD_CLASS_SIZE:
            over = sum(1 for size in sizes if size > STANDARD_CLASS_SIZE[stage])
        else:
            over = None
        big = stage != Stage.PRESCHOOL
        rows.append(
            SizeRow(
                stage=str(Stage(stage).label),
                classes=len(sizes),
                students=sum(sizes),
                average=f"{sum(sizes) / len(sizes):.1f}",
                largest=max(sizes),
                over_standard=over,
                large=sum(1 for s in sizes if s >= LARGE_CLASS) if big else None,
                super_large=sum(1 for s in sizes if s >= SUPER_LARGE_CLASS) if big else None,
            )
        )
    students = {str(Stage(s).label): sum(size for _g, size in by_stage[s]) for s in stages}
    if not classes:
        return ClassSizes(None, [], 0, {})
    # the edges: the standards of the stages present, and 大班额/超大班额 where those stages count them
    edges: dict[int, tuple[str, str]] = {}
    if Stage.PRESCHOOL in by_stage:
        for grade, limit in KINDERGARTEN_CLASS_SIZE.items():
            edges[limit] = (
                f"{grade_name(grade)} ≤ {limit}",
                "#2e7d32",
            )
    for stage, limit in STANDARD_CLASS_SIZE.items():
        if stage in by_stage:
            text = _("%(stage)s standard ≤ %(n)s") % {"stage": Stage(stage).label, "n": limit}
            edges[limit] = (f"{edges[limit][0]} / {text}" if limit in edges else text, "#2e7d32")
    if any(s != Stage.PRESCHOOL for s in by_stage):
        edges[LARGE_CLASS - 1] = (_("large ≥ %(n)s") % {"n": LARGE_CLASS}, "#ca8622")
        edges[SUPER_LARGE_CLASS - 1] = (_("very large ≥ %(n)s") % {"n": SUPER_LARGE_CLASS}, "#b7282e")
    sizes = [size for _stage, _grade, size in classes]
    low = min([bin_of(min(sizes)), *(bin_of(e) for e in edges)])
    high = max([bin_of(max(sizes)), *(bin_of(e) + 1 for e in edges)])
    counts = {stage: Counter(bin_of(size) for _g, size in by_stage[stage]) for stage in stages}
    bins = list(range(low, high + 1))
    chart = HistogramChart(
        pgettext("school profile", "Class sizes"),
        series=[Series(Stage(s).label, [counts[s].get(i, 0) for i in bins]) for s in stages],
        unit=_("classes"),
        bins=bins,
        edges=[(edge, text, colour) for edge, (text, colour) in sorted(edges.items())],
        x_name=_("students per class"),
        height=360,
    )
    return ClassSizes(chart, rows, len(classes), students)


def grade_name(grade: int) -> str:
    return str(Grade(grade).label)


@dataclass
class PairedTrendChart(ThresholdChart):
    """The indicator pages' trend chart, with the school's line and the district's line of the same
    stage in one colour, the district's dashed: two lines per stage stay readable in a small chart."""

    def options(self) -> dict[str, Any]:
        options = super().options()
        for i, series in enumerate(options["series"]):
            series["color"] = PALETTE[(i // 2) % len(PALETTE)]
            if i % 2:
                series["lineStyle"] = {"type": "dashed", "width": 1.5}
                series["symbol"] = "none"
        options["legend"]["textStyle"] = {"fontSize": 11}
        return options


@dataclass
class HealthTrend:
    chart: Any
    name: str
    rows: list[tuple[str, list[str]]]


def health_trends(
    own_values: Sequence[IndicatorValue],
    district_all: Sequence[IndicatorValue],
    own: Mapping[ValueKey, IndicatorValue],
    years: Sequence[AcademicYear],
    overrides: Mapping[str, Any],
    viewer: Any,
    sections: Collection[str],
) -> list[HealthTrend]:
    """For each fitness and vision indicator the school has: a line per stage of the school and the
    district's line for the same stage over the computed years (a withheld small group is a gap), and a
    table of the same figures (the suppression text where a value is withheld)."""
    definitions = catalogue()
    out = []
    for ident in HEALTH_TRENDS:
        definition = definitions.get(ident)
        if definition is None:
            continue
        stages = school_stages(definition, own, sections)
        if not stages:
            continue
        drawn = [s for s in stages if s] or stages  # the stage lines, not their total beside them
        mine = [v for v in own_values if v.indicator == ident]
        theirs = [v for v in district_all if v.indicator == ident]
        lines: list[tuple[str, str, Iterable[IndicatorValue]]] = []
        for stage in drawn:
            label = str(stage_label(stage))
            lines.append((f"{pgettext('school profile', 'This school')} · {label}", stage, mine))
            lines.append((f"{_('Whole district')} · {label}", stage, theirs))
        drawn_chart = trend_chart(definition, years, lines, overrides, name_of(definition), viewer)
        chart = PairedTrendChart(**vars(drawn_chart)) if drawn_chart is not None else None
        rows = [
            (
                str(stage_label(stage)),
                [shown_value(definition, own.get((ident, stage, y.start_year)), viewer) for y in years],
            )
            for stage in stages
        ]
        out.append(HealthTrend(chart, name_of(definition), rows))
    return out


WARNING_ORDER = Case(
    When(status=sc.WarningStatus.OPEN, then=Value(0)),
    When(status=sc.WarningStatus.ACKNOWLEDGED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
ORDER_ORDER = Case(
    When(status=sc.OrderStatus.ISSUED, then=Value(0)),
    When(status=sc.OrderStatus.SUBMITTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass
class Listing:
    """A section's rows (at most :data:`LIST_LIMIT`), how many there are in all and the full list."""

    rows: list[Any]
    total: int
    open: int
    url: str


def listing(rows: list[Any], url: str, is_open: Any) -> Listing:
    """The first rows of an ordered list, with its size and how many are still open. A school's own
    warnings and orders are few, so one query fetches them all and the counts need no second one."""
    return Listing(rows[:LIST_LIMIT], len(rows), sum(1 for r in rows if is_open(r)), url)


def sees_school_rows(user: Any, model: type[Any]) -> bool:
    """Whether ``user`` may read some of a school's rows of ``model``: a role that reads every row, or a
    school's own users. A department user reads only the rows addressed to the own department, so the
    school's section is left out rather than shown empty."""
    grant = grant_for(model, user, VIEW)
    if grant is None:
        return False
    return not grant.own_only or user.role in SCHOOL_ROLES


def warnings_of(user: Any, school: School) -> Listing | None:
    if not sees_school_rows(user, Warning):
        return None
    rows = list(
        Warning.objects.restrict(user, VIEW)
        .filter(school=school)
        .select_related("academic_year")
        .order_by(WARNING_ORDER, "-last_raised_at", "-id")
    )
    url = f"{reverse('supervision:warning-list')}?{urlencode({'school': school.pk})}"
    return listing(rows, url, lambda w: w.status != sc.WarningStatus.RESOLVED)


@dataclass
class OrderRow:
    order: RectificationOrder
    overdue: bool


def orders_of(user: Any, school: School, today: dt.date) -> Listing | None:
    if not sees_school_rows(user, RectificationOrder):
        return None
    orders = (
        RectificationOrder.objects.restrict(user, VIEW)
        .filter(school=school)
        .select_related("finding")
        .order_by(ORDER_ORDER, "deadline", "id")
    )
    rows = [OrderRow(o, o.status == sc.OrderStatus.ISSUED and o.deadline < today) for o in orders]
    url = f"{reverse('supervision:finding-list')}?{urlencode({'school': school.pk})}"
    return listing(rows, url, lambda r: r.order.status != sc.OrderStatus.PASSED)


@dataclass
class StatusCell:
    """A submission or batch in a table: its page and its status badge."""

    url: str
    badge: Any
    item: Any


@dataclass
class SubmissionGrid:
    """The school's submissions as a grid: a row per data set, a column per 学年 (status badge, link)."""

    years: list[AcademicYear]
    rows: list[tuple[str, list[StatusCell | None]]]
    url: str


def submissions_of(user: Any, school: School) -> SubmissionGrid | None:
    if not sees_school_rows(user, Submission):
        return None
    found = list(
        Submission.objects.restrict(user, VIEW).filter(school=school).select_related("academic_year")
    )
    years = sorted({s.academic_year for s in found}, key=lambda y: y.start_year)
    cells = {
        (s.dataset, s.academic_year_id): StatusCell(s.get_absolute_url(), submission_badge(s), s)
        for s in found
    }
    known = registry.names()
    datasets = sorted(
        {s.dataset for s in found}, key=lambda d: (known.index(d) if d in known else len(known), d)
    )
    rows = [(dataset_title(d), [cells.get((d, y.pk)) for y in years]) for d in datasets]
    url = f"{reverse('intake:submission-list')}?{urlencode({'school': school.pk})}"
    return SubmissionGrid(years, rows, url)


def batches_of(user: Any, school: School) -> Listing | None:
    """The school's latest import batches (the district's own multi-school batches are not the
    school's: they are on the batch list)."""
    if not sees_school_rows(user, ImportBatch):
        return None
    batches = list(
        ImportBatch.objects.restrict(user, VIEW)
        .filter(school=school)
        .select_related("academic_year")
        .order_by("-created_at", "-id")[: LIST_LIMIT + 1]
    )
    rows = [StatusCell(b.get_absolute_url(), batch_badge(b), b) for b in batches]
    url = f"{reverse('intake:batch-list')}?{urlencode({'school': school.pk})}"
    return Listing(rows[:LIST_LIMIT], len(rows), 0, url)


# --- the page ---------------------------------------------------------------------------------------


def school_or_404(user: Any, pk: int) -> School:
    school = School.objects.restrict(user, VIEW).filter(pk=pk).select_related("town").first()
    if school is None:
        raise Http404(_("No such school, or it is outside your scope."))
    return school


class SchoolProfileView(LoginRequiredMixin, View):
    """学校画像: the school's indicators, resources, class sizes, health, supervision and submissions."""

    template_name = "web/school_profile.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        school = school_or_404(user, pk)
        return render_dashboard(
            request,
            "school-profile",
            self.template_name,
            {"school": school},
            "web/partials/profile_body.html",
            lambda: self.build(request, school),
        )

    def build(self, request: HttpRequest, school: School) -> dict[str, Any]:
        """The body's figures: every source read once (bounded queries, tested)."""
        user = request.user
        years = computed_years(user)
        year = chosen_year(request, years) or AcademicYear.objects.filter(is_current=True).first()
        overrides = overrides_of(current_run(year) if years else None)
        school_ids = [d.id for d in catalogue().values() if "school" in d.levels]
        own_values = list(
            visible_values(user)
            .filter(level=Level.SCHOOL, school=school, breakdown="")
            .select_related("academic_year")
        )
        district_all = list(
            district_values().filter(breakdown="", indicator__in=school_ids).select_related("academic_year")
        )
        own, district = by_key(own_values), by_key(district_all)
        sections = set(
            SchoolSection.objects.restrict(user, VIEW).filter(school=school).values_list("stage", flat=True)
        )
        classes = list(
            SchoolClass.objects.restrict(user, VIEW)
            .filter(section__school=school, academic_year=year)
            .values_list("section__stage", "grade", "student_count")
        )
        sizes = class_sizes(classes)
        today = timezone.localdate()
        context = {
            "school": school,
            "year": year,
            "years": list(reversed(years)),
            "panels": yzjh_panels(own, year, overrides, user),
            "groups": indicator_groups(own, district, school, years, year, overrides, user, sections),
            "sizes": sizes,
            "health": health_trends(own_values, district_all, own, years, overrides, user, sections),
            "trend_years": [y.start_year for y in years],
            "warnings": warnings_of(user, school),
            "orders": orders_of(user, school, today),
            "submissions": submissions_of(user, school),
            "batches": batches_of(user, school),
        }
        return context


urlpatterns: list[URLPattern] = [
    path("schools/<int:pk>/profile/", SchoolProfileView.as_view(), name="school-profile"),
]
