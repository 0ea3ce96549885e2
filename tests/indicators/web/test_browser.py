"""The indicator pages in a real browser: from the catalogue into an indicator, a town and a school, with
the charts drawn by ECharts and no console errors; “重新计算” from the runs page."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.indicators.web.conftest import VERIFIED, Computed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drill_down_from_the_catalogue_to_a_school(
    world: World, computed: Computed, live_server, browser_page
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, "admin", PASSWORD)

    page.click("nav.mainnav >> text=指标")
    assert page.locator("h1").first.inner_text().startswith("指标")
    assert page.locator("table.indicators tbody tr").count() > 40
    screenshot(page, "indicators-catalogue")

    page.click(f'tr[data-indicator="{VERIFIED}"] a')
    page.wait_for_selector("div.chart[data-drawn] canvas")
    assert page.locator("h1").first.inner_text().startswith("超标准班额班级占比")
    screenshot(page, "indicators-indicator")

    page.click(f'#towns a:text-is("{world.urban.name}")')
    page.wait_for_selector("div.chart[data-drawn] canvas")
    assert page.locator("h1").first.inner_text().startswith(world.urban.name)
    assert page.locator("#schools tbody tr").count() == 1  # school A; C has no classes
    screenshot(page, "indicators-town")

    page.click(f'#schools a:text-is("{world.school_a.name}")')
    page.wait_for_selector("div.chart[data-drawn] canvas")
    assert page.locator("h1").first.inner_text().startswith(world.school_a.name)
    assert "50.0%" in page.locator("#value").inner_text()
    screenshot(page, "indicators-school")
    assert not errors, errors


def test_administrator_recomputes_from_the_runs_page(
    world: World, computed: Computed, live_server, browser_page
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, "admin", PASSWORD)
    page.goto(f"{live_server.url}/indicators/runs/")
    rows_before = page.locator("table.data tbody tr").count()
    with page.expect_navigation():
        page.click("button:text-is('重新计算')")
    assert "已重新计算" in page.locator("ul.messages").inner_text()
    assert page.locator("table.data tbody tr").count() == rows_before + 1
    screenshot(page, "indicators-runs")
    assert not errors, errors
