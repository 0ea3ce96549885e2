"""《国家学生体质健康标准（2014年修订）》 compiled into lookup tables (体测评分表).

The package data in ``data/fitness/`` (a verbatim copy of ``shared/standards/fitness``) is read once and
compiled into **interval tables** in integer units: for every (item, sex, 年级编号) a list of rows
``lo <= units < hi → score`` that covers every integer, plus BMI bands per (sex, grade), the weights, the
附加分 tables (margin beyond the 100-point threshold → points) and their caps. Interval tables are what the
portable engines join on (equality on item/sex/grade, range on the value; no OR, no asof join); integer
units keep every comparison with a cut-off exact.

Units (``ItemInfo.scale`` = units per natural unit, taken from the decimals the data uses): 肺活量 ml,
50米跑 tenths of a second, 坐位体前屈 mm (cm × 10), 立定跳远 cm, 50米×8往返跑 / 1000米跑 / 800米跑 whole seconds,
counts as counts; BMI × 10 after rounding to one decimal (half-up, rules.yaml ``bmi.rounding``). A result
finer than the table (8.55 s) converts with :func:`to_units`: up for ``lower_better`` items (8.55 → 86),
down for ``higher_better`` items (185.7 cm → 185). Because every threshold is a whole number of units,
this gives exactly the comparison of the raw value with the threshold (and matches athletics practice:
times are rounded up, distances down).

Lookup rule (rules.yaml ``item_score_lookup``, verification ``convention``): the item score is the highest
level whose threshold the result reaches (``>=`` for higher_better, ``<=`` for lower_better), 0 below the
lowest level. Levels the official table leaves blank (引体向上 78/74/70/66/62) are not levels at all.
A level that should exist but has no value (``missing`` — e.g. 初一 引体向上 20 and 10 points) makes the
interval that depends on it ``missing``: its lookup says so (``score is None``), it never guesses 0.

Every interval keeps the weakest ``verification`` of the cells it rests on (the threshold reached and the
next one up), so a score can say whether it rests on single-source or unverified cells.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cache
from itertools import pairwise
from typing import Any

import yaml

from tisheng.standards import DATA, VERIFICATION_LABELS, WEAK_VERIFICATION, StandardsError

__all__ = [
    "BMI_ITEM",
    "BMI_SCALE",
    "GRADE_CODES",
    "GRADE_NAMES",
    "ITEM_ORDER",
    "VERIFICATION_ORDER",
    "BmiBand",
    "BmiTable",
    "BonusStep",
    "BonusTable",
    "Cell",
    "FitnessStandard",
    "GradeBand",
    "Interval",
    "ItemInfo",
    "ScoreTable",
    "build",
    "fitness",
    "is_weak",
    "stage_of",
    "to_units",
    "verification_label",
    "verification_rank",
    "weakest",
]

FITNESS = DATA / "fitness"

#: 年级编号 of the national data upload: 小学一–六年级, 初一–初三, 高一–高三, 大一–大四
GRADE_CODES: tuple[int, ...] = (11, 12, 13, 14, 15, 16, 21, 22, 23, 31, 32, 33, 41, 42, 43, 44)
GRADE_NAMES: dict[int, str] = {
    11: "一年级",
    12: "二年级",
    13: "三年级",
    14: "四年级",
    15: "五年级",
    16: "六年级",
    21: "初一",
    22: "初二",
    23: "初三",
    31: "高一",
    32: "高二",
    33: "高三",
    41: "大一",
    42: "大二",
    43: "大三",
    44: "大四",
}
SEXES = ("M", "F")
SEX_NAMES = {"M": "男", "F": "女"}

BMI_ITEM = "bmi"
#: BMI is looked up × 10 after rounding to one decimal (rules.yaml bmi.rounding; bands are at 0.1)
BMI_SCALE = 10
#: the order items are shown and stored in (weights.csv item ids)
ITEM_ORDER: tuple[str, ...] = (
    BMI_ITEM,
    "vital_capacity",
    "run_50m",
    "sit_and_reach",
    "rope_skip_1min",
    "sit_up_1min",
    "shuttle_50x8",
    "standing_long_jump",
    "pull_up",
    "run_1000m",
    "run_800m",
)

#: verification levels, strongest first (a score rests on the weakest of its cells)
VERIFICATION_ORDER: tuple[str, ...] = (
    "multi_source",
    "conflict_resolved",
    "single_source",
    "convention",
    "inferred_unverified",
    "unverified",
    "missing",
)
_RANK = {level: i for i, level in enumerate(VERIFICATION_ORDER)}

#: the 附加分 cap for the whole 学年总分 (rules.yaml total_score: "附加分, max 20"; 学年总分 max 120)
TOTAL_BONUS_CAP = 20

HIGHER = "higher_better"
LOWER = "lower_better"


def verification_rank(level: str) -> int:
    try:
        return _RANK[level]
    except KeyError:
        raise StandardsError(f"未知的核实等级：{level!r}（可选：{'、'.join(VERIFICATION_ORDER)}）") from None


def weakest(levels: Iterable[str]) -> str:
    """The weakest of several verification levels (``multi_source`` when there are none)."""
    return VERIFICATION_ORDER[max((verification_rank(v) for v in levels), default=0)]


def is_weak(level: str) -> bool:
    """True for levels a user must be told about: unverified, inferred or missing."""
    return level in WEAK_VERIFICATION


def stage_of(grade: int) -> str:
    """'primary' for 11–16, 'secondary' for 初中/高中/大学 (the 附加分 groups of rules.yaml)."""
    if grade not in GRADE_NAMES:
        raise StandardsError(f"未知的年级编号：{grade}（应为 11–16、21–23、31–33 或 41–44）")
    return "primary" if grade < 20 else "secondary"


def to_units(value: Decimal | int, scale: int, direction: str) -> int:
    """A result in natural units → integer table units, exactly: rounded towards the worse result
    (up for lower_better, down for higher_better), which keeps ``value <op> threshold`` unchanged."""
    scaled = Decimal(value) * scale
    rounding = ROUND_CEILING if direction == LOWER else ROUND_FLOOR
    return int(scaled.to_integral_value(rounding=rounding))


# --- the compiled objects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInfo:
    """A test item (测试项目) with the units its table uses."""

    id: str
    name_zh: str
    unit: str  # ml, s, cm, count; BMI: kg/m2
    direction: str  # higher_better | lower_better
    scale: int  # integer units per natural unit (10 = tenths)

    def units(self, value: Decimal | int) -> int:
        return to_units(value, self.scale, self.direction)


@dataclass(frozen=True)
class Cell:
    """One cell of a score table (评分表的一格): the result needed for ``score`` points.
    ``threshold`` is None for a ``missing`` cell (no consulted source has it)."""

    item: str
    sex: str
    grade: int
    score: int
    threshold: Decimal | None
    units: int | None
    verification: str
    sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def missing(self) -> bool:
        return self.threshold is None


@dataclass(frozen=True)
class Interval:
    """``lo <= units < hi`` → ``score`` (None = unbounded side). ``score is None`` marks a missing
    stretch: the official value that decides it is not known. ``label`` names BMI bands."""

    lo: int | None
    hi: int | None
    score: int | None
    verification: str
    label: str = ""

    @property
    def missing(self) -> bool:
        return self.score is None

    def contains(self, units: int) -> bool:
        return (self.lo is None or units >= self.lo) and (self.hi is None or units < self.hi)


def _lookup(intervals: Sequence[Interval], units: int) -> Interval:
    lows = [iv.lo for iv in intervals[1:] if iv.lo is not None]  # every interval but the first has one
    return intervals[bisect_right(lows, units)]


@dataclass(frozen=True)
class ScoreTable:
    """The score table of one item for one sex and grade (单项评分表), compiled to intervals."""

    item: ItemInfo
    sex: str
    grade: int
    cells: tuple[Cell, ...]  # every expected level, highest score first (missing ones included)
    intervals: tuple[Interval, ...]  # ascending in units, covering every integer
    missing_note: str = ""

    @property
    def known(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if not c.missing)

    @property
    def missing_levels(self) -> tuple[int, ...]:
        return tuple(c.score for c in self.cells if c.missing)

    def cell(self, score: int) -> Cell | None:
        return next((c for c in self.cells if c.score == score), None)

    def lookup(self, units: int) -> Interval:
        return _lookup(self.intervals, units)

    @property
    def label(self) -> str:
        return f"{GRADE_NAMES[self.grade]}{SEX_NAMES[self.sex]}生{self.item.name_zh}"


@dataclass(frozen=True)
class BmiBand:
    """A BMI band (体重指数等级): 正常 100, 低体重 80, 超重 80, 肥胖 60; bounds inclusive at 0.1."""

    sex: str
    grade: int
    band: str
    band_en: str
    score: int
    minimum: Decimal | None
    maximum: Decimal | None
    verification: str
    sources: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class BmiTable:
    sex: str
    grade: int
    bands: tuple[BmiBand, ...]
    intervals: tuple[Interval, ...]  # on BMI × 10 (rounded), ``label`` = band

    def lookup(self, bmi10: int) -> Interval:
        return _lookup(self.intervals, bmi10)


@dataclass(frozen=True)
class BonusStep:
    points: int
    margin: Decimal  # beyond the 100-point threshold, natural units
    verification: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class BonusTable:
    """附加分 of one item for one sex and grade: results beyond the 100-point threshold earn points."""

    item: ItemInfo
    sex: str
    grade: int
    base: Cell  # the 100-point cell
    steps: tuple[BonusStep, ...]  # ascending points
    cap: int
    intervals: tuple[Interval, ...]  # on the item's units → bonus points

    def lookup(self, units: int) -> Interval:
        return _lookup(self.intervals, units)


@dataclass(frozen=True)
class Weight:
    item: str
    pct: int
    verification: str


@dataclass(frozen=True)
class GradeBand:
    """等级 of a 学年总分 rounded to one decimal: ``minimum <= total <= maximum`` (inclusive, as stated)."""

    level: str
    minimum: Decimal | None
    maximum: Decimal | None

    @property
    def lo10(self) -> int | None:
        return None if self.minimum is None else int(self.minimum * 10)

    @property
    def hi10(self) -> int | None:  # exclusive
        return None if self.maximum is None else int(self.maximum * 10) + 1


@dataclass(frozen=True, eq=False)
class FitnessStandard:
    """The whole standard, compiled. Built once by :func:`fitness` (or :func:`build` for tests); compared
    and hashed by identity, so derived tables can be cached per standard."""

    items: dict[str, ItemInfo]
    tables: dict[tuple[str, str, int], ScoreTable]
    bmi: dict[tuple[str, int], BmiTable]
    weights: dict[tuple[int, str], dict[str, Weight]]
    bonus: dict[tuple[str, str, int], BonusTable]
    bonus_caps: dict[str, int]  # per item, by stage ('primary' / 'secondary')
    total_bonus_cap: int
    grade_bands: tuple[GradeBand, ...]
    rules: dict[str, Any] = field(repr=False)

    def items_for(self, grade: int, sex: str) -> tuple[str, ...]:
        """The items a student of this grade and sex is tested in (BMI first), in ITEM_ORDER."""
        try:
            weights = self.weights[(grade, sex)]
        except KeyError:
            raise StandardsError(f"没有 {grade} 年级编号、性别 {sex} 的权重") from None
        return tuple(i for i in ITEM_ORDER if i in weights)

    def table(self, item: str, sex: str, grade: int) -> ScoreTable:
        try:
            return self.tables[(item, sex, grade)]
        except KeyError:
            raise StandardsError(
                f"《国家学生体质健康标准》没有 {GRADE_NAMES.get(grade, grade)}"
                f"{SEX_NAMES.get(sex, sex)}生的“{self.items[item].name_zh if item in self.items else item}”评分表"
            ) from None

    def bmi_table(self, sex: str, grade: int) -> BmiTable:
        try:
            return self.bmi[(sex, grade)]
        except KeyError:
            raise StandardsError(
                f"没有 {GRADE_NAMES.get(grade, grade)}{SEX_NAMES.get(sex, sex)}生的 BMI 等级表"
            ) from None

    def level_of(self, total: Decimal) -> str:
        """等级 of a total already rounded to one decimal (inclusive bounds as rules.yaml states them)."""
        for band in self.grade_bands:
            if (band.minimum is None or total >= band.minimum) and (
                band.maximum is None or total <= band.maximum
            ):
                return band.level
        raise StandardsError(f"总分 {total} 不在任何等级内")

    def interval_rows(self) -> list[dict[str, Any]]:
        """Every compiled interval as a flat row (kind = score | bmi | bonus) — the join tables."""
        rows: list[dict[str, Any]] = []
        for (item, sex, grade), table in self.tables.items():
            rows += [_row("score", item, sex, grade, iv) for iv in table.intervals]
        for (sex, grade), bmi in self.bmi.items():
            rows += [_row("bmi", BMI_ITEM, sex, grade, iv) for iv in bmi.intervals]
        for (item, sex, grade), bonus in self.bonus.items():
            rows += [_row("bonus", item, sex, grade, iv) for iv in bonus.intervals]
        return rows


def _row(kind: str, item: str, sex: str, grade: int, iv: Interval) -> dict[str, Any]:
    return {
        "kind": kind,
        "item": item,
        "sex": sex,
        "grade": grade,
        "lo": iv.lo,
        "hi": iv.hi,
        "score": iv.score,
        "label": iv.label,
        "verification": iv.verification,
    }


# --- compiling ----------------------------------------------------------------------------------------


def _compile_levels(
    levels: Sequence[tuple[int, int | None, str]], direction: str, where: str
) -> tuple[Interval, ...]:
    """(score, threshold units or None if missing, verification) → intervals covering every integer.

    A known level is reached at ``units >= t`` (higher_better) or ``units <= t`` (lower_better); the
    stretch between two known levels scores the lower one unless a missing level lies between them, in
    which case it is ``missing``; below the lowest known level the score is 0 (or missing likewise)."""
    known = sorted((s, t, v) for s, t, v in levels if t is not None)
    missing = [s for s, t, _ in levels if t is None]
    if not known:
        return (Interval(None, None, None, "missing"),)
    sign = 1 if direction == HIGHER else -1
    # in "reached" space r = sign * units every level is reached at r >= sign * t; must rise strictly
    points = [(s, sign * t, v) for s, t, v in known]
    for (s1, r1, _), (s2, r2, _) in pairwise(points):
        if r2 <= r1:
            raise StandardsError(f"评分表 {where} 不单调：{s1} 分与 {s2} 分的阈值顺序不对")
    bounds: list[tuple[int | None, int | None, int, int | None, list[str]]] = []
    lowest = points[0]
    bounds.append((None, lowest[1], 0, lowest[0], [lowest[2]]))
    for (s1, r1, v1), (s2, r2, v2) in pairwise(points):
        bounds.append((r1, r2, s1, s2, [v1, v2]))
    top = points[-1]
    bounds.append((top[1], None, top[0], None, [top[2]]))
    reached: list[Interval] = []
    for lo, hi, score, ceiling, cells in bounds:
        ambiguous = any(score < m and (ceiling is None or m < ceiling) for m in missing)
        reached.append(
            Interval(lo, hi, None, "missing") if ambiguous else Interval(lo, hi, score, weakest(cells))
        )
    if sign == 1:
        return _merge(reached)
    # back to units: r in [a, b)  <=>  units in [-b + 1, -a + 1)
    flipped = [
        Interval(
            None if iv.hi is None else -iv.hi + 1,
            None if iv.lo is None else -iv.lo + 1,
            iv.score,
            iv.verification,
        )
        for iv in reversed(reached)
    ]
    return _merge(flipped)


def _merge(intervals: Sequence[Interval]) -> tuple[Interval, ...]:
    """Join neighbours with the same outcome (e.g. two missing stretches)."""
    merged: list[Interval] = []
    for iv in intervals:
        if merged and (merged[-1].score, merged[-1].verification, merged[-1].label) == (
            iv.score,
            iv.verification,
            iv.label,
        ):
            merged[-1] = Interval(merged[-1].lo, iv.hi, iv.score, iv.verification, iv.label)
        else:
            merged.append(iv)
    return tuple(merged)


def _decimal(text: str | float | int | None) -> Decimal | None:
    if text is None:
        return None
    text = str(text).strip()
    if text == "" or text.lower() == "missing":
        return None
    return Decimal(text)


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _grade_codes(text: str) -> list[int]:
    """'11-16' / '21-23,31-33,41-44' → the grade codes."""
    codes: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if "-" in part:
            first, last = (int(x) for x in part.split("-"))
            codes += [g for g in GRADE_CODES if first <= g <= last]
        elif part:
            codes.append(int(part))
    return codes


def _expected_levels(rules: Mapping[str, Any]) -> tuple[int, ...]:
    labels = rules["item_score_lookup"]["item_grade_labels"]
    return tuple(sorted((int(s) for scores in labels.values() for s in scores), reverse=True))


def _blank_pull_up_levels(rules: Mapping[str, Any]) -> tuple[int, ...]:
    text = str(rules["item_score_lookup"]["pull_up_blank_rows"])
    match = re.search(r"(\d+(?:/\d+)+)\s*points", text)
    if not match:
        raise StandardsError(
            "rules.yaml 的 pull_up_blank_rows 中找不到空白分数段（应形如 78/74/70/66/62 points）"
        )
    return tuple(int(x) for x in match.group(1).split("/"))


def _bonus_caps(rules: Mapping[str, Any]) -> dict[str, int]:
    caps: dict[str, int] = {}
    for key, text in rules["total_score"]["bonus_items"].items():
        match = re.search(r"max\s+(\d+)\s+points", str(text))
        if not match:
            raise StandardsError(f"rules.yaml 的附加分上限无法识别：{key}: {text}")
        caps["primary" if key == "小学" else "secondary"] = int(match.group(1))
    if set(caps) != {"primary", "secondary"}:
        raise StandardsError("rules.yaml 的 bonus_items 应给出小学和初中/高中/大学的附加分上限")
    return caps


def _grade_bands(rules: Mapping[str, Any]) -> tuple[GradeBand, ...]:
    bands = tuple(
        GradeBand(str(b["level"]), _decimal(b.get("min")), _decimal(b.get("max")))
        for b in rules["grade_bands"]["bands"]
    )
    ordered = sorted(bands, key=lambda b: b.lo10 if b.lo10 is not None else -(10**9))
    for low, high in pairwise(ordered):
        if low.hi10 != high.lo10:
            raise StandardsError(f"rules.yaml 的等级 {low.level} 与 {high.level} 之间有空隙或重叠")
    return bands


def _split(text: str) -> tuple[str, ...]:
    return tuple(s for s in str(text or "").split("|") if s)


def build(
    scores: Iterable[Mapping[str, str]],
    bmi_bands: Iterable[Mapping[str, str]],
    weights: Iterable[Mapping[str, str]],
    bonus: Iterable[Mapping[str, str]],
    rules: dict[str, Any],
) -> FitnessStandard:
    """Compile the tables (rows as csv.DictReader gives them) and rules. Raises StandardsError in
    Chinese on anything inconsistent: a gap in coverage, a non-monotonic table, overlapping BMI bands."""
    scores = list(scores)
    expected = _expected_levels(rules)
    blank_pull_up = _blank_pull_up_levels(rules)

    # items: unit, direction, scale from the decimals the data uses
    items: dict[str, ItemInfo] = {}
    decimals: dict[str, int] = {}
    for r in scores:
        threshold = _decimal(r["threshold"])
        if threshold is not None:
            decimals[r["item"]] = max(decimals.get(r["item"], 0), _decimals(threshold))
        items.setdefault(r["item"], ItemInfo(r["item"], r["item_zh"], r["unit"], r["direction"], 1))
    for item_id, info in list(items.items()):
        if info.direction not in (HIGHER, LOWER):
            raise StandardsError(f"项目 {item_id} 的 direction 应为 higher_better 或 lower_better")
        items[item_id] = ItemInfo(
            info.id, info.name_zh, info.unit, info.direction, 10 ** decimals.get(item_id, 0)
        )
    items[BMI_ITEM] = ItemInfo(BMI_ITEM, "体重指数(BMI)", "kg/m2", HIGHER, BMI_SCALE)

    # score tables
    grouped: dict[tuple[str, str, int], dict[int, Cell]] = {}
    for r in scores:
        info = items[r["item"]]
        threshold = _decimal(r["threshold"])
        verification = r["verification"] if threshold is not None else "missing"
        verification_rank(verification)
        key = (r["item"], r["sex"], int(r["grade_code"]))
        cell = Cell(
            item=r["item"],
            sex=r["sex"],
            grade=key[2],
            score=int(r["score"]),
            threshold=threshold,
            units=None if threshold is None else int(threshold * info.scale),
            verification=verification,
            sources=_split(r.get("sources", "")),
            note=r.get("note", "") or "",
        )
        if cell.score in grouped.setdefault(key, {}):
            raise StandardsError(f"scores.csv 重复：{key} {cell.score} 分")
        grouped[key][cell.score] = cell
    junior_note = " ".join(str(rules["item_score_lookup"].get("pull_up_junior_low_rows", "")).split())
    tables: dict[tuple[str, str, int], ScoreTable] = {}
    for key, present in grouped.items():
        item, sex, grade = key
        levels = [s for s in expected if not (item == "pull_up" and s in blank_pull_up)]
        unexpected = set(present) - set(levels)
        if unexpected:
            raise StandardsError(f"scores.csv {key} 有标准中不存在的分数段：{sorted(unexpected)}")
        cells = tuple(
            present.get(s) or Cell(item, sex, grade, s, None, None, "missing", note="不在 scores.csv 中")
            for s in levels
        )
        where = f"{GRADE_NAMES.get(grade, grade)}{SEX_NAMES.get(sex, sex)}生{items[item].name_zh}"
        intervals = _compile_levels(
            [(c.score, c.units, c.verification) for c in cells], items[item].direction, where
        )
        missing = [c.score for c in cells if c.missing]
        note = ""
        if missing:
            note = f"{where} {'、'.join(map(str, missing))} 分的数值缺失（未在任何来源中找到）"
            if item == "pull_up":
                note += f"；rules.yaml：{junior_note}"
        tables[key] = ScoreTable(items[item], sex, grade, cells, intervals, note)

    # BMI bands
    bands_by: dict[tuple[str, int], list[BmiBand]] = {}
    for r in bmi_bands:
        lo, hi = _decimal(r["bmi_min_inclusive"]), _decimal(r["bmi_max_inclusive"])
        for bound in (lo, hi):
            if bound is not None and _decimals(bound) > 1:
                raise StandardsError(f"bmi_bands.csv 的界值 {bound} 超过一位小数")
        verification_rank(r["verification"])
        band = BmiBand(
            r["sex"], int(r["grade_code"]), r["band"], r["band_en"], int(r["score"]), lo, hi,
            r["verification"], _split(r.get("sources", "")), r.get("note", "") or "",
        )  # fmt: skip
        bands_by.setdefault((band.sex, band.grade), []).append(band)
    bmi: dict[tuple[str, int], BmiTable] = {}
    for sex_grade, bands in bands_by.items():
        bmi[sex_grade] = BmiTable(sex_grade[0], sex_grade[1], tuple(bands), _bmi_intervals(bands, sex_grade))

    # weights
    weight_map: dict[tuple[int, str], dict[str, Weight]] = {}
    for r in weights:
        key2 = (int(r["grade_code"]), r["sex"])
        weight_map.setdefault(key2, {})[r["item"]] = Weight(
            r["item"], int(r["weight_pct"]), r["verification"]
        )
    for key2, ws in weight_map.items():
        if sum(w.pct for w in ws.values()) != 100:
            raise StandardsError(f"weights.csv：{key2} 的权重之和不是 100")

    # coverage: every grade and sex has its weights, every weighted item its table
    for grade in GRADE_CODES:
        for sex in SEXES:
            if (grade, sex) not in weight_map:
                raise StandardsError(f"weights.csv 缺少 {GRADE_NAMES[grade]}{SEX_NAMES[sex]}生的权重")
            for item in weight_map[(grade, sex)]:
                if item == BMI_ITEM:
                    if (sex, grade) not in bmi:
                        raise StandardsError(f"bmi_bands.csv 缺少 {GRADE_NAMES[grade]}{SEX_NAMES[sex]}生")
                elif (item, sex, grade) not in tables:
                    raise StandardsError(
                        f"scores.csv 缺少 {GRADE_NAMES[grade]}{SEX_NAMES[sex]}生“{items[item].name_zh}”的评分表"
                    )

    # 附加分
    caps = _bonus_caps(rules)
    steps_by: dict[tuple[str, str, int], list[BonusStep]] = {}
    for r in bonus:
        verification_rank(r["verification"])
        step = BonusStep(
            int(r["bonus_points"]),
            Decimal(r["beyond_100pt_threshold"]),
            r["verification"],
            _split(r["sources"]),
        )
        for grade in _grade_codes(r["grade_codes"]):
            steps_by.setdefault((r["item"], r["sex"], grade), []).append(step)
    bonus_tables: dict[tuple[str, str, int], BonusTable] = {}
    for key, steps in steps_by.items():
        item, sex, grade = key
        table = tables.get(key)
        if table is None:
            raise StandardsError(f"bonus.csv 给出了没有评分表的附加分：{key}")
        base = table.cell(100)
        if base is None or base.missing or base.units is None:
            raise StandardsError(f"{table.label} 的 100 分阈值缺失，无法计算附加分")
        steps = sorted(steps, key=lambda s: s.points)
        cap = caps[stage_of(grade)]
        if steps[-1].points != cap:
            raise StandardsError(
                f"{table.label} 的附加分最高 {steps[-1].points} 分，与 rules.yaml 的上限 {cap} 分不符"
            )
        info = table.item
        sign = 1 if info.direction == HIGHER else -1
        bonus_levels: list[tuple[int, int | None, str]] = []
        for s in steps:
            margin_units = s.margin * info.scale
            if margin_units != margin_units.to_integral_value():
                raise StandardsError(f"{table.label} 附加分差值 {s.margin} 不是整数单位")
            bonus_levels.append(
                (
                    s.points,
                    base.units + sign * int(margin_units),
                    weakest([s.verification, base.verification]),
                )
            )
        intervals = _compile_levels(bonus_levels, info.direction, f"{table.label}附加分")
        bonus_tables[key] = BonusTable(info, sex, grade, base, tuple(steps), cap, intervals)

    return FitnessStandard(
        items={i: items[i] for i in ITEM_ORDER if i in items},
        tables=tables,
        bmi=bmi,
        weights=weight_map,
        bonus=bonus_tables,
        bonus_caps=caps,
        total_bonus_cap=TOTAL_BONUS_CAP,
        grade_bands=_grade_bands(rules),
        rules=rules,
    )


def _bmi_intervals(bands: Sequence[BmiBand], key: tuple[str, int]) -> tuple[Interval, ...]:
    """Bands (inclusive bounds at 0.1) → intervals on BMI × 10; a stretch no band covers is missing."""
    where = f"{GRADE_NAMES.get(key[1], key[1])}{SEX_NAMES.get(key[0], key[0])}生 BMI"
    spans = []
    for b in bands:
        lo = None if b.minimum is None else int(b.minimum * BMI_SCALE)
        hi = None if b.maximum is None else int(b.maximum * BMI_SCALE) + 1
        if b.verification == "missing":
            continue
        spans.append((lo, hi, b))
    spans.sort(key=lambda s: -(10**9) if s[0] is None else s[0])
    if not spans:
        return (Interval(None, None, None, "missing"),)
    out: list[Interval] = []
    if spans[0][0] is not None:
        out.append(Interval(None, spans[0][0], None, "missing"))
    for index, (lo, hi, b) in enumerate(spans):
        if index > 0:
            previous_hi = spans[index - 1][1]
            if lo is None or previous_hi is None or lo < previous_hi:
                raise StandardsError(f"{where} 的等级范围重叠（{b.band}）")
            if lo > previous_hi:
                out.append(Interval(previous_hi, lo, None, "missing"))
        out.append(Interval(lo, hi, b.score, b.verification, b.band))
    if spans[-1][1] is not None:
        out.append(Interval(spans[-1][1], None, None, "missing"))
    return tuple(out)


def _read_csv(name: str) -> list[dict[str, str]]:
    text = (FITNESS / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@cache
def fitness() -> FitnessStandard:
    """The packaged standard, compiled once per process."""
    with (FITNESS / "rules.yaml").open(encoding="utf-8") as handle:
        rules: dict[str, Any] = yaml.safe_load(handle)
    return build(
        _read_csv("scores.csv"),
        _read_csv("bmi_bands.csv"),
        _read_csv("weights.csv"),
        _read_csv("bonus.csv"),
        rules,
    )


def verification_label(level: str) -> str:
    return VERIFICATION_LABELS.get(level, level)
