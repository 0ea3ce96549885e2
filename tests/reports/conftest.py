"""Small explicit data of the official documents' tests: the 西夏区 plan and current indicator values of
two 学年 (2024, 2025) stored by hand, never computed, so that every figure a document writes is known.

============================  =======  ==========================================================
what                          2024     2025
============================  =======  ==========================================================
学前三年毛入园率 (district)     98.2%   98.6% → “比上年提高0.4个百分点，距2025年目标100%尚差1.4个百分点”
体质健康优良率 (district)       48.0%   51.2% (达标, target 50); 高中 37.5% over 5 students: withheld
近视率 (district)               55.0%   54.1% (falls: 达标)
骨干教师数 (district)           80      90 (target 100: 未达标, 尚差10人)
school A 小学 (7 resources)             all met, verdict 100 (达标)
school B 初中 (7 resources)             L2 0.50 (< 1) and L4 5.00 (< 5.8, 86.2%) unmet, verdict 0 (未达标)
差异系数                                L2 小学 0.620 (> 0.50), the other 13 at 0.200
区县判定                                2 项未达标
============================  =======  ==========================================================
One open 严重 warning (yzjh_failed, school B, 2025).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.health.web.data import run_of
from tests.plan.conftest import XIXIA, load
from tisheng.core.models import AcademicYear, School
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.plan.models import Plan
from tisheng.supervision import choices as sc
from tisheng.supervision.models import Warning

WITHHELD = "37.5"
#: (value, met) of the 7 resource indicators of school A 小学 and school B 初中
SCHOOL_A = ("5.60", "1.20", "1.00", "4.80", "8.00", "2100", "2.50")
SCHOOL_B = ("6.00", "0.50", "1.00", "5.00", "11.00", "2600", "2.60")
SCHOOL_B_MET = (True, False, True, False, True, True, True)


@dataclass
class Documents:
    world: World
    plan: Plan
    runs: dict[int, IndicatorRun]


def put(
    run: IndicatorRun,
    indicator: str,
    value: str,
    *,
    stage: str = "",
    school: School | None = None,
    met: bool | None = None,
    rows: int = 500,
    district: str = "640105",
) -> IndicatorValue:
    number = Decimal(value)
    return IndicatorValue.objects.create(
        run=run,
        academic_year=run.academic_year,
        indicator=indicator,
        definition_version=1,
        level="school" if school else "district",
        org_code=school.code if school else district,
        school=school,
        stage=stage,
        numerator=number * rows / 100,
        denominator=Decimal(rows),
        value=number,
        rows=rows,
        met=met,
    )


@pytest.fixture
def documents(world: World) -> Documents:
    plan = load(XIXIA).plan
    earlier = AcademicYear.objects.create(start_year=2024)
    runs = {2024: run_of(earlier), 2025: run_of(world.year)}
    for year, figures in {
        2024: {
            "enrolment.preschool_gross_rate": "98.2",
            "health.fitness_excellent_good_rate": "48.0",
            "health.myopia_rate": "55.0",
            "teachers.backbone_count": "80",
        },
        2025: {
            "enrolment.preschool_gross_rate": "98.6",
            "health.fitness_excellent_good_rate": "51.2",
            "health.myopia_rate": "54.1",
            "teachers.backbone_count": "90",
        },
    }.items():
        for indicator, value in figures.items():
            put(runs[year], indicator, value)
    now = runs[2025]
    put(now, "health.fitness_excellent_good_rate", WITHHELD, stage="senior", rows=5)
    for n, value in enumerate(SCHOOL_A, start=1):
        put(now, f"yzjh.resource.l{n}", value, stage="primary", school=world.school_a, met=True)
    put(now, "yzjh.school_verdict", "100", stage="primary", school=world.school_a, met=True)
    for n, (value, met) in enumerate(zip(SCHOOL_B, SCHOOL_B_MET, strict=True), start=1):
        put(now, f"yzjh.resource.l{n}", value, stage="junior", school=world.school_b, met=met)
    put(now, "yzjh.school_verdict", "0", stage="junior", school=world.school_b, met=False)
    for stage in ("primary", "junior"):
        for n in range(1, 8):
            over = stage == "primary" and n == 2
            put(now, f"yzjh.cv.l{n}", "0.620" if over else "0.200", stage=stage, met=not over)
    put(now, "yzjh.district_verdict", "2", met=False)
    Warning.objects.create(
        kind=sc.WarningKind.YZJH_FAILED,
        severity=sc.Severity.HIGH,
        school=world.school_b,
        academic_year=world.year,
        subject="资源配置未达标",
        detail="7项中2项未达标",
        source_key="test:yzjh:school_b:2025",
    )
    return Documents(world, plan, runs)
