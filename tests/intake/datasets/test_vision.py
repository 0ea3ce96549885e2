"""视力筛查 through the intake pipeline: 5-point acuity, refraction, the unjudged-myopia notice."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, counts, error_at, warning_at, xlsx
from tisheng.core.models import ChangeRecord
from tisheng.health.models import VisionScreening
from tisheng.intake.choices import BatchStatus
from tisheng.intake.datasets.fitness import five_point
from tisheng.intake.datasets.vision import UNJUDGED

D = Decimal
HEADER = ["学籍号", "年级编号", "班级编号", "性别", "筛查日期", "左眼裸眼视力", "右眼裸眼视力", "左眼球镜", "左眼柱镜",
          "左眼轴位", "右眼球镜", "右眼柱镜", "右眼轴位", "戴镜情况", "串镜检查", "姓名"]  # fmt: skip


def screening() -> bytes:
    return xlsx(
        "视力筛查",
        HEADER,
        [
            ["G000001", 11, "1101", 1, "2025-10-15", 5.0, 4.8, 0, 0, None, -1.25, -0.5, 180, "未戴镜", None, "甲"],
            ["G000002", 12, "1201", 2, None, "4.6", "5.1", None, None, None, None, None, None, "框架眼镜", None, "乙"],
            ["G000003", 13, "1301", 1, None, 4.9, 4.9, None, None, None, None, None, None, "未戴镜", "正片下降负片提高", "丙"],
        ],
    )  # fmt: skip


def test_valid_file_is_stored(world: World, run: Runner) -> None:
    batch = run("clerk_a", "vision", screening())
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (3, 0, 0, 0)
    rows = {v.student_number: v for v in VisionScreening.objects.all()}
    first = rows["G000001"]
    assert (first.acuity_left, first.acuity_right) == (D("5.0"), D("4.8"))
    assert (first.sphere_right, first.cylinder_right, first.axis_right) == (D("-1.25"), D("-0.50"), 180)
    assert first.correction == "none" and first.trial_lens == "" and first.school == world.school_a
    assert rows["G000002"].correction == "glasses"
    assert rows["G000003"].trial_lens == "myopic"
    # below 5.0, no refraction and no 串镜: screened, not counted as myopic — said once per eye
    notice = warning_at(batch, 3, "F")
    assert UNJUDGED in notice["message"]
    assert (
        UNJUDGED == "按《儿童青少年近视防控适宜技术指南》无法判定是否筛查性近视：计入筛查人数，不计入近视人数"
    )
    assert not [w for w in batch.warnings() if w["row"] in (2, 4) and UNJUDGED in w["message"]]
    assert ChangeRecord.objects.filter(batch_id=batch.pk, content_type__model="visionscreening").count() == 3

    again = run("clerk_a", "vision", screening())
    assert counts(again) == (0, 0, 0, 3)


def test_decimal_scale_is_an_error_with_the_equivalent(world: World, run: Runner) -> None:
    rows = [
        ["G000001", 11, "1101", 1, None, 1.0, 0.8, None, None, None, None, None, None, "未戴镜", None, "甲"]
    ]
    batch = run("clerk_a", "vision", xlsx("视力筛查", HEADER, rows))
    assert batch.status == BatchStatus.INVALID
    left, right = error_at(batch, 2, "F"), error_at(batch, 2, "G")
    assert "小数记录" in left["message"] and "五分记录 5.0" in left["hint"]
    assert "五分记录 4.9" in right["hint"]
    assert not VisionScreening.objects.exists()
    assert five_point(D("0.1")) == D("4.0") and five_point(D("1.5")) == D("5.2")


def test_implausible_refraction_and_bad_cells(world: World, run: Runner) -> None:
    rows = [
        ["G000001", 11, "1101", 1, None, 4.5, 4.5, 30, 0, None, -1, 0, None, "未戴镜", None, "甲"],
        ["G000002", 11, "1101", 2, None, 5.0, 5.0, None, None, None, "-1.255", None, 200, "墨镜", None, "乙"],
        [
            "G000003",
            11,
            "1101",
            2,
            "2024-10-15",
            5.0,
            5.0,
            None,
            None,
            None,
            None,
            None,
            None,
            "未戴镜",
            None,
            "丙",
        ],
    ]
    batch = run("clerk_a", "vision", xlsx("视力筛查", HEADER, rows))
    assert batch.status == BatchStatus.INVALID
    assert "球镜 +30" in error_at(batch, 2, "H")["message"]
    assert "两位小数" in error_at(batch, 3, "K")["message"]
    assert "180" in error_at(batch, 3, "M")["message"]
    assert "不是可选的值" in error_at(batch, 3, "N")["message"]
    assert "不在所选的 2025—2026 学年" in error_at(batch, 4, "E")["message"]
    assert not VisionScreening.objects.exists()


def test_school_user_cannot_upload_for_another_school(world: World, run: Runner) -> None:
    rows = [
        ["2164010502", "G000001", 21, "2101", 1, None, 5.0, 5.0, None, None, None, None, None, None, "未戴镜"]
    ]
    batch = run("clerk_a", "vision", xlsx("视力筛查", ["学校标识码", *HEADER[:-2]], rows))
    assert batch.status == BatchStatus.INVALID
    assert "不是本校" in error_at(batch, 2, "A")["message"]


def test_ortho_k_is_not_unjudged_and_cylinder_without_sphere_is_said(world: World, run: Runner) -> None:
    rows = [
        ["G000001", 15, "1501", 1, None, 4.6, 4.7, None, None, None, None, None, None, "角膜塑形镜", None, "甲"],
        ["G000002", 15, "1501", 2, None, 5.0, 4.7, None, -0.5, 90, -1.0, 0, None, "未戴镜", None, "乙"],
    ]  # fmt: skip
    batch = run("clerk_a", "vision", xlsx("视力筛查", HEADER, rows))
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert not [w for w in batch.warnings() if w["row"] == 2 and UNJUDGED in w["message"]]
    assert "有柱镜但没有球镜" in warning_at(batch, 3, "H")["message"]
