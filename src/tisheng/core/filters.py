"""One filter class per model, used by both the list page and the API (STYLE §4).

A test checks that every concrete field a user would filter by is covered.
"""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.core.choices import GroupKind, Stage
from tisheng.core.models import Department, GroupMembership, School, SchoolGroup, Town
from tisheng.core.permissions import VIEW


def visible(model: type[Any]) -> Any:
    """A dropdown queryset for django-filter: only the rows the user may see (pages and the API pass
    the request), so naming an out-of-scope row is as invalid as naming a missing one. Without a
    request every row: a filter value can only narrow an already restricted list."""

    def queryset(request: HttpRequest | None) -> QuerySet[Any]:
        if request is None:
            return model.objects.all()
        return model.objects.restrict(request.user, VIEW)

    return queryset


class SearchFilterSet(df.FilterSet):
    """A free-text ``q`` over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = df.CharFilter(method="search", label=_("Search"))

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class SchoolFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "code", "address")
    town = df.ModelChoiceFilter(queryset=visible(Town), label=_("Town"))
    school_type = df.MultipleChoiceFilter(
        choices=School._meta.get_field("school_type").choices, label=_("School type")
    )
    stage = df.ChoiceFilter(choices=Stage.choices, method="filter_stage", label=_("Stage"))
    group = df.ModelChoiceFilter(queryset=visible(SchoolGroup), method="filter_group", label=_("Group"))
    ownership = df.ChoiceFilter(choices=School._meta.get_field("ownership").choices, label=_("Ownership"))
    affiliation = df.ChoiceFilter(choices=School._meta.get_field("affiliation").choices, label=_("Run by"))
    urban_rural = df.ChoiceFilter(
        choices=School._meta.get_field("urban_rural").choices, label=_("Urban or rural")
    )
    is_puhui = df.BooleanFilter(label=_("Inclusive (普惠) kindergarten"))
    is_open = df.BooleanFilter(method="filter_open", label=_("Open now"))

    class Meta:
        model = School
        fields = [
            "q",
            "town",
            "school_type",
            "stage",
            "group",
            "ownership",
            "affiliation",
            "urban_rural",
            "is_puhui",
        ]

    def filter_stage(self, queryset: QuerySet[School], name: str, value: str) -> QuerySet[School]:
        return queryset.filter(sections__stage=value).distinct() if value else queryset

    def filter_group(
        self, queryset: QuerySet[School], name: str, value: SchoolGroup | None
    ) -> QuerySet[School]:
        if value is None:
            return queryset
        today = timezone.localdate()
        members = GroupMembership.objects.filter(group=value).active_on(today).values("school_id")
        return queryset.filter(pk__in=members)

    def filter_open(self, queryset: QuerySet[School], name: str, value: bool | None) -> QuerySet[School]:
        if value is None:
            return queryset
        open_ids = School.objects.open_on(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=open_ids) if value else queryset.exclude(pk__in=open_ids)


class TownFilterSet(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Town
        fields = ["q", "kind", "urban_rural"]


class SchoolGroupFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    kind = df.ChoiceFilter(choices=GroupKind.choices, label=_("Kind"))
    school = df.ModelChoiceFilter(
        queryset=School.objects.all(), method="filter_school", label=_("Member school")
    )

    class Meta:
        model = SchoolGroup
        fields = ["q", "kind", "school"]

    def filter_school(
        self, queryset: QuerySet[SchoolGroup], name: str, value: School | None
    ) -> QuerySet[SchoolGroup]:
        if value is None:
            return queryset
        return queryset.filter(memberships__school=value).distinct()


class DepartmentFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "code")

    class Meta:
        model = Department
        fields = ["q", "kind"]
