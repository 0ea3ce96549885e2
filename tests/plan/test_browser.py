"""The plan in a real browser: a department user finds its task from the plan page (status chart drawn by
ECharts, no console errors) and reports the quarter's progress with an evidence file; the inspector then
reads the report."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.plan.conftest import XIXIA, load
from tisheng.plan.models import ProgressReport, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_department_reports_progress_with_evidence(
    world: World, live_server, browser_page, tmp_path
) -> None:
    plan = load(XIXIA).plan
    task = Task.objects.filter(plan=plan, department_links__department=world.dept_finance).order_by("number")[
        0
    ]
    page, errors = browser_page
    sign_in(page, live_server.url, "dept_user", PASSWORD)

    page.click("nav.mainnav >> text=行动方案")
    page.click(f"table.data a:has-text('{plan.name}')")
    page.wait_for_selector("#status div.chart[data-drawn] canvas")
    screenshot(page, "plan-detail")
    page.click(f"table.data a:text-is('{task.title}')")
    assert task.title in page.locator("h1").first.inner_text()

    evidence = tmp_path / "拨款文件.pdf"
    evidence.write_bytes(PDF)
    page.select_option("#id_period", index=0)
    page.fill("#id_text", "落实专项资金 1,200 万元")
    page.fill("#id_figures", "1,200 万元")
    page.set_input_files("#id_files", str(evidence))
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#reports article.report")
    assert "落实专项资金 1,200 万元" in page.locator("#reports").inner_text()
    assert "拨款文件.pdf" in page.locator("#reports").inner_text()
    screenshot(page, "plan-task-report")
    assert not errors, errors

    report = ProgressReport.objects.get()
    assert report.department == world.dept_finance and report.task == task
