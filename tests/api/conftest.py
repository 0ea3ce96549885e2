"""Helpers of the API tests, on top of the shared world and personas of ``tests/conftest.py``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from tests.conftest import World
from tisheng.census import choices as c
from tisheng.census.models import (
    Activity,
    Birth,
    Certificate,
    Enrolment,
    EthicsViolation,
    FacilityReport,
    Honour,
    PopulationCount,
    Recognition,
    Rotation,
    SchoolClass,
    StatusChange,
    Student,
    Teacher,
    TeacherYear,
)
from tisheng.core.choices import MembershipRole, Stage
from tisheng.core.models import AcademicYear, ApiToken, GroupMembership, SchoolSection
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.models import ImportBatch, Submission


def body(response: Any) -> Any:
    return json.loads(response.content)


def patch(client: Client, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.patch(url, data=json.dumps(data), content_type="application/json", **extra)


@pytest.fixture
def token_for(world: World) -> Callable[[str], str]:
    """``token_for("principal_a")`` → a fresh API key of that persona."""

    def issue(persona: str) -> str:
        _token, key = ApiToken.issue(world.users[persona], "test script")
        return key

    return issue


@pytest.fixture
def token_client(token_for: Callable[[str], str]) -> Callable[[str], Client]:
    """``token_client("principal_a")`` → a client without a session that sends that persona's API key."""

    def make(persona: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {token_for(persona)}"})

    return make


@pytest.fixture
def enrolment(world: World) -> AcademicYear:
    """Classes of school A in 2024 and 2025, and of school B in 2025: 2025 is the world's year."""
    previous = AcademicYear.objects.create(start_year=2024)
    section_a = SchoolSection.objects.get(school=world.school_a, stage=Stage.PRIMARY)
    section_b = SchoolSection.objects.get(school=world.school_b, stage=Stage.JUNIOR)
    for year, grade, number, students in [
        (previous, 11, 1, 40),
        (world.year, 11, 1, 42),
        (world.year, 11, 2, 43),
        (world.year, 12, 1, 45),
    ]:
        SchoolClass.objects.create(
            academic_year=year, section=section_a, grade=grade, number=number, student_count=students
        )
    SchoolClass.objects.create(
        academic_year=world.year, section=section_b, grade=21, number=1, student_count=50
    )
    return previous


@pytest.fixture
def past_membership(world: World) -> GroupMembership:
    """The kindergarten belonged to 宁华大学区 from 2019-09-01 until 2021-09-01."""
    return GroupMembership.objects.create(
        group=world.group,
        school=world.kindergarten,
        role=MembershipRole.MEMBER,
        valid_from=dt.date(2019, 9, 1),
        valid_to=dt.date(2021, 9, 1),
    )


# --- census and intake facts ------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A 公民身份号码 with its GB 11643 check digit (computed here, independently of the app)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


#: Full 身份证 numbers that must never appear in an answer (the 学籍号 embed them).
ID_MING = id_number("64010520180305123")  # 张小明, school A
ID_HUA = id_number("64010520170611234")  # 李华, school B in 2024, school A in 2025
ID_FANG = id_number("64010520120901345")  # 王芳, school B
ID_QIAN = id_number("64010519800101456")  # 钱老师's staff number embeds it
FULL_IDS = (ID_MING, ID_HUA, ID_FANG, ID_QIAN)


@dataclass
class Facts:
    """One row of every data set in school A (``a``) and one in school B (``b``), plus the rows that
    belong to no school (``district``), keyed by the endpoint's path."""

    previous: AcademicYear
    a: dict[str, Model]
    b: dict[str, Model]
    district: dict[str, Model]
    moved: Student  # 李华: school B in 2024, school A in 2025


@pytest.fixture
def facts(world: World) -> Facts:
    """Small explicit facts of the world's schools (2024 and 2025 学年):

    - classes: A 一年级1班 (2025, 40) and 二年级1班 (2025, 38), A 一年级1班 (2024, 41); B 初一1班 (2025, 45);
    - students: 张小明 (A 2025), 王芳 (B 2025), 李华 (B 2024 → A 2025, with both status changes);
    - teachers: 赵老师 (A) and 钱老师 (B), each with a 2025 record, a certificate and an honour;
      rotations A → C (from 2025-09-01) and B → A (2023-09-01 to 2024-07-15); a violation of 钱老师;
    - facility reports of A and B (2025), recognitions and activities of A and B, a researcher's activity;
    - population (2025 宁华路街道 6 岁 M/F, one boy certified disabled; 2024 兴泾镇) and births (2019,
      both towns);
    - import batches of A (with findings that quote a full 身份证 number), of B and district-wide; the
      2025 student submissions of A (submitted) and B (draft).
    """
    previous = AcademicYear.objects.create(start_year=2024)
    year = world.year
    section_a = SchoolSection.objects.get(school=world.school_a, stage=Stage.PRIMARY)
    section_b = SchoolSection.objects.get(school=world.school_b, stage=Stage.JUNIOR)

    class_a = SchoolClass.objects.create(
        academic_year=year, section=section_a, grade=11, number=1, student_count=40
    )
    SchoolClass.objects.create(academic_year=year, section=section_a, grade=12, number=1, student_count=38)
    class_a_2024 = SchoolClass.objects.create(
        academic_year=previous, section=section_a, grade=11, number=1, student_count=41
    )
    class_b = SchoolClass.objects.create(
        academic_year=year, section=section_b, grade=21, number=1, student_count=45
    )
    class_b_2024 = SchoolClass.objects.create(
        academic_year=previous, section=section_b, grade=21, number=1, student_count=44
    )

    def student(id_no: str, name: str, sex: str, hukou: str = c.Hukou.DISTRICT, **extra: Any) -> Student:
        return Student.objects.create(
            student_number=f"G{id_no}",
            name=name,
            sex=sex,
            birth_date=dt.date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14])),
            id_number_masked=f"{id_no[:6]}********{id_no[14:]}",
            hukou=hukou,
            **extra,
        )

    ming = student(ID_MING, "张小明", c.Sex.MALE, residence_town=world.urban)
    hua = student(
        ID_HUA, "李华", c.Sex.MALE, disability=c.Disability.HEARING, placement=c.Placement.INCLUSIVE
    )
    fang = student(ID_FANG, "王芳", c.Sex.FEMALE, hukou=c.Hukou.OUTSIDE)
    enrol_a = Enrolment.objects.create(academic_year=year, student=ming, school_class=class_a)
    Enrolment.objects.create(academic_year=year, student=hua, school_class=class_a)
    Enrolment.objects.create(academic_year=previous, student=hua, school_class=class_b_2024)
    enrol_b = Enrolment.objects.create(academic_year=year, student=fang, school_class=class_b)
    change_b = StatusChange.objects.create(
        student=hua,
        kind=c.StatusChangeKind.TRANSFER_OUT,
        date=dt.date(2025, 7, 1),
        school=world.school_b,
        other_school="测试第一小学",
    )
    change_a = StatusChange.objects.create(
        student=hua,
        kind=c.StatusChangeKind.TRANSFER_IN,
        date=dt.date(2025, 9, 1),
        school=world.school_a,
        other_school="测试第二中学",
    )

    zhao = Teacher.objects.create(
        staff_number="T-A-001",
        name="赵老师",
        sex=c.Sex.FEMALE,
        birth_date=dt.date(1985, 3, 1),
        id_number_masked="640105********2345",
        school=world.school_a,
    )
    qian = Teacher.objects.create(
        staff_number=ID_QIAN,
        name="钱老师",
        sex=c.Sex.MALE,
        birth_date=dt.date(1980, 1, 1),
        id_number_masked=f"{ID_QIAN[:6]}********{ID_QIAN[14:]}",
        school=world.school_b,
    )

    def record(teacher: Teacher, section: SchoolSection, **extra: Any) -> TeacherYear:
        return TeacherYear.objects.create(
            academic_year=year,
            teacher=teacher,
            section=section,
            post=c.Post.TEACHER,
            subject="语文",
            education=c.Education.BACHELOR,
            title=c.Title.FIRST,
            **extra,
        )

    year_a = record(
        zhao, section_a, backbone_level=c.BackboneLevel.DISTRICT, annual_salary=Decimal("98000.00")
    )
    year_b = record(qian, section_b, training_hours=Decimal("72.5"))
    cert_a = Certificate.objects.create(
        teacher=zhao,
        level=c.CertificateLevel.PRIMARY,
        number="20076400121000001",
        issued_on=dt.date(2007, 7, 1),
    )
    cert_b = Certificate.objects.create(
        teacher=qian,
        level=c.CertificateLevel.JUNIOR,
        number="20026400131000002",
        issued_on=dt.date(2002, 7, 1),
    )
    honour_a = Honour.objects.create(
        teacher=zhao, kind=c.HonourKind.FAMOUS_TEACHER, level=c.Level.DISTRICT, year=2024
    )
    honour_b = Honour.objects.create(
        teacher=qian, kind=c.HonourKind.FAMOUS_HEADTEACHER, level=c.Level.CITY, year=2025
    )
    rotation_a = Rotation.objects.create(
        teacher=zhao, from_school=world.school_a, to_school=world.school_c, start=dt.date(2025, 9, 1)
    )
    rotation_b = Rotation.objects.create(
        teacher=qian,
        from_school=world.school_b,
        to_school=world.school_a,
        start=dt.date(2023, 9, 1),
        end=dt.date(2024, 7, 15),
    )
    violation_a = EthicsViolation.objects.create(
        teacher=zhao, date=dt.date(2024, 11, 5), description="有偿补课"
    )
    violation_b = EthicsViolation.objects.create(
        teacher=qian, date=dt.date(2025, 10, 10), description="体罚学生", handling="通报批评"
    )

    def facilities(section: SchoolSection, classrooms: int) -> FacilityReport:
        return FacilityReport.objects.create(
            academic_year=year,
            section=section,
            teaching_area=Decimal("3200.5"),
            sports_area=Decimal("5400.0"),
            equipment_value=Decimal("180.25"),
            networked_classrooms=classrooms,
            classrooms=classrooms,
            books=24000,
        )

    report_a = facilities(section_a, 18)
    report_b = facilities(section_b, 24)
    recognition_a = Recognition.objects.create(
        kind=c.RecognitionKind.MORAL_EDUCATION_SCHOOL,
        level=c.Level.DISTRICT,
        year=2024,
        school=world.school_a,
    )
    recognition_b = Recognition.objects.create(
        kind=c.RecognitionKind.LABOUR_SCHOOL, level=c.Level.CITY, year=2025, school=world.school_b
    )
    activity_a = Activity.objects.create(
        kind=c.ActivityKind.PARENT_MEETING,
        date=dt.date(2025, 10, 1),
        school=world.school_a,
        title="一年级家长会",
        participants=80,
    )
    activity_b = Activity.objects.create(
        kind=c.ActivityKind.HOME_VISIT, date=dt.date(2025, 11, 1), school=world.school_b, title="初一家访"
    )
    lecture = Activity.objects.create(
        kind=c.ActivityKind.RESEARCHER_LECTURE, date=dt.date(2025, 10, 15), person="孙教研员", title="示范课"
    )

    population = PopulationCount.objects.create(
        year=2025, town=world.urban, age=6, sex=c.Sex.MALE, count=120, disabled_certified=1
    )
    PopulationCount.objects.create(year=2025, town=world.urban, age=6, sex=c.Sex.FEMALE, count=110)
    PopulationCount.objects.create(year=2024, town=world.rural, age=6, sex=c.Sex.MALE, count=80)
    births = Birth.objects.create(year=2019, town=world.urban, count=300)
    Birth.objects.create(year=2019, town=world.rural, count=150)

    batch_a = ImportBatch.objects.create(
        dataset="students",
        academic_year=year,
        school=world.school_a,
        uploaded_by=world.users["clerk_a"],
        status=BatchStatus.INVALID,
        rows_read=3,
        issue_count=2,
        warning_count=1,
        issues=[
            {
                "severity": "warning",
                "where": "第 4 行",
                "row": 4,
                "value": "",
                "message": "年龄偏大",
                "hint": "",
            },
            {
                "severity": "error",
                "file": "学生.xlsx",
                "sheet": "学生",
                "row": 2,
                "column": "D",
                "header": "身份证号",
                "where": "学生.xlsx 学生 第 2 行 D 列",
                "value": ID_MING[:17] + "0",
                "message": "身份证号校验位不正确",
                "hint": "请逐位核对身份证号",
            },
            {
                "severity": "error",
                "where": "第 3 行",
                "row": 3,
                "value": f"G{ID_HUA}",
                "message": f"找不到学籍号为 G{ID_HUA} 的学生",
                "hint": "请核对学籍号",
            },
        ],
    )
    batch_b = ImportBatch.objects.create(
        dataset="teachers",
        academic_year=year,
        school=world.school_b,
        uploaded_by=world.users["principal_b"],
        status=BatchStatus.COMMITTED,
        rows_read=2,
        added=2,
    )
    batch_district = ImportBatch.objects.create(
        dataset="population",
        uploaded_by=world.users["admin"],
        status=BatchStatus.COMMITTED,
        rows_read=3,
        added=3,
    )
    submission_a = Submission.objects.create(
        dataset="students",
        academic_year=year,
        school=world.school_a,
        status=SubmissionStatus.SUBMITTED,
        submitted_by=world.users["clerk_a"],
    )
    submission_b = Submission.objects.create(dataset="students", academic_year=year, school=world.school_b)

    a: dict[str, Model] = {
        "classes": class_a,
        "students": ming,
        "enrolments": enrol_a,
        "status-changes": change_a,
        "teachers": zhao,
        "teacher-years": year_a,
        "certificates": cert_a,
        "honours": honour_a,
        "rotations": rotation_a,
        "ethics-violations": violation_a,
        "facility-reports": report_a,
        "recognitions": recognition_a,
        "activities": activity_a,
        "batches": batch_a,
        "submissions": submission_a,
    }
    b: dict[str, Model] = {
        "classes": class_b,
        "students": fang,
        "enrolments": enrol_b,
        "status-changes": change_b,
        "teachers": qian,
        "teacher-years": year_b,
        "certificates": cert_b,
        "honours": honour_b,
        "rotations": rotation_b,
        "ethics-violations": violation_b,
        "facility-reports": report_b,
        "recognitions": recognition_b,
        "activities": activity_b,
        "batches": batch_b,
        "submissions": submission_b,
    }
    district: dict[str, Model] = {
        "population": population,
        "births": births,
        "activities": lecture,
        "batches": batch_district,
        "classes-2024": class_a_2024,
    }
    return Facts(previous, a, b, district, hua)
