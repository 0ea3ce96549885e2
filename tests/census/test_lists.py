"""The register lists: the rows each persona sees, the filters (school, year or date range, kind, level,
evidence), the Excel export with the page's Chinese headers, the HTMX partial; the record's history."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.census.conftest import PDF, Register, upload_file
from tests.conftest import World
from tisheng.census.choices import ActivityKind, Level, RecognitionKind
from tisheng.census.models import Activity, Recognition
from tisheng.core import evidence


def text_of(response: Any) -> str:
    return response.content.decode()


def rows_of(response: Any) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def more(world: World, register: Register) -> dict[str, Any]:
    """More of school A: a 2021 district recognition and a 2024 activity (an earlier 学年)."""
    old = Recognition.objects.create(
        kind=RecognitionKind.LABOUR_COURSE,
        level=Level.DISTRICT,
        year=2021,
        school=world.school_a,
        title="田园劳动",
    )
    earlier = Activity.objects.create(
        kind=ActivityKind.HOME_VISIT, date=dt.date(2024, 12, 1), school=world.school_a, title="寒假家访"
    )
    return {"old": old, "earlier": earlier}


def listed(client: Client, url_name: str, query: str = "") -> str:
    """The results table (the HTMX partial: not the filter form, whose choices would match too)."""
    response = client.get(reverse(url_name) + query, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return text_of(response)


def test_each_school_sees_only_its_own_records(
    client_for: Callable[[str], Client], register: Register
) -> None:
    page = listed(client_for("principal_b"), "census:recognition-list")
    assert "测试第二中学" in page and "测试第一小学" not in page
    page = listed(client_for("clerk_a"), "census:activity-list")
    assert "一年级家长会" in page and "示范课" not in page  # the researcher's activity is the district's
    page = listed(client_for("dept_user"), "census:activity-list")
    assert "一年级家长会" in page and "示范课" in page


def test_recognition_filters(
    client_for: Callable[[str], Client], register: Register, more: dict[str, Any], world: World
) -> None:
    client = client_for("leader")
    page = listed(client, "census:recognition-list", f"?school={world.school_b.pk}")
    assert "测试第二中学" in page and "测试第一小学" not in page
    page = listed(client, "census:recognition-list", "?year_min=2022&year_max=2024")
    assert "文明校园" in page and "德育示范校" in page and "田园劳动" not in page
    page = listed(client, "census:recognition-list", f"?kind={RecognitionKind.LABOUR_COURSE}")
    assert "田园劳动" in page and "文明校园" not in page
    page = listed(client, "census:recognition-list", f"?level={Level.CITY}")
    assert "德育示范校" in page and "文明校园" not in page
    page = listed(client, "census:recognition-list", "?evidence=no")
    assert "文明校园" not in page and "德育示范校" in page
    page = listed(client, "census:recognition-list", "?evidence=yes")
    assert "文明校园" in page and "德育示范校" not in page
    page = listed(client, "census:recognition-list", "?q=田园")
    assert "田园劳动" in page and "文明校园" not in page


def test_a_school_cannot_filter_by_another_school(
    client_for: Callable[[str], Client], register: Register, world: World
) -> None:
    page = listed(client_for("principal_b"), "census:recognition-list", f"?school={world.school_a.pk}")
    assert "测试第一小学" not in page
    assert "errors" in page  # the choice is invalid, as if it did not exist


def test_activity_filters(
    client_for: Callable[[str], Client], register: Register, more: dict[str, Any], world: World
) -> None:
    client = client_for("admin")
    page = listed(client, "census:activity-list", f"?academic_year={world.year.pk}")
    assert "一年级家长会" in page and "示范课" in page and "寒假家访" not in page
    page = listed(client, "census:activity-list", "?date_after=2024-11-01&date_before=2024-12-31")
    assert "寒假家访" in page and "一年级家长会" not in page
    page = listed(client, "census:activity-list", f"?kind={ActivityKind.PARENT_MEETING}")
    assert "一年级家长会" in page and "寒假家访" not in page
    page = listed(client, "census:activity-list", f"?school={world.school_a.pk}")
    assert "示范课" not in page and "寒假家访" in page


def test_the_export_has_the_pages_columns_in_chinese(
    client_for: Callable[[str], Client], register: Register, more: dict[str, Any]
) -> None:
    response = client_for("dept_user").get(reverse("census:recognition-list") + "?format=xlsx&sort=year")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header == ["年份", "学校", "学校标识码", "类型", "级别", "名称", "认定单位", "证明材料"]
    assert rows == [
        [2021, "测试第一小学", "2164010501", "劳动教育精品课", "区级", "田园劳动", None, 0],
        [2023, "测试第二中学", "2164010502", "德育示范校", "市级", None, None, 0],
        [2024, "测试第一小学", "2164010501", "文明校园", "自治区级", None, "宁夏回族自治区教育厅", 1],
    ]


def test_the_activity_export_follows_the_filters(
    client_for: Callable[[str], Client], register: Register, more: dict[str, Any]
) -> None:
    response = client_for("principal_a").get(reverse("census:activity-list") + "?format=xlsx&sort=date")
    header, *rows = rows_of(response)
    assert header == ["日期", "类型", "名称", "学校", "人员", "参加人数", "证明材料"]
    assert [row[2] for row in rows] == ["寒假家访", "一年级家长会"]  # school A only, by date
    assert rows[1][0] == dt.datetime(2025, 10, 10) and rows[1][5] == 80


def test_htmx_gets_only_the_table(client_for: Callable[[str], Client], register: Register) -> None:
    response = client_for("admin").get(reverse("census:recognition-list"), headers={"HX-Request": "true"})
    page = text_of(response)
    assert "<table" in page and "<html" not in page
    assert reverse("census:recognition", args=[register.recognition_a.pk]) in page


def test_the_evidence_count_is_shown_and_sortable(
    client_for: Callable[[str], Client], register: Register, world: World
) -> None:
    evidence.attach(world.users["admin"], register.recognition_b, [upload_file("1.pdf", PDF + b"1")])
    evidence.attach(world.users["admin"], register.recognition_b, [upload_file("2.pdf", PDF + b"2")])
    response = client_for("admin").get(
        reverse("census:recognition-list") + "?format=xlsx&sort=-evidence_count"
    )
    _header, *rows = rows_of(response)
    assert [(row[1], row[-1]) for row in rows] == [("测试第二中学", 2), ("测试第一小学", 1)]


def test_the_detail_page_shows_the_record(client_for: Callable[[str], Client], register: Register) -> None:
    page = text_of(client_for("clerk_a").get(reverse("census:activity", args=[register.activity_a.pk])))
    for text in ("一年级家长会", "家长会", "2025-10-10", "参加人数", "80", "测试第一小学（2164010501）"):
        assert text in page, text
    assert "每个文件不超过 20 MB" in page
    assert reverse("census:activity-list") in page


def test_the_history_page_is_the_records_audit_trail(
    client_for: Callable[[str], Client], register: Register
) -> None:
    recognition = register.recognition_a
    recognition.issuer = "银川市教育局"
    recognition.save()
    detail = text_of(client_for("leader").get(reverse("census:recognition", args=[recognition.pk])))
    history_url = reverse("census:recognition-history", args=[recognition.pk])
    assert f'{history_url}">变更记录（2）' in detail
    page = text_of(client_for("leader").get(history_url))
    assert "共 2 次变更" in page
    assert "认定单位" in page and "宁夏回族自治区教育厅" in page and "银川市教育局" in page
    assert reverse("census:recognition", args=[recognition.pk]) in page
