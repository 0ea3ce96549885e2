"""The indicator pages issue a fixed number of queries, however many schools and values there are
(STYLE §12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World, make_school
from tests.indicators.web.conftest import VERIFIED, Computed
from tisheng.census.models import SchoolClass
from tisheng.core.choices import SchoolType, Stage
from tisheng.indicators import services

MAX_QUERIES = 12
#: The explorer's body is cached (tisheng.web.pagecache): on a miss it also reads the data version.
CACHED = {"indicators:detail": 2}


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(world: World, schools: int = 20) -> None:
    """``schools`` more primary schools, each with a class of 50 (over the standard), and recompute."""
    for i in range(schools):
        school = make_school(f"21640107{i:02d}", f"新增小学{i}", SchoolType.PRIMARY, world.rural)
        SchoolClass.objects.create(
            academic_year=world.year,
            section=school.sections.get(stage=Stage.PRIMARY),
            grade=11,
            number=1,
            student_count=50,
        )
    services.compute_year(world.year)


URLS: dict[str, Callable[[World], list[object]]] = {
    "indicators:list": lambda w: [],
    "indicators:detail": lambda w: [VERIFIED],
    "indicators:town": lambda w: [VERIFIED, w.rural.pk],
    "indicators:school": lambda w: [VERIFIED, w.school_a.pk],
}
#: A school's users have no town page (404, see test_permissions).
CASES = [
    (p, u) for p in ("admin", "principal_a") for u in URLS if (p, u) != ("principal_a", "indicators:town")
]


@pytest.mark.parametrize(("persona", "url_name"), CASES)
def test_query_count_does_not_grow_with_schools(
    client_for: Callable[[str], Client], world: World, computed: Computed, persona: str, url_name: str
) -> None:
    client = client_for(persona)
    url = reverse(url_name, args=URLS[url_name](world))
    few = queries_for(client, url)
    grow(world)
    many = queries_for(client, url)
    assert many == few, f"{url_name} as {persona}: {few} queries with 3 schools, {many} with 23"
    assert many <= MAX_QUERIES + CACHED.get(url_name, 0)
    if url_name in CACHED:  # the same page again, the same data: served from the cache
        assert queries_for(client, url) < many
