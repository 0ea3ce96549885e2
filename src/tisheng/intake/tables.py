"""The declared tables of the data-intake pages, and their export to Excel (every table a user sees can
be taken away as .xlsx, with the same Chinese headers)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString

from tisheng.intake.choices import BatchStatus, Severity, SubmissionStatus
from tisheng.intake.datasets import registry
from tisheng.intake.models import ImportBatch, Submission
from tisheng.web.export import workbook
from tisheng.web.export import xlsx_response as xlsx_response  # re-exported for the list pages
from tisheng.web.tables import Column, Table

#: Rows an export may hold; a filter narrows a larger list.
EXPORT_ROW_LIMIT = 100_000


def dataset_title(name: str) -> str:
    spec = registry.get(name)
    return str(spec.title) if spec else name


def local_time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def badge(label: Any, colour: str) -> SafeString:
    return format_html('<span class="badge {}">{}</span>', colour, label)


def batch_badge(batch: ImportBatch) -> SafeString:
    return badge(batch.get_status_display(), BatchStatus(batch.status).colour)


def submission_badge(submission: Submission) -> SafeString:
    return badge(submission.get_status_display(), SubmissionStatus(submission.status).colour)


SEVERITY_COLOUR = {Severity.ERROR: "red", Severity.WARNING: "orange"}


def severity_badge(issue: dict[str, Any]) -> SafeString:
    severity = issue.get("severity", Severity.ERROR)
    return badge(Severity(severity).label, SEVERITY_COLOUR.get(severity, "grey"))


class BatchTable(Table):
    columns = (
        Column("number", "批次", render=lambda b: f"#{b.pk}", link=True, order_by="id"),
        Column("dataset", "数据集", render=lambda b: b.dataset_title, order_by="dataset"),
        Column("academic_year", "学年", order_by="academic_year__start_year"),
        Column(
            "school",
            "学校",
            render=lambda b: b.school.name if b.school else "全区（可含多校）",
            order_by="school__code",
        ),
        Column("status", "状态", render=batch_badge, order_by="status"),
        Column("dry_run", "只检查", render=lambda b: "是" if b.dry_run else ""),
        Column("uploaded_by", "上传人", order_by="uploaded_by__username"),
        Column("created_at", "上传时间", render=lambda b: local_time(b.created_at), order_by="created_at"),
        Column("rows_read", "数据行", numeric=True, order_by="rows_read"),
        Column("added", "新增", numeric=True),
        Column("changed", "修改", numeric=True),
        Column("removed", "删除", numeric=True),
        Column("issue_count", "错误", numeric=True, order_by="issue_count"),
        Column("warning_count", "警告", numeric=True),
    )
    default_order = "-created_at"
    select_related = ("academic_year", "school", "uploaded_by")


class SubmissionTable(Table):
    columns = (
        Column("school", "学校", accessor="school.name", link=True, order_by="school__name"),
        Column("school_code", "学校标识码", accessor="school.code", order_by="school__code"),
        Column("dataset", "数据集", render=lambda s: dataset_title(s.dataset), order_by="dataset"),
        Column("academic_year", "学年", order_by="academic_year__start_year"),
        Column("status", "状态", render=submission_badge, order_by="status"),
        Column("submitted_by", "提交人"),
        Column(
            "submitted_at", "提交时间", render=lambda s: local_time(s.submitted_at), order_by="submitted_at"
        ),
        Column("reviewed_by", "审核人"),
        Column("reviewed_at", "审核时间", render=lambda s: local_time(s.reviewed_at), order_by="reviewed_at"),
        Column("comment", "意见"),
    )
    default_order = "school__code"
    select_related = ("school", "academic_year", "submitted_by", "reviewed_by")


class IssueTable(Table):
    """The findings of a batch, as the batch page shows them."""

    columns = (
        Column("severity", "类型", render=severity_badge),
        Column("where", "位置", render=lambda i: i.get("where", "")),
        Column("value", "值", render=lambda i: i.get("value", "")),
        Column("message", "问题", render=lambda i: i.get("message", "")),
        Column("hint", "怎么办", render=lambda i: i.get("hint", "")),
    )


class IssueExportTable(Table):
    """The same findings for Excel: one column per part of the place, so they can be sorted and filtered."""

    columns = (
        Column("severity", "类型", render=lambda i: str(Severity(i.get("severity", "error")).label)),
        Column("file", "文件", render=lambda i: i.get("file", "")),
        Column("sheet", "工作表", render=lambda i: i.get("sheet", "")),
        Column("row", "行", render=lambda i: i.get("row")),
        Column("column", "列", render=lambda i: i.get("column") or ""),
        Column("header", "表头", render=lambda i: i.get("header") or ""),
        Column("value", "值", render=lambda i: i.get("value", "")),
        Column("message", "问题", render=lambda i: i.get("message", "")),
        Column("hint", "怎么办", render=lambda i: i.get("hint", "")),
    )


def ordered_issues(issues: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Errors first, then warnings, each in the order they were found."""
    issues = list(issues)
    return [i for i in issues if i.get("severity") != Severity.WARNING] + [
        i for i in issues if i.get("severity") == Severity.WARNING
    ]


# --- export -----------------------------------------------------------------------------------------


def export_value(value: Any) -> Any:
    """A cell value openpyxl can write, as the page shows it."""
    if value is None or value == "":
        return None
    if isinstance(value, SafeString):
        return strip_tags(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (Model, Promise)):
        return str(value)
    return str(value)


def table_workbook(table_class: type[Table], rows: Iterable[Any], title: str) -> bytes:
    """The whole list (up to :data:`EXPORT_ROW_LIMIT` rows) with the table's Chinese headers."""
    values = (
        [export_value(c.value(row)) for c in table_class.columns]
        for row in itertools.islice(rows, EXPORT_ROW_LIMIT)
    )
    return workbook(title, [str(c.label) for c in table_class.columns], values)
