"""The compiled 《国家学生体质健康标准（2014年修订）》 tables: coverage, interval tables, missing cells, units."""

from __future__ import annotations

import copy
import csv
from decimal import Decimal
from itertools import pairwise

import pytest

from tisheng.health.scoring import PLAUSIBLE, unit_bounds
from tisheng.standards import StandardsError
from tisheng.standards.fitness import (
    FITNESS,
    GRADE_CODES,
    BmiBand,
    build,
    fitness,
    to_units,
    verification_rank,
)


def rows(name: str) -> list[dict[str, str]]:
    with (FITNESS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_grade_and_sex_has_weights_tables_and_bmi_bands() -> None:
    std = fitness()
    assert set(GRADE_CODES) == {11, 12, 13, 14, 15, 16, 21, 22, 23, 31, 32, 33, 41, 42, 43, 44}
    for grade in GRADE_CODES:
        for sex in ("M", "F"):
            items = std.items_for(grade, sex)
            assert items[0] == "bmi"
            assert sum(std.weights[(grade, sex)][i].pct for i in items) == 100
            assert (sex, grade) in std.bmi
            for item in items[1:]:
                assert std.table(item, sex, grade).intervals


def test_items_by_group_follow_rules_yaml() -> None:
    std = fitness()
    assert std.items_for(11, "M") == ("bmi", "vital_capacity", "run_50m", "sit_and_reach", "rope_skip_1min")
    assert "sit_up_1min" in std.items_for(13, "F") and "shuttle_50x8" not in std.items_for(14, "F")
    assert "shuttle_50x8" in std.items_for(16, "M")
    assert std.items_for(22, "M")[-2:] == ("pull_up", "run_1000m")
    girls = (
        "bmi",
        "vital_capacity",
        "run_50m",
        "sit_and_reach",
        "sit_up_1min",
        "standing_long_jump",
        "run_800m",
    )
    assert std.items_for(33, "F") == girls
    assert std.items_for(44, "F") == girls


@pytest.mark.parametrize("key", sorted(fitness().tables, key=str))
def test_intervals_cover_every_integer_once(key: tuple[str, str, int]) -> None:
    intervals = fitness().tables[key].intervals
    assert intervals[0].lo is None and intervals[-1].hi is None
    for a, b in pairwise(intervals):
        assert a.hi is not None and a.hi == b.lo
        assert a.lo is None or a.lo < a.hi


def test_readme_example_and_lower_better_edges() -> None:
    table = fitness().table("run_1000m", "M", 31)  # 高一男 1000 m
    assert table.item.scale == 1
    assert table.lookup(230).score == 80  # 3'50" (shared/standards/README.md)
    assert table.lookup(210).score == 100  # 3'30" is the 100-point threshold (<=)
    assert table.lookup(211).score == 95


def test_units_follow_the_data_decimals() -> None:
    items = fitness().items
    assert items["run_50m"].scale == 10  # tenths of a second
    assert items["sit_and_reach"].scale == 10  # mm
    assert items["standing_long_jump"].scale == 1
    assert items["vital_capacity"].scale == 1
    assert items["bmi"].scale == 10


def test_to_units_rounds_towards_the_worse_result() -> None:
    assert to_units(Decimal("8.55"), 10, "lower_better") == 86  # a time: up
    assert to_units(Decimal("8.5"), 10, "lower_better") == 85
    assert to_units(Decimal("185.7"), 1, "higher_better") == 185  # a distance: down
    assert to_units(Decimal("-0.05"), 10, "higher_better") == -1


def test_pull_up_blank_rows_are_not_levels() -> None:
    table = fitness().table("pull_up", "M", 31)  # 高一
    assert [c.score for c in table.cells if 60 < c.score < 80] == [76, 72, 68, 64]
    assert table.lookup(11).score == 76  # rules.yaml: 高一 11 reps -> 76 points, not 78
    assert table.lookup(12).score == 80
    assert table.missing_levels == ()


def test_junior_pull_up_missing_cells_give_missing_not_zero() -> None:
    std = fitness()
    first = std.table("pull_up", "M", 21)  # 初一: 20 and 10 points have no value
    assert first.missing_levels == (20, 10)
    assert first.lookup(0).missing and first.lookup(0).score is None
    assert first.lookup(1).score == 30
    second = std.table("pull_up", "M", 22)  # 初二: 10 points has no value
    assert second.missing_levels == (10,)
    assert second.lookup(0).missing
    assert second.lookup(1).score == 20
    assert "初一" in first.missing_note and "rules.yaml" in first.missing_note
    assert std.table("pull_up", "M", 23).lookup(0).score == 0  # 初三: complete (1 rep = 10 points)


def test_a_missing_cell_in_the_middle_makes_only_its_stretch_missing() -> None:
    scores = rows("scores.csv")
    for r in scores:
        if (r["item"], r["sex"], r["grade_code"], r["score"]) == ("vital_capacity", "M", "11", "70"):
            r["threshold"], r["verification"] = "", "missing"
    std = build(scores, rows("bmi_bands.csv"), rows("weights.csv"), rows("bonus.csv"), fitness().rules)
    table = std.table("vital_capacity", "M", 11)
    assert table.missing_levels == (70,)
    assert table.lookup(939).score == 66
    # between the 68-point value (940) and the 72-point value (1060) the answer is 68 or 70: unknown
    assert table.lookup(940).missing and table.lookup(1000).missing and table.lookup(1059).missing
    assert table.lookup(1060).score == 72


def test_a_missing_bmi_bound_makes_the_gap_missing() -> None:
    bands = rows("bmi_bands.csv")
    bands = [b for b in bands if (b["sex"], b["grade_code"], b["band"]) != ("M", "11", "超重")]
    std = build(rows("scores.csv"), bands, rows("weights.csv"), rows("bonus.csv"), fitness().rules)
    table = std.bmi_table("M", 11)
    assert table.lookup(181).label == "正常"
    assert table.lookup(182).missing and table.lookup(203).missing
    assert table.lookup(204).label == "肥胖"


def test_verification_is_kept_per_interval() -> None:
    std = fitness()
    assert std.table("vital_capacity", "F", 21).lookup(2750).verification == "single_source"  # 初一 C_VB only
    assert std.table("vital_capacity", "F", 22).lookup(2750).verification == "multi_source"
    # 大学女 坐位体前屈 rows 85..10 were conflicts; the 90-point stretch rests on 90 (multi) and 95 (multi)
    table = std.table("sit_and_reach", "F", 41)
    assert table.lookup(222).verification == "multi_source"
    assert table.lookup(206).verification == "conflict_resolved"
    assert verification_rank("single_source") > verification_rank("multi_source")


def test_bonus_tables_and_caps() -> None:
    std = fitness()
    assert std.bonus_caps == {"primary": 20, "secondary": 10}
    assert std.total_bonus_cap == 20
    rope = std.bonus[("rope_skip_1min", "M", 11)]  # 100 points at 109 jumps; 1 point per 2 more
    assert rope.cap == 20
    assert rope.lookup(110).score == 0 and rope.lookup(111).score == 1 and rope.lookup(149).score == 20
    assert rope.lookup(400).score == 20  # capped
    run = std.bonus[("run_1000m", "M", 22)]  # 100 points at 230 s; 4 s per point for 20 s, then 3 s
    assert run.lookup(227).score == 0 and run.lookup(226).score == 1
    assert run.lookup(210).score == 5 and run.lookup(207).score == 6 and run.lookup(195).score == 10
    assert ("sit_up_1min", "F", 13) not in std.bonus  # 小学 仰卧起坐 earns no 附加分
    assert ("pull_up", "M", 21) in std.bonus


def test_grade_bands_are_contiguous_at_one_decimal() -> None:
    bands = {b.level: (b.lo10, b.hi10) for b in fitness().grade_bands}
    assert bands == {"优秀": (900, None), "良好": (800, 900), "及格": (600, 800), "不及格": (None, 600)}


def test_plausible_ranges_contain_every_threshold_and_bonus_threshold() -> None:
    std = fitness()
    for (item, _sex, _grade), table in std.tables.items():
        lo, hi = unit_bounds(item)
        for cell in table.known:
            assert lo < cell.units < hi, (item, cell)  # type: ignore[operator]
    for (item, _sex, _grade), bonus in std.bonus.items():
        lo, hi = unit_bounds(item)
        for iv in bonus.intervals:
            for bound in (iv.lo, iv.hi):
                assert bound is None or lo < bound <= hi, (item, iv)
    for bmi in std.bmi.values():
        for band in bmi.bands:
            for bound in (band.minimum, band.maximum):
                assert bound is None or PLAUSIBLE["bmi"].minimum < bound < PLAUSIBLE["bmi"].maximum


def test_inconsistent_tables_are_refused_in_chinese() -> None:
    scores = rows("scores.csv")
    for r in scores:
        if (r["item"], r["sex"], r["grade_code"], r["score"]) == ("run_50m", "M", "11", "95"):
            r["threshold"] = "9.9"  # faster than the 100-point threshold: not monotonic
    with pytest.raises(StandardsError, match="不单调"):
        build(scores, rows("bmi_bands.csv"), rows("weights.csv"), rows("bonus.csv"), fitness().rules)
    bands = rows("bmi_bands.csv")
    bands[0] = {**bands[0], "bmi_max_inclusive": "18.5"}  # 正常 overlaps 超重
    with pytest.raises(StandardsError, match="重叠"):
        build(rows("scores.csv"), bands, rows("weights.csv"), rows("bonus.csv"), fitness().rules)
    rules = copy.deepcopy(fitness().rules)
    rules["total_score"]["bonus_items"]["小学"] = "一分钟跳绳 (max 15 points)"
    with pytest.raises(StandardsError, match="上限"):
        build(rows("scores.csv"), rows("bmi_bands.csv"), rows("weights.csv"), rows("bonus.csv"), rules)


def test_bmi_bands_keep_their_verification() -> None:
    bands: tuple[BmiBand, ...] = fitness().bmi_table("F", 21).bands
    assert {b.band: b.verification for b in bands}["肥胖"] == "single_source"
