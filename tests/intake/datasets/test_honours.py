"""教师荣誉: a per-school register without a 学年 (the year is a column)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, warning_at, xlsx
from tisheng.census.models import Honour, Teacher
from tisheng.intake.choices import BatchStatus
from tisheng.intake.models import Submission

HEADER = ["学校标识码", "教职工号", "姓名", "荣誉称号", "级别", "授予年份"]
A = "2164010501"


@pytest.fixture
def staff(world: World) -> dict[str, Teacher]:
    def teacher(number: str, name: str, school: object) -> Teacher:
        return Teacher.objects.create(
            staff_number=number, name=name, sex="F", birth_date=dt.date(1985, 1, 1), school=school
        )

    return {
        "T001": teacher("T001", "王丽", world.school_a),
        "T002": teacher("T002", "李强", world.school_a),
        "T101": teacher("T101", "周敏", world.school_b),
    }


def register() -> bytes:
    return xlsx(
        "教师荣誉",
        HEADER,
        [
            [A, "T001", "王丽", "名师", "市级", 2024],
            [A, "T001", "王丽", "名班主任", "区级", 2023],
            [A, "T002", None, "名校长", "自治区级", 2022],
        ],
    )


def test_valid_file_writes_honours_without_a_school_year(
    world: World, staff: dict[str, Teacher], run: Runner
) -> None:
    batch = run("clerk_a", "honours", register())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert batch.academic_year is None
    assert counts(batch) == (3, 0, 0, 0)
    found = set(Honour.objects.values_list("teacher__staff_number", "kind", "level", "year", "batch_id"))
    assert found == {
        ("T001", "famous_teacher", "city", 2024, batch.pk),
        ("T001", "famous_headteacher", "district", 2023, batch.pk),
        ("T002", "famous_principal", "region", 2022, batch.pk),
    }
    assert audited(batch) == {"honour": {"create": 3}}
    assert not Submission.objects.exists()  # no 学年, so nothing to submit for review


def test_reupload_changes_nothing(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    run("clerk_a", "honours", register())
    again = run("clerk_a", "honours", register())

    assert counts(again) == (0, 0, 0, 3)
    assert audited(again) == {}


def test_changed_level_and_removed_row(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    run("clerk_a", "honours", register())
    Honour.objects.create(teacher=staff["T101"], kind="famous_teacher", level="district", year=2020)
    changed = xlsx(
        "教师荣誉",
        HEADER,
        [
            [A, "T001", "王丽", "名师", "自治区级", 2024],
            [A, "T002", None, "名校长", "自治区级", 2022],
        ],
    )
    batch = run("clerk_a", "honours", changed)

    # every column is part of the identity: a new level is a new honour, and the old one goes
    assert counts(batch) == (1, 0, 2, 1)
    assert set(Honour.objects.values_list("teacher__staff_number", "level", "year")) == {
        ("T001", "region", 2024),
        ("T002", "region", 2022),
        ("T101", "district", 2020),  # another school's honour is out of scope
    }
    assert audited(batch) == {"honour": {"create": 1, "delete": 2}}


def test_wrong_rows_are_named_and_nothing_is_written(
    world: World, staff: dict[str, Teacher], run: Runner
) -> None:
    wrong = xlsx(
        "教师荣誉",
        HEADER,
        [
            [A, "T001", "王丽", "名师", "市级", 2024],
            [A, "T001", "王丽", "优秀教师", "市级", 2024],
            [A, "T002", "李强", "名师", "市级", "二〇二四"],
        ],
    )
    batch = run("clerk_a", "honours", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不是可选的值" in error_at(batch, 3, "D")["message"]
    assert "整数" in error_at(batch, 4, "F")["message"]
    assert not Honour.objects.exists()


def test_staff_number_must_be_a_teacher_of_this_school(
    world: World, staff: dict[str, Teacher], run: Runner
) -> None:
    wrong = xlsx(
        "教师荣誉",
        HEADER,
        [
            [A, "T999", None, "名师", "市级", 2024],
            [A, "T101", "周敏", "名师", "市级", 2024],
            [A, "T002", "李刚", "名师", "市级", 2024],
        ],
    )
    batch = run("clerk_a", "honours", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "找不到教职工号" in error_at(batch, 2, "B")["message"]
    assert "测试第二中学" in error_at(batch, 3, "B")["message"]
    assert "李强" in warning_at(batch, 4, "C")["message"]
    assert not Honour.objects.exists()


def test_year_not_in_the_future(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    batch = run("clerk_a", "honours", xlsx("教师荣誉", HEADER, [[A, "T002", "李强", "名师", "区级", 2099]]))

    assert batch.status == BatchStatus.INVALID
    assert "还没有到" in error_at(batch, 2, "F")["message"]
