"""One filter class per model (STYLE §4) for the census facts that have no list page yet: classes,
students, enrolments, status changes, teachers and their records, facilities, population and births.

(Recognitions and activities have theirs in :mod:`tisheng.census.filters`, batches and submissions in
:mod:`tisheng.intake.filters`.) These classes belong next to those in ``tisheng.census.filters``; they
live here until that module takes them, and import nothing from the API, so they move as they are.

The common parameters read the same everywhere:

- ``year``: the 学年 by its start year (``2025`` = 2025—2026学年); for facts dated by a day (status
  changes, violations) the days from 9月1日 of that year to 8月31日 of the next; for facts counted by
  calendar year (honours, population, births) that calendar year.
- ``school`` (id) or ``school_code`` (学校标识码): the school the fact belongs to.

A value the caller may not see (a school, a teacher, a student out of scope) is as invalid as a missing
one, and every narrowing through another table goes through that table's ``restrict()`` too, so a
filter never reveals rows the caller cannot read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet

from tisheng.census import choices as c
from tisheng.census.filters import label
from tisheng.census.models import (
    Birth,
    Certificate,
    Enrolment,
    EthicsViolation,
    FacilityReport,
    Honour,
    PopulationCount,
    Rotation,
    SchoolClass,
    StatusChange,
    Student,
    Teacher,
    TeacherYear,
)
from tisheng.core.choices import Grade, Stage
from tisheng.core.filters import SearchFilterSet, visible
from tisheng.core.models import School, Town
from tisheng.core.permissions import VIEW

YEAR_LABEL = "学年（起始年份，如 2025 即 2025—2026学年）"
CALENDAR_YEAR_LABEL = "年份"
SCHOOL_LABEL = "学校"
SCHOOL_CODE_LABEL = "学校标识码"
STAGE_LABEL = "学段"
ALL = "全部"


class IntegerFilter(df.NumberFilter):
    """A whole number (a year, an age), not a decimal."""

    field_class = forms.IntegerField


def school_year_days(start_year: int) -> tuple[dt.date, dt.date]:
    """The first day of the 学年 and the first day of the next (9月1日 to 9月1日, the end excluded)."""
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 9, 1)


def restricted(filterset: df.FilterSet, model: type[Any]) -> QuerySet[Any]:
    """``model``'s rows the filter set's user may see (every row without a request)."""
    request = getattr(filterset, "request", None)
    if request is None:
        return model.objects.all()
    return model.objects.restrict(request.user, VIEW)


# --- the common parameters --------------------------------------------------------------------------


class SchoolFilterMixin(df.FilterSet):
    """``school`` and ``school_code``: the school found through ``school_path``."""

    school_path: ClassVar[str]

    school = df.ModelChoiceFilter(
        queryset=visible(School), method="filter_school", label=SCHOOL_LABEL, empty_label=ALL
    )
    school_code = df.CharFilter(method="filter_school_code", label=SCHOOL_CODE_LABEL)

    def filter_school(self, queryset: QuerySet[Any], name: str, value: School | None) -> QuerySet[Any]:
        return queryset if value is None else queryset.filter(**{self.school_path: value})

    def filter_school_code(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(**{f"{self.school_path}__code": value}) if value else queryset


class YearFilterMixin(df.FilterSet):
    """``year``: the 学年 found through ``year_path`` (its start year)."""

    year_path: ClassVar[str] = "academic_year__start_year"

    year = IntegerFilter(method="filter_year", label=YEAR_LABEL)

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset if value is None else queryset.filter(**{self.year_path: int(value)})


class DayInYearFilterMixin(df.FilterSet):
    """``year``: facts whose ``date_path`` day falls in the 学年."""

    date_path: ClassVar[str] = "date"

    year = IntegerFilter(method="filter_year", label=YEAR_LABEL)

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        first, after = school_year_days(int(value))
        return queryset.filter(**{f"{self.date_path}__gte": first, f"{self.date_path}__lt": after})


def teacher_filter() -> df.ModelChoiceFilter:
    return df.ModelChoiceFilter(queryset=visible(Teacher), label="教职工", empty_label=ALL)


def student_filter() -> df.ModelChoiceFilter:
    return df.ModelChoiceFilter(queryset=visible(Student), label="学生", empty_label=ALL)


# --- classes and students ---------------------------------------------------------------------------


class SchoolClassFilterSet(SchoolFilterMixin, YearFilterMixin):
    school_path = "section__school"
    stage = df.ChoiceFilter(
        field_name="section__stage", choices=Stage.choices, label=STAGE_LABEL, empty_label=ALL
    )
    grade = df.ChoiceFilter(choices=Grade.choices, label=label(SchoolClass, "grade"), empty_label=ALL)

    class Meta:
        model = SchoolClass
        fields = ["year", "school", "school_code", "stage", "grade"]


class StudentFilterSet(SearchFilterSet):
    """Students by who they are, and by where they were enrolled: ``year``, ``school``,
    ``school_code``, ``stage`` and ``grade`` together name one enrolment (a student enrolled in 2025 at
    school A, not one enrolled in 2025 somewhere and at school A some other year)."""

    search_fields = ("name",)
    #: Parameter → the enrolment's lookup.
    ENROLMENT_LOOKUPS: ClassVar[dict[str, str]] = {
        "year": "academic_year__start_year",
        "school": "school_class__section__school",
        "school_code": "school_class__section__school__code",
        "stage": "school_class__section__stage",
        "grade": "school_class__grade",
    }

    year = IntegerFilter(method="filter_enrolment", label=f"在读{YEAR_LABEL}")
    school = df.ModelChoiceFilter(
        queryset=visible(School), method="filter_enrolment", label="就读学校", empty_label=ALL
    )
    school_code = df.CharFilter(method="filter_enrolment", label=f"就读学校的{SCHOOL_CODE_LABEL}")
    stage = df.ChoiceFilter(
        choices=Stage.choices, method="filter_enrolment", label=STAGE_LABEL, empty_label=ALL
    )
    grade = df.ChoiceFilter(
        choices=Grade.choices, method="filter_enrolment", label=label(SchoolClass, "grade"), empty_label=ALL
    )
    student_number = df.CharFilter(label="学籍号（完整号码，精确匹配）")
    sex = df.ChoiceFilter(choices=c.Sex.choices, label=label(Student, "sex"), empty_label=ALL)
    hukou = df.ChoiceFilter(choices=c.Hukou.choices, label=label(Student, "hukou"), empty_label=ALL)
    disability = df.ChoiceFilter(
        choices=c.Disability.choices, label=label(Student, "disability"), empty_label=ALL
    )
    placement = df.ChoiceFilter(
        choices=c.Placement.choices, label=label(Student, "placement"), empty_label=ALL
    )

    class Meta:
        model = Student
        fields = [
            "q",
            "year",
            "school",
            "school_code",
            "stage",
            "grade",
            "student_number",
            "sex",
            "hukou",
            "disability",
            "placement",
        ]

    def filter_enrolment(self, queryset: QuerySet[Student], name: str, value: Any) -> QuerySet[Student]:
        return queryset  # the enrolment parameters are applied together, in filter_queryset()

    def filter_queryset(self, queryset: QuerySet[Student]) -> QuerySet[Student]:
        queryset = super().filter_queryset(queryset)
        conditions: dict[str, Any] = {}
        for name, lookup in self.ENROLMENT_LOOKUPS.items():
            value = self.form.cleaned_data.get(name)
            value = value.strip() if isinstance(value, str) else value
            if value not in (None, ""):
                conditions[lookup] = value
        if not conditions:
            return queryset
        enrolments = restricted(self, Enrolment).filter(**conditions).values("student_id")
        return queryset.filter(pk__in=enrolments)


class EnrolmentFilterSet(SchoolFilterMixin, YearFilterMixin):
    school_path = "school_class__section__school"
    stage = df.ChoiceFilter(
        field_name="school_class__section__stage", choices=Stage.choices, label=STAGE_LABEL, empty_label=ALL
    )
    grade = df.ChoiceFilter(
        field_name="school_class__grade",
        choices=Grade.choices,
        label=label(SchoolClass, "grade"),
        empty_label=ALL,
    )
    status = df.ChoiceFilter(
        choices=c.EnrolmentStatus.choices, label=label(Enrolment, "status"), empty_label=ALL
    )
    student = student_filter()

    class Meta:
        model = Enrolment
        fields = ["year", "school", "school_code", "stage", "grade", "status", "student"]


class StatusChangeFilterSet(SchoolFilterMixin, DayInYearFilterMixin):
    school_path = "school"
    kind = df.ChoiceFilter(
        choices=c.StatusChangeKind.choices, label=label(StatusChange, "kind"), empty_label=ALL
    )
    student = student_filter()

    class Meta:
        model = StatusChange
        fields = ["year", "school", "school_code", "kind", "student"]


# --- teachers ---------------------------------------------------------------------------------------


class TeacherFilterSet(SchoolFilterMixin, SearchFilterSet):
    school_path = "school"
    search_fields = ("name",)
    year = IntegerFilter(method="filter_year", label=f"任职{YEAR_LABEL}")
    staff_number = df.CharFilter(label="教职工号（精确匹配）")
    sex = df.ChoiceFilter(choices=c.Sex.choices, label=label(Teacher, "sex"), empty_label=ALL)

    class Meta:
        model = Teacher
        fields = ["q", "year", "school", "school_code", "staff_number", "sex"]

    def filter_year(self, queryset: QuerySet[Teacher], name: str, value: Any) -> QuerySet[Teacher]:
        if value is None:
            return queryset
        years = restricted(self, TeacherYear).filter(academic_year__start_year=int(value))
        return queryset.filter(pk__in=years.values("teacher_id"))


class TeacherYearFilterSet(SchoolFilterMixin, YearFilterMixin):
    school_path = "section__school"
    stage = df.ChoiceFilter(
        field_name="section__stage", choices=Stage.choices, label=STAGE_LABEL, empty_label=ALL
    )
    post = df.ChoiceFilter(choices=c.Post.choices, label=label(TeacherYear, "post"), empty_label=ALL)
    education = df.ChoiceFilter(
        choices=c.Education.choices, label=label(TeacherYear, "education"), empty_label=ALL
    )
    title = df.ChoiceFilter(choices=c.Title.choices, label=label(TeacherYear, "title"), empty_label=ALL)
    backbone_level = df.ChoiceFilter(
        choices=c.BackboneLevel.choices, label=label(TeacherYear, "backbone_level"), empty_label=ALL
    )
    teacher = teacher_filter()

    class Meta:
        model = TeacherYear
        fields = [
            "year",
            "school",
            "school_code",
            "stage",
            "post",
            "education",
            "title",
            "backbone_level",
            "teacher",
        ]


class CertificateFilterSet(SchoolFilterMixin):
    school_path = "teacher__school"
    level = df.ChoiceFilter(
        choices=c.CertificateLevel.choices, label=label(Certificate, "level"), empty_label=ALL
    )
    teacher = teacher_filter()

    class Meta:
        model = Certificate
        fields = ["school", "school_code", "level", "teacher"]


class HonourFilterSet(SchoolFilterMixin):
    school_path = "teacher__school"
    year = IntegerFilter(label=CALENDAR_YEAR_LABEL)
    kind = df.ChoiceFilter(choices=c.HonourKind.choices, label=label(Honour, "kind"), empty_label=ALL)
    level = df.ChoiceFilter(choices=c.Level.choices, label=label(Honour, "level"), empty_label=ALL)
    teacher = teacher_filter()

    class Meta:
        model = Honour
        fields = ["year", "school", "school_code", "kind", "level", "teacher"]


class RotationFilterSet(SchoolFilterMixin):
    """Rotations of a school are those from it or to it; ``year``: those under way in the 学年 (begun
    before it ended, not ended before it began)."""

    school_path = "from_school"
    year = IntegerFilter(method="filter_year", label=YEAR_LABEL)
    teacher = teacher_filter()

    class Meta:
        model = Rotation
        fields = ["year", "school", "school_code", "teacher"]

    def filter_school(
        self, queryset: QuerySet[Rotation], name: str, value: School | None
    ) -> QuerySet[Rotation]:
        return queryset if value is None else queryset.filter(Q(from_school=value) | Q(to_school=value))

    def filter_school_code(self, queryset: QuerySet[Rotation], name: str, value: str) -> QuerySet[Rotation]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(from_school__code=value) | Q(to_school__code=value))

    def filter_year(self, queryset: QuerySet[Rotation], name: str, value: Any) -> QuerySet[Rotation]:
        if value is None:
            return queryset
        first, after = school_year_days(int(value))
        return queryset.filter(Q(end__isnull=True) | Q(end__gt=first), start__lt=after)


class EthicsViolationFilterSet(SchoolFilterMixin, DayInYearFilterMixin):
    school_path = "teacher__school"
    teacher = teacher_filter()

    class Meta:
        model = EthicsViolation
        fields = ["year", "school", "school_code", "teacher"]


# --- school facilities, population and births -------------------------------------------------------


class FacilityReportFilterSet(SchoolFilterMixin, YearFilterMixin):
    school_path = "section__school"
    stage = df.ChoiceFilter(
        field_name="section__stage", choices=Stage.choices, label=STAGE_LABEL, empty_label=ALL
    )

    class Meta:
        model = FacilityReport
        fields = ["year", "school", "school_code", "stage"]


class PopulationCountFilterSet(df.FilterSet):
    year = IntegerFilter(label=CALENDAR_YEAR_LABEL)
    town = df.ModelChoiceFilter(queryset=visible(Town), label=label(PopulationCount, "town"), empty_label=ALL)
    community = df.CharFilter(label=label(PopulationCount, "community"))
    age = IntegerFilter(label=label(PopulationCount, "age"))
    sex = df.ChoiceFilter(choices=c.Sex.choices, label=label(PopulationCount, "sex"), empty_label=ALL)

    class Meta:
        model = PopulationCount
        fields = ["year", "town", "community", "age", "sex"]


class BirthFilterSet(df.FilterSet):
    year = IntegerFilter(label=CALENDAR_YEAR_LABEL)
    town = df.ModelChoiceFilter(queryset=visible(Town), label=label(Birth, "town"), empty_label=ALL)

    class Meta:
        model = Birth
        fields = ["year", "town"]
