"""The public disclosure page in a real browser, without signing in: from the landing page to 公示, the
headline chart drawn, another year chosen with the selector, no console errors; a withheld figure is
shown as its suppression text."""

from __future__ import annotations

import pytest

from tests.browser import screenshot
from tests.conftest import World
from tests.reports.public_data import HIDDEN, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_disclosure_in_the_browser(world: World, live_server, browser_page) -> None:
    publish(world)
    page, errors = browser_page
    page.goto(f"{live_server.url}/")
    page.click("#disclosure-link a.button")
    page.wait_for_url(f"{live_server.url}/public/")
    page.wait_for_selector("#trend div.chart[data-drawn] canvas")
    assert (
        page.locator("tr[data-indicator='enrolment.preschool_gross_rate'] td.num").first.inner_text()
        == "100.3%"
    )
    rotation = page.locator("tr[data-indicator='teachers.rotation_backbone_share']").inner_text()
    assert "少于10人，不予公示" in rotation
    text = page.inner_text("main")
    for figure in HIDDEN.values():
        assert figure not in text
    page.click("tr[data-indicator='enrolment.preschool_gross_rate'] summary")
    assert page.is_visible("tr[data-indicator='enrolment.preschool_gross_rate'] details[open]")
    screenshot(page, "public-disclosure")

    page.select_option("form.filters select[name=year]", "2024")
    page.wait_for_url(f"{live_server.url}/public/?year=2024")
    page.wait_for_selector("#trend div.chart[data-drawn] canvas")
    assert "25.0%" in page.locator("tr[data-indicator='teachers.rotation_backbone_share']").inner_text()
    assert not errors, errors
