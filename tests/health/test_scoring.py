"""Hand-checked scores for every grade band (values read off scores.csv, bmi_bands.csv, weights.csv and
bonus.csv), the edges of score bands, 附加分 and caps, BMI band edges after rounding, missing cells, 免测,
impossible values, 等级 edges and 毕业成绩. Each case is also run through both vectorised engines."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tisheng.health.scoring import (
    FitnessResult,
    ItemStatus,
    StudentRecord,
    graduation_score,
    plausibility_problem,
    round_bmi,
    score_student,
    score_table,
    students_to_table,
)

D = Decimal


def student(grade: int, sex: str, **values: object) -> StudentRecord:
    return StudentRecord(
        grade=grade, sex=sex, **{k: (None if v is None else D(str(v))) for k, v in values.items()}
    )  # type: ignore[arg-type]


def score(record: StudentRecord) -> FitnessResult:
    """The reference result, after checking that both table engines give exactly the same row."""
    result = score_student(record)
    table = students_to_table([record])
    for engine in ("numpy", "duckdb"):
        assert score_table(table, engine=engine).to_pylist() == [result.as_row()], engine
    return result


def item_score(grade: int, sex: str, item: str, value: object) -> int | None:
    return score(student(grade, sex, **{item: value})).item(item).score


# --- 小学低年级 (一年级男): BMI 15, 肺活量 15, 50米跑 20, 坐位体前屈 30, 一分钟跳绳 20 ---------------------------


def test_grade_1_boy_full_marks() -> None:
    result = score(
        student(11, "M", height="120.0", weight="22.0", vital_capacity=1700, run_50m="10.2",
                sit_and_reach="16.1", rope_skip_1min=109)
    )  # fmt: skip
    assert result.bmi == D("15.3")
    assert [r.score for r in result.items if r.status == ItemStatus.SCORED] == [100, 100, 100, 100, 100]
    assert (result.standard_score, result.bonus, result.total, result.level) == (
        D("100.00"),
        0,
        D("100.00"),
        "优秀",
    )


def test_grade_1_boy_mixed() -> None:
    # BMI 22.3 / 1.205² = 15.36 → 15.4 正常 100; 肺活量 1200 → 76; 50米 10.5 → 85; 坐位体前屈 12.3 → 85;
    # 跳绳 120 → 100 and 11 beyond 109 → 附加分 5. 标准分 15 + 11.4 + 17 + 25.5 + 20 = 88.9; 学年总分 93.9
    result = score(
        student(11, "M", height="120.5", weight="22.3", vital_capacity=1200, run_50m="10.5",
                sit_and_reach="12.3", rope_skip_1min=120)
    )  # fmt: skip
    assert [result.item(i).score for i in ("bmi", "vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min")] == [
        100, 76, 85, 85, 100
    ]  # fmt: skip
    assert result.item("rope_skip_1min").bonus == 5
    assert (result.standard_score, result.bonus, result.total_rounded, result.level) == (
        D("88.90"), 5, D("93.9"), "优秀"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("item", "value", "expected"),
    [
        ("vital_capacity", 1700, 100),  # lower edge of 100 (>=)
        ("vital_capacity", 1699, 95),
        ("vital_capacity", 500, 10),
        ("vital_capacity", 499, 0),
        ("run_50m", "10.2", 100),  # lower_better: <= 10.2
        ("run_50m", "10.25", 95),  # finer than the table: rounded up to 10.3
        ("run_50m", "13.6", 10),
        ("run_50m", "13.7", 0),
        ("sit_and_reach", "16.1", 100),
        ("sit_and_reach", "16.0", 95),
        ("sit_and_reach", "0.0", 60),
        ("sit_and_reach", "-0.1", 50),
        ("sit_and_reach", "-4.0", 10),
        ("sit_and_reach", "-4.1", 0),
        ("rope_skip_1min", 109, 100),
        ("rope_skip_1min", 108, 95),
    ],
)
def test_grade_1_boy_band_edges(item: str, value: object, expected: int) -> None:
    assert item_score(11, "M", item, value) == expected


@pytest.mark.parametrize(
    ("jumps", "bonus"), [(109, 0), (110, 0), (111, 1), (112, 1), (113, 2), (149, 20), (230, 20)]
)
def test_rope_skipping_bonus_beyond_the_100_point_threshold_capped_at_20(jumps: int, bonus: int) -> None:
    assert score(student(11, "M", rope_skip_1min=jumps)).item("rope_skip_1min").bonus == bonus


# --- 小学中年级 (三年级女): + 一分钟仰卧起坐 10 ------------------------------------------------------------------


def test_grade_3_girl() -> None:
    # BMI 28 / 1.69 = 16.57 → 16.6 正常 100; 肺活量 1400 → 80; 50米 10.0 → 80; 坐位体前屈 13.1 → 78;
    # 跳绳 139 → 100 (no margin, no 附加分); 仰卧起坐 46 → 100 (小学: no 附加分 for sit-ups)
    # 标准分 15 + 12 + 16 + 15.6 + 20 + 10 = 88.6 → 良好
    result = score(
        student(13, "F", height="130.0", weight="28.0", vital_capacity=1400, run_50m="10.0",
                sit_and_reach="13.1", rope_skip_1min=139, sit_up_1min=60)
    )  # fmt: skip
    assert result.item("sit_and_reach").score == 78
    assert result.item("sit_up_1min").bonus == 0
    assert (result.standard_score, result.bonus, result.level) == (D("88.60"), 0, "良好")


@pytest.mark.parametrize(
    ("weight", "bmi", "band", "points"),
    [
        ("13.54", "13.5", "低体重", 80),  # height 100.0 cm: BMI = weight
        ("13.55", "13.6", "正常", 100),  # 13.55 rounds half-up to 13.6
        ("18.64", "18.6", "正常", 100),
        ("18.65", "18.7", "超重", 80),
        ("21.14", "21.1", "超重", 80),
        ("21.15", "21.2", "肥胖", 60),
    ],
)
def test_grade_3_girl_bmi_band_edges_after_rounding(weight: str, bmi: str, band: str, points: int) -> None:
    result = score(student(13, "F", height="100.0", weight=weight))
    item = result.item("bmi")
    assert (item.value, item.band, item.score) == (D(bmi), band, points)


def test_bmi_rounds_half_up_not_to_even() -> None:
    assert round_bmi(D("200.0"), D("93.00")) == D("23.3")  # 23.25 exactly: half-up
    bmi = score(student(31, "M", height="200.0", weight="93.00")).item("bmi")
    assert (bmi.band, bmi.score) == ("超重", 80)  # 高一男 超重 23.3–26.3
    assert score(student(31, "M", height="200.0", weight="92.98")).item("bmi").band == "正常"  # 23.245


# --- 小学高年级 (五年级男): + 50米×8往返跑 10 ------------------------------------------------------------------


def test_grade_5_boy_all_at_80() -> None:
    result = score(
        student(15, "M", height="140.0", weight="35.0", vital_capacity=2200, run_50m="8.8", sit_and_reach="9.4",
                rope_skip_1min=126, sit_up_1min=38, shuttle_50x8=108)
    )  # fmt: skip
    assert result.bmi == D("17.9")
    assert {r.score for r in result.items if r.item != "bmi" and r.status == ItemStatus.SCORED} == {80}
    assert (result.standard_score, result.level) == (D("83.00"), "良好")  # 15 + 80 × 85 %


@pytest.mark.parametrize(("seconds", "expected"), [(96, 100), (97, 95), (158, 10), (159, 0)])
def test_grade_5_shuttle_run_edges(seconds: int, expected: int) -> None:
    assert item_score(15, "M", "shuttle_50x8", seconds) == expected


# --- 初中 (初二男, 初一男): 立定跳远, 引体向上, 1000米跑 ------------------------------------------------------------


def test_grade_8_boy_with_bonus() -> None:
    # all at the 100-point threshold or beyond; 引体向上 16 = 14 + 2 → 附加分 2; 1000 m 195 s = 230 − 35 → 10
    result = score(
        student(22, "M", height="165.0", weight="50.0", vital_capacity=3940, run_50m="7.5", sit_and_reach="19.6",
                standing_long_jump=240, pull_up=16, run_1000m=195)
    )  # fmt: skip
    assert (result.item("pull_up").bonus, result.item("run_1000m").bonus) == (2, 10)
    assert (result.standard_score, result.bonus, result.total_rounded, result.level) == (
        D("100.00"), 12, D("112.0"), "优秀"
    )  # fmt: skip


def test_total_bonus_is_capped_at_20() -> None:
    result = score(student(22, "M", pull_up=30, run_1000m=150))
    assert (result.item("pull_up").bonus, result.item("run_1000m").bonus, result.bonus) == (10, 10, 20)


@pytest.mark.parametrize(
    ("seconds", "bonus"), [(230, 0), (227, 0), (226, 1), (210, 5), (207, 6), (195, 10), (160, 10)]
)
def test_1000m_bonus_steps(seconds: int, bonus: int) -> None:
    assert score(student(22, "M", run_1000m=seconds)).item("run_1000m").bonus == bonus


@pytest.mark.parametrize("grade", [21, 22])
def test_junior_pull_up_missing_cells_yield_missing_not_zero(grade: int) -> None:
    result = score(
        student(grade, "M", height="160.0", weight="45.0", vital_capacity=3000, run_50m="8.5",
                sit_and_reach="10.0", standing_long_jump=200, pull_up=0, run_1000m=260)
    )  # fmt: skip
    pull_up = result.item("pull_up")
    assert (pull_up.status, pull_up.score, pull_up.verification) == (ItemStatus.MISSING, None, "missing")
    assert result.status == "incomplete"
    assert (result.standard_score, result.total, result.level) == (None, None, None)
    assert score(student(grade, "M", pull_up=2)).item("pull_up").score == (40 if grade == 21 else 30)


def test_junior_single_source_cells_are_reported() -> None:
    result = score(student(21, "F", vital_capacity=2750, run_800m=215))  # 初一女: C_VB only
    assert result.item("vital_capacity").verification == "single_source"
    assert result.item("run_800m").verification == "single_source"
    assert score(student(22, "F", vital_capacity=2750)).item("vital_capacity").verification == "multi_source"


# --- 高中 (高一男) -------------------------------------------------------------------------------------------


def test_grade_10_boy() -> None:
    # BMI 65 / 1.75² = 21.2 正常 100; 肺活量 4000 → 80; 50米 7.5 → 80; 坐位体前屈 15.0 → 80; 立定跳远 230 → 76;
    # 引体向上 12 → 80; 1000 m 230 s (3'50") → 80. 标准分 15 + 12 + 16 + 8 + 7.6 + 8 + 16 = 82.6
    result = score(
        student(31, "M", height="175.0", weight="65.0", vital_capacity=4000, run_50m="7.5", sit_and_reach="15.0",
                standing_long_jump=230, pull_up=12, run_1000m=230)
    )  # fmt: skip
    assert result.item("standing_long_jump").score == 76
    assert (result.standard_score, result.total_rounded, result.level) == (D("82.60"), D("82.6"), "良好")


@pytest.mark.parametrize(
    ("reps", "expected"), [(11, 76), (12, 80), (10, 72), (16, 100), (2, 10), (1, 0), (0, 0)]
)
def test_grade_10_pull_up_blank_rows(reps: int, expected: int) -> None:
    assert item_score(31, "M", "pull_up", reps) == expected


# --- 大学 (大一女) -------------------------------------------------------------------------------------------


def test_university_girl_with_bonus() -> None:
    # all at 80; 仰卧起坐 60 = 56 + 4 → 2; 800 m 190 s = 198 − 8 → 1 (5 s per point)
    result = score(
        student(41, "F", height="160.0", weight="50.0", vital_capacity=3000, run_50m="8.3", sit_and_reach="19.0",
                standing_long_jump=181, sit_up_1min=46, run_800m=224)
    )  # fmt: skip
    assert (result.standard_score, result.bonus, result.level) == (D("83.00"), 0, "良好")
    result = score(student(41, "F", sit_up_1min=60, run_800m=190))
    assert (result.item("sit_up_1min").bonus, result.item("run_800m").bonus, result.bonus) == (2, 1, 3)


UNIVERSITY_GIRL = {"height": "160.0", "weight": "50.0", "run_50m": "7.5", "sit_up_1min": 24, "run_800m": 198}


@pytest.mark.parametrize(
    ("changes", "standard", "rounded", "level"),
    [
        # 1500 + 1425 + 2000 + 950 + 620 + 500 + 2000 = 8995 → 89.95 → 90.0 → 优秀 (rounded half-up, then banded)
        (
            {"vital_capacity": 3350, "sit_and_reach": "24.0", "standing_long_jump": 154},
            "89.95",
            "90.0",
            "优秀",
        ),
        # jump 151 → 60 points: 89.75 → 89.8 → 良好
        (
            {"vital_capacity": 3350, "sit_and_reach": "24.0", "standing_long_jump": 151},
            "89.75",
            "89.8",
            "良好",
        ),
    ],
)
def test_level_edges_at_90(changes: dict[str, object], standard: str, rounded: str, level: str) -> None:
    result = score(student(41, "F", **{**UNIVERSITY_GIRL, **changes}))
    assert (result.standard_score, result.total_rounded, result.level) == (D(standard), D(rounded), level)


def test_level_edge_at_60() -> None:
    # BMI 72 / 2.56 = 28.1 肥胖 60 (900); 肺活量 3150 → 85 (1275); 50米 10.3 → 60; 坐位体前屈 7.3 → 62;
    # 立定跳远 141 → 40; 仰卧起坐 22 → 40; 800 m 274 → 60: 5995 → 59.95 → 60.0 → 及格
    result = score(
        student(41, "F", height="160.0", weight="72.0", vital_capacity=3150, run_50m="10.3", sit_and_reach="7.3",
                standing_long_jump=141, sit_up_1min=22, run_800m=274)
    )  # fmt: skip
    assert (result.standard_score, result.total_rounded, result.level) == (D("59.95"), D("60.0"), "及格")
    result = score(
        student(41, "F", height="160.0", weight="72.0", vital_capacity=3100, run_50m="10.3", sit_and_reach="7.3",
                standing_long_jump=141, sit_up_1min=22, run_800m=274)
    )  # fmt: skip
    assert (result.standard_score, result.level) == (D("59.20"), "不及格")  # 肺活量 3100 → 80: −0.75


# --- 免测, impossible values, 未测 -------------------------------------------------------------------------


def test_exempt_student_is_not_scored() -> None:
    result = score(StudentRecord(grade=14, sex="F", exempt=True, run_50m=D("9.0")))
    assert result.status == "exempt"
    assert (result.standard_score, result.bonus, result.total, result.level) == (None, None, None, None)
    assert {r.status for r in result.items if r.weight_pct} == {ItemStatus.EXEMPT}
    assert result.item("pull_up").status == ItemStatus.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("item", "value"),
    [("run_50m", "0"), ("run_50m", "85"), ("standing_long_jump", "1.85"), ("vital_capacity", "3.2"),
     ("run_1000m", "3.50"), ("sit_and_reach", "99")],
)  # fmt: skip
def test_impossible_values_are_flagged_never_scored(item: str, value: str) -> None:
    grade = 31
    result = score(student(grade, "M", **{item: value}))
    assert result.item(item).status == ItemStatus.FLAGGED
    assert result.item(item).score is None
    assert plausibility_problem(item, D(value)) is not None


def test_impossible_value_messages_say_what_it_probably_is() -> None:
    message, hint = plausibility_problem("standing_long_jump", D("1.85"))  # type: ignore[misc]
    assert "米" in message and "185" in hint
    message, hint = plausibility_problem("run_50m", D("0"))  # type: ignore[misc]
    assert "0" in message and "留空" in hint
    assert plausibility_problem("run_50m", D("8.5")) is None


def test_height_in_metres_flags_bmi() -> None:
    result = score(student(31, "M", height="1.75", weight="65.0"))
    assert result.item("bmi").status == ItemStatus.FLAGGED


def test_flagged_by_the_reader_and_absent() -> None:
    record = StudentRecord(grade=31, sex="M", run_1000m=None, flagged=frozenset({"run_1000m"}))
    result = score(record)
    assert result.item("run_1000m").status == ItemStatus.FLAGGED
    assert result.item("pull_up").status == ItemStatus.ABSENT
    assert result.status == "incomplete" and result.bonus == 0


# --- 毕业成绩 ----------------------------------------------------------------------------------------------


def test_graduation_score() -> None:
    result = graduation_score({2021: D("80.0"), 2022: D("85.0"), 2023: D("90.0"), 2024: D("89.9")}, 2024)
    assert result.score == Fraction("87.45")  # 0.5 × 89.9 + 0.5 × 85
    assert (result.rounded, result.level) == (D("87.5"), "良好")
    result = graduation_score({2022: D("80"), 2023: D("81"), 2024: D("81"), 2025: D("79")}, 2025)
    assert result.score == Fraction(79, 2) + Fraction(242, 6)  # mean 80.666…: exact
    assert (result.rounded, result.level) == (D("79.8"), "及格")


def test_graduation_score_edge_cases() -> None:
    assert graduation_score({2025: D("91.5")}, 2025).level == "优秀"
    assert "只有毕业当年" in graduation_score({2025: D("91.5")}, 2025).note
    missing = graduation_score({2024: None, 2025: D("70")}, 2025)
    assert (missing.score, missing.level) == (None, None) and "2024" in missing.note
    with pytest.raises(ValueError, match="毕业当年"):
        graduation_score({2024: D("70")}, 2025)
