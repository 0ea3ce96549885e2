"""The school profile in a real browser: school A's principal goes from the home page to the profile and
finds the radar of the 7 resource indicators, the class-size histogram and the health trends drawn by
ECharts, with no console errors; a district officer reaches the same page from the school's register."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.web.test_profile import profile  # noqa: F401  (the profile's data, a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("profile")
def test_principal_and_district_see_the_profile_drawn(
    world: World,
    live_server,
    browser_page,
) -> None:
    page, errors = browser_page
    sign_in(page, live_server.url, "principal_a", PASSWORD)
    page.click("text=学校画像")
    page.wait_for_url(f"{live_server.url}/schools/{world.school_a.pk}/profile/")
    page.wait_for_selector("#profile-yzjh-primary div.chart[data-drawn] canvas")
    page.wait_for_selector("#profile-class-sizes div.chart[data-drawn] canvas")
    page.wait_for_selector("#profile-health div.chart[data-drawn] canvas")
    assert "7项中6项达标" in page.inner_text("#profile-yzjh")
    assert "71.4%" in page.inner_text("#profile-health-table")  # the school's own small group
    screenshot(page, "school-profile-principal")
    assert not errors, errors

    page.context.clear_cookies()
    sign_in(page, live_server.url, "leader", PASSWORD)
    page.goto(f"{live_server.url}/schools/{world.school_a.pk}/")
    page.click("text=学校画像")
    page.wait_for_selector("#profile-yzjh-primary div.chart[data-drawn] canvas")
    assert "少于10人，不予显示" in page.inner_text("#profile-health-table")
    screenshot(page, "school-profile-leader")
    assert not errors, errors
