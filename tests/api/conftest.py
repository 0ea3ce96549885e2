"""Helpers of the API tests, on top of the shared world and personas of ``tests/conftest.py``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from tisheng.census.models import SchoolClass
from tisheng.core.choices import MembershipRole, Stage
from tisheng.core.models import AcademicYear, ApiToken, GroupMembership, SchoolSection


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
