"""Progress reports (进度报告) of the plan's tasks: read them, and submit one as a department.

Every read starts from ``ProgressReport.objects.restrict(user, "view")`` (STYLE §6): the district roles
read every report, a department user the reports of its own department; schools are granted nothing,
so the list is a 403 for them and a report a 404, like any report outside the caller's scope.

``POST /progress-reports`` submits a department's report on a task for one quarter through
:func:`tisheng.plan.reports.submit`, the function the task page calls: a department user reports for its
own department on the tasks that name it (lead, responsible or cooperating), the administrator for any
department a task names; every other caller gets 403. A report that cannot be right (no text, a quarter
not yet begun or outside the plan's period, a milestone of another task or without its date) is a 422
with the Chinese message of each problem. Submitting the same task, department and quarter again
corrects the report (200; the first submission is 201), audited with the caller as actor and source
``api``. Evidence files are uploaded on the task page, not through the API; a report's detail lists them
with their download addresses.

(No ``from __future__ import annotations`` here: ninja reads the endpoints' parameter types at runtime.)
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import computed_field

from tisheng.api.auth import api_actor, auth_user
from tisheng.api.census import LIST_ERRORS, in_scope, readable
from tisheng.api.census_schemas import blank_to_none
from tisheng.api.errors import (
    COMMON_ERRORS,
    FORBIDDEN,
    OBJECT_ERRORS,
    ApiError,
    ErrorOut,
    forbidden,
    invalid,
    invalid_from_django,
)
from tisheng.api.filters import apply_filters, query_schema
from tisheng.api.organisation import get_visible
from tisheng.api.pagination import Pagination
from tisheng.api.plan import MilestoneOut, PlanRef
from tisheng.api.schemas import DepartmentRef, UserRef, display
from tisheng.core.evidence import Evidence, content_type_of, evidence_count
from tisheng.core.models import Department
from tisheng.core.permissions import ADD, can_any
from tisheng.plan import choices as c
from tisheng.plan.filters import ProgressReportFilterSet
from tisheng.plan.models import YEAR_VALIDATORS, Milestone, ProgressReport, Task
from tisheng.plan.reports import Period, submit

router = Router()

READ_BY = (
    "\n\nRead by the district roles (every report) and department users (their own department's "
    "reports). Schools get 403 on the list and 404 on a report."
)
YEARS = (YEAR_VALIDATORS[0].limit_value, YEAR_VALIDATORS[1].limit_value)

ReportParams = query_schema(ProgressReportFilterSet)


class ReportTaskRef(Schema):
    """The task a report is on, in brief."""

    id: int
    number: int
    title: str
    plan: PlanRef


class EvidenceFileOut(Schema):
    """An evidence file (证明材料) attached to a report, with the address it is downloaded from."""

    id: int
    name: str = Field(..., description="The file's name as uploaded")
    size: int = Field(..., description="Size in bytes")
    media_type: str = Field(..., description="The file's type, as detected from its content")
    url: str = Field(..., description="Download address (the signed-in session; scoped like the report)")

    @staticmethod
    def resolve_name(obj: Evidence) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: Evidence) -> str:
        return reverse("census:evidence-download", args=[obj.pk])


class ProgressReportOut(Schema):
    """A department's progress report on a task for one quarter."""

    id: int
    task: ReportTaskRef
    department: DepartmentRef = Field(..., description="The reporting department")
    year: int = Field(..., description="Year of the quarter reported on")
    quarter: c.Quarter = Field(..., description="Quarter reported on (1–4)")
    text: str = Field(..., description="Progress made in the quarter")
    figures: str | None = Field(..., description="The figures behind it")
    milestone: MilestoneOut | None = Field(..., description="A milestone of the task's project reached")
    reached_on: dt.date | None = Field(..., description="When the milestone was reached")
    places_delivered: int | None = Field(..., description="Places (学位) delivered, with the 投用 milestone")
    submitted_on: dt.date = Field(
        ..., description="The day it came in (its latest correction); on time when ≤ its due date"
    )
    submitted_by: UserRef | None = Field(..., description="Who submitted it last")
    evidence_count: int = Field(..., description="Evidence files (证明材料) attached")
    created_at: dt.datetime = Field(..., description="First submitted at")
    updated_at: dt.datetime = Field(..., description="Last submitted or corrected at")

    @staticmethod
    def resolve_figures(obj: Any) -> str | None:
        return blank_to_none(obj.figures)

    @computed_field(description="Display label of quarter")  # type: ignore[prop-decorator]
    @property
    def quarter_label(self) -> str:
        return display(self.quarter)

    @computed_field(description="The quarter in words (2025年第3季度)")  # type: ignore[prop-decorator]
    @property
    def period(self) -> str:
        return str(Period(self.year, self.quarter))


class ProgressReportDetailOut(ProgressReportOut):
    """A progress report with its evidence files."""

    files: list[EvidenceFileOut] = Field(..., description="Evidence files, in the order uploaded")

    @staticmethod
    def resolve_files(obj: Any) -> list[Evidence]:
        return obj.files  # type: ignore[no-any-return]


class ProgressReportIn(Schema):
    """A department's progress report on a task for one quarter (evidence files: on the task page)."""

    task: int = Field(..., description="The task reported on (/api/plan-tasks)")
    department: int = Field(
        ..., description="The reporting department (/api/departments): a department user's own"
    )
    year: int = Field(..., ge=YEARS[0], le=YEARS[1], description="Year of the quarter")
    quarter: c.Quarter = Field(..., description="Quarter (1–4)")
    text: str = Field(..., description="Progress made in the quarter")
    figures: str = Field("", description="The figures behind it")
    milestone: int | None = Field(
        None, description="A milestone of the task's project reached (its id in the task's commitments)"
    )
    reached_on: dt.date | None = Field(None, description="When the milestone was reached")
    places_delivered: int | None = Field(
        None, ge=0, description="Places (学位) delivered: only with the 投用 milestone"
    )


def reports_of(queryset: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    return queryset.select_related("task__plan", "department", "milestone", "submitted_by").annotate(
        evidence_count=evidence_count(ProgressReport)
    )


def with_files(report: ProgressReport) -> ProgressReport:
    """The report with its evidence files (seen by whoever sees the report)."""
    files = Evidence.objects.filter(content_type=content_type_of(ProgressReport), object_id=report.pk)
    report.files = list(files.order_by("created_at", "pk"))  # type: ignore[attr-defined]
    return report


@router.get(
    "/progress-reports",
    response={200: list[ProgressReportOut], **LIST_ERRORS},
    tags=["plan"],
    summary="List progress reports",
    description="Departments' quarterly progress reports (进度报告) on the plan's tasks, by task, "
    "department and quarter; latest quarter first within a task." + READ_BY,
)
@paginate(Pagination)
def list_progress_reports(request: HttpRequest, filters: Query[ReportParams]) -> QuerySet[ProgressReport]:  # type: ignore[valid-type]
    queryset = apply_filters(ProgressReportFilterSet, filters, readable(request, ProgressReport), request)
    return reports_of(queryset)


@router.get(
    "/progress-reports/{report_id}",
    response={200: ProgressReportDetailOut, **OBJECT_ERRORS},
    tags=["plan"],
    summary="A progress report",
    description="A progress report with its evidence files and their download addresses." + READ_BY,
)
def get_progress_report(request: HttpRequest, report_id: int) -> ProgressReport:
    reports = reports_of(in_scope(auth_user(request), ProgressReport))
    return with_files(get_visible(reports, report_id))


def _missing(field: str, message: str) -> ApiError:
    return invalid([{"loc": ["body", "payload", field], "msg": message, "type": "invalid"}])


@router.post(
    "/progress-reports",
    response={200: ProgressReportDetailOut, 201: ProgressReportDetailOut, 403: ErrorOut, **COMMON_ERRORS},
    tags=["plan"],
    summary="Submit a progress report",
    description="Submit a department's progress report on a task for one quarter: 201 with the report; "
    "submitting the same task, department and quarter again corrects it (200). A department user "
    "reports for its own department on the tasks that name it, the administrator for any department "
    "a task names; other callers get 403 (in Chinese). A report that cannot be right is a 422 listing "
    "each problem in Chinese. Audited with the caller as actor and source api. Evidence files are "
    "uploaded on the task page.",
)
def submit_progress_report(request: HttpRequest, payload: ProgressReportIn) -> Status[ProgressReport]:
    user = auth_user(request)
    if not can_any(user, ADD, ProgressReport):
        raise forbidden()
    task = in_scope(user, Task).select_related("plan").filter(pk=payload.task).first()
    if task is None:
        raise _missing("task", "任务不存在或无权访问")
    # every department a task names is public through the plan (/plan-tasks), so naming one outside the
    # caller's own is not hidden as missing: submit() refuses it with its own 403
    department = Department.objects.filter(pk=payload.department).first()
    if department is None:
        raise _missing("department", "部门不存在")
    milestone = None
    if payload.milestone is not None:
        milestone = (
            in_scope(user, Milestone).select_related("commitment").filter(pk=payload.milestone).first()
        )
        if milestone is None:
            raise _missing("milestone", "里程碑不存在")
    period = Period(payload.year, int(payload.quarter))
    existed = ProgressReport.objects.filter(
        task=task, department=department, year=period.year, quarter=period.quarter
    ).exists()
    try:
        with api_actor(request):
            report = submit(
                user,
                task,
                department,
                period,
                text=payload.text,
                figures=payload.figures,
                milestone=milestone,
                reached_on=payload.reached_on,
                places_delivered=payload.places_delivered,
            )
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc) or FORBIDDEN) from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise invalid_from_django(exc, ("body", "payload")) from exc
        problems = [
            {"loc": ["body", "payload"], "msg": message, "type": "invalid"} for message in exc.messages
        ]
        raise invalid(problems) from exc
    report = with_files(reports_of(ProgressReport.objects.all()).get(pk=report.pk))
    return Status(200 if existed else 201, report)
