"""Each role's tour of the site in a real browser: every page its navigation offers opens, with a
heading, no console errors and every chart drawn; a screenshot of each is kept as a test artifact
(test-artifacts/tour-<role>-<page>.png). The public sees the landing and disclosure pages only."""

from __future__ import annotations

import re

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Pages each role's navigation must offer (a page of the issue a role lost would fail here).
EXPECTED = {
    "admin": {"/home/", "/indicators/", "/map/", "/plan/", "/supervision/", "/reports/"},
    "inspector": {"/home/", "/indicators/", "/map/", "/plan/", "/supervision/", "/reports/"},
    "leader": {"/home/", "/indicators/", "/map/", "/plan/", "/reports/"},
    "dept_user": {"/home/", "/plan/"},
    "principal_a": {"/home/", "/indicators/", "/map/"},
    "clerk_a": {"/home/", "/indicators/"},
}


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path).strip("-") or "root"


def visit(page, url: str, errors: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert page.locator("h1").count() >= 1, url
    charts = page.locator("div.chart[data-chart]")
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
    if charts.count():
        page.wait_for_function(
            "[...document.querySelectorAll('div.chart[data-chart]')].every(c => c.dataset.drawn)",
            timeout=15_000,
        )
    assert not errors, (url, errors)


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_opens_every_page_of_its_navigation(
    world: World, live_server, browser_page, username: str
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, username, PASSWORD)
    links = page.locator("nav.mainnav a")
    paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert EXPECTED[username] <= set(paths), paths
    for path in paths:
        visit(page, f"{live_server.url}{path}", errors)
        screenshot(page, f"tour-{username}-{slug(path)}")


def test_the_public_sees_the_landing_and_disclosure_pages(world: World, live_server, browser_page) -> None:
    page, errors = browser_page
    visit(page, f"{live_server.url}/", errors)
    assert page.locator("nav.mainnav a").count() == 0
    page.click("footer >> text=公示")
    page.wait_for_url(f"{live_server.url}/public/**")
    visit(page, page.url, errors)
    screenshot(page, "tour-public-disclosure")
    for private in ("/home/", "/map/", "/reports/", "/indicators/"):
        page.goto(f"{live_server.url}{private}")
        assert "/accounts/login/" in page.url, private
