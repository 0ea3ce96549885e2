"""活动记录: per school, the activities dated in the chosen 学年 (2025: 2025-09-01 … 2026-08-31)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, xlsx
from tisheng.census.models import Activity
from tisheng.intake.choices import BatchStatus

HEADER = ["学校标识码", "活动类别", "活动日期", "活动主题", "负责人", "参加人数"]
A = "2164010501"


def activities() -> bytes:
    return xlsx(
        "活动记录",
        HEADER,
        [
            [A, "家长会", "2025-09-20", "一年级新生家长会", None, 120],
            [A, "家访", dt.date(2025, 10, 8), "留守儿童家访", "王丽", None],
            [A, "教研员讲座", "2025/11/5", "语文示范课", "张研", 45],
        ],
    )


def test_valid_file_writes_activities(world: World, run: Runner) -> None:
    batch = run("clerk_a", "activities", activities())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (3, 0, 0, 0)
    assert set(
        Activity.objects.values_list("school__code", "kind", "date", "title", "person", "participants")
    ) == {
        (A, "parent_meeting", dt.date(2025, 9, 20), "一年级新生家长会", "", 120),
        (A, "home_visit", dt.date(2025, 10, 8), "留守儿童家访", "王丽", None),
        (A, "researcher_lecture", dt.date(2025, 11, 5), "语文示范课", "张研", 45),
    }
    assert set(Activity.objects.values_list("batch_id", flat=True)) == {batch.pk}
    assert audited(batch) == {"activity": {"create": 3}}


def test_reupload_changes_nothing(world: World, run: Runner) -> None:
    run("clerk_a", "activities", activities())
    again = run("clerk_a", "activities", activities())

    assert counts(again) == (0, 0, 0, 3)
    assert audited(again) == {}


def test_changed_and_removed_rows_within_the_school_year(world: World, run: Runner) -> None:
    run("clerk_a", "activities", activities())
    last_year = Activity.objects.create(
        kind="parent_meeting", date=dt.date(2025, 5, 10), school=world.school_a, title="毕业班家长会"
    )
    changed = xlsx(
        "活动记录",
        HEADER,
        [
            [A, "家长会", "2025-09-20", "一年级新生家长会", None, 130],
            [A, "家访", "2025-10-08", "留守儿童家访", "王丽", None],
        ],
    )
    batch = run("clerk_a", "activities", changed)

    assert counts(batch) == (0, 1, 1, 1)
    assert Activity.objects.get(kind="parent_meeting", date=dt.date(2025, 9, 20)).participants == 130
    assert Activity.objects.filter(pk=last_year.pk).exists()  # the 2024 学年 is out of scope
    assert audited(batch) == {"activity": {"update": 1, "delete": 1}}


def test_wrong_rows_are_named_and_nothing_is_written(world: World, run: Runner) -> None:
    wrong = xlsx(
        "活动记录",
        HEADER,
        [
            [A, "运动会", "2025-09-20", "秋季运动会", None, None],
            [A, "家长会", "2025-09-31", "家长会", None, None],
            [A, "家长会", "2025-08-31", "暑期家长会", None, None],
            [A, "家长会", "2099-01-01", "未来的家长会", None, None],
            [A, "听评课", "2025-10-10", "数学听评课", None, None],
        ],
    )
    batch = run("clerk_a", "activities", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不是可选的值" in error_at(batch, 2, "B")["message"]
    assert "不存在的日期" in error_at(batch, 3, "C")["message"]
    assert "不在所选的 2025—2026 学年" in error_at(batch, 4, "C")["message"]
    assert "今天之后" in error_at(batch, 5, "C")["message"]
    assert "教研员姓名" in error_at(batch, 6, "E")["message"]
    assert not Activity.objects.exists()


def test_a_school_year_is_required(world: World, run: Runner) -> None:
    batch = run("clerk_a", "activities", activities(), year=None)

    assert batch.status == BatchStatus.INVALID
    assert "学年" in batch.errors()[0]["message"]
