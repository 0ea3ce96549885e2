"""The data-intake pages (数据填报): templates to download, uploads, the batch page with its progress,
issues and preview, the batch history, and the submission workflow (submit → approve / return →
reopen).

Permissions (STYLE §6): every read goes through ``restrict(user, "view")``; an object out of scope is a
404. Department users have no part in data collection: every intake page is a 403 for them. The
read-only district roles (inspector, leader) see everything and change nothing: any POST is a 403.
Every change is made by a service in :mod:`tisheng.intake.services`, which checks again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views import View
from django.views.generic import TemplateView

from tisheng.core.choices import SCHOOL_ROLES, Role
from tisheng.core.models import AcademicYear, ChangeRecord, School
from tisheng.core.permissions import CHANGE, VIEW, can
from tisheng.intake import progress, services, tasks
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.datasets import registry
from tisheng.intake.datasets.base import Dataset
from tisheng.intake.filters import BatchFilterSet, SubmissionFilterSet
from tisheng.intake.forms import CommentForm, ReopenForm, UploadForm, datasets_for
from tisheng.intake.models import INTAKE_ACCESS, ImportBatch, Submission
from tisheng.intake.services import IntakeError
from tisheng.intake.tables import (
    BatchTable,
    IssueExportTable,
    IssueTable,
    SubmissionTable,
    badge,
    batch_badge,
    dataset_title,
    ordered_issues,
    submission_badge,
    table_workbook,
    xlsx_response,
)
from tisheng.intake.template_builder import build_template
from tisheng.web.tables import Table

log = logging.getLogger("tisheng.intake")

NO_INTAKE = "数据填报由学校填报、教育局审核，您的角色不参与数据填报。"
READ_ONLY = "您的角色只能查看填报数据，不能上传、提交或审核。"
QUEUED_FOR_COMMIT = "排队等待入库"
#: Submissions the review queue on the home page shows; the rest are one click away.
QUEUE_ROWS = 50


def current_year() -> AcademicYear | None:
    return AcademicYear.objects.filter(is_current=True).first()


def may_write(user: Any) -> bool:
    return services.may_import(user)


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc)


class IntakeMixin(AccessMixin):
    """Signed-in users of an intake role only; only the roles that import may POST."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if request.headers.get("HX-Request"):  # a poll after the session ended: reload into sign-in
                return HttpResponse(status=204, headers={"HX-Refresh": "true"})
            return self.handle_no_permission()
        if user.role not in INTAKE_ACCESS:  # type: ignore[union-attr]
            raise PermissionDenied(NO_INTAKE)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not may_write(user):
            raise PermissionDenied(READ_ONLY)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class IntakeObjectMixin(IntakeMixin):
    model: ClassVar[type[ImportBatch] | type[Submission]]
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self) -> Any:
        """The object if the user may see it; otherwise 404, never a hint that it exists."""
        found = self.model.objects.restrict(self.request.user, VIEW).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404("没有这条记录，或不在您的权限范围内。")
        return found

    def get_changeable(self) -> Any:
        obj = self.get_object()
        if not can(self.request.user, CHANGE, obj):
            raise PermissionDenied(READ_ONLY)
        return obj


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# --- home -------------------------------------------------------------------------------------------


@dataclass
class DatasetRow:
    """One data set on a school's home: its submission for the year and the latest upload."""

    spec: type[Dataset]
    submission: Submission | None
    latest: ImportBatch | None
    status_badge: SafeString
    latest_badge: SafeString | None
    can_submit: bool
    pending: bool


def latest_batch(user: Any, dataset: str, year: AcademicYear | None, school: School) -> ImportBatch | None:
    """The latest upload that counts: not a check-only run, not discarded."""
    return (
        ImportBatch.objects.restrict(user, VIEW)
        .filter(dataset=dataset, academic_year=year, school=school, dry_run=False)
        .exclude(status=BatchStatus.DISCARDED)
        .order_by("-created_at", "-id")
        .first()
    )


def school_rows(user: Any, school: School, year: AcademicYear | None) -> list[DatasetRow]:
    rows = []
    submissions = {
        s.dataset: s
        for s in Submission.objects.restrict(user, VIEW).filter(school=school, academic_year=year)
    }
    for spec in datasets_for(user):
        spec_year = year if spec.per_year else None
        submission = submissions.get(spec.name) if spec.per_year else None
        latest = latest_batch(user, spec.name, spec_year, school)
        committed = latest is not None and latest.status == BatchStatus.COMMITTED
        open_for_submit = submission is not None and submission.status in (
            SubmissionStatus.DRAFT,
            SubmissionStatus.RETURNED,
        )
        rows.append(
            DatasetRow(
                spec=spec,
                submission=submission,
                latest=latest,
                status_badge=submission_badge(submission)
                if submission
                else badge("未上传" if spec.per_year else "不分学年", "grey"),
                latest_badge=batch_badge(latest) if latest else None,
                can_submit=open_for_submit and committed and may_write(user),
                pending=latest is not None and latest.status != BatchStatus.COMMITTED,
            )
        )
    return rows


def district_summary(user: Any, year: AcademicYear | None) -> list[dict[str, Any]]:
    """Per data set: the open schools, how many have not uploaded yet, and the submissions by status."""
    if year is None:
        return []
    schools = School.objects.restrict(user, VIEW).open_on(timezone.localdate()).count()
    counts: dict[tuple[str, str], int] = {
        (r["dataset"], r["status"]): r["n"]
        for r in Submission.objects.restrict(user, VIEW)
        .filter(academic_year=year)
        .values("dataset", "status")
        .annotate(n=Count("id"))
    }
    list_url = reverse("intake:submission-list")
    rows = []
    for spec in registry.all():
        if not spec.per_school or not spec.per_year:
            continue
        by_status = [
            {
                "label": status.label,
                "badge": badge(status.label, status.colour),
                "n": counts.get((spec.name, status.value), 0),
                "url": f"{list_url}?academic_year={year.pk}&dataset={spec.name}&status={status.value}",
            }
            for status in SubmissionStatus
        ]
        started = sum(s["n"] for s in by_status)
        rows.append(
            {
                "title": spec.title,
                "schools": schools,
                "missing": max(schools - started, 0),
                "by_status": by_status,
            }
        )
    return rows


class HomeView(IntakeMixin, TemplateView):
    """数据填报: a school sees its data sets for the year; the district sees the review queue, the
    state of every school's submissions, and (the administrator) the upload form."""

    def get_template_names(self) -> list[str]:
        if self.request.user.role in SCHOOL_ROLES:  # type: ignore[union-attr]
            return ["intake/home_school.html"]
        return ["intake/home_district.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = current_year()
        context.update(year=year, can_write=may_write(user), datasets=datasets_for(user))  # type: ignore[arg-type]
        if user.role in SCHOOL_ROLES:  # type: ignore[union-attr]
            school = School.objects.restrict(user, VIEW).get(pk=user.school_id)  # type: ignore[union-attr]
            context.update(school=school, rows=school_rows(user, school, year))
            context["recent"] = BatchTable(
                BatchTable.prepare(ImportBatch.objects.restrict(user, VIEW), None)[:10]
            )
            return context
        queue = (
            Submission.objects.restrict(user, VIEW)
            .filter(status=SubmissionStatus.SUBMITTED)
            .select_related("school", "academic_year", "submitted_by")
            .order_by("submitted_at", "pk")
        )
        context["queue"] = SubmissionTable(queue[:QUEUE_ROWS])
        context["queue_total"] = queue.count()
        context["queue_url"] = f"{reverse('intake:submission-list')}?status={SubmissionStatus.SUBMITTED}"
        context["summary"] = district_summary(user, year)
        context.update(list_context(self.request, SubmissionListView))
        if user.role == Role.ADMIN:  # type: ignore[union-attr]
            context["upload_form"] = UploadForm(user=user)  # type: ignore[arg-type]
        return context


# --- lists ------------------------------------------------------------------------------------------


class XlsxListView(IntakeMixin, View):
    """A declared list (restricted queryset, filter set, table), paginated on the page and complete
    (up to the export limit) as .xlsx with ``?format=xlsx``. An HTMX request gets only the table."""

    model: ClassVar[type[ImportBatch] | type[Submission]]
    filterset_class: ClassVar[Any]
    table_class: ClassVar[type[Table]]
    title: ClassVar[str]
    url_name: ClassVar[str]
    template_name = "intake/object_list.html"
    partial_name = "intake/partials/list_table.html"
    paginate_by = 50

    def get(self, request: HttpRequest) -> HttpResponse:
        context = list_context(request, type(self))
        if request.GET.get("format") == "xlsx":
            rows = context["filtered"]
            stamp = timezone.localtime().strftime("%Y%m%d")
            return xlsx_response(
                table_workbook(self.table_class, rows, self.title), f"{self.title}_{stamp}.xlsx"
            )
        template = self.partial_name if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


def list_context(request: HttpRequest, view: type[XlsxListView]) -> dict[str, Any]:
    queryset = view.model.objects.restrict(request.user, VIEW)
    filterset = view.filterset_class(request.GET or None, queryset=queryset, request=request)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    order = request.GET.get("sort")
    prepared = view.table_class.prepare(filtered, order)
    page = Paginator(prepared, view.paginate_by).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    list_url = reverse(view.url_name)
    return {
        "title": view.title,
        "filterset": filterset,
        "filtered": prepared,
        "table": view.table_class(page.object_list, order),
        "page": page,
        "total": page.paginator.count,
        "list_url": list_url,
        "export_url": f"{list_url}?{params.urlencode()}",
    }


class BatchListView(XlsxListView):
    model = ImportBatch
    filterset_class = BatchFilterSet
    table_class = BatchTable
    title = "导入批次"
    url_name = "intake:batch-list"


class SubmissionListView(XlsxListView):
    model = Submission
    filterset_class = SubmissionFilterSet
    table_class = SubmissionTable
    title = "填报情况"
    url_name = "intake:submission-list"


# --- upload -----------------------------------------------------------------------------------------


class UploadView(IntakeMixin, View):
    template_name = "intake/upload.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            request.user.is_authenticated
            and request.user.role in INTAKE_ACCESS
            and not may_write(request.user)
        ):
            raise PermissionDenied(READ_ONLY)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {}
        if request.GET.get("dataset") in registry.names():
            initial["dataset"] = request.GET["dataset"]
        form = UploadForm(user=request.user, initial=initial)  # type: ignore[arg-type]
        return render(request, self.template_name, {"form": form, "datasets": datasets_for(request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, user=request.user)  # type: ignore[arg-type]
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"form": form, "datasets": datasets_for(request.user)},
                status=400,
            )
        uploads = [(f.name or "", f.read()) for f in form.cleaned_data["files"]]
        try:
            batch = services.create_batch(
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["dataset"],
                form.cleaned_data["academic_year"],
                uploads,
                dry_run=form.cleaned_data["dry_run"],
            )
        except IntakeError as exc:
            form.add_error(None, str(exc))
            return render(
                request,
                self.template_name,
                {"form": form, "datasets": datasets_for(request.user)},
                status=400,
            )
        run_task(services.validate_batch, batch)
        return HttpResponseRedirect(batch.get_absolute_url())


def run_task(function: Any, *args: Any) -> None:
    """Start background work. Inline (tests, ``TASKS_INLINE``) a failure is already recorded on the
    batch by the service, as it would be in the worker thread; the page shows it."""
    try:
        tasks.run(function, *args)
    except (IntakeError, PermissionDenied, ValidationError):
        raise
    except Exception:
        log.exception("intake task %s failed", getattr(function, "__name__", function))


# --- batch ------------------------------------------------------------------------------------------


def commit_queued(batch: ImportBatch) -> bool:
    """A commit was asked for and has not started yet (the worker may be busy with another import)."""
    return batch.status == BatchStatus.READY and progress.read(batch.pk) is not None


def is_running(batch: ImportBatch) -> bool:
    return batch.is_running or commit_queued(batch)


def progress_of(batch: ImportBatch) -> tuple[int, str]:
    found = progress.read(batch.pk)
    if found is not None:
        return int(found[0]), str(found[1])
    # No figure in the cache (not started yet, or a cache not shared with the worker): say what runs.
    waiting = {
        BatchStatus.QUEUED: "排队等待检查",
        BatchStatus.VALIDATING: "正在检查",
        BatchStatus.COMMITTING: "正在入库",
    }
    if batch.status in waiting:
        return 0, waiting[batch.status]
    return batch.progress, batch.progress_message


def preview_tables(batch: ImportBatch) -> list[dict[str, Any]]:
    """The preview sample per kind of change, cells in the data set's column order; a changed cell
    carries its value before."""
    spec = registry.get(batch.dataset)
    if spec is None or not batch.preview:
        return []
    headers = [c.header for c in spec.columns]
    labels = {c.header: choice_labels(c) for c in spec.columns}

    def show(header: str, value: Any) -> str:
        text = "" if value is None else str(value)
        return labels[header].get(text, text) if header in labels else text

    titles = {"added": "新增", "changed": "修改", "removed": "删除"}
    out = []
    for kind, title in titles.items():
        sample = batch.preview.get(kind) or []
        if not sample:
            continue
        used = [h for h in headers if any(h in (r.get("after") or r.get("before") or {}) for r in sample)]
        rows = []
        for r in sample:
            values = r.get("after") if kind != "removed" else r.get("before")
            values = values or {}
            before = r.get("before") or {}
            changed = set(r.get("changed") or [])
            rows.append(
                [
                    {
                        "value": show(h, values.get(h)),
                        "changed": h in changed,
                        "before": show(h, before.get(h)) if h in changed else "",
                    }
                    for h in used
                ]
            )
        total = {"added": batch.added, "changed": batch.changed, "removed": batch.removed}[kind]
        out.append({"kind": kind, "title": title, "headers": used, "rows": rows, "total": total})
    return out


def choice_labels(column: Any) -> dict[str, str]:
    """Stored code → the label a clerk would type, for coded columns (年级 11 → 一年级)."""
    choices = getattr(column.cell, "choices", None)
    if choices is None:
        return {}
    from django.utils import translation

    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices}


def submission_for_batch(batch: ImportBatch) -> Submission | None:
    if batch.school_id is None or batch.academic_year_id is None:
        return None
    return Submission.objects.filter(
        dataset=batch.dataset, academic_year_id=batch.academic_year_id, school_id=batch.school_id
    ).first()


class BatchDetailView(IntakeObjectMixin, TemplateView):
    model = ImportBatch
    template_name = "intake/batch_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        batch: ImportBatch = self.get_object()
        user = self.request.user
        may_change = may_write(user) and can(user, CHANGE, batch)
        running = is_running(batch)
        status = batch.status
        withheld = services.rows_withheld(user, batch)
        issues = [] if withheld else ordered_issues(batch.issues)
        more = 0 if withheld else batch.issue_count + batch.warning_count - len(issues)
        context.update(
            batch=batch,
            rows_withheld=withheld,
            status_badge=batch_badge(batch),
            files=batch.files.all(),
            running=running,
            progress=progress_of(batch),
            issue_table=IssueTable(issues) if issues else None,
            issues_not_shown=max(more, 0),
            preview=preview_tables(batch) if status == BatchStatus.READY and not withheld else [],
            show_preview=status == BatchStatus.READY and not running,
            can_commit=may_change and status == BatchStatus.READY and not batch.dry_run and not running,
            can_discard=may_change
            and not running
            and status in (BatchStatus.READY, BatchStatus.INVALID, BatchStatus.FAILED),
            can_rollback=user.role == Role.ADMIN and status == BatchStatus.COMMITTED,  # type: ignore[union-attr]
            may_upload=may_write(user),
            state={
                "failed": status == BatchStatus.FAILED,
                "invalid": status == BatchStatus.INVALID,
                "committed": status == BatchStatus.COMMITTED,
                "rolled_back": status == BatchStatus.ROLLED_BACK,
                "discarded": status == BatchStatus.DISCARDED,
            },
        )
        submission = submission_for_batch(batch) if status == BatchStatus.COMMITTED else None
        if (
            submission is not None
            and not Submission.objects.restrict(user, VIEW).filter(pk=submission.pk).exists()
        ):
            submission = None
        context["submission"] = submission
        if submission is not None:
            context["submission_badge"] = submission_badge(submission)
            context["submission_open"] = submission.status in (
                SubmissionStatus.DRAFT,
                SubmissionStatus.RETURNED,
            )
        return context


class BatchProgressView(IntakeObjectMixin, View):
    """The progress partial the batch page polls every second. When the work is done it stops polling
    (no trigger) and tells htmx to reload the page, which then shows the result."""

    model = ImportBatch

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch: ImportBatch = self.get_object()
        running = is_running(batch)
        context = {"batch": batch, "running": running, "progress": progress_of(batch)}
        response = render(request, "intake/partials/progress.html", context)
        if not running:
            response["HX-Refresh"] = "true"
        return response


class BatchIssuesExportView(IntakeObjectMixin, View):
    model = ImportBatch

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch: ImportBatch = self.get_object()
        if services.rows_withheld(request.user, batch):
            raise PermissionDenied("本批次含学生个人数据，问题清单只对本校用户和上传人提供")
        content = table_workbook(IssueExportTable, ordered_issues(batch.issues), "问题清单")
        return xlsx_response(content, f"批次{batch.pk}_问题清单.xlsx")


class BatchCommitView(IntakeObjectMixin, View):
    model = ImportBatch

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch: ImportBatch = self.get_changeable()
        url = batch.get_absolute_url()
        if batch.status != BatchStatus.READY:
            messages.error(request, f"批次当前状态为“{batch.get_status_display()}”，不能确认入库。")
            return HttpResponseRedirect(url)
        if batch.dry_run:
            messages.error(request, "这是“只检查不入库”的批次，不能入库；如需入库，请重新上传。")
            return HttpResponseRedirect(url)
        if commit_queued(batch):
            messages.info(request, "已在排队入库，请稍候。")
            return HttpResponseRedirect(url)
        progress.reporter(batch.pk)(0, QUEUED_FOR_COMMIT)
        try:
            run_task(services.commit_batch, batch, request.user)
        except IntakeError as exc:
            progress.clear(batch.pk)
            messages.error(request, str(exc))
        except PermissionDenied:
            progress.clear(batch.pk)
            raise
        return HttpResponseRedirect(url)


class BatchDiscardView(IntakeObjectMixin, View):
    model = ImportBatch

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch: ImportBatch = self.get_changeable()
        if is_running(batch):
            messages.error(request, "批次正在处理，不能放弃。")
            return HttpResponseRedirect(batch.get_absolute_url())
        try:
            services.discard_batch(batch, request.user)  # type: ignore[arg-type]
        except IntakeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已放弃这个批次，数据没有任何改动。")
        return HttpResponseRedirect(batch.get_absolute_url())


class BatchRollbackView(IntakeObjectMixin, View):
    model = ImportBatch

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch: ImportBatch = self.get_object()
        if request.user.role != Role.ADMIN:  # type: ignore[union-attr]
            raise PermissionDenied("只有区管理员可以回滚批次。")
        url = batch.get_absolute_url()
        if request.POST.get("confirm") != "yes":
            messages.error(request, "请勾选“我确认回滚这个批次”后再回滚。")
            return HttpResponseRedirect(url)
        try:
            undone = services.rollback_batch(batch, request.user)  # type: ignore[arg-type]
        except IntakeError as exc:
            messages.error(request, f"不能回滚：{exc}")
        else:
            messages.success(request, f"已回滚，撤销了 {undone} 项变更。")
        return HttpResponseRedirect(url)


# --- submission -------------------------------------------------------------------------------------


@dataclass
class HistoryRow:
    time: Any
    who: str
    action: str
    before: SafeString | None
    after: SafeString | None
    comment: str


def status_badge(value: str | None) -> SafeString | None:
    if value not in SubmissionStatus.values:
        return None
    status = SubmissionStatus(value)
    return badge(status.label, status.colour)


def submission_history(submission: Submission) -> list[HistoryRow]:
    records = ChangeRecord.objects.for_object(submission).order_by("time", "id")
    rows = []
    for record in records:
        before, after = record.before or {}, record.after or {}
        rows.append(
            HistoryRow(
                time=record.time,
                who=record.user_repr,
                action=record.get_action_display(),
                before=status_badge(before.get("status")),
                after=status_badge(after.get("status")),
                comment=(after.get("comment") or "") if "comment" in record.changed or not before else "",
            )
        )
    return rows


class SubmissionDetailView(IntakeObjectMixin, View):
    model = Submission
    template_name = "intake/submission_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.show(self.get_object())

    def show(
        self,
        submission: Submission,
        *,
        error: str = "",
        comment_form: CommentForm | None = None,
        reopen_form: ReopenForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user = self.request.user
        role = user.role  # type: ignore[union-attr]
        state = submission.status
        may_change = may_write(user) and can(user, CHANGE, submission)
        batches = (
            ImportBatch.objects.restrict(user, VIEW)
            .filter(dataset=submission.dataset, academic_year=submission.academic_year)
            .filter(Q(school=submission.school) | Q(school__isnull=True))
        )
        latest = latest_batch(user, submission.dataset, submission.academic_year, submission.school)
        context = {
            "submission": submission,
            "dataset_title": dataset_title(submission.dataset),
            "status_badge": submission_badge(submission),
            "history": submission_history(submission),
            "batches": BatchTable(BatchTable.prepare(batches, None)[:20]),
            "latest": latest,
            "latest_badge": batch_badge(latest) if latest else None,
            "pending": latest is not None and latest.status != BatchStatus.COMMITTED,
            "can_submit": may_change
            and role in (Role.PRINCIPAL, Role.CLERK, Role.ADMIN)
            and state in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
            "can_review": role == Role.ADMIN and state == SubmissionStatus.SUBMITTED,
            "can_reopen": role == Role.ADMIN and state == SubmissionStatus.APPROVED,
            "comment_form": comment_form or CommentForm(),
            "reopen_form": reopen_form or ReopenForm(),
            "error": error,
            "may_upload": may_write(user) and state in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
            "note": {
                SubmissionStatus.SUBMITTED: "已提交，等待教育局审核；审核期间数据锁定。",
                SubmissionStatus.APPROVED: "已审核通过并锁定；如需修改，请教育局管理员重新开放（需说明理由）。",
            }.get(state, ""),
        }
        return render(self.request, self.template_name, context, status=status)


class SubmissionActionView(SubmissionDetailView):
    """A POST that moves a submission on. A refusal (IntakeError, ValidationError) is shown on the
    submission page in Chinese; PermissionDenied is the 403 page."""

    success: ClassVar[str]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        submission: Submission = self.get_object()
        try:
            self.act(submission)
        except (IntakeError, ValidationError) as exc:
            submission.refresh_from_db()
            return self.show(submission, status=400, **self.forms_on_error(), error=error_text(exc))
        messages.success(request, self.success)
        return HttpResponseRedirect(safe_next(request, submission.get_absolute_url()))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.http_method_not_allowed(request)

    def act(self, submission: Submission) -> None:
        raise NotImplementedError

    def forms_on_error(self) -> dict[str, Any]:
        return {}

    def text(self, field: str) -> str:
        return (self.request.POST.get(field) or "").strip()


class SubmitView(SubmissionActionView):
    success = "已提交审核。审核期间数据锁定，不能再导入。"

    def act(self, submission: Submission) -> None:
        services.submit(submission, self.request.user)  # type: ignore[arg-type]


class ApproveView(SubmissionActionView):
    success = "已审核通过，数据已锁定。"

    def act(self, submission: Submission) -> None:
        services.approve(submission, self.request.user, self.text("comment"))  # type: ignore[arg-type]

    def forms_on_error(self) -> dict[str, Any]:
        return {"comment_form": CommentForm(self.request.POST)}


class ReturnView(ApproveView):
    success = "已退回学校更正。"

    def act(self, submission: Submission) -> None:
        services.return_for_correction(submission, self.request.user, self.text("comment"))  # type: ignore[arg-type]


class ReopenView(SubmissionActionView):
    success = "已重新开放，学校可以更正后重新提交。"

    def act(self, submission: Submission) -> None:
        services.reopen(submission, self.request.user, self.text("reason"))  # type: ignore[arg-type]

    def forms_on_error(self) -> dict[str, Any]:
        return {"reopen_form": ReopenForm(self.request.POST)}


# --- templates --------------------------------------------------------------------------------------


class TemplateDownloadView(IntakeMixin, View):
    """The Excel template of a data set; a school user's copy has the school's code filled in."""

    def get(self, request: HttpRequest, dataset: str) -> HttpResponse:
        spec = registry.get(dataset)
        if spec is None:
            raise Http404("没有这个数据集。")
        school = None
        if request.user.role in SCHOOL_ROLES:  # type: ignore[union-attr]
            school = School.objects.restrict(request.user, VIEW).filter(pk=request.user.school_id).first()  # type: ignore[union-attr]
        content = build_template(spec, school, year=current_year())
        suffix = f"_{school.code}" if school else ""
        return xlsx_response(content, f"{spec.title}模板{suffix}.xlsx")
