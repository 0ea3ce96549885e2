"""The explorer in a real browser: the trend, the towns' and schools' bars and the map drawn, no console
errors, no request leaving the site (offline: no tiles, no CDN); the picker jumps to a 优质均衡 resource
indicator keeping the 学年, where the 差异系数 panel shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.indicators.web.conftest import VERIFIED, Computed
from tisheng.core.models import School

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_explore_an_indicator_and_jump_to_another(
    world: World, computed: Computed, live_server, browser_page
) -> None:
    for school, (lng, lat) in {
        world.school_a: ("106.10", "38.50"),
        world.school_b: ("106.00", "38.40"),
    }.items():
        School.objects.filter(pk=school.pk).update(longitude=Decimal(lng), latitude=Decimal(lat))
    page, errors = browser_page
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None,
    )
    sign_in(page, live_server.url, "admin", PASSWORD)
    page.goto(f"{live_server.url}/indicators/{VERIFIED}/?year=2025")
    page.wait_for_selector("#trend div.chart[data-drawn] canvas")
    page.wait_for_selector("#town-chart div.chart[data-drawn] canvas")
    page.wait_for_selector("#school-chart div.chart[data-drawn] canvas")
    page.wait_for_selector("#school-map[data-drawn]")
    # A and B as filled circles (the 大学区's line between them has no fill)
    assert page.locator("#school-map path.leaflet-interactive:not([fill='none'])").count() == 2
    assert "达标标准" in page.locator("#map-legend").inner_text()
    assert page.locator("#school-table tbody tr").count() == 2
    screenshot(page, "explorer-indicator")

    page.click("#kou-jing-summary a[href='#documentation']")
    assert page.evaluate("location.hash") == "#documentation"

    with page.expect_navigation():
        page.select_option("#indicator-picker", "yzjh.resource.l4")
    assert "/indicators/yzjh.resource.l4/" in page.url and "year=2025" in page.url
    assert page.locator("h1").first.inner_text().startswith("生均教学及辅助用房面积")
    page.wait_for_selector("#cv-table")
    assert "≤ 0.5" in page.locator("#cv-table").inner_text()
    page.wait_for_selector("#trend div.chart[data-drawn] canvas")
    screenshot(page, "explorer-resource-indicator")
    assert not errors, errors
    assert not outside, outside
