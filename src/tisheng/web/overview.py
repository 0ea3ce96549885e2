"""The district overview (全区概况) — the home of the district roles (administrator, inspector, leader):
the plan's goals with each commitment's current value against its target and its 红黄绿 status, the
five-year trend of a key indicator with its target line (switched by HTMX without reloading the page),
the tasks by status per 工程, the open warnings by kind and severity and the open rectification orders.

Every figure comes from a computation the plan and supervision pages already make, so that the overview
never says something the detail pages do not: the statuses and the district values they read are
:func:`tisheng.plan.status.plan_status` (the stored :class:`~tisheng.indicators.models.IndicatorValue`
snapshots, never raw facts), the tasks' deadlines and overdue reports are the plan board's
(:mod:`tisheng.plan.board`). The page costs a fixed number of queries whatever the number of schools,
tasks or warnings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tisheng.core.permissions import VIEW
from tisheng.indicators import present
from tisheng.indicators.catalogue import Definition, catalogue
from tisheng.indicators.views import ThresholdChart, sparkline
from tisheng.plan import choices as pc
from tisheng.plan.board import STATUS_COLOURS, Board, build_board, current_plan
from tisheng.plan.models import Commitment, Goal, Plan
from tisheng.plan.status import CommitmentStatus, PlanStatus, plan_status, status_badge
from tisheng.plan.trajectory import Status
from tisheng.supervision import choices as sc
from tisheng.supervision.models import RectificationOrder, Warning
from tisheng.web.charts import Chart, Series

SEVERITY_COLOURS = {sc.Severity.HIGH: "#c62828", sc.Severity.MEDIUM: "#ca8622", sc.Severity.LOW: "#2f5d8a"}
#: how many open rectification orders the overview lists (the count is always complete)
ORDER_ROWS = 10
#: the commitments whose figure the overview tiles and charts show
MEASURED = (pc.CommitmentKind.INDICATOR, pc.CommitmentKind.COUNT)


@dataclass
class Figure:
    """One commitment of a goal on its tile: the latest district value against the target, the status
    and its reason, and a sparkline of the years."""

    commitment: Commitment
    result: CommitmentStatus | None
    definition: Definition | None

    @property
    def history(self) -> tuple[tuple[int, Decimal | None], ...]:
        return self.result.history if self.result is not None else ()

    @property
    def latest(self) -> tuple[int, Decimal] | None:
        """(学年, value) of the latest year with a value: what the status judged."""
        known = [(year, value) for year, value in self.history if value is not None]
        return known[-1] if known else None

    @property
    def value(self) -> Decimal | None:
        return self.latest[1] if self.latest else None

    @property
    def year(self) -> int | None:
        return self.latest[0] if self.latest else None

    @property
    def shown(self) -> str:
        """The value as published (rounded to the definition's decimals, with its unit)."""
        if self.definition is None or self.value is None:
            return "—"
        text = present.display(self.definition, self.value)
        unit = self.definition.unit_zh
        return text if unit == "%" or not unit else f"{text}{unit}"

    @property
    def status(self) -> Status:
        return self.result.status if self.result is not None else Status.UNKNOWN

    @property
    def reason(self) -> str:
        return self.result.reason if self.result is not None else ""

    @property
    def badge(self) -> SafeString:
        return status_badge(self.status, self.reason)

    @property
    def trend(self) -> SafeString | str:
        if self.definition is None or not self.history:
            return ""
        points = [(year, present.rounded(self.definition, v)) for year, v in self.history]
        return sparkline(
            [(year, float(v) if v is not None else None) for year, v in points],
            [present.display(self.definition, v) for _year, v in self.history],
        )

    @property
    def url(self) -> str:
        if self.definition is None:
            return ""
        return reverse("indicators:detail", args=[self.definition.id])


@dataclass
class GoalTile:
    goal: Goal
    status: Status
    figures: list[Figure]
    url: str

    @property
    def badge(self) -> SafeString:
        return status_badge(self.status)

    @property
    def measured(self) -> list[Figure]:
        return [f for f in self.figures if f.commitment.kind in MEASURED and f.definition is not None]

    @property
    def followed(self) -> list[Figure]:
        """The commitments with no figure: followed through progress reports."""
        return [f for f in self.figures if f not in self.measured]


def goal_tiles(plan: Plan, user: Any, found: PlanStatus) -> list[GoalTile]:
    """The plan's goals, each with its commitments' figures (two queries)."""
    definitions = catalogue()
    commitments: dict[int, list[Figure]] = {}
    for commitment in (
        Commitment.objects.restrict(user, VIEW).filter(plan=plan, goal__isnull=False).order_by("position")
    ):
        commitments.setdefault(commitment.goal_id, []).append(  # type: ignore[arg-type]
            Figure(commitment, found.commitments.get(commitment.pk), definitions.get(commitment.indicator_id))
        )
    return [
        GoalTile(
            goal,
            found.of_goal(goal),
            commitments.get(goal.pk, []),
            f"{plan.get_absolute_url()}#goal-{goal.number}",
        )
        for goal in Goal.objects.restrict(user, VIEW).filter(plan=plan).order_by("number")
    ]


# --- the key indicators' trends --------------------------------------------------------------------


def key_figures(tiles: list[GoalTile]) -> list[Figure]:
    """The goals' measured commitments, each a key indicator with a trend (the first of a repeated one)."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for tile in tiles:
        for figure in tile.measured:
            c = figure.commitment
            if (c.indicator_id, c.stage, c.breakdown) not in seen:
                seen.add((c.indicator_id, c.stage, c.breakdown))
                out.append(figure)
    return out


def target_of(commitment: Commitment) -> Decimal | None:
    if commitment.kind == pc.CommitmentKind.COUNT and commitment.target_count is not None:
        return Decimal(commitment.target_count)
    if commitment.comparator in (pc.Comparator.FALLS_EVERY_YEAR, ""):
        return None
    return commitment.target_value


def trend_chart(figure: Figure, plan: Plan, as_of: int | None) -> ThresholdChart:
    """The district's value of every year of the plan so far, and the target as a dashed line."""
    assert figure.definition is not None
    definition = figure.definition
    last = plan.end_year if as_of is None else min(plan.end_year, as_of)
    years = list(range(plan.start_year, last + 1))
    values = dict(figure.history)
    target = target_of(figure.commitment)
    mark = None
    if target is not None:
        mark = (float(target), f"{_('Target')} {figure.commitment.target_text}")
    return ThresholdChart(
        f"{figure.commitment.title}",
        categories=[str(y) for y in years],
        series=[
            Series(
                definition.name_zh,
                [
                    float(v) if (v := present.rounded(definition, values.get(y))) is not None else None
                    for y in years
                ],
                "line",
            )
        ],
        unit=definition.unit_zh,
        marks=[mark],
        height=300,
    )


def trend_context(tiles: list[GoalTile], plan: Plan, as_of: int | None, wanted: str | None) -> dict[str, Any]:
    """The key indicators as tabs and the chosen one's trend (``?indicator=<commitment key>``)."""
    keys = key_figures(tiles)
    chosen = next((f for f in keys if f.commitment.key == wanted), keys[0] if keys else None)
    home = reverse("home")
    return {
        "trend_tabs": [
            (f, f"{home}?{urlencode({'indicator': f.commitment.key})}", f is chosen) for f in keys
        ],
        "trend_figure": chosen,
        "trend_chart": trend_chart(chosen, plan, as_of) if chosen is not None else None,
    }


# --- tasks, warnings and rectification orders -------------------------------------------------------


def tasks_chart(board: Board) -> Chart:
    """The plan's tasks by status (a pie in the status colours)."""
    counts = [(status, label, n) for status, label, n in board.counts if n]
    return Chart(
        _("Tasks by status"),
        kind="pie",
        pie=[(label, n) for _status, label, n in counts],
        extra={"color": [STATUS_COLOURS[status] for status, _label, _n in counts]},
        height=260,
    )


def warning_context(user: Any) -> dict[str, Any]:
    """The open (unresolved) warnings of the user's scope by kind and severity (one query)."""
    grouped = (
        Warning.objects.restrict(user, VIEW)
        .exclude(status=sc.WarningStatus.RESOLVED)
        .order_by()
        .values_list("kind", "severity")
        .annotate(n=Count("pk"))
    )
    counts = {(kind, severity): n for kind, severity, n in grouped}
    severities = [sc.Severity.HIGH, sc.Severity.MEDIUM, sc.Severity.LOW]
    kinds = [k for k in sc.WarningKind if any(counts.get((k.value, s.value)) for s in severities)]
    base = reverse("supervision:warning-list")
    rows = [
        {
            "label": kind.label,
            "url": f"{base}?{urlencode({'kind': kind.value})}",
            "cells": [counts.get((kind.value, s.value), 0) for s in severities],
            "total": sum(counts.get((kind.value, s.value), 0) for s in severities),
        }
        for kind in kinds
    ]
    chart = None
    if rows:
        chart = Chart(
            _("Open warnings by kind and severity"),
            categories=[row["label"] for row in rows],
            series=[
                Series(s.label, [row["cells"][i] for row in rows], "bar", stack="severity")
                for i, s in enumerate(severities)
            ],
            horizontal=True,
            height=max(200, 60 + 40 * len(rows)),
            extra={"color": [SEVERITY_COLOURS[s] for s in severities]},
        )
    return {
        "warning_rows": rows,
        "warning_severities": [s.label for s in severities],
        "warning_totals": [sum(row["cells"][i] for row in rows) for i in range(len(severities))],
        "warning_total": sum(row["total"] for row in rows),
        "warning_chart": chart,
    }


def order_context(user: Any, today: dt.date) -> dict[str, Any]:
    """The open rectification orders of the user's scope, the overdue ones first (three queries)."""
    open_orders = RectificationOrder.objects.restrict(user, VIEW).exclude(status=sc.OrderStatus.PASSED)
    overdue = open_orders.filter(status=sc.OrderStatus.ISSUED, deadline__lt=today)
    rows = list(
        open_orders.select_related("finding", "school", "department").order_by("deadline", "pk")[:ORDER_ROWS]
    )
    for order in rows:
        order.is_overdue = order.status == sc.OrderStatus.ISSUED and order.deadline < today  # type: ignore[attr-defined]
    rows.sort(key=lambda o: (not o.is_overdue, o.deadline, o.pk))  # type: ignore[attr-defined]
    return {
        "orders": rows,
        "order_total": open_orders.count(),
        "order_overdue": overdue.count(),
    }


def overview_context(user: Any, year: int | None, wanted: str | None, today: dt.date) -> dict[str, Any]:
    """Everything the overview shows (``wanted``: the key indicator whose trend is drawn)."""
    plan = current_plan(user, year)
    context: dict[str, Any] = {"plan": plan}
    context.update(warning_context(user))
    context.update(order_context(user, today))
    if plan is None:
        return context
    board = build_board(plan, user, today)
    tiles = goal_tiles(plan, user, board.status)
    context.update(
        board=board,
        goal_tiles=tiles,
        tasks_chart=tasks_chart(board),
        **trend_context(tiles, plan, year, wanted),
    )
    return context


def trend_only(user: Any, year: int | None, wanted: str | None, today: dt.date) -> dict[str, Any]:
    """What the HTMX switch of the key indicator needs: the tabs and the chosen trend."""
    plan = current_plan(user, year)
    if plan is None:
        return {"plan": None}
    tiles = goal_tiles(plan, user, plan_status(plan, today=today))
    return {"plan": plan, **trend_context(tiles, plan, year, wanted)}
