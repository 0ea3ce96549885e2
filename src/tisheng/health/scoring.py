"""Scoring by 《国家学生体质健康标准（2014年修订）》: one student at a time, or a whole table at once.

No Django. Two implementations that must agree exactly (a property test compares them):

* :func:`score_student` — the reference: a :class:`StudentRecord` in, a :class:`FitnessResult` out,
  applying the rules as written, on exact ``Decimal``/``Fraction`` values against the table cells.
* :func:`score_table` — vectorised over an Arrow table in integer units (:func:`students_to_table`).
  Engine ``duckdb`` joins the compiled interval tables (:func:`scoring_intervals`: equality on grade and
  sex, range ``lo <= value < hi``; no OR, no asof join; integer arithmetic only) — the portable form.
  Engine ``numpy`` (the default, fastest) expands the same intervals into a dense array per item and
  gathers: the same interval join, done by position.

Rules (rules.yaml in ``standards/data/fitness``) and the decisions taken where the rules leave room:

* 标准分 = Σ item score × weight (exact: hundredths of a point); 附加分 only for 一分钟跳绳 (小学) and
  引体向上/一分钟仰卧起坐/1000米跑/800米跑 (初中–大学), only beyond the 100-point threshold of the student's
  own grade and sex, at most 20 (小学 跳绳) or 10 per item, and at most 20 in all; 学年总分 = 标准分 + 附加分.
* 等级 (rules.yaml ``grade_bands``: 优秀 min 90.0; 良好 80.0–89.9; 及格 60.0–79.9; 不及格 max 59.9; applies to
  学年总分; ``rounding_note``: "round the total to one decimal before banding", unverified): the total is
  rounded half-up to one decimal and the stated bounds are inclusive. So 89.94 → 89.9 → 良好 and
  89.95 → 90.0 → 优秀; 60.0 is 及格, 59.95 rounds to 60.0 (及格), 59.94 is 不及格.
* BMI = 体重 / 身高², rounded half-up to one decimal before the band lookup (rules.yaml ``bmi.rounding``,
  "convention/unverified"); bands inclusive at 0.1.
* 免测 (rules.yaml ``other_rules_unverified``: "因病或残疾可向学校提交暂缓或免予执行《标准》的申请"): an
  exempt student is exempt from the standard, not from one item: no item is scored, no total, no 等级;
  the result says 免测 and the indicators leave the student out.
* A result that is not plausible (0 s for 50米跑, 1.85 for 立定跳远 in metres, …) is flagged (待核) and never
  scored; a required item without a result is 未测; a score that depends on a missing table cell is
  标准缺失. Any of these leaves 标准分, 学年总分 and 等级 empty — nothing is guessed.
* 毕业成绩 (:func:`graduation_score`): 50 % of the final year's 学年总分 + 50 % of the mean of the other
  years' 学年总分, banded like a 学年总分.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from itertools import pairwise
from typing import Any

import numpy as np
import pyarrow as pa

from tisheng.standards import StandardsError
from tisheng.standards.fitness import (
    BMI_ITEM,
    BMI_SCALE,
    GRADE_CODES,
    GRADE_NAMES,
    HIGHER,
    ITEM_ORDER,
    BmiTable,
    BonusTable,
    FitnessStandard,
    ScoreTable,
    fitness,
    to_units,
    verification_rank,
    weakest,
)

__all__ = [
    "BONUS_ITEMS",
    "MEASURED",
    "PLAUSIBLE",
    "FitnessResult",
    "GraduationResult",
    "ItemResult",
    "ItemStatus",
    "Plausible",
    "StudentRecord",
    "graduation_score",
    "plausibility_problem",
    "score_student",
    "score_table",
    "scoring_intervals",
    "students_to_table",
]

MEASURED: tuple[str, ...] = ITEM_ORDER[1:]
BONUS_ITEMS: tuple[str, ...] = ("rope_skip_1min", "sit_up_1min", "pull_up", "run_1000m", "run_800m")
#: bit of each name in the ``flagged`` column (items the reader could not read safely)
FLAG_BITS: dict[str, int] = {name: i for i, name in enumerate((*ITEM_ORDER, "height", "weight"))}
SEX_CODES: dict[str, int] = {"M": 1, "F": 2}  # as in the national upload file: 1 男, 2 女
BODY_SCALE = 100  # 身高 and 体重 in hundredths (0.01 cm, 0.01 kg) in the table form

STATUS_COMPLETE, STATUS_INCOMPLETE, STATUS_EXEMPT = "complete", "incomplete", "exempt"
STUDENT_STATUS_ZH = {STATUS_COMPLETE: "已评定", STATUS_INCOMPLETE: "项目不全", STATUS_EXEMPT: "免测"}
NO_VERIFICATION = 7  # "no verification" in the int8 verification columns


class ItemStatus(enum.IntEnum):
    NOT_APPLICABLE = 0  # this grade and sex is not tested in the item
    SCORED = 1
    MISSING = 2  # the score depends on a cell the standard's table lacks (标准缺失)
    FLAGGED = 3  # implausible or ambiguous result (待核), never scored
    ABSENT = 4  # no result (未测)
    EXEMPT = 5  # 免测

    @property
    def label(self) -> str:
        return {0: "不测", 1: "已评分", 2: "标准缺失", 3: "待核", 4: "未测", 5: "免测"}[self.value]

    @property
    def blocks_total(self) -> bool:
        return self not in (ItemStatus.NOT_APPLICABLE, ItemStatus.SCORED, ItemStatus.EXEMPT)


@dataclass(frozen=True)
class Plausible:
    """The range a real result can lie in (inclusive); outside it the value is a typing or unit error."""

    minimum: Decimal
    maximum: Decimal
    unit_zh: str


def _p(lo: str, hi: str, unit: str) -> Plausible:
    return Plausible(Decimal(lo), Decimal(hi), unit)


#: plausible results (not part of the standard; wide enough for every threshold and 附加分 of the tables)
PLAUSIBLE: dict[str, Plausible] = {
    "height": _p("60", "230", "厘米"),
    "weight": _p("10", "200", "千克"),
    BMI_ITEM: _p("8.0", "60.0", "千克/米²"),
    "vital_capacity": _p("200", "10000", "毫升"),
    "run_50m": _p("5.0", "30.0", "秒"),
    "sit_and_reach": _p("-40.0", "50.0", "厘米"),
    "rope_skip_1min": _p("0", "300", "次"),
    "sit_up_1min": _p("0", "100", "次"),
    "shuttle_50x8": _p("60", "400", "秒"),
    "standing_long_jump": _p("30", "400", "厘米"),
    "pull_up": _p("0", "60", "次"),
    "run_1000m": _p("150", "1200", "秒"),
    "run_800m": _p("120", "1200", "秒"),
}
NAMES_ZH: dict[str, str] = {"height": "身高", "weight": "体重", BMI_ITEM: "体重指数(BMI)"}


def name_zh(item: str) -> str:
    return NAMES_ZH.get(item) or fitness().items[item].name_zh


def _scale(name: str, standard: FitnessStandard) -> int:
    if name in ("height", "weight"):
        return BODY_SCALE
    return standard.items[name].scale


def _direction(name: str, standard: FitnessStandard) -> str:
    return HIGHER if name in ("height", "weight") else standard.items[name].direction


def unit_bounds(name: str, standard: FitnessStandard | None = None) -> tuple[int, int]:
    """The plausible range in table units (inclusive)."""
    std = standard or fitness()
    scale = _scale(name, std)
    p = PLAUSIBLE[name]
    lo, hi = p.minimum * scale, p.maximum * scale
    if lo != int(lo) or hi != int(hi):
        raise StandardsError(f"{name} 的合理范围不是整数单位")
    return int(lo), int(hi)


def units_of(name: str, value: Decimal | int, standard: FitnessStandard | None = None) -> int:
    std = standard or fitness()
    return to_units(value, _scale(name, std), _direction(name, std))


def plausibility_problem(name: str, value: Decimal | int) -> tuple[str, str] | None:
    """(message, hint) in Chinese when ``value`` cannot be a real result, else None. Says what the value
    probably is (metres for centimetres, a missing decimal point, 0 for "not tested")."""
    lo, hi = unit_bounds(name)
    units = units_of(name, value)
    if lo <= units <= hi:
        return None
    p = PLAUSIBLE[name]
    label = name_zh(name)
    value = Decimal(value)
    text = f"{label} {value}{p.unit_zh} 不可能（合理范围 {p.minimum}–{p.maximum}{p.unit_zh}），未计分"
    if name in ("standing_long_jump", "height") and Decimal("0.3") <= value < 5:
        cm = (value * 100).normalize()
        return (
            f"{label} {value} 看起来是以米为单位填写的（{value} 米 = {cm:f} 厘米），未计分",
            f"请改为厘米，例如 {cm:f}",
        )
    if name == "vital_capacity" and Decimal("0.5") <= value < 10:
        return (
            f"肺活量 {value} 看起来是以升为单位填写的，未计分",
            f"请改为毫升，例如 {(value * 1000).normalize():f}",
        )
    if value == 0 and name in ("run_50m", "shuttle_50x8", "run_1000m", "run_800m"):
        return (f"{label} 成绩为 0，不是有效成绩，未计分", "未测请留空（不要填 0），测了请填写实际成绩")
    if name == "run_50m" and value > p.maximum and p.minimum <= value / 10 <= p.maximum:
        return (text, f"可能漏了小数点（{value / 10} 秒？），请核对原始记录")
    return (text, "请核对原始记录后改正；未测请留空")


# --- one student --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentRecord:
    """One student's test results in natural units (身高 cm, 体重 kg, 肺活量 ml, times in seconds,
    lengths in cm, counts). ``None`` = no result. ``flagged`` names results the reader refused
    (ambiguous or unreadable), which are never scored."""

    grade: int  # 年级编号 11–16, 21–23, 31–33, 41–44
    sex: str  # "M" 男 / "F" 女
    height: Decimal | None = None
    weight: Decimal | None = None
    vital_capacity: Decimal | None = None
    run_50m: Decimal | None = None
    sit_and_reach: Decimal | None = None
    rope_skip_1min: Decimal | None = None
    sit_up_1min: Decimal | None = None
    shuttle_50x8: Decimal | None = None
    standing_long_jump: Decimal | None = None
    pull_up: Decimal | None = None
    run_1000m: Decimal | None = None
    run_800m: Decimal | None = None
    exempt: bool = False
    flagged: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.grade not in GRADE_NAMES:
            raise ValueError(f"年级编号 {self.grade} 不存在（应为 11–16、21–23、31–33 或 41–44）")
        if self.sex not in SEX_CODES:
            raise ValueError(f"性别应为 M（男）或 F（女），却是 {self.sex!r}")
        for name in ("height", "weight"):
            value = getattr(self, name)
            if value is not None and Decimal(value) * BODY_SCALE != int(Decimal(value) * BODY_SCALE):
                raise ValueError(f"{NAMES_ZH[name]} {value} 超过两位小数")
        unknown = set(self.flagged) - set(FLAG_BITS)
        if unknown:
            raise ValueError(f"未知的项目：{sorted(unknown)}")

    def value(self, name: str) -> Decimal | None:
        value = getattr(self, name)
        return None if value is None else Decimal(value)


@dataclass(frozen=True)
class ItemResult:
    item: str
    status: ItemStatus
    value: Decimal | None  # the result (BMI: rounded to one decimal)
    score: int | None
    weight_pct: int | None
    bonus: int | None = None  # 附加分 of this item (bonus items, when scored)
    verification: str | None = None  # weakest verification of the cells the score rests on
    band: str | None = None  # BMI 等级 (正常/低体重/超重/肥胖)


@dataclass(frozen=True)
class FitnessResult:
    """The scores of one student for one 学年."""

    grade: int
    sex: str
    status: str  # complete / incomplete / exempt
    items: tuple[ItemResult, ...]  # every item of ITEM_ORDER (not tested ones as NOT_APPLICABLE)
    standard_score: Decimal | None  # 标准分, exact (two decimals)
    bonus: int | None  # 附加分
    total: Decimal | None  # 学年总分, exact
    total_rounded: Decimal | None  # 学年总分 rounded half-up to one decimal (what 等级 uses)
    level: str | None  # 优秀 / 良好 / 及格 / 不及格

    def item(self, name: str) -> ItemResult:
        return next(r for r in self.items if r.item == name)

    @property
    def bmi(self) -> Decimal | None:
        return self.item(BMI_ITEM).value

    def as_row(self) -> dict[str, Any]:
        """The same keys and values :func:`score_table` gives for this student."""
        row: dict[str, Any] = {}
        for r in self.items:
            row[f"{r.item}_status"] = int(r.status)
            row[f"{r.item}_score"] = r.score if r.status == ItemStatus.SCORED else None
            row[f"{r.item}_verification"] = (
                verification_rank(r.verification)
                if r.verification is not None and r.status in (ItemStatus.SCORED, ItemStatus.MISSING)
                else None
            )
        for name in BONUS_ITEMS:
            r = self.item(name)
            row[f"{name}_bonus"] = r.bonus if r.status == ItemStatus.SCORED else None
        bmi = self.item(BMI_ITEM)
        ok = bmi.status in (ItemStatus.SCORED, ItemStatus.MISSING)
        row["bmi_x10"] = int(bmi.value * BMI_SCALE) if ok and bmi.value is not None else None
        row["bmi_band"] = bmi.band if bmi.status == ItemStatus.SCORED else None
        row["standard_x100"] = None if self.standard_score is None else int(self.standard_score * 100)
        row["bonus"] = self.bonus
        row["total_x100"] = None if self.total is None else int(self.total * 100)
        row["total_x10"] = None if self.total_rounded is None else int(self.total_rounded * 10)
        row["level"] = self.level
        row["status"] = self.status
        return row


def _reached(value: Decimal, threshold: Decimal, higher: bool) -> bool:
    return value >= threshold if higher else value <= threshold


def score_by_rule(table: ScoreTable, value: Decimal) -> tuple[int | None, str]:
    """(score, verification) by the rule text: the highest level whose threshold the result reaches,
    0 below the lowest; None ('missing') when a missing level could be the answer."""
    higher = table.item.direction == HIGHER
    known = table.known
    achieved = max(
        (c for c in known if _reached(value, c.threshold, higher)),  # type: ignore[arg-type]
        key=lambda c: c.score,
        default=None,
    )
    score = achieved.score if achieved else 0
    above = min((c for c in known if c.score > score), key=lambda c: c.score, default=None)
    ceiling = above.score if above else None
    if any(score < m and (ceiling is None or m < ceiling) for m in table.missing_levels):
        return None, "missing"
    return score, weakest(c.verification for c in (achieved, above) if c is not None)


def bonus_by_rule(table: BonusTable, value: Decimal) -> tuple[int, str]:
    """(附加分, verification): the largest step whose margin beyond the 100-point threshold is reached."""
    base = table.base.threshold
    assert base is not None
    margin = value - base if table.item.direction == HIGHER else base - value
    achieved = max((s for s in table.steps if margin >= s.margin), key=lambda s: s.points, default=None)
    points = achieved.points if achieved else 0
    above = min((s for s in table.steps if s.points > points), key=lambda s: s.points, default=None)
    cells = [table.base.verification, *(s.verification for s in (achieved, above) if s is not None)]
    return min(points, table.cap), weakest(cells)


def bmi_by_rule(table: BmiTable, bmi: Decimal) -> tuple[int | None, str | None, str]:
    """(score, band, verification) of a BMI already rounded to one decimal (inclusive bounds)."""
    for band in table.bands:
        if band.verification == "missing":
            continue
        if (band.minimum is None or bmi >= band.minimum) and (band.maximum is None or bmi <= band.maximum):
            return band.score, band.band, band.verification
    return None, None, "missing"


def round_bmi(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """BMI = kg / m², rounded half-up to one decimal, exactly."""
    bmi = Fraction(weight_kg) * 10000 / Fraction(height_cm) ** 2
    tenths = (bmi * 10 + Fraction(1, 2)).__floor__()
    return Decimal(tenths) / 10


def _in_range(name: str, value: Decimal, std: FitnessStandard) -> bool:
    lo, hi = unit_bounds(name, std)
    return lo <= units_of(name, value, std) <= hi


def _bmi_result(record: StudentRecord, std: FitnessStandard, pct: int | None) -> ItemResult:
    def result(status: ItemStatus, **kw: Any) -> ItemResult:
        return ItemResult(BMI_ITEM, status, weight_pct=pct, **{"value": None, "score": None, **kw})

    if pct is None:
        return result(ItemStatus.NOT_APPLICABLE)
    if record.exempt:
        return result(ItemStatus.EXEMPT)
    if {"height", "weight", BMI_ITEM} & record.flagged:
        return result(ItemStatus.FLAGGED)
    height, weight = record.value("height"), record.value("weight")
    if height is None or weight is None:
        return result(ItemStatus.ABSENT)
    if not (_in_range("height", height, std) and _in_range("weight", weight, std)):
        return result(ItemStatus.FLAGGED)
    bmi = round_bmi(height, weight)
    if not PLAUSIBLE[BMI_ITEM].minimum <= bmi <= PLAUSIBLE[BMI_ITEM].maximum:
        return result(ItemStatus.FLAGGED)
    score, band, verification = bmi_by_rule(std.bmi_table(record.sex, record.grade), bmi)
    if score is None:
        return result(ItemStatus.MISSING, value=bmi, verification="missing")
    return result(ItemStatus.SCORED, value=bmi, score=score, verification=verification, band=band)


def _item_result(record: StudentRecord, item: str, std: FitnessStandard, pct: int | None) -> ItemResult:
    value = record.value(item)

    def result(status: ItemStatus, **kw: Any) -> ItemResult:
        return ItemResult(item, status, value=value, weight_pct=pct, **{"score": None, **kw})

    if pct is None:
        return result(ItemStatus.NOT_APPLICABLE)
    if record.exempt:
        return result(ItemStatus.EXEMPT)
    if item in record.flagged:
        return result(ItemStatus.FLAGGED)
    if value is None:
        return result(ItemStatus.ABSENT)
    if not _in_range(item, value, std):
        return result(ItemStatus.FLAGGED)
    score, verification = score_by_rule(std.table(item, record.sex, record.grade), value)
    if score is None:
        return result(ItemStatus.MISSING, verification="missing")
    bonus = 0 if item in BONUS_ITEMS else None  # 0 where the item earns no 附加分 in this grade and sex
    bonus_table = std.bonus.get((item, record.sex, record.grade))
    if bonus_table is not None:
        bonus, bonus_verification = bonus_by_rule(bonus_table, value)
        verification = weakest([verification, bonus_verification])
    return result(ItemStatus.SCORED, score=score, bonus=bonus, verification=verification)


def score_student(record: StudentRecord, standard: FitnessStandard | None = None) -> FitnessResult:
    """Score one student by the rules (the reference implementation)."""
    std = standard or fitness()
    weights = std.weights[(record.grade, record.sex)]
    items: list[ItemResult] = []
    for item in ITEM_ORDER:
        pct = weights[item].pct if item in weights else None
        if item == BMI_ITEM:
            items.append(_bmi_result(record, std, pct))
        else:
            items.append(_item_result(record, item, std, pct))
    if record.exempt:
        return FitnessResult(
            record.grade, record.sex, STATUS_EXEMPT, tuple(items), None, None, None, None, None
        )
    bonus = min(sum(r.bonus or 0 for r in items if r.status == ItemStatus.SCORED), std.total_bonus_cap)
    if any(r.status.blocks_total for r in items):
        return FitnessResult(
            record.grade, record.sex, STATUS_INCOMPLETE, tuple(items), None, bonus, None, None, None
        )
    standard_score = sum(
        (
            Decimal(r.score or 0) * Decimal(r.weight_pct or 0) / 100
            for r in items
            if r.status == ItemStatus.SCORED
        ),
        Decimal(0),
    )
    total = standard_score + bonus
    rounded = total.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return FitnessResult(
        record.grade,
        record.sex,
        STATUS_COMPLETE,
        tuple(items),
        standard_score.quantize(Decimal("0.01")),
        bonus,
        total.quantize(Decimal("0.01")),
        rounded,
        std.level_of(rounded),
    )


# --- 毕业成绩 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraduationResult:
    """毕业成绩: ``score`` exact; ``rounded`` to one decimal (half-up); ``level`` from the rounded score."""

    score: Fraction | None
    rounded: Decimal | None
    level: str | None
    note: str = ""


def graduation_score(
    totals: Mapping[int, Decimal | None], final_year: int, standard: FitnessStandard | None = None
) -> GraduationResult:
    """rules.yaml ``graduation_score``: "学生毕业时的成绩和等级，按毕业当年学年总分的50%与其他学年总分
    平均得分的50%之和进行评定。" ``totals`` maps each 学年 (start year) to its 学年总分 (None when there is
    none, e.g. 免测 or 项目不全). With only the final year on record the final year counts in full (the
    rule does not cover that case; the note says so). Any year without a total leaves the result empty."""
    std = standard or fitness()
    if final_year not in totals:
        raise ValueError(f"没有毕业当年（{final_year} 学年）的学年总分")
    absent = sorted(year for year, total in totals.items() if total is None)
    if absent:
        years = "、".join(f"{y} 学年" for y in absent)
        return GraduationResult(None, None, None, f"{years}没有学年总分，不能评定毕业成绩")
    final = Fraction(totals[final_year])  # type: ignore[arg-type]
    others = [Fraction(t) for year, t in totals.items() if year != final_year]  # type: ignore[arg-type]
    note = ""
    if others:
        score = final / 2 + sum(others, Fraction(0)) / len(others) / 2
    else:
        score, note = final, "只有毕业当年的学年总分（规则未规定此情形），按该学年总分评定"
    tenths = (score * 10 + Fraction(1, 2)).__floor__()
    rounded = Decimal(tenths) / 10
    return GraduationResult(score, rounded, std.level_of(rounded), note)


# --- the table form ------------------------------------------------------------------------------------

INPUT_SCHEMA = pa.schema(
    [
        pa.field("grade", pa.int16(), nullable=False),
        pa.field("sex", pa.int8(), nullable=False),
        pa.field("exempt", pa.bool_(), nullable=False),
        pa.field("flagged", pa.int32(), nullable=False),
        pa.field("height", pa.int32()),
        pa.field("weight", pa.int32()),
        *(pa.field(item, pa.int32()) for item in MEASURED),
    ]
)


def _output_schema() -> pa.Schema:
    fields: list[pa.Field] = []
    for item in ITEM_ORDER:
        fields += [
            pa.field(f"{item}_status", pa.int8(), nullable=False),
            pa.field(f"{item}_score", pa.int16()),
            pa.field(f"{item}_verification", pa.int8()),
        ]
    fields += [pa.field(f"{item}_bonus", pa.int8()) for item in BONUS_ITEMS]
    fields += [
        pa.field("bmi_x10", pa.int16()),
        pa.field("bmi_band", pa.string()),
        pa.field("standard_x100", pa.int32()),
        pa.field("bonus", pa.int8()),
        pa.field("total_x100", pa.int32()),
        pa.field("total_x10", pa.int32()),
        pa.field("level", pa.string()),
        pa.field("status", pa.string(), nullable=False),
    ]
    return pa.schema(fields)


OUTPUT_SCHEMA = _output_schema()


def students_to_table(records: Iterable[StudentRecord], standard: FitnessStandard | None = None) -> pa.Table:
    """Records → the integer-unit table :func:`score_table` reads (exact conversion)."""
    std = standard or fitness()
    records = list(records)
    columns: dict[str, list[Any]] = {name: [] for name in INPUT_SCHEMA.names}
    for r in records:
        columns["grade"].append(r.grade)
        columns["sex"].append(SEX_CODES[r.sex])
        columns["exempt"].append(r.exempt)
        columns["flagged"].append(sum(1 << FLAG_BITS[name] for name in r.flagged))
        for name in ("height", "weight", *MEASURED):
            value = r.value(name)
            columns[name].append(None if value is None else units_of(name, value, std))
    return pa.table(columns, schema=INPUT_SCHEMA)


def _normalise(table: pa.Table) -> pa.Table:
    n = table.num_rows
    arrays = []
    for f in INPUT_SCHEMA:
        if f.name in table.column_names:
            column = table[f.name]
            if column.type != f.type:
                column = column.cast(f.type)
        elif f.name == "exempt":
            column = pa.chunked_array([pa.array(np.zeros(n, dtype=bool))])
        elif f.name == "flagged":
            column = pa.chunked_array([pa.array(np.zeros(n, dtype=np.int32))])
        elif f.name in ("grade", "sex"):
            raise ValueError(f"表中缺少列 {f.name}")
        else:
            column = pa.chunked_array([pa.nulls(n, f.type)])
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=INPUT_SCHEMA)


#: (grade, sex code) pairs in a fixed order; their index is the group id of the dense tables
GROUPS: tuple[tuple[int, int], ...] = tuple((g, s) for g in GRADE_CODES for s in (1, 2))
_SEX_OF_CODE = {1: "M", 2: "F"}


@cache
def scoring_intervals(standard: FitnessStandard | None = None) -> dict[str, pa.Table]:
    """Per item, the join table the engines use: one row per ``lo <= units < hi`` (finite: clipped to the
    plausible range) per (grade, sex) the item applies to, overlaying the item's score intervals and
    its 附加分 intervals. Columns: grade, sex (1/2), lo, hi, status (1 scored / 2 missing), score,
    weighted (score × weight %), verification (rank), bonus, band (BMI)."""
    std = standard or fitness()
    out: dict[str, pa.Table] = {}
    for item in ITEM_ORDER:
        lo_dom, hi_dom = unit_bounds(item, std)
        rows: dict[str, list[Any]] = {
            k: []
            for k in (
                "grade",
                "sex",
                "lo",
                "hi",
                "status",
                "score",
                "weighted",
                "verification",
                "bonus",
                "band",
            )
        }
        for grade, sex_code in GROUPS:
            sex = _SEX_OF_CODE[sex_code]
            weight = std.weights[(grade, sex)].get(item)
            if weight is None:
                continue
            if item == BMI_ITEM:
                score_intervals = std.bmi_table(sex, grade).intervals
                bonus_intervals: tuple[Any, ...] = ()
            else:
                score_intervals = std.table(item, sex, grade).intervals
                bonus_table = std.bonus.get((item, sex, grade))
                bonus_intervals = bonus_table.intervals if bonus_table else ()
            cuts = {lo_dom, hi_dom + 1}
            for iv in (*score_intervals, *bonus_intervals):
                for bound in (iv.lo, iv.hi):
                    if bound is not None and lo_dom < bound <= hi_dom:
                        cuts.add(bound)
            edges = sorted(cuts)
            segments: list[tuple[int, int, tuple[Any, ...]]] = []
            for a, b in pairwise(edges):
                s_iv = next(iv for iv in score_intervals if iv.contains(a))
                b_iv = next((iv for iv in bonus_intervals if iv.contains(a)), None)
                segment: tuple[Any, ...]
                if s_iv.missing:
                    segment = (2, None, None, verification_rank("missing"), None, None)
                else:
                    assert s_iv.score is not None
                    level = weakest([s_iv.verification, *([b_iv.verification] if b_iv else [])])
                    segment = (
                        1,
                        s_iv.score,
                        s_iv.score * weight.pct,
                        verification_rank(level),
                        b_iv.score if b_iv else (0 if item in BONUS_ITEMS else None),
                        s_iv.label or None,
                    )
                if segments and segments[-1][2] == segment:
                    segments[-1] = (segments[-1][0], b, segment)
                else:
                    segments.append((a, b, segment))
            for a, b, (status, score, weighted, verification, bonus, band) in segments:
                for key, value in zip(
                    rows,
                    (grade, sex_code, a, b, status, score, weighted, verification, bonus, band),
                    strict=True,
                ):
                    rows[key].append(value)
        out[item] = pa.table(
            rows,
            schema=pa.schema(
                [
                    ("grade", pa.int16()),
                    ("sex", pa.int8()),
                    ("lo", pa.int32()),
                    ("hi", pa.int32()),
                    ("status", pa.int8()),
                    ("score", pa.int16()),
                    ("weighted", pa.int16()),
                    ("verification", pa.int8()),
                    ("bonus", pa.int8()),
                    ("band", pa.string()),
                ]
            ),
        )
    return out


def _check_groups(table: pa.Table) -> np.ndarray:
    """The group id (index into GROUPS) of every row; ValueError in Chinese for an unknown grade/sex."""
    grade = np.ascontiguousarray(table["grade"].to_numpy(), dtype=np.int32)
    sex = np.ascontiguousarray(table["sex"].to_numpy(), dtype=np.int32)
    if len(grade) == 0:
        return np.zeros(0, dtype=np.int64)
    if grade.min() < 0 or grade.max() > 99 or sex.min() < 0 or sex.max() > 3:
        gid = np.full(len(grade), -1, dtype=np.int64)
    else:
        key = grade * 4
        key += sex
        gid = _GID_OF[key]
    if gid.min() < 0:
        bad = int(np.flatnonzero(gid < 0)[0])
        raise ValueError(f"第 {bad + 1} 行：年级编号 {grade[bad]} 或性别代码 {sex[bad]} 不存在")
    return gid


_GID_OF = np.full(400, -1, dtype=np.int64)
for _index, (_grade, _sex) in enumerate(GROUPS):
    _GID_OF[_grade * 4 + _sex] = _index


def score_table(table: pa.Table, engine: str = "numpy", standard: FitnessStandard | None = None) -> pa.Table:
    """Score every row of an integer-unit table (:data:`INPUT_SCHEMA`; optional columns may be left out)
    and return one result row per input row, in order (:data:`OUTPUT_SCHEMA`; the numpy engine gives
    the string columns dictionary-encoded, which compares equal row by row)."""
    std = standard or fitness()
    table = _normalise(table)
    gid = _check_groups(table)
    if engine == "numpy":
        return _score_numpy(table, gid, std)
    if engine == "duckdb":
        return _score_duckdb(table, std)
    raise ValueError(f"未知的计算引擎：{engine}（可选 numpy、duckdb）")


# --- engine: numpy (dense expansion of the interval tables) ------------------------------------------

#: slots of a group's block: 0 below the plausible range, 1..width the values, then above, blank, 免测
_BELOW = 0
_ABOVE, _BLANK, _EXEMPT = 1, 2, 3  # counted from the block's width: slot = width + offset


@dataclass(frozen=True)
class _Dense:
    """One item's interval tables expanded to one slot per value, per (grade, sex) group."""

    lo: int
    width: int  # values lo … lo + width - 1 are slots 1 … width
    base: np.ndarray  # int32 per group: start of its block (groups not tested share one block)
    status: np.ndarray  # int8 per slot
    score: np.ndarray  # int16
    weighted: np.ndarray  # int16: score × weight %
    verification: np.ndarray  # int8 rank, NO_VERIFICATION where none
    bonus: np.ndarray  # int8
    blocks: np.ndarray  # bool: the student gets no total

    def slot(self, offset: int) -> int:
        return self.width + offset


@cache
def _dense(standard: FitnessStandard) -> dict[str, _Dense]:
    out = {}
    for item, table in scoring_intervals(standard).items():
        lo_dom, hi_dom = unit_bounds(item, standard)
        width = hi_dom - lo_dom + 1
        block = width + 4  # below, values…, above, blank, 免测
        columns = table.to_pydict()
        groups = sorted({(g, s) for g, s in zip(columns["grade"], columns["sex"], strict=True)})
        size = block * (len(groups) + 1)
        status = np.full(size, ItemStatus.NOT_APPLICABLE, dtype=np.int8)  # block 0: not tested
        score = np.zeros(size, dtype=np.int16)
        weighted = np.zeros(size, dtype=np.int16)
        verification = np.full(size, NO_VERIFICATION, dtype=np.int8)
        bonus = np.zeros(size, dtype=np.int8)
        base = np.zeros(len(GROUPS), dtype=np.int32)
        start_of = {}
        for k, group in enumerate(groups, start=1):
            start = start_of[group] = k * block
            base[GROUPS.index(group)] = start
            status[start] = status[start + width + 1] = ItemStatus.FLAGGED
            status[start + width + 2] = ItemStatus.ABSENT
            status[start + width + 3] = ItemStatus.EXEMPT
        for i in range(table.num_rows):
            start = start_of[(columns["grade"][i], columns["sex"][i])]
            span = slice(start + columns["lo"][i] - lo_dom + 1, start + columns["hi"][i] - lo_dom + 1)
            status[span] = columns["status"][i]
            verification[span] = columns["verification"][i]
            if columns["status"][i] == ItemStatus.SCORED:
                score[span] = columns["score"][i]
                weighted[span] = columns["weighted"][i]
                bonus[span] = columns["bonus"][i] or 0
        blocks = np.isin(status, [s for s in ItemStatus if s.blocks_total])
        out[item] = _Dense(lo_dom, width, base, status, score, weighted, verification, bonus, blocks)
    return out


CHUNK = 1 << 16  # rows per block of work: small enough for every temporary to stay in cache


def _column(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray | None]:
    """(int32 values, null mask or None), read from the Arrow buffers without filling the nulls (the
    values under a null are never used)."""
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    n, offset = len(array), array.offset
    values = np.frombuffer(array.buffers()[1], dtype=np.int32, count=offset + n)[offset:]
    if array.null_count == 0:
        return values, None
    bits = np.frombuffer(array.buffers()[0], dtype=np.uint8)
    valid = np.unpackbits(bits, bitorder="little", count=offset + n)[offset:].view(bool)
    return values, ~valid


def _array(values: np.ndarray, valid: np.ndarray | None, type_: pa.DataType) -> pa.Array:
    """An Arrow array over ``values`` (no copy) that is null where ``valid`` is False."""
    values = np.ascontiguousarray(values)
    if valid is None:
        return pa.Array.from_buffers(type_, len(values), [None, pa.py_buffer(values)])
    nulls = len(valid) - int(np.count_nonzero(valid))
    if nulls == 0:
        return pa.Array.from_buffers(type_, len(values), [None, pa.py_buffer(values)])
    bitmap = np.packbits(valid, bitorder="little")
    return pa.Array.from_buffers(
        type_, len(values), [pa.py_buffer(bitmap), pa.py_buffer(values)], null_count=nulls
    )


def _dictionary(codes: np.ndarray, valid: np.ndarray | None, labels: Sequence[str]) -> pa.Array:
    indices = _array(codes.astype(np.int8, copy=False), valid, pa.int8())
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels, type=pa.string()))


@cache
def _band_lookup(standard: FitnessStandard) -> tuple[np.ndarray, list[str]]:
    """Per (group, BMI × 10 within the plausible range): index of the band label."""
    labels = sorted({b.band for t in standard.bmi.values() for b in t.bands})
    lo, hi = unit_bounds(BMI_ITEM, standard)
    width = hi - lo + 1
    table = np.zeros((len(GROUPS), width), dtype=np.int8)
    for gid, (grade, sex_code) in enumerate(GROUPS):
        bmi = standard.bmi_table(_SEX_OF_CODE[sex_code], grade)
        for iv in bmi.intervals:
            if iv.label:
                a = max(lo, iv.lo if iv.lo is not None else lo) - lo
                b = min(hi + 1, iv.hi if iv.hi is not None else hi + 1) - lo
                if a < b:
                    table[gid, a:b] = labels.index(iv.label)
    return table.reshape(-1), labels


def _score_numpy(table: pa.Table, gid: np.ndarray, std: FitnessStandard) -> pa.Table:
    dense = _dense(std)
    n = table.num_rows
    exempt = table["exempt"].to_numpy(zero_copy_only=False)
    flagged = np.ascontiguousarray(table["flagged"].to_numpy(), dtype=np.int32)
    any_exempt, any_flagged = bool(exempt.any()), bool(flagged.any())
    inputs = {name: _column(table[name]) for name in ("height", "weight", *MEASURED)}
    (h_lo, h_hi), (w_lo, w_hi) = unit_bounds("height", std), unit_bounds("weight", std)
    band_table, band_labels = _band_lookup(std)
    bmi_mask = (1 << FLAG_BITS["height"]) | (1 << FLAG_BITS["weight"]) | (1 << FLAG_BITS[BMI_ITEM])

    status = {item: np.empty(n, dtype=np.int8) for item in ITEM_ORDER}
    score = {item: np.empty(n, dtype=np.int16) for item in ITEM_ORDER}
    verification = {item: np.empty(n, dtype=np.int8) for item in ITEM_ORDER}
    bonus_of = {item: np.empty(n, dtype=np.int8) for item in BONUS_ITEMS}
    bmi10_out = np.empty(n, dtype=np.int16)
    band_out = np.empty(n, dtype=np.int8)
    standard100 = np.empty(n, dtype=np.int32)
    bonus = np.empty(n, dtype=np.int32)
    blocked = np.empty(n, dtype=bool)

    def work(start: int) -> None:
        rows = slice(start, min(start + CHUNK, n))
        g = gid[rows]
        size = len(g)
        acc = np.zeros(size, dtype=np.int32)
        points = np.zeros(size, dtype=np.int32)
        block = np.zeros(size, dtype=bool)
        gathered16 = np.empty(size, dtype=np.int16)
        gathered8 = np.empty(size, dtype=np.int8)
        gathered_bool = np.empty(size, dtype=bool)
        exempt_rows = np.flatnonzero(exempt[rows]) if any_exempt else None
        for item in ITEM_ORDER:
            d = dense[item]
            if item == BMI_ITEM:
                (height, h_null), (weight, w_null) = inputs["height"], inputs["weight"]
                h, w = height[rows], weight[rows]
                ok = (h >= h_lo) & (h <= h_hi) & (w >= w_lo) & (w <= w_hi)
                h2 = np.where(ok, h, 1).astype(np.int64)
                h2 *= h2
                bmi10 = w.astype(np.int64)
                bmi10 *= 20_000_000
                bmi10 += h2
                h2 *= 2
                bmi10 //= h2  # BMI x 10 rounded half-up: (2 w 10^7 + h^2) // (2 h^2), h and w in hundredths
                np.clip(bmi10, d.lo - 1, d.lo + d.width, out=bmi10)
                bmi10_out[rows] = bmi10
                band_out[rows] = band_table[g * d.width + np.clip(bmi10 - d.lo, 0, d.width - 1)]
                slot = (bmi10 - (d.lo - 1)).astype(np.int32)
                slot[~ok] = _BELOW  # 身高/体重 not plausible: flagged
                if h_null is not None:
                    slot[h_null[rows]] = d.slot(_BLANK)
                if w_null is not None:
                    slot[w_null[rows]] = d.slot(_BLANK)
                mask = bmi_mask
            else:
                values, nulls = inputs[item]
                slot = values[rows] - d.lo
                np.clip(slot, -1, d.width, out=slot)
                slot += 1
                if nulls is not None:
                    slot[nulls[rows]] = d.slot(_BLANK)
                mask = 1 << FLAG_BITS[item]
            if any_flagged:
                slot[(flagged[rows] & mask) != 0] = _BELOW  # refused by the reader: flagged
            if exempt_rows is not None and len(exempt_rows):
                slot[exempt_rows] = d.slot(_EXEMPT)
            slot += d.base[g]
            np.take(d.status, slot, out=status[item][rows], mode="clip")
            np.take(d.score, slot, out=score[item][rows], mode="clip")
            np.take(d.verification, slot, out=verification[item][rows], mode="clip")
            np.take(d.weighted, slot, out=gathered16, mode="clip")
            acc += gathered16
            np.take(d.blocks, slot, out=gathered_bool, mode="clip")
            block |= gathered_bool
            if item in bonus_of:
                np.take(d.bonus, slot, out=gathered8, mode="clip")
                bonus_of[item][rows] = gathered8
                points += gathered8
        standard100[rows] = acc
        np.minimum(points, std.total_bonus_cap, out=points)
        bonus[rows] = points
        blocked[rows] = block

    def item_arrays(item: str) -> list[tuple[str, pa.Array]]:
        scored = status[item] == ItemStatus.SCORED
        out = [
            (f"{item}_status", _array(status[item], None, pa.int8())),
            (f"{item}_score", _array(score[item], scored, pa.int16())),
            (
                f"{item}_verification",
                _array(verification[item], verification[item] != NO_VERIFICATION, pa.int8()),
            ),
        ]
        if item in bonus_of:
            out.append((f"{item}_bonus", _array(bonus_of[item], scored, pa.int8())))
        if item == BMI_ITEM:
            known = scored | (status[item] == ItemStatus.MISSING)
            out.append(("bmi_x10", _array(bmi10_out, known, pa.int16())))
            out.append(("bmi_band", _dictionary(band_out, scored, band_labels)))
        return out

    def total_arrays() -> list[tuple[str, pa.Array]]:
        complete = ~blocked
        if any_exempt:
            complete &= ~exempt
        total100 = bonus * 100
        total100 += standard100
        total10 = total100 + 5
        total10 //= 10
        bands = sorted(std.grade_bands, key=lambda b: -(10**9) if b.lo10 is None else b.lo10)
        level = np.zeros(n, dtype=np.int8)
        for band in bands[1:]:
            level += total10 >= band.lo10
        code = np.where(complete, 0, 1).astype(np.int8)
        if any_exempt:
            code[exempt] = 2
        return [
            ("standard_x100", _array(standard100, complete, pa.int32())),
            ("bonus", _array(bonus.astype(np.int8), ~exempt if any_exempt else None, pa.int8())),
            ("total_x100", _array(total100, complete, pa.int32())),
            ("total_x10", _array(total10, complete, pa.int32())),
            ("level", _dictionary(level, complete, [b.level for b in bands])),
            ("status", _dictionary(code, None, [STATUS_COMPLETE, STATUS_INCOMPLETE, STATUS_EXEMPT])),
        ]

    workers = min(4, os.cpu_count() or 1)
    if workers > 1 and n > CHUNK:
        with ThreadPoolExecutor(max_workers=workers) as pool:  # NumPy releases the GIL in these loops
            list(pool.map(work, range(0, n, CHUNK)))
            totals = pool.submit(total_arrays)
            parts = [*pool.map(item_arrays, ITEM_ORDER), totals.result()]
    else:
        for start in range(0, n, CHUNK):
            work(start)
        parts = [*map(item_arrays, ITEM_ORDER), total_arrays()]
    arrays = dict(pair for part in parts for pair in part)
    return pa.table({name: arrays[name] for name in OUTPUT_SCHEMA.names})


# --- engine: DuckDB (interval joins) -------------------------------------------------------------------


BUCKETS = 128  # buckets per plausible range: each value meets one or two interval rows
# the DuckDB join tables carry one integer per interval (a narrow join payload), decoded with // and %:
# status + 8 × verification + 64 × bonus + 2048 × score + 262144 × BMI band index
_C_VER, _C_BONUS, _C_SCORE, _C_BAND = 8, 64, 2048, 262144


@cache
def _bucketed(std: FitnessStandard) -> tuple[dict[str, pa.Table], dict[str, tuple[int, int]], list[str]]:
    """The interval tables for the SQL engine, with a ``bucket`` column: an interval is repeated for
    each bucket of width ``w`` it overlaps, so the join is an equality on (grade, sex, bucket) plus the
    range test ``lo <= value < hi`` — the usual way to make a range join cheap on any engine (a plain
    range join compares each value with every interval of its grade and sex)."""
    bands = sorted({b.band for t in std.bmi.values() for b in t.bands})
    tables, widths = {}, {}
    for item, table in scoring_intervals(std).items():
        lo_dom, hi_dom = unit_bounds(item, std)
        width = max(1, -(-(hi_dom - lo_dom + 1) // BUCKETS))
        columns = table.to_pydict()
        codes = [
            status
            + _C_VER * verification
            + _C_BONUS * (bonus or 0)
            + _C_SCORE * (score or 0)
            + _C_BAND * (bands.index(band) if band else 0)
            for status, verification, bonus, score, band in zip(
                columns["status"], columns["verification"], columns["bonus"], columns["score"], columns["band"],
                strict=True,
            )
        ]  # fmt: skip
        lows = np.array(columns["lo"], dtype=np.int64)
        highs = np.array(columns["hi"], dtype=np.int64)
        first = (lows - lo_dom) // width
        repeat = (highs - 1 - lo_dom) // width - first + 1
        rows = np.repeat(np.arange(len(lows)), repeat)
        offsets = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        tables[item] = pa.table(
            {
                "grade": pa.array(np.array(columns["grade"])[rows], pa.int16()),
                "sex": pa.array(np.array(columns["sex"])[rows], pa.int8()),
                "bucket": pa.array(first[rows] + offsets, pa.int32()),
                "lo": pa.array(lows[rows], pa.int32()),
                "hi": pa.array(highs[rows], pa.int32()),
                "code": pa.array(np.array(codes, dtype=np.int64)[rows], pa.int32()),
            }
        )
        widths[item] = (lo_dom, width)
    return tables, widths, bands


def _score_duckdb(table: pa.Table, std: FitnessStandard) -> pa.Table:
    """The interval-join form in SQL (DuckDB): equality joins on (grade, sex, bucket) with a range test,
    CASE, integer arithmetic. Kept to the portable subset so it can move to Ibis/Spark as it is."""
    import duckdb

    intervals, buckets, band_labels = _bucketed(std)
    weights: dict[str, list[Any]] = {"grade": [], "sex": [], **{f"w_{i}": [] for i in ITEM_ORDER}}
    for grade, sex_code in GROUPS:
        ws = std.weights[(grade, _SEX_OF_CODE[sex_code])]
        weights["grade"].append(grade)
        weights["sex"].append(sex_code)
        for item in ITEM_ORDER:
            weights[f"w_{item}"].append(ws[item].pct if item in ws else None)
    bands = {
        "lo": [-(10**6) if b.lo10 is None else b.lo10 for b in std.grade_bands],
        "hi": [10**6 if b.hi10 is None else b.hi10 for b in std.grade_bands],
        "level": [b.level for b in std.grade_bands],
    }
    bmi_bands = {"band_index": list(range(len(band_labels))), "band": band_labels}
    students = table.append_column("rid", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    (h_lo, h_hi), (w_lo, w_hi) = unit_bounds("height", std), unit_bounds("weight", std)

    per_item, joins = [], []
    for item in ITEM_ORDER:
        value = "s.bmi10" if item == BMI_ITEM else f"s.{item}"
        if item == BMI_ITEM:
            mask = (1 << FLAG_BITS["height"]) | (1 << FLAG_BITS["weight"]) | (1 << FLAG_BITS[BMI_ITEM])
            null_test = "s.height IS NULL OR s.weight IS NULL"
            extra = "WHEN NOT s.hw_ok THEN 3"
        else:
            mask, null_test, extra = 1 << FLAG_BITS[item], f"s.{item} IS NULL", ""
        per_item.append(
            f"""CASE WHEN w.w_{item} IS NULL THEN 0 WHEN s.exempt THEN 5
                 WHEN (s.flagged & {mask}) <> 0 THEN 3 WHEN {null_test} THEN 4 {extra}
                 WHEN t_{item}.code IS NULL THEN 3 ELSE t_{item}.code % {_C_VER} END AS {item}_st,
               t_{item}.code AS {item}_code, w.w_{item} AS {item}_w"""
        )
        lo_dom, width = buckets[item]
        joins.append(
            f"""LEFT JOIN si_{item} AS t_{item} ON t_{item}.grade = s.grade AND t_{item}.sex = s.sex
                 AND t_{item}.bucket = ({value} - {lo_dom}) // {width}
                 AND {value} >= t_{item}.lo AND {value} < t_{item}.hi"""
        )

    def field(item: str, divisor: int, modulus: int) -> str:
        return f"({item}_code // {divisor}) % {modulus}"

    outputs = []
    for item in ITEM_ORDER:
        outputs += [
            f"CAST({item}_st AS TINYINT) AS {item}_status",
            f"CAST(CASE WHEN {item}_st = 1 THEN {field(item, _C_SCORE, 128)} END AS SMALLINT) AS {item}_score",
            f"CAST(CASE WHEN {item}_st IN (1, 2) THEN {field(item, _C_VER, 8)} END AS TINYINT)"
            f" AS {item}_verification",
        ]
    outputs += [
        f"CAST(CASE WHEN {i}_st = 1 THEN {field(i, _C_BONUS, 32)} END AS TINYINT) AS {i}_bonus"
        for i in BONUS_ITEMS
    ]
    all_ok = " AND ".join(f"{i}_st IN (0, 1)" for i in ITEM_ORDER)
    weighted = " + ".join(
        f"CASE WHEN {i}_st = 1 THEN {field(i, _C_SCORE, 128)} * {i}_w ELSE 0 END" for i in ITEM_ORDER
    )
    bonus = " + ".join(f"CASE WHEN {i}_st = 1 THEN {field(i, _C_BONUS, 32)} ELSE 0 END" for i in BONUS_ITEMS)
    sql = f"""
    WITH s AS (
        SELECT *,
            (height BETWEEN {h_lo} AND {h_hi} AND weight BETWEEN {w_lo} AND {w_hi}) AS hw_ok,
            CASE WHEN height BETWEEN {h_lo} AND {h_hi} AND weight BETWEEN {w_lo} AND {w_hi}
                 THEN (CAST(weight AS BIGINT) * 20000000 + CAST(height AS BIGINT) * height)
                      // (2 * CAST(height AS BIGINT) * height) END AS bmi10
        FROM students
    ),
    items AS (
        SELECT s.rid, s.exempt, s.bmi10, {", ".join(per_item)}
        FROM s JOIN weights AS w ON w.grade = s.grade AND w.sex = s.sex
        {" ".join(joins)}
    ),
    totals AS (
        SELECT *,
            CASE WHEN NOT exempt AND {all_ok} THEN {weighted} END AS std100,
            CASE WHEN NOT exempt THEN LEAST({bonus}, {std.total_bonus_cap}) END AS bonus_points
        FROM items
    ),
    final AS (
        SELECT *, std100 + 100 * bonus_points AS total100, (std100 + 100 * bonus_points + 5) // 10 AS total10
        FROM totals
    )
    SELECT {", ".join(outputs)},
        CAST(CASE WHEN {BMI_ITEM}_st IN (1, 2) THEN bmi10 END AS SMALLINT) AS bmi_x10,
        CASE WHEN {BMI_ITEM}_st = 1 THEN b.band END AS bmi_band,
        CAST(std100 AS INTEGER) AS standard_x100,
        CAST(bonus_points AS TINYINT) AS bonus,
        CAST(total100 AS INTEGER) AS total_x100,
        CAST(total10 AS INTEGER) AS total_x10,
        g.level AS level,
        CASE WHEN exempt THEN '{STATUS_EXEMPT}' WHEN std100 IS NULL THEN '{STATUS_INCOMPLETE}'
             ELSE '{STATUS_COMPLETE}' END AS status,
        rid
    FROM final
    LEFT JOIN bands AS g ON final.total10 >= g.lo AND final.total10 < g.hi
    LEFT JOIN bmi_bands AS b ON b.band_index = {field(BMI_ITEM, _C_BAND, 1024)}
    """
    con = duckdb.connect()
    try:
        con.register("students", students)
        con.register("weights", pa.table(weights))
        con.register("bands", pa.table(bands))
        con.register("bmi_bands", pa.table(bmi_bands))
        for item, join_table in intervals.items():
            con.register(f"si_{item}", join_table)
        result = con.sql(sql).to_arrow_table()
    finally:
        con.close()
    # joins do not keep the input order: put each row back at its rid (an O(n) permutation, no sort)
    rid = result["rid"].to_numpy()
    order = np.empty(len(rid), dtype=np.int64)
    order[rid] = np.arange(len(rid))
    return result.drop_columns(["rid"]).take(pa.array(order)).cast(OUTPUT_SCHEMA)
