"""Query counts of the supervision lists and inbox do not grow with the number of rows (STYLE §12)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import World
from tests.supervision.conftest import inspect_school_a
from tisheng.supervision import choices as c
from tisheng.supervision.services import raise_warning

URLS = [
    "/api/warnings",
    "/api/inspections",
    "/api/findings",
    "/api/rectification-orders",
    reverse("supervision:home"),
    reverse("supervision:warning-list"),
    reverse("supervision:inspection-list"),
    reverse("supervision:finding-list"),
]


def add_rows(world: World, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        inspect_school_a(world)
        raise_warning(
            c.WarningKind.MISSING_DATA,
            school=world.school_a if i % 2 else None,
            department=None if i % 2 else world.dept_finance,
            subject=f"预警{i}",
            detail="d",
            source_key=f"test:{i}",
        )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("url", URLS)
def test_queries_do_not_grow_with_rows(client_for: Callable[[str], Client], world: World, url: str) -> None:
    client = client_for("admin")
    add_rows(world, 1, 0)
    few = count(client, url)
    add_rows(world, 5, 1)
    assert count(client, url) == few
