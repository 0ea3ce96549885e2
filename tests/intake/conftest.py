"""Helpers of the intake tests: spreadsheets built row by row, and one call that runs a batch."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest

from tests.conftest import World
from tisheng.census.models import SchoolClass
from tisheng.core.choices import Grade
from tisheng.core.models import User
from tisheng.intake import services
from tisheng.intake.models import ImportBatch

CLASS_HEADER = ["学校标识码", "年级", "班号", "班额"]
STUDENT_HEADER = ["学校标识码", "学籍号", "姓名", "性别", "出生日期", "身份证号", "年级", "班号", "户籍"]


def xlsx(sheet: str, header: list[Any], rows: list[list[Any]], merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def student(
    number: str, name: str, grade: str = "一年级", cls: int = 1, born: Any = "2019-03-01", **extra: Any
) -> list[Any]:
    row = ["2164010501", number, name, "男", born, "", grade, cls, "本区"]
    for key, value in extra.items():
        row[STUDENT_HEADER.index(key)] = value
    return row


@pytest.fixture
def run_batch(world: World, settings: Any) -> Callable[..., ImportBatch]:
    """``run_batch("classes", [("班级.xlsx", data)], user="clerk_a", commit=True)`` → the batch after
    validation (and commit, when asked and valid)."""
    settings.TASKS_INLINE = True

    def run(
        dataset: str, files: list[tuple[str, bytes]], user: str = "clerk_a", commit: bool = False
    ) -> ImportBatch:
        actor: User = world.users[user]
        batch = services.create_batch(actor, dataset, world.year, files)
        services.validate_batch(batch)
        batch.refresh_from_db()
        if commit and batch.status == "ready":
            services.commit_batch(batch, actor)
            batch.refresh_from_db()
        return batch

    return run


@pytest.fixture
def classes_2025(world: World) -> list[SchoolClass]:
    """School A, 2025: 一年级 1 班 (2 students) and 2 班 (1 student) — sizes for the student tests."""
    section = world.school_a.sections.get()
    return [
        SchoolClass.objects.create(
            academic_year=world.year, section=section, grade=Grade.P1, number=1, student_count=2
        ),
        SchoolClass.objects.create(
            academic_year=world.year, section=section, grade=Grade.P1, number=2, student_count=1
        ),
    ]


TODAY = dt.date.today()
