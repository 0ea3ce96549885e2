"""Small explicit data of the supervision tests: indicator values of the current runs (built by hand,
never computed), a checklist inspection with two 不符合 items, and helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import World
from tests.health.web.data import run_of  # noqa: F401  (used here and by the supervision tests)
from tisheng.core.models import School
from tisheng.indicators.choices import Level
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.supervision import choices as c
from tisheng.supervision.checklists import checklists
from tisheng.supervision.models import Finding, Inspection, Warning
from tisheng.supervision.services import ItemOutcome, raise_warning, record_inspection

INSPECTED_ON = dt.date(2025, 10, 10)
DEADLINE = dt.date(2025, 10, 31)
PDF = b"%PDF-1.4\n% rectification photo sheet\n"


def school_value(
    run: IndicatorRun,
    indicator: str,
    school: School,
    numerator: int | str,
    denominator: int | str | None,
    *,
    factor: int = 100,
    rows: int | None = None,
    **extra: Any,
) -> IndicatorValue:
    num = Decimal(str(numerator))
    den = None if denominator is None else Decimal(str(denominator))
    defaults: dict[str, Any] = {"stage": "", "breakdown": "", "met": None}
    defaults.update(extra)
    if "value" not in defaults:
        defaults["value"] = num * factor / den if den else num
    return IndicatorValue.objects.create(
        run=run,
        academic_year=run.academic_year,
        indicator=indicator,
        definition_version=1,
        level=Level.SCHOOL,
        org_code=school.code,
        school=school,
        numerator=num,
        denominator=den,
        rows=rows if rows is not None else int(den or num),
        **defaults,
    )


def pdf(name: str = "整改照片.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Inspected:
    inspection: Inspection
    findings: list[Finding]


def inspect_school_a(world: World) -> Inspected:
    """The 规范教学 checklist at school A: every item 符合 except two 不符合 (排名, 体育课时)."""
    checklist = checklists()["task13-teaching"]
    outcomes = {item.key: ItemOutcome(c.ItemResult.COMPLIANT) for item in checklist.items}
    outcomes["no-exam-ranking"] = ItemOutcome(c.ItemResult.NON_COMPLIANT, "期中考试后公布了班级排名")
    outcomes["pe-arts-hours"] = ItemOutcome(c.ItemResult.NON_COMPLIANT, "六年级每周体育课少1节")
    outcomes["workload"] = ItemOutcome(c.ItemResult.NOT_APPLICABLE)
    inspection = record_inspection(
        world.users["inspector"],
        school=world.school_a,
        date=INSPECTED_ON,
        checklist=checklist,
        outcomes=outcomes,
        deadline=DEADLINE,
    )
    return Inspected(inspection, list(inspection.findings.order_by("result__position")))


@pytest.fixture
def inspected(world: World) -> Inspected:
    return inspect_school_a(world)


def warning_of_a(world: World) -> Warning:
    """A warning addressed to school A (created on first use in a test)."""
    return raise_warning(
        c.WarningKind.OVERSIZED_CLASSES,
        school=world.school_a,
        subject="测试第一小学有超大班额",
        detail="2025学年测试第一小学有 2 个66人及以上的超大班额。",
        source_key="oversized_classes:2025:2164010501",
    )


def warning_of_finance(world: World) -> Warning:
    """A warning addressed to 财政局 (the department user's)."""
    return raise_warning(
        c.WarningKind.COMMITMENT_OFF_TRACK,
        department=world.dept_finance,
        subject="教育经费投入偏离目标",
        detail="按近三年趋势，2025年预计3.6%，低于目标4%。",
        source_key="commitment:17:2025",
    )


def inspection_of_a(world: World) -> Inspection:
    """The inspection of school A (recorded on first use in a test)."""
    existing = Inspection.objects.filter(school=world.school_a).first()
    return existing or inspect_school_a(world).inspection


def finding_of_a(world: World) -> Finding:
    return inspection_of_a(world).findings.order_by("result__position").first()  # type: ignore[return-value]
