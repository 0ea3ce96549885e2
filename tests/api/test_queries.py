"""Query counts of the lists do not grow with the number of rows (STYLE §12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import World, make_school
from tisheng.census.models import SchoolClass
from tisheng.core.choices import DepartmentKind, GroupKind, MembershipRole, SchoolType, Stage
from tisheng.core.models import AcademicYear, Department, GroupMembership, SchoolGroup, SchoolSection, Town

#: A generous ceiling per list request: sign-in (session, user), count, page, prefetches, filter choices.
MAX_QUERIES = 8

LISTS = [
    "/api/schools",
    "/api/schools?stage=primary&town={urban}",
    "/api/towns",
    "/api/groups",
    "/api/departments",
]


def grow(world: World, extra: int = 30) -> None:
    """``extra`` more schools (half of them nine-year schools with two sections), each in a new group,
    more towns and more departments."""
    for i in range(extra):
        school_type = SchoolType.NINE_YEAR if i % 2 else SchoolType.PRIMARY
        school = make_school(f"21640106{i:02d}", f"增补学校{i:02d}", school_type, world.urban)
        group = SchoolGroup.objects.create(
            district=world.district, name=f"增补学区{i:02d}", kind=GroupKind.SCHOOL_DISTRICT
        )
        GroupMembership.objects.create(
            group=group, school=school, role=MembershipRole.LEAD, valid_from=dt.date(2022, 9, 1)
        )
        Town.objects.create(
            district=world.district,
            code=f"6401052{i:02d}",
            name=f"增补镇{i:02d}",
            kind=world.rural.kind,
            urban_rural=world.rural.urban_rural,
        )
        Department.objects.create(
            district=world.district,
            code=f"extra-{i}",
            name=f"增补局{i:02d}",
            short_name=f"增补{i:02d}",
            kind=DepartmentKind.GOVERNMENT,
        )


def count_queries(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("persona", ["admin", "principal_a"])
def test_list_query_count_does_not_grow_with_rows(
    client_for: Callable[[str], Client],
    world: World,
    django_assert_max_num_queries: Any,
    path: str,
    persona: str,
) -> None:
    client = client_for(persona)
    url = path.format(urban=world.urban.pk)
    few, _ = count_queries(client, url)
    grow(world)
    with django_assert_max_num_queries(MAX_QUERIES):
        many, response = count_queries(client, url)
    assert many == few
    if persona == "admin":
        assert response.json()["count"] >= 30


def grow_school_a(world: World, years: int = 8) -> None:
    """School A gets classes in ``years`` more school years and as many past group memberships."""
    section = SchoolSection.objects.get(school=world.school_a, stage=Stage.PRIMARY)
    for i in range(years):
        year = AcademicYear.objects.create(start_year=2010 + i)
        for grade in (11, 12, 13):
            SchoolClass.objects.create(
                academic_year=year, section=section, grade=grade, number=1, student_count=40
            )
        group = SchoolGroup.objects.create(
            district=world.district, name=f"旧学区{i}", kind=GroupKind.SCHOOL_DISTRICT
        )
        GroupMembership.objects.create(
            group=group,
            school=world.school_a,
            valid_from=dt.date(2010 + i, 9, 1),
            valid_to=dt.date(2011 + i, 9, 1),
        )


@pytest.mark.parametrize("persona", ["admin", "principal_a"])
def test_school_detail_query_count_does_not_grow_with_history(
    client_for: Callable[[str], Client], world: World, persona: str
) -> None:
    client = client_for(persona)
    url = f"/api/schools/{world.school_a.pk}"
    few, _ = count_queries(client, url)
    grow_school_a(world)
    many, response = count_queries(client, url)
    assert many == few
    assert len(response.json()["enrolment"]) == 8


@pytest.mark.parametrize("persona", ["admin", "principal_a"])
def test_group_detail_query_count_does_not_grow_with_members(
    client_for: Callable[[str], Client], world: World, persona: str
) -> None:
    client = client_for(persona)
    url = f"/api/groups/{world.group.pk}"
    few, _ = count_queries(client, url)
    for i in range(10):
        school = make_school(f"21640107{i:02d}", f"成员学校{i:02d}", SchoolType.PRIMARY, world.urban)
        GroupMembership.objects.create(group=world.group, school=school, valid_from=dt.date(2023, 9, 1))
    many, response = count_queries(client, url)
    assert many == few
    if persona == "admin":
        assert len(response.json()["members"]) == 12
