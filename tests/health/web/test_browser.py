"""The health pages in a real browser: a school's clerk opens the health page and a student's test without
console errors; a district officer sees the overview's charts drawn by ECharts."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.health.web.data import HealthRows, HealthValues

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_opens_the_health_page_and_a_students_test(
    world: World, health_rows: HealthRows, health_values: HealthValues, live_server, browser_page
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, "clerk_a", PASSWORD)

    page.click("nav.mainnav >> text=学生健康")
    assert world.school_a.name in page.locator("h1").first.inner_text()
    page.wait_for_selector("div.chart[data-drawn] canvas")
    assert "71.4%" in page.locator(".tiles").inner_text()  # the own group of 7 students
    screenshot(page, "health-school")

    page.click("#students a:text-is('体测成绩')")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 2  # 2025: 张一 and 李二 of school A, not 王三 of school B
    page.click("table.data tbody a:has-text('L2018000000001')")
    assert "L2018000000001" in page.locator("h1").first.inner_text()
    assert page.locator("#items .badge:text-is('待核')").count() == 1
    screenshot(page, "health-student")
    assert not errors, errors


def test_district_officer_sees_the_overview_chart(
    world: World, health_values: HealthValues, live_server, browser_page
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, "inspector", PASSWORD)
    page.goto(f"{live_server.url}/health/")
    page.wait_for_selector("#trend div.chart[data-drawn] canvas")
    page.wait_for_selector("#by-grade div.chart[data-drawn] canvas")
    assert "少于10人，不予显示" in page.locator("#schools").inner_text()  # school A's 7 students
    screenshot(page, "health-district")
    assert not errors, errors
