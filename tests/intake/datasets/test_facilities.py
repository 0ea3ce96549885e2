"""办学条件: one row per stage section and 学年."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, xlsx
from tisheng.census.models import FacilityReport
from tisheng.intake.choices import BatchStatus
from tisheng.intake.models import Submission

HEADER = [
    "学校标识码", "学段", "教学及辅助用房面积", "体育运动场馆面积", "教学仪器设备值", "教室数", "网络多媒体教室数",
    "多媒体教室升级改造数", "图书", "无线网络全覆盖", "D级危房面积", "资源教室数", "标准化考场数",
]  # fmt: skip
A, C = "2164010501", "2164010503"


def nine_year_school() -> bytes:
    return xlsx(
        "办学条件",
        HEADER,
        [
            [C, "小学", "5200平方米", 8600, 320.5, 24, 24, 6, 42000, "是", None, 1, None],
            [C, "初中", 4100.5, "6,000", "180", 18, 16, None, 36000, "否", 120, None, 4],
        ],
    )


def test_valid_file_writes_one_report_per_section(world: World, run: Runner) -> None:
    batch = run("admin", "facilities", nine_year_school())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (2, 0, 0, 0)
    primary = FacilityReport.objects.get(section__stage="primary", academic_year=world.year)
    assert primary.section.school == world.school_c
    assert (primary.teaching_area, primary.sports_area, primary.equipment_value) == (
        Decimal("5200"),
        Decimal("8600"),
        Decimal("320.50"),
    )
    assert (primary.classrooms, primary.networked_classrooms, primary.upgraded_multimedia_classrooms) == (
        24,
        24,
        6,
    )
    assert (primary.books, primary.wireless_covered, primary.dangerous_area) == (42000, True, 0)
    assert (primary.resource_rooms, primary.standard_exam_rooms, primary.batch_id) == (1, 0, batch.pk)
    junior = FacilityReport.objects.get(section__stage="junior")
    assert (junior.teaching_area, junior.sports_area, junior.dangerous_area) == (
        Decimal("4100.5"),
        Decimal("6000"),
        Decimal("120"),
    )
    assert (junior.upgraded_multimedia_classrooms, junior.resource_rooms, junior.standard_exam_rooms) == (
        0,
        0,
        4,
    )
    assert audited(batch) == {"facilityreport": {"create": 2}}
    assert Submission.objects.filter(
        dataset="facilities", school=world.school_c, academic_year=world.year
    ).exists()


def test_reupload_changes_nothing(world: World, run: Runner) -> None:
    run("admin", "facilities", nine_year_school())
    again = run("admin", "facilities", nine_year_school())

    assert counts(again) == (0, 0, 0, 2)
    assert audited(again) == {}


def test_changed_and_removed_rows(world: World, run: Runner) -> None:
    run("admin", "facilities", nine_year_school())
    changed = xlsx("办学条件", HEADER, [[C, "小学", 5200, 8600, 320.5, 24, 24, 6, 45000, "是", 0, 1, 0]])
    batch = run("admin", "facilities", changed)

    assert counts(batch) == (0, 1, 1, 0)
    report = FacilityReport.objects.get()
    assert (report.section.stage, report.books, report.batch_id) == ("primary", 45000, batch.pk)
    assert audited(batch) == {"facilityreport": {"update": 1, "delete": 1}}


def test_wrong_rows_are_named_and_nothing_is_written(world: World, run: Runner) -> None:
    wrong = xlsx(
        "办学条件",
        HEADER,
        [
            [C, "小学", -10, 8600, 320.5, 24, 24, 6, 42000, "是", None, 1, None],
            [C, "初中", 4100, 6000, 180, 18, 16, None, "很多", "否", None, None, None],
        ],
    )
    batch = run("admin", "facilities", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "小于允许的最小值" in error_at(batch, 2, "C")["message"]
    assert "应为整数" in error_at(batch, 3, "I")["message"]
    assert not FacilityReport.objects.exists()


def test_cross_field_rules(world: World, run: Runner) -> None:
    wrong = xlsx(
        "办学条件",
        HEADER,
        [
            [A, "小学", 5200, 8600, 320.5, 20, 21, 25, 42000, "是", 5300, 1, 0],
            [A, "初中", 4100, 6000, 180, 18, 16, 0, 36000, "否", 0, 0, 0],
        ],
    )
    batch = run("clerk_a", "facilities", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "多于教室数 20" in error_at(batch, 2, "G")["message"]
    assert "多于教室数 20" in error_at(batch, 2, "H")["message"]
    assert "大于教学及辅助用房面积" in error_at(batch, 2, "K")["message"]
    assert "没有初中学段" in error_at(batch, 3, "B")["message"]
    assert len(batch.errors()) == 4
    assert not FacilityReport.objects.exists()
