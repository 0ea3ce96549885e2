"""The explorer issues a fixed number of queries however many schools there are (STYLE §12): with 60 more
schools — each with coordinates, a class and a 大学区 membership, so the bars, the map and its groups all
grow — the page and its Excel export ask the database no more often than with the World's four."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World, make_school
from tests.indicators.web.conftest import VERIFIED, Computed
from tisheng.census.models import SchoolClass
from tisheng.core.choices import MembershipRole, SchoolType, Stage
from tisheng.core.models import GroupMembership
from tisheng.indicators import services

#: The explorer's ceiling: the page's own reads plus the map's three (schools, values, memberships).
MAX_QUERIES = 16


def grow(world: World, schools: int = 60) -> None:
    """``schools`` more primary schools, located, each with a class of 40 + i pupils, every one a member of
    the World's 大学区; then recompute."""
    for i in range(schools):
        town = world.rural if i % 2 else world.urban
        school = make_school(
            f"21640108{i:02d}",
            f"新增小学{i}",
            SchoolType.PRIMARY,
            town,
            longitude=Decimal("106.0") + Decimal(i) / 100,
            latitude=Decimal("38.4") + Decimal(i % 7) / 100,
        )
        SchoolClass.objects.create(
            academic_year=world.year,
            section=school.sections.get(stage=Stage.PRIMARY),
            grade=11,
            number=1,
            student_count=40 + i,
        )
        GroupMembership.objects.create(
            group=world.group, school=school, role=MembershipRole.MEMBER, valid_from=dt.date(2021, 9, 1)
        )
    services.compute_year(world.year)


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["admin", "principal_a"])
@pytest.mark.parametrize("query", ["", "?format=xlsx", "?stage=primary&sort=-value"])
def test_the_explorer_does_not_query_per_school(
    client_for: Callable[[str], Client],
    world: World,
    computed: Computed,
    django_assert_max_num_queries: Callable[[int], object],
    persona: str,
    query: str,
) -> None:
    client = client_for(persona)
    url = reverse("indicators:detail", args=[VERIFIED]) + query
    few = count(client, url)
    assert few <= MAX_QUERIES
    grow(world)
    with django_assert_max_num_queries(few):  # type: ignore[attr-defined]
        response = client.get(url)
    if persona == "admin" and not query.startswith("?format"):
        assert len(response.context["school_chart"].bars) > 60
        assert len(response.context["school_map"]["schools"]) == 60  # the located ones
