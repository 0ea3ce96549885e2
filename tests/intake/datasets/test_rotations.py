"""交流轮岗: uploaded by the sending school, no 学年."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, xlsx
from tisheng.census.models import Rotation, Teacher
from tisheng.intake.choices import BatchStatus

HEADER = ["学校标识码", "教职工号", "姓名", "调入学校标识码", "开始日期", "结束日期"]
A, B, C = "2164010501", "2164010502", "2164010503"


@pytest.fixture
def staff(world: World) -> dict[str, Teacher]:
    def teacher(number: str, name: str, school: object) -> Teacher:
        return Teacher.objects.create(
            staff_number=number, name=name, sex="M", birth_date=dt.date(1980, 1, 1), school=school
        )

    return {
        "T001": teacher("T001", "王丽", world.school_a),
        "T002": teacher("T002", "李强", world.school_a),
        "T101": teacher("T101", "周敏", world.school_b),
    }


def rotations() -> bytes:
    return xlsx(
        "交流轮岗",
        HEADER,
        [
            [A, "T001", "王丽", B, "2024-09-01", "2027-07-15"],
            [A, "T002", None, C, dt.date(2025, 2, 20), None],
        ],
    )


def test_valid_file_writes_rotations(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    batch = run("clerk_a", "rotations", rotations())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (2, 0, 0, 0)
    first = Rotation.objects.get(teacher__staff_number="T001")
    assert (first.from_school, first.to_school) == (world.school_a, world.school_b)
    assert (first.start, first.end, first.batch_id) == (dt.date(2024, 9, 1), dt.date(2027, 7, 15), batch.pk)
    second = Rotation.objects.get(teacher__staff_number="T002")
    assert (second.to_school, second.end) == (world.school_c, None)
    assert audited(batch) == {"rotation": {"create": 2}}


def test_reupload_changes_nothing(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    run("clerk_a", "rotations", rotations())
    again = run("clerk_a", "rotations", rotations())

    assert counts(again) == (0, 0, 0, 2)
    assert audited(again) == {}


def test_changed_and_removed_rows(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    run("clerk_a", "rotations", rotations())
    batch = run(
        "clerk_a", "rotations", xlsx("交流轮岗", HEADER, [[A, "T001", "王丽", B, "2024-09-01", "2026-07-15"]])
    )

    assert counts(batch) == (0, 1, 1, 0)
    rotation = Rotation.objects.get()
    assert (rotation.end, rotation.batch_id) == (dt.date(2026, 7, 15), batch.pk)
    assert audited(batch) == {"rotation": {"update": 1, "delete": 1}}


def test_wrong_rows_are_named_and_nothing_is_written(
    world: World, staff: dict[str, Teacher], run: Runner
) -> None:
    wrong = xlsx(
        "交流轮岗",
        HEADER,
        [
            [A, "T001", "王丽", "21640105", "2024-09-01", None],
            [A, "T002", "李强", C, "2024-02-30", None],
        ],
    )
    batch = run("clerk_a", "rotations", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "格式不正确" in error_at(batch, 2, "D")["message"]
    assert "不存在的日期" in error_at(batch, 3, "E")["message"]
    assert not Rotation.objects.exists()


def test_end_after_start_and_another_school(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    wrong = xlsx(
        "交流轮岗",
        HEADER,
        [
            [A, "T001", "王丽", B, "2024-09-01", "2024-09-01"],
            [A, "T002", "李强", A, "2024-09-01", None],
        ],
    )
    batch = run("clerk_a", "rotations", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不晚于开始日期" in error_at(batch, 2, "F")["message"]
    assert "相同" in error_at(batch, 3, "D")["message"]


def test_receiving_school_and_teacher_must_exist(
    world: World, staff: dict[str, Teacher], run: Runner
) -> None:
    wrong = xlsx(
        "交流轮岗",
        HEADER,
        [
            [A, "T002", "李强", "2164019999", "2025-09-01", None],
            [A, "T999", None, B, "2025-09-01", None],
        ],
    )
    batch = run("clerk_a", "rotations", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "找不到学校标识码" in error_at(batch, 2, "D")["message"]
    assert "找不到教职工号" in error_at(batch, 3, "B")["message"]


def test_overlapping_rotations(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    Rotation.objects.create(
        teacher=staff["T101"], from_school=world.school_b, to_school=world.school_c, start=dt.date(2024, 9, 1)
    )
    wrong = xlsx(
        "交流轮岗",
        HEADER,
        [
            [A, "T001", "王丽", B, "2023-09-01", "2025-07-15"],
            [A, "T001", "王丽", C, "2024-09-01", None],
            [A, "T101", "周敏", C, "2025-03-01", None],
        ],
    )
    batch = run("clerk_a", "rotations", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "第 2 行" in error_at(batch, 3, "E")["message"]
    assert "测试第二中学" in error_at(batch, 4, "E")["message"]
    assert Rotation.objects.count() == 1
