"""The plan board in a real browser: an inspector filters it by department (swapped in by HTMX, the
address kept for the back button); a department user's home is its own board; no console errors."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.plan.conftest import XIXIA, load
from tisheng.plan.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_filtered_by_department_and_a_departments_own(
    world: World, live_server, browser_page
) -> None:
    plan = load(XIXIA).plan
    housing = (
        Task.objects.filter(plan=plan, department_links__department=world.dept_housing).distinct().count()
    )
    finance = (
        Task.objects.filter(plan=plan, department_links__department=world.dept_finance).distinct().count()
    )
    page, errors = browser_page
    sign_in(page, live_server.url, "inspector", PASSWORD)

    page.goto(f"{live_server.url}/plan/board/")
    assert page.locator("#board tr.task").count() == 29
    page.evaluate("window.notReloaded = true")
    page.select_option("#board-department", str(world.dept_housing.pk))
    page.wait_for_function(f"document.querySelectorAll('#board tr.task').length === {housing}")
    assert page.evaluate("window.notReloaded") is True
    assert f"department={world.dept_housing.pk}" in page.url
    assert "住建局" in page.locator("#board-summary").inner_text()
    screenshot(page, "plan-board")

    page.click("header form button.link")  # sign out
    sign_in(page, live_server.url, "dept_user", PASSWORD)
    assert page.locator("#board tr.task").count() == finance
    assert "财政局" in page.locator("h1").inner_text()
    screenshot(page, "department-home")
    assert not errors, errors
