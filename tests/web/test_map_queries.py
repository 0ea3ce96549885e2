"""The map page issues a fixed number of queries however many schools, towns and groups it draws (STYLE
§12): 60 more located schools in the 大学区 cost no query more than the World's four."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from tests.indicators.db_facts import make_facts
from tests.indicators.web.conftest import VERIFIED
from tests.indicators.web.test_explorer_queries import grow
from tisheng.indicators import services

#: The map page: the session and user, the computed years, the run, then schools, values, memberships.
MAX_QUERIES = 9


@pytest.mark.parametrize("persona", ["inspector", "principal_a"])
def test_the_map_does_not_query_per_school(
    client_for: Callable[[str], Client],
    world: World,
    django_assert_max_num_queries: Callable[[int], object],
    persona: str,
) -> None:
    make_facts(world)
    services.compute_year(world.year)
    client = client_for(persona)
    url = f"{reverse('map')}?indicator={VERIFIED}&year=2025"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    few = len(ctx.captured_queries)
    assert few <= MAX_QUERIES
    grow(world)
    with django_assert_max_num_queries(few):  # type: ignore[attr-defined]
        response = client.get(url)
    located = len(response.context["school_map"]["schools"])
    assert located == (60 if persona == "inspector" else 0)  # school A has no coordinates
    if persona == "inspector":
        (group,) = response.context["school_map"]["groups"]
        assert group["members"] == 60
