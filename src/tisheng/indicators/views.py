"""The indicator pages (指标), mounted at /indicators/: the catalogue with this year's values, one page per
indicator with its documentation, trend, towns and schools, the drill-down to a town and to a school (with
the rows behind the school's value), and the computation runs (计算记录) for administrators.

Permissions (STYLE §6): every value a page lists goes through ``IndicatorValue.objects.restrict(user)``:
district roles and department users read every value, a principal or clerk only the own school's. The
one deliberate exception is the district's own aggregate (:func:`district_values`), which is not
sensitive and which every signed-in role sees for comparison; it is read by level, never by loosening
``restrict``. A school, a town or an indicator out of scope (or unknown) is a 404; the computation runs are
the administrator's (403 for everybody else); the public is sent to sign in.

The catalogue's own texts (names, 口径, formulas, sources) are Chinese data and are shown as they are,
except the name, which is shown in English (``name_en``) when the page is in English.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from tisheng.census.models import Activity, Recognition
from tisheng.core.choices import SCHOOL_ROLES, Role
from tisheng.core.models import AcademicYear, School, Town, User
from tisheng.core.permissions import VIEW, can_any
from tisheng.intake import tasks
from tisheng.intake.datasets import registry
from tisheng.intake.models import ImportBatch
from tisheng.intake.tables import table_workbook, xlsx_response
from tisheng.standards import StandardEntry
from tisheng.web.charts import Chart, Series
from tisheng.web.mapdata import map_data
from tisheng.web.pagecache import render_dashboard

from . import present, services
from .catalogue import KIND_LABELS, Definition, catalogue
from .choices import Level, RunStatus, RunTrigger
from .engine.compute import MYOPIA_SE_INCLUSIVE, myopia_criterion, needed_measures
from .engine.measures import MEASURES
from .filters import IndicatorRunFilterSet, IndicatorValueFilterSet, stage_key, stage_param
from .models import IndicatorRun, IndicatorValue
from .tables import (
    NOTHING,
    BreakdownTable,
    RunTable,
    SchoolValueExportTable,
    SchoolValueTable,
    TownValueTable,
    ValueRow,
    local_time,
    met_badge,
    number,
    organisation_table,
    rows_of,
    stage_label,
    unverified_badge,
)

log = logging.getLogger("tisheng.indicators")

#: The order of a definition's stage rows on the pages: all stages first, then by stage.
STAGE_ORDER = {"": 0, "preschool": 1, "primary": 2, "junior": 3, "senior": 4}
TREND_COLOUR = "#2f5d8a"


# --- reading values ---------------------------------------------------------------------------------


def english() -> bool:
    return (get_language() or "").startswith("en")


def name_of(definition: Definition) -> str:
    return definition.name_en if english() else definition.name_zh


def unit_of(definition: Definition) -> str:
    return definition.unit_en if english() else definition.unit_zh


def joined(items: Iterable[Any]) -> str:
    return (", " if english() else "、").join(str(i) for i in items)


def definition_or_404(indicator_id: str) -> Definition:
    found = catalogue().get(indicator_id)
    if found is None:
        raise Http404(_("No such indicator."))
    return found


def is_school_user(user: Any) -> bool:
    return user.role in SCHOOL_ROLES


def visible_values(user: Any) -> QuerySet[IndicatorValue]:
    """The current values the user may read."""
    return IndicatorValue.objects.current().restrict(user, VIEW)


def district_values() -> QuerySet[IndicatorValue]:
    """The district's own current values, for every signed-in role. District aggregates are not
    sensitive: they are read here by level, explicitly, so ``restrict`` stays as strict as it is (it
    rightly hides every town and other school from a school's users)."""
    return IndicatorValue.objects.current().filter(level=Level.DISTRICT)


def computed_years(user: Any) -> list[AcademicYear]:
    """The 学年 that have a current computation, oldest first."""
    years = AcademicYear.objects.restrict(user, VIEW).filter(indicator_runs__is_current=True).distinct()
    return list(years.order_by("start_year"))


def chosen_year(request: HttpRequest, years: Sequence[AcademicYear]) -> AcademicYear | None:
    """``?year=2024`` when that year is computed, else the latest computed year."""
    wanted = request.GET.get("year", "")
    for year in years:
        if str(year.start_year) == wanted:
            return year
    return years[-1] if years else None


def chosen_stage(request: HttpRequest, definition: Definition) -> str:
    """``?stage=`` when the indicator has that stage row, else its first (all stages when it has it)."""
    keys = stage_keys(definition)
    key = stage_key(request.GET.get("stage"))
    return key if key in keys else keys[0]


def stage_keys(definition: Definition) -> list[str]:
    return sorted(definition.stage_keys, key=lambda k: STAGE_ORDER.get(k, 9))


def current_run(year: AcademicYear | None) -> IndicatorRun | None:
    """The computation whose values are shown for ``year``: the provenance of every value of the year,
    shown to each role beside the values it may see (it holds no school's figures)."""
    if year is None:
        return None
    return (
        IndicatorRun.objects.filter(academic_year=year, is_current=True)
        .select_related("academic_year")
        .first()
    )


def overrides_of(run: IndicatorRun | None) -> Mapping[str, Any]:
    """The provincial threshold overrides the values were computed with."""
    return run.overrides if run is not None else settings.THRESHOLD_OVERRIDES


def sort_values(values: Iterable[IndicatorValue]) -> list[IndicatorValue]:
    return sorted(values, key=lambda v: (STAGE_ORDER.get(v.stage, 9), v.breakdown))


def year_query(year: AcademicYear | None, **extra: Any) -> str:
    params = {"year": year.start_year} if year else {}
    params.update({k: v for k, v in extra.items() if v is not None})
    return f"?{urlencode(params)}" if params else ""


def indicator_url(definition: Definition, year: AcademicYear | None, stage: str | None = None) -> str:
    query = year_query(year, stage=stage_param(stage) if stage is not None else None)
    return reverse("indicators:detail", args=[definition.id]) + query


# --- small pictures ---------------------------------------------------------------------------------


def to_float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def sparkline(points: Sequence[tuple[int, float | None]], shown: Sequence[str]) -> SafeString | str:
    """A small inline SVG of the values per 学年 (no script; its title lists the values)."""
    known = [(i, v) for i, (_year, v) in enumerate(points) if v is not None]
    if not known:
        return NOTHING
    width, height, pad = 96, 24, 3
    low, high = min(v for _i, v in known), max(v for _i, v in known)
    span = high - low

    def xy(i: int, v: float) -> str:
        x = pad + i * (width - 2 * pad) / max(len(points) - 1, 1)
        y = height / 2 if span == 0 else height - pad - (v - low) / span * (height - 2 * pad)
        return f"{x:.1f},{y:.1f}"

    runs: list[list[str]] = [[]]
    for i, (_year, v) in enumerate(points):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(xy(i, v))
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"/>',
        ((" ".join(r), TREND_COLOUR) for r in runs if len(r) > 1),
    )
    last_i, last_v = known[-1]
    x, y = xy(last_i, last_v).split(",")
    caption = " · ".join(f"{year} {text}" for (year, _value), text in zip(points, shown, strict=True))
    return format_html(
        '<svg class="trend" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" aria-label="{2}">'
        '<title>{2}</title>{3}<circle cx="{4}" cy="{5}" r="2.2" fill="{6}"/></svg>',
        width,
        height,
        caption,
        lines,
        x,
        y,
        TREND_COLOUR,
    )


@dataclass
class ThresholdChart(Chart):
    """A line chart whose series each carry a threshold as a dashed line (``marks``: bound and label per
    series, or None)."""

    marks: Sequence[tuple[float, str] | None] = ()

    def options(self) -> dict[str, Any]:
        options = super().options()
        bounds = []
        for series, mark in zip(options["series"], self.marks, strict=False):
            series["connectNulls"] = True
            if mark is None:
                continue
            bound, text = mark
            bounds.append(bound)
            series["markLine"] = {
                "silent": True,
                "symbol": "none",
                "lineStyle": {"type": "dashed"},
                "label": {"formatter": text, "position": "insideEndTop"},
                "data": [{"yAxis": bound}],
            }
        values = [v for s in self.series for v in s.values if v is not None]
        if bounds and values and max(bounds) >= max(values):
            options["yAxis"]["max"] = nice_ceiling(max(bounds) * 1.1)
        if bounds and values and min(bounds) < 0 <= min(values):
            options["yAxis"]["min"] = -nice_ceiling(-min(bounds) * 1.1)
        return options


def nice_ceiling(value: float) -> float:
    """A round number at or above ``value`` for an axis end."""
    if value <= 0:
        return 0
    step = 10 ** math.floor(math.log10(value)) / 10
    return math.ceil(value / step) * step


def threshold_mark(
    definition: Definition, stage: str, overrides: Mapping[str, Any]
) -> tuple[float, str] | None:
    comparison = definition.threshold(stage, overrides)
    if comparison is None:
        return None
    return float(comparison.bound), f"{_('Threshold')} {present.threshold_text(definition, stage, overrides)}"


def values_by_year(
    values: Iterable[IndicatorValue], definition: Definition, viewer: Any
) -> dict[tuple[str, int], Decimal | None]:
    """(stage, start year) → value of the all-breakdowns rows; a value withheld from ``viewer`` (small
    group, :func:`present.is_suppressed`) is a gap in the line."""
    return {
        (v.stage, v.academic_year.start_year): None
        if present.is_suppressed(definition, v, viewer)
        else v.value
        for v in values
        if not v.breakdown
    }


def trend_chart(
    definition: Definition,
    years: Sequence[AcademicYear],
    lines: Sequence[tuple[str, str, Iterable[IndicatorValue]]],
    overrides: Mapping[str, Any],
    title: str,
    viewer: Any = None,
) -> ThresholdChart | None:
    """One line per (label, stage, values) over the computed years, as ``viewer`` may see them; each
    stage's threshold once."""
    if not years:
        return None
    series, marks, marked = [], [], set()
    for label, stage, values in lines:
        by_year = values_by_year(values, definition, viewer)
        points = [by_year.get((stage, y.start_year)) for y in years]
        rounded = [to_float(present.rounded(definition, p)) for p in points]
        series.append(Series(label, rounded, "line"))
        mark = threshold_mark(definition, stage, overrides) if stage not in marked else None
        marked.add(stage)
        marks.append(mark)
    return ThresholdChart(
        title,
        categories=[str(y.start_year) for y in years],
        series=series,
        unit=unit_of(definition),
        marks=marks,
    )


# --- documentation ----------------------------------------------------------------------------------


@dataclass
class ThresholdRow:
    stage: str
    national: str
    source: str
    note: str
    verified: bool
    override: str = ""


def threshold_rows(definition: Definition, overrides: Mapping[str, Any]) -> list[ThresholdRow]:
    rows = []
    for stage, threshold in definition.thresholds.items():
        override = ""
        if definition.id in overrides:
            replaced = definition.threshold(stage, overrides)
            if replaced is not None and replaced != threshold.comparison:
                override = replaced.symbol
        rows.append(
            ThresholdRow(
                stage=str(stage_label(stage)) if stage else "",
                national=threshold.comparison.symbol,
                source=(threshold.standard.name_zh or threshold.standard.id)
                if threshold.standard
                else _("the plan"),
                note=threshold.note,
                verified=threshold.is_verified,
                override=override,
            )
        )
    return rows


@dataclass
class SourceEntry:
    entry: StandardEntry
    document: str
    formula: list[tuple[str, str]]
    thresholds: str
    unverified_parts: list[str]
    evidence: list[tuple[str, str]]


def source_entries(definition: Definition) -> list[SourceEntry]:
    out = []
    for entry in definition.standards_cited:
        document = ""
        if entry.document:
            number_text = f"（{entry.document.number}）" if entry.document.number else ""
            article = f"，{entry.article}" if entry.article else ""
            document = f"{entry.document.title_zh}{number_text}{article}"
        formula = entry.raw.get("formula")
        out.append(
            SourceEntry(
                entry=entry,
                document=document,
                formula=[(str(k), str(v)) for k, v in formula.items()]
                if isinstance(formula, Mapping)
                else [],
                thresholds="；".join(f"{k} {v}" for k, v in entry.thresholds.items()),
                unverified_parts=[" ".join(p.split()) for p in entry.unverified_parts],
                evidence=[(s.id, " ".join(s.text.split())) for s in entry.evidence],
            )
        )
    return out


def unverified_reason(entry: StandardEntry) -> str:
    """Why a cited source counts as unverified, in its own words."""
    if entry.why_unverified:
        return entry.why_unverified
    if entry.unverified_parts:
        return "；".join(" ".join(p.split()) for p in entry.unverified_parts)
    return entry.verification_label


def documentation(definition: Definition, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The same content as :func:`present.documentation` (the generated docs page), as page parts."""
    stages = joined(stage_label(s) for s in definition.stages) if definition.stages else _("Not by stage")
    plan = NOTHING
    if definition.plan_task:
        plan = _("Task %(task)s: %(text)s") % {"task": definition.plan_task, "text": definition.plan_text}
    facts = [
        (_("Indicator id"), definition.id),
        (_("Indicator group"), definition.group),
        (_("Kind"), KIND_LABELS.get(definition.kind, definition.kind)),
        (_("Formula"), present.formula_text(definition)),
        (_("Unit"), unit_of(definition) or NOTHING),
        (_("Computed for"), joined(Level(level).label for level in definition.levels)),
        (_("Stages"), stages),
        (_("Filters"), definition.filters.describe() or NOTHING),
        (_("Numerator also requires"), definition.numerator_filters.describe() or NOTHING),
        (_("Broken down by"), _("Level of recognition") if definition.by == "level" else NOTHING),
        (_("Direction"), _("Higher is better") if definition.higher_is_better else _("Lower is better")),
        (_("Plan clause"), plan),
        (_("Verification"), present.verification_text(definition)),
        (_("Definition version"), definition.version),
    ]
    reasons = [
        f"{entry.name_zh or entry.id}：{unverified_reason(entry)}"
        for entry in definition.standards_cited
        if not entry.is_verified
    ]
    return {
        "facts": facts,
        "thresholds": threshold_rows(definition, overrides),
        "kou_jing": definition.kou_jing,
        "note": definition.note,
        "sources": source_entries(definition),
        "unverified_reasons": reasons,
    }


def provenance(run: IndicatorRun | None, value: IndicatorValue | None) -> list[tuple[Any, Any]]:
    """Where the year's values come from: the snapshot, the computation and what it counted."""
    if run is None:
        return []
    facts: list[tuple[Any, Any]] = [
        (_("Snapshot"), run.snapshot_id or NOTHING),
        (_("Computed at"), local_time(run.finished_at or run.started_at)),
        (_("Code version"), run.code_version),
        (_("Engine backend"), run.backend),
        (_("Import batches"), len(run.batches)),
        (_("Rows in the snapshot"), number(Decimal(sum(int(n) for n in run.rows.values())))),
        (_("Catalogue version"), run.catalogue_version),
    ]
    if value is not None:
        facts += [
            (_("Definition version"), value.definition_version),
            (_("Rows counted for the district value"), number(Decimal(value.rows))),
        ]
    facts.append((_("Computation"), f"#{run.pk} · {run.get_trigger_display()}"))
    thresholds = {k: v for k, v in run.overrides.items() if k != MYOPIA_SE_INCLUSIVE}
    if thresholds:
        facts.append(
            (_("Provincial threshold overrides"), "；".join(f"{k} {v}" for k, v in thresholds.items()))
        )
    if MYOPIA_SE_INCLUSIVE in run.overrides:  # a setting of the run, not a threshold override
        facts.append((_("Screening myopia cut-off"), myopia_criterion(run.overrides)))
    return facts


# --- the rows behind a school's value -------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A snapshot table's facts on the pages: its census list (Model, url name, query of school and
    year) when there is one, and the intake data set its rows are imported with."""

    dataset: str
    model: Any = None
    url_name: str = ""
    query: Any = None


SOURCES: dict[str, Source] = {
    "recognitions": Source(
        "recognitions",
        Recognition,
        "census:recognition-list",
        lambda school, year: {"school": school.pk, "year_min": year.start_year, "year_max": year.start_year},
    ),
    "activities": Source(
        "activities",
        Activity,
        "census:activity-list",
        lambda school, year: {"school": school.pk, "academic_year": year.pk},
    ),
    "classes": Source("classes"),
    "enrolments": Source("students"),
    "teachers": Source("teachers"),
    "certificates": Source("teachers"),
    "honours": Source("honours"),
    "rotations": Source("rotations"),
    "facilities": Source("facilities"),
    "status_changes": Source("status_changes"),
    "dropouts": Source("status_changes"),
    "population": Source("population"),
}


def measure_names(definition: Definition) -> list[str]:
    """The measures a definition is computed from (for 差异系数 and the 优质均衡 verdicts, those of
    the indicators it is built on)."""
    return sorted(needed_measures([definition]))


@dataclass
class SourceLink:
    label: str
    url: str
    kind: str


def source_links(user: Any, definition: Definition, school: School, year: AcademicYear) -> list[SourceLink]:
    """Links to the facts behind a school's value, each only if the user may see that list: the census
    register filtered by the school and 学年, or the import batches of the data set and 学年."""
    tables = []
    for name in measure_names(definition):
        measure = MEASURES.get(name)
        if measure is not None and measure.grain == "school" and measure.table not in tables:
            tables.append(measure.table)
    links, seen = [], set()
    for table in tables:
        source = SOURCES.get(table)
        if source is None:
            continue
        spec = registry.get(source.dataset)
        title = str(spec.title) if spec else source.dataset
        if source.model is not None and can_any(user, VIEW, source.model):
            url = f"{reverse(source.url_name)}?{urlencode(source.query(school, year))}"
            if url not in seen:
                seen.add(url)
                links.append(SourceLink(title, url, "rows"))
        if can_any(user, VIEW, ImportBatch):
            url = f"{reverse('intake:batch-list')}?{urlencode({'dataset': source.dataset, 'academic_year': year.pk})}"
            if url not in seen:
                seen.add(url)
                links.append(SourceLink(title, url, "batches"))
    return links


# --- the catalogue page -----------------------------------------------------------------------------


@dataclass
class Figure:
    stage: str
    shown: str
    met: Any


@dataclass
class CatalogueRow:
    definition: Definition
    name: str
    url: str
    unit: str
    unverified: Any
    figures: list[Figure]
    district: list[Figure]
    threshold: str
    trend: Any


@dataclass
class Group:
    name: str
    rows: list[CatalogueRow] = field(default_factory=list)


ValueMap = dict[tuple[str, str, int], tuple[Decimal | None, bool | None]]


def value_map(values: QuerySet[IndicatorValue], viewer: Any) -> ValueMap:
    """(indicator, stage, start year) → (value, met) of the all-breakdowns rows, as ``viewer`` may see
    them: a small group's value withheld (:func:`present.is_suppressed`) is (None, None)."""
    rows = values.filter(breakdown="").only(
        "indicator",
        "stage",
        "academic_year__start_year",
        "value",
        "met",
        "denominator",
        "rows",
        "complementary",
        "school",
    )
    definitions = catalogue()
    out: ValueMap = {}
    for v in rows.select_related("academic_year"):
        definition = definitions.get(v.indicator)
        hidden = definition is not None and present.is_suppressed(definition, v, viewer)
        out[(v.indicator, v.stage, v.academic_year.start_year)] = (None, None) if hidden else (v.value, v.met)
    return out


def listed_stages(definition: Definition) -> list[str]:
    """The stage rows the catalogue shows: all stages, or each stage when there is no all-stages row."""
    return [""] if "" in definition.stage_keys else stage_keys(definition)


def figures(definition: Definition, table: ValueMap, year: int) -> list[Figure]:
    stages = listed_stages(definition)
    out = []
    for stage in stages:
        value, met = table.get((definition.id, stage, year), (None, None))
        label = str(stage_label(stage)) if len(stages) > 1 or stage else ""
        out.append(
            Figure(label, present.display(definition, value), met_badge(met) if met is not None else "")
        )
    return out


def trend(definition: Definition, table: ValueMap, years: Sequence[AcademicYear]) -> Any:
    stage = listed_stages(definition)[0]
    points, shown = [], []
    for y in years:
        value = table.get((definition.id, stage, y.start_year), (None, None))[0]
        points.append((y.start_year, to_float(present.rounded(definition, value))))
        shown.append(present.display(definition, value))
    return sparkline(points, shown)


def threshold_summary(definition: Definition, overrides: Mapping[str, Any]) -> str:
    stages = listed_stages(definition)
    parts = []
    for stage in stages:
        text = present.threshold_text(definition, stage, overrides)
        if text:
            parts.append(f"{stage_label(stage)} {text}" if stage else text)
    return "；".join(parts) or NOTHING


class IndicatorListView(LoginRequiredMixin, View):
    """指标: the catalogue by group, with this year's value (the own school's for a school's users, the
    district's beside it), threshold, 达标 and the trend over the computed years."""

    template_name = "indicators/indicator_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        years = computed_years(user)
        year = chosen_year(request, years)
        run = current_run(year)
        overrides = overrides_of(run)
        district = value_map(district_values(), user)
        school = None
        own: ValueMap = {}
        if is_school_user(user):
            school = School.objects.restrict(user, VIEW).filter(pk=user.school_id).first()  # type: ignore[union-attr]
            own = value_map(visible_values(user).filter(level=Level.SCHOOL), user)
        groups: dict[str, Group] = {}
        start = _start(year)
        for definition in catalogue().values():
            own_values = school is not None and "school" in definition.levels
            shown = own if own_values else district
            row = CatalogueRow(
                definition=definition,
                name=name_of(definition),
                url=indicator_url(definition, year),
                unit=unit_of(definition),
                unverified=unverified_badge() if not definition.is_verified else "",
                figures=figures(definition, own, start) if own_values else [],
                district=figures(definition, district, start),
                threshold=threshold_summary(definition, overrides),
                trend=trend(definition, shown, years),
            )
            groups.setdefault(definition.group, Group(definition.group)).rows.append(row)
        context = {
            "years": list(reversed(years)),
            "year": year,
            "run": run,
            "school": school,
            "groups": list(groups.values()),
            "indicator_count": len(catalogue()),
            "unverified_count": sum(1 for d in catalogue().values() if not d.is_verified),
            "trend_years": f"{years[0].start_year}–{years[-1].start_year}" if years else "",
            "may_run": may_run(user),
        }
        return render(request, self.template_name, context)


# --- one indicator, a town, a school ---------------------------------------------------------------


def filter_data(request: HttpRequest, year: AcademicYear | None, stage: str) -> QueryDict:
    data = request.GET.copy()
    if year is not None:
        data["year"] = str(year.start_year)
    data["stage"] = stage_param(stage)
    return data


def filtered(
    request: HttpRequest,
    queryset: QuerySet[IndicatorValue],
    definition: Definition,
    years: Sequence[AcademicYear],
    year: AcademicYear | None,
    stage: str,
) -> tuple[IndicatorValueFilterSet, QuerySet[IndicatorValue]]:
    """The page's filters (学年, 学段, 镇, 达标) applied to ``queryset``; the year and stage always."""
    filterset = IndicatorValueFilterSet(filter_data(request, year, stage), queryset=queryset, request=request)
    filterset.limit_choices(list(reversed(years)), stage_keys(definition))
    if filterset.is_valid():
        return filterset, filterset.qs
    narrowed = queryset.filter(academic_year=year, stage=stage)
    return filterset, narrowed


def filter_fields(
    filterset: IndicatorValueFilterSet, definition: Definition, names: Iterable[str]
) -> list[Any]:
    shown = [n for n in names if n != "stage" or len(definition.stage_keys) > 1]
    return [filterset.form[n] for n in shown]


class IndicatorPageMixin(LoginRequiredMixin):
    """What every page of one indicator needs: the definition, the years, the chosen year and stage."""

    request: HttpRequest

    def setup_indicator(self, indicator: str) -> dict[str, Any]:
        definition = definition_or_404(indicator)
        years = computed_years(self.request.user)
        year = chosen_year(self.request, years)
        run = current_run(year)
        stage = chosen_stage(self.request, definition)
        return {
            "definition": definition,
            "name": name_of(definition),
            "unit": unit_of(definition),
            "unverified": not definition.is_verified,
            "unverified_badge": unverified_badge(),
            "years": years,
            "year": year,
            "run": run,
            "overrides": overrides_of(run),
            "stage": stage,
            "stage_label": stage_label(stage),
            "indicator_url": indicator_url(definition, year, stage),
            "list_url": reverse("indicators:list") + year_query(year),
        }


# --- the explorer's parts: picker, bar charts, 差异系数 ------------------------------------------------


@dataclass
class PickerGroup:
    """An ``<optgroup>`` of the indicator picker: the catalogue's group and its indicators."""

    name: str
    options: list[tuple[str, str]]


def indicator_picker(only_schools: bool = False) -> list[PickerGroup]:
    """The catalogue by group for the picker (id, name); ``only_schools``: the indicators computed for
    single schools (the map colours schools)."""
    groups: dict[str, PickerGroup] = {}
    for definition in catalogue().values():
        if only_schools and "school" not in definition.levels:
            continue
        group = groups.setdefault(definition.group, PickerGroup(definition.group, []))
        group.options.append((definition.id, name_of(definition)))
    return list(groups.values())


def jump_target(request: HttpRequest, current: str) -> str | None:
    """``?indicator=<id>`` from the picker: the page of that indicator with the same 学年 (and stage,
    when it has it), or None when the picker names this indicator or none."""
    wanted = request.GET.get("indicator", "")
    target = catalogue().get(wanted)
    if target is None or wanted == current:
        return None
    params: dict[str, str] = {}
    if request.GET.get("year"):
        params["year"] = request.GET["year"]
    stage = stage_key(request.GET.get("stage"))
    if stage is not None and stage in target.stage_keys:
        params["stage"] = stage_param(stage)
    query = f"?{urlencode(params)}" if params else ""
    return reverse("indicators:detail", args=[target.id]) + query


#: 达标 green, 未达标 red, no threshold (or withheld 达标) blue: the bars' colours.
BAR_COLOURS = {True: "#2e7d32", False: "#b7282e", None: TREND_COLOUR}
DISTRICT_LINE_COLOUR = "#666666"


@dataclass
class Bar:
    label: str
    value: float
    met: bool | None
    shown: str


@dataclass
class BarChart(Chart):
    """Bars of one value per organisation, sorted, each coloured by 达标 (:data:`BAR_COLOURS`), with the
    threshold and the district's value as lines across."""

    bars: Sequence[Bar] = ()
    threshold: tuple[float, str] | None = None
    district: tuple[float, str] | None = None

    def options(self) -> dict[str, Any]:
        self.categories = [b.label for b in self.bars]
        self.series = [Series(_("Value"), [b.value for b in self.bars], "bar")]
        options = super().options()
        series = options["series"][0]
        series["data"] = [
            {"value": b.value, "itemStyle": {"color": BAR_COLOURS[b.met]}, "label": {"formatter": b.shown}}
            for b in self.bars
        ]
        series["label"] = {"show": True, "position": "right" if self.horizontal else "top"}
        axis = "xAxis" if self.horizontal else "yAxis"
        lines = []
        if self.threshold is not None:
            lines.append(
                {
                    axis: self.threshold[0],
                    "name": self.threshold[1],
                    "lineStyle": {"type": "dashed", "color": BAR_COLOURS[False]},
                    "label": {
                        "formatter": self.threshold[1],
                        # above its line, at the right (a threshold of 0 lies on the axis: never below it)
                        "position": "end" if self.horizontal else "insideEndTop",
                    },
                }
            )
        if self.district is not None:
            lines.append(
                {
                    axis: self.district[0],
                    "name": self.district[1],
                    "lineStyle": {"type": "solid", "color": DISTRICT_LINE_COLOUR},
                    "label": {
                        "formatter": self.district[1],
                        "position": "start" if self.horizontal else "insideStartTop",  # at the left
                    },
                }
            )
        if lines:
            series["markLine"] = {"silent": True, "symbol": "none", "data": lines}
        options["legend"] = {"show": False}
        options["title"]["subtext"] = _("green: met · red: not met · blue: no threshold")
        options["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
        values = [b.value for b in self.bars]
        bounds = [line[axis] for line in lines]
        if values and bounds and max(bounds) > max(values):
            options[axis]["max"] = nice_ceiling(max(bounds) * 1.05)
        if self.horizontal:
            # the lines' labels above (threshold) and below (district) the plot, level with the text
            options["grid"].update(right=90, top=80, bottom=60)
        return options


def bar_chart(
    title: str,
    rows: Sequence[ValueRow],
    label_of: Any,
    definition: Definition,
    stage: str,
    overrides: Mapping[str, Any],
    district: ValueRow | None,
    horizontal: bool,
    district_bar: bool = False,
) -> BarChart | None:
    """The rows' shown values as sorted bars (the best at the top of a horizontal chart, first in a
    vertical one); a value withheld from the viewer is left out (the page says how many). The district's
    value is a line across, or with ``district_bar`` a bar of its own (a school's users: their school
    beside the district)."""
    labelled = [(label_of(row), row) for row in rows]
    if district_bar and district is not None:
        labelled.append((_("Whole district"), district))
    bars = []
    for label, row in labelled:
        if row.suppressed or row.value.value is None:
            continue
        value = to_float(present.rounded(definition, row.value.value))
        assert value is not None
        bars.append(Bar(label, value, row.met_shown, row.shown))
    if not bars:
        return None
    bars.sort(key=lambda b: b.value, reverse=not horizontal)
    if not definition.higher_is_better:
        bars.reverse()
    district_line = None
    if (
        district is not None
        and not district_bar
        and not district.suppressed
        and district.value.value is not None
    ):
        shown = present.display(definition, district.value.value)
        district_line = (
            float(present.rounded(definition, district.value.value)),  # type: ignore[arg-type]
            f"{_('Whole district')} {shown}",
        )
    return BarChart(
        title,
        unit=unit_of(definition),
        horizontal=horizontal,
        height=max(320, 90 + 26 * len(bars)) if horizontal else 360,
        bars=bars,
        threshold=threshold_mark(definition, stage, overrides),
        district=district_line,
    )


def cv_definitions(definition: Definition) -> list[Definition]:
    """The 差异系数 that apply to ``definition``: the CVs of a 优质均衡 resource indicator (kind
    ``cv``, ``of`` it), or the CV itself."""
    if definition.kind == "cv":
        return [definition]
    return [d for d in catalogue().values() if d.kind == "cv" and d.of == definition.id]


@dataclass
class CvRow:
    """One stage's 差异系数 in the panel."""

    definition: Definition
    stage: Any
    shown: str
    threshold: str
    met: Any
    trend: Any
    url: str
    of_name: str
    of_url: str


def cv_rows(
    cvs: Sequence[Definition],
    values: Sequence[IndicatorValue],
    years: Sequence[AcademicYear],
    year: AcademicYear | None,
    overrides: Mapping[str, Any],
    viewer: Any,
) -> list[CvRow]:
    """The district's CV of each stage in ``year`` (from the stored ``cv`` values), its threshold
    (小学 ≤ 0.50, 初中 ≤ 0.45 by the standard), 达标 and its trend over the computed years."""
    rows = []
    for cv in cvs:
        of = catalogue()[cv.of]
        for stage in stage_keys(cv):
            mine = [v for v in values if v.indicator == cv.id and v.stage == stage and not v.breakdown]
            now = next((v for v in mine if year is not None and v.academic_year_id == year.pk), None)
            row = ValueRow(now, cv, _start(year), overrides, viewer) if now is not None else None
            by_year = values_by_year(mine, cv, viewer)
            points = [
                (y.start_year, to_float(present.rounded(cv, by_year.get((stage, y.start_year)))))
                for y in years
            ]
            shown = [present.display(cv, by_year.get((stage, y.start_year))) for y in years]
            rows.append(
                CvRow(
                    definition=cv,
                    stage=stage_label(stage),
                    shown=row.shown if row is not None else NOTHING,
                    threshold=present.threshold_text(cv, stage, overrides) or NOTHING,
                    met=row.met if row is not None else NOTHING,
                    trend=sparkline(points, shown),
                    url=indicator_url(cv, year, stage),
                    of_name=name_of(of),
                    of_url=indicator_url(of, year, stage),
                )
            )
    return rows


def export_name(definition: Definition, year: AcademicYear | None, stage: str) -> str:
    parts = [
        definition.name_zh,
        str(year.start_year) if year else "",
        str(stage_label(stage)) if definition.stages else "",
    ]
    return "_".join(p for p in parts if p)


class IndicatorDetailView(IndicatorPageMixin, View):
    """The indicator explorer: pick an indicator and a 学年; the district's value and trend, the towns'
    and the schools' values as bars and tables, the 差异系数 where it applies, the schools on a map, the
    口径 and the sources; ``?format=xlsx`` gives the whole filtered school table as a workbook. A
    school's users see their own school and the district (towns and other schools are out of scope)."""

    template_name = "indicators/indicator_detail.html"

    def get(self, request: HttpRequest, indicator: str) -> HttpResponse:
        jump = jump_target(request, indicator)
        if jump is not None:
            return redirect(jump)
        definition = definition_or_404(indicator)
        if request.GET.get("format") == "xlsx":
            built = self.build(request, indicator)
            if isinstance(built, HttpResponse):
                return built

        def body() -> dict[str, Any]:
            built = self.build(request, indicator)
            assert not isinstance(built, HttpResponse)  # only an export answers with a file
            return built

        # the body is cached per scope, page, filters and data version (tisheng.web.pagecache)
        shell = {"name": name_of(definition)}
        return render_dashboard(
            request, "explorer", self.template_name, shell, "indicators/partials/explorer_body.html", body
        )

    def build(self, request: HttpRequest, indicator: str) -> dict[str, Any] | HttpResponse:
        """The explorer's figures, or with ``?format=xlsx`` the school table as a workbook."""
        page = self.setup_indicator(indicator)
        definition: Definition = page["definition"]
        years, year, stage, overrides = page["years"], page["year"], page["stage"], page["overrides"]
        user = request.user
        cvs = cv_definitions(definition)
        read = district_values().filter(indicator__in={definition.id, *(cv.id for cv in cvs)})
        read_values = list(read.select_related("academic_year"))
        district = [v for v in read_values if v.indicator == definition.id]
        this_year = [v for v in district if year is not None and v.academic_year_id == year.pk]
        headline = rows_of(
            sort_values(v for v in this_year if not v.breakdown), definition, _start(year), overrides, user
        )
        breakdown = rows_of(
            sorted((v for v in this_year if v.breakdown and v.stage == stage), key=lambda v: v.breakdown),
            definition,
            _start(year),
            overrides,
            user,
        )
        lines = [
            (
                f"{_('Whole district')} · {stage_label(s)}" if definition.stages else _("Whole district"),
                s,
                district,
            )
            for s in stage_keys(definition)
        ]
        title = _("District value per school year")
        if is_school_user(user) and "school" in definition.levels:
            own = visible_values(user).filter(indicator=definition.id, level=Level.SCHOOL, breakdown="")
            own_values = list(own.select_related("academic_year", "school"))
            if own_values:
                label = own_values[0].school.name  # type: ignore[union-attr]
                lines.insert(0, (label, stage, own_values))
                title = _("Your school and the district per school year")
        chart = trend_chart(definition, years, lines, overrides, title, user)

        values = visible_values(user).filter(indicator=definition.id, breakdown="")
        filterset, schools_qs = filtered(
            request, values.filter(level=Level.SCHOOL), definition, years, year, stage
        )
        order = request.GET.get("sort")
        if request.GET.get("format") == "xlsx" and "school" in definition.levels:
            rows = rows_of(
                SchoolValueTable.prepare_for(schools_qs, order, user),
                definition,
                _start(year),
                overrides,
                user,
            )
            name = export_name(definition, year, stage)
            stamp = timezone.localtime().strftime("%Y%m%d")
            return xlsx_response(table_workbook(SchoolValueExportTable, rows, name), f"{name}_{stamp}.xlsx")
        _unused, towns_qs = filtered(request, values.filter(level=Level.TOWN), definition, years, year, stage)
        schools = SchoolValueTable(
            rows_of(
                SchoolValueTable.prepare_for(schools_qs, order, user),
                definition,
                _start(year),
                overrides,
                user,
            ),
            order,
        )
        towns = TownValueTable(
            rows_of(TownValueTable.prepare(towns_qs, None), definition, _start(year), overrides, user)
        )
        by_town = "school" in definition.levels and not is_school_user(user)
        names = ["year", "stage", "town", "met"] if by_town else ["year", "stage", "met"]
        district_value = next((r.value for r in headline if r.value.stage == stage), None)
        district_row = next((r for r in headline if r.value.stage == stage), None)
        school_rows: list[ValueRow] = list(schools.rows)  # type: ignore[arg-type]
        town_rows: list[ValueRow] = list(towns.rows)  # type: ignore[arg-type]
        school_chart = bar_chart(
            _("Schools, sorted by value") if not is_school_user(user) else _("Your school and the district"),
            school_rows,
            lambda r: r.value.school.name,
            definition,
            stage,
            overrides,
            district_row,
            horizontal=True,
            district_bar=is_school_user(user),
        )
        town_chart = (
            bar_chart(
                _("Towns, sorted by value"),
                town_rows,
                lambda r: r.value.town.name,
                definition,
                stage,
                overrides,
                district_row,
                horizontal=False,
            )
            if not is_school_user(user)
            else None
        )
        export = request.GET.copy()
        export["format"] = "xlsx"
        page.update(
            headline=headline,
            breakdown=BreakdownTable(breakdown) if breakdown else None,
            chart=chart,
            doc=documentation(definition, overrides),
            filterset=filterset,
            filter_fields=filter_fields(filterset, definition, names),
            has_towns="town" in definition.levels,
            has_schools="school" in definition.levels,
            towns=towns,
            town_count=len(town_rows),
            town_chart=town_chart,
            schools=schools,
            school_count=len(school_rows),
            school_chart=school_chart,
            withheld_count=sum(1 for r in school_rows if r.suppressed),
            export_url=f"{request.path}?{export.urlencode()}",
            school_user=is_school_user(user),
            provenance=provenance(page["run"], district_value),
            picker=indicator_picker(),
            cv_rows=cv_rows(cvs, read_values, years, year, overrides, user),
            school_map=map_data(user, definition, year, stage, overrides)
            if "school" in definition.levels
            else None,
            map_url=reverse("map") + year_query(year, indicator=definition.id, stage=stage_param(stage))
            if "school" in definition.levels
            else "",
        )
        return page


def _start(year: AcademicYear | None) -> int:
    return year.start_year if year is not None else 0


class TownIndicatorView(IndicatorPageMixin, View):
    """One town's value and its schools'. A town whose values the user may not read (every town, for a
    school's users) is a 404."""

    template_name = "indicators/indicator_town.html"

    def get(self, request: HttpRequest, indicator: str, pk: int) -> HttpResponse:
        page = self.setup_indicator(indicator)
        definition: Definition = page["definition"]
        years, year, stage, overrides = page["years"], page["year"], page["stage"], page["overrides"]
        user = request.user
        town = Town.objects.restrict(user, VIEW).filter(pk=pk).first()
        values = visible_values(user).filter(indicator=definition.id)
        town_values = list(values.filter(level=Level.TOWN, town_id=pk).select_related("academic_year"))
        if town is None or "town" not in definition.levels or not town_values:
            raise Http404(_("No value of this indicator for this town, or it is outside your scope."))
        this_year = sort_values(v for v in town_values if year is not None and v.academic_year_id == year.pk)
        district = list(
            district_values()
            .filter(indicator=definition.id, breakdown="", stage=stage)
            .select_related("academic_year")
        )
        chart = trend_chart(
            definition,
            years,
            [(town.name, stage, town_values), (_("Whole district"), stage, district)],
            overrides,
            _("%(town)s and the district per school year") % {"town": town.name},
            user,
        )
        filterset, schools_qs = filtered(
            request,
            values.filter(level=Level.SCHOOL, breakdown="", school__town=town),
            definition,
            years,
            year,
            stage,
        )
        order = request.GET.get("sort")
        schools = SchoolValueTable(
            rows_of(
                SchoolValueTable.prepare_for(schools_qs, order, user),
                definition,
                _start(year),
                overrides,
                user,
            ),
            order,
        )
        district_now = next((v for v in district if year is not None and v.academic_year_id == year.pk), None)
        page.update(
            town=town,
            values=organisation_table(
                definition, rows_of(this_year, definition, _start(year), overrides, user)
            ),
            district_row=ValueRow(district_now, definition, _start(year), overrides, user)
            if district_now
            else None,
            chart=chart,
            filterset=filterset,
            filter_fields=filter_fields(filterset, definition, ["year", "stage", "met"]),
            has_schools="school" in definition.levels,
            schools=schools,
            school_count=len(schools.rows),  # type: ignore[arg-type]
        )
        return render(request, self.template_name, page)


class SchoolIndicatorView(IndicatorPageMixin, View):
    """One school's value with its numerator and denominator, its town's and the district's beside it,
    and links to the rows behind it. A school out of the user's scope is a 404."""

    template_name = "indicators/indicator_school.html"

    def get(self, request: HttpRequest, indicator: str, pk: int) -> HttpResponse:
        page = self.setup_indicator(indicator)
        definition: Definition = page["definition"]
        years, year, stage, overrides = page["years"], page["year"], page["stage"], page["overrides"]
        user = request.user
        school = School.objects.restrict(user, VIEW).filter(pk=pk).select_related("town").first()
        if school is None or "school" not in definition.levels:
            raise Http404(_("No such school, or it is outside your scope."))
        values = visible_values(user).filter(indicator=definition.id)
        school_values = list(values.filter(level=Level.SCHOOL, school=school).select_related("academic_year"))
        town_values = list(
            values.filter(level=Level.TOWN, town_id=school.town_id, breakdown="").select_related(
                "academic_year"
            )
        )
        district = list(
            district_values().filter(indicator=definition.id, breakdown="").select_related("academic_year")
        )
        this_year = sort_values(
            v for v in school_values if year is not None and v.academic_year_id == year.pk
        )
        shown_stages = [s for s in stage_keys(definition) if any(v.stage == s for v in this_year)] or [stage]
        line_stage = stage if stage in shown_stages else shown_stages[0]
        lines = [(school.name, line_stage, school_values)]
        if town_values:
            lines.append((school.town.name, line_stage, town_values))
        lines.append((_("Whole district"), line_stage, district))
        chart = trend_chart(
            definition,
            years,
            lines,
            overrides,
            _("The school, its town and the district per school year"),
            user,
        )

        def now(rows: list[IndicatorValue]) -> list[ValueRow]:
            chosen = [
                v
                for v in rows
                if year is not None and v.academic_year_id == year.pk and v.stage in shown_stages
            ]
            return rows_of(sort_values(chosen), definition, _start(year), overrides, user)

        page.update(
            school=school,
            values=organisation_table(
                definition, rows_of(this_year, definition, _start(year), overrides, user)
            ),
            compare_town=now(town_values),
            compare_district=now(district),
            town_url=(
                reverse("indicators:town", args=[definition.id, school.town_id])
                + year_query(year, stage=stage_param(line_stage))
                if town_values and "town" in definition.levels
                else ""
            ),
            chart=chart,
            sources=source_links(user, definition, school, year) if year is not None else [],
            behind=rows_behind(user, definition, school, year) if year is not None else [],
            year_options=list(reversed(years)),
        )
        return render(request, self.template_name, page)


@dataclass
class RowsBehind:
    """The fact rows of one snapshot table behind a school's value, as the user may see them."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    total: int


ROWS_BEHIND_LIMIT = 200


def rows_behind(user: Any, definition: Definition, school: School, year: AcademicYear) -> list[RowsBehind]:
    """The classes, stage-section facility reports and staff records the school's value is counted
    from, read through ``restrict`` (a role that may not see them gets nothing). Students are not listed:
    their number is in the value's denominator, and their records are on the school's own pages."""
    from tisheng.census.models import FacilityReport, SchoolClass, TeacherYear

    tables = {MEASURES[n].table for n in measure_names(definition) if n in MEASURES}
    out: list[RowsBehind] = []
    if "classes" in tables:
        classes = SchoolClass.objects.restrict(user, VIEW).filter(academic_year=year, section__school=school)
        out.append(
            RowsBehind(
                _("Classes"),
                [_("Stage"), _("Class"), _("Students")],
                [
                    [c.section.get_stage_display(), str(c), c.student_count]
                    for c in classes.select_related("section").order_by("grade", "number")[:ROWS_BEHIND_LIMIT]
                ],
                classes.count(),
            )
        )
    if "facilities" in tables:
        reports = FacilityReport.objects.restrict(user, VIEW).filter(
            academic_year=year, section__school=school
        )
        fields = [
            "teaching_area",
            "sports_area",
            "equipment_value",
            "networked_classrooms",
            "classrooms",
            "upgraded_multimedia_classrooms",
            "dangerous_area",
            "resource_rooms",
            "standard_exam_rooms",
        ]
        out.append(
            RowsBehind(
                _("Facility reports"),
                [_("Stage")] + [str(FacilityReport._meta.get_field(f).verbose_name) for f in fields],
                [
                    [r.section.get_stage_display()] + [getattr(r, f) for f in fields]
                    for r in reports.select_related("section").order_by("section__stage")
                ],
                reports.count(),
            )
        )
    if tables & {"teachers", "certificates", "rotations"}:
        staff = TeacherYear.objects.restrict(user, VIEW).filter(academic_year=year, section__school=school)
        out.append(
            RowsBehind(
                _("Staff records"),
                [_("Name"), _("Stage"), _("Post"), _("Subject"), _("Highest education"), _("Backbone level")],
                [
                    [
                        t.teacher.name,
                        t.section.get_stage_display(),
                        t.get_post_display(),
                        t.subject,
                        t.get_education_display(),
                        t.get_backbone_level_display() or "—",
                    ]
                    for t in staff.select_related("teacher", "section").order_by(
                        "section__stage", "teacher__name"
                    )[:ROWS_BEHIND_LIMIT]
                ],
                staff.count(),
            )
        )
    return [table for table in out if table.total]


# --- computation runs -------------------------------------------------------------------------------


def may_run(user: Any) -> bool:
    """Only the district's administrator sees the computation runs and starts a recomputation."""
    return bool(user.is_authenticated and user.role == Role.ADMIN)


def require_admin(user: Any) -> None:
    if not may_run(user):
        raise PermissionDenied(_("Only district administrators see and start indicator computations."))


def recompute(year_id: int, user_id: int | None) -> None:
    """Background entry point of “重新计算”: compute the year's indicators as the asking administrator.
    A failure is recorded on the run by :func:`services.compute_year` itself."""
    year = AcademicYear.objects.get(pk=year_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    services.compute_year(year, trigger=RunTrigger.WEB, user=user)


class RunListView(LoginRequiredMixin, View):
    """计算记录: every computation with its status, who started it, how long it took and what it stored."""

    template_name = "indicators/run_list.html"
    paginate_by = 50

    def get(self, request: HttpRequest) -> HttpResponse:
        require_admin(request.user)
        queryset = IndicatorRun.objects.restrict(request.user, VIEW)
        filterset = IndicatorRunFilterSet(request.GET or None, queryset=queryset, request=request)
        runs = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        order = request.GET.get("sort")
        page = Paginator(RunTable.prepare(runs, order), self.paginate_by).get_page(request.GET.get("page"))
        current = AcademicYear.objects.filter(is_current=True).first()
        context = {
            "filterset": filterset,
            "table": RunTable(page.object_list, order),
            "page": page,
            "total": page.paginator.count,
            "years": AcademicYear.objects.order_by("-start_year"),
            "current_year": current,
            "running": queryset.filter(status=RunStatus.RUNNING).exists(),
        }
        return render(request, self.template_name, context)


class RecomputeView(LoginRequiredMixin, View):
    """“重新计算” (POST): compute a 学年's indicators again in the background, then back to the runs."""

    def post(self, request: HttpRequest) -> HttpResponse:
        require_admin(request.user)
        back = HttpResponseRedirect(reverse("indicators:runs"))
        year = AcademicYear.objects.filter(pk=request.POST.get("year") or 0).first()
        if year is None:
            messages.error(request, _("Choose a school year to compute."))
            return back
        try:
            tasks.run(recompute, year.pk, request.user.pk)
        except Exception as exc:  # inline (TASKS_INLINE): the run is recorded as failed; say why here
            log.exception("recomputation of %s from the web failed", year)
            messages.error(
                request, _("The computation of %(year)s failed: %(error)s") % {"year": year, "error": exc}
            )
            return back
        if getattr(settings, "TASKS_INLINE", False):
            messages.success(request, _("The indicators of %(year)s were computed again.") % {"year": year})
        else:
            messages.success(
                request,
                _(
                    "The indicators of %(year)s are being computed again; reload this page to see the run finish."
                )
                % {"year": year},
            )
        return back
