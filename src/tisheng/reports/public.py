"""The public disclosure page (公示), mounted at /public/: no sign-in, aggregates only (issue 7).

For one 学年 (a selector over the computed years, the latest by default) it publishes:

- the district's value of every catalogue indicator, grouped as in the catalogue, one row per stage, with
  its unit, the national threshold, the plan's target, 达标, the change on the year before and the
  plain-language 口径 (the catalogue's ``kou_jing``);
- a chart of a few headline indicators over the computed years;
- the annual school evaluation (办学质量评价) as bands: how many schools in each band per evaluation
  system, and each school's band in school-code order — the rows of the evaluation's own public notice
  (:func:`tisheng.supervision.evaluation_views.public_bands`), never a score or an order by score.

It never reads or publishes a town's or a school's indicator value, a breakdown (grade, sex, level) or
anything about a student.

Small groups (小样本): a figure about persons (students, teachers, residents: :func:`counts_persons`)
that rests on fewer than ``settings.PUBLIC_MIN_GROUP`` of them — its denominator, or the rows it counts —
is not published (:meth:`Definition.small_group` with the indicator's ``min_group`` raised to the
setting, never lowered). A figure with nobody behind it (a count of 0 from 0 rows) protects nobody and
is shown. So that no withheld figure can be worked out by subtraction, the complementary rule of
:mod:`tisheng.indicators.engine.disclosure` is applied again to the values shown here (an all-stages
total shown with exactly one withheld stage would give that stage away); values withheld when they
were stored (``complementary``) stay withheld; and a change on the year before is shown only where both
years are. A withheld figure's place shows :func:`tisheng.indicators.present.suppression_text`
(少于10人，不予公示 / 可推算小样本，不予公示) and neither its value nor whether it meets the threshold.

The district's values are read by level, explicitly (there is no user to ``restrict`` to), as
:func:`tisheng.indicators.views.district_values` does for signed-in users. The plan's targets are the
published plan's own words.

The page is a plain GET that varies only by year and language and writes nothing to the session:
``Cache-Control: private, max-age=300`` — a browser may keep it five minutes, a shared proxy may not,
since every page carries the language form's CSRF token (and its cookie), which is the visitor's own.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tisheng.core.models import AcademicYear, District
from tisheng.indicators import present
from tisheng.indicators.catalogue import Definition, catalogue
from tisheng.indicators.choices import Level
from tisheng.indicators.engine import disclosure
from tisheng.indicators.engine.measures import MEASURES
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.indicators.tables import NOTHING, met_badge, stage_label
from tisheng.indicators.views import STAGE_ORDER, chosen_year, name_of, unit_of
from tisheng.plan.choices import CommitmentKind
from tisheng.plan.models import Commitment
from tisheng.supervision.evaluation import systems
from tisheng.supervision.evaluation_views import band_colour, public_bands
from tisheng.web.charts import Chart, Series

#: seconds a browser or a proxy may reuse the page: the values change once a year, a recomputation
#: within minutes is seen soon enough
PUBLIC_MAX_AGE = 300

#: the indicators drawn over the years at the top of the page (all in %, so they share one axis)
HEADLINE = (
    "enrolment.preschool_gross_rate",
    "preschool.puhui_coverage",
    "enrolment.compulsory_retention_9yr",
    "health.fitness_excellent_good_rate",
    "health.myopia_rate",
)

#: the fact tables whose rows are persons (students, teachers, residents), and the measures of other
#: tables that count persons or that, though in such a table, count no persons
PERSON_TABLES = frozenset(
    {"enrolments", "dropouts", "teachers", "rotations", "honours", "population", "fitness", "vision"}
)
PERSON_MEASURES = frozenset({"researchers", "researchers_lectures_met", "researchers_observations_met"})
NOT_PERSON_MEASURES = frozenset({"teacher_salary_sum", "fitness_total"})


# --- what is withheld -------------------------------------------------------------------------------


def _counts_persons(measure: str) -> bool:
    name = measure.lstrip("*")
    if name in PERSON_MEASURES:
        return True
    return MEASURES[name].table in PERSON_TABLES and name not in NOT_PERSON_MEASURES


def counts_persons(definition: Definition) -> bool:
    """Whether a value of ``definition`` rests on a group of persons: its denominator counts persons
    (for a count, what it counts does); a ``difference`` is about the persons of its rates. Shares of
    schools, classes or class records and the 差异系数 are not about a group of persons."""
    if definition.kind == "difference":
        return counts_persons(catalogue()[definition.of])
    measures = definition.numerator if definition.kind == "count" else definition.denominator
    return any(_counts_persons(m) for m in measures)


def public_definitions(minimum: int) -> dict[str, Definition]:
    """The catalogue with the public cut-off as ``min_group`` of every indicator about persons (an
    indicator's own larger ``min_group`` is kept)."""
    return {
        ident: dataclasses.replace(d, min_group=max(d.min_group, minimum)) if counts_persons(d) else d
        for ident, d in catalogue().items()
    }


@dataclass(frozen=True)
class Cell:
    """What the suppression rules read of a stored value (:class:`disclosure.Cell`)."""

    key: disclosure.Key
    rows: int
    denominator: Decimal | None
    #: withheld, though not a small group itself, because it would give one away
    complementary: bool = False


def withheld(values: Iterable[IndicatorValue], definitions: Mapping[str, Definition]) -> dict[int, str]:
    """The values of one year's district rows that the public does not see, by id, each with the text
    shown in its place: small groups under the public cut-off, the values flagged ``complementary``
    when stored, and the values that would give a withheld one away among the values shown here.

    The stored flags need not be fed into this pass: they were chosen so that the values withheld
    when stored leave none or at least two withheld parts in every sum, and this pass does the same
    for its own, larger set of small groups; the union of two such sets keeps the property."""
    cells = {
        v.pk: Cell(
            (v.indicator, v.level, v.org_code, v.stage, v.breakdown), v.rows, v.denominator, v.complementary
        )
        for v in values
        if v.indicator in definitions
    }
    also = disclosure.complementary(list(cells.values()), definitions, {})
    out: dict[int, str] = {}
    for pk, cell in cells.items():
        definition = definitions[cell.key[0]]
        small = cell.rows > 0 and definition.small_group(cell.rows, cell.denominator)
        hiding = cell.complementary or cell.key in also
        if small or hiding:
            shown = dataclasses.replace(cell, complementary=hiding)
            out[pk] = present.suppression_text(definition, shown, public=True)
    return out


# --- the figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One published figure: the rounded value (None when withheld or missing) and its text."""

    value: Decimal | None
    text: str
    withheld: bool = False
    met: bool | None = None


MISSING = Figure(None, NOTHING)


def figure(definition: Definition, value: IndicatorValue | None, hidden: Mapping[int, str]) -> Figure:
    if value is None or value.value is None:
        return MISSING
    if value.pk in hidden:
        return Figure(None, hidden[value.pk], withheld=True)
    shown = present.display(definition, value.value)
    if definition.unit_zh != "%" and unit_of(definition):
        shown = f"{shown} {unit_of(definition)}"
    return Figure(present.rounded(definition, value.value), shown, met=value.met)


def change(definition: Definition, now: Figure, before: Figure | None) -> tuple[str, str]:
    """The change on the year before, of the published (rounded) figures, and whether it is for the
    better: a gap where either year is withheld or missing (so that neither gives the other away)."""
    if definition.kind == "difference" or before is None or now.value is None or before.value is None:
        return NOTHING, ""
    delta = now.value - before.value
    unit = _("percentage points") if definition.unit_zh == "%" else unit_of(definition)
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    text = f"{sign}{abs(delta):,.{definition.decimals}f} {unit}".strip()
    if not delta:
        return text, ""
    return text, _("better") if (delta > 0) == definition.higher_is_better else _("worse")


@dataclass
class Row:
    definition: Definition
    first: bool
    name: str
    stage: str
    figure: Figure
    met: Any
    change: str
    direction: str
    threshold: str
    target: str

    @property
    def changed(self) -> bool:
        """Whether a change on the year before is published."""
        return self.change != NOTHING


@dataclass
class Group:
    name: str
    rows: list[Row] = field(default_factory=list)

    @property
    def indicator_count(self) -> int:
        return sum(1 for row in self.rows if row.first)


#: (indicator, stage, start year) → the stored district value
ValueTable = dict[tuple[str, str, int], IndicatorValue]


def plan_targets(year: AcademicYear) -> dict[tuple[str, str], str]:
    """(indicator, stage) → the targets the plan in force sets for the district's value, in words."""
    commitments = Commitment.objects.filter(
        kind=CommitmentKind.INDICATOR,
        breakdown="",
        plan__start_year__lte=year.start_year,
        plan__end_year__gte=year.start_year,
    ).exclude(indicator_id="")
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for commitment in commitments.order_by("plan", "position"):
        text = commitment.target_text
        if commitment.deadline_year:
            text = _("%(target)s by %(year)s") % {"target": text, "year": commitment.deadline_year}
        targets = found[(commitment.indicator_id, commitment.stage)]
        if text not in targets:
            targets.append(text)
    return {key: "；".join(texts) for key, texts in found.items()}


def indicator_groups(
    year: int,
    table: ValueTable,
    hidden: Mapping[int, str],
    definitions: Mapping[str, Definition],
    overrides: Mapping[str, Any],
    targets: Mapping[tuple[str, str], str],
) -> list[Group]:
    """The catalogue's groups with a row per indicator and stage, as published for ``year``."""
    groups: dict[str, Group] = {}
    for ident, definition in definitions.items():
        stages = sorted(definition.stage_keys, key=lambda s: STAGE_ORDER.get(s, 9))
        group = groups.setdefault(definition.group, Group(definition.group))
        for index, stage in enumerate(stages):
            now = figure(definition, table.get((ident, stage, year)), hidden)
            earlier = table.get((ident, stage, year - 1))
            before = figure(definition, earlier, hidden) if earlier is not None else None
            text, direction = change(definition, now, before)
            group.rows.append(
                Row(
                    definition=definition,
                    first=index == 0,
                    name=name_of(definition),
                    stage=str(stage_label(stage)) if len(stages) > 1 or stage else "",
                    figure=now,
                    met=met_badge(now.met) if now.met is not None else "",
                    change=text,
                    direction=direction,
                    threshold=present.threshold_text(definition, stage, overrides) or NOTHING,
                    target=targets.get((ident, stage), "") or NOTHING,
                )
            )
    return list(groups.values())


def headline_chart(
    years: Sequence[AcademicYear],
    table: ValueTable,
    hidden: Mapping[int, str],
    definitions: Mapping[str, Definition],
) -> Chart:
    """The headline indicators over the computed years; a withheld year is a gap in its line."""
    series = []
    for ident in HEADLINE:
        definition = definitions[ident]
        points = [figure(definition, table.get((ident, "", y.start_year)), hidden).value for y in years]
        series.append(Series(name_of(definition), [None if p is None else float(p) for p in points], "line"))
    return Chart(
        _("Headline indicators of the district, by school year"),
        categories=[str(y.start_year) for y in years],
        series=series,
        unit="%",
        height=360,
    )


# --- the school evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BandColumn:
    name: str
    colour: str


@dataclass
class BandRow:
    system: str
    schools: int
    #: per column of :class:`BandTable`: "44（88.0%）", or "—" where the system has no such band
    cells: list[str]


@dataclass
class BandTable:
    """How many schools each band of each evaluation system has: a row per system, a column per band
    (from the best down, the bands of every system in turn), then the schools without a band."""

    columns: list[BandColumn]
    rows: list[BandRow]


def band_table(groups: Sequence[Mapping[str, Any]]) -> BandTable:
    """The band counts of the published rows of :func:`public_bands`: counts of schools only."""
    no_band = str(_("No band (too little data)"))
    columns: dict[str, BandColumn] = {}
    counted: list[tuple[str, int, Counter[str], set[str]]] = []
    for group in groups:
        system = systems().get(group["code"])
        own = {no_band}
        for band in system.bands if system else ():
            columns.setdefault(band.name, BandColumn(band.name, band_colour(group["code"], band.code)))
            own.add(band.name)
        counts: Counter[str] = Counter()
        for _code, _name, band, label, _colour in group["rows"]:
            name = f"{band} {label}" if band else no_band
            columns.setdefault(name, BandColumn(name, band_colour(group["code"], band)))
            own.add(name)
            counts[name] += 1
        counted.append((group["title"], len(group["rows"]), counts, own))
    if no_band in columns:  # the schools without a band last
        columns[no_band] = columns.pop(no_band)
    rows = []
    for title, schools, counts, own in counted:
        cells = []
        for name in columns:
            share = (
                (Decimal(100 * counts[name]) / schools).quantize(Decimal("0.1")) if schools else Decimal(0)
            )
            cells.append(f"{counts[name]}（{share}%）" if name in own else NOTHING)
        rows.append(BandRow(title, schools, cells))
    return BandTable(list(columns.values()), rows)


# --- the page ---------------------------------------------------------------------------------------


def computed_years() -> list[AcademicYear]:
    """The 学年 with a current computation, oldest first."""
    return list(
        AcademicYear.objects.filter(indicator_runs__is_current=True).distinct().order_by("start_year")
    )


def district_table(years: Sequence[AcademicYear]) -> ValueTable:
    """The district's current all-breakdowns values of ``years``: nothing below the district is read."""
    values = (
        IndicatorValue.objects.current()
        .filter(level=Level.DISTRICT, breakdown="", academic_year__in=years)
        .select_related("academic_year")
    )
    return {(v.indicator, v.stage, v.academic_year.start_year): v for v in values}


@require_safe
def disclosure_page(request: HttpRequest) -> HttpResponse:
    """公示: the district's indicators and the school evaluation's bands of one school year."""
    minimum = settings.PUBLIC_MIN_GROUP
    definitions = public_definitions(minimum)
    years = computed_years()
    year = chosen_year(request, years)
    table = district_table(years)
    by_year: dict[int, list[IndicatorValue]] = defaultdict(list)
    for (_ident, _stage, start), value in table.items():
        by_year[start].append(value)
    hidden: dict[int, str] = {}
    for values in by_year.values():
        hidden.update(withheld(values, definitions))
    context: dict[str, Any] = {
        "district": District.objects.first(),
        "years": list(reversed(years)),
        "year": year,
        "minimum": minimum,
        "groups": [],
        "chart": None,
        "evaluation": [],
        "band_table": None,
    }
    if year is not None:
        run = IndicatorRun.objects.filter(academic_year=year, is_current=True).first()
        overrides = run.overrides if run is not None else settings.THRESHOLD_OVERRIDES
        groups = indicator_groups(year.start_year, table, hidden, definitions, overrides, plan_targets(year))
        headline = [row for g in groups for row in g.rows if row.first and row.definition.id in HEADLINE]
        evaluation = public_bands(year)
        context.update(
            run=run,
            groups=groups,
            headline=sorted(headline, key=lambda row: HEADLINE.index(row.definition.id)),
            chart=headline_chart(years, table, hidden, definitions),
            evaluation=evaluation,
            band_table=band_table(evaluation) if evaluation else None,
            withheld_count=sum(1 for g in groups for row in g.rows if row.figure.withheld),
        )
    response = render(request, "reports/public.html", context)
    patch_cache_control(response, private=True, max_age=PUBLIC_MAX_AGE)
    return response
