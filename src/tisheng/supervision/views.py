"""The supervision pages, mounted at /supervision/: the inbox (warnings and open rectification orders
in the user's scope, with counts by status as charts), the warning list and a warning with its
acknowledge/resolve form, the inspections (inspectors and the administrator only) with the form that
records one against a checklist, and the findings with their rectification order: evidence upload and
submission by the owner, re-check by an inspector.

Every read goes through ``restrict(user, "view")`` (out of scope → 404); every write checks the role
and the row (read-only → 403) in :mod:`tisheng.supervision.services`, and is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from tisheng.census.forms import EvidenceUploadForm
from tisheng.core import evidence
from tisheng.core.choices import Role
from tisheng.core.evidence import Evidence
from tisheng.core.permissions import ADD, CHANGE, VIEW, can, can_any
from tisheng.intake.tables import table_workbook, xlsx_response
from tisheng.plan.models import Plan
from tisheng.web.charts import Chart, Series
from tisheng.web.views import ObjectDetailView, ObjectListView

from . import accountability, services
from . import choices as c
from .checklists import checklists
from .filters import FindingFilterSet, InspectionFilterSet, WarningFilterSet
from .forms import InspectionForm, RecheckForm, ResolveForm, SubmitForm, today
from .models import Finding, Inspection, Recheck, RectificationOrder, Warning
from .tables import FindingTable, InspectionTable, OrderTable, WarningTable

#: who reads the departments' yearly evaluation
ACCOUNTABILITY_READERS = (Role.ADMIN, Role.INSPECTOR, Role.LEADER, Role.DEPARTMENT)


def status_chart(title: Any, statuses: type[Any], counts: dict[str, int], name: Any) -> Chart:
    return Chart(
        title,
        categories=[s.label for s in statuses],
        series=[Series(name, [counts.get(s.value, 0) for s in statuses])],
        height=240,
    )


def by_status(queryset: QuerySet[Any]) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


class HomeView(LoginRequiredMixin, TemplateView):
    """The supervision inbox of the user's scope."""

    template_name = "supervision/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        warnings = Warning.objects.restrict(user, VIEW)
        orders = RectificationOrder.objects.restrict(user, VIEW)
        warning_counts, order_counts = by_status(warnings), by_status(orders)
        open_warnings = warnings.exclude(status=c.WarningStatus.RESOLVED)
        open_orders = orders.exclude(status=c.OrderStatus.PASSED)
        context.update(
            warnings=WarningTable(WarningTable.prepare(open_warnings, None)[:50]),
            open_warning_count=open_warnings.count(),
            orders=OrderTable(OrderTable.prepare(open_orders, None)[:50]),
            open_order_count=open_orders.count(),
            overdue_count=open_orders.filter(status=c.OrderStatus.ISSUED, deadline__lt=today()).count(),
            warning_chart=status_chart(
                _("Warnings by status"), c.WarningStatus, warning_counts, gettext_lazy("Warnings")
            ),
            order_chart=status_chart(
                _("Rectification orders by status"),
                c.OrderStatus,
                order_counts,
                gettext_lazy("Rectification orders"),
            ),
            may_inspect=services.may_inspect(user),
            may_read_accountability=user.role in ACCOUNTABILITY_READERS,
        )
        return context


# --- warnings ---------------------------------------------------------------------------------------


class WarningListView(ObjectListView):
    model = Warning
    filterset_class = WarningFilterSet
    table_class = WarningTable
    title = gettext_lazy("Warnings")


class WarningDetailView(ObjectDetailView):
    model = Warning
    template_name = "supervision/warning_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        warning: Warning = context["object"]
        open_ = warning.status != c.WarningStatus.RESOLVED
        context["form"] = kwargs.get("form") or (ResolveForm() if context["can_change"] and open_ else None)
        context["can_acknowledge"] = context["can_change"] and warning.status == c.WarningStatus.OPEN
        return context


class WarningActionView(WarningDetailView):
    """POST ``action=acknowledge`` or ``action=resolve`` (with the resolution)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        warning = self.get_object()
        if not can(request.user, CHANGE, warning):
            raise PermissionDenied(_("Your role may view this warning but not handle it."))
        form = ResolveForm(request.POST) if request.POST.get("action") == "resolve" else None
        try:
            if form is None:
                services.acknowledge(request.user, warning)  # type: ignore[arg-type]
                messages.success(request, _("Warning acknowledged. The change is recorded in the history."))
            elif form.is_valid():
                services.resolve(request.user, warning, form.cleaned_data["resolution"])  # type: ignore[arg-type]
                messages.success(request, _("Warning resolved. The change is recorded in the history."))
            else:
                return self.render_to_response(self.get_context_data(form=form), status=400)
        except ValidationError as exc:
            if form is None:
                form = ResolveForm()
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return HttpResponseRedirect(warning.get_absolute_url())


# --- inspections ------------------------------------------------------------------------------------


class InspectorOnlyMixin:
    """Inspection pages are for inspectors (督学) and the administrator: every other role gets 403."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not services.may_inspect(request.user):
            raise PermissionDenied(_("Only inspectors and the administrator work with inspections."))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class InspectionListView(InspectorOnlyMixin, ObjectListView):
    model = Inspection
    filterset_class = InspectionFilterSet
    table_class = InspectionTable
    title = gettext_lazy("Inspections")
    template_name = "supervision/inspection_list.html"

    def get_queryset(self) -> QuerySet[Inspection]:
        return (
            super()
            .get_queryset()
            .annotate(
                finding_count=Count("findings", distinct=True),
                open_count=Count("findings", filter=Q(findings__status=c.FindingStatus.OPEN), distinct=True),
            )
        )


class InspectionDetailView(InspectorOnlyMixin, ObjectDetailView):
    model = Inspection
    template_name = "supervision/inspection_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        inspection: Inspection = context["object"]
        context["results"] = inspection.results.select_related("finding").all()
        return context


class InspectionCreateView(InspectorOnlyMixin, LoginRequiredMixin, View):
    """Choose a checklist, then record the result of each of its items."""

    template_name = "supervision/inspection_form.html"

    def checklist(self, request: HttpRequest) -> Any:
        code = request.GET.get("checklist") or request.POST.get("checklist")
        return checklists().get(code or "")

    def page(self, request: HttpRequest, form: InspectionForm | None, status: int = 200) -> HttpResponse:
        context = {
            "checklists": checklists().values(),
            "form": form,
            "checklist": form.checklist if form else None,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        checklist = self.checklist(request)
        form = None
        if checklist is not None:
            form = InspectionForm(checklist=checklist, user=request.user, initial={"date": today()})
        return self.page(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not can_any(request.user, ADD, Inspection):
            raise PermissionDenied(_("Only inspectors and the administrator work with inspections."))
        checklist = self.checklist(request)
        if checklist is None:
            raise Http404(_("No such checklist."))
        form = InspectionForm(request.POST, checklist=checklist, user=request.user)
        if form.is_valid():
            try:
                inspection = services.record_inspection(
                    request.user,  # type: ignore[arg-type]
                    school=form.cleaned_data["school"],
                    date=form.cleaned_data["date"],
                    checklist=checklist,
                    outcomes=form.outcomes(),
                    deadline=form.cleaned_data.get("deadline"),
                    note=form.cleaned_data.get("note") or "",
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Inspection recorded: %(n)s findings, each with a rectification order.")
                    % {"n": inspection.findings.count()},
                )
                return redirect(inspection.get_absolute_url())
        return self.page(request, form, status=400)


# --- findings and their rectification ---------------------------------------------------------------


class FindingListView(ObjectListView):
    model = Finding
    filterset_class = FindingFilterSet
    table_class = FindingTable
    title = gettext_lazy("Findings")


class FindingDetailView(ObjectDetailView):
    """A finding with its rectification order: evidence, submission, re-checks and escalation."""

    model = Finding
    template_name = "supervision/finding_detail.html"

    def order(self, finding: Finding) -> RectificationOrder:
        order = RectificationOrder.objects.restrict(self.request.user, VIEW).filter(finding=finding).first()
        if order is None:
            raise Http404(_("No such object, or it is outside your scope."))
        return order

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        finding: Finding = context["object"]
        user = self.request.user
        order = self.order(finding)
        owner_may = can(user, CHANGE, order) and order.status == c.OrderStatus.ISSUED
        may_recheck = (
            services.may_inspect(user)
            and can_any(user, ADD, Recheck)
            and order.status == c.OrderStatus.SUBMITTED
        )
        context.update(
            order=order,
            evidence_files=Evidence.objects.for_object(order).select_related("uploaded_by"),
            rechecks=Recheck.objects.restrict(user, VIEW).filter(order=order).select_related("inspector"),
            steps=order.escalation_steps.all(),
            may_upload=owner_may and evidence.may_attach(user, order),
            upload_form=kwargs.get("upload_form") or EvidenceUploadForm(),
            submit_form=(kwargs.get("submit_form") or SubmitForm()) if owner_may else None,
            recheck_form=(kwargs.get("recheck_form") or RecheckForm(initial={"date": today()}))
            if may_recheck
            else None,
            inspection_url=finding.inspection.get_absolute_url() if services.may_inspect(user) else None,
        )
        return context


class OrderActionView(FindingDetailView):
    """POST to a finding's order: ``evidence`` (upload), ``submit`` or ``recheck``."""

    action = ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        finding = self.get_object()
        order = self.order(finding)
        user: Any = request.user
        back = HttpResponseRedirect(finding.get_absolute_url() + "#order")
        try:
            if self.action == "evidence":
                return self.upload(request, order, back)
            if self.action == "submit":
                if not can(user, CHANGE, order):
                    raise PermissionDenied(_("Only the owner of the order submits its rectification."))
                form: Any = SubmitForm(request.POST)
                if form.is_valid():
                    services.submit(user, order, form.cleaned_data["report"])
                    messages.success(
                        request, _("Submitted for re-check. The change is recorded in the history.")
                    )
                    return back
                return self.invalid(submit_form=form)
            form = RecheckForm(request.POST)
            if not services.may_inspect(user):
                raise PermissionDenied(_("Only inspectors and the administrator re-check."))
            if form.is_valid():
                services.recheck(user, order, **form.cleaned())
                messages.success(request, _("Re-check recorded. The change is recorded in the history."))
                return back
            return self.invalid(recheck_form=form)
        except ValidationError as exc:
            form = SubmitForm(request.POST) if self.action == "submit" else RecheckForm(request.POST)
            form.is_valid()
            form.add_error(None, exc)
            key = "submit_form" if self.action == "submit" else "recheck_form"
            return self.invalid(**{key: form})

    def upload(self, request: HttpRequest, order: RectificationOrder, back: HttpResponse) -> HttpResponse:
        if not evidence.may_attach(request.user, order):
            raise PermissionDenied(_("Only the owner of the order uploads its evidence."))
        if order.status != c.OrderStatus.ISSUED:
            raise PermissionDenied(_("Evidence is uploaded while the order is being rectified."))
        form = EvidenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                created = evidence.attach(
                    request.user,  # type: ignore[arg-type]
                    order,
                    form.cleaned_data["files"],
                    form.cleaned_data["description"],
                )
            except ValidationError as exc:
                form.add_error("files", exc)
            else:
                messages.success(request, _("%(n)s evidence files uploaded.") % {"n": len(created)})
                return back
        return self.invalid(upload_form=form)

    def invalid(self, **forms: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(**forms), status=400)


class OrderEvidenceView(OrderActionView):
    action = "evidence"


class OrderSubmitView(OrderActionView):
    action = "submit"


class OrderRecheckView(OrderActionView):
    action = "recheck"


class AccountabilityView(LoginRequiredMixin, TemplateView):
    """The yearly 履职评价 of the departments (:mod:`.accountability`): district roles see every lead
    unit, a department user its own row; schools have no part in it (403). ``?format=xlsx`` gives the
    table as a workbook to publish."""

    template_name = "supervision/accountability.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.user.role not in ACCOUNTABILITY_READERS:  # type: ignore[union-attr]
            raise PermissionDenied(
                _("The departments' yearly evaluation is for the district and the departments.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        plans = list(Plan.objects.restrict(request.user, VIEW).order_by("-start_year", "code"))
        plan = next((p for p in plans if str(p.pk) == request.GET.get("plan")), plans[0] if plans else None)
        years = list(range(plan.start_year, plan.end_year + 1)) if plan else []
        chosen = request.GET.get("year", "")
        year = int(chosen) if chosen.isdigit() and int(chosen) in years else (years[-1] if years else None)
        rows = accountability.yearly_table(plan, year) if plan and year else []
        if request.user.role == Role.DEPARTMENT:  # type: ignore[union-attr]
            rows = [r for r in rows if r.department.pk == request.user.department_id]  # type: ignore[union-attr]
        title = f"{year}年部门履职评价" if year else str(_("Departments' yearly evaluation"))
        if request.GET.get("format") == "xlsx" and rows:
            return xlsx_response(
                table_workbook(accountability.AccountabilityTable, rows, title), f"{title}.xlsx"
            )
        grades = [name for _, name in accountability.GRADES]
        chart = Chart(
            title=_("Departments by grade"),
            kind="pie",
            pie=[(g, n) for g in grades if (n := sum(1 for r in rows if r.grade == g))],
            height=260,
        )
        context = self.get_context_data(
            plans=plans,
            plan=plan,
            years=years,
            year=year,
            title=title,
            table=accountability.AccountabilityTable(rows, None),
            total=len(rows),
            chart=chart if rows else None,
        )
        return self.render_to_response(context)
