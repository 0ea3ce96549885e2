"""The indicator catalogue and the stored indicator values, read like the indicator pages.

- ``/indicators`` and ``/indicators/{id}``: the definitions (formula, levels, stages, thresholds with
  their source and verification, the plan clause, the 口径), for every signed-in caller;
- ``/indicator-values``: the current values, filtered by the indicator pages' filter set; the district
  roles read every level, a school's principal and clerks only their own school's values; a small
  group's value is withheld from everybody but its school's users (``suppressed``,
  :func:`tisheng.indicators.present.is_suppressed`);
- ``/indicator-runs``: the computations with their provenance (district roles).

(No ``from __future__ import annotations`` here: ninja reads the endpoints' parameter types at runtime.)
"""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tisheng.api.auth import auth_user
from tisheng.api.errors import COMMON_ERRORS, OBJECT_ERRORS, forbidden, not_found
from tisheng.api.filters import apply_filters, query_schema
from tisheng.api.pagination import Pagination
from tisheng.core.permissions import VIEW, can_any
from tisheng.indicators import present, services
from tisheng.indicators.catalogue import Definition, catalogue
from tisheng.indicators.filters import IndicatorRunFilterSet, IndicatorValueFilterSet
from tisheng.indicators.models import IndicatorRun, IndicatorValue

router = Router(tags=["indicators"])
ValueParams = query_schema(IndicatorValueFilterSet)
RunParams = query_schema(IndicatorRunFilterSet)


class ThresholdOut(Schema):
    stage: str = Field(..., description="Stage the threshold applies to ('' = all stages)")
    comparison: str = Field(..., description="e.g. '>= 4.5'")
    standard: str | None = Field(
        ..., description="Id of the standard it comes from (null: the plan's own figure)"
    )
    verified: bool = Field(..., description="False when the source could not be confirmed (未核实)")
    note: str


class IndicatorOut(Schema):
    id: str = Field(..., description="Stable dotted id, e.g. yzjh.resource.l4")
    version: int = Field(
        ..., description="Definition version; stored values keep the version they were computed with"
    )
    name_zh: str
    name_en: str
    group: str
    kind: str = Field(..., description="ratio | count | school_share | cv | yzjh_school | yzjh_district")
    unit: str
    decimals: int = Field(..., description="Decimals of the published value")
    levels: list[str]
    stages: list[str] = Field(..., description="Stage keys of the result rows ('' = all stages)")
    higher_is_better: bool
    verified: bool = Field(..., description="False if the 口径 or a threshold rests on an unverified source")
    thresholds: list[ThresholdOut]
    plan_task: int | None = Field(..., description="Number of the plan task it serves")


class IndicatorDetailOut(IndicatorOut):
    formula: str = Field(..., description="The formula in Chinese, from the measures' labels")
    kou_jing: str = Field(..., description="How the official definition is applied to the collected facts")
    plan_text: str
    verification: str
    documentation: str = Field(..., description="The generated documentation page (Markdown)")


class IndicatorValueOut(Schema):
    year: int = Field(..., description="学年 start year")
    indicator: str
    definition_version: int
    level: str = Field(..., description="school | town | district")
    org_code: str = Field(..., description="School code, town code or district code")
    org_name: str
    stage: str = Field(..., description="'' for all stages")
    breakdown: str = Field(..., description="e.g. a recognition level; '' for the total")
    value: Decimal | None = Field(
        ...,
        description="Rounded as published (the definition's decimals); null: no data, or suppressed",
    )
    value_exact: Decimal | None = Field(..., description="As stored, ten decimals; null when suppressed")
    numerator: Decimal | None = Field(..., description="null when suppressed")
    denominator: Decimal | None
    met: bool | None = Field(
        ..., description="Whether the threshold is met; null when there is none, or suppressed"
    )
    suppressed: bool = Field(
        ...,
        description=(
            "True when the group (the denominator: students) is smaller than the indicator's minimum "
            "group and the caller is not a user of the value's school: value, numerator and met are "
            "withheld (小样本不予显示)"
        ),
    )
    suppressed_text: str = Field(..., description="e.g. 少于10人，不予显示 when suppressed, else ''")
    rows: int = Field(..., description="Fact rows counted")
    detail: str
    run: int = Field(..., description="The computation (see /indicator-runs)")


class IndicatorRunOut(Schema):
    id: int
    year: int
    status: str
    trigger: str
    backend: str
    snapshot_id: str
    batches: list[int]
    rows: dict[str, int]
    catalogue_version: int
    code_version: str
    overrides: dict[str, Any]
    value_count: int
    is_current: bool
    started_at: Any
    finished_at: Any
    seconds: float | None
    error: str


def indicator_out(d: Definition) -> dict[str, Any]:
    return {
        "id": d.id,
        "version": d.version,
        "name_zh": d.name_zh,
        "name_en": d.name_en,
        "group": d.group,
        "kind": d.kind,
        "unit": d.unit_zh,
        "decimals": d.decimals,
        "levels": list(d.levels),
        "stages": list(d.stage_keys),
        "higher_is_better": d.higher_is_better,
        "verified": d.is_verified,
        "thresholds": [
            {
                "stage": stage,
                "comparison": str(t.comparison),
                "standard": t.standard.id if t.standard else None,
                "verified": t.is_verified,
                "note": t.note,
            }
            for stage, t in d.thresholds.items()
        ],
        "plan_task": d.plan_task,
    }


@router.get("/indicators", response={200: list[IndicatorOut], **COMMON_ERRORS}, summary="List indicators")
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """Every indicator of the catalogue, in catalogue order."""
    auth_user(request)
    return [indicator_out(d) for d in catalogue().values()]


@router.get(
    "/indicators/{indicator_id}", response={200: IndicatorDetailOut, **OBJECT_ERRORS}, summary="An indicator"
)
def get_indicator(request: HttpRequest, indicator_id: str) -> dict[str, Any]:
    """One indicator with its formula, 口径, sources and verification."""
    auth_user(request)
    d = catalogue().get(indicator_id)
    if d is None:
        raise not_found()
    return {
        **indicator_out(d),
        "formula": present.formula_text(d),
        "kou_jing": d.kou_jing,
        "plan_text": d.plan_text,
        "verification": present.verification_text(d),
        "documentation": present.documentation(d),
    }


@router.get(
    "/indicator-values",
    response={200: list[IndicatorValueOut], **COMMON_ERRORS},
    summary="List current indicator values",
)
@paginate(Pagination)
def list_indicator_values(request: HttpRequest, filters: Query[ValueParams]) -> list[dict[str, Any]]:  # type: ignore[valid-type]
    """The current values the caller may see (a school's users: their own school's values)."""
    user = auth_user(request)
    if not can_any(user, VIEW, IndicatorValue):
        raise forbidden()
    values: QuerySet[IndicatorValue] = IndicatorValue.objects.current().restrict(user, VIEW)
    values = apply_filters(IndicatorValueFilterSet, filters, values, request)
    values = values.select_related("academic_year", "school", "town").order_by(
        "academic_year__start_year", "indicator", "level", "org_code", "stage", "breakdown"
    )
    return _LazyValues(values, user)  # type: ignore[return-value]


class _LazyValues:
    """Serialises only the page the paginator slices (the queryset may hold thousands of values)."""

    def __init__(self, values: QuerySet[IndicatorValue], viewer: Any) -> None:
        self.values = values
        self.viewer = viewer
        self.definitions = catalogue()
        self.names = services.org_names()

    def __len__(self) -> int:
        return self.values.count()

    def count(self) -> int:
        return self.values.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [self.out(v) for v in self.values[item]]

    def out(self, v: IndicatorValue) -> dict[str, Any]:
        d = self.definitions[v.indicator]
        hidden = present.is_suppressed(d, v, self.viewer)
        return {
            "year": v.academic_year.start_year,
            "indicator": v.indicator,
            "definition_version": v.definition_version,
            "level": v.level,
            "org_code": v.org_code,
            "org_name": self.names.get(v.org_code, v.org_code),
            "stage": v.stage,
            "breakdown": v.breakdown,
            "value": None if hidden else present.rounded(d, v.value),
            "value_exact": None if hidden else present.plain(v.value),
            "numerator": None if hidden else present.plain(v.numerator),
            "denominator": present.plain(v.denominator),
            "met": None if hidden else v.met,
            "suppressed": hidden,
            "suppressed_text": present.suppression_text(d, v) if hidden else "",
            "rows": v.rows,
            "detail": v.detail,
            "run": v.run_id,
        }


@router.get(
    "/indicator-runs", response={200: list[IndicatorRunOut], **COMMON_ERRORS}, summary="List computations"
)
@paginate(Pagination)
def list_indicator_runs(request: HttpRequest, filters: Query[RunParams]) -> list[dict[str, Any]]:  # type: ignore[valid-type]
    """Computations with their provenance: snapshot, import batches, code version, rows per table."""
    user = auth_user(request)
    if not can_any(user, VIEW, IndicatorRun):
        raise forbidden()
    runs = apply_filters(IndicatorRunFilterSet, filters, IndicatorRun.objects.restrict(user, VIEW), request)
    return [
        {
            **{f: getattr(r, f) for f in IndicatorRunOut.model_fields if hasattr(r, f)},
            "year": r.academic_year.start_year,
        }
        for r in runs.select_related("academic_year")
    ]
