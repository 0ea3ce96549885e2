"""fitness_results (the FitnessTest computed fields) against the reference score_student."""

from __future__ import annotations

from decimal import Decimal

from tisheng.health.choices import BMI_BAND_FROM_ZH, LEVEL_FROM_ZH, BmiBand, FitnessLevel, FitnessStatus
from tisheng.health.results import COMPUTED_FIELDS, fitness_results, standard_version
from tisheng.health.scoring import ItemStatus, StudentRecord, score_student

D = Decimal


def student(grade: int, sex: str, exempt: bool = False, flagged: frozenset[str] = frozenset(), **values: str):
    return StudentRecord(
        grade=grade, sex=sex, exempt=exempt, flagged=flagged, **{k: D(v) for k, v in values.items()}
    )  # type: ignore[arg-type]


CASES = [
    # 一年级男, every item
    student(
        11,
        "M",
        height="120",
        weight="22",
        vital_capacity="1200",
        run_50m="10.5",
        sit_and_reach="12",
        rope_skip_1min="110",
    ),
    # 初二女, with 800米跑 and 仰卧起坐 (附加分 possible)
    student(
        22,
        "F",
        height="158.5",
        weight="48.25",
        vital_capacity="2600",
        run_50m="8.6",
        sit_and_reach="18.5",
        standing_long_jump="185",
        sit_up_1min="58",
        run_800m="205",
    ),
    # 高三男 overweight, one item missing → incomplete
    student(
        33,
        "M",
        height="175",
        weight="80",
        vital_capacity="4200",
        run_50m="7.4",
        sit_and_reach="10",
        standing_long_jump="240",
        pull_up="8",
    ),
    # flagged 立定跳远 → incomplete, no level
    student(
        21,
        "M",
        flagged=frozenset({"standing_long_jump"}),
        height="160",
        weight="50",
        vital_capacity="3000",
        run_50m="8",
        sit_and_reach="9",
        pull_up="5",
        run_1000m="240",
    ),
    # 免测
    student(15, "F", exempt=True, height="140", weight="35"),
]


def test_matches_score_student() -> None:
    results = fitness_results(CASES)
    assert len(results) == len(CASES)
    for record, got in zip(CASES, results, strict=True):
        assert set(got) == set(COMPUTED_FIELDS)
        ref = score_student(record)
        assert got["status"] == ref.status
        assert got["bmi"] == ref.bmi
        bmi_item = ref.item("bmi")
        assert got["bmi_band"] == (BMI_BAND_FROM_ZH[bmi_item.band] if bmi_item.band else "")
        assert got["item_scores"] == {r.item: r.score for r in ref.items if r.status == ItemStatus.SCORED}
        assert got["standard_score"] == ref.standard_score
        assert got["bonus"] == ref.bonus
        assert got["total"] == ref.total
        assert got["level"] == (LEVEL_FROM_ZH[ref.level] if ref.level else "")
        assert got["standard_version"] == standard_version()


def test_hand_values() -> None:
    complete, girl, incomplete, flagged, exempt = fitness_results(CASES)
    assert complete["status"] == FitnessStatus.COMPLETE and complete["level"] in FitnessLevel.values
    assert complete["bmi"] == D("15.3")  # 22 / 1.2² = 15.28 → 15.3
    assert girl["bmi"] == D("19.2")  # 48.25 / 1.585² = 19.206 → 19.2
    assert incomplete["status"] == FitnessStatus.INCOMPLETE
    assert incomplete["bmi"] == D("26.1")  # 80 / 1.75² = 26.12
    assert incomplete["bmi_band"] == BmiBand.OVERWEIGHT  # 高三男 超重 23.9–27.3 (bmi_bands.csv)
    assert "run_1000m" not in incomplete["item_scores"]
    assert incomplete["standard_score"] is None and incomplete["total"] is None and incomplete["level"] == ""
    assert (
        flagged["status"] == FitnessStatus.INCOMPLETE and "standing_long_jump" not in flagged["item_scores"]
    )
    assert exempt == {
        **exempt,
        "status": "exempt",
        "item_scores": {},
        "total": None,
        "level": "",
        "bonus": None,
    }


def test_empty() -> None:
    assert fitness_results([]) == []


def test_version_is_stable() -> None:
    assert standard_version() == standard_version()
    assert standard_version().startswith("2014:") and len(standard_version()) <= 40


def test_input_table_is_students_to_table() -> None:
    from tisheng.health.results import input_table
    from tisheng.health.scoring import students_to_table

    # edges of the rounding towards the worse result: 8.51 s → 86 tenths (up), 12.39 cm → 123 (down)
    edges = [
        student(21, "M", run_50m="8.51", sit_and_reach="12.39", height="160.05", weight="50.01"),
        student(21, "F", run_800m="200.05", standing_long_jump="1.85", vital_capacity="2500.7"),
    ]
    records = CASES + edges
    assert input_table(records).equals(students_to_table(records))
