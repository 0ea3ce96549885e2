"""The figures the official documents are written from, read once from the indicator snapshots.

The annual report (.docx) and the 优质均衡 self-assessment (.xlsx) say the same things about the same
year: both read them here. Every indicator figure is a current stored value
(:class:`~tisheng.indicators.models.IndicatorValue`), never a raw fact (ARCHITECTURE.md), and is shown
as the documents' reader may see it: the documents go to the district and beyond, so a value withheld
as a small group (:func:`tisheng.indicators.present.is_suppressed` with no viewer school) is its
suppression text, never its number. The only figures not from the indicators are the 基本情况 counts
(schools, classes, students, full-time teachers), which are census counts by definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count

from tisheng.census.choices import Post
from tisheng.census.models import SchoolClass, TeacherYear
from tisheng.census.queries import enrolment_by_stage
from tisheng.core.models import AcademicYear, District, School
from tisheng.indicators import present
from tisheng.indicators.catalogue import SCHOOL_TYPE_LABELS, STAGE_LABELS, Definition, catalogue
from tisheng.indicators.choices import Level
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.standards import Comparison

#: the 7 resource indicators of 义务教育优质均衡 (资源配置), judged per school section
RESOURCE_IDS = tuple(f"yzjh.resource.l{n}" for n in range(1, 8))
#: their 差异系数 (校际差异系数), judged for the district per stage
CV_IDS = tuple(f"yzjh.cv.l{n}" for n in range(1, 8))
SCHOOL_VERDICT = "yzjh.school_verdict"
DISTRICT_VERDICT = "yzjh.district_verdict"
YZJH_STAGES = ("primary", "junior")
STAGES = ("preschool", "primary", "junior", "senior")
#: a resource indicator that misses its standard must still reach this share of it (余项不低于85%)
FLOOR_SHARE = Fraction(85, 100)


class ReportError(Exception):
    """A document cannot be written for the year asked for (the message is Chinese, for the user)."""


def computed_years() -> list[AcademicYear]:
    """The 学年 with a current indicator computation, oldest first: the years a document can cover."""
    return list(
        AcademicYear.objects.filter(indicator_runs__is_current=True).distinct().order_by("start_year")
    )


def report_year(start_year: int) -> tuple[AcademicYear, IndicatorRun]:
    """The 学年 starting in ``start_year`` and its current computation; :class:`ReportError` when the
    year is unknown or nothing has been computed for it."""
    year = AcademicYear.objects.filter(start_year=start_year).first()
    known = "、".join(
        str(y) for y in AcademicYear.objects.order_by("start_year").values_list("start_year", flat=True)
    )
    if year is None:
        raise ReportError(f"没有{start_year}学年。已有的学年：{known or '（还没有任何学年）'}")
    run = IndicatorRun.objects.filter(academic_year=year, is_current=True).first()
    if run is None:
        done = "、".join(str(y.start_year) for y in computed_years())
        raise ReportError(
            f"{start_year}学年还没有计算指标（先运行 tisheng compute --year {start_year}）。"
            f"已计算的学年：{done or '（没有）'}"
        )
    return year, run


def the_district() -> District:
    """The district the documents are about (the platform serves one)."""
    district = District.objects.order_by("pk").first()
    if district is None:
        raise ReportError("还没有建立区县（先导入学校名录）")
    return district


def number(definition: Definition, value: Decimal | None) -> str:
    """The published figure without its unit (half-up to the definition's decimals)."""
    shown = present.rounded(definition, value)
    return "—" if shown is None else f"{shown:,.{definition.decimals}f}"


@dataclass(frozen=True)
class Shown:
    """A stored value as the document shows it: ``text`` (the figure, or the suppression text), the
    rounded number when it may be shown (None when withheld or missing) and whether it met its
    threshold (None when withheld, missing or without threshold)."""

    text: str
    value: Decimal | None
    met: bool | None
    withheld: bool = False


MISSING = Shown("—", None, None)


def shown(definition: Definition, stored: IndicatorValue | None) -> Shown:
    if stored is None or stored.value is None:
        return MISSING
    if present.is_suppressed(definition, stored, None):
        return Shown(present.suppression_text(definition, stored), None, None, withheld=True)
    return Shown(number(definition, stored.value), present.rounded(definition, stored.value), stored.met)


def district_values(
    district: District, up_to: int, breakdowns: Iterable[str] = ("",)
) -> dict[tuple[str, str, int, str], IndicatorValue]:
    """(indicator, stage, 学年, breakdown) → the district's current value, for every year up to ``up_to``:
    the all-breakdowns rows and ``breakdowns`` (the grade × sex cells of the health indicators, tens of
    thousands of rows, are not read)."""
    rows = (
        IndicatorValue.objects.current()
        .filter(
            level=Level.DISTRICT,
            org_code=district.code,
            academic_year__start_year__lte=up_to,
            breakdown__in={"", *breakdowns},
        )
        .select_related("academic_year")
    )
    return {(v.indicator, v.stage, v.academic_year.start_year, v.breakdown): v for v in rows}


@dataclass(frozen=True)
class Resource:
    """One of the 7 resource indicators of one school section: its value, its standard and whether it is
    met; ``share`` is how far the value reaches the standard (1 = met) for the 85% rule."""

    definition: Definition
    shown: Shown
    threshold: Comparison | None
    share: Fraction | None


@dataclass(frozen=True)
class Section:
    """A school section (学校学段) of 义务教育 and its 优质均衡 resource verdict."""

    school: School
    stage: str
    resources: tuple[Resource, ...]
    #: the stored verdict (yzjh.school_verdict of the section): True 达标, False 未达标, None 无数据
    passed: bool | None

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.resources if r.shown.met)

    @property
    def missing(self) -> list[Resource]:
        return [r for r in self.resources if r.shown.met is not True]

    @property
    def lowest_share(self) -> Fraction | None:
        shares = [r.share for r in self.missing if r.share is not None]
        return min(shares) if shares else None


def _share(threshold: Comparison | None, value: Decimal | None) -> Fraction | None:
    if threshold is None or value is None:
        return None
    return threshold.reached_share(Fraction(value))


def sections(year: AcademicYear, overrides: Mapping[str, Any]) -> list[Section]:
    """Every 义务教育 school section with values for ``year``, by stage then school code."""
    definitions = catalogue()
    rows = (
        IndicatorValue.objects.current()
        .filter(
            academic_year=year,
            level=Level.SCHOOL,
            indicator__in=(*RESOURCE_IDS, SCHOOL_VERDICT),
            stage__in=YZJH_STAGES,
            breakdown="",
        )
        .select_related("school")
    )
    by_section: dict[tuple[int, str], dict[str, IndicatorValue]] = {}
    schools: dict[int, School] = {}
    for v in rows:
        if v.school is None:
            continue
        schools[v.school.pk] = v.school
        by_section.setdefault((v.school.pk, v.stage), {})[v.indicator] = v
    out = []
    for (school_id, stage), found in by_section.items():
        resources = []
        for ident in RESOURCE_IDS:
            definition = definitions[ident]
            threshold = definition.threshold(stage, overrides)
            value = shown(definition, found.get(ident))
            stored = found.get(ident)
            exact = None if value.value is None or stored is None else stored.value
            resources.append(Resource(definition, value, threshold, _share(threshold, exact)))
        verdict = found.get(SCHOOL_VERDICT)
        passed = None
        if verdict is not None and verdict.value is not None:
            passed = verdict.met if verdict.met is not None else verdict.value >= 100
        out.append(Section(schools[school_id], stage, tuple(resources), passed))
    order = {s: i for i, s in enumerate(YZJH_STAGES)}
    return sorted(out, key=lambda s: (order[s.stage], s.school.code))


@dataclass(frozen=True)
class CvRow:
    """A 差异系数 of one stage: the value, the limit and whether it is within it."""

    definition: Definition
    stage: str
    shown: Shown
    threshold: Comparison | None


def cv_rows(
    values: Mapping[tuple[str, str, int, str], IndicatorValue], year: int, overrides: Mapping[str, Any]
) -> list[CvRow]:
    definitions = catalogue()
    return [
        CvRow(
            definitions[ident],
            stage,
            shown(definitions[ident], values.get((ident, stage, year, ""))),
            definitions[ident].threshold(stage, overrides),
        )
        for stage in YZJH_STAGES
        for ident in CV_IDS
    ]


@dataclass(frozen=True)
class StageCounts:
    """基本情况 of one stage in one 学年: sections (a 九年一贯制 school counts in both of its stages),
    classes, students and full-time teachers, from the census."""

    stage: str
    sections: int
    classes: int
    students: int
    teachers: int

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.stage]


def stage_counts(year: AcademicYear) -> list[StageCounts]:
    """The census counts of ``year`` by stage (:func:`tisheng.census.queries.enrolment_by_stage` for the
    classes and students)."""
    classes = SchoolClass.objects.filter(academic_year=year)
    enrolled = {row.stage: row for row in enrolment_by_stage(classes)}
    sections = dict(
        classes.values("section__stage")
        .annotate(n=Count("section", distinct=True))
        .values_list("section__stage", "n")
    )
    teachers = dict(
        TeacherYear.objects.filter(academic_year=year, post=Post.TEACHER)
        .values("section__stage")
        .annotate(n=Count("id"))
        .values_list("section__stage", "n")
    )
    return [
        StageCounts(
            stage,
            sections.get(stage, 0),
            enrolled[stage].classes if stage in enrolled else 0,
            enrolled[stage].students if stage in enrolled else 0,
            teachers.get(stage, 0),
        )
        for stage in STAGES
    ]


def school_count(year: AcademicYear) -> tuple[int, list[tuple[str, int]]]:
    """The schools with classes in ``year``, in all and by school type (类型名称, 所数)."""
    rows = (
        School.objects.filter(sections__classes__academic_year=year)
        .distinct()
        .values_list("school_type", flat=True)
    )
    counts: dict[str, int] = {}
    for school_type in rows:
        counts[school_type] = counts.get(school_type, 0) + 1
    ordered = [(SCHOOL_TYPE_LABELS[t], counts[t]) for t in SCHOOL_TYPE_LABELS if t in counts]
    return sum(counts.values()), ordered
