"""One filter class per model (STYLE §4) for the plan: plans, tasks and progress reports. Each serves
the list page and the API alike (:mod:`tisheng.api.plan`, :mod:`tisheng.api.plan_reports`)."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tisheng.core.filters import SearchFilterSet, visible
from tisheng.core.models import Department, District
from tisheng.plan import choices as c
from tisheng.plan.models import Plan, ProgressReport, Project, Task

ALL = _("All")


class PlanFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "source_title")
    district = df.ModelChoiceFilter(
        queryset=visible(District), label=Plan._meta.get_field("district").verbose_name
    )
    year = df.NumberFilter(method="filter_year", label=_("Year within the plan period"))

    class Meta:
        model = Plan
        fields = ["q", "district", "year"]

    def filter_year(self, queryset: QuerySet[Plan], name: str, value: int | None) -> QuerySet[Plan]:
        if value is None:
            return queryset
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class TaskFilterSet(SearchFilterSet):
    search_fields = ("title", "text")
    plan = df.ModelChoiceFilter(queryset=visible(Plan), label=_("Plan"))
    project = df.ModelChoiceFilter(queryset=visible(Project), label=_("Project (工程)"))
    number = df.NumberFilter(label=_("Task number"))
    department = df.ModelChoiceFilter(
        queryset=Department.objects.all(), method="filter_department", label=_("Department")
    )
    role = df.ChoiceFilter(
        choices=c.DepartmentRole.choices, method="filter_role", label=_("Department's role"), empty_label=ALL
    )
    kind = df.ChoiceFilter(
        choices=c.CommitmentKind.choices,
        method="filter_kind",
        label=_("Has a commitment of kind"),
        empty_label=ALL,
    )

    class Meta:
        model = Task
        fields = ["q", "plan", "project", "number", "department", "role", "kind"]

    def filter_department(
        self, queryset: QuerySet[Task], name: str, value: Department | None
    ) -> QuerySet[Task]:
        """Tasks naming the department; with ``role``, only in that role."""
        if value is None:
            return queryset
        links = {"department_links__department": value}
        role = self.form.cleaned_data.get("role")
        if role:
            links["department_links__role"] = role
        return queryset.filter(**links).distinct()

    def filter_role(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        """Tasks naming some department in this role (with ``department``: see filter_department)."""
        if not value or self.form.cleaned_data.get("department") is not None:
            return queryset
        return queryset.filter(department_links__role=value).distinct()

    def filter_kind(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.filter(commitments__kind=value).distinct() if value else queryset


def report_label(name: str) -> Any:
    """The verbose name of a progress report's field, as the filter's label."""
    return ProgressReport._meta.get_field(name).verbose_name  # type: ignore[union-attr]


class ProgressReportFilterSet(df.FilterSet):
    """Progress reports by task, department and quarter (the API's ``/progress-reports``)."""

    task = df.ModelChoiceFilter(queryset=visible(Task), label=report_label("task"))
    department = df.ModelChoiceFilter(queryset=Department.objects.all(), label=report_label("department"))
    year = df.NumberFilter(label=report_label("year"))
    quarter = df.ChoiceFilter(
        choices=c.Quarter.choices,
        label=report_label("quarter"),
        empty_label=ALL,
    )

    class Meta:
        model = ProgressReport
        fields = ["task", "department", "year", "quarter"]
