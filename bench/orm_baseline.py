"""The baseline: five indicators written the straightforward way with the Django ORM.

This is what a developer without the engine would write: loop over the schools (and their sections or
towns), ask the database for each count or sum with ``count()``/``aggregate()``/``exists()``, and add the
school figures up to town and district in Python. It follows the catalogue's 口径 exactly, so its numbers
must equal the engine's (the benchmark checks that value by value):

- 超标准班额班级占比 (``class_size.over_standard_share``): 小学 > 45, 初中 > 50; per stage and for both
- 专任教师持证上岗率 (``teachers.certified_rate``): a certificate valid at the 统计时点 for the stage or
  a higher one; per stage and all stages
- 学前三年毛入园率 (``enrolment.preschool_gross_rate``): preschool pupils ÷ resident children aged 3–5, per
  town and district
- 生均教学及辅助用房面积 (``yzjh.resource.l4``): per 小学/初中 section of the 义务教育 schools
- 家长学校建校率 (``family.parent_school_rate``): schools with at least one 家长学校 activity in the 学年

Each result is ``(indicator, level, org, stage, breakdown, numerator, denominator, value)`` with exact
fractions and the value rounded half-even to 10 places, like the engine's. Needs Django set up.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum

from tisheng.census.choices import CertificateLevel, Post, certificate_covers
from tisheng.census.models import (
    Activity,
    Enrolment,
    FacilityReport,
    PopulationCount,
    SchoolClass,
    TeacherYear,
)
from tisheng.core.models import AcademicYear, District, School, Town

Row = tuple[str, str, str, str, str, Fraction, Fraction | None, Decimal | None]

CLASS_LIMIT = {"primary": 45, "junior": 50}
TEACHER_STAGES = ("preschool", "primary", "junior", "senior")
PLACES = Decimal("1e-10")
_CONTEXT = Context(prec=40)


def rounded(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        PLACES, rounding=ROUND_HALF_EVEN, context=_CONTEXT
    )


def ratio_row(
    indicator: str,
    level: str,
    org: str,
    stage: str,
    num: Fraction,
    den: Fraction,
    factor: int,
    known: bool = True,
) -> Row:
    """One value; none when the denominator is 0 or the numerator's report is missing (``known`` false)."""
    value = num * factor / den if den and known else None
    return (indicator, level, org, stage, "", num, den, rounded(value))


def roll_up(
    indicator: str,
    per_school: dict[tuple[School, str], tuple[Fraction, Fraction, bool]],
    towns: list[str],
    stages: tuple[str, ...],
    district: str,
    factor: int,
) -> list[Row]:
    """School rows (where the denominator is > 0), then the sums for every town and the district.

    ``per_school`` maps (school, stage) to (numerator, denominator, whether the numerator was reported).
    """
    rows: list[Row] = []
    by_town = {(town, stage): [Fraction(0), Fraction(0), False] for town in towns for stage in stages}
    whole = {stage: [Fraction(0), Fraction(0), False] for stage in stages}
    for (school, stage), (num, den, known) in per_school.items():
        if den:
            rows.append(ratio_row(indicator, "school", school.code, stage, num, den, factor, known))
        for bucket in (by_town[(school.town.code, stage)], whole[stage]):
            bucket[0] += num
            bucket[1] += den
            bucket[2] = bucket[2] or known
    for (town, stage), (num, den, known) in by_town.items():
        rows.append(ratio_row(indicator, "town", town, stage, num, den, factor, known))
    for stage, (num, den, known) in whole.items():
        rows.append(ratio_row(indicator, "district", district, stage, num, den, factor, known))
    return rows


def class_size_over_standard(
    year: AcademicYear, schools: list[School], towns: list[str], district: str
) -> list[Row]:
    per_school = {}
    for school in schools:
        classes = SchoolClass.objects.filter(academic_year=year, section__school=school)
        over_all, total_all = 0, 0
        for stage, limit in CLASS_LIMIT.items():
            counts = classes.filter(section__stage=stage).aggregate(
                total=Count("id"), over=Count("id", filter=Q(student_count__gt=limit))
            )
            per_school[(school, stage)] = (Fraction(counts["over"]), Fraction(counts["total"]), True)
            over_all += counts["over"]
            total_all += counts["total"]
        # all stages: the 小学 and 初中 classes only
        per_school[(school, "")] = (Fraction(over_all), Fraction(total_all), True)
    return roll_up("class_size.over_standard_share", per_school, towns, (*CLASS_LIMIT, ""), district, 100)


def certified_rate(year: AcademicYear, schools: list[School], towns: list[str], district: str) -> list[Row]:
    census = year.census_date
    per_school = {}
    for school in schools:
        teachers = TeacherYear.objects.filter(academic_year=year, teacher__school=school, post=Post.TEACHER)
        total_all, certified_all = 0, 0
        for stage in TEACHER_STAGES:
            in_stage = teachers.filter(section__stage=stage)
            total = in_stage.count()
            if not total:
                continue
            levels = [level for level in CertificateLevel.values if certificate_covers(level, stage)]
            certified = (
                in_stage.filter(
                    Q(teacher__certificates__level__in=levels)
                    & Q(teacher__certificates__issued_on__lte=census)
                    & (
                        Q(teacher__certificates__valid_until__isnull=True)
                        | Q(teacher__certificates__valid_until__gte=census)
                    )
                )
                .distinct()
                .count()
            )
            per_school[(school, stage)] = (Fraction(certified), Fraction(total), True)
            total_all += total
            certified_all += certified
        per_school[(school, "")] = (Fraction(certified_all), Fraction(total_all), True)
    return roll_up("teachers.certified_rate", per_school, towns, (*TEACHER_STAGES, ""), district, 100)


def preschool_gross_rate(
    year: AcademicYear, schools: list[School], towns: list[str], district: str
) -> list[Row]:
    indicator = "enrolment.preschool_gross_rate"
    rows: list[Row] = []
    pupils_all, children_all = 0, 0
    open_ids = [s.id for s in schools]
    for town in Town.objects.order_by("code"):
        children = (
            PopulationCount.objects.filter(year=year.start_year, town=town, age__gte=3, age__lte=5).aggregate(
                n=Sum("count")
            )["n"]
            or 0
        )
        pupils = Enrolment.objects.filter(
            academic_year=year,
            school_class__section__stage="preschool",
            school_class__section__school__town=town,
            school_class__section__school_id__in=open_ids,
        ).count()
        if children or town.code in towns:  # every town with a school gets a row, "no data" without people
            rows.append(
                ratio_row(indicator, "town", town.code, "", Fraction(pupils), Fraction(children), 100)
            )
        pupils_all += pupils
        children_all += children
    rows.append(
        ratio_row(indicator, "district", district, "", Fraction(pupils_all), Fraction(children_all), 100)
    )
    return rows


def teaching_area_per_student(
    year: AcademicYear, schools: list[School], towns: list[str], district: str
) -> list[Row]:
    per_school = {}
    for school in schools:
        if school.school_type in ("special", "kindergarten", "senior"):
            continue
        for section in school.sections.filter(stage__in=["primary", "junior"]):
            students = Enrolment.objects.filter(academic_year=year, school_class__section=section).count()
            area = FacilityReport.objects.filter(academic_year=year, section=section).aggregate(
                area=Sum("teaching_area")
            )["area"]
            # no facility report (or an empty one): the value is unknown, not zero
            per_school[(school, section.stage)] = (Fraction(area or 0), Fraction(students), bool(area))
    return roll_up("yzjh.resource.l4", per_school, towns, ("primary", "junior"), district, 1)


def parent_school_rate(
    year: AcademicYear, schools: list[School], towns: list[str], district: str
) -> list[Row]:
    year_end = dt.date(year.start_year + 1, 8, 31)
    indicator = "family.parent_school_rate"
    rows: list[Row] = []
    by_town = {town: [0, 0] for town in towns}
    hits_all = 0
    for school in schools:
        has = Activity.objects.filter(
            school=school, kind="parent_school", date__gte=year.census_date, date__lte=year_end
        ).exists()
        rows.append(ratio_row(indicator, "school", school.code, "", Fraction(int(has)), Fraction(1), 100))
        by_town[school.town.code][0] += int(has)
        by_town[school.town.code][1] += 1
        hits_all += int(has)
    for town, (hits, total) in by_town.items():
        rows.append(ratio_row(indicator, "town", town, "", Fraction(hits), Fraction(total), 100))
    rows.append(
        ratio_row(indicator, "district", district, "", Fraction(hits_all), Fraction(len(schools)), 100)
    )
    return rows


def compute_five(year: AcademicYear) -> list[Row]:
    """The five indicators for ``year`` at school, town and district level."""
    district = District.objects.order_by("id").first()
    code = district.code if district else ""
    schools = list(School.objects.open_on(year.census_date).select_related("town").order_by("code"))
    towns = sorted({school.town.code for school in schools})
    return [
        *class_size_over_standard(year, schools, towns, code),
        *certified_rate(year, schools, towns, code),
        *preschool_gross_rate(year, schools, towns, code),
        *teaching_area_per_student(year, schools, towns, code),
        *parent_school_rate(year, schools, towns, code),
    ]
