"""The district overview in a real browser: a leader signs in and finds the goals, the trend of a key
indicator and the task and warning charts drawn by ECharts; switching the key indicator swaps the trend
by HTMX without reloading the page; no console errors."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.plan.conftest import XIXIA, load
from tests.plan.test_status import store
from tests.supervision.conftest import warning_of_a

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_reads_the_overview_and_switches_the_trend(world: World, live_server, browser_page) -> None:
    load(XIXIA)
    store(
        world,
        "health.fitness_excellent_good_rate",
        {2021: "39.7", 2022: "42.4", 2023: "45.7", 2024: "48.3", 2025: "50.7"},
    )
    store(
        world,
        "enrolment.senior_gross_rate",
        {2021: "68.0", 2022: "66.5", 2023: "67.1", 2024: "65.8", 2025: "65.1"},
    )
    warning_of_a(world)
    page, errors = browser_page
    sign_in(page, live_server.url, "leader", PASSWORD)

    page.wait_for_selector("#trend-chart[data-indicator='g1-fitness'] div.chart[data-drawn] canvas")
    page.wait_for_selector("#tasks-chart div.chart[data-drawn] canvas")
    page.wait_for_selector("#warnings div.chart[data-drawn] canvas")
    goal1 = page.locator("#goal-1-figures").inner_text()
    assert "50.7%" in goal1 and "达到目标50%" in goal1
    assert "65.1%" in page.locator("#goal-2-figures").inner_text()
    screenshot(page, "overview")

    page.evaluate("window.notReloaded = true")
    page.click("#trend nav.tabs a[data-indicator='g2-senior-gross']")
    page.wait_for_selector("#trend-chart[data-indicator='g2-senior-gross'] div.chart[data-drawn] canvas")
    assert page.evaluate("window.notReloaded") is True  # swapped in place, not a new page
    assert "未达到目标95.5%" in page.locator("#trend").inner_text()
    assert page.locator("#trend nav.tabs a.active").get_attribute("data-indicator") == "g2-senior-gross"
    screenshot(page, "overview-trend-switched")
    assert not errors, errors
