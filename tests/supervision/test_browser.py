"""Supervision in a real browser: school A's principal finds the rectification order in the inbox, uploads
evidence and submits it; the inspector re-checks it as passed and the finding closes — the loop of
issue 6 through the real pages, with the inbox charts drawn and no console errors."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tests.supervision.conftest import inspect_school_a
from tisheng.supervision import choices as c
from tisheng.supervision.models import Finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_order_evidence_recheck_close(world: World, live_server, browser_page, tmp_path) -> None:
    finding = inspect_school_a(world).findings[0]
    page, errors = browser_page
    sign_in(page, live_server.url, "principal_a", PASSWORD)
    page.click("nav.mainnav >> text=督导")
    page.wait_for_selector("#order-chart div.chart[data-drawn] canvas")
    page.goto(f"{live_server.url}/supervision/findings/{finding.pk}/")
    evidence = tmp_path / "整改照片.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("#evidence-form input[type=file]", str(evidence))
    page.click("#evidence-form button[type=submit]")
    page.fill("#submit-form textarea", "已取消班级排名公布，并在教师会上通报")
    page.click("#submit-form button[type=submit]")
    page.wait_for_selector("text=整改照片.pdf")
    screenshot(page, "supervision-order-submitted")
    assert not errors, errors

    page.context.clear_cookies()
    sign_in(page, live_server.url, "inspector", PASSWORD)
    page.goto(f"{live_server.url}/supervision/findings/{finding.pk}/")
    page.check(f"#recheck-form input[value='{c.RecheckResult.PASSED}']")
    page.fill("#recheck-form input[name=date]", "2025-11-20")
    page.click("#recheck-form button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "supervision-finding-closed")
    assert not errors, errors
    assert Finding.objects.get(pk=finding.pk).status == c.FindingStatus.CLOSED
