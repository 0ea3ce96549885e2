"""The web shell's views: sign-in, the public landing page, the role-aware home, and the generic list,
detail, edit and history views that every app's pages are declared with.

Permissions are applied to the query (STYLE §6): an object outside the user's scope is a 404, an
object the user may see but not change is a 403, an anonymous visitor is sent to sign in.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.forms import modelform_factory
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from tisheng.census.models import SchoolClass
from tisheng.census.queries import enrolment_by_stage, pivot
from tisheng.core import throttle
from tisheng.core.choices import SCHOOL_ROLES, Role, SchoolType, Stage
from tisheng.core.models import AcademicYear, ChangeRecord, Department, District, School, Town
from tisheng.core.permissions import CHANGE, VIEW, can
from tisheng.plan.board import build_board, current_plan
from tisheng.plan.models import ProgressReport
from tisheng.web import overview
from tisheng.web.charts import Chart, Series
from tisheng.web.pagecache import render_dashboard
from tisheng.web.tables import Table


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class LoginForm(auth_views.AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else None
        if username and throttle.is_locked(username, ip):
            raise forms.ValidationError(
                _("Too many failed sign-ins. Try again in %(minutes)s minutes or ask the administrator.")
                % {"minutes": throttle.lock_minutes()},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.note_attempt(username, ip, succeeded=False)
            raise
        throttle.note_attempt(username, ip, succeeded=True)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/csrf_failure.html", {"reason": reason}, status=403)


def public_home(request: HttpRequest) -> HttpResponse:
    """The public landing page: the district's school directory in aggregate. Signed-in users go home."""
    if request.user.is_authenticated:
        return redirect("home")
    district = District.objects.first()
    open_schools = School.objects.open_on(_today())
    by_type = dict(
        open_schools.values_list("school_type").annotate(n=Count("id")).values_list("school_type", "n")
    )
    rows = [(SchoolType(t).label, by_type.get(t, 0)) for t in SchoolType.values if by_type.get(t)]
    context = {
        "district": district,
        "school_types": rows,
        "school_total": sum(n for _label, n in rows),
        "town_count": Town.objects.count(),
        "chart": Chart(_("Schools by type"), kind="pie", pie=rows) if rows else None,
    }
    return render(request, "web/public_home.html", context)


def is_htmx(request: HttpRequest) -> bool:
    """An HTMX partial request (not its history restore, which wants the whole page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role's home: the district overview for the district roles (:mod:`tisheng.web.overview`), a
    department's own plan board, a school's own page. On the overview an HTMX request with
    ``?indicator=`` gets only the key indicator's trend."""

    def get_template_names(self) -> list[str]:
        role = self.request.user.role  # type: ignore[union-attr]
        if role in SCHOOL_ROLES:
            return ["web/home_school.html"]
        if role == Role.DEPARTMENT:
            return ["web/home_department.html"]
        if is_htmx(self.request) and "indicator" in self.request.GET:
            return ["web/partials/overview_trend.html"]
        return ["web/home_district.html"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.get_template_names() == ["web/home_district.html"]:
            # the district overview: a cached body per scope and data version (tisheng.web.pagecache)
            response = render_dashboard(
                request,
                "overview",
                "web/home_district.html",
                {},
                "web/partials/overview_body.html",
                lambda: self.get_context_data(**kwargs),
            )
        else:
            response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = AcademicYear.objects.filter(is_current=True).first()
        context["year"] = year
        start_year = year.start_year if year else None
        if user.role in SCHOOL_ROLES:  # type: ignore[union-attr]
            classes = SchoolClass.objects.restrict(user, VIEW)
            school = School.objects.restrict(user, VIEW).get(pk=user.school_id)  # type: ignore[union-attr]
            context["school"] = school
            context["groups"] = school.current_groups()
            context.update(enrolment_context(classes.filter(section__school=school), year))
        elif user.role == Role.DEPARTMENT:  # type: ignore[union-attr]
            context.update(department_context(user, start_year))
        elif "web/partials/overview_trend.html" in self.get_template_names():
            context.update(overview.trend_only(user, start_year, self.request.GET.get("indicator"), _today()))
        else:
            context.update(
                overview.overview_context(user, start_year, self.request.GET.get("indicator"), _today())
            )
            context.update(directory_context(user))
            context.update(enrolment_context(SchoolClass.objects.restrict(user, VIEW), year))
            if can_see_audit(user):
                context["recent_changes"] = ChangeRecord.objects.select_related("content_type")[:10]
        return context


def department_context(user: Any, year: int | None) -> dict[str, Any]:
    """A department's home: its own plan board (the tasks that name it, the reports it owes) and its
    latest progress reports."""
    department = Department.objects.restrict(user, VIEW).get(pk=user.department_id)
    plan = current_plan(user, year)
    reports = (
        ProgressReport.objects.restrict(user, VIEW)
        .filter(department=department)
        .select_related("task")
        .order_by("-submitted_on", "-pk")[:8]
    )
    return {
        "department": department,
        "plan": plan,
        "board": build_board(plan, user, _today(), department) if plan is not None else None,
        "recent_reports": list(reports),
    }


def can_see_audit(user: Any) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def directory_context(user: Any) -> dict[str, Any]:
    schools = School.objects.restrict(user, VIEW).open_on(_today())
    counts = dict(schools.values("school_type").annotate(n=Count("id")).values_list("school_type", "n"))
    rows = [(SchoolType(t).label, counts.get(t, 0)) for t in SchoolType.values if counts.get(t)]
    towns = (
        Town.objects.restrict(user, VIEW)
        .annotate(school_count=Count("schools"))
        .order_by("code")
        .values("pk", "name", "kind", "school_count")
    )
    return {
        "school_types": rows,
        "school_total": sum(n for _label, n in rows),
        "type_chart": Chart(_("Schools by type"), kind="pie", pie=rows) if rows else None,
        "towns": list(towns),
    }


STAGE_ORDER = [Stage.PRESCHOOL, Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR]


def enrolment_context(classes: QuerySet[SchoolClass], year: AcademicYear | None) -> dict[str, Any]:
    """Students and classes by stage over the years: a trend chart and a table."""
    years, table = pivot(enrolment_by_stage(classes))
    stages = [s for s in STAGE_ORDER if s in table]
    rows = [
        {
            "stage": Stage(s).label,
            "cells": [table[s].get(y) for y in years],
        }
        for s in stages
    ]
    chart = None
    if years:
        chart = Chart(
            _("Students by stage"),
            categories=[str(y) for y in years],
            series=[
                Series(Stage(s).label, [getattr(table[s].get(y), "students", None) for y in years], "line")
                for s in stages
            ],
            unit=_("students"),
        )
    current = year.start_year if year else (years[-1] if years else None)
    totals = {
        Stage(s).label: table[s][current].students
        for s in stages
        if current is not None and current in table[s]
    }
    return {
        "enrolment_years": years,
        "enrolment_rows": rows,
        "enrolment_chart": chart,
        "enrolment_now": totals,
    }


# --- generic declared views --------------------------------------------------------------------------


class ObjectListView(LoginRequiredMixin, View):
    """A list page: the restricted queryset, filtered by the model's filter set, shown by its table.
    An HTMX request gets only the table partial."""

    model: ClassVar[type[models.Model]]
    filterset_class: ClassVar[Any]
    table_class: ClassVar[type[Table]]
    title: ClassVar[Any]
    template_name = "web/object_list.html"
    partial_name = "web/partials/table.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.restrict(self.request.user, VIEW)  # type: ignore[attr-defined]

    def annotate_rows(self, rows: list[Any]) -> None:
        """Set on the page's rows what their table shows and a query cannot give (nothing by default)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        queryset = self.get_queryset()
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        order = request.GET.get("sort")
        page = Paginator(self.table_class.prepare(filtered, order), self.paginate_by).get_page(
            request.GET.get("page")
        )
        rows = list(page.object_list)
        self.annotate_rows(rows)
        context = {
            "title": self.title,
            "filterset": filterset,
            "table": self.table_class(rows, order),
            "page": page,
            "total": page.paginator.count,
            "can_add": False,
        }
        template = self.partial_name if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


class ObjectMixin(LoginRequiredMixin):
    model: ClassVar[type[models.Model]]

    def get_object(self) -> Any:
        """The object if the user may see it; otherwise 404, never a hint that it exists."""
        queryset = self.model.objects.restrict(self.request.user, VIEW)  # type: ignore[attr-defined]
        obj = queryset.filter(pk=self.kwargs["pk"]).first()  # type: ignore[attr-defined]
        if obj is None:
            raise Http404(_("No such object, or it is outside your scope."))
        return obj


class ObjectDetailView(ObjectMixin, TemplateView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context["object"] = obj
        context["can_change"] = can(self.request.user, CHANGE, obj)
        context["history_count"] = ChangeRecord.objects.for_object(obj).count()
        return context


class ObjectHistoryView(ObjectMixin, TemplateView):
    """The audit trail of one object, for the users allowed to see that object."""

    template_name = "web/object_history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        records = ChangeRecord.objects.for_object(obj).select_related("user")
        labels = {f.attname: f.verbose_name for f in obj._meta.concrete_fields}
        context.update(
            object=obj,
            records=[(r, [(labels.get(n, n), b, a) for n, b, a in r.diff()]) for r in records[:200]],
            total=records.count(),
        )
        return context


class ObjectEditView(ObjectMixin, View):
    """Edit form: 404 out of scope, 403 when the user may see the object but not change it. Which
    fields each role may edit is declared in ``fields_by_role``."""

    template_name = "web/object_edit.html"
    fields_by_role: ClassVar[dict[str, tuple[str, ...]]]

    def get_form(self, obj: Any, data: Any = None) -> forms.ModelForm:
        fields = self.fields_by_role[self.request.user.role]  # type: ignore[union-attr]
        form_class = modelform_factory(self.model, fields=fields)
        return form_class(data, instance=obj)

    def authorised_object(self) -> Any:
        obj = self.get_object()
        role = self.request.user.role  # type: ignore[union-attr]
        if role not in self.fields_by_role or not can(self.request.user, CHANGE, obj):
            raise PermissionDenied(_("Your role may view this but not change it."))
        return obj

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.authorised_object()
        return render(request, self.template_name, {"object": obj, "form": self.get_form(obj)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.authorised_object()
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"object": obj, "form": form}, status=400)
        with transaction.atomic():
            form.save()
        messages.success(request, _("Saved. The change is recorded in the history."))
        return HttpResponseRedirect(obj.get_absolute_url())


def audit_log(request: HttpRequest) -> HttpResponse:
    """The district-wide change log, for administrators."""
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    if not can_see_audit(request.user):
        raise PermissionDenied(_("Only district administrators see the whole change log."))
    records = ChangeRecord.objects.select_related("content_type", "user")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit_log.html", {"page": page})


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(request.get_full_path())
