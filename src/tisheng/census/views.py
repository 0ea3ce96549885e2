"""The census register pages (学校登记), mounted at /census/: 认定与荣誉 (recognitions) and 活动记录
(activities), each a declared list with filters and Excel export, a detail page with its evidence files
(证明材料), and its history.

Permissions (STYLE §6): every read goes through ``restrict(user, "view")``: district roles and
department users read every school's registers, a principal or clerk only the own school's; a record
out of scope, and its evidence, is a 404. Who may upload and delete evidence is
:func:`tisheng.core.evidence.may_attach`: the administrator, and the principal and clerks of the
record's school; everybody else who can see the record gets 403 on those actions.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View

from tisheng.census.filters import ActivityFilterSet, RecognitionFilterSet, label
from tisheng.census.forms import EvidenceUploadForm
from tisheng.census.models import Activity, Recognition
from tisheng.census.tables import ActivityTable, RecognitionTable
from tisheng.core import evidence
from tisheng.core.choices import AuditAction
from tisheng.core.evidence import Evidence, content_type_of
from tisheng.core.models import ChangeRecord, School
from tisheng.core.permissions import VIEW, can
from tisheng.intake.tables import table_workbook, xlsx_response
from tisheng.web.views import ObjectDetailView, ObjectHistoryView, ObjectListView

log = logging.getLogger("tisheng.census")

NOT_FOUND = "没有这条记录，或不在您的权限范围内。"
EVIDENCE_NOT_FOUND = "没有这个证明材料，或不在您的权限范围内。"
NO_ATTACH = "您的角色只能查看这条记录的证明材料，不能上传或删除。"
FILE_MISSING = "证明材料文件已不在服务器上，请联系教育局管理员。"

#: The page of each register's records (the models have no get_absolute_url of their own).
DETAIL_URLS: dict[type[models.Model], str] = {Recognition: "census:recognition", Activity: "census:activity"}


def detail_url(obj: models.Model) -> str:
    """The page of the record an evidence file belongs to."""
    url_name = DETAIL_URLS.get(type(obj))
    if url_name:
        return reverse(url_name, args=[obj.pk])
    if hasattr(obj, "get_absolute_url"):
        return str(obj.get_absolute_url())
    return reverse("home")


def shown(value: Any) -> Any:
    return "—" if value is None or value == "" else value


# --- lists ------------------------------------------------------------------------------------------


class RegisterListView(ObjectListView):
    """A register's list: the restricted rows with their evidence count, filtered, in the declared
    table; the whole filtered list (up to the export limit) as .xlsx with ``?format=xlsx``."""

    template_name = "census/object_list.html"
    partial_name = "intake/partials/list_table.html"
    url_name: ClassVar[str]
    title: ClassVar[str]

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().annotate(evidence_count=evidence.evidence_count(self.model))

    def get(self, request: HttpRequest) -> HttpResponse:
        queryset = self.get_queryset()
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        order = request.GET.get("sort")
        rows = self.table_class.prepare(filtered, order)
        if request.GET.get("format") == "xlsx":
            stamp = timezone.localtime().strftime("%Y%m%d")
            return xlsx_response(
                table_workbook(self.table_class, rows, self.title), f"{self.title}_{stamp}.xlsx"
            )
        page = Paginator(rows, self.paginate_by).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        params["format"] = "xlsx"
        list_url = reverse(self.url_name)
        context = {
            "title": self.title,
            "filterset": filterset,
            "table": self.table_class(page.object_list, order),
            "page": page,
            "total": page.paginator.count,
            "list_url": list_url,
            "export_url": f"{list_url}?{params.urlencode()}",
        }
        template = self.partial_name if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


class RecognitionListView(RegisterListView):
    model = Recognition
    filterset_class = RecognitionFilterSet
    table_class = RecognitionTable
    title = "认定与荣誉"
    url_name = "census:recognition-list"


class ActivityListView(RegisterListView):
    model = Activity
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    title = "活动记录"
    url_name = "census:activity-list"


# --- detail pages with their evidence ---------------------------------------------------------------


def school_link(user: Any, school: School | None) -> Any:
    if school is None:
        return "—"
    text = f"{school.name}（{school.code}）"
    if can(user, VIEW, school):
        return format_html('<a href="{}">{}</a>', school.get_absolute_url(), text)
    return text


def evidence_log(obj: models.Model) -> list[dict[str, Any]]:
    """Who uploaded and deleted which evidence file of ``obj`` when (from the audit trail, so deleted
    files are listed too)."""
    target = content_type_of(obj)
    mine = Q(after__content_type_id=target.pk, after__object_id=obj.pk) | Q(
        before__content_type_id=target.pk, before__object_id=obj.pk
    )
    records = ChangeRecord.objects.filter(content_type=content_type_of(Evidence)).filter(mine)
    words = {AuditAction.CREATE: "上传", AuditAction.DELETE: "删除"}
    return [
        {
            "time": record.time,
            "who": record.user_repr,
            "action": words.get(record.action, record.get_action_display()),
            "deleted": record.action == AuditAction.DELETE,
            "name": (record.after or record.before or {}).get("original_name", ""),
        }
        for record in records.order_by("-time", "-id")[:100]
    ]


class RegisterDetailView(ObjectDetailView):
    """A record of a register with its evidence files: download links for everyone who sees the record,
    upload and delete for those who :func:`~tisheng.core.evidence.may_attach`."""

    template_name = "census/register_detail.html"
    register_title: ClassVar[str]
    list_url_name: ClassVar[str]
    history_url_name: ClassVar[str]
    evidence_url_name: ClassVar[str]

    def facts(self, obj: Any) -> list[tuple[Any, Any]]:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        user = self.request.user
        may_attach = evidence.may_attach(user, obj)
        context.update(
            register_title=self.register_title,
            facts=[(name, shown(value)) for name, value in self.facts(obj)],
            list_url=reverse(self.list_url_name),
            history_url=reverse(self.history_url_name, args=[obj.pk]),
            evidence_url=reverse(self.evidence_url_name, args=[obj.pk]),
            evidence_files=Evidence.objects.for_object(obj).select_related("uploaded_by"),
            evidence_log=evidence_log(obj),
            may_attach=may_attach,
            form=kwargs.get("form") or (EvidenceUploadForm() if may_attach else None),
        )
        return context


class EvidenceUploadMixin:
    """POST one or more evidence files to the record of the detail view this is mixed into. A refused
    file re-shows the page with the reason in Chinese (400); nothing is stored then."""

    request: HttpRequest

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return HttpResponseRedirect(detail_url(self.get_object()) + "#evidence")  # type: ignore[attr-defined]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()  # type: ignore[attr-defined]
        if not evidence.may_attach(request.user, obj):
            raise PermissionDenied(NO_ATTACH)
        form = EvidenceUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                created = evidence.attach(
                    request.user,  # type: ignore[arg-type]
                    obj,
                    form.cleaned_data["files"],
                    form.cleaned_data["description"],
                )
            except ValidationError as exc:
                form.add_error("files", exc)
            else:
                messages.success(request, f"已上传 {len(created)} 个证明材料文件，已记入变更记录。")
                return HttpResponseRedirect(detail_url(obj) + "#evidence")
        context = self.get_context_data(form=form)  # type: ignore[attr-defined]
        return self.render_to_response(context, status=400)  # type: ignore[attr-defined]


class RecognitionDetailView(RegisterDetailView):
    model = Recognition
    register_title = "认定与荣誉"
    list_url_name = "census:recognition-list"
    history_url_name = "census:recognition-history"
    evidence_url_name = "census:recognition-evidence"

    def facts(self, obj: Recognition) -> list[tuple[Any, Any]]:
        return [
            (label(Recognition, "school"), school_link(self.request.user, obj.school)),
            (label(Recognition, "kind"), obj.get_kind_display()),
            (label(Recognition, "level"), obj.get_level_display()),
            (label(Recognition, "year"), obj.year),
            (label(Recognition, "title"), obj.title),
            (label(Recognition, "issuer"), obj.issuer),
            ("来源", f"导入批次 #{obj.batch_id}" if obj.batch_id else ""),
        ]


class ActivityDetailView(RegisterDetailView):
    model = Activity
    register_title = "活动记录"
    list_url_name = "census:activity-list"
    history_url_name = "census:activity-history"
    evidence_url_name = "census:activity-evidence"

    def facts(self, obj: Activity) -> list[tuple[Any, Any]]:
        return [
            (label(Activity, "date"), obj.date.isoformat()),
            (label(Activity, "kind"), obj.get_kind_display()),
            (label(Activity, "title"), obj.title),
            (label(Activity, "school"), school_link(self.request.user, obj.school)),
            (label(Activity, "person"), obj.person),
            (label(Activity, "participants"), obj.participants),
            ("来源", f"导入批次 #{obj.batch_id}" if obj.batch_id else ""),
        ]


class RecognitionEvidenceView(EvidenceUploadMixin, RecognitionDetailView):
    pass


class ActivityEvidenceView(EvidenceUploadMixin, ActivityDetailView):
    pass


# --- history ----------------------------------------------------------------------------------------


class RegisterHistoryView(ObjectHistoryView):
    """The record's audit trail (web's history view), with a way back to the record."""

    template_name = "census/object_history.html"
    register_title: ClassVar[str]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(register_title=self.register_title, back_url=detail_url(context["object"]))
        return context


class RecognitionHistoryView(RegisterHistoryView):
    model = Recognition
    register_title = "认定与荣誉"


class ActivityHistoryView(RegisterHistoryView):
    model = Activity
    register_title = "活动记录"


# --- evidence files ---------------------------------------------------------------------------------


class EvidenceMixin(LoginRequiredMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_evidence(self) -> tuple[Evidence, models.Model]:
        """The evidence file and its record if the user may see the record; otherwise 404."""
        found = (
            Evidence.objects.filter(pk=self.kwargs["pk"])
            .restrict(self.request.user, VIEW)
            .select_related("content_type")
            .first()
        )
        record = found.content_object if found is not None else None
        if found is None or record is None:
            raise Http404(EVIDENCE_NOT_FOUND)
        return found, record


class EvidenceDownloadView(EvidenceMixin, View):
    """The file as an attachment under its original name (RFC 5987 for Chinese names), after the
    permission check; files are never served from a public media URL."""

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        found, _record = self.get_evidence()
        try:
            handle = found.open()
        except FileNotFoundError as exc:
            log.error("evidence %s: file %s is missing from the storage", found.pk, found.path)
            raise Http404(FILE_MISSING) from exc
        response = FileResponse(
            handle, as_attachment=True, filename=found.original_name, content_type=found.media_type
        )
        response["Cache-Control"] = "private, no-cache"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class EvidenceDeleteView(EvidenceMixin, View):
    """Delete an evidence file: a confirmation page (GET), then the deletion (POST), audited; the file is
    removed from the disk when the deletion commits."""

    template_name = "census/evidence_confirm_delete.html"

    def authorised(self) -> tuple[Evidence, models.Model]:
        found, record = self.get_evidence()
        if not evidence.may_attach(self.request.user, record):
            raise PermissionDenied(NO_ATTACH)
        return found, record

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        found, record = self.authorised()
        return render(
            request,
            self.template_name,
            {"evidence": found, "record": record, "back_url": detail_url(record) + "#evidence"},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        found, record = self.authorised()
        name = found.original_name
        evidence.detach(request.user, found)  # type: ignore[arg-type]
        messages.success(request, f"已删除证明材料“{name}”，已记入变更记录。")
        return HttpResponseRedirect(detail_url(record) + "#evidence")
