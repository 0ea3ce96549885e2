"""The school map in a real browser: the schools drawn as coloured circles on a plain background (no tile
is requested anywhere), the town outline and the 大学区 as layers, a school's popup with its value, no
console errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.indicators.db_facts import make_facts
from tests.indicators.web.conftest import VERIFIED
from tisheng.core.models import School
from tisheng.indicators import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_draws_schools_towns_and_groups_offline(world: World, live_server, browser_page) -> None:
    make_facts(world)
    services.compute_year(world.year)
    located = {
        world.school_a: ("106.10", "38.50"),
        world.school_b: ("106.00", "38.40"),
        world.school_c: ("106.12", "38.52"),
        world.kindergarten: ("106.08", "38.53"),
    }
    for school, (lng, lat) in located.items():
        School.objects.filter(pk=school.pk).update(longitude=Decimal(lng), latitude=Decimal(lat))
    page, errors = browser_page
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None,
    )
    sign_in(page, live_server.url, "inspector", PASSWORD)
    page.goto(f"{live_server.url}/map/?indicator={VERIFIED}&year=2025")
    page.wait_for_selector("#school-map[data-drawn]")
    assert page.locator("#school-map .leaflet-tile").count() == 0
    assert "宁华路街道（示意范围）" in page.locator("#school-map .map-town-label").inner_text()
    # A and B coloured, the 大学区's lines; C and the kindergarten (no value) in a layer shown on demand
    circles = page.locator("#school-map path.leaflet-interactive")
    drawn = circles.count()
    assert drawn >= 3
    page.check("#school-map .leaflet-control-layers-overlays label:has-text('无该指标数值的学校') input")
    assert circles.count() == drawn + 2
    page.uncheck("#school-map .leaflet-control-layers-overlays label:has-text('学区、集团') input")
    assert circles.count() == drawn + 2 - 1  # the group's line hidden
    assert page.locator("#map-school-table tbody tr").count() == 2
    page.locator(
        "#school-map path.leaflet-interactive[fill='#b2182b'], #school-map path.leaflet-interactive[fill='#f4a582'], #school-map path.leaflet-interactive[fill='#d6604d']"
    ).first.click(force=True)
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert world.school_a.name in popup.inner_text() and "50.0%" in popup.inner_text()
    screenshot(page, "map-schools")
    assert not errors, errors
    assert not outside, outside
