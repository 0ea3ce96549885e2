"""The main flows of the web shell in a real browser: sign-in per role, scoped lists, charts drawn by
ECharts, htmx filtering, language switching, and no console errors on any page."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tisheng.census.models import SchoolClass
from tisheng.core.choices import Grade
from tisheng.core.models import AcademicYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_classes(world: World) -> None:
    section = world.school_a.sections.get()
    for start in (2024, 2025):
        year, _ = AcademicYear.objects.get_or_create(start_year=start)
        for grade in (Grade.P1, Grade.P2):
            for number in (1, 2):
                SchoolClass.objects.create(
                    academic_year=year, section=section, grade=grade, number=number, student_count=40 + number
                )


def test_principal_sees_own_school_with_charts(world: World, live_server, browser_page) -> None:
    page, errors = browser_page
    add_classes(world)
    sign_in(page, live_server.url, "principal_a", PASSWORD)
    assert page.locator("h1").first.inner_text().startswith("测试第一小学")
    page.wait_for_selector("div.chart[data-drawn] canvas")
    screenshot(page, "principal-home")

    page.click("nav.mainnav >> text=学校")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1 and "测试第一小学" in rows.first.inner_text()

    assert not errors, errors
    response = page.goto(f"{live_server.url}/schools/{world.school_b.pk}/")
    assert response is not None and response.status == 404  # the browser logs this deliberate 404 itself
    assert "不存在" in page.content()


def test_admin_filters_schools_with_htmx_and_switches_language(
    world: World, live_server, browser_page
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, "admin", PASSWORD)
    page.wait_for_selector("div.chart[data-drawn] canvas")
    screenshot(page, "admin-home")

    page.goto(f"{live_server.url}/schools/")
    assert page.locator("table.data tbody tr").count() == 4
    with page.expect_response(lambda r: "/schools/?" in r.url):
        page.select_option("select[name=stage]", "junior")
    page.wait_for_function("document.querySelectorAll('table.data tbody tr').length === 2")
    assert "stage=junior" in page.url  # htmx pushed the filter into the address bar
    screenshot(page, "admin-school-list-filtered")

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Schools" in page.locator("nav.mainnav").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    assert not errors, errors


@pytest.mark.parametrize("username", ["leader", "dept_user", "clerk_a"])
def test_each_role_lands_on_its_home_without_errors(
    world: World, live_server, browser_page, username: str
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, username, PASSWORD)
    assert page.locator("h1").count() == 1
    screenshot(page, f"home-{username}")
    assert not errors, errors
