"""学籍异动: per school and 学年; the students must be on record."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, warning_at, xlsx
from tisheng.census.models import Enrolment, SchoolClass, StatusChange, Student
from tisheng.intake.choices import BatchStatus

HEADER = ["学校标识码", "学籍号", "姓名", "异动类别", "异动日期", "对方学校", "异动原因"]
A = "2164010501"
S1, S2, S3 = "G640105201903011234", "G640105201904021235", "G640105201205051236"


@pytest.fixture
def pupils(world: World) -> dict[str, Student]:
    """张小明 and 李小红 in 一年级1班 of school A, 周大伟 in 七年级1班 of school B (学年 2025)."""
    class_a = SchoolClass.objects.create(
        academic_year=world.year, section=world.school_a.sections.get(), grade=11, number=1, student_count=2
    )
    class_b = SchoolClass.objects.create(
        academic_year=world.year, section=world.school_b.sections.get(), grade=21, number=1, student_count=1
    )
    found = {}
    for number, name, sex, birth, school_class in (
        (S1, "张小明", "M", dt.date(2019, 3, 1), class_a),
        (S2, "李小红", "F", dt.date(2019, 4, 2), class_a),
        (S3, "周大伟", "M", dt.date(2012, 5, 5), class_b),
    ):
        student = Student.objects.create(
            student_number=number, name=name, sex=sex, birth_date=birth, hukou="district"
        )
        Enrolment.objects.create(academic_year=world.year, student=student, school_class=school_class)
        found[number] = student
    return found


def changes() -> bytes:
    return xlsx(
        "学籍异动",
        HEADER,
        [
            [A, S1, "张小明", "转出", "2025-10-15", "银川市实验小学", "随父母工作调动"],
            [A, S2, None, "辍学", "2025-11-03", None, "家庭原因"],
            [A, S2, None, "复学", dt.date(2025, 12, 1), None, None],
        ],
    )


def test_valid_file_writes_status_changes(world: World, pupils: dict[str, Student], run: Runner) -> None:
    batch = run("clerk_a", "status_changes", changes())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (3, 0, 0, 0)
    assert set(
        StatusChange.objects.values_list(
            "student__student_number", "kind", "date", "school__code", "other_school"
        )
    ) == {
        (S1, "transfer_out", dt.date(2025, 10, 15), A, "银川市实验小学"),
        (S2, "dropout", dt.date(2025, 11, 3), A, ""),
        (S2, "return", dt.date(2025, 12, 1), A, ""),
    }
    assert set(StatusChange.objects.values_list("batch_id", flat=True)) == {batch.pk}
    assert audited(batch) == {"statuschange": {"create": 3}}


def test_reupload_changes_nothing(world: World, pupils: dict[str, Student], run: Runner) -> None:
    run("clerk_a", "status_changes", changes())
    again = run("clerk_a", "status_changes", changes())

    assert counts(again) == (0, 0, 0, 3)
    assert audited(again) == {}


def test_changed_and_removed_rows(world: World, pupils: dict[str, Student], run: Runner) -> None:
    run("clerk_a", "status_changes", changes())
    changed = xlsx(
        "学籍异动",
        HEADER,
        [
            [A, S1, "张小明", "转出", "2025-10-15", "银川市第二实验小学", "随父母工作调动"],
            [A, S2, None, "辍学", "2025-11-03", None, "家庭原因"],
        ],
    )
    batch = run("clerk_a", "status_changes", changed)

    assert counts(batch) == (0, 1, 1, 1)
    assert StatusChange.objects.get(student__student_number=S1).other_school == "银川市第二实验小学"
    assert not StatusChange.objects.filter(kind="return").exists()
    assert audited(batch) == {"statuschange": {"update": 1, "delete": 1}}


def test_wrong_rows_are_named_and_nothing_is_written(
    world: World, pupils: dict[str, Student], run: Runner
) -> None:
    wrong = xlsx(
        "学籍异动",
        HEADER,
        [
            [A, S1, "张小明", "留级", "2025-10-15", None, None],
            [A, S2, "李小红", "休学", "2025/15/01", None, None],
            [A, S2, "李小红", "休学", "2025-08-20", None, None],
        ],
    )
    batch = run("clerk_a", "status_changes", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不是可选的值" in error_at(batch, 2, "D")["message"]
    assert "不存在的日期" in error_at(batch, 3, "E")["message"]
    assert "不在所选的" in error_at(batch, 4, "E")["message"]
    assert not StatusChange.objects.exists()


def test_dropout_of_a_student_not_enrolled_here(
    world: World, pupils: dict[str, Student], run: Runner
) -> None:
    wrong = xlsx(
        "学籍异动",
        HEADER,
        [
            [A, S3, "周大伟", "辍学", "2025-11-03", None, None],
            [A, "G640105201909099999", None, "休学", "2025-11-03", None, None],
            [A, S1, "张晓明", "转出", "2025-10-15", None, None],
        ],
    )
    batch = run("clerk_a", "status_changes", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不在本校就读" in error_at(batch, 2, "B")["message"]
    assert "找不到学籍号" in error_at(batch, 3, "B")["message"]
    assert "张小明" in warning_at(batch, 4, "C")["message"]
    assert "对方学校" in warning_at(batch, 4, "F")["message"]
    assert not StatusChange.objects.exists()


def test_a_change_already_recorded_by_another_school(
    world: World, pupils: dict[str, Student], run: Runner
) -> None:
    StatusChange.objects.create(
        student=pupils[S1], kind="transfer_out", date=dt.date(2025, 10, 15), school=world.school_b
    )
    batch = run("clerk_a", "status_changes", changes())

    assert batch.status == BatchStatus.INVALID
    assert "测试第二中学" in error_at(batch, 2, "B")["message"]
    assert StatusChange.objects.count() == 1
