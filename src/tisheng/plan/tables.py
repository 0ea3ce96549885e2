"""The declared tables of the plan pages (STYLE §5): plans, tasks, and a task's or goal's commitments."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tisheng.core.choices import Stage
from tisheng.plan.models import Commitment, Plan, Task
from tisheng.plan.present import indicator_name
from tisheng.plan.status import status_badge
from tisheng.web.tables import Column, Table


def label(model: type[Any], field: str) -> Any:
    return model._meta.get_field(field).verbose_name


class PlanTable(Table):
    columns = (
        Column("name", label(Plan, "name"), link=True, order_by="name"),
        Column("district", label(Plan, "district"), accessor="district.name", order_by="district__code"),
        Column("period", _("Period"), order_by="start_year"),
        Column("source_title", label(Plan, "source_title")),
        Column("task_count", _("Tasks"), numeric=True, order_by="task_count"),
    )
    default_order = "-start_year"
    select_related = ("district",)


def task_status_cell(row: Task) -> SafeString | str:
    """A task's rolled-up status (set by the view, :func:`tisheng.plan.status.attach`)."""
    status = getattr(row, "status", None)
    return status_badge(status) if status is not None else ""


def overdue_cell(row: Task) -> SafeString | str:
    """How many of the lead units' quarterly reports on the task are overdue (set by the view)."""
    count = getattr(row, "overdue_count", None)
    if not count:
        return "" if count is None else "0"
    return format_html('<span class="badge red">{}</span>', count)


class TaskTable(Table):
    columns = (
        Column("number", label(Task, "number"), numeric=True, order_by="number"),
        Column("title", label(Task, "title"), link=True, order_by="title"),
        Column("project", label(Task, "project"), accessor="project.title", order_by="project__number"),
        Column("lead", _("Lead units"), accessor="lead_names"),
        Column("others", _("Responsible and cooperating units"), accessor="other_names"),
        Column("commitment_count", _("Commitments"), numeric=True, order_by="commitment_count"),
        Column("status", _("Status"), render=task_status_cell),
        Column("overdue", _("Reports overdue"), render=overdue_cell, numeric=True),
    )
    default_order = "number"
    select_related = ("project", "plan")
    prefetch_related = ("department_links",)


def indicator_cell(row: Commitment) -> SafeString | str:
    if not row.indicator_id:
        return ""
    name = indicator_name(row.indicator_id)
    stage = f"（{Stage(row.stage).label}）" if row.stage else ""
    url = reverse("indicators:detail", args=[row.indicator_id])
    return format_html('<a href="{}">{}</a>{}', url, name, stage)


def clause_cell(row: Commitment) -> SafeString:
    return format_html("<q>{}</q>", row.clause)


def status_cell(row: Commitment) -> SafeString | str:
    """A commitment's status badge and the sentence that explains it."""
    result = getattr(row, "status_result", None)
    if result is None:
        return ""
    return format_html('{} <span class="hint">{}</span>', status_badge(result.status), result.reason)


class CommitmentTable(Table):
    columns = (
        Column("status", _("Status"), render=status_cell),
        Column("kind", label(Commitment, "kind")),
        Column("title", label(Commitment, "title")),
        Column("target", _("Target"), accessor="target_text"),
        Column("deadline_year", label(Commitment, "deadline_year"), numeric=True),
        Column("indicator", label(Commitment, "indicator_id"), render=indicator_cell),
        Column("clause", label(Commitment, "clause"), render=clause_cell),
    )
    default_order = "position"
