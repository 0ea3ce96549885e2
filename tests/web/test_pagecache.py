"""tisheng.web.pagecache: a dashboard body is shared within a scope, never across scopes, and a change
to the data (anything audited, any computation) or the calendar makes a new key."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from tests.conftest import PASSWORD
from tisheng.core.models import ChangeRecord, Town
from tisheng.indicators.models import IndicatorRun
from tisheng.web import pagecache


def request_for(user, path: str = "/home/", **query: str):
    request = RequestFactory().get(path, query)
    request.user = user
    return request


class Renderer:
    """Counts how often the body is really rendered."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"<p>body {self.calls}</p>"


@pytest.mark.django_db
def test_users_of_one_scope_share_a_body_and_other_scopes_do_not(world) -> None:
    render = Renderer()
    leader = pagecache.cached_body(request_for(world.users["leader"]), "overview", render)
    # the inspector sees the district too, but a different role is a different scope
    pagecache.cached_body(request_for(world.users["inspector"]), "overview", render)
    again = pagecache.cached_body(request_for(world.users["leader"]), "overview", render)
    assert render.calls == 2
    assert again == leader == "<p>body 1</p>"
    # the principals of two schools never share, a clerk of the same school neither (another role)
    pagecache.cached_body(request_for(world.users["principal_a"]), "overview", render)
    pagecache.cached_body(request_for(world.users["principal_b"]), "overview", render)
    pagecache.cached_body(request_for(world.users["clerk_a"]), "overview", render)
    assert render.calls == 5


@pytest.mark.django_db
def test_the_query_string_and_the_page_name_are_part_of_the_key(world) -> None:
    render = Renderer()
    user = world.users["leader"]
    pagecache.cached_body(request_for(user, year="2024"), "overview", render)
    pagecache.cached_body(request_for(user, year="2025"), "overview", render)
    pagecache.cached_body(request_for(user, year="2025"), "explorer", render)
    # the export parameter is not: an export renders the page the user has just seen
    pagecache.cached_body(request_for(user, year="2025", export_table="@1"), "overview", render)
    assert render.calls == 3


@pytest.mark.django_db
def test_any_audited_change_or_new_computation_makes_a_new_key(world) -> None:
    render = Renderer()
    user = world.users["leader"]
    pagecache.cached_body(request_for(user), "overview", render)
    town = Town.objects.get(pk=world.urban.pk)
    town.name = "宁华路街道（新）"
    town.save()  # audited: a new change record
    pagecache.cached_body(request_for(user), "overview", render)
    assert render.calls == 2
    IndicatorRun.objects.create(
        academic_year=world.year, status="succeeded", trigger="manual", backend="duckdb", code_version="t"
    )
    pagecache.cached_body(request_for(user), "overview", render)
    assert render.calls == 3
    pagecache.cached_body(request_for(user), "overview", render)
    assert render.calls == 3


@pytest.mark.django_db
def test_tomorrow_is_a_new_key(world, monkeypatch) -> None:
    render = Renderer()
    user = world.users["leader"]
    pagecache.cached_body(request_for(user), "overview", render)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(pagecache.timezone, "localdate", lambda: tomorrow)
    pagecache.cached_body(request_for(user), "overview", render)
    assert render.calls == 2


@pytest.mark.django_db
def test_a_body_with_a_csrf_token_is_never_stored(world) -> None:
    calls = []

    def render() -> str:
        calls.append(1)
        return '<form method="post"><input name="csrfmiddlewaretoken" value="x"></form>'

    for _ in range(2):
        pagecache.cached_body(request_for(world.users["leader"]), "overview", render)
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_setting_turns_the_cache_off(world, settings) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    render = Renderer()
    for _ in range(2):
        pagecache.cached_body(request_for(world.users["leader"]), "overview", render)
    assert render.calls == 2


@pytest.mark.django_db
def test_a_body_rendered_for_an_export_is_not_stored(world) -> None:
    """Its links would carry export_table: a later visitor's sort link would download a workbook."""
    render = Renderer()
    user = world.users["leader"]
    pagecache.cached_body(request_for(user, export_table="@1"), "explorer", render)
    pagecache.cached_body(request_for(user), "explorer", render)
    pagecache.cached_body(request_for(user), "explorer", render)
    assert render.calls == 2
    # an export at the same data version reads the page's stored body
    pagecache.cached_body(request_for(user, export_table="@1"), "explorer", render)
    assert render.calls == 2


@pytest.mark.django_db
def test_a_sign_in_keeps_the_data_version(world, client) -> None:
    before = pagecache.data_version()
    assert client.login(username="leader", password=PASSWORD)  # last_login is updated and audited
    assert ChangeRecord.objects.filter(object_repr__contains="leader").exists()
    assert pagecache.data_version() == before
