"""师德失范记录: per school, no 学年."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, xlsx
from tisheng.census.models import EthicsViolation, Teacher
from tisheng.intake.choices import BatchStatus

HEADER = ["学校标识码", "教职工号", "姓名", "发生日期", "失范情况", "处理结果"]
A = "2164010501"


@pytest.fixture
def staff(world: World) -> dict[str, Teacher]:
    def teacher(number: str, name: str, school: object) -> Teacher:
        return Teacher.objects.create(
            staff_number=number, name=name, sex="M", birth_date=dt.date(1980, 1, 1), school=school
        )

    return {"T001": teacher("T001", "王丽", world.school_a), "T101": teacher("T101", "周敏", world.school_b)}


def violations() -> bytes:
    return xlsx(
        "师德失范",
        HEADER,
        [
            [A, "T001", "王丽", "2025-03-12", "违规有偿补课", "批评教育，退还费用"],
            [A, "T001", "王丽", "2025年6月1日", "体罚学生", None],
        ],
    )


def test_valid_file_writes_violations(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    batch = run("clerk_a", "ethics_violations", violations())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (2, 0, 0, 0)
    assert set(
        EthicsViolation.objects.values_list("teacher__staff_number", "date", "handling", "batch_id")
    ) == {
        # free text keeps its Chinese punctuation
        ("T001", dt.date(2025, 3, 12), "批评教育，退还费用", batch.pk),
        ("T001", dt.date(2025, 6, 1), "", batch.pk),
    }
    assert audited(batch) == {"ethicsviolation": {"create": 2}}


def test_reupload_changes_nothing(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    run("clerk_a", "ethics_violations", violations())
    again = run("clerk_a", "ethics_violations", violations())

    assert counts(again) == (0, 0, 0, 2)
    assert audited(again) == {}


def test_changed_and_removed_rows(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    run("clerk_a", "ethics_violations", violations())
    changed = xlsx("师德失范", HEADER, [[A, "T001", "王丽", "2025-06-01", "体罚学生", "记过处分"]])
    batch = run("clerk_a", "ethics_violations", changed)

    assert counts(batch) == (0, 1, 1, 0)
    violation = EthicsViolation.objects.get()
    assert (violation.date, violation.handling, violation.batch_id) == (
        dt.date(2025, 6, 1),
        "记过处分",
        batch.pk,
    )
    assert audited(batch) == {"ethicsviolation": {"update": 1, "delete": 1}}


def test_wrong_rows_are_named_and_nothing_is_written(
    world: World, staff: dict[str, Teacher], run: Runner
) -> None:
    wrong = xlsx(
        "师德失范",
        HEADER,
        [
            [A, "T001", "王丽", "昨天", "违规有偿补课", None],
            [A, "T001", "王丽", "2025-06-01", None, "记过处分"],
        ],
    )
    batch = run("clerk_a", "ethics_violations", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "无法识别的日期" in error_at(batch, 2, "D")["message"]
    assert "必填项为空" in error_at(batch, 3, "E")["message"]
    assert not EthicsViolation.objects.exists()


def test_teacher_must_be_of_this_school(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    wrong = xlsx(
        "师德失范",
        HEADER,
        [
            [A, "T001", "王丽", "2025-06-01", "体罚学生", None],
            [A, "T101", "周敏", "2025-06-02", "体罚学生", None],
            [A, "T999", None, "2025-06-02", "体罚学生", None],
        ],
    )
    batch = run("clerk_a", "ethics_violations", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不是本校教职工" in error_at(batch, 3, "B")["message"]
    assert "找不到教职工号" in error_at(batch, 4, "B")["message"]
    assert not EthicsViolation.objects.exists()


def test_one_row_per_teacher_and_date(world: World, staff: dict[str, Teacher], run: Runner) -> None:
    wrong = xlsx(
        "师德失范",
        HEADER,
        [
            [A, "T001", "王丽", "2025-03-12", "违规有偿补课", None],
            [A, "T001", "王丽", "2025-03-12", "收受家长礼品", None],
        ],
    )
    batch = run("clerk_a", "ethics_violations", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "重复" in error_at(batch, 3, "B")["message"]
