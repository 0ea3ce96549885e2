"""One filter class per model (STYLE §4) for the health facts: fitness tests (体测成绩), vision screenings
(视力筛查) and 五项管理 class records. Each class serves the list page and the API alike.

The common parameters read as in the census data sets (:mod:`tisheng.api.census_filters`, whose mixins
are reused): ``year`` is the 学年 by its start year, ``school`` (id) or ``school_code`` (学校标识码) the
school. The ``school`` choices are the schools the user may see, so naming another school is as
invalid as naming a missing one; the rows themselves are already restricted before filtering.
"""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.db.models import QuerySet

from tisheng.api.census_filters import ALL, IntegerFilter, SchoolFilterMixin, YearFilterMixin
from tisheng.census import choices as census_choices
from tisheng.census.filters import label
from tisheng.core.choices import Grade
from tisheng.core.filters import SearchFilterSet
from tisheng.health import choices as c
from tisheng.health.models import FITNESS_GRADES, FitnessTest, VisionScreening, WuxiangRecord

FLAGGED_CHOICES = (("yes", "有待核项目"), ("no", "无待核项目"))


class StudentHealthFilterSet(SchoolFilterMixin, YearFilterMixin, SearchFilterSet):
    """What both per-student health records are filtered by: 学年, school, 年级, 班级, 性别 and the
    学籍号 (the free-text search)."""

    school_path = "school"
    search_fields = ("student_number", "class_code")
    grade = df.ChoiceFilter(choices=FITNESS_GRADES, label=label(FitnessTest, "grade"), empty_label=ALL)
    class_code = df.CharFilter(label=label(FitnessTest, "class_code"))
    sex = df.ChoiceFilter(
        choices=census_choices.Sex.choices, label=label(FitnessTest, "sex"), empty_label=ALL
    )


class FitnessTestFilterSet(StudentHealthFilterSet):
    level = df.ChoiceFilter(
        choices=c.FitnessLevel.choices, label=label(FitnessTest, "level"), empty_label=ALL
    )
    status = df.ChoiceFilter(
        choices=c.FitnessStatus.choices, label=label(FitnessTest, "status"), empty_label=ALL
    )
    bmi_band = df.ChoiceFilter(
        choices=c.BmiBand.choices, label=label(FitnessTest, "bmi_band"), empty_label=ALL
    )
    flagged = df.ChoiceFilter(
        choices=FLAGGED_CHOICES, method="filter_flagged", label="待核项目", empty_label=ALL
    )

    class Meta:
        model = FitnessTest
        fields = [
            "q",
            "year",
            "school",
            "school_code",
            "grade",
            "class_code",
            "sex",
            "level",
            "status",
            "bmi_band",
            "flagged",
        ]

    def filter_flagged(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """Tests with items the reader refused to score (待核) or without any (an empty JSON list)."""
        if value == "yes":
            return queryset.exclude(flagged=[])
        if value == "no":
            return queryset.filter(flagged=[])
        return queryset


class VisionScreeningFilterSet(StudentHealthFilterSet):
    correction = df.ChoiceFilter(
        choices=c.Correction.choices, label=label(VisionScreening, "correction"), empty_label=ALL
    )

    class Meta:
        model = VisionScreening
        fields = ["q", "year", "school", "school_code", "grade", "class_code", "sex", "correction"]


class WuxiangRecordFilterSet(SchoolFilterMixin, YearFilterMixin):
    school_path = "school"
    grade = df.ChoiceFilter(choices=Grade.choices, label=label(WuxiangRecord, "grade"), empty_label=ALL)
    class_number = IntegerFilter(label=label(WuxiangRecord, "class_number"))
    semester = df.ChoiceFilter(
        choices=c.Semester.choices, label=label(WuxiangRecord, "semester"), empty_label=ALL
    )

    class Meta:
        model = WuxiangRecord
        fields = ["year", "school", "school_code", "grade", "class_number", "semester"]
