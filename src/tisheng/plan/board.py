"""The plan board (任务推进看板): a plan's goals with their status, then each 工程 with its tasks — status,
lead units (牵头单位), responsible and cooperating units, the next deadline and what is overdue — for the
whole district or one department; and a department's own desk: the reports it owes on the tasks it
leads, overdue or falling due.

Deadlines come from the plan itself, never from guesses: a project's milestones (the date or year the
text plans), a commitment's deadline year (by the end of that year), and the quarterly progress reports
of the lead units (:mod:`tisheng.plan.reports`). A deadline is *missed* when it has passed and is not
done: a milestone with no report that it was reached, a commitment judged 红 by the trajectory rule
(:mod:`tisheng.plan.status`; a commitment that is 绿 met its deadline, one without data cannot be called
missed), a lead unit's report not in by its due date. Everything takes ``today`` as an argument.

The board costs a fixed number of queries whatever the number of tasks (a test holds it to that).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tisheng.core.choices import Role
from tisheng.core.models import Department
from tisheng.core.permissions import VIEW

from . import choices as c
from .models import Commitment, Goal, Milestone, Plan, ProgressReport, Project, Task, TaskDepartment
from .reports import Overdue, Period, overdue_reports
from .status import STATUS_LABELS, PlanStatus, plan_status, status_badge
from .trajectory import Status

#: the order statuses are counted and drawn in
STATUS_ORDER = (Status.RED, Status.YELLOW, Status.GREEN, Status.UNKNOWN)
#: the charts' colours of the statuses, as the badges' (site.css)
STATUS_COLOURS = {
    Status.GREEN: "#2e7d32",
    Status.YELLOW: "#ca8622",
    Status.RED: "#c62828",
    Status.UNKNOWN: "#8a8f98",
}


def status_counts(tasks: Iterable[BoardTask]) -> list[tuple[Status, Any, int]]:
    """(status, its label, how many tasks) in the board's order, red first."""
    found = Counter(t.status for t in tasks)
    return [(s, STATUS_LABELS[s], found[s]) for s in STATUS_ORDER]


@dataclass(frozen=True)
class Deadline:
    """One dated obligation of a task: what is due, by when, and whether it is done."""

    date: dt.date
    what: str
    done: bool = False

    def missed(self, today: dt.date) -> bool:
        return not self.done and self.date < today

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.what}"


@dataclass
class BoardTask:
    """A task's row on the board."""

    task: Task
    status: Status
    badge: SafeString
    leads: list[TaskDepartment]
    responsible: list[TaskDepartment]
    cooperating: list[TaskDepartment]
    deadlines: list[Deadline]
    overdue_reports: list[Overdue]
    today: dt.date
    #: the viewing department's roles on the task (its own board), else empty
    own_roles: list[str] = field(default_factory=list)

    @property
    def next_deadline(self) -> Deadline | None:
        """The earliest deadline still to come (today counts as to come)."""
        pending = [d for d in self.deadlines if not d.done and d.date >= self.today]
        return min(pending, key=lambda d: d.date) if pending else None

    @property
    def last_deadline(self) -> Deadline | None:
        """The latest deadline of the task, for a task whose deadlines have all passed."""
        return max(self.deadlines, key=lambda d: d.date) if self.deadlines else None

    @property
    def missed(self) -> list[Deadline]:
        """The missed deadlines, and one line per overdue report, oldest first."""
        missed = [d for d in self.deadlines if d.missed(self.today)]
        missed += [
            Deadline(
                o.due,
                f"{o.department.short_name or o.department.name} {o.period}{_('progress report')}",
            )
            for o in self.overdue_reports
        ]
        return sorted(missed, key=lambda d: d.date)

    @property
    def is_overdue(self) -> bool:
        return bool(self.missed)


class TaskTotals:
    """Counts over ``tasks`` (a 工程's, or the whole board's): by status, and those with something overdue."""

    tasks: list[BoardTask]

    @property
    def counts(self) -> list[tuple[Status, Any, int]]:
        return status_counts(self.tasks)

    @property
    def overdue_count(self) -> int:
        return sum(1 for t in self.tasks if t.is_overdue)


@dataclass
class BoardProject(TaskTotals):
    """A 工程 and its tasks on the board, with the count of its tasks by status."""

    project: Project
    tasks: list[BoardTask]


@dataclass
class OwedReport:
    """A quarterly report a department owes on a task it leads: overdue, or falling due."""

    task: Task
    department: Department
    period: Period
    overdue: bool

    @property
    def due(self) -> dt.date:
        return self.period.due()

    @property
    def url(self) -> str:
        return self.task.get_absolute_url() + "#report-form"


@dataclass
class Board(TaskTotals):
    plan: Plan
    today: dt.date
    status: PlanStatus
    goals: list[tuple[Goal, SafeString]]
    projects: list[BoardProject]
    department: Department | None = None
    owed: list[OwedReport] = field(default_factory=list)
    tasks: list[BoardTask] = field(init=False)  # every 工程's, in order: what the totals count

    def __post_init__(self) -> None:
        self.tasks = [t for p in self.projects for t in p.tasks]

    @property
    def led_count(self) -> int:
        """How many of the board's tasks the board's department leads (牵头)."""
        if self.department is None:
            return 0
        pk = self.department.pk
        return sum(1 for t in self.tasks if any(link.department_id == pk for link in t.leads))

    @property
    def red_count(self) -> int:
        return sum(1 for t in self.tasks if t.status == Status.RED)


def current_plan(user: Any, year: int | None = None) -> Plan | None:
    """The plan the boards show: the one whose period holds ``year`` (the current 学年), else the latest."""
    plans = Plan.objects.restrict(user, VIEW).select_related("district").order_by("-start_year", "code")
    if year is not None:
        running = plans.filter(start_year__lte=year, end_year__gte=year).first()
        if running is not None:
            return running
    return plans.first()


def planned_date(milestone: Milestone) -> dt.date | None:
    """The milestone's planned date: the date the text gives, else the end of its planned year."""
    if milestone.planned_date is not None:
        return milestone.planned_date
    return dt.date(milestone.planned_year, 12, 31) if milestone.planned_year else None


def commitment_deadlines(commitment: Commitment, found: PlanStatus, reached: set[int]) -> Iterable[Deadline]:
    """A commitment's dated obligations: each milestone of a project, else its deadline year."""
    if commitment.kind == c.CommitmentKind.PROJECT:
        dated = False
        for milestone in commitment.milestones.all():
            when = planned_date(milestone)
            if when is None:
                continue
            dated = True
            what = f"{commitment.title} · {milestone.get_stage_display()}"
            yield Deadline(when, what, done=milestone.pk in reached)
        if dated:
            return
    if commitment.deadline_year is None or commitment.kind == c.CommitmentKind.RECURRING:
        return
    result = found.commitments.get(commitment.pk)
    # met (绿) is done; a missed deadline needs a verdict (红) — without data nothing can be called missed
    done = result is None or result.status != Status.RED
    yield Deadline(dt.date(commitment.deadline_year, 12, 31), commitment.title, done=done)


def next_report_due(plan: Plan, today: dt.date) -> Period | None:
    """The quarter whose report falls due next (on or after ``today``), within the plan's period."""
    period = Period.of(today - dt.timedelta(days=120))
    last = Period(plan.end_year, 4)
    while period <= last:
        if period.due() >= today and period.year >= plan.start_year:
            return period
        period = period.next()
    return None


def department_roles(links: Sequence[TaskDepartment], department: Department | None) -> list[str]:
    if department is None:
        return []
    labels = {role.value: role.label for role in c.DepartmentRole}
    roles = []
    for link in links:
        label = str(labels[link.role])
        if link.department_id == department.pk and label not in roles:
            roles.append(label)
    return roles


def build_board(plan: Plan, user: Any, today: dt.date, department: Department | None = None) -> Board:
    """The board of ``plan`` as ``user`` may see it; with ``department``, only the tasks that name it."""
    found = plan_status(plan, today=today)
    tasks: QuerySet[Task] = (
        Task.objects.restrict(user, VIEW)
        .filter(plan=plan)
        .select_related("project", "plan")
        .prefetch_related(
            Prefetch(
                "department_links",
                queryset=TaskDepartment.objects.select_related("department").order_by("position"),
            ),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.prefetch_related("milestones").order_by("position"),
            ),
        )
        .order_by("number")
    )
    if department is not None:
        tasks = tasks.filter(department_links__department=department).distinct()
    rows = list(tasks)
    reached = set(
        ProgressReport.objects.filter(task__plan=plan, milestone__isnull=False).values_list(
            "milestone_id", flat=True
        )
    )
    late: dict[int, list[Overdue]] = defaultdict(list)
    for item in overdue_reports(plan, today, tasks=rows) if rows else []:
        late[item.task.pk].append(item)
    due = next_report_due(plan, today)
    # the leads whose report for that quarter is already in: it is no longer a deadline ahead of them
    filed = (
        set(
            ProgressReport.objects.filter(task__plan=plan, year=due.year, quarter=due.quarter).values_list(
                "task_id", "department_id"
            )
        )
        if due is not None
        else set()
    )
    by_project: dict[int, list[BoardTask]] = defaultdict(list)
    for task in rows:
        links = list(task.department_links.all())
        deadlines = [d for cm in task.commitments.all() for d in commitment_deadlines(cm, found, reached)]
        leads = [link for link in links if link.role == c.DepartmentRole.LEAD]
        if due is not None and any((task.pk, link.department_id) not in filed for link in leads):
            deadlines.append(Deadline(due.due(), f"{due}{_('progress report')}"))
        status = found.of_task(task)
        by_project[task.project_id].append(
            BoardTask(
                task=task,
                status=status,
                badge=status_badge(status),
                leads=leads,
                responsible=[link for link in links if link.role == c.DepartmentRole.RESPONSIBLE],
                cooperating=[link for link in links if link.role == c.DepartmentRole.COOPERATING],
                deadlines=deadlines,
                overdue_reports=[
                    o for o in late[task.pk] if department is None or o.department.pk == department.pk
                ],
                today=today,
                own_roles=department_roles(links, department),
            )
        )
    projects = [
        BoardProject(project, by_project[project.pk])
        for project in Project.objects.restrict(user, VIEW).filter(plan=plan).order_by("number")
        if by_project.get(project.pk)
    ]
    goals = [
        (goal, status_badge(found.of_goal(goal)))
        for goal in Goal.objects.restrict(user, VIEW).filter(plan=plan).order_by("number")
    ]
    board = Board(plan, today, found, goals, projects, department)
    if department is not None:
        board.owed = owed_reports(board, department, late, due, filed)
    return board


def owed_reports(
    board: Board,
    department: Department,
    late: dict[int, list[Overdue]],
    due: Period | None,
    filed: set[tuple[int, int]],
) -> list[OwedReport]:
    """What ``department`` owes on the tasks it leads: every overdue quarter, then the quarter falling
    due next where it has not reported yet (``filed``: the (task, department) reports of that quarter)."""
    led = [t.task for t in board.tasks if any(link.department_id == department.pk for link in t.leads)]
    owed = [
        OwedReport(o.task, department, o.period, overdue=True)
        for task in led
        for o in late[task.pk]
        if o.department.pk == department.pk
    ]
    if due is not None:
        owed += [
            OwedReport(task, department, due, overdue=False)
            for task in led
            if (task.pk, department.pk) not in filed
        ]
    return sorted(owed, key=lambda o: (not o.overdue, o.period, o.task.number))


def board_departments(plan: Plan) -> QuerySet[Department]:
    """The departments the plan's tasks name, for the board's filter."""
    return Department.objects.filter(task_links__task__plan=plan).distinct().order_by("code")


def own_department(user: Any) -> Department | None:
    """A department user's own department (its board is always its own)."""
    if getattr(user, "role", None) != Role.DEPARTMENT or user.department_id is None:
        return None
    return Department.objects.restrict(user, VIEW).filter(pk=user.department_id).first()
