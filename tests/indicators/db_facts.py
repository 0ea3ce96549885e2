"""A few explicit facts in the test World's database, for the tests of freezing, storing and the pages.

School A (小学, 宁华路街道): two classes of 46 and 40 pupils (86 enrolments), two full-time teachers (one
with a 小学 certificate, one without), a facility report. School B (初中, 兴泾镇): one class of 50, one
teacher holding a 高中 certificate. Population: 30 children aged 3–5 in each town. The kindergarten has one
class of 25.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tests.conftest import World
from tisheng.census import choices as c
from tisheng.census.models import (
    Certificate,
    Enrolment,
    FacilityReport,
    PopulationCount,
    SchoolClass,
    Student,
    Teacher,
    TeacherYear,
)
from tisheng.core.choices import Stage
from tisheng.core.models import AcademicYear, School


@dataclass
class Facts:
    pupils_a: int
    pupils_b: int
    children: int


def _section(school: School, stage: str):  # type: ignore[no-untyped-def]
    return school.sections.get(stage=stage)


def _class(world: World, school: School, stage: str, grade: int, number: int, size: int, prefix: str) -> None:
    klass = SchoolClass.objects.create(
        academic_year=world.year,
        section=_section(school, stage),
        grade=grade,
        number=number,
        student_count=size,
    )
    for i in range(size):
        student = Student.objects.create(
            student_number=f"G{prefix}{grade:02d}{number:02d}{i:03d}",
            name=f"学生{i}",
            sex=c.Sex.MALE if i % 2 else c.Sex.FEMALE,
            birth_date=dt.date(2015, 1, 1),
            hukou=c.Hukou.DISTRICT,
        )
        Enrolment.objects.create(academic_year=world.year, student=student, school_class=klass)


def _teacher(world: World, school: School, stage: str, number: str, certificate: str | None) -> None:
    teacher = Teacher.objects.create(
        staff_number=number,
        name=f"教师{number}",
        sex=c.Sex.FEMALE,
        birth_date=dt.date(1985, 5, 5),
        school=school,
    )
    TeacherYear.objects.create(
        academic_year=world.year,
        teacher=teacher,
        section=_section(school, stage),
        post=c.Post.TEACHER,
        subject="语文",
        education=c.Education.BACHELOR,
        title=c.Title.FIRST,
        info_literacy=c.LiteracyResult.PASS,
    )
    if certificate:
        Certificate.objects.create(
            teacher=teacher, level=certificate, number=f"CERT{number}", issued_on=dt.date(2010, 7, 1)
        )


def make_facts(world: World) -> Facts:
    _class(world, world.school_a, Stage.PRIMARY, 11, 1, 46, "A")
    _class(world, world.school_a, Stage.PRIMARY, 12, 1, 40, "A")
    _class(world, world.school_b, Stage.JUNIOR, 21, 1, 50, "B")
    _class(world, world.kindergarten, Stage.PRESCHOOL, 1, 1, 25, "K")
    _teacher(world, world.school_a, Stage.PRIMARY, "T001", c.CertificateLevel.PRIMARY)
    _teacher(world, world.school_a, Stage.PRIMARY, "T002", None)
    _teacher(world, world.school_b, Stage.JUNIOR, "T003", c.CertificateLevel.SENIOR)
    FacilityReport.objects.create(
        academic_year=world.year,
        section=_section(world.school_a, Stage.PRIMARY),
        teaching_area=Decimal("387.0"),  # 4.5 m² × 86 pupils: exactly at the 小学 threshold
        sports_area=Decimal("600.0"),
        equipment_value=Decimal("17.20"),  # 万元 → 172,000 元 = 2,000 元 × 86
        networked_classrooms=2,
        classrooms=2,
        books=3000,
        wireless_covered=True,
    )
    for town in (world.urban, world.rural):
        for age in (3, 4, 5):
            PopulationCount.objects.create(year=2025, town=town, age=age, sex=c.Sex.MALE, count=10)
    return Facts(pupils_a=86, pupils_b=50, children=25)


def make_health_facts(world: World) -> None:
    """Health facts of school A (小学): the fitness tests of 12 first-graders with their computed fields
    written out (6 优秀 92.50, 4 良好 85.00, 2 免测), 10 vision screenings this 学年 (4 at SE −1.00 D, 1 at
    exactly −0.50 D, 5 normal) and 10 last 学年 (2 myopic), and one 五项管理 class record meeting all five.
    School B (初中): 3 tests at 70.00 (及格)."""
    from tisheng.health import choices as h
    from tisheng.health.models import FitnessTest, VisionScreening, WuxiangRecord

    last_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year - 1)[0]
    rows = [(Decimal("92.50"), h.FitnessLevel.EXCELLENT)] * 6 + [(Decimal("85.00"), h.FitnessLevel.GOOD)] * 4
    for i, (total, level) in enumerate(rows):
        FitnessTest.objects.create(
            academic_year=world.year, school=world.school_a, student_number=f"FA{i:03d}", grade=11,
            sex=c.Sex.MALE if i % 2 else c.Sex.FEMALE, height=Decimal("120.0"), weight=Decimal("22.0"),
            bmi=Decimal("15.3"), bmi_band=h.BmiBand.NORMAL, standard_score=total, bonus=0, total=total,
            level=level, status=h.FitnessStatus.COMPLETE, standard_version="test",
        )  # fmt: skip
    for i in range(2):
        FitnessTest.objects.create(
            academic_year=world.year, school=world.school_a, student_number=f"FX{i:03d}", grade=11,
            sex=c.Sex.MALE, exempt=True, exempt_reason="伤病", status=h.FitnessStatus.EXEMPT,
        )  # fmt: skip
    for i in range(3):
        FitnessTest.objects.create(
            academic_year=world.year, school=world.school_b, student_number=f"FB{i:03d}", grade=21,
            sex=c.Sex.FEMALE, bmi=Decimal("19.0"), bmi_band=h.BmiBand.OVERWEIGHT, total=Decimal("70.00"),
            level=h.FitnessLevel.PASS, status=h.FitnessStatus.COMPLETE, standard_version="test",
        )  # fmt: skip
    screenings = [("4.8", "-0.75", "-0.50")] * 4 + [("4.9", "-0.25", "-0.50")] + [("5.0", None, None)] * 5
    for i, (acuity, sphere, cylinder) in enumerate(screenings):
        VisionScreening.objects.create(
            academic_year=world.year, school=world.school_a, student_number=f"VA{i:03d}", grade=11,
            sex=c.Sex.FEMALE, acuity_left=Decimal(acuity), acuity_right=Decimal("5.0"),
            sphere_left=Decimal(sphere) if sphere else None, cylinder_left=Decimal(cylinder) if cylinder else None,
        )  # fmt: skip
    for i in range(10):
        myopic = i < 2
        VisionScreening.objects.create(
            academic_year=last_year, school=world.school_a, student_number=f"VP{i:03d}", grade=11,
            sex=c.Sex.MALE, acuity_left=Decimal("4.7" if myopic else "5.1"), acuity_right=Decimal("5.0"),
            correction=h.Correction.NONE, trial_lens=h.TrialLens.MYOPIC if myopic else h.TrialLens.NOT_DONE,
        )  # fmt: skip
    WuxiangRecord.objects.create(
        academic_year=world.year, school=world.school_a, grade=11, class_number=1, semester=1,
        respondents=40, homework_minutes=0, sleep_minutes=600, phones_managed=True, reading_reviewed=True,
        activity_minutes=60,
    )  # fmt: skip
