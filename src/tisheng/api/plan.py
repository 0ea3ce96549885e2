"""Read endpoints for the plan (行动方案): plans and their tasks, scoped like the plan pages.

A plan is a public document: every signed-in role reads all of it. ``/plans/{id}`` gives the goals
with their commitments, the 工程 with their tasks, and the plan's own commitments (组织实施);
``/plan-tasks/{id}`` a task's clause text, departments by role (as the text names them) and
commitments. A commitment carries, in explicit fields, what a status computation reads: the catalogue
indicator, comparator, target and deadline year; the target count; the planned places and milestones;
the recurring period. Fields a commitment's kind does not use are null (or empty lists).

Each commitment, task and goal also carries its status (红黄绿, :mod:`tisheng.plan.status`): computed
from the stored district indicator values (a project from the milestones its progress reports say were
reached), once per plan and request whatever the number of rows. A task's detail lists the progress
reports its lead units owe and have not submitted (overdue).

(No ``from __future__ import annotations`` here: ninja reads the endpoints' parameter types at runtime.)
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import computed_field

from tisheng.api.auth import auth_user
from tisheng.api.census import LIST_ERRORS, in_scope, readable
from tisheng.api.census_schemas import blank_to_none, label_or_none
from tisheng.api.errors import OBJECT_ERRORS
from tisheng.api.filters import apply_filters, query_schema
from tisheng.api.organisation import get_visible
from tisheng.api.pagination import Pagination
from tisheng.api.schemas import DepartmentRef, display
from tisheng.core.models import User
from tisheng.plan import choices as c
from tisheng.plan.filters import PlanFilterSet, TaskFilterSet
from tisheng.plan.models import Commitment, Goal, Milestone, Plan, Project, Task, TaskDepartment
from tisheng.plan.reports import Overdue, overdue_reports
from tisheng.plan.status import STATUS_LABELS, CommitmentStatus, PlanStatus, plan_status
from tisheng.plan.trajectory import Status

router = Router()

READ_BY = "\n\nRead by every signed-in role: a plan is a public document."
STATUS_HELP = "Status: green (on track), yellow (at risk), red (off track) or unknown (no data)"


def statuses_of(request: HttpRequest, plan_id: int, plan: Plan | None = None) -> PlanStatus:
    """The status of every commitment, task and goal of the plan ``plan_id``: computed once per request
    (:func:`~tisheng.plan.status.plan_status`) and kept on the request for every row that asks."""
    cache: dict[int, PlanStatus] = request.__dict__.setdefault("_plan_statuses", {})
    if plan_id not in cache:
        if plan is None:
            plan = Plan.objects.select_related("district").get(pk=plan_id)
        cache[plan_id] = plan_status(plan)
    return cache[plan_id]


def _request(context: Any) -> HttpRequest:
    return context["request"]  # type: ignore[no-any-return]


def status_label(status: Status) -> str:
    """The status's label in the request's language (绿（进度正常） …)."""
    return str(STATUS_LABELS[Status(status)])


PlanParams = query_schema(PlanFilterSet)
TaskParams = query_schema(TaskFilterSet)


class DistrictRef(Schema):
    """A district, in brief."""

    id: int
    code: str
    name: str


class PlanRef(Schema):
    """A plan, in brief."""

    id: int
    code: str
    name: str


class MilestoneOut(Schema):
    """A project milestone (立项, 开工, 主体完工, 投用) and when the text plans it, if it says."""

    id: int = Field(..., description="Milestone id (what a progress report names as reached)")
    stage: c.MilestoneStage = Field(..., description="Milestone")
    planned_year: int | None = Field(..., description="Planned year, when the text gives one")
    planned_date: dt.date | None = Field(..., description="Planned date, when the text gives one")

    @computed_field(description="Display label of stage")  # type: ignore[prop-decorator]
    @property
    def stage_label(self) -> str:
        return display(self.stage)


class CommitmentOut(Schema):
    """A commitment (承诺) of a goal, a task or the plan itself, with the clause it was taken from."""

    id: int
    key: str = Field(..., description="Stable key within the plan")
    kind: c.CommitmentKind = Field(..., description="Kind of commitment")
    title: str
    clause: str = Field(..., description="The clause of the source text, verbatim")
    deadline_year: int | None = Field(..., description="Year by which it is due")
    indicator_id: str | None = Field(..., description="Catalogue indicator measuring it (/api/indicators)")
    stage: str | None = Field(..., description="Stage the indicator is read at (null: all stages)")
    breakdown: str | None = Field(..., description="Breakdown key of the indicator value (level=region)")
    comparator: c.Comparator | None = Field(..., description="How the indicator value meets the target")
    target_value: Decimal | None = Field(..., description="Indicator target, in the indicator's unit")
    baseline_value: Decimal | None = Field(..., description="Baseline value, if the plan gives one")
    baseline_year: int | None = Field(..., description="Year of the baseline")
    subject: str | None = Field(..., description="What is counted, built or done")
    target_count: int | None = Field(..., description="Target count (count targets; schools of a project)")
    parts: list[dict[str, Any]] = Field(..., description="A count's parts by named place: name, count")
    planned_places: int | None = Field(..., description="Places (学位) a project adds")
    schools: list[dict[str, Any]] = Field(..., description="Schools a project names: name, action")
    frequency: c.Frequency | None = Field(..., description="How often a recurring duty falls due")
    times: int | None = Field(..., description="At least this many times per period")
    months: list[int] = Field(..., description="Months of the named weeks")
    week_of_month: int | None = Field(..., description="Week of the month of the named weeks")
    actor: str | None = Field(..., description="Who does a recurring duty")
    activity_kind: str | None = Field(..., description="Activity record kind that evidences the duty")
    since_year: int | None = Field(..., description="First year of a recurring duty")
    milestones: list[MilestoneOut] = Field(..., description="A project's milestones")
    target_text: str = Field(..., description="The target in words")
    status: Status = Field(..., description=STATUS_HELP)
    status_reason: str = Field(..., description="The one sentence (in Chinese) that explains the status")

    @staticmethod
    def result(obj: Any, context: Any) -> CommitmentStatus:
        return statuses_of(_request(context), obj.plan_id).commitments[obj.pk]

    @staticmethod
    def resolve_status(obj: Any, context: Any) -> Status:
        return CommitmentOut.result(obj, context).status

    @staticmethod
    def resolve_status_reason(obj: Any, context: Any) -> str:
        return CommitmentOut.result(obj, context).reason

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Milestone]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_indicator_id(obj: Any) -> str | None:
        return blank_to_none(obj.indicator_id)

    @staticmethod
    def resolve_stage(obj: Any) -> str | None:
        return blank_to_none(obj.stage)

    @staticmethod
    def resolve_breakdown(obj: Any) -> str | None:
        return blank_to_none(obj.breakdown)

    @staticmethod
    def resolve_comparator(obj: Any) -> str | None:
        return blank_to_none(obj.comparator)

    @staticmethod
    def resolve_subject(obj: Any) -> str | None:
        return blank_to_none(obj.subject)

    @staticmethod
    def resolve_frequency(obj: Any) -> str | None:
        return blank_to_none(obj.frequency)

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return blank_to_none(obj.actor)

    @staticmethod
    def resolve_activity_kind(obj: Any) -> str | None:
        return blank_to_none(obj.activity_kind)

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)

    @computed_field(description="Display label of comparator")  # type: ignore[prop-decorator]
    @property
    def comparator_label(self) -> str | None:
        return label_or_none(self.comparator)

    @computed_field(description="Display label of frequency")  # type: ignore[prop-decorator]
    @property
    def frequency_label(self) -> str | None:
        return label_or_none(self.frequency)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return status_label(self.status)


class TaskDepartmentOut(Schema):
    """A department named on a task, in its role, with the name as the text writes it."""

    department: DepartmentRef
    role: c.DepartmentRole = Field(..., description="Lead, responsible or cooperating")
    named_as: str = Field(..., description="The name as the plan's text writes it")

    @computed_field(description="Display label of role")  # type: ignore[prop-decorator]
    @property
    def role_label(self) -> str:
        return display(self.role)


class ProjectRef(Schema):
    """A project (工程), in brief."""

    id: int
    number: int
    title: str


class TaskStatusOut(Schema):
    """A task's status, rolled up from its commitments' (红 if any is 红, else 黄, else 绿)."""

    status: Status = Field(..., description=STATUS_HELP + ", rolled up from the task's commitments")

    @staticmethod
    def resolve_status(obj: Any, context: Any) -> Status:
        plan = obj.plan if Task.plan.is_cached(obj) else None
        return statuses_of(_request(context), obj.plan_id, plan).of_task(obj)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return status_label(self.status)


class TaskBriefOut(TaskStatusOut, ProjectRef):
    """A task, in brief, with its status."""


class TaskOut(TaskStatusOut):
    """A task (任务) of a plan: number, title, 工程, departments and status."""

    id: int
    plan: PlanRef
    project: ProjectRef
    number: int
    title: str
    departments: list[TaskDepartmentOut] = Field(..., description="Departments in the text's order")
    commitment_count: int = Field(..., description="Number of commitments")

    @staticmethod
    def resolve_departments(obj: Any) -> list[TaskDepartment]:
        return list(obj.department_links.all())


class OverdueOut(Schema):
    """A quarter's progress report a lead unit (牵头单位) owes on the task and has not submitted."""

    department: DepartmentRef
    year: int
    quarter: int = Field(..., description="Quarter (1–4)")
    due: dt.date = Field(..., description="The day the report fell due")
    sentence: str = Field(..., description="The overdue report in one sentence (in Chinese)")

    @staticmethod
    def resolve_year(obj: Overdue) -> int:
        return obj.period.year

    @staticmethod
    def resolve_quarter(obj: Overdue) -> int:
        return obj.period.quarter

    @staticmethod
    def resolve_sentence(obj: Overdue) -> str:
        return obj.sentence()


class TaskDetailOut(TaskOut):
    """A task with its clause text, commitments (each with its status) and overdue reports."""

    text: str = Field(..., description="The clause text, verbatim")
    commitments: list[CommitmentOut]
    overdue_reports: list[OverdueOut] = Field(
        ..., description="Quarterly reports its lead units owe and have not submitted, latest first"
    )

    @staticmethod
    def resolve_commitments(obj: Any) -> list[Commitment]:
        return list(obj.commitments.all())

    @staticmethod
    def resolve_overdue_reports(obj: Any) -> list[Overdue]:
        return obj.overdue_rows  # type: ignore[no-any-return]


class GoalOut(Schema):
    """A goal (工作目标) with its commitments and status."""

    id: int
    number: int
    title: str
    text: str
    commitments: list[CommitmentOut]
    status: Status = Field(..., description=STATUS_HELP + ", rolled up from the goal's commitments")

    @staticmethod
    def resolve_status(obj: Any, context: Any) -> Status:
        return statuses_of(_request(context), obj.plan_id).of_goal(obj)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @staticmethod
    def resolve_commitments(obj: Any) -> list[Commitment]:
        return list(obj.commitments.all())


class ProjectOut(ProjectRef):
    """A project (工程) with its tasks."""

    tasks: list[TaskBriefOut] = Field(..., description="The project's tasks (id, number, title, status)")

    @staticmethod
    def resolve_tasks(obj: Any) -> list[Task]:
        return list(obj.tasks.all())


class PlanOut(Schema):
    """An action plan (行动方案) of a district over a period of years."""

    id: int
    code: str
    name: str
    district: DistrictRef
    start_year: int
    end_year: int
    source_title: str = Field(..., description="Title of the source document")
    task_count: int = Field(..., description="Number of tasks")


class PlanDetailOut(PlanOut):
    """A plan with its goals, 工程 and tasks, and its own commitments (组织实施)."""

    summary: str
    implementation: str = Field(..., description="The text of the plan's implementation section (组织实施)")
    goals: list[GoalOut]
    projects: list[ProjectOut]
    commitments: list[CommitmentOut] = Field(..., description="The plan's own commitments (组织实施)")

    @staticmethod
    def resolve_goals(obj: Any) -> list[Goal]:
        return obj.goal_rows  # type: ignore[no-any-return]

    @staticmethod
    def resolve_projects(obj: Any) -> list[Project]:
        return obj.project_rows  # type: ignore[no-any-return]

    @staticmethod
    def resolve_commitments(obj: Any) -> list[Commitment]:
        return obj.own_commitments  # type: ignore[no-any-return]


def commitments_of(user: User) -> QuerySet[Commitment]:
    return in_scope(user, Commitment).prefetch_related("milestones").order_by("position")


def tasks_of(queryset: QuerySet[Task], user: User) -> QuerySet[Task]:
    links = in_scope(user, TaskDepartment).select_related("department")
    return (
        queryset.select_related("plan__district", "project")
        .prefetch_related(Prefetch("department_links", queryset=links))
        .annotate(commitment_count=Count("commitments", distinct=True))
    )


@router.get(
    "/plans",
    response={200: list[PlanOut], **LIST_ERRORS},
    tags=["plan"],
    summary="List plans",
    description="Action plans (行动方案) by district and period." + READ_BY,
)
@paginate(Pagination)
def list_plans(request: HttpRequest, filters: Query[PlanParams]) -> QuerySet[Plan]:  # type: ignore[valid-type]
    queryset = apply_filters(PlanFilterSet, filters, readable(request, Plan), request)
    return queryset.select_related("district").annotate(task_count=Count("tasks"))


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **OBJECT_ERRORS},
    tags=["plan"],
    summary="A plan",
    description="A plan with its goals and their commitments, its 工程 and their tasks, and its own "
    "commitments (组织实施)." + READ_BY,
)
def get_plan(request: HttpRequest, plan_id: int) -> Plan:
    user = auth_user(request)
    plans = in_scope(user, Plan).select_related("district").annotate(task_count=Count("tasks"))
    plan = get_visible(plans, plan_id)
    statuses_of(request, plan.pk, plan)  # the status of every row shown, computed once
    commitments = commitments_of(user)
    goals = (
        in_scope(user, Goal).filter(plan=plan).prefetch_related(Prefetch("commitments", queryset=commitments))
    )
    projects = (
        in_scope(user, Project)
        .filter(plan=plan)
        .prefetch_related(Prefetch("tasks", queryset=in_scope(user, Task).order_by("number")))
    )
    # what the detail shows, each read through restrict() (see PlanDetailOut's resolvers)
    plan.goal_rows = list(goals)  # type: ignore[attr-defined]
    plan.project_rows = list(projects)  # type: ignore[attr-defined]
    plan.own_commitments = list(commitments.filter(plan=plan, goal=None, task=None))  # type: ignore[attr-defined]
    return plan


@router.get(
    "/plan-tasks",
    response={200: list[TaskOut], **LIST_ERRORS},
    tags=["plan"],
    summary="List plan tasks",
    description="Tasks (任务) of the plans with their departments, filtered like the task list page."
    + READ_BY,
)
@paginate(Pagination)
def list_plan_tasks(request: HttpRequest, filters: Query[TaskParams]) -> QuerySet[Task]:  # type: ignore[valid-type]
    queryset = apply_filters(TaskFilterSet, filters, readable(request, Task), request)
    return tasks_of(queryset, auth_user(request))


@router.get(
    "/plan-tasks/{task_id}",
    response={200: TaskDetailOut, **OBJECT_ERRORS},
    tags=["plan"],
    summary="A plan task",
    description="A task with its clause text, departments by role, commitments with their status, and "
    "the quarterly progress reports its lead units owe and have not submitted." + READ_BY,
)
def get_plan_task(request: HttpRequest, task_id: int) -> Task:
    user = auth_user(request)
    tasks = tasks_of(in_scope(user, Task), user).prefetch_related(
        Prefetch("commitments", queryset=commitments_of(user))
    )
    task = get_visible(tasks, task_id)
    overdue = overdue_reports(task.plan, dt.date.today(), tasks=[task])
    task.overdue_rows = overdue[::-1]  # type: ignore[attr-defined]  # latest first, as the task page
    return task
