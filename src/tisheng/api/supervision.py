"""Read endpoints for supervision (督导): warnings, inspections, findings and rectification orders,
scoped like the supervision pages.

Each list takes the filters of the list page's filter set and answers only the rows the caller may see
(``restrict(user, "view")``): a warning or an order addressed to a school is read by that school's
principal and clerks, one addressed to a department by its users, and all of them by the district roles
(administrator, inspectors, leader). The yearly evaluation results (办学质量评价) are read in full by the
district roles, a school's users read their own school's dimension scores and band; the public notice
(``/evaluation-public/{year}``) gives every signed-in caller each school's band only, in school-code
order — never a score, never a rank. Inspections and their findings are read by the inspected school
and the district; a department user reads the findings whose rectification it owns. A role that may
read none of a resource gets 403; a record outside the caller's scope is a 404.

(No ``from __future__ import annotations`` here: ninja reads the endpoints' parameter types at runtime.)
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import computed_field

from tisheng.api.auth import auth_user
from tisheng.api.census import LIST_ERRORS, in_scope, readable
from tisheng.api.census_schemas import blank_to_none
from tisheng.api.errors import OBJECT_ERRORS, not_found
from tisheng.api.filters import apply_filters, query_schema
from tisheng.api.organisation import get_visible
from tisheng.api.pagination import Pagination
from tisheng.api.schemas import DepartmentRef, SchoolRef, UserRef, display
from tisheng.core.choices import SCHOOL_ROLES
from tisheng.core.models import AcademicYear
from tisheng.indicators.models import IndicatorValue
from tisheng.supervision import choices as c
from tisheng.supervision.evaluation import result_view
from tisheng.supervision.filters import (
    EvaluationResultFilterSet,
    FindingFilterSet,
    InspectionFilterSet,
    OrderFilterSet,
    WarningFilterSet,
)
from tisheng.supervision.models import (
    EscalationStep,
    EvaluationResult,
    Finding,
    Inspection,
    InspectionResult,
    Recheck,
    RectificationOrder,
    Warning,
)

router = Router()

SCOPE = (
    "\n\nScoped: a school's principal and clerks read their school's rows, a department user their "
    "department's, the district roles all."
)

WarningParams = query_schema(WarningFilterSet)
InspectionParams = query_schema(InspectionFilterSet)
FindingParams = query_schema(FindingFilterSet)
OrderParams = query_schema(OrderFilterSet)
EvaluationParams = query_schema(EvaluationResultFilterSet)


class WarningOut(Schema):
    """A warning (预警) addressed to a school or a department, with the reason and its source."""

    id: int
    kind: c.WarningKind = Field(..., description="What the warning is about")
    severity: c.Severity = Field(..., description="How serious it is")
    status: c.WarningStatus = Field(..., description="Open, acknowledged or resolved")
    school: SchoolRef | None = Field(..., description="The school it is addressed to (or null)")
    department: DepartmentRef | None = Field(..., description="The department it is addressed to (or null)")
    academic_year: int | None = Field(..., description="Start year of the school year it concerns")
    subject: str = Field(..., description="The warning in a line")
    detail: str = Field(..., description="The reason, in a sentence (Chinese)")
    source_key: str = Field(..., description="Stable key: raising it again updates this warning")
    indicator_id: str | None = Field(..., description="Catalogue indicator it was raised from")
    indicator_value_id: int | None = Field(..., description="Stored indicator value it was raised from")
    commitment_id: int | None = Field(..., description="Plan commitment it was raised for")
    raised_count: int = Field(..., description="Times raised")
    created_at: dt.datetime = Field(..., description="First raised at")
    acknowledged_at: dt.datetime | None = Field(..., description="Acknowledged at")
    resolved_at: dt.datetime | None = Field(..., description="Resolved at")
    resolution: str | None = Field(..., description="What was done or decided (a resolved warning has one)")

    @staticmethod
    def resolve_academic_year(obj: Any) -> int | None:
        return obj.academic_year.start_year if obj.academic_year_id else None

    @staticmethod
    def resolve_indicator_id(obj: Any) -> str | None:
        return blank_to_none(obj.indicator_id)

    @staticmethod
    def resolve_resolution(obj: Any) -> str | None:
        return blank_to_none(obj.resolution)

    @computed_field(description="Display label of kind")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return display(self.kind)

    @computed_field(description="Display label of severity")  # type: ignore[prop-decorator]
    @property
    def severity_label(self) -> str:
        return display(self.severity)

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return display(self.status)


class InspectionOut(Schema):
    """A supervision inspection (督导检查) of a school against a checklist."""

    id: int
    school: SchoolRef
    inspector: UserRef
    date: dt.date
    checklist: str = Field(..., description="Checklist code (packaged checklists)")
    checklist_title: str = Field(..., description="Checklist title")
    task_number: int | None = Field(..., description="Number of the plan task it checks")
    note: str = Field(..., description="Note")
    finding_count: int = Field(..., description="Number of findings (不符合 items)")

    @staticmethod
    def resolve_task_number(obj: Any) -> int | None:
        return obj.task.number if obj.task_id else None


class ResultOut(Schema):
    """The result of one checklist item: 符合, 不符合 or 不适用."""

    position: int
    item_key: str = Field(..., description="Item key within the checklist")
    item_text: str = Field(..., description="What was checked")
    clause: str = Field(..., description="The plan's clause, verbatim")
    result: c.ItemResult = Field(..., description="Result")
    note: str = Field(..., description="Note")

    @computed_field(description="Display label of result")  # type: ignore[prop-decorator]
    @property
    def result_label(self) -> str:
        return display(self.result)


class InspectionDetailOut(InspectionOut):
    """An inspection with the result of every checklist item."""

    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj: Any) -> list[InspectionResult]:
        return list(obj.results.all())


class RecheckOut(Schema):
    """A re-check (复查) of a submitted rectification."""

    date: dt.date
    result: c.RecheckResult = Field(..., description="Passed or failed")
    note: str = Field(..., description="Note")
    new_deadline: dt.date | None = Field(..., description="New deadline after a failed re-check")

    @computed_field(description="Display label of result")  # type: ignore[prop-decorator]
    @property
    def result_label(self) -> str:
        return display(self.result)


class EscalationStepOut(Schema):
    """An escalation step (通报、约谈、亮红灯) applied to an overdue order."""

    level: c.Escalation = Field(..., description="Step: 1 通报, 2 约谈, 3 亮红灯")
    date: dt.date
    deadline: dt.date = Field(..., description="The deadline missed")
    reason: str = Field(..., description="Why, in a sentence (Chinese)")

    @computed_field(description="Display label of level")  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str:
        return display(self.level)


class FindingRef(Schema):
    """A finding, in brief."""

    id: int
    title: str


class OrderOut(Schema):
    """A rectification order (整改通知): owner, requirement, deadline, status and escalation."""

    id: int
    finding: FindingRef
    school: SchoolRef | None = Field(..., description="Owner school (or null)")
    department: DepartmentRef | None = Field(..., description="Owner department (or null)")
    requirement: str = Field(..., description="What must be done")
    deadline: dt.date = Field(..., description="Deadline")
    status: c.OrderStatus = Field(..., description="Rectifying, submitted or passed re-check")
    submitted_at: dt.datetime | None = Field(..., description="Submitted for re-check at")
    submission_note: str = Field(..., description="The owner's rectification report")
    escalation: c.Escalation = Field(..., description="Escalation reached: 0 none, 1 通报, 2 约谈, 3 亮红灯")

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return display(self.status)

    @computed_field(description="Display label of escalation")  # type: ignore[prop-decorator]
    @property
    def escalation_label(self) -> str:
        return display(self.escalation)


class OrderDetailOut(OrderOut):
    """An order with its re-checks and escalation steps."""

    rechecks: list[RecheckOut]
    escalation_steps: list[EscalationStepOut]

    @staticmethod
    def resolve_rechecks(obj: Any) -> list[Recheck]:
        return list(obj.rechecks.all())

    @staticmethod
    def resolve_escalation_steps(obj: Any) -> list[EscalationStep]:
        return list(obj.escalation_steps.all())


class FindingOut(Schema):
    """A finding (问题): a checklist item found 不符合, open until a re-check of its order passes."""

    id: int
    inspection_id: int = Field(..., description="The inspection (/api/inspections)")
    school: SchoolRef = Field(..., description="The inspected school")
    date: dt.date = Field(..., description="Inspection date")
    title: str
    clause: str = Field(..., description="The plan's clause, verbatim")
    note: str = Field(..., description="What was found")
    status: c.FindingStatus = Field(..., description="Open or closed")
    closed_at: dt.datetime | None = Field(..., description="Closed at (by a passed re-check)")
    order_id: int | None = Field(..., description="Its rectification order (/api/rectification-orders)")

    @staticmethod
    def resolve_school(obj: Any) -> Any:
        return obj.inspection.school

    @staticmethod
    def resolve_date(obj: Any) -> dt.date:
        return obj.inspection.date  # type: ignore[no-any-return]

    @staticmethod
    def resolve_clause(obj: Any) -> str:
        return obj.result.clause  # type: ignore[no-any-return]

    @staticmethod
    def resolve_order_id(obj: Any) -> int | None:
        order = getattr(obj, "order", None)
        return order.pk if order is not None else None

    @computed_field(description="Display label of status")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return display(self.status)


def warnings_of(queryset: QuerySet[Warning]) -> QuerySet[Warning]:
    return queryset.select_related("school", "department", "academic_year")


def inspections_of(queryset: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return queryset.select_related("school", "inspector", "task").annotate(
        finding_count=Count("findings", distinct=True)
    )


def findings_of(queryset: QuerySet[Finding]) -> QuerySet[Finding]:
    return queryset.select_related("inspection__school", "result", "order")


def orders_of(queryset: QuerySet[RectificationOrder]) -> QuerySet[RectificationOrder]:
    return queryset.select_related("finding", "school", "department")


@router.get(
    "/warnings",
    response={200: list[WarningOut], **LIST_ERRORS},
    tags=["supervision"],
    summary="List warnings",
    description="Warnings (预警) raised from the indicator values and by the plan's status." + SCOPE,
)
@paginate(Pagination)
def list_warnings(request: HttpRequest, filters: Query[WarningParams]) -> QuerySet[Warning]:  # type: ignore[valid-type]
    return warnings_of(apply_filters(WarningFilterSet, filters, readable(request, Warning), request))


@router.get(
    "/warnings/{warning_id}",
    response={200: WarningOut, **OBJECT_ERRORS},
    tags=["supervision"],
    summary="A warning",
    description="A warning with its reason, source and resolution." + SCOPE,
)
def get_warning(request: HttpRequest, warning_id: int) -> Warning:
    return get_visible(warnings_of(in_scope(auth_user(request), Warning)), warning_id)


@router.get(
    "/inspections",
    response={200: list[InspectionOut], **LIST_ERRORS},
    tags=["supervision"],
    summary="List inspections",
    description="Supervision inspections (督导检查) of schools against the packaged checklists."
    "\n\nRead by the district roles and the inspected school's principal and clerks; department users "
    "get 403.",
)
@paginate(Pagination)
def list_inspections(request: HttpRequest, filters: Query[InspectionParams]) -> QuerySet[Inspection]:  # type: ignore[valid-type]
    return inspections_of(apply_filters(InspectionFilterSet, filters, readable(request, Inspection), request))


@router.get(
    "/inspections/{inspection_id}",
    response={200: InspectionDetailOut, **OBJECT_ERRORS},
    tags=["supervision"],
    summary="An inspection",
    description="An inspection with the result of every checklist item and the clause it checks.",
)
def get_inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    user = auth_user(request)
    results = in_scope(user, InspectionResult).order_by("position")
    inspections = inspections_of(in_scope(user, Inspection)).prefetch_related(
        Prefetch("results", queryset=results)
    )
    return get_visible(inspections, inspection_id)


@router.get(
    "/findings",
    response={200: list[FindingOut], **LIST_ERRORS},
    tags=["supervision"],
    summary="List findings",
    description="Findings (问题) of the inspections, open until a re-check closes them." + SCOPE,
)
@paginate(Pagination)
def list_findings(request: HttpRequest, filters: Query[FindingParams]) -> QuerySet[Finding]:  # type: ignore[valid-type]
    return findings_of(apply_filters(FindingFilterSet, filters, readable(request, Finding), request))


@router.get(
    "/findings/{finding_id}",
    response={200: FindingOut, **OBJECT_ERRORS},
    tags=["supervision"],
    summary="A finding",
    description="A finding with the clause it breaches and its rectification order's id." + SCOPE,
)
def get_finding(request: HttpRequest, finding_id: int) -> Finding:
    return get_visible(findings_of(in_scope(auth_user(request), Finding)), finding_id)


@router.get(
    "/rectification-orders",
    response={200: list[OrderOut], **LIST_ERRORS},
    tags=["supervision"],
    summary="List rectification orders",
    description="Rectification orders (整改通知) with owner, deadline, status and escalation." + SCOPE,
)
@paginate(Pagination)
def list_rectification_orders(
    request: HttpRequest,
    filters: Query[OrderParams],  # type: ignore[valid-type]
) -> QuerySet[RectificationOrder]:
    queryset = readable(request, RectificationOrder)
    return orders_of(apply_filters(OrderFilterSet, filters, queryset, request))


@router.get(
    "/rectification-orders/{order_id}",
    response={200: OrderDetailOut, **OBJECT_ERRORS},
    tags=["supervision"],
    summary="A rectification order",
    description="An order with its re-checks (复查) and escalation steps (通报、约谈、亮红灯)." + SCOPE,
)
def get_rectification_order(request: HttpRequest, order_id: int) -> RectificationOrder:
    user = auth_user(request)
    orders = orders_of(in_scope(user, RectificationOrder)).prefetch_related(
        Prefetch("rechecks", queryset=in_scope(user, Recheck)),
        Prefetch("escalation_steps", queryset=in_scope(user, EscalationStep)),
    )
    return get_visible(orders, order_id)


# --- the yearly school evaluation ------------------------------------------------------------------------


class EvaluationLeafOut(Schema):
    """One indicator of a dimension. Outside the school a withheld small group shows no value or score."""

    indicator: str = Field(..., description="Catalogue indicator id")
    name: str = Field(..., description="Indicator name (Chinese)")
    weight: str = Field(..., description="Weight within the dimension (the dimension's leaves sum to 100)")
    missing: bool = Field(..., description="No current value (缺数据): left out, the other weights rescaled")
    withheld: bool = Field(..., description="Withheld: a small group outside its school")
    score: str | None = Field(..., description="Share of full marks, 0–100 (null when missing or withheld)")
    value: str = Field(..., description="The value as published, or the suppression text")


class EvaluationDimensionOut(Schema):
    """One dimension (维度) of the evaluation system."""

    name: str = Field(..., description="Dimension name (Chinese)")
    weight: str = Field(..., description="Weight in the system (the dimensions sum to 100)")
    score: str | None = Field(
        ..., description="Score 0–100 over its indicators with data (null if none or withheld)"
    )
    withheld: bool = Field(
        ..., description="Score withheld outside the school (it would give away a small group)"
    )
    coverage: str = Field(..., description="Share (%) of the dimension's weights with data")
    leaves: list[EvaluationLeafOut]


class EvaluationOut(Schema):
    """A school's yearly evaluation result: the total is shown to the district roles only."""

    id: int
    school: SchoolRef
    academic_year: int = Field(..., description="Start year of the school year")
    system: str = Field(..., description="Evaluation system code (packaged YAML file)")
    system_title: str = Field(..., description="Evaluation system title")
    total: str | None = Field(
        ...,
        description="Total 0–100 (district roles only; null without data or when it would give away a small group)",
    )
    coverage: str = Field(..., description="Share (%) of the weights with data")
    band: str | None = Field(..., description="Band code (null: too little data for a band)")
    band_label: str | None = Field(..., description="Band label (优秀、良好、合格、待改进)")


class EvaluationDetailOut(EvaluationOut):
    dimensions: list[EvaluationDimensionOut]


class PublicBandOut(Schema):
    """One school's band in the public notice (公示): no score, no rank."""

    system_title: str = Field(..., description="Evaluation system title")
    school_code: str = Field(..., description="School identification code (the list is in this order)")
    school_name: str = Field(..., description="School name")
    band: str | None = Field(..., description="Band code (null: too little data for a band)")
    band_label: str | None = Field(..., description="Band label")


def evaluation_out(
    result: EvaluationResult, user: Any, values: dict[int, Any] | None = None
) -> dict[str, Any]:
    view = result_view(result, user, values)
    school_user = getattr(user, "role", None) in SCHOOL_ROLES
    return {
        "id": result.pk,
        "school": result.school,
        "academic_year": result.academic_year.start_year,
        "system": result.system,
        "system_title": result.system_title,
        "total": None if school_user else view.total,
        "coverage": str(result.coverage),
        "band": result.band or None,
        "band_label": result.band_label or None,
        "dimensions": view.dimensions,
    }


@router.get(
    "/evaluation-results",
    response={200: list[EvaluationOut], **LIST_ERRORS},
    tags=["supervision"],
    summary="List evaluation results",
    description="The yearly school evaluation (办学质量评价、幼儿园保育教育质量评估), in year, system and "
    "school-code order — never ordered by score. The district roles read every school's total; a school's "
    "principal and clerks read their own school's result without the total; department users get 403.",
)
@paginate(Pagination)
def list_evaluation_results(request: HttpRequest, filters: Query[EvaluationParams]) -> list[dict[str, Any]]:  # type: ignore[valid-type]
    queryset = apply_filters(
        EvaluationResultFilterSet, filters, readable(request, EvaluationResult), request
    ).select_related("school", "academic_year")
    user = auth_user(request)
    return [evaluation_out(r, user) for r in queryset]


@router.get(
    "/evaluation-results/{result_id}",
    response={200: EvaluationDetailOut, **OBJECT_ERRORS},
    tags=["supervision"],
    summary="An evaluation result",
    description="A school's yearly evaluation with its dimension scores and indicators; outside the school a "
    "withheld small group shows neither its value nor its score, nor its dimension's score or the total.",
)
def get_evaluation_result(request: HttpRequest, result_id: int) -> dict[str, Any]:
    user = auth_user(request)
    result = get_visible(
        in_scope(user, EvaluationResult).select_related("school", "academic_year"), result_id
    )
    ids = [leaf["value_id"] for dim in result.dimensions for leaf in dim["leaves"] if leaf["value_id"]]
    return evaluation_out(result, user, IndicatorValue.objects.in_bulk(ids))


@router.get(
    "/evaluation-public/{year}",
    response={200: list[PublicBandOut], **OBJECT_ERRORS},
    tags=["supervision"],
    summary="Public notice of the evaluation",
    description="Each school's band for the school year starting in ``year`` (公示), by system and school code: "
    "no score, no rank, no order by score. Read by every signed-in role (the web page is public).",
)
def public_evaluation(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    auth_user(request)
    academic_year = AcademicYear.objects.filter(start_year=year).first()
    if academic_year is None:
        raise not_found()
    rows = EvaluationResult.objects.filter(academic_year=academic_year).order_by("system", "school__code")
    return [
        {
            "system_title": title,
            "school_code": code,
            "school_name": name,
            "band": band or None,
            "band_label": label or None,
        }
        for title, code, name, band, label in rows.values_list(
            "system_title", "school__code", "school__name", "band", "band_label"
        )
    ]
