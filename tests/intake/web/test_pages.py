"""What the home pages and the lists show, and their export to Excel."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.intake.web.conftest import text_of
from tisheng.intake import services
from tisheng.intake.models import ImportBatch, Submission


def classes_file(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "班级"
    ws.append(["学校标识码", "年级", "班号", "班额"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def committed(world: World, persona: str, code: str, grade: str) -> ImportBatch:
    user = world.users[persona]
    batch = services.create_batch(
        user, "classes", world.year, [("班级.xlsx", classes_file([[code, grade, 1, 40]]))]
    )
    services.validate_batch(batch)
    services.commit_batch(batch, user)
    batch.refresh_from_db()
    return batch


@pytest.fixture
def two_schools(world: World) -> tuple[Submission, Submission]:
    committed(world, "clerk_a", "2164010501", "一年级")
    committed(world, "principal_b", "2164010502", "七年级")
    a = Submission.objects.get(school=world.school_a)
    b = Submission.objects.get(school=world.school_b)
    services.submit(b, world.users["principal_b"])
    return a, b


def signed_in(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_school_home_lists_the_school_data_sets(world: World, two_schools) -> None:
    page = text_of(signed_in(world, "clerk_a").get(reverse("intake:home")))
    assert "测试第一小学" in page and "班级表" in page and "学生名册" in page
    assert "出生人口" not in page  # a district data set: not the school's to upload
    assert reverse("intake:template", args=["classes"]) in page
    assert f"{reverse('intake:upload')}?dataset=classes" in page
    assert 'class="badge grey"' in page  # draft
    assert "测试第二中学" not in page


def test_district_home_shows_the_review_queue_progress_and_upload(world: World, two_schools) -> None:
    a, b = two_schools
    page = text_of(signed_in(world, "admin").get(reverse("intake:home")))
    queue = page[page.index("待审核") : page.index("本学年各数据集的填报进度")]
    assert b.get_absolute_url() in queue and a.get_absolute_url() not in queue
    assert 'id="upload-form"' in page and 'enctype="multipart/form-data"' in page and "multiple" in page
    assert f"{reverse('intake:submission-list')}?format=xlsx" in page
    progress = page[page.index("本学年各数据集的填报进度") :]
    assert "班级表" in progress


def test_submission_list_filters_and_exports(world: World, two_schools) -> None:
    a, b = two_schools
    client = signed_in(world, "inspector")
    page = text_of(client.get(reverse("intake:submission-list"), {"status": "submitted"}))
    assert b.get_absolute_url() in page and a.get_absolute_url() not in page
    assert "status=submitted" in page and "format=xlsx" in page

    partial = text_of(
        client.get(reverse("intake:submission-list"), {"status": "submitted"}, headers={"HX-Request": "true"})
    )
    assert "<html" not in partial and b.get_absolute_url() in partial

    rows = sheet_rows(
        client.get(reverse("intake:submission-list"), {"format": "xlsx", "sort": "school_code"})
    )
    assert rows[0][:5] == ("学校", "学校标识码", "数据集", "学年", "状态")
    assert [r[1] for r in rows[1:]] == ["2164010501", "2164010502"]
    assert rows[1][2] == "班级表"
    assert "<span" not in str(rows[1][4])  # the badge is exported as its text

    rows = sheet_rows(
        client.get(reverse("intake:submission-list"), {"format": "xlsx", "status": "submitted"})
    )
    assert [r[1] for r in rows[1:]] == ["2164010502"]


def test_batch_list_filters_and_exports(world: World, two_schools) -> None:
    client = signed_in(world, "admin")
    rows = sheet_rows(client.get(reverse("intake:batch-list"), {"format": "xlsx"}))
    assert rows[0][:5] == ("批次", "数据集", "学年", "学校", "状态")
    assert {r[3] for r in rows[1:]} == {"测试第一小学", "测试第二中学"}
    assert all(r[8] == 1 and r[9] == 1 for r in rows[1:])  # one row read, one added

    school_b = world.school_b.pk
    rows = sheet_rows(client.get(reverse("intake:batch-list"), {"format": "xlsx", "school": school_b}))
    assert [r[3] for r in rows[1:]] == ["测试第二中学"]

    rows = sheet_rows(signed_in(world, "principal_a").get(reverse("intake:batch-list"), {"format": "xlsx"}))
    assert [r[3] for r in rows[1:]] == ["测试第一小学"]  # a school exports only its own


def test_batch_list_naming_another_school_is_an_invalid_filter(world: World, two_schools) -> None:
    page = text_of(
        signed_in(world, "principal_a").get(reverse("intake:batch-list"), {"school": world.school_b.pk})
    )
    assert "测试第二中学" not in page.split("<table")[1]


def test_template_download_is_named_after_the_data_set(world: World) -> None:
    response = signed_in(world, "principal_a").get(reverse("intake:template", args=["classes"]))
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "2164010501" in response["Content-Disposition"]
    response = signed_in(world, "admin").get(reverse("intake:template", args=["classes"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["班级"]["A2"].value is None  # no school to prefill for the district
