"""The annual school evaluation (办学质量评价 / 幼儿园保育教育质量评估, plan tasks 14 and 24): an indicator
system as data, scored each year from the CURRENT stored indicator values (never the raw facts), published
as bands (等级) — never as student scores or rankings.

An evaluation system is one YAML file of :mod:`tisheng.supervision.systems` (every file there is active;
a province ships its own file instead, without code)::

    code: school-quality                 # stable id, equal to the file name
    title: 中小学办学质量评价
    source: 方案第14、24项任务……          # where it comes from
    verified: false                      # whether the source text was checked (optional, default false)
    school_types: [primary, junior]      # the school types it evaluates (core.choices.SchoolType)
    min_coverage: 70                     # below this share of the weights with data: no band
    bands:                               # from the best down; a total ≥ min gets the band
      - {code: A, label: 优秀, min: 85}
      - {code: D, label: 待改进, min: 0}  # the last band starts at 0
    dimensions:                          # 维度; their weights sum to 100
      - key: teaching
        name: 课程教学
        weight: 20
        source: 《义务教育质量评价指南》……
        verified: false
        indicators:                      # leaves; their weights sum to 100 within the dimension
          - {indicator: wuxiang.homework_rate, weight: 40, score: {from: 60, to: 100}}
          - {indicator: teachers.rotation_share, weight: 60, score: met, stage: "", school_types: [junior]}

A leaf is a catalogue indicator computed at school level. ``score: met`` gives full marks when the stored
value meets the indicator's threshold and none when it does not (the indicator must have a threshold);
``score: {from: a, to: b}`` scales linearly from 0 at ``a`` to full marks at ``b`` in the indicator's
direction (``from < to`` when higher is better, ``from > to`` when lower is). A leaf with
``school_types`` applies only to those types of school. :func:`load_system` raises
:class:`EvaluationSystemError` listing every problem in Chinese with the file, line and key.

Scoring (:func:`evaluate`): each leaf scores 0–1; a dimension's score (0–100) is the weighted mean of its
leaves that have data; the total (0–100) is the weighted mean of all leaves with data, with the weights
of the leaves without data (缺数据) left out and the rest rescaled. ``coverage`` is the share (%) of the
applicable weights that had data; below ``min_coverage`` no band is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tisheng.indicators.catalogue import SCHOOL_TYPE_LABELS, Definition, catalogue

from .checklists import DataFileError, read_yaml

FOLDER = Path(__file__).parent / "systems"
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TOP_KEYS = {"code", "title", "source", "verified", "school_types", "min_coverage", "bands", "dimensions"}
BAND_KEYS = {"code", "label", "min"}
DIMENSION_KEYS = {"key", "name", "weight", "source", "verified", "indicators"}
LEAF_KEYS = {"indicator", "weight", "score", "stage", "school_types"}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MISSING = "missing"  # 缺数据
SCORED = "scored"


class EvaluationSystemError(DataFileError):
    """An evaluation system file that cannot be used."""

    KIND = "评价指标体系"


# --- reading YAML with line numbers --------------------------------------------------------------------


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line (1-based) of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {
        loader.construct_object(key, deep=True): key.start_mark.line + 1 for key, _ in node.value
    }
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]


def _at(mapping: Any, key: str | None = None) -> str:
    """``第N行`` of ``key`` in ``mapping`` (or of the mapping itself), when known."""
    if isinstance(mapping, LineDict):
        line = mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
        return f"第{line}行"
    return ""


# --- the system ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    minimum: Decimal

    @property
    def name(self) -> str:
        return f"{self.code} {self.label}"


@dataclass(frozen=True)
class Rule:
    """``met`` (full marks when the threshold is met) or ``linear`` from ``low`` (0) to ``high`` (full)."""

    kind: str
    low: Decimal | None = None
    high: Decimal | None = None

    def describe(self) -> str:
        if self.kind == "met":
            return "达到标准得满分"
        return f"{_plain(self.low)}及以下（按指标方向）得0分，{_plain(self.high)}得满分，其间按比例"


@dataclass(frozen=True)
class Leaf:
    indicator: str
    weight: Decimal
    rule: Rule
    stage: str = ""
    school_types: tuple[str, ...] = ()

    @property
    def definition(self) -> Definition:
        return catalogue()[self.indicator]

    def applies_to(self, school_type: str) -> bool:
        return not self.school_types or school_type in self.school_types


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    weight: Decimal
    source: str
    verified: bool
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class System:
    code: str
    title: str
    source: str
    verified: bool
    school_types: tuple[str, ...]
    min_coverage: Decimal
    bands: tuple[Band, ...]
    dimensions: tuple[Dimension, ...]

    def band_for(self, total: Decimal) -> Band:
        return next(b for b in self.bands if total >= b.minimum)

    def band(self, code: str) -> Band | None:
        return next((b for b in self.bands if b.code == code), None)

    def leaves(self) -> Iterable[tuple[Dimension, Leaf]]:
        for dimension in self.dimensions:
            for leaf in dimension.leaves:
                yield dimension, leaf


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _text(mapping: Any, key: str, where: str, problems: list[str], limit: int = 300) -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{_at(mapping, key) or _at(mapping)}：{where}{key} 必须是非空文字")
        return ""
    if len(value.strip()) > limit:
        problems.append(f"{_at(mapping, key)}：{where}{key} 不能超过 {limit} 个字")
    return value.strip()


def _number(
    mapping: Any, key: str, where: str, problems: list[str], low: int = 0, high: int = 100
) -> Decimal:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        problems.append(f"{_at(mapping, key) or _at(mapping)}：{where}{key} 必须是 {low}—{high} 之间的数")
        return Decimal(0)
    return Decimal(str(value))


def _verified(mapping: Any, where: str, problems: list[str]) -> bool:
    value = mapping.get("verified", False)
    if not isinstance(value, bool):
        problems.append(f"{_at(mapping, 'verified')}：{where}verified 必须是 true 或 false")
        return False
    return value


def _unknown(mapping: Any, allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(mapping) - allowed, key=str):
        problems.append(f"{_at(mapping, key)}：{where}不认识的键 {key}")


def _school_types(mapping: Any, where: str, problems: list[str], required: bool) -> tuple[str, ...]:
    raw = mapping.get("school_types")
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or not raw or not all(t in SCHOOL_TYPE_LABELS for t in raw):
        problems.append(
            f"{_at(mapping, 'school_types') or _at(mapping)}：{where}school_types 必须是学校类型的列表，可选 "
            + "、".join(SCHOOL_TYPE_LABELS)
        )
        return ()
    return tuple(raw)


def _rule(leaf: Any, definition: Definition | None, stage: str, where: str, problems: list[str]) -> Rule:
    raw = leaf.get("score")
    at = _at(leaf, "score") or _at(leaf)
    if raw == "met":
        if definition is not None and definition.threshold(stage) is None:
            problems.append(f"{at}：{where}score: met 要求指标 {definition.id} 有标准值，但它没有")
        return Rule("met")
    if isinstance(raw, dict) and set(raw) == {"from", "to"}:
        low, high = raw["from"], raw["to"]
        if any(isinstance(v, bool) or not isinstance(v, int | float) for v in (low, high)) or low == high:
            problems.append(f"{at}：{where}score 的 from 和 to 必须是两个不同的数")
            return Rule("met")
        if definition is not None and (low < high) != definition.higher_is_better:
            direction = (
                "越高越好，from 应小于 to" if definition.higher_is_better else "越低越好，from 应大于 to"
            )
            problems.append(f"{at}：{where}指标 {definition.id} {direction}")
        return Rule("linear", Decimal(str(low)), Decimal(str(high)))
    problems.append(f"{at}：{where}score 必须是 met 或 {{from: 数, to: 数}}")
    return Rule("met")


def _weights(
    items: list[tuple[Decimal, Any]], where: str, problems: list[str], anchor: Any, key: str
) -> None:
    total = sum((w for w, _ in items), Decimal(0))
    if items and total != HUNDRED:
        problems.append(f"{_at(anchor, key) or _at(anchor)}：{where}的权重合计为 {_plain(total)}，应为 100")


def _leaf(raw: Any, where: str, problems: list[str], definitions: Mapping[str, Definition]) -> Leaf | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} 必须是映射（indicator、weight、score）")
        return None
    _unknown(raw, LEAF_KEYS, where, problems)
    ident = raw.get("indicator")
    definition = definitions.get(ident) if isinstance(ident, str) else None
    if definition is None:
        problems.append(f"{_at(raw, 'indicator') or _at(raw)}：{where}indicator “{ident}”不在指标目录中")
    elif "school" not in definition.levels:
        problems.append(f"{_at(raw, 'indicator')}：{where}指标 {ident} 不在学校层面计算，不能用于评价学校")
    stage = raw.get("stage", "")
    if not isinstance(stage, str) or (definition is not None and stage not in definition.stage_keys):
        keys = "、".join(f"“{k}”" for k in definition.stage_keys) if definition else ""
        problems.append(
            f"{_at(raw, 'stage') or _at(raw)}：{where}stage “{stage}”不是该指标的学段，可选 {keys}"
        )
        stage = ""
    weight = _number(raw, "weight", where, problems)
    if weight == 0:
        problems.append(f"{_at(raw, 'weight')}：{where}weight 必须大于 0")
    rule = _rule(raw, definition, stage, where, problems)
    types = _school_types(raw, where, problems, required=False)
    return Leaf(str(ident), weight, rule, stage, types)


def parse_system(data: Any, path: Path | str) -> System:
    """Validate the parsed YAML of one evaluation system; every problem is reported together."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise EvaluationSystemError(path, ["文件内容必须是一个映射（code、title、bands、dimensions……）"])
    _unknown(data, TOP_KEYS, "", problems)
    code = data.get("code")
    if not isinstance(code, str) or not KEY_PATTERN.match(code):
        problems.append(f"{_at(data, 'code') or _at(data)}：code 必须由小写字母、数字和连字符组成")
        code = ""
    title = _text(data, "title", "", problems, 200)
    source = _text(data, "source", "", problems, 500)
    verified = _verified(data, "", problems)
    school_types = _school_types(data, "", problems, required=True)
    min_coverage = _number(data, "min_coverage", "", problems)
    bands = _bands(data, problems)
    definitions = catalogue()
    dimensions: list[Dimension] = []
    raw_dimensions = data.get("dimensions")
    if not isinstance(raw_dimensions, list) or not raw_dimensions:
        problems.append(f"{_at(data, 'dimensions') or _at(data)}：dimensions 必须是至少一个维度的列表")
        raw_dimensions = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_dimensions, start=1):
        where = f"dimensions 第{number}个维度的 "
        if not isinstance(raw, dict):
            problems.append(f"{where}必须是映射（key、name、weight、indicators）")
            continue
        _unknown(raw, DIMENSION_KEYS, where, problems)
        key = raw.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problems.append(f"{_at(raw, 'key') or _at(raw)}：{where}key 必须由小写字母、数字和连字符组成")
            key = ""
        elif key in seen:
            problems.append(f"{_at(raw, 'key')}：{where}key “{key}”重复")
        seen.add(key)
        name = _text(raw, "name", where, problems, 50)
        weight = _number(raw, "weight", where, problems)
        dim_source = _text(raw, "source", where, problems, 500)
        dim_verified = _verified(raw, where, problems)
        leaves: list[Leaf] = []
        raw_leaves = raw.get("indicators")
        if not isinstance(raw_leaves, list) or not raw_leaves:
            problems.append(f"{_at(raw, 'indicators') or _at(raw)}：{where}indicators 必须是至少一项的列表")
            raw_leaves = []
        for leaf_number, raw_leaf in enumerate(raw_leaves, start=1):
            leaf = _leaf(raw_leaf, f"“{name}”第{leaf_number}项指标的 ", problems, definitions)
            if leaf is not None:
                leaves.append(leaf)
        _weights(
            [(leaf.weight, leaf) for leaf in leaves], f"维度“{name}”各项指标", problems, raw, "indicators"
        )
        dimensions.append(Dimension(str(key), name, weight, dim_source, dim_verified, tuple(leaves)))
    _weights([(d.weight, d) for d in dimensions], "各维度", problems, data, "dimensions")
    if problems:
        raise EvaluationSystemError(path, problems)
    return System(str(code), title, source, verified, school_types, min_coverage, bands, tuple(dimensions))


def _bands(data: Any, problems: list[str]) -> tuple[Band, ...]:
    raw_bands = data.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        problems.append(f"{_at(data, 'bands') or _at(data)}：bands 必须是至少一个等级的列表")
        return ()
    bands: list[Band] = []
    for number, raw in enumerate(raw_bands, start=1):
        where = f"bands 第{number}个等级的 "
        if not isinstance(raw, dict):
            problems.append(f"{where}必须是映射（code、label、min）")
            continue
        _unknown(raw, BAND_KEYS, where, problems)
        code = _text(raw, "code", where, problems, 10)
        label = _text(raw, "label", where, problems, 20)
        minimum = _number(raw, "min", where, problems)
        if bands and minimum >= bands[-1].minimum:
            problems.append(f"{_at(raw, 'min')}：{where}min 必须低于上一个等级的分数线")
        bands.append(Band(code, label, minimum))
    if bands and bands[-1].minimum != 0:
        problems.append(f"{_at(raw_bands[-1], 'min')}：最后一个等级的 min 必须是 0（每个总分都有等级）")
    return tuple(bands)


def load_system(path: Path) -> System:
    """Read and validate one evaluation system file."""
    data = read_yaml(path, EvaluationSystemError, _Loader)
    system = parse_system(data, path)
    if system.code != path.stem:
        raise EvaluationSystemError(
            path, [f"{_at(data, 'code')}：code “{system.code}”应与文件名“{path.stem}”一致"]
        )
    return system


def load_folder(folder: Path) -> dict[str, System]:
    """Every ``*.yaml`` system of ``folder``, by code; a school type claimed by two systems is an error."""
    found = {s.code: s for s in (load_system(p) for p in sorted(folder.glob("*.yaml")))}
    claimed: dict[str, str] = {}
    for system in found.values():
        for school_type in system.school_types:
            if school_type in claimed:
                raise EvaluationSystemError(
                    folder / f"{system.code}.yaml",
                    [f"学校类型 {school_type} 已由 {claimed[school_type]} 评价，一所学校只能用一个评价体系"],
                )
            claimed[school_type] = system.code
    return found


@cache
def systems() -> dict[str, System]:
    """The packaged evaluation systems, by code (read once per process)."""
    return load_folder(FOLDER)


def system_for(school_type: str, available: Mapping[str, System] | None = None) -> System | None:
    return next((s for s in (available or systems()).values() if school_type in s.school_types), None)


# --- scoring -----------------------------------------------------------------------------------------------


def leaf_score(leaf: Leaf, value: Any) -> Decimal | None:
    """The share of full marks (0–1) the stored ``value`` earns, or None when it has no data."""
    if value is None:
        return None
    if leaf.rule.kind == "met":
        return None if value.met is None else Decimal(1 if value.met else 0)
    if value.value is None:
        return None
    low, high = leaf.rule.low, leaf.rule.high
    assert low is not None and high is not None
    share = (Decimal(value.value) - low) / (high - low)
    return min(Decimal(1), max(Decimal(0), share))


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class LeafOutcome:
    indicator: str
    name: str
    weight: Decimal  # of the leaf within its dimension
    status: str  # scored | missing (缺数据)
    score: Decimal | None  # 0–100 of the leaf
    value_id: int | None
    suppressed: bool  # withheld outside the school (small-group suppression)

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "name": self.name,
            "weight": str(self.weight),
            "status": self.status,
            "score": None if self.score is None else str(self.score),
            "value_id": self.value_id,
            "suppressed": self.suppressed,
        }


@dataclass
class DimensionOutcome:
    key: str
    name: str
    weight: Decimal
    score: Decimal | None
    coverage: Decimal
    leaves: list[LeafOutcome] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "weight": str(self.weight),
            "score": None if self.score is None else str(self.score),
            "coverage": str(self.coverage),
            "leaves": [leaf.as_json() for leaf in self.leaves],
        }


@dataclass
class Outcome:
    total: Decimal | None
    coverage: Decimal
    band: Band | None
    dimensions: list[DimensionOutcome]


def evaluate(system: System, school_type: str, values: Mapping[tuple[str, str], Any]) -> Outcome:
    """Score one school from its stored values, keyed by (indicator, stage)."""
    from tisheng.indicators.present import is_suppressed

    dimensions: list[DimensionOutcome] = []
    earned = applicable = present = Decimal(0)
    for dimension in system.dimensions:
        leaves = [leaf for leaf in dimension.leaves if leaf.applies_to(school_type)]
        dim_weight = sum((leaf.weight for leaf in leaves), Decimal(0))
        outcome = DimensionOutcome(dimension.key, dimension.name, dimension.weight, None, Decimal(0))
        dim_earned = dim_present = Decimal(0)
        for leaf in leaves:
            value = values.get((leaf.indicator, leaf.stage))
            score = leaf_score(leaf, value)
            definition = leaf.definition
            outcome.leaves.append(
                LeafOutcome(
                    leaf.indicator,
                    definition.name_zh,
                    leaf.weight,
                    MISSING if score is None else SCORED,
                    None if score is None else _round(score * HUNDRED),
                    None if value is None else value.pk,
                    value is not None and is_suppressed(definition, value, None),
                )
            )
            # the leaf's weight in the whole system: the dimension's weight × its share of the dimension
            overall = dimension.weight * leaf.weight / dim_weight if dim_weight else Decimal(0)
            applicable += overall
            if score is not None:
                dim_earned += leaf.weight * score
                dim_present += leaf.weight
                earned += overall * score
                present += overall
        if dim_present:
            outcome.score = _round(dim_earned / dim_present * HUNDRED)
        outcome.coverage = _round(dim_present / dim_weight * HUNDRED) if dim_weight else Decimal(0)
        dimensions.append(outcome)
    total = _round(earned / present * HUNDRED) if present else None
    coverage = _round(present / applicable * HUNDRED) if applicable else Decimal(0)
    band = system.band_for(total) if total is not None and coverage >= system.min_coverage else None
    return Outcome(total, coverage, band, dimensions)


# --- the yearly results --------------------------------------------------------------------------------------


@dataclass
class EvaluationSummary:
    """What one ``evaluate`` run did: results created, changed and unchanged, by system code."""

    year: int
    has_run: bool = True
    created: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    without_band: dict[str, int] = field(default_factory=dict)


def current_values(year: Any, indicators: Iterable[str]) -> dict[int, dict[tuple[str, str], Any]]:
    """The current school-level values (no breakdown) of ``indicators`` for ``year``: by school id, then
    by (indicator, stage)."""
    from tisheng.indicators.models import IndicatorValue

    rows = IndicatorValue.objects.current().filter(
        academic_year=year, indicator__in=set(indicators), level="school", breakdown="", school__isnull=False
    )
    by_school: dict[int, dict[tuple[str, str], Any]] = {}
    for row in rows:
        by_school.setdefault(row.school_id, {})[(row.indicator, row.stage)] = row  # type: ignore[index]
    return by_school


def evaluate_year(start_year: int, available: Mapping[str, System] | None = None) -> EvaluationSummary:
    """Evaluate every school open in the 学年 starting in ``start_year`` under its system, from the
    current stored indicator values, in one transaction. Running again replaces the results: a result
    whose figures did not change is not saved again (no change record)."""
    from django.db import transaction

    from tisheng.core.models import AcademicYear, School
    from tisheng.indicators.models import IndicatorRun

    from .models import EvaluationResult

    summary = EvaluationSummary(start_year)
    year = AcademicYear.objects.filter(start_year=start_year).first()
    run = IndicatorRun.objects.filter(academic_year=year, is_current=True).first() if year else None
    if year is None or run is None:
        summary.has_run = False
        return summary
    active = available if available is not None else systems()
    indicators = {leaf.indicator for system in active.values() for _, leaf in system.leaves()}
    values = current_values(year, indicators)
    existing = {(r.school_id, r.system): r for r in EvaluationResult.objects.filter(academic_year=year)}
    with transaction.atomic():
        for school in School.objects.open_on(year.census_date).order_by("code"):
            system = system_for(school.school_type, active)
            if system is None:
                continue
            outcome = evaluate(system, school.school_type, values.get(school.pk, {}))
            fields = {
                "system_title": system.title,
                "total": outcome.total,
                "coverage": outcome.coverage,
                "band": outcome.band.code if outcome.band else "",
                "band_label": outcome.band.label if outcome.band else "",
                "dimensions": [d.as_json() for d in outcome.dimensions],
                "run_id": run.pk,
            }
            result = existing.get((school.pk, system.code))
            if result is None:
                EvaluationResult.objects.create(
                    school=school, academic_year=year, system=system.code, **fields
                )
                tally = summary.created
            elif any(_differs(getattr(result, k), v) for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(result, key, value)
                result.save()
                tally = summary.changed
            else:
                tally = summary.unchanged
            tally[system.code] = tally.get(system.code, 0) + 1
            if outcome.band is None:
                summary.without_band[system.code] = summary.without_band.get(system.code, 0) + 1
    return summary


def _differs(stored: Any, new: Any) -> bool:
    if isinstance(stored, Decimal) or isinstance(new, Decimal):
        return stored is None or new is None or Decimal(stored) != Decimal(new)
    return bool(stored != new)


# --- what a viewer sees ------------------------------------------------------------------------------------


@dataclass
class LeafView:
    name: str
    indicator: str
    weight: str
    missing: bool
    withheld: bool
    score: str | None
    value: str


@dataclass
class DimensionView:
    name: str
    weight: str
    score: str | None
    withheld: bool
    coverage: str
    leaves: list[LeafView]


@dataclass
class ResultView:
    """A stored result as ``viewer`` may see it. Outside the school, a leaf whose indicator value is a
    withheld small group (:func:`tisheng.indicators.present.is_suppressed`) shows neither its value nor
    its score, and neither its dimension's score nor the total is shown (either would give it away by
    subtraction); the band stays."""

    total: str | None
    withheld: bool
    dimensions: list[DimensionView]


def result_view(result: Any, viewer: Any, values: Mapping[int, Any] | None = None) -> ResultView:
    """``values`` are the stored indicator values by id (for the detail page); without them no value is
    printed."""
    from tisheng.indicators.present import display, suppression_text, viewer_school

    own = viewer_school(viewer) == result.school_id
    definitions = catalogue()
    dimensions: list[DimensionView] = []
    withheld_any = False
    for dim in result.dimensions:
        leaves: list[LeafView] = []
        dim_withheld = False
        for leaf in dim["leaves"]:
            hidden = bool(leaf["suppressed"]) and not own
            dim_withheld |= hidden
            definition = definitions.get(leaf["indicator"])
            value = (values or {}).get(leaf["value_id"]) if leaf["value_id"] else None
            if hidden and definition is not None:
                shown = suppression_text(definition, value)
            elif value is not None and definition is not None:
                shown = display(definition, value.value)
            else:
                shown = ""
            leaves.append(
                LeafView(
                    leaf["name"],
                    leaf["indicator"],
                    leaf["weight"],
                    leaf["status"] == MISSING,
                    hidden,
                    None if hidden else leaf["score"],
                    shown,
                )
            )
        withheld_any |= dim_withheld
        dimensions.append(
            DimensionView(
                dim["name"],
                dim["weight"],
                None if dim_withheld else dim["score"],
                dim_withheld,
                dim["coverage"],
                leaves,
            )
        )
    total = None if withheld_any or result.total is None else str(result.total)
    return ResultView(total, withheld_any, dimensions)
