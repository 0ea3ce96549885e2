"""The intake pages in a real browser: a clerk uploads a file through the form, commits and submits; a
batch page polls its progress with htmx and reloads itself when the work is done."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from tests.browser import screenshot, sign_in
from tests.conftest import PASSWORD, World
from tisheng.intake import progress, services
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.models import ImportBatch, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def classes_file(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "班级"
    ws.append(["学校标识码", "年级", "班号", "班额"])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_clerk_uploads_commits_and_submits(world: World, live_server, browser_page, tmp_path: Path) -> None:
    page, errors = browser_page
    base = live_server.url
    sign_in(page, base, "clerk_a", PASSWORD)
    page.goto(f"{base}/intake/")
    screenshot(page, "intake-school-home")
    page.click("a[href='/intake/upload/?dataset=classes']")
    assert page.locator("#id_dataset").input_value() == "classes"
    file = classes_file(
        tmp_path / "班级.xlsx", [["2164010501", "一年级", 1, 40], ["2164010501", "一年级", 2, 41]]
    )
    page.set_input_files("#id_files", str(file))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("text=入库预览")
    screenshot(page, "intake-batch-preview")
    page.click("button:has-text('确认入库')")
    page.wait_for_selector("h2:has-text('已入库')")
    page.click("a:has-text('查看填报并提交审核')")
    page.click("button:has-text('提交审核')")
    page.wait_for_selector("text=已提交审核")
    screenshot(page, "intake-submission")
    assert Submission.objects.get(school=world.school_a).status == SubmissionStatus.SUBMITTED
    assert not errors, errors


def test_batch_page_polls_progress_and_reloads_when_done(world: World, live_server, browser_page) -> None:
    page, errors = browser_page
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "班级"
    ws.append(["学校标识码", "年级", "班号", "班额"])
    ws.append(["2164010501", "一年级", 1, 40])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = services.create_batch(
        world.users["clerk_a"], "classes", world.year, [("班级.xlsx", buffer.getvalue())]
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.VALIDATING)
    progress.reporter(batch.pk)(40, "检查重复与权限")

    sign_in(page, live_server.url, "clerk_a", PASSWORD)
    page.goto(f"{live_server.url}/intake/batches/{batch.pk}/")
    assert page.locator("progress").get_attribute("value") == "40"
    progress.reporter(batch.pk)(60, "检查跨行规则")
    page.wait_for_selector("text=检查跨行规则", timeout=5000)  # the poll brought the new figure
    screenshot(page, "intake-batch-progress")

    services.validate_batch(ImportBatch.objects.get(pk=batch.pk))
    page.wait_for_selector("text=入库预览", timeout=5000)  # the page reloaded itself
    assert page.locator("progress").count() == 0
    assert not errors, errors


def test_admin_filters_the_submissions_on_the_intake_home(world: World, live_server, browser_page) -> None:
    page, errors = browser_page
    for persona, code, grade in [
        ("clerk_a", "2164010501", "一年级"),
        ("principal_b", "2164010502", "七年级"),
    ]:
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "班级"
        ws.append(["学校标识码", "年级", "班号", "班额"])
        ws.append([code, grade, 1, 40])
        buffer = io.BytesIO()
        book.save(buffer)
        user = world.users[persona]
        batch = services.create_batch(user, "classes", world.year, [("班级.xlsx", buffer.getvalue())])
        services.validate_batch(batch)
        services.commit_batch(batch, user)
    services.submit(Submission.objects.get(school=world.school_b), world.users["principal_b"])

    sign_in(page, live_server.url, "admin", PASSWORD)
    page.goto(f"{live_server.url}/intake/")
    results = page.locator("#results table.data tbody tr")
    assert results.count() == 2
    screenshot(page, "intake-district-home")
    with page.expect_response(lambda r: "/intake/submissions/?" in r.url):
        page.select_option("#results >> xpath=.. >> select[name=status]", "submitted")
    page.wait_for_function("document.querySelectorAll('#results table.data tbody tr').length === 1")
    assert page.url.endswith("/intake/")  # the home page stays where it is
    assert "测试第二中学" in results.first.inner_text()
    assert "status=submitted" in page.locator("#results a:has-text('导出 Excel')").get_attribute("href")
    assert not errors, errors
