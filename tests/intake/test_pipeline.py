"""The happy path and its guarantees: normalisation, preview, idempotent re-upload, locks, rollback."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.intake.conftest import CLASS_HEADER, STUDENT_HEADER, student, xlsx
from tisheng.census.models import SchoolClass, Student
from tisheng.core.models import ChangeRecord
from tisheng.intake import services
from tisheng.intake.models import Submission
from tisheng.intake.services import IntakeError


def test_full_width_digits_spaces_and_excel_serials_are_normalised(
    world: World, run_batch, classes_2025
) -> None:
    rows = [
        [
            "２１６４０１０５０１ ",
            " G640105201903010001",
            " 张 三 ",
            "男",
            43525,
            "",
            " 一年级",
            "１",
            "本区",
        ],
        student("G640105201903010002", "李四", born="2019年3月1日"),
        student("G640105201903010003", "王五", cls=2, born="2019/3/1"),
    ]
    batch = run_batch("students", [("学生.xlsx", xlsx("学生", STUDENT_HEADER, rows))], commit=True)
    assert batch.status == "committed", batch.issues
    zhang = Student.objects.get(student_number="G640105201903010001")
    assert zhang.name == "张 三" and str(zhang.birth_date) == "2019-03-01"  # 43525 is Excel's 2019-03-01


def test_preview_then_reupload_changes_nothing(world: World, run_batch) -> None:
    data = xlsx("班级", CLASS_HEADER, [["2164010501", "一年级", 1, 40], ["2164010501", "一年级", 2, 41]])
    first = run_batch("classes", [("班级.xlsx", data)])
    assert (first.status, first.added, first.changed, first.removed) == ("ready", 2, 0, 0)
    assert {r["key"] for r in first.preview["added"]} == {"2164010501 / 11 / 1", "2164010501 / 11 / 2"}
    assert not SchoolClass.objects.exists()  # validation writes no facts
    services.commit_batch(first, world.users["clerk_a"])
    audited = ChangeRecord.objects.filter(batch_id=first.pk)
    assert audited.filter(content_type__model="schoolclass").count() == 2
    assert audited.filter(content_type__model="submission").count() == 1  # the school's draft submission
    again = run_batch("classes", [("班级.xlsx", data)], commit=True)
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert ChangeRecord.objects.filter(batch_id=again.pk).count() == 0


def test_changes_and_removals_are_previewed_and_written(world: World, run_batch) -> None:
    run_batch(
        "classes",
        [
            (
                "班级.xlsx",
                xlsx(
                    "班级", CLASS_HEADER, [["2164010501", "一年级", 1, 40], ["2164010501", "一年级", 2, 41]]
                ),
            )
        ],
        commit=True,
    )
    batch = run_batch(
        "classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, [["2164010501", "一年级", 1, 44]]))], commit=True
    )
    assert (batch.added, batch.changed, batch.removed) == (0, 1, 1)
    assert batch.preview["changed"][0]["changed"] == ["班额"]
    assert list(SchoolClass.objects.values_list("number", "student_count")) == [(1, 44)]


def test_submit_locks_and_approval_needs_reason_to_reopen(world: World, run_batch) -> None:
    data = xlsx("班级", CLASS_HEADER, [["2164010501", "一年级", 1, 40]])
    run_batch("classes", [("班级.xlsx", data)], commit=True)
    submission = Submission.objects.get(school=world.school_a, dataset="classes", academic_year=world.year)
    services.submit(submission, world.users["clerk_a"])
    locked = run_batch("classes", [("班级.xlsx", data)])
    assert locked.status == "invalid" and "已提交审核" in locked.issues[0]["message"]
    with pytest.raises(services.PermissionDenied):
        services.approve(submission, world.users["principal_a"])
    services.approve(submission, world.users["admin"], "数据无误")
    approved = run_batch("classes", [("班级.xlsx", data)])
    assert "已审核通过并锁定" in approved.issues[0]["message"]
    with pytest.raises(services.ValidationError):
        services.reopen(submission, world.users["admin"], "")
    services.reopen(submission, world.users["admin"], "班额统计有误，需更正")
    history = ChangeRecord.objects.for_object(submission).order_by("id")
    assert [r.after["status"] for r in history] == ["draft", "submitted", "approved", "returned"]
    assert "班额统计有误" in history.last().after["comment"]
    assert run_batch("classes", [("班级.xlsx", data)]).status == "ready"


def test_rollback_restores_the_previous_state(world: World, run_batch) -> None:
    run_batch(
        "classes",
        [
            (
                "班级.xlsx",
                xlsx(
                    "班级", CLASS_HEADER, [["2164010501", "一年级", 1, 40], ["2164010501", "一年级", 2, 41]]
                ),
            )
        ],
        commit=True,
    )
    second = run_batch(
        "classes",
        [
            (
                "班级.xlsx",
                xlsx(
                    "班级", CLASS_HEADER, [["2164010501", "一年级", 1, 44], ["2164010501", "一年级", 3, 30]]
                ),
            )
        ],
        commit=True,
    )
    assert sorted(SchoolClass.objects.values_list("number", "student_count")) == [(1, 44), (3, 30)]
    with pytest.raises(services.PermissionDenied):
        services.rollback_batch(second, world.users["clerk_a"])
    undone = services.rollback_batch(second, world.users["admin"])
    assert undone == 3  # one change, one addition, one removal
    assert sorted(SchoolClass.objects.values_list("number", "student_count")) == [(1, 40), (2, 41)]
    second.refresh_from_db()
    assert second.status == "rolled_back"


def test_rollback_is_refused_after_a_later_change(world: World, run_batch) -> None:
    first = run_batch(
        "classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, [["2164010501", "一年级", 1, 40]]))], commit=True
    )
    run_batch(
        "classes", [("班级.xlsx", xlsx("班级", CLASS_HEADER, [["2164010501", "一年级", 1, 42]]))], commit=True
    )
    with pytest.raises(IntakeError, match="之后又被修改过"):
        services.rollback_batch(first, world.users["admin"])
    assert SchoolClass.objects.get().student_count == 42


def test_read_only_roles_cannot_import(world: World) -> None:
    for persona in ("leader", "inspector", "dept_user"):
        with pytest.raises(services.PermissionDenied):
            services.create_batch(world.users[persona], "classes", world.year, [("x.xlsx", b"x")])
