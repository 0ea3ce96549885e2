"""认定与荣誉: the school's complete register, all years."""

from __future__ import annotations

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, xlsx
from tisheng.census.models import Recognition
from tisheng.intake.choices import BatchStatus

HEADER = ["学校标识码", "认定类别", "级别", "认定年份", "名称", "认定单位"]
A = "2164010501"


def register() -> bytes:
    return xlsx(
        "认定与荣誉",
        HEADER,
        [
            [A, "文明校园", "自治区级", 2024, None, "宁夏回族自治区教育厅"],
            [A, "劳动教育精品课", "市级", 2023, "田园劳动", None],
            [A, "德育示范校", "区", 2022, None, None],
        ],
    )


def test_valid_file_writes_recognitions(world: World, run: Runner) -> None:
    batch = run("clerk_a", "recognitions", register())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert batch.academic_year is None
    assert counts(batch) == (3, 0, 0, 0)
    assert set(
        Recognition.objects.values_list("school__code", "kind", "level", "year", "title", "issuer")
    ) == {
        (A, "civilised_campus", "region", 2024, "", "宁夏回族自治区教育厅"),
        (A, "labour_course", "city", 2023, "田园劳动", ""),
        (A, "moral_education_school", "district", 2022, "", ""),
    }
    assert set(Recognition.objects.values_list("batch_id", flat=True)) == {batch.pk}
    assert audited(batch) == {"recognition": {"create": 3}}


def test_reupload_changes_nothing(world: World, run: Runner) -> None:
    run("clerk_a", "recognitions", register())
    again = run("clerk_a", "recognitions", register())

    assert counts(again) == (0, 0, 0, 3)
    assert audited(again) == {}


def test_changed_and_removed_rows_leave_other_schools_alone(world: World, run: Runner) -> None:
    run("clerk_a", "recognitions", register())
    Recognition.objects.create(kind="civilised_campus", level="city", year=2021, school=world.school_b)
    changed = xlsx(
        "认定与荣誉",
        HEADER,
        [
            [A, "文明校园", "自治区级", 2024, None, "自治区文明办"],
            [A, "劳动教育精品课", "市级", 2023, "田园劳动", None],
        ],
    )
    batch = run("clerk_a", "recognitions", changed)

    assert counts(batch) == (0, 1, 1, 1)
    assert Recognition.objects.get(kind="civilised_campus", school=world.school_a).issuer == "自治区文明办"
    assert Recognition.objects.filter(school=world.school_b).count() == 1
    assert audited(batch) == {"recognition": {"update": 1, "delete": 1}}


def test_wrong_rows_are_named_and_nothing_is_written(world: World, run: Runner) -> None:
    wrong = xlsx(
        "认定与荣誉",
        HEADER,
        [
            [A, "优秀学校", "市级", 2024, None, None],
            [A, "文明校园", "省部级", 2024, None, None],
            [A, "其他", "市级", 2024, None, None],
            [A, "文明校园", "市级", 2099, None, None],
        ],
    )
    batch = run("clerk_a", "recognitions", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不是可选的值" in error_at(batch, 2, "B")["message"]
    assert "不是可选的值" in error_at(batch, 3, "C")["message"]
    assert "必须填写名称" in error_at(batch, 4, "E")["message"]
    assert "还没有到" in error_at(batch, 5, "D")["message"]
    assert not Recognition.objects.exists()


def test_a_clerk_cannot_register_another_school(world: World, run: Runner) -> None:
    batch = run(
        "clerk_a", "recognitions", xlsx("认定与荣誉", HEADER, [["2164010502", "文明校园", "市级", 2024]])
    )

    assert batch.status == BatchStatus.INVALID
    assert "不是本校" in error_at(batch, 2, "A")["message"]
