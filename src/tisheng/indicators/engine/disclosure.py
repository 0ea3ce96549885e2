"""Complementary suppression (次级隐藏): which shown values must also be withheld so that no withheld small
group can be worked out from the values around it.

A value of an indicator with ``min_group`` that rests on fewer students is withheld outside its school
(primary suppression, :meth:`Definition.small_group`). That alone is not enough: the values of one
indicator add up. A school's total is the sum of its grades (and of its two sexes, and each grade of its
two sexes), a town's of its schools, the district's of its towns, and an all-stages value of its stages —
numerator and denominator alike. When exactly one part of such a sum is withheld and the sum and the
other parts are shown, the withheld part is the difference: a school's withheld 7 girls of 一年级 are
its 一年级 total less its boys.

The rule applied here, to a fixed point, is the one statistical offices apply to tables with margins: in
every sum whose total is shown, the withheld parts are none, or at least two (at least three where the
parts are different schools, because each school's own users see their own withheld value and could
subtract it too). Where a sum has exactly one withheld part (two among schools), the shown part with
the fewest students (then the lowest key, so the choice is reproducible) is withheld as well; where no
shown part is left to withhold, the total is withheld, and that total's own sums are checked in turn.
A ``difference`` (this year's rate less last year's) is withheld wherever either of its two rates is,
since with one rate shown the other follows.

This prevents the one-step subtraction a reader can do with a calculator. It does not claim to defeat
every linear-algebra attack on the whole set of published tables; the published tables are sums over one
hierarchy at a time, for which this rule is the usual standard. The module is pure: it takes the
results of a computation and gives back the keys to withhold, and imports no Django.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tisheng.indicators.catalogue import BARE_DIMENSION, Definition, parse_breakdown

#: (indicator, level, org, stage, breakdown), as :attr:`.compute.Result.key`
Key = tuple[str, str, str, str, str]


class Cell(Protocol):
    """What the rule reads of a value (an engine ``Result`` has all of it)."""

    @property
    def key(self) -> Key: ...

    @property
    def rows(self) -> int: ...

    @property
    def denominator(self) -> object: ...


@dataclass(frozen=True)
class Sum:
    """One published sum: ``total`` is the sum of ``parts``; ``schools`` when the parts are schools."""

    total: Key
    parts: tuple[Key, ...]
    schools: bool = False

    @property
    def least_withheld(self) -> int:
        return 3 if self.schools else 2


def _breakdown_sums(indicator: str, level: str, org: str, stage: str, keys: Iterable[str]) -> list[Sum]:
    """The sums among one organisation's breakdown rows: the total over each dimension, and every row
    with some dimensions fixed over each dimension not yet fixed (``grade=11`` over the sexes)."""
    parsed = {key: parse_breakdown(key) for key in keys}
    sums: list[Sum] = []
    for key, fixed in parsed.items():
        if BARE_DIMENSION in fixed:
            continue
        dimensions = {d for other in parsed.values() for d in other} - set(fixed)
        for dimension in sorted(dimensions):
            parts = tuple(
                other
                for other, values in parsed.items()
                if set(values) == set(fixed) | {dimension} and all(values[d] == v for d, v in fixed.items())
            )
            if parts:
                total: Key = (indicator, level, org, stage, key)
                sums.append(Sum(total, tuple((indicator, level, org, stage, p) for p in parts)))
    return sums


def published_sums(keys: Iterable[Key], town_of_school: Mapping[str, str]) -> list[Sum]:
    """Every sum among ``keys`` (one additive indicator's values): breakdowns within an organisation and
    stage, stages within an organisation and breakdown, schools within their town, towns within the
    district."""
    keys = list(keys)
    present = set(keys)
    by_org: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    stages_of: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    schools_of: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    towns_of: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    district: dict[tuple[str, str, str], str] = {}
    for indicator, level, org, stage, breakdown in keys:
        by_org[(indicator, level, org, stage)].append(breakdown)
        if stage:
            stages_of[(indicator, level, org, breakdown)].append(stage)
        if level == "school" and org in town_of_school:
            schools_of[(indicator, town_of_school[org], stage, breakdown)].append(org)
        elif level == "town":
            towns_of[(indicator, stage, breakdown)].append(org)
        elif level == "district":
            district[(indicator, stage, breakdown)] = org

    sums: list[Sum] = []
    for (indicator, level, org, stage), breakdowns in by_org.items():
        sums += _breakdown_sums(indicator, level, org, stage, breakdowns)
    for (indicator, level, org, breakdown), stages in stages_of.items():
        total: Key = (indicator, level, org, "", breakdown)
        if total in present:
            sums.append(Sum(total, tuple((indicator, level, org, s, breakdown) for s in sorted(stages))))
    for (indicator, town, stage, breakdown), schools in schools_of.items():
        total = (indicator, "town", town, stage, breakdown)
        if total in present:
            parts = tuple((indicator, "school", s, stage, breakdown) for s in sorted(schools))
            sums.append(Sum(total, parts, schools=True))
    for (indicator, stage, breakdown), towns in towns_of.items():
        org = district.get((indicator, stage, breakdown))
        if org is not None:
            parts = tuple((indicator, "town", t, stage, breakdown) for t in sorted(towns))
            sums.append(Sum((indicator, "district", org, stage, breakdown), parts))
    return sums


def _size(cell: Cell) -> tuple[float, int]:
    denominator = cell.denominator
    return (float(denominator) if denominator is not None else float(cell.rows), cell.rows)  # type: ignore[arg-type]


def complementary(
    cells: Sequence[Cell], definitions: Mapping[str, Definition], town_of_school: Mapping[str, str]
) -> set[Key]:
    """The keys of the values to withhold besides the small groups themselves (complementary
    suppression), for every indicator with ``min_group``. ``town_of_school`` maps school codes to town
    codes. Values with no students behind them (``rows`` 0) protect nothing and are never chosen."""
    guarded = {i for i, d in definitions.items() if d.min_group}
    by_key: dict[Key, Cell] = {c.key: c for c in cells if c.key[0] in guarded}
    primary = {k for k, c in by_key.items() if definitions[k[0]].small_group(c.rows, c.denominator)}
    additive = [k for k in by_key if definitions[k[0]].kind != "difference"]
    sums = published_sums(additive, town_of_school)
    containing: dict[Key, list[Sum]] = defaultdict(list)
    for s in sums:
        for part in s.parts:
            containing[part].append(s)
        containing[s.total].append(s)

    withheld = set(primary)
    queue = list(sums)
    while queue:
        s = queue.pop()
        if s.total in withheld:
            continue
        # a part with nobody behind it hides nothing (its count, 0, is shown), withheld or not
        hidden = [p for p in s.parts if p in withheld and by_key[p].rows > 0]
        if not hidden or len(hidden) >= s.least_withheld:
            continue
        shown = sorted(
            (p for p in s.parts if p not in withheld and by_key[p].rows > 0),
            key=lambda p: (_size(by_key[p]), p),
        )
        more = shown[: s.least_withheld - len(hidden)]
        chosen = more if len(more) == s.least_withheld - len(hidden) else [s.total]
        for key in chosen:
            withheld.add(key)
            queue.extend(containing[key])

    for key in by_key:
        definition = definitions[key[0]]
        if definition.kind == "difference":
            _, level, org, stage, breakdown = key
            if any(
                (rate, level, org, stage, breakdown) in withheld for rate in (definition.of, definition.minus)
            ):
                withheld.add(key)
    return withheld - primary
