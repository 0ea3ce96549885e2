"""The organisation pages: schools, towns, groups and departments, each a list, a profile, a history."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisheng.census.models import SchoolClass
from tisheng.core.choices import MembershipRole
from tisheng.core.filters import DepartmentFilterSet, SchoolFilterSet, SchoolGroupFilterSet, TownFilterSet
from tisheng.core.forms import SCHOOL_FIELDS_BY_ROLE
from tisheng.core.models import AcademicYear, Department, GroupMembership, School, SchoolGroup, Town, User
from tisheng.core.permissions import VIEW
from tisheng.core.tables import DepartmentTable, SchoolGroupTable, SchoolTable, TownTable
from tisheng.web.charts import Chart, Series
from tisheng.web.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    enrolment_context,
)


class SchoolListView(ObjectListView):
    model = School
    filterset_class = SchoolFilterSet
    table_class = SchoolTable
    title = _("Schools")


class SchoolDetailView(ObjectDetailView):
    model = School
    template_name = "core/school_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        school: School = context["object"]
        user = self.request.user
        year = AcademicYear.objects.filter(is_current=True).first()
        classes = SchoolClass.objects.restrict(user, VIEW).filter(section__school=school)
        context.update(enrolment_context(classes, year))
        context["year"] = year
        context["sections"] = school.sections.all()
        context["memberships"] = (
            GroupMembership.objects.restrict(user, VIEW).filter(school=school).select_related("group")
        ).order_by("-valid_from")
        context["grade_chart"] = grade_chart(classes, year)
        return context


def grade_chart(classes: QuerySet[SchoolClass], year: AcademicYear | None) -> Chart | None:
    """Students and classes per grade in the current year."""
    if year is None:
        return None
    rows = list(
        classes.filter(academic_year=year)
        .values("grade")
        .annotate(students=Sum("student_count"), classes=Count("id"))
        .order_by("grade")
    )
    if not rows:
        return None
    labels = [SchoolClass(grade=r["grade"]).get_grade_display() for r in rows]
    return Chart(
        _("Students per grade"),
        categories=labels,
        series=[
            Series(_("students"), [r["students"] for r in rows]),
            Series(_("classes"), [r["classes"] for r in rows], kind="line"),
        ],
    )


class SchoolEditView(ObjectEditView):
    model = School
    fields_by_role = SCHOOL_FIELDS_BY_ROLE


class SchoolHistoryView(ObjectHistoryView):
    model = School


class TownListView(ObjectListView):
    model = Town
    filterset_class = TownFilterSet
    table_class = TownTable
    title = _("Towns")

    def get_queryset(self) -> QuerySet[Town]:
        return super().get_queryset().annotate(school_count=Count("schools"))


class TownDetailView(ObjectDetailView):
    model = Town
    template_name = "core/town_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        schools = School.objects.restrict(self.request.user, VIEW).filter(town=context["object"])
        context["table"] = SchoolTable(SchoolTable.prepare(schools, None))
        return context


class TownHistoryView(ObjectHistoryView):
    model = Town


class GroupListView(ObjectListView):
    model = SchoolGroup
    filterset_class = SchoolGroupFilterSet
    table_class = SchoolGroupTable
    title = _("School groups")

    def get_queryset(self) -> QuerySet[SchoolGroup]:
        # Counted by subqueries, not by annotating the restricted query: a school user's scope joins
        # the memberships, and a Count over that join would see only the user's own school.
        today = timezone.localdate()
        current = GroupMembership.objects.filter(group=OuterRef("pk")).active_on(today)
        lead = current.filter(role=MembershipRole.LEAD).values("school__name")[:1]
        members = current.order_by().values("group").annotate(n=Count("pk")).values("n")
        return (
            super()
            .get_queryset()
            .annotate(member_count=Coalesce(Subquery(members), 0), lead_name=Subquery(lead))
        )


class GroupDetailView(ObjectDetailView):
    model = SchoolGroup
    template_name = "core/group_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        group: SchoolGroup = context["object"]
        today = timezone.localdate()
        memberships = group.memberships.select_related("school", "school__town").order_by(
            "valid_to", "-role", "school__code"
        )
        context["current"] = [
            m for m in memberships if m.valid_from <= today and (m.valid_to is None or m.valid_to > today)
        ]
        context["past"] = [m for m in memberships if m.valid_to is not None and m.valid_to <= today]
        context["lead_role"] = MembershipRole.LEAD
        return context


class GroupHistoryView(ObjectHistoryView):
    model = SchoolGroup


class DepartmentListView(ObjectListView):
    model = Department
    filterset_class = DepartmentFilterSet
    table_class = DepartmentTable
    title = _("Departments")


class DepartmentDetailView(ObjectDetailView):
    model = Department
    template_name = "core/department_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["members"] = User.objects.restrict(self.request.user, VIEW).filter(
            department=context["object"]
        )
        return context


class DepartmentHistoryView(ObjectHistoryView):
    model = Department
