"""The school's way through the pages, end to end: template → fill → upload → preview → commit → submit
→ approve → locked → reopen; and what a bad file, a running batch and a refused rollback look like."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.urls import reverse

from tests.conftest import World
from tests.intake.web.conftest import text_of, upload
from tisheng.census.models import SchoolClass
from tisheng.core.models import ChangeRecord
from tisheng.intake import progress, services
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.models import ImportBatch, Submission


def classes_file(rows: list[list[Any]]) -> bytes:
    """A classes workbook built row by row, as a clerk would type it."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "班级"
    ws.append(["学校标识码", "年级", "班号", "班额"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def latest_batch() -> ImportBatch:
    return ImportBatch.objects.order_by("-id").first()  # type: ignore[return-value]


def test_full_school_flow(world: World, client_for) -> None:
    principal, admin = client_for("principal_a"), client_for("admin")

    # 1. the template, with the school's code already in A2
    response = principal.get(reverse("intake:template", args=["classes"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["班级"]
    assert sheet["A2"].value == "2164010501"

    # 2. fill two rows, row by row
    sheet["B2"] = "一年级"
    sheet["C2"] = 1
    sheet["D2"] = 40
    sheet["A3"] = "2164010501"
    sheet["B3"] = "一年级"
    sheet["C3"] = 2
    sheet["D3"] = 41
    buffer = io.BytesIO()
    book.save(buffer)

    # 3. upload: validated inline, then the batch page with the preview
    response = upload(principal, "classes", [("班级.xlsx", buffer.getvalue())])
    batch = latest_batch()
    assert response.status_code == 302 and response["Location"] == reverse("intake:batch", args=[batch.pk])
    assert batch.status == BatchStatus.READY, batch.issues
    page = text_of(principal.get(response["Location"]))
    assert "入库预览" in page and "确认入库" in page and "放弃" in page
    assert "一年级" in page  # the preview shows the label typed, not the stored code
    assert not SchoolClass.objects.exists()

    # 4. commit
    response = principal.post(reverse("intake:batch-commit", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert sorted(SchoolClass.objects.values_list("number", "student_count")) == [(1, 40), (2, 41)]
    submission = Submission.objects.get(school=world.school_a, dataset="classes", academic_year=world.year)
    page = text_of(principal.get(reverse("intake:batch", args=[batch.pk])))
    assert submission.get_absolute_url() in page and "回滚" not in page

    # 5. the home page offers submitting; submit
    home = text_of(principal.get(reverse("intake:home")))
    assert reverse("intake:submission-submit", args=[submission.pk]) in home
    response = principal.post(reverse("intake:submission-submit", args=[submission.pk]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED

    # 6. the administrator sees it in the review queue and approves
    assert submission.get_absolute_url() in text_of(admin.get(reverse("intake:home")))
    response = admin.post(reverse("intake:submission-approve", args=[submission.pk]), {"comment": "数据无误"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED and submission.reviewed_by == world.users["admin"]

    # 7. a second upload for the same school, year and data set is refused with the lock message
    upload(principal, "classes", [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 44]]))])
    second = latest_batch()
    assert second.pk != batch.pk and second.status == BatchStatus.INVALID
    page = text_of(principal.get(reverse("intake:batch", args=[second.pk])))
    assert "已审核通过并锁定，不能再导入" in page
    assert reverse("intake:batch-commit", args=[second.pk]) not in page
    assert SchoolClass.objects.get(number=1).student_count == 40

    # 8. the administrator reopens with a reason; the reason is in the submission's history
    reason = "班额统计有误，需更正"
    response = admin.post(reverse("intake:submission-reopen", args=[submission.pk]), {"reason": reason})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    page = text_of(principal.get(submission.get_absolute_url()))
    assert f"重新开放：{reason}" in page
    history = page[page.index("审核记录") :]
    assert history.index("数据无误") < history.index(reason)  # the history reads oldest first


def test_bad_file_shows_the_issues_with_row_and_column(world: World, client_for) -> None:
    principal = client_for("principal_a")
    rows = [["2164010501", "一年级", 1, 40], ["2164010501", "一年级", 2, "四十一人"]]
    response = upload(principal, "classes", [("班级.xlsx", classes_file(rows))])
    batch = latest_batch()
    assert batch.status == BatchStatus.INVALID
    page = text_of(principal.get(response["Location"]))
    assert "文件有错误，没有写入任何数据" in page
    assert "第 3 行" in page and "D 列（班额）" in page
    assert "四十一人" in page and "请只填写数字" in page
    assert reverse("intake:batch-commit", args=[batch.pk]) not in page
    assert reverse("intake:batch-issues", args=[batch.pk]) in page

    export = principal.get(reverse("intake:batch-issues", args=[batch.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows_out = list(sheet.iter_rows(values_only=True))
    assert rows_out[0] == ("类型", "文件", "工作表", "行", "列", "表头", "值", "问题", "怎么办")
    assert rows_out[1][1:7] == ("班级.xlsx", "班级", 3, "D", "班额", "四十一人")


def test_errors_come_before_warnings(world: World, client_for) -> None:
    principal = client_for("principal_a")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "班级"
    ws.append(["学校标识码", "年级", "班号", "班额", "备注"])  # 备注 is not a column: a warning
    ws.append(["2164010501", "一年级", 1, "很多", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload(principal, "classes", [("班级.xlsx", buffer.getvalue())])
    page = text_of(principal.get(reverse("intake:batch", args=[latest_batch().pk])))
    assert page.index("很多") < page.index("未识别的列“备注”")


def test_progress_partial_reads_the_cache_while_validating(world: World, client_for) -> None:
    batch = services.create_batch(
        world.users["clerk_a"],
        "classes",
        world.year,
        [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))],
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.VALIDATING)
    progress.reporter(batch.pk)(40, "检查重复与权限")
    client = client_for("principal_a")
    url = reverse("intake:batch-progress", args=[batch.pk])

    response = client.get(url, headers={"HX-Request": "true"})
    body = text_of(response)
    assert response.status_code == 200
    assert 'value="40"' in body and "检查重复与权限" in body
    assert 'hx-trigger="every 1s"' in body and "HX-Refresh" not in response

    page = text_of(client.get(reverse("intake:batch", args=[batch.pk])))  # a reload mid-way
    assert "<progress" in page and 'hx-trigger="every 1s"' in page and "入库预览" not in page

    services.validate_batch(ImportBatch.objects.get(pk=batch.pk))  # the work ends
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in text_of(response)
    assert "入库预览" in text_of(client.get(reverse("intake:batch", args=[batch.pk])))


def test_a_queued_commit_shows_as_running(world: World, client_for) -> None:
    batch = services.create_batch(
        world.users["clerk_a"],
        "classes",
        world.year,
        [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))],
    )
    services.validate_batch(batch)
    progress.reporter(batch.pk)(0, "排队等待入库")  # what the commit button leaves until the worker starts
    client = client_for("clerk_a")
    page = text_of(client.get(reverse("intake:batch", args=[batch.pk])))
    assert "排队等待入库" in page and reverse("intake:batch-commit", args=[batch.pk]) not in page
    response = client.post(reverse("intake:batch-commit", args=[batch.pk]))
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.READY  # not committed twice


def committed_batch(world: World, client_for) -> ImportBatch:
    upload(client_for("clerk_a"), "classes", [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))])
    batch = latest_batch()
    client_for("clerk_a").post(reverse("intake:batch-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    return batch


def test_rollback_needs_confirmation_and_then_undoes_the_batch(world: World, client_for) -> None:
    batch = committed_batch(world, client_for)
    admin = client_for("admin")
    page = text_of(admin.get(reverse("intake:batch", args=[batch.pk])))
    assert "我确认回滚这个批次" in page

    response = admin.post(reverse("intake:batch-rollback", args=[batch.pk]), follow=True)
    assert "请勾选" in text_of(response)
    assert SchoolClass.objects.count() == 1

    undone = ChangeRecord.objects.filter(batch_id=batch.pk).count()
    response = admin.post(reverse("intake:batch-rollback", args=[batch.pk]), {"confirm": "yes"}, follow=True)
    assert f"已回滚，撤销了 {undone} 项变更" in text_of(response)
    assert not SchoolClass.objects.exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.ROLLED_BACK


def test_a_refused_rollback_says_why(world: World, client_for) -> None:
    batch = committed_batch(world, client_for)
    submission = Submission.objects.get(school=world.school_a, dataset="classes")
    services.submit(submission, world.users["clerk_a"])
    response = client_for("admin").post(
        reverse("intake:batch-rollback", args=[batch.pk]), {"confirm": "yes"}, follow=True
    )
    assert "不能回滚：该数据已提交审核或已锁定" in text_of(response)
    assert SchoolClass.objects.count() == 1


def test_school_users_cannot_roll_back(world: World, client_for) -> None:
    batch = committed_batch(world, client_for)
    response = client_for("principal_a").post(
        reverse("intake:batch-rollback", args=[batch.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 403
    assert SchoolClass.objects.count() == 1


def test_discard(world: World, client_for) -> None:
    clerk = client_for("clerk_a")
    upload(clerk, "classes", [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))])
    batch = latest_batch()
    response = clerk.post(reverse("intake:batch-discard", args=[batch.pk]), follow=True)
    assert "已放弃这个批次" in text_of(response)
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.DISCARDED
    response = clerk.post(reverse("intake:batch-commit", args=[batch.pk]), follow=True)
    assert "不能确认入库" in text_of(response)
    assert not SchoolClass.objects.exists()


def test_check_only_upload_previews_but_cannot_commit(world: World, client_for) -> None:
    clerk = client_for("clerk_a")
    upload(clerk, "classes", [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))], dry_run="on")
    batch = latest_batch()
    assert batch.dry_run and batch.status == BatchStatus.READY
    page = text_of(clerk.get(reverse("intake:batch", args=[batch.pk])))
    assert "入库预览" in page and "只检查不入库" in page
    assert reverse("intake:batch-commit", args=[batch.pk]) not in page
    response = clerk.post(reverse("intake:batch-commit", args=[batch.pk]), follow=True)
    assert "只检查不入库" in text_of(response)
    assert not SchoolClass.objects.exists()


def test_the_preview_marks_changed_fields(world: World, client_for) -> None:
    committed_batch(world, client_for)
    clerk = client_for("clerk_a")
    upload(clerk, "classes", [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 44]]))])
    page = text_of(clerk.get(reverse("intake:batch", args=[latest_batch().pk])))
    assert "<del>40</del> → <mark>44</mark>" in page


def test_upload_form_errors_are_in_chinese(world: World, client_for, monkeypatch) -> None:
    clerk = client_for("clerk_a")
    response = clerk.post(reverse("intake:upload"), {"dataset": "classes", "academic_year": world.year.pk})
    assert response.status_code == 400 and "请选择要上传的文件" in text_of(response)

    response = upload(clerk, "classes", [("班级.docx", b"not a spreadsheet")])
    assert response.status_code == 400 and "类型“.docx”不支持" in text_of(response)

    monkeypatch.setattr(services, "MAX_FILE_BYTES", 1024)
    response = upload(clerk, "classes", [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))])
    assert response.status_code == 400
    assert "超过 1.0\xa0KB 的上限，请拆分后分批上传" in text_of(response)
    assert not ImportBatch.objects.exists()

    response = upload(clerk, "classes", [("班级.xlsx", b"x")], academic_year="")
    assert response.status_code == 400 and "请选择数据所属的学年" in text_of(response)


def test_school_users_are_offered_only_school_data_sets(world: World, client_for) -> None:
    page = text_of(client_for("clerk_a").get(reverse("intake:upload")))
    assert 'value="classes"' in page and 'value="births"' not in page
    response = upload(client_for("clerk_a"), "births", [("出生.xlsx", b"x")])
    assert response.status_code == 400 and "请从列表中选择您可以上传的数据集" in text_of(response)
    assert not ImportBatch.objects.exists()
    assert 'value="births"' in text_of(client_for("admin").get(reverse("intake:upload")))


def test_admin_may_upload_a_file_for_several_schools(world: World, client_for) -> None:
    rows = [["2164010501", "一年级", 1, 40], ["2164010503", "七年级", 1, 45]]
    upload(client_for("admin"), "classes", [("全区班级.xlsx", classes_file(rows))])
    batch = latest_batch()
    assert batch.school is None and batch.status == BatchStatus.READY, batch.issues
    client_for("admin").post(reverse("intake:batch-commit", args=[batch.pk]))
    assert Submission.objects.filter(dataset="classes").count() == 2
    page = text_of(client_for("admin").get(reverse("intake:batch", args=[batch.pk])))
    assert "查看各校的填报" in page


def test_return_without_a_comment_is_refused_with_the_reason(world: World, client_for) -> None:
    committed_batch(world, client_for)
    submission = Submission.objects.get(school=world.school_a, dataset="classes")
    services.submit(submission, world.users["clerk_a"])
    response = client_for("admin").post(
        reverse("intake:submission-return", args=[submission.pk]), {"comment": " "}
    )
    assert response.status_code == 400 and "退回时请写明需要更正的内容" in text_of(response)
    response = client_for("admin").post(
        reverse("intake:submission-return", args=[submission.pk]), {"comment": "二班班额有误"}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED and submission.comment == "二班班额有误"
    assert "二班班额有误" in text_of(client_for("clerk_a").get(reverse("intake:home")))


def test_reopen_needs_a_reason(world: World, client_for) -> None:
    committed_batch(world, client_for)
    submission = Submission.objects.get(school=world.school_a, dataset="classes")
    services.submit(submission, world.users["clerk_a"])
    services.approve(submission, world.users["admin"])
    response = client_for("admin").post(
        reverse("intake:submission-reopen", args=[submission.pk]), {"reason": "改"}
    )
    assert response.status_code == 400 and "至少 4 个字" in text_of(response)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.APPROVED


def test_submitting_twice_is_refused_in_chinese(world: World, client_for) -> None:
    committed_batch(world, client_for)
    submission = Submission.objects.get(school=world.school_a, dataset="classes")
    client = client_for("clerk_a")
    assert client.post(reverse("intake:submission-submit", args=[submission.pk])).status_code == 302
    response = client.post(reverse("intake:submission-submit", args=[submission.pk]))
    assert response.status_code == 400 and "不能提交" in text_of(response)
