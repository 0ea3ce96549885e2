"""Small explicit data of the public disclosure (公示) tests: the district's stored values of 学年 2024 and
2025, built by hand (never computed), and what the page must make of them under the default cut-off of
10 persons:

=====================================  ======  ===========  =================  ===================================
indicator                              stage   2025         2024               published in 2025
=====================================  ======  ===========  =================  ===================================
enrolment.preschool_gross_rate         all     1003/1000    990/1000           100.3%, +1.3 个百分点 (向好)
teachers.rotation_backbone_share       all     2/7          3/12               withheld: 7 teachers (28.6% hidden),
                                                                               and so no change either
teachers.certified_rate                学前     43/47                           withheld: the complement of 高中
                                       小学     191/200                         95.5%
                                       初中     97/100                          97.0%
                                       高中     7/8                             withheld: 8 teachers (87.5% hidden)
                                       all     338/355                         95.2%
health.myopia_rate                     all     263/500 (stored complementary)  withheld (52.6% hidden)
                                       初中     5/8                             withheld: 8 students (62.5% hidden)
health.myopia_rate_previous            初中     100/240                         41.7%
health.myopia_rate_change              初中     62.5 − 41.7                     withheld: with 41.7% shown it gives
                                                                               初中's 62.5% away (20.8 hidden)
health.fitness_excellent_good_rate     all     3/8          400/800            withheld: 8 students (37.5% hidden)
class_size.over_standard_share         all     1/3 classes                     33.3%: classes are not persons
control.dropouts_unreturned            all     0 from 0 rows                   0 人: nobody behind it
=====================================  ======  ===========  =================  ===================================

School A also has a value (teachers.certified_rate 61/64 = 95.3%) that the page must never show, a
student whose name and 学籍号 must never appear, and the plan sets ≥ 100% for the 学前三年毛入园率 by 2025.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tests.conftest import World
from tests.health.web.data import run_of
from tisheng.census import choices as census
from tisheng.census.models import Student
from tisheng.core.models import AcademicYear
from tisheng.indicators.choices import Level
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.plan.choices import CommitmentKind, Comparator
from tisheng.plan.models import Commitment, Plan

STUDENT_NAME = "王小明"
STUDENT_NUMBER = "G640105201801019"
#: figures the page must not contain anywhere (values withheld, a school's value)
HIDDEN = {
    "rotation_backbone_share 2/7": "28.6",
    "certified senior 7/8": "87.5",
    "certified preschool 43/47": "91.5",
    "myopia complementary 263/500": "52.6",
    "fitness 3/8": "37.5",
    "myopia 初中 5/8": "62.5",
    "myopia change 初中 62.5 − 41.7": "20.8",
    "school A certified 61/64": "95.3",
}


@dataclass
class Published:
    run: IndicatorRun  # 2025, current
    earlier: IndicatorRun  # 2024, current


def district_value(
    run: IndicatorRun,
    indicator: str,
    numerator: int | Decimal,
    denominator: int | None,
    *,
    stage: str = "",
    rows: int | None = None,
    factor: int = 100,
    **extra: object,
) -> IndicatorValue:
    """A stored district value: value = numerator × factor ÷ denominator (the numerator for a count);
    rows defaults to the denominator (one row per person)."""
    num = Decimal(numerator)
    den = None if denominator is None else Decimal(denominator)
    return IndicatorValue.objects.create(
        run=run,
        academic_year=run.academic_year,
        indicator=indicator,
        definition_version=1,
        level=Level.DISTRICT,
        org_code="640105",
        stage=stage,
        breakdown="",
        numerator=num,
        denominator=den,
        value=num * factor / den if den else num,
        rows=rows if rows is not None else (denominator or int(numerator)),
        **extra,
    )


def publish(world: World, run: IndicatorRun | None = None) -> Published:
    """The values of the table above. ``run``: 2025's current run when one exists already (the
    evaluation's, whose school values are its own: school A's value is then not added)."""
    with_school = run is None
    run = run or run_of(world.year)
    earlier = run_of(AcademicYear.objects.create(start_year=2024, census_date=dt.date(2024, 9, 1)))
    district_value(run, "enrolment.preschool_gross_rate", 1003, 1000, rows=1200, met=True)
    district_value(earlier, "enrolment.preschool_gross_rate", 990, 1000, rows=1190, met=False)
    district_value(run, "teachers.rotation_backbone_share", 2, 7, met=False)
    district_value(earlier, "teachers.rotation_backbone_share", 3, 12, met=False)
    for stage, numerator, denominator in (
        ("preschool", 43, 47),
        ("primary", 191, 200),
        ("junior", 97, 100),
        ("senior", 7, 8),
        ("", 338, 355),
    ):
        district_value(run, "teachers.certified_rate", numerator, denominator, stage=stage, met=False)
    district_value(run, "health.myopia_rate", 263, 500, complementary=True)
    district_value(run, "health.myopia_rate", 5, 8, stage="junior")
    district_value(run, "health.myopia_rate_previous", 100, 240, stage="junior")
    change = Decimal(500) / 8 - Decimal(10000) / 240  # 20.8333… 个百分点
    district_value(run, "health.myopia_rate_change", change, None, stage="junior", rows=240)
    district_value(run, "health.fitness_excellent_good_rate", 3, 8, met=False)
    district_value(earlier, "health.fitness_excellent_good_rate", 400, 800, met=True)
    district_value(run, "class_size.over_standard_share", 1, 3, met=False)
    district_value(run, "control.dropouts_unreturned", 0, None, rows=0, met=True)
    if with_school:
        IndicatorValue.objects.create(
            run=run,
            academic_year=world.year,
            indicator="teachers.certified_rate",
            definition_version=1,
            level=Level.SCHOOL,
            org_code=world.school_a.code,
            school=world.school_a,
            numerator=61,
            denominator=64,
            value=Decimal(6100) / 64,
            rows=64,
        )
    Student.objects.create(
        student_number=STUDENT_NUMBER,
        name=STUDENT_NAME,
        sex=census.Sex.MALE,
        birth_date=dt.date(2018, 3, 1),
        hukou=census.Hukou.DISTRICT,
    )
    plan = Plan.objects.create(
        code="test-plan",
        name="测试区基础教育质量提升行动实施方案",
        district=world.district,
        start_year=2021,
        end_year=2025,
        source_title="测试文件",
    )
    Commitment.objects.create(
        plan=plan,
        key="preschool-gross",
        kind=CommitmentKind.INDICATOR,
        title="学前三年毛入园率达到100%以上",
        clause="学前三年毛入园率达到100%以上",
        indicator_id="enrolment.preschool_gross_rate",
        comparator=Comparator.AT_LEAST,
        target_value=Decimal(100),
        deadline_year=2025,
    )
    return Published(run, earlier)
