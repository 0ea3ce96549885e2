"""The declared tables of the supervision pages (STYLE §5): warnings, inspections, findings, orders."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tisheng.web.tables import Column, Table

from .models import Finding, Inspection, RectificationOrder, Warning


def label(model: type[Any], field: str) -> Any:
    return model._meta.get_field(field).verbose_name


def badge(text: Any, colour: str) -> SafeString:
    return format_html('<span class="badge {}">{}</span>', colour, text)


def warning_status(row: Warning) -> SafeString:
    return badge(row.get_status_display(), row.status_colour)


def warning_severity(row: Warning) -> SafeString:
    return badge(row.get_severity_display(), row.severity_colour)


def finding_status(row: Finding) -> SafeString:
    return badge(row.get_status_display(), row.status_colour)


def order_status(row: RectificationOrder) -> SafeString:
    return badge(row.get_status_display(), row.status_colour)


def order_escalation(row: RectificationOrder) -> SafeString | str:
    return badge(row.get_escalation_display(), row.escalation_colour) if row.escalation else ""


def order_finding(row: RectificationOrder) -> SafeString:
    return format_html('<a href="{}">{}</a>', row.get_absolute_url(), row.finding.title)


class WarningTable(Table):
    columns = (
        Column("subject", label(Warning, "subject"), link=True, order_by="subject"),
        Column("kind", label(Warning, "kind"), order_by="kind"),
        Column("severity", label(Warning, "severity"), render=warning_severity, order_by="severity"),
        Column("addressee", _("Addressed to")),
        Column("academic_year", label(Warning, "academic_year"), order_by="academic_year__start_year"),
        Column("status", label(Warning, "status"), render=warning_status, order_by="status"),
        Column("created_at", _("Raised at"), order_by="created_at"),
    )
    default_order = "-created_at"
    select_related = ("school", "department", "academic_year")


class InspectionTable(Table):
    columns = (
        Column("date", label(Inspection, "date"), link=True, order_by="date"),
        Column("school", label(Inspection, "school"), accessor="school.name", order_by="school__code"),
        Column("checklist_title", label(Inspection, "checklist"), order_by="checklist"),
        Column("inspector", label(Inspection, "inspector"), order_by="inspector__username"),
        Column("finding_count", _("Findings"), numeric=True, order_by="finding_count"),
        Column("open_count", _("Open findings"), numeric=True, order_by="open_count"),
    )
    default_order = "-date"
    select_related = ("school", "inspector")


class FindingTable(Table):
    columns = (
        Column("title", label(Finding, "title"), link=True, order_by="title"),
        Column(
            "school",
            label(Inspection, "school"),
            accessor="inspection.school.name",
            order_by="inspection__school__code",
        ),
        Column("date", _("Inspected on"), accessor="inspection.date", order_by="inspection__date"),
        Column(
            "deadline",
            label(RectificationOrder, "deadline"),
            accessor="order.deadline",
            order_by="order__deadline",
        ),
        Column("order_status", _("Rectification"), render=lambda row: order_status(row.order)),
        Column("status", label(Finding, "status"), render=finding_status, order_by="status"),
    )
    default_order = "-inspection__date"
    select_related = ("inspection__school", "order")


class OrderTable(Table):
    columns = (
        Column("finding", label(RectificationOrder, "finding"), render=order_finding),
        Column("owner", _("Owner")),
        Column("deadline", label(RectificationOrder, "deadline"), order_by="deadline"),
        Column("status", label(RectificationOrder, "status"), render=order_status, order_by="status"),
        Column(
            "escalation",
            label(RectificationOrder, "escalation"),
            render=order_escalation,
            order_by="escalation",
        ),
    )
    default_order = "deadline"
    select_related = ("finding", "school", "department")
