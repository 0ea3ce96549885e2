"""One filter class per model (STYLE §4): the stored indicator values (指标值) and the computation runs,
for the indicator pages (and the API, when it serves them).

The all-stages row of a value has the stage ``''``, which a form cannot send apart from “no choice”: the
query string names it ``stage=all``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tisheng.core.filters import visible
from tisheng.core.models import AcademicYear, School, Town

from . import present
from .catalogue import catalogue
from .choices import Level, RunStatus, RunTrigger
from .models import IndicatorRun, IndicatorValue
from .tables import MET_BADGES, stage_label

ALL_STAGES = "all"
STAGE_KEYS = ("", "preschool", "primary", "junior", "senior")
YES_NO = (("yes", _("Yes")), ("no", _("No")))
MET_CHOICES = (("yes", MET_BADGES[True][0]), ("no", MET_BADGES[False][0]))


def stage_param(stage: str) -> str:
    """The query-string value of a stage key."""
    return stage or ALL_STAGES


def stage_key(param: str | None) -> str | None:
    """The stage key of a query-string value (None when it names no stage)."""
    if param == ALL_STAGES:
        return ""
    return param if param in STAGE_KEYS and param else None


def stage_choices(keys: Iterable[str] = STAGE_KEYS) -> list[tuple[str, Any]]:
    return [(stage_param(k), stage_label(k)) for k in keys]


def year_choices() -> list[tuple[int, str]]:
    return [(y.start_year, str(y)) for y in AcademicYear.objects.order_by("-start_year")]


def indicator_choices() -> list[tuple[str, str]]:
    return [(d.id, f"{d.id} {d.name_zh}") for d in catalogue().values()]


class IndicatorValueFilterSet(df.FilterSet):
    """Values by indicator, 学年 (start year), level, stage, town (a town's own value and its schools'),
    school and whether the threshold is met. The indicator page narrows the year and stage choices to
    the computed years and the indicator's stages (:meth:`limit_choices`)."""

    indicator = df.ChoiceFilter(choices=indicator_choices, label=_("Indicator"))
    year = df.ChoiceFilter(
        field_name="academic_year__start_year", choices=year_choices, label=_("School year")
    )
    level = df.ChoiceFilter(choices=Level.choices, label=_("Level"))
    stage = df.ChoiceFilter(choices=stage_choices(), method="filter_stage", label=_("Stage"))
    town = df.ModelChoiceFilter(queryset=visible(Town), method="filter_town", label=_("Town"))
    school = df.ModelChoiceFilter(queryset=visible(School), label=_("School"))
    met = df.ChoiceFilter(choices=MET_CHOICES, method="filter_met", label=_("Threshold met"))

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "year", "level", "stage", "town", "school", "met"]

    def limit_choices(self, years: Iterable[AcademicYear], stages: Iterable[str]) -> None:
        """Offer only ``years`` and ``stages`` (before the form is built), without an empty choice."""
        self.filters["year"].extra.update(
            choices=[(y.start_year, str(y)) for y in years], empty_label=None, null_label=None
        )
        self.filters["stage"].extra.update(choices=stage_choices(stages), empty_label=None, null_label=None)

    def filter_stage(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        key = stage_key(value)
        return queryset if key is None else queryset.filter(stage=key)

    def filter_town(self, queryset: QuerySet[Any], name: str, value: Town | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(Q(town=value) | Q(school__town=value))

    def filter_met(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """达标 / 未达标; a small group's value withheld from the user is in neither (else the filter would
        tell what the page withholds)."""
        if value not in ("yes", "no"):
            return queryset
        viewer = self.request.user if self.request is not None else None
        return queryset.filter(met=value == "yes").exclude(present.suppressed_q(viewer))


class IndicatorRunFilterSet(df.FilterSet):
    academic_year = df.ModelChoiceFilter(queryset=visible(AcademicYear), label=_("School year"))
    status = df.ChoiceFilter(choices=RunStatus.choices, label=_("Status"))
    trigger = df.ChoiceFilter(choices=RunTrigger.choices, label=_("Started by"))
    is_current = df.ChoiceFilter(choices=YES_NO, method="filter_current", label=_("Current"))

    class Meta:
        model = IndicatorRun
        fields = ["academic_year", "status", "trigger", "is_current"]

    def filter_current(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(is_current=value == "yes") if value in ("yes", "no") else queryset
