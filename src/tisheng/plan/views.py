"""The plan pages, mounted at /plan/: the plans (行动方案), one plan with its goals and their
commitments, its 工程 with their tasks, each task's lead and other departments; the tasks as a
declared, filterable list; one task with its clause text, departments and commitments; and the board
(goals → 工程 → tasks with status, departments, next deadline and what is overdue; a department's own).

A plan is a public document: every signed-in role reads all of it (``PLAN_READ``); an anonymous visitor
is sent to sign in. Every read still goes through ``restrict(user, "view")``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View

from tisheng.core.choices import DISTRICT_WIDE_ROLES, Role
from tisheng.core.evidence import Evidence, content_type_of
from tisheng.core.permissions import VIEW
from tisheng.plan import choices as c
from tisheng.plan.board import STATUS_COLOURS, board_departments, build_board, current_plan, own_department
from tisheng.plan.filters import PlanFilterSet, TaskFilterSet
from tisheng.plan.forms import ProgressReportForm
from tisheng.plan.models import Commitment, Goal, Plan, ProgressReport, Project, Task, TaskDepartment
from tisheng.plan.reports import overdue_reports, reporting_departments, submit
from tisheng.plan.status import STATUS_LABELS, PlanStatus, attach, plan_status, status_badge
from tisheng.plan.tables import CommitmentTable, PlanTable, TaskTable
from tisheng.plan.trajectory import Status
from tisheng.reports.bulletin import build_bulletin, bulletin_period, bulletin_title
from tisheng.web.charts import Chart
from tisheng.web.views import ObjectDetailView, ObjectListView, is_htmx


def tasks_with_counts(queryset: QuerySet[Task]) -> QuerySet[Task]:
    return queryset.annotate(commitment_count=Count("commitments", distinct=True))


class PlanListView(ObjectListView):
    model = Plan
    filterset_class = PlanFilterSet
    table_class = PlanTable
    title = _("Action plans")

    def get_queryset(self) -> QuerySet[Plan]:
        return super().get_queryset().annotate(task_count=Count("tasks"))


class PlanDetailView(ObjectDetailView):
    """A plan: its goals with their commitments, its 工程 each with a table of its tasks, and the
    plan's own commitments (组织实施)."""

    model = Plan
    template_name = "plan/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan: Plan = context["object"]
        user = self.request.user
        commitments = Commitment.objects.restrict(user, VIEW).order_by("position")
        goals = (
            Goal.objects.restrict(user, VIEW)
            .filter(plan=plan)
            .prefetch_related(Prefetch("commitments", queryset=commitments))
        )
        tasks = tasks_with_counts(Task.objects.restrict(user, VIEW).filter(plan=plan))
        projects = Project.objects.restrict(user, VIEW).filter(plan=plan)
        found = plan_status(plan)
        by_project: dict[int, list[Task]] = {}
        for task in TaskTable.prepare(tasks, None):
            by_project.setdefault(task.project_id, []).append(task)
        attach(found, tasks=[task for rows in by_project.values() for task in rows])
        for goal in goals:
            attach(found, commitments=goal.commitments.all())
        own = list(commitments.filter(plan=plan, goal=None, task=None))
        attach(found, commitments=own)
        context.update(
            status_chart=status_chart(found, [t for rows in by_project.values() for t in rows]),
            goals=[
                (goal, status_badge(found.of_goal(goal)), CommitmentTable(goal.commitments.all()))
                for goal in goals
            ],
            projects=[(project, TaskTable(by_project.get(project.pk, []))) for project in projects],
            own_commitments=CommitmentTable(own),
            task_total=sum(len(rows) for rows in by_project.values()),
            tasks_url_query=f"?plan={plan.pk}",
            may_download_bulletin=may_download_bulletin(user),
        )
        return context


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may_download_bulletin(user: Any) -> bool:
    """The progress bulletin is the district's document: its administrators, inspectors and leaders."""
    return bool(user.is_authenticated and user.role in DISTRICT_WIDE_ROLES)


class BulletinView(LoginRequiredMixin, View):
    """The plan's progress bulletin (进展情况通报) as a .docx, for the district roles (others 403)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not may_download_bulletin(request.user):
            raise PermissionDenied(
                _("The progress bulletin is for the district's administrators, inspectors and leaders.")
            )
        plan = get_object_or_404(Plan.objects.restrict(request.user, VIEW), pk=pk)
        today = dt.date.today()
        response = HttpResponse(build_bulletin(plan, today=today), content_type=DOCX)
        filename = f"{bulletin_title(plan, bulletin_period(plan, today))}.docx"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


def status_chart(found: PlanStatus, tasks: list[Task]) -> Chart:
    """The plan's tasks by status (a pie in the status colours)."""
    counts = Counter(found.of_task(task) for task in tasks)
    order = [Status.GREEN, Status.YELLOW, Status.RED, Status.UNKNOWN]
    return Chart(
        title=_("Tasks by status"),
        kind="pie",
        pie=[(STATUS_LABELS[s], counts[s]) for s in order if counts[s]],
        extra={"color": [STATUS_COLOURS[s] for s in order if counts[s]]},
        height=260,
    )


class TaskListView(ObjectListView):
    model = Task
    filterset_class = TaskFilterSet
    table_class = TaskTable
    title = _("Plan tasks")

    def get_queryset(self) -> QuerySet[Task]:
        return tasks_with_counts(super().get_queryset())

    def annotate_rows(self, rows: list[Task]) -> None:
        """Each task's rolled-up status, from its plan's (one computation per plan on the page)."""

        for plan in Plan.objects.filter(pk__in={task.plan_id for task in rows}):
            attach(plan_status(plan), tasks=[task for task in rows if task.plan_id == plan.pk])


class TaskDetailView(ObjectDetailView):
    """A task: its clause text, its departments by role (as the text names them), its commitments with
    their status, a project's milestones, the progress reports the user may see, the lead units' overdue
    reports, and — for a department the task names, or an administrator — the form to report progress."""

    model = Task
    template_name = "plan/task_detail.html"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.get_object()
        departments = reporting_departments(request.user, task)  # type: ignore[arg-type]
        if not departments:
            raise PermissionDenied(_("Only the departments the task names report progress on it."))
        today = dt.date.today()
        form = ProgressReportForm(
            request.POST, request.FILES, task=task, departments=departments, today=today
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = submit(
                    request.user,  # type: ignore[arg-type]
                    task,
                    data["department"],
                    form.cleaned_period(),
                    text=data["text"],
                    figures=data.get("figures", ""),
                    milestone=data.get("milestone"),
                    reached_on=data.get("reached_on"),
                    places_delivered=data.get("places_delivered"),
                    files=data.get("files") or [],
                    today=today,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"已提交{task.number}号任务{form.cleaned_period()}进度报告，已记入变更记录。"
                )
                return HttpResponseRedirect(report.get_absolute_url())
        context = self.get_context_data(object=task, report_form=form)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        task: Task = context["object"]
        user = self.request.user
        links = TaskDepartment.objects.restrict(user, VIEW).filter(task=task).select_related("department")
        commitments = (
            Commitment.objects.restrict(user, VIEW)
            .filter(task=task)
            .prefetch_related("milestones")
            .order_by("position")
        )
        found = plan_status(task.plan)
        attach(found, commitments=commitments)
        today = dt.date.today()
        reports = list(
            ProgressReport.objects.restrict(user, VIEW)
            .filter(task=task)
            .select_related("department", "milestone", "submitted_by")
        )
        files: dict[int, list[Evidence]] = {}
        for item in Evidence.objects.filter(
            content_type=content_type_of(ProgressReport), object_id__in=[r.pk for r in reports]
        ).order_by("pk"):
            files.setdefault(item.object_id, []).append(item)
        departments = reporting_departments(user, task)  # type: ignore[arg-type]
        context.update(
            reports=[(report, files.get(report.pk, [])) for report in reports],
            overdue=[o.sentence() for o in overdue_reports(task.plan, today, tasks=[task])][::-1],
            report_form=kwargs.get("report_form")
            or (ProgressReportForm(task=task, departments=departments, today=today) if departments else None),
            task_status=status_badge(found.of_task(task)),
            roles=[
                (role.label, [link for link in links if link.role == role])
                for role in c.DepartmentRole
                if any(link.role == role for link in links)
            ],
            commitments=CommitmentTable(commitments),
            projects=[cm for cm in commitments if cm.kind == c.CommitmentKind.PROJECT],
            recurring=[cm for cm in commitments if cm.kind == c.CommitmentKind.RECURRING],
        )
        return context


class BoardView(LoginRequiredMixin, View):
    """The plan board (任务推进看板) at /plan/board/ (the current plan) or /plan/<pk>/board/: goals, then
    each 工程's tasks with status, departments, next deadline and overdue marks. District roles and
    schools (the plan is public) filter it by department (``?department=``); a department user always
    sees its own tasks and the reports it owes. An HTMX request gets only the board."""

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        user = request.user
        if pk is None:
            plan = current_plan(user, current_year())
            if plan is None:  # nothing loaded yet: say so and how, rather than a 404 from the menu
                return render(request, "plan/board_empty.html", {})
        else:
            plan = get_object_or_404(Plan.objects.restrict(user, VIEW).select_related("district"), pk=pk)
        departments = board_departments(plan)
        own = own_department(user)
        if user.role == Role.DEPARTMENT:  # type: ignore[union-attr]
            chosen = own
            if chosen is None:
                raise PermissionDenied(_("Your account is not linked to a department."))
        else:
            chosen = departments.filter(pk=parse_pk(request.GET.get("department"))).first()
        board = build_board(plan, user, today(), chosen)
        context = {
            "board": board,
            "departments": departments if user.role != Role.DEPARTMENT else None,  # type: ignore[union-attr]
            "chosen": chosen,
        }
        template = "plan/_board.html" if is_htmx(request) else "plan/board.html"
        response = render(request, template, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


def today() -> dt.date:
    """Today in the district's time zone, as the overview reads it (one place for the tests to set)."""
    return timezone.localdate()


def parse_pk(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def current_year() -> int | None:
    from tisheng.core.models import AcademicYear

    return AcademicYear.objects.filter(is_current=True).values_list("start_year", flat=True).first()
