"""Small explicit health data for the health pages, the API and the suppression tests.

Rows (学年 2025 of the shared world):
- fitness tests: 张一 (A, 一年级1班, 男, 良好 85.5, one item 待核), 李二 (A, 一年级1班, 女, 优秀 92.0) and
  王三 (B, 初一1班, 男, 及格 70.0); vision screenings of 张一 (A) and 王三 (B); a 2024 test of 张一;
- 五项管理 records of A's 一年级1班 and B's 初一1班 (first semester).

Indicator values (stored directly, as a computation would): 体质健康优良率 (``health.fitness_excellent_good_rate``)
for 2024 and 2025 — the district (300 students in 2025, with grade and sex rows, one grade×sex cell of
6 students), the two towns, school A (a group of **7** students) and school B (**10** students).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import World
from tisheng.core.models import AcademicYear
from tisheng.health import choices as c
from tisheng.health.models import FitnessTest, VisionScreening, WuxiangRecord
from tisheng.indicators.choices import Level, RunStatus, RunTrigger
from tisheng.indicators.models import IndicatorRun, IndicatorValue

GOOD_RATE = "health.fitness_excellent_good_rate"


@dataclass
class HealthRows:
    previous: AcademicYear
    zhang: FitnessTest
    li: FitnessTest
    wang: FitnessTest
    zhang_2024: FitnessTest
    vision_a: VisionScreening
    vision_b: VisionScreening
    wuxiang_a: WuxiangRecord
    wuxiang_b: WuxiangRecord


def fitness(world: World, year: AcademicYear, school: Any, number: str, **fields: Any) -> FitnessTest:
    base: dict[str, Any] = {
        "academic_year": year,
        "school": school,
        "student_number": number,
        "status": c.FitnessStatus.COMPLETE,
        "standard_version": "2014:test",
    }
    base.update(fields)
    return FitnessTest.objects.create(**base)


@pytest.fixture
def health_rows(world: World) -> HealthRows:
    previous = AcademicYear.objects.get_or_create(start_year=2024)[0]
    year = world.year
    zhang = fitness(
        world,
        year,
        world.school_a,
        "L2018000000001",
        grade=11,
        class_code="1",
        sex="M",
        height=Decimal("120.0"),
        weight=Decimal("22.0"),
        run_50m=Decimal("10.2"),
        sit_and_reach=Decimal("8.5"),
        rope_skip_1min=None,
        flagged=["rope_skip_1min"],
        bmi=Decimal("15.3"),
        bmi_band=c.BmiBand.NORMAL,
        item_scores={"bmi": 100, "run_50m": 80, "sit_and_reach": 85},
        standard_score=Decimal("85.50"),
        bonus=0,
        total=Decimal("85.50"),
        level=c.FitnessLevel.GOOD,
    )
    li = fitness(
        world,
        year,
        world.school_a,
        "L2018000000002",
        grade=11,
        class_code="1",
        sex="F",
        bmi=Decimal("14.9"),
        bmi_band=c.BmiBand.NORMAL,
        item_scores={"bmi": 100, "run_50m": 90},
        standard_score=Decimal("92.00"),
        total=Decimal("92.00"),
        level=c.FitnessLevel.EXCELLENT,
    )
    wang = fitness(
        world,
        year,
        world.school_b,
        "L2012000000003",
        grade=21,
        class_code="1",
        sex="M",
        bmi=Decimal("24.8"),
        bmi_band=c.BmiBand.OVERWEIGHT,
        item_scores={"bmi": 80, "run_50m": 70},
        standard_score=Decimal("70.00"),
        total=Decimal("70.00"),
        level=c.FitnessLevel.PASS,
    )
    zhang_2024 = fitness(
        world,
        previous,
        world.school_a,
        "L2018000000001",
        grade=11,
        class_code="1",
        sex="M",
        status=c.FitnessStatus.INCOMPLETE,
        item_scores={"bmi": 100},
    )

    def vision(school: Any, number: str, grade: int, left: str, right: str, **extra: Any) -> VisionScreening:
        return VisionScreening.objects.create(
            academic_year=year,
            school=school,
            student_number=number,
            grade=grade,
            class_code="1",
            sex="M",
            acuity_left=Decimal(left),
            acuity_right=Decimal(right),
            **extra,
        )

    vision_a = vision(
        world.school_a,
        "L2018000000001",
        11,
        "4.8",
        "5.0",
        sphere_left=Decimal("-0.75"),
        sphere_right=Decimal("0.00"),
    )
    vision_b = vision(world.school_b, "L2012000000003", 21, "5.0", "5.1")

    def wuxiang(school: Any, grade: int, homework: int) -> WuxiangRecord:
        return WuxiangRecord.objects.create(
            academic_year=year,
            school=school,
            grade=grade,
            class_number=1,
            semester=1,
            respondents=40,
            homework_minutes=homework,
            sleep_minutes=600,
            phones_managed=True,
            reading_reviewed=True,
            activity_minutes=120,
        )

    return HealthRows(
        previous,
        zhang,
        li,
        wang,
        zhang_2024,
        vision_a,
        vision_b,
        wuxiang(world.school_a, 11, 0),
        wuxiang(world.school_b, 21, 80),
    )


@dataclass
class HealthValues:
    run: IndicatorRun
    school_a: IndicatorValue  # 7 students: shown only to school A
    school_b: IndicatorValue  # 10 students: shown to every district role
    district: IndicatorValue
    small_cell: IndicatorValue  # the district's grade=12,sex=F cell: 6 students


def run_of(year: AcademicYear) -> IndicatorRun:
    return IndicatorRun.objects.create(
        academic_year=year,
        status=RunStatus.SUCCEEDED,
        trigger=RunTrigger.COMMAND,
        backend="duckdb",
        code_version="test",
        is_current=True,
    )


def value(
    run: IndicatorRun, level: str, org_code: str, numerator: int, denominator: int, **extra: Any
) -> IndicatorValue:
    defaults: dict[str, Any] = {"stage": "", "breakdown": "", "met": numerator * 2 >= denominator}
    defaults.update(extra)
    return IndicatorValue.objects.create(
        run=run,
        academic_year=run.academic_year,
        indicator=GOOD_RATE,
        definition_version=1,
        level=level,
        org_code=org_code,
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        value=Decimal(numerator) * 100 / Decimal(denominator),
        rows=denominator,
        **defaults,
    )


@pytest.fixture
def health_values(world: World) -> HealthValues:
    previous = AcademicYear.objects.get_or_create(start_year=2024)[0]
    old = run_of(previous)
    value(old, Level.DISTRICT, world.district.code, 120, 280)
    run = run_of(world.year)
    district = value(run, Level.DISTRICT, world.district.code, 165, 300)  # 55.0 %
    value(run, Level.DISTRICT, world.district.code, 80, 150, breakdown="grade=11")
    value(run, Level.DISTRICT, world.district.code, 85, 150, breakdown="grade=12")
    value(run, Level.DISTRICT, world.district.code, 90, 160, breakdown="sex=M")
    value(run, Level.DISTRICT, world.district.code, 75, 140, breakdown="sex=F")
    value(run, Level.DISTRICT, world.district.code, 40, 75, breakdown="grade=11,sex=M")
    value(run, Level.DISTRICT, world.district.code, 40, 75, breakdown="grade=11,sex=F")
    value(run, Level.DISTRICT, world.district.code, 50, 144, breakdown="grade=12,sex=M")
    small_cell = value(run, Level.DISTRICT, world.district.code, 5, 6, breakdown="grade=12,sex=F")
    value(run, Level.TOWN, world.urban.code, 100, 180, town=world.urban)
    value(run, Level.TOWN, world.rural.code, 65, 120, town=world.rural)
    school_a = value(run, Level.SCHOOL, world.school_a.code, 5, 7, school=world.school_a)  # 71.4 %
    school_b = value(run, Level.SCHOOL, world.school_b.code, 3, 10, school=world.school_b)  # 30.0 %
    return HealthValues(run, school_a, school_b, district, small_cell)
