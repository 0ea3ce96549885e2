"""五项管理记录 through the intake pipeline: one row per class per semester, against the class register."""

from __future__ import annotations

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, counts, error_at, warning_at, xlsx
from tisheng.census.models import SchoolClass
from tisheng.core.choices import Stage
from tisheng.core.models import ChangeRecord
from tisheng.health.models import WuxiangRecord
from tisheng.intake.choices import BatchStatus

A = "2164010501"
HEADER = ["学校标识码", "年级", "班级号", "学期", "调查学生数", "日均书面作业时间（分钟）", "日均睡眠时间",
          "手机管理", "读物管理", "日均校内体育活动时间（分钟）"]  # fmt: skip


def classes(world: World) -> None:
    section = world.school_a.sections.get(stage=Stage.PRIMARY)
    for grade, number in ((13, 1), (13, 2)):
        SchoolClass.objects.create(
            academic_year=world.year, section=section, grade=grade, number=number, student_count=45
        )


def records() -> bytes:
    return xlsx(
        "五项管理记录",
        HEADER,
        [
            [A, "三年级", 1, "第一学期", 45, 40, 600, "是", "是", 120],
            [A, "13", 2, 1, 44, 35, "9.5小时", "是", "否", 110],
            [A, "三年级", 1, "第二学期", 43, 45, "9小时30分", "否", "是", 100],
        ],
    )


def test_valid_file_is_stored_and_sleep_readings_are_said(world: World, run: Runner) -> None:
    classes(world)
    batch = run("clerk_a", "wuxiang", records())
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (3, 0, 0, 0)
    stored = set(
        WuxiangRecord.objects.values_list(
            "school__code", "grade", "class_number", "semester", "respondents", "homework_minutes",
            "sleep_minutes", "phones_managed", "reading_reviewed", "activity_minutes", "academic_year",
        )
    )  # fmt: skip
    assert stored == {
        (A, 13, 1, 1, 45, 40, 600, True, True, 120, world.year.pk),
        (A, 13, 2, 1, 44, 35, 570, True, False, 110, world.year.pk),
        (A, 13, 1, 2, 43, 45, 570, False, True, 100, world.year.pk),
    }
    assert "9.5 小时" in warning_at(batch, 3, "G")["message"]
    assert "9 小时 30 分" in warning_at(batch, 4, "G")["message"]
    assert ChangeRecord.objects.filter(batch_id=batch.pk, content_type__model="wuxiangrecord").count() == 3
    again = run("clerk_a", "wuxiang", records())
    assert counts(again) == (0, 0, 0, 3)


def test_unknown_class_too_many_respondents_and_ambiguous_sleep(world: World, run: Runner) -> None:
    classes(world)
    rows = [
        [A, "三年级", 3, "第一学期", 40, 40, 600, "是", "是", 120],
        [A, "三年级", 1, "第一学期", 50, 40, 600, "是", "是", 120],
    ]
    batch = run("clerk_a", "wuxiang", xlsx("五项管理记录", HEADER, rows))
    assert batch.status == BatchStatus.INVALID
    assert "班级名册中没有三年级3班" in error_at(batch, 2, "C")["message"].replace("Grade 3", "三年级")
    assert "多于" in error_at(batch, 3, "E")["message"]
    assert not WuxiangRecord.objects.exists()

    bad = [[A, "三年级", 1, "第三学期", 40, 40, 9.5, "是", "是", 120]]
    batch = run("clerk_a", "wuxiang", xlsx("五项管理记录", HEADER, bad))
    assert "不是可选的值" in error_at(batch, 2, "D")["message"]
    assert "小时还是分钟" in error_at(batch, 2, "G")["message"]


def test_school_user_cannot_upload_for_another_school(world: World, run: Runner) -> None:
    rows = [["2164010502", "七年级", 1, "第一学期", 40, 40, 600, "是", "是", 120]]
    batch = run("clerk_a", "wuxiang", xlsx("五项管理记录", HEADER, rows))
    assert batch.status == BatchStatus.INVALID
    assert "不是本校" in error_at(batch, 2, "A")["message"]
