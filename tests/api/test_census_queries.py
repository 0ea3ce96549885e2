"""The query counts of the data-set endpoints do not grow with the number of rows (STYLE §12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import Facts
from tests.api.test_census import FIGURES, SCOPED
from tests.api.test_queries import MAX_QUERIES, count_queries
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
from tisheng.core.choices import Stage
from tisheng.core.models import AcademicYear, SchoolSection
from tisheng.intake.models import BatchFile, ImportBatch, Submission


def grow(world: World, facts: Facts, years: int = 6) -> None:
    """School A gets ``years`` more school years of everything: a class with a new student, a new
    teacher with a record, certificate, honour, rotation and violation, a facility report, a
    recognition, an activity, a batch and a submission; 张小明 and 赵老师 get a record in each year
    too; the district more population and births."""
    section = SchoolSection.objects.get(school=world.school_a, stage=Stage.PRIMARY)
    ming, zhao = facts.a["students"], facts.a["teachers"]
    assert isinstance(ming, Student)
    assert isinstance(zhao, Teacher)
    for i in range(years):
        start = 2010 + i
        year = AcademicYear.objects.create(start_year=start)
        school_class = SchoolClass.objects.create(
            academic_year=year, section=section, grade=11, number=1, student_count=40
        )
        student = Student.objects.create(
            student_number=f"L{start}0001",
            name=f"学生{i}",
            sex=c.Sex.MALE,
            birth_date=dt.date(start - 6, 1, 1),
            hukou=c.Hukou.DISTRICT,
        )
        Enrolment.objects.create(academic_year=year, student=student, school_class=school_class)
        Enrolment.objects.create(academic_year=year, student=ming, school_class=school_class)
        StatusChange.objects.create(
            student=ming, kind=c.StatusChangeKind.RETURN, date=dt.date(start, 10, 1), school=world.school_a
        )
        teacher = Teacher.objects.create(
            staff_number=f"T-A-{100 + i}",
            name=f"教师{i}",
            sex=c.Sex.FEMALE,
            birth_date=dt.date(1980, 1, 1),
            school=world.school_a,
        )
        for person in (teacher, zhao):
            TeacherYear.objects.create(
                academic_year=year,
                teacher=person,
                section=section,
                post=c.Post.TEACHER,
                education=c.Education.MASTER,
                title=c.Title.SECOND,
            )
            Certificate.objects.create(
                teacher=person,
                level=c.CertificateLevel.PRIMARY,
                number=f"{start}{person.pk:04d}",
                issued_on=dt.date(start, 7, 1),
            )
            Honour.objects.create(
                teacher=person, kind=c.HonourKind.FAMOUS_TEACHER, level=c.Level.DISTRICT, year=start
            )
        Rotation.objects.create(
            teacher=teacher,
            from_school=world.school_a,
            to_school=world.school_b,
            start=dt.date(start, 9, 1),
            end=dt.date(start + 1, 7, 1),
        )
        EthicsViolation.objects.create(teacher=teacher, date=dt.date(start, 12, 1), description="迟到")
        FacilityReport.objects.create(
            academic_year=year,
            section=section,
            teaching_area=Decimal(1000),
            sports_area=Decimal(2000),
            equipment_value=Decimal(50),
            networked_classrooms=10,
            classrooms=12,
            books=10000,
        )
        Recognition.objects.create(
            kind=c.RecognitionKind.CIVILISED_CAMPUS, level=c.Level.DISTRICT, year=start, school=world.school_a
        )
        Activity.objects.create(
            kind=c.ActivityKind.HOME_VISIT, date=dt.date(start, 11, 1), school=world.school_a, title="家访"
        )
        PopulationCount.objects.create(year=start, town=world.urban, age=6, sex=c.Sex.MALE, count=100)
        Birth.objects.create(year=start, town=world.urban, count=200)
        ImportBatch.objects.create(
            dataset="classes", academic_year=year, school=world.school_a, uploaded_by=world.users["clerk_a"]
        )
        Submission.objects.create(dataset="classes", academic_year=year, school=world.school_a)


@pytest.mark.parametrize("path", SCOPED + FIGURES)
@pytest.mark.parametrize("persona", ["admin", "principal_a"])
def test_list_query_count_does_not_grow_with_rows(
    client_for: Callable[[str], Client],
    world: World,
    facts: Facts,
    django_assert_max_num_queries: Any,
    path: str,
    persona: str,
) -> None:
    client = client_for(persona)
    url = f"/api/{path}?limit=500"
    few, before = count_queries(client, url)
    grow(world, facts)
    with django_assert_max_num_queries(MAX_QUERIES):
        many, after = count_queries(client, url)
    assert many == few
    assert after.json()["count"] > before.json()["count"]


@pytest.mark.parametrize(
    ("path", "key", "nested"),
    [
        ("students", "students", ("enrolments", "changes")),
        ("teachers", "teachers", ("years", "certificates", "honours")),
    ],
)
@pytest.mark.parametrize("persona", ["admin", "principal_a"])
def test_detail_query_count_does_not_grow_with_history(
    client_for: Callable[[str], Client],
    world: World,
    facts: Facts,
    path: str,
    key: str,
    nested: tuple[str, ...],
    persona: str,
) -> None:
    client = client_for(persona)
    url = f"/api/{path}/{facts.a[key].pk}"
    few, before = count_queries(client, url)
    grow(world, facts)
    many, after = count_queries(client, url)
    assert many == few
    for name in nested:
        assert len(after.json()[name]) == len(before.json()[name]) + 6, name


def test_batch_detail_query_count_is_constant(
    client_for: Callable[[str], Client], world: World, facts: Facts
) -> None:
    client = client_for("admin")
    batch = facts.a["batches"]
    url = f"/api/batches/{batch.pk}"
    few, _ = count_queries(client, url)
    for i in range(5):
        BatchFile.objects.create(
            batch=batch, name=f"学生{i}.xlsx", file=f"intake/{batch.pk}/{i}.xlsx", size=1, sha256="0" * 64
        )
    many, response = count_queries(client, url)
    assert many == few
    assert [f["name"] for f in response.json()["files"]] == [f"学生{i}.xlsx" for i in range(5)]
