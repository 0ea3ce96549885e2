"""One filter class per model (STYLE §4): the registers of recognitions (认定与荣誉) and activities
(活动记录), for their list pages (and the API, when it serves them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as df
from django.db.models import QuerySet
from django_filters.widgets import DateRangeWidget, RangeWidget

from tisheng.census.choices import ActivityKind, Level, RecognitionKind
from tisheng.census.models import Activity, Recognition
from tisheng.core.filters import SearchFilterSet, visible
from tisheng.core.models import AcademicYear, School

EVIDENCE_CHOICES = (("yes", "有"), ("no", "无"))


def label(model: type[Any], field: str) -> Any:
    """The model field's verbose name: one wording for the form, the table and the export."""
    return model._meta.get_field(field).verbose_name


class EvidenceFilterMixin(df.FilterSet):
    """Rows with or without evidence files (the list annotates ``evidence_count``)."""

    evidence = df.ChoiceFilter(
        choices=EVIDENCE_CHOICES, method="filter_evidence", label="证明材料", empty_label="全部"
    )

    def filter_evidence(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "yes":
            return queryset.filter(evidence_count__gt=0)
        if value == "no":
            return queryset.filter(evidence_count=0)
        return queryset


class RecognitionFilterSet(EvidenceFilterMixin, SearchFilterSet):
    search_fields = ("title", "issuer", "school__name")
    school = df.ModelChoiceFilter(
        queryset=visible(School), label=label(Recognition, "school"), empty_label="全部"
    )
    kind = df.ChoiceFilter(
        choices=RecognitionKind.choices, label=label(Recognition, "kind"), empty_label="全部"
    )
    level = df.ChoiceFilter(choices=Level.choices, label=label(Recognition, "level"), empty_label="全部")
    year = df.RangeFilter(
        label="年份（起—止）", widget=RangeWidget(attrs={"type": "number", "min": 2000, "max": 2100})
    )

    class Meta:
        model = Recognition
        fields = ["q", "school", "kind", "level", "year", "evidence"]


class ActivityFilterSet(EvidenceFilterMixin, SearchFilterSet):
    search_fields = ("title", "person", "school__name")
    school = df.ModelChoiceFilter(
        queryset=visible(School), label=label(Activity, "school"), empty_label="全部"
    )
    kind = df.ChoiceFilter(choices=ActivityKind.choices, label=label(Activity, "kind"), empty_label="全部")
    academic_year = df.ModelChoiceFilter(
        queryset=visible(AcademicYear), method="filter_academic_year", label="学年", empty_label="全部"
    )
    date = df.DateFromToRangeFilter(label="日期（起—止）", widget=DateRangeWidget(attrs={"type": "date"}))

    class Meta:
        model = Activity
        fields = ["q", "school", "kind", "academic_year", "date", "evidence"]

    def filter_academic_year(
        self, queryset: QuerySet[Activity], name: str, value: AcademicYear | None
    ) -> QuerySet[Activity]:
        """Activities of a 学年: from 9月1日 to 8月31日 of the next year."""
        if value is None:
            return queryset
        first = dt.date(value.start_year, 9, 1)
        return queryset.filter(date__gte=first, date__lt=dt.date(value.start_year + 1, 9, 1))
