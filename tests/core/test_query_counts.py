"""Pages that list many schools issue a fixed number of queries, however many rows there are (STYLE §12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World, make_school
from tisheng.core.choices import GroupKind, MembershipRole, SchoolType
from tisheng.core.models import GroupMembership, SchoolGroup


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["core:school-list", "core:town-list", "core:group-list", "core:department-list", "home"]
)
def test_query_count_does_not_grow_with_schools(client_for, world: World, url_name: str) -> None:
    client = client_for("admin")
    url = reverse(url_name)
    few = queries_for(client, url)
    for i in range(40):
        school = make_school(f"21640106{i:02d}", f"新增学校{i}", SchoolType.PRIMARY, world.urban)
        group = SchoolGroup.objects.create(
            district=world.district, name=f"新增学区{i}", kind=GroupKind.SCHOOL_DISTRICT
        )
        GroupMembership.objects.create(
            group=group, school=school, role=MembershipRole.LEAD, valid_from=dt.date(2024, 9, 1)
        )
    many = queries_for(client, url)
    assert many == few, f"{url_name}: {few} queries with 4 schools and 2 groups, {many} with 44 and 42"
    assert many <= 15
