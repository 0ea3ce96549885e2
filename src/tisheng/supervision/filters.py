"""One filter class per model (STYLE §4) for supervision: warnings, inspections, findings,
rectification orders and evaluation results. Each serves the list page and the API alike (:mod:`tisheng.api.supervision`)."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.core.filters import SearchFilterSet, visible
from tisheng.core.models import AcademicYear, Department, School

from . import choices as c
from .checklists import checklist_choices
from .models import EvaluationResult, Finding, Inspection, RectificationOrder, Warning

ALL = _("All")


class WarningFilterSet(SearchFilterSet):
    search_fields = ("subject", "detail", "resolution")
    kind = df.ChoiceFilter(choices=c.WarningKind.choices, label=_("Kind"), empty_label=ALL)
    severity = df.ChoiceFilter(choices=c.Severity.choices, label=_("Severity"), empty_label=ALL)
    status = df.ChoiceFilter(choices=c.WarningStatus.choices, label=_("Status"), empty_label=ALL)
    school = df.ModelChoiceFilter(queryset=visible(School), label=_("School"))
    department = df.ModelChoiceFilter(queryset=visible(Department), label=_("Department"))
    academic_year = df.ModelChoiceFilter(queryset=visible(AcademicYear), label=_("Academic year"))

    class Meta:
        model = Warning
        fields = ["q", "kind", "severity", "status", "school", "department", "academic_year"]


class InspectionFilterSet(SearchFilterSet):
    search_fields = ("checklist_title", "note", "school__name")
    school = df.ModelChoiceFilter(queryset=visible(School), label=_("School"))
    checklist = df.ChoiceFilter(choices=checklist_choices, label=_("Checklist"), empty_label=ALL)
    date_from = df.DateFilter(field_name="date", lookup_expr="gte", label=_("From date"))
    date_to = df.DateFilter(field_name="date", lookup_expr="lte", label=_("To date"))

    class Meta:
        model = Inspection
        fields = ["q", "school", "checklist", "date_from", "date_to"]


def inspections(request: HttpRequest | None) -> QuerySet[Inspection]:
    """The inspections of the dropdown, with their schools (each option names its school)."""
    queryset: QuerySet[Inspection] = visible(Inspection)(request)
    return queryset.select_related("school")


class FindingFilterSet(SearchFilterSet):
    search_fields = ("title", "note")
    status = df.ChoiceFilter(choices=c.FindingStatus.choices, label=_("Status"), empty_label=ALL)
    school = df.ModelChoiceFilter(
        queryset=visible(School), field_name="inspection__school", label=_("School")
    )
    inspection = df.ModelChoiceFilter(queryset=inspections, label=_("Inspection"))

    class Meta:
        model = Finding
        fields = ["q", "status", "school", "inspection"]


class OrderFilterSet(SearchFilterSet):
    search_fields = ("requirement", "submission_note", "finding__title")
    status = df.ChoiceFilter(choices=c.OrderStatus.choices, label=_("Status"), empty_label=ALL)
    escalation = df.ChoiceFilter(choices=c.Escalation.choices, label=_("Escalation"), empty_label=ALL)
    school = df.ModelChoiceFilter(queryset=visible(School), label=_("School"))
    department = df.ModelChoiceFilter(queryset=visible(Department), label=_("Department"))
    overdue = df.BooleanFilter(method="filter_overdue", label=_("Past the deadline, not submitted"))

    class Meta:
        model = RectificationOrder
        fields = ["q", "status", "escalation", "school", "department", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[RectificationOrder], name: str, value: bool | None
    ) -> QuerySet[RectificationOrder]:
        if value is None:
            return queryset
        late = {"status": c.OrderStatus.ISSUED, "deadline__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


def evaluation_systems() -> list[tuple[str, str]]:
    from .evaluation import systems

    return [(code, system.title) for code, system in systems().items()]


class EvaluationResultFilterSet(SearchFilterSet):
    """The yearly evaluation results; deliberately no filter or order on the score (never a ranking)."""

    search_fields = ("school__name", "school__code")
    academic_year = df.ModelChoiceFilter(queryset=visible(AcademicYear), label=_("Academic year"))
    system = df.ChoiceFilter(choices=evaluation_systems, label=_("Evaluation system"), empty_label=ALL)
    school = df.ModelChoiceFilter(queryset=visible(School), label=_("School"))

    class Meta:
        model = EvaluationResult
        fields = ["q", "academic_year", "system", "school"]
