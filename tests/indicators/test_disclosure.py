"""Complementary suppression (:mod:`tisheng.indicators.engine.disclosure`): no withheld small group can be
worked out by subtracting shown values from a shown total."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.engine.disclosure import Key, complementary, published_sums

RATE = "health.fitness_excellent_good_rate"
CHANGE = "health.myopia_rate_change"
MYOPIA = "health.myopia_rate"
PREVIOUS = "health.myopia_rate_previous"
DEFINITIONS = catalogue()
TOWNS = {"S1": "T1", "S2": "T1", "S3": "T1", "S4": "T1", "S5": "T2", "S6": "T2"}


@dataclass(frozen=True)
class Cell:
    key: Key
    rows: int
    denominator: Fraction | None


def cell(
    level: str, org: str, students: int, *, stage: str = "", breakdown: str = "", indicator: str = RATE
) -> Cell:
    return Cell((indicator, level, org, stage, breakdown), students, Fraction(students))


def test_the_other_sex_of_a_small_group_is_withheld_too() -> None:
    """一年级 has 7 girls and 23 boys: with the girls withheld and the total shown, the boys must go too."""
    cells = [
        cell("school", "S1", 30),
        cell("school", "S1", 30, breakdown="grade=11"),
        cell("school", "S1", 7, breakdown="sex=F"),
        cell("school", "S1", 23, breakdown="sex=M"),
        cell("school", "S1", 7, breakdown="grade=11,sex=F"),
        cell("school", "S1", 23, breakdown="grade=11,sex=M"),
    ]
    extra = complementary(cells, DEFINITIONS, TOWNS)
    assert extra == {
        (RATE, "school", "S1", "", "sex=M"),
        (RATE, "school", "S1", "", "grade=11,sex=M"),
    }


def test_a_small_school_takes_two_more_schools_of_its_town_with_it() -> None:
    """Among schools three must be withheld: each school's own users know their own value."""
    cells = [
        cell("district", "D", 1000),
        cell("town", "T1", 400),
        cell("town", "T2", 600),
        cell("school", "S1", 8),
        cell("school", "S2", 150),
        cell("school", "S3", 40),
        cell("school", "S4", 202),
        cell("school", "S5", 300),
        cell("school", "S6", 300),
    ]
    extra = complementary(cells, DEFINITIONS, TOWNS)
    # the two smallest other schools, by students
    assert extra == {(RATE, "school", "S3", "", ""), (RATE, "school", "S2", "", "")}


def test_a_town_with_too_few_schools_is_withheld_and_then_another_town() -> None:
    towns = {"S1": "T1", "S2": "T1", "S5": "T2", "S6": "T3"}
    cells = [
        cell("district", "D", 1000),
        cell("town", "T1", 108),
        cell("town", "T2", 300),
        cell("town", "T3", 592),
        cell("school", "S1", 8),
        cell("school", "S2", 100),
        cell("school", "S5", 300),
        cell("school", "S6", 592),
    ]
    extra = complementary(cells, DEFINITIONS, towns)
    assert extra == {(RATE, "town", "T1", "", ""), (RATE, "town", "T2", "", "")}


def test_parts_with_nobody_behind_them_are_never_chosen() -> None:
    cells = [
        cell("school", "S1", 30),
        cell("school", "S1", 7, stage="primary"),
        cell("school", "S1", 0, stage="junior"),
        cell("school", "S1", 23, stage="senior"),
    ]
    extra = complementary(cells, DEFINITIONS, TOWNS)
    assert extra == {(RATE, "school", "S1", "senior", "")}


def test_two_small_parts_protect_each_other() -> None:
    cells = [
        cell("school", "S1", 12),
        cell("school", "S1", 5, stage="primary"),
        cell("school", "S1", 7, stage="junior"),
    ]
    assert complementary(cells, DEFINITIONS, TOWNS) == set()


def test_a_change_is_withheld_wherever_either_rate_is() -> None:
    cells = [
        cell("school", "S1", 40, indicator=MYOPIA),
        cell("school", "S1", 40, indicator=PREVIOUS),
        cell("school", "S1", 40, indicator=CHANGE),
        cell("school", "S1", 9, breakdown="sex=F", indicator=MYOPIA),
        cell("school", "S1", 31, breakdown="sex=M", indicator=MYOPIA),
        cell("school", "S1", 20, breakdown="sex=F", indicator=PREVIOUS),
        cell("school", "S1", 20, breakdown="sex=M", indicator=PREVIOUS),
        cell("school", "S1", 20, breakdown="sex=F", indicator=CHANGE),
        cell("school", "S1", 20, breakdown="sex=M", indicator=CHANGE),
    ]
    extra = complementary(cells, DEFINITIONS, TOWNS)
    assert (CHANGE, "school", "S1", "", "sex=F") in extra  # this year's girls are a small group
    assert (MYOPIA, "school", "S1", "", "sex=M") in extra  # complementary
    assert (CHANGE, "school", "S1", "", "sex=M") in extra  # follows the complementary rate
    assert (CHANGE, "school", "S1", "", "") not in extra


def test_indicators_without_a_minimum_group_are_left_alone() -> None:
    plain = next(i for i, d in DEFINITIONS.items() if not d.min_group and d.kind == "ratio")
    cells = [
        cell("school", "S1", 30, indicator=plain),
        cell("school", "S1", 3, breakdown="sex=F", indicator=plain),
    ]
    assert complementary(cells, DEFINITIONS, TOWNS) == set()


GRADES = ("11", "12", "13")
SEXES = ("M", "F")


def school_cells(org: str, counts: dict[tuple[str, str], int]) -> list[Cell]:
    cells = [cell("school", org, sum(counts.values()))]
    for g in GRADES:
        cells.append(cell("school", org, sum(counts[(g, s)] for s in SEXES), breakdown=f"grade={g}"))
    for s in SEXES:
        cells.append(cell("school", org, sum(counts[(g, s)] for g in GRADES), breakdown=f"sex={s}"))
    for (g, s), n in counts.items():
        cells.append(cell("school", org, n, breakdown=f"grade={g},sex={s}"))
    return cells


counts_strategy = st.fixed_dictionaries({(g, s): st.integers(0, 40) for g in GRADES for s in SEXES})


@settings(max_examples=150, deadline=None)
@given(st.lists(counts_strategy, min_size=6, max_size=6))
def test_no_shown_total_has_a_single_withheld_part(tables: list[dict[tuple[str, str], int]]) -> None:
    """For any district of six schools in two towns, by grade and sex: every small group is withheld,
    and in every sum whose total is shown the withheld parts are none or enough (2; 3 among schools)."""
    cells: list[Cell] = []
    for i, counts in enumerate(tables, start=1):
        cells += school_cells(f"S{i}", counts)
    by_key = {c.key: c for c in cells}
    for town, members in (("T1", ("S1", "S2", "S3", "S4")), ("T2", ("S5", "S6"))):
        for c in [c for c in cells if c.key[2] in members]:
            key = (RATE, "town", town, "", c.key[4])
            total = by_key.get(key)
            by_key[key] = Cell(key, (total.rows if total else 0) + c.rows, None)
    for c in [c for c in by_key.values() if c.key[1] == "town"]:
        key = (RATE, "district", "D", "", c.key[4])
        total = by_key.get(key)
        by_key[key] = Cell(key, (total.rows if total else 0) + c.rows, None)
    cells = [Cell(c.key, c.rows, Fraction(c.rows)) for c in by_key.values()]

    extra = complementary(cells, DEFINITIONS, TOWNS)
    small = {c.key for c in cells if DEFINITIONS[RATE].small_group(c.rows, c.denominator)}
    withheld = small | extra
    assert not extra & small
    for s in published_sums(by_key, TOWNS):
        if s.total in withheld:
            continue
        hidden = [p for p in s.parts if p in withheld and by_key[p].rows > 0]
        assert not hidden or len(hidden) >= s.least_withheld, (s, hidden)
