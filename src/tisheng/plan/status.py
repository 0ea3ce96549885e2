"""The status (红黄绿) of a plan's commitments, tasks and goals, from the stored indicator values.

Like every page that shows an indicator, the status reads the current computed values
(:class:`~tisheng.indicators.models.IndicatorValue`), never the raw facts (ARCHITECTURE.md). Each
commitment linked to a catalogue indicator gets its district values of every 学年, and:

* an **indicator target** (``>=``, ``<=``, ``=``, 逐年下降) and a **count target** (at least
  ``target_count``; e.g. 自治区级德育示范校 5 所 from ``recognition.moral_education_school``,
  breakdown ``level=region``) are judged by the trajectory rule (:mod:`tisheng.plan.trajectory`:
  projection to the deadline from the last N years, tolerance, overdue);
* a **recurring duty** with an indicator (the share of schools that did it in the period, e.g.
  ``family.parent_meeting_rate``) holds every year, so it is judged on the latest year: 绿 when every
  school did it (100%), 黄 when the share is within the trajectory tolerance of 100%, 红 below;
* a **project** is judged on its milestones (立项, 开工, 主体完工, 投用) against the dates the text plans,
  from the progress reports that say a milestone was reached (:func:`project_status`);
* a commitment without an indicator (qualitative commitments, duties with no activity indicator) has
  no figure to judge: it is 无数据 and says so, and is followed through progress reports.

A task's status and a goal's are rolled up from their commitments (:func:`trajectory.roll_up`: 红 if any
is 红, else 黄, else 绿). Values withheld as small groups are district values here, which are never small
at district scale; a withheld one (a district of fewer than 10 tested students) is left out like a
missing year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tisheng.core.models import AcademicYear
from tisheng.indicators import present
from tisheng.indicators.catalogue import Definition, catalogue
from tisheng.indicators.models import IndicatorValue

from . import choices as c
from .models import Commitment, Goal, Milestone, Plan, ProgressReport, Task
from .trajectory import Status, Target, Trajectory, TrajectoryRule, assess, roll_up

FULL = Decimal(100)


@dataclass(frozen=True)
class CommitmentStatus:
    """A commitment's status and the one sentence that explains it."""

    status: Status
    reason: str
    trajectory: Trajectory | None = None
    #: the district values the verdict read, oldest first: (学年, value or None)
    history: tuple[tuple[int, Decimal | None], ...] = ()


@dataclass(frozen=True)
class PlanStatus:
    """Every commitment's status in one plan, and the roll-ups of its tasks and goals."""

    commitments: Mapping[int, CommitmentStatus]
    tasks: Mapping[int, Status]
    goals: Mapping[int, Status]

    def of_task(self, task: Task) -> Status:
        return self.tasks.get(task.pk, Status.UNKNOWN)

    def of_goal(self, goal: Goal) -> Status:
        return self.goals.get(goal.pk, Status.UNKNOWN)


def plain(value: Decimal) -> Decimal:
    """A stored decimal without its trailing zeros (``45.0000000000`` → ``45``, ``98.500`` → ``98.5``), so
    that a sentence writes it as the plan and the data do; never in exponent form (``1E+2``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _histories(
    plan: Plan,
    commitments: Iterable[Commitment],
    definitions: Mapping[str, Definition],
    as_of: int | None = None,
) -> dict[tuple[str, str, str], list[tuple[int, Decimal | None]]]:
    """(indicator, stage, breakdown) → the district's current value of every 学年 up to ``as_of``, in
    one query."""
    wanted = {x.indicator_id for x in commitments if x.indicator_id in definitions}
    rows = (
        IndicatorValue.objects.current()
        .filter(indicator__in=wanted, level="district", org_code=plan.district.code)
        .filter(academic_year__start_year__lte=as_of if as_of is not None else 9999)
        .select_related("academic_year")
        .order_by("academic_year__start_year")
    )
    out: dict[tuple[str, str, str], list[tuple[int, Decimal | None]]] = defaultdict(list)
    for v in rows:
        hidden = present.is_suppressed(definitions[v.indicator], v, None)
        # stored with ten decimals: normalised, so the sentence writes a count of 4 as 4, not 4.00
        value = None if hidden or v.value is None else plain(v.value)
        out[(v.indicator, v.stage, v.breakdown)].append((v.academic_year.start_year, value))
    return out


def _planned(milestone: Milestone) -> dt.date | None:
    if milestone.planned_date is not None:
        return milestone.planned_date
    return dt.date(milestone.planned_year, 12, 31) if milestone.planned_year else None


def project_status(
    commitment: Commitment, reached: Mapping[int, ProgressReport], today: dt.date
) -> CommitmentStatus:
    """A project's status from its milestones and the reports that say one was reached: 红 when a
    milestone's planned date (the end of its planned year when the text gives only a year) has passed
    without a report of it; 黄 when one falls due this year and is not yet reported; 绿 when every
    milestone due so far is reported; 无数据 when the text plans no milestone and none is reported."""
    milestones = sorted(commitment.milestones.all(), key=lambda m: m.position)
    done = [(m, reached[m.pk]) for m in milestones if m.pk in reached]
    places = sum(r.places_delivered or 0 for _, r in done)
    said = [f"{m.get_stage_display()}（{r.reached_on:%Y-%m-%d}）" for m, r in done]
    if commitment.planned_places:
        said.append(f"已交付学位{places:,}个，计划{commitment.planned_places:,}个")
    late = [m for m in milestones if m.pk not in reached and (p := _planned(m)) is not None and p < today]
    if late:
        first = late[0]
        reason = f"“{first.get_stage_display()}”计划于{_when(first)}完成，尚未报告完成"
        return CommitmentStatus(Status.RED, "；".join([reason, *said]))
    soon = [
        m
        for m in milestones
        if m.pk not in reached and (p := _planned(m)) is not None and p.year == today.year
    ]
    if soon:
        reason = f"“{soon[0].get_stage_display()}”计划于{_when(soon[0])}完成，尚未报告"
        return CommitmentStatus(Status.YELLOW, "；".join([reason, *said]))
    if done:
        return CommitmentStatus(Status.GREEN, "已完成：" + "、".join(said))
    if any(_planned(m) for m in milestones):
        return CommitmentStatus(Status.GREEN, f"首个里程碑计划于{_when(milestones[0])}，尚未到期")
    return _no_figure(commitment)


def _when(milestone: Milestone) -> str:
    if milestone.planned_date is not None:
        return f"{milestone.planned_date:%Y年%m月%d日}"
    return f"{milestone.planned_year}年"


def _no_figure(commitment: Commitment) -> CommitmentStatus:
    if commitment.indicator_id:
        return CommitmentStatus(Status.UNKNOWN, f"指标 {commitment.indicator_id} 不在指标目录中，无法研判")
    kind = c.CommitmentKind(commitment.kind)
    if kind == c.CommitmentKind.PROJECT:
        return CommitmentStatus(Status.UNKNOWN, "工程项目按里程碑和进度报告跟踪，暂无可计算的数据")
    return CommitmentStatus(Status.UNKNOWN, "该承诺没有对应的统计指标，按进度报告跟踪")


def _recurring(
    definition: Definition,
    history: list[tuple[int, Decimal | None]],
    rule: TrajectoryRule,
) -> CommitmentStatus:
    known = [(year, value) for year, value in history if value is not None]
    if not known:
        return CommitmentStatus(Status.UNKNOWN, f"{definition.name_zh}没有数据", None, tuple(history))
    year, value = known[-1]
    shown = f"{value.quantize(Decimal('0.1'))}%"
    if value >= FULL:
        return CommitmentStatus(
            Status.GREEN, f"{year}年所有学校均已做到（{definition.name_zh}{shown}）", None, tuple(history)
        )
    status = Status.YELLOW if FULL - value <= rule.tolerance_pp else Status.RED
    reason = f"{year}年{definition.name_zh}为{shown}，未达到每所学校都做到的要求"
    return CommitmentStatus(status, reason, None, tuple(history))


def commitment_status(
    commitment: Commitment,
    history: list[tuple[int, Decimal | None]],
    definition: Definition,
    rule: TrajectoryRule,
    as_of: int | None,
) -> CommitmentStatus:
    """One commitment's status from its indicator's district ``history``."""
    if commitment.kind == c.CommitmentKind.RECURRING:
        return _recurring(definition, history, rule)
    if commitment.kind == c.CommitmentKind.COUNT and commitment.target_count is not None:
        target = Target(">=", Decimal(commitment.target_count), commitment.deadline_year, definition.unit_zh)
    elif commitment.kind == c.CommitmentKind.INDICATOR and commitment.comparator:
        value = None if commitment.target_value is None else plain(commitment.target_value)
        target = Target(commitment.comparator, value, commitment.deadline_year, definition.unit_zh)
    else:
        return _no_figure(commitment)
    trajectory = assess(target, history, rule=rule, as_of=as_of, name=definition.name_zh)
    return CommitmentStatus(trajectory.status, trajectory.reason, trajectory, tuple(history))


def plan_status(
    plan: Plan,
    *,
    rule: TrajectoryRule | None = None,
    as_of: int | None = None,
    today: dt.date | None = None,
) -> PlanStatus:
    """The status of every commitment of ``plan``, and of its tasks and goals. ``as_of`` (the current
    学年: by default the current one, else the latest the database has) lets a deadline pass before its data arrive."""
    rule = rule or TrajectoryRule.from_settings()
    if as_of is None:
        years = AcademicYear.objects.order_by("-is_current", "-start_year")
        as_of = years.values_list("start_year", flat=True).first()
    today = today or dt.date.today()
    definitions = catalogue()
    commitments = list(plan.commitments.prefetch_related("milestones"))
    histories = _histories(plan, commitments, definitions, as_of)
    reached: dict[int, ProgressReport] = {}
    for report in (
        ProgressReport.objects.filter(task__plan=plan, milestone__isnull=False)
        .select_related("milestone")
        .order_by("-reached_on", "-pk")
    ):
        reached[report.milestone_id] = report  # type: ignore[index]  # the earliest report wins
    statuses: dict[int, CommitmentStatus] = {}
    for commitment in commitments:
        if commitment.kind == c.CommitmentKind.PROJECT:
            statuses[commitment.pk] = project_status(commitment, reached, today)
            continue
        definition = definitions.get(commitment.indicator_id)
        if definition is None:
            statuses[commitment.pk] = _no_figure(commitment)
            continue
        if commitment.deadline_year is None and commitment.kind != c.CommitmentKind.RECURRING:
            statuses[commitment.pk] = CommitmentStatus(Status.UNKNOWN, "该承诺没有完成期限，无法按趋势研判")
            continue
        history = histories.get((commitment.indicator_id, commitment.stage, commitment.breakdown), [])
        statuses[commitment.pk] = commitment_status(commitment, history, definition, rule, as_of)
    by_task: dict[int, list[Status]] = defaultdict(list)
    by_goal: dict[int, list[Status]] = defaultdict(list)
    for commitment in commitments:
        if commitment.task_id is not None:
            by_task[commitment.task_id].append(statuses[commitment.pk].status)
        if commitment.goal_id is not None:
            by_goal[commitment.goal_id].append(statuses[commitment.pk].status)
    return PlanStatus(
        statuses,
        {task: roll_up(s) for task, s in by_task.items()},
        {goal: roll_up(s) for goal, s in by_goal.items()},
    )


# --- showing a status -------------------------------------------------------------------------------------

#: the translated label of each status (the trajectory module writes the Chinese sentence itself)
STATUS_LABELS: dict[Status, Any] = {
    Status.GREEN: _("On track"),
    Status.YELLOW: _("At risk"),
    Status.RED: _("Off track"),
    Status.UNKNOWN: _("No data"),
}


def status_badge(status: Status, reason: str = "") -> SafeString:
    """The status as a coloured badge; ``reason`` (the sentence) as its tooltip."""
    if reason:
        return format_html(
            '<span class="badge {}" title="{}">{}</span>', status.badge, reason, STATUS_LABELS[status]
        )
    return format_html('<span class="badge {}">{}</span>', status.badge, STATUS_LABELS[status])


def attach(
    plan_statuses: PlanStatus,
    commitments: Iterable[Commitment] = (),
    tasks: Iterable[Task] = (),
    today: dt.date | None = None,
) -> None:
    """Set ``status_result`` on each commitment, and ``status`` and ``overdue_count`` (the lead units'
    overdue quarterly reports, :func:`tisheng.plan.reports.overdue_reports`) on each task, for the
    tables to show."""
    from .reports import overdue_reports

    for commitment in commitments:
        commitment.status_result = plan_statuses.commitments.get(commitment.pk)  # type: ignore[attr-defined]
    tasks = list(tasks)
    if not tasks:
        return
    overdue = Counter(
        o.task.pk for o in overdue_reports(tasks[0].plan, today or dt.date.today(), tasks=tasks)
    )
    for task in tasks:
        task.status = plan_statuses.of_task(task)  # type: ignore[attr-defined]
        task.overdue_count = overdue[task.pk]  # type: ignore[attr-defined]
