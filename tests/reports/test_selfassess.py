"""The 优质均衡 self-assessment workbook (reports/selfassess.py): each school section's 7 indicators beside
their standards with the verdict, the 差异系数 sheet, the notes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.reports.conftest import SCHOOL_A, SCHOOL_B, SCHOOL_B_MET, Documents
from tisheng.reports.selfassess import SHEETS, build_selfassessment

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2025, 11, 20, 9, 30))


def workbook(documents: Documents):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(build_selfassessment(2025, now=NOW)))


def test_sheets_headers_and_frozen_rows(documents: Documents) -> None:
    book = workbook(documents)
    assert book.sheetnames == list(SHEETS)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
    header = [c.value for c in book[SHEETS[0]][1]]
    assert header[:3] == ["学校代码", "学校名称", "学段"]
    assert header[3] == "L1 每百名学生拥有高于规定学历教师数（人/百名学生）"
    assert header[4] == "L1标准（小学≥4.2／初中≥5.3）"
    assert header[-3:] == ["达标项数", "未达标项最低达到标准的比例", "判定"]
    assert book[SHEETS[0]].column_dimensions["B"].width == 26


def test_each_section_with_its_values_marks_and_verdict(documents: Documents) -> None:
    sheet = workbook(documents)[SHEETS[0]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("2164010501", "测试第一小学", "小学"),
        ("2164010502", "测试第二中学", "初中"),
    ]
    a, b = rows
    assert [a[3 + 3 * i] for i in range(7)] == [float(v) if "." in v else int(v) for v in SCHOOL_A]
    assert [a[5 + 3 * i] for i in range(7)] == ["✓"] * 7
    assert a[-3:] == [7, None, "达标"]
    assert [b[5 + 3 * i] for i in range(7)] == ["✓" if met else "✗" for met in SCHOOL_B_MET]
    assert [b[4 + 3 * i] for i in range(7)] == [5.3, 1, 0.9, 5.8, 10.2, 2500, 2.4]
    assert b[3 + 3 * 1] == float(SCHOOL_B[1])
    # L2 0.50 of 1 is the weakest unmet (L4 5.00 of 5.8 reaches 86.2%)
    assert b[-3:] == [5, pytest.approx(0.5), "未达标"]
    assert sheet.cell(2, 4).number_format == "#,##0.00"
    assert sheet.cell(2, 3 + 3 * 5 + 1).number_format == "#,##0"  # L6 元/生 without decimals


def test_coefficient_sheet(documents: Documents) -> None:
    sheet = workbook(documents)[SHEETS[1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=15)]
    assert len(rows) == 14
    assert rows[1] == ["小学", "每百名学生拥有县级以上骨干教师数", 0.62, 0.5, "未达标"]
    assert rows[7] == ["初中", "每百名学生拥有高于规定学历教师数", 0.2, 0.45, "达标"]
    verdict = next([c.value for c in row] for row in sheet.iter_rows(min_row=17, max_row=17))
    assert verdict[0] == "区县判定" and verdict[2:] == [2, 0, "未达标"]


def test_notes_sheet(documents: Documents) -> None:
    sheet = workbook(documents)[SHEETS[2]]
    notes = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert notes["统计时点"] == "2025年9月1日"
    assert notes["生成时间"] == "2025-11-20 09:30"
    assert notes["学年"].startswith("2025学年")
    assert "至少6项" in notes["学校判定规则"] and "85%" in notes["学校判定规则"]
    assert any(key.startswith("口径：生均教学及辅助用房面积") for key in notes)
    assert any(key.startswith("未核实：") for key in notes)
