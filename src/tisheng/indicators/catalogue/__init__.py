"""The indicator catalogue (指标目录): every indicator as data, read from ``definitions.yaml``.

A definition names its formula in measures (see :mod:`tisheng.indicators.engine.measures`), the levels and
stages it is computed at, its filters, its threshold (taken from the packaged national standards, with a
provincial override as a setting), the plan clause it serves and the official 口径 with its source and
verification level. Nothing here imports Django.

Breakdowns (分列). A definition with ``by`` gives, besides its total row (breakdown ``""``), one row per
value of each breakdown dimension and per combination of them. ``by: level`` (one dimension, the level of a
recognition or honour) keeps its bare keys: ``"national"``, ``"city"`` …. Any other ``by`` — e.g.
``by: [grade, sex]`` for the health indicators — gives keys ``dimension=value`` joined by ``,`` in the order
of ``by``: ``""`` (all), ``"grade=11"``, ``"sex=M"``, ``"grade=11,sex=M"`` (the marginal rows and the cells;
grades are 年级编号 11–16, 21–23, 31–33, sexes ``M``/``F``). :func:`breakdown_key` writes a key and
:func:`parse_breakdown` reads one. The breakdown rows are summed from the same integers as the total, so
they add up to it exactly.

Small groups (小样本保护). ``min_group`` (0 = none) is the least number of students a value may rest on to
be shown outside the student's school: every indicator computed from student-level health data has 10.
:meth:`Definition.small_group` says whether a value is below it (from the value's ``rows``, the students
behind it, and for a ratio or mean also its denominator). ``Definition.by`` is the dimensions as written, joined by ``,``
(``"level"``, ``"grade,sex"``); ``Definition.dimensions`` the tuple.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from tisheng import standards
from tisheng.standards import Comparison, StandardEntry, parse_comparison

KINDS = ("ratio", "count", "school_share", "cv", "difference", "yzjh_school", "yzjh_district")
LEVELS = ("school", "town", "district")
STAGES = ("preschool", "primary", "junior", "senior")
LEVEL_LABELS = {"school": "学校", "town": "镇（街道）", "district": "区县"}
STAGE_LABELS = {"": "全部学段", "preschool": "学前", "primary": "小学", "junior": "初中", "senior": "高中"}
#: the school types' Chinese names (as in core.choices.SchoolType; repeated here to stay free of Django)
SCHOOL_TYPE_LABELS = {
    "kindergarten": "幼儿园",
    "primary": "小学",
    "junior": "初中",
    "nine_year": "九年一贯制学校",
    "complete_secondary": "完全中学",
    "senior": "普通高中",
    "special": "特殊教育学校",
}
KIND_LABELS = {
    "ratio": "比率",
    "count": "计数",
    "school_share": "学校占比",
    "cv": "差异系数",
    "difference": "变化（两个比率之差）",
    "yzjh_school": "学校达标判定",
    "yzjh_district": "区县达标判定",
}


class CatalogueError(ValueError):
    """A definition is malformed or refers to something that does not exist."""


@dataclass(frozen=True)
class Condition:
    """A school-level test on a measure: ``at_least`` n, or ``more_than`` n (per school type if given)."""

    measure: str
    at_least: int | None = None
    more_than: int | None = None
    more_than_by_type: Mapping[str, int] = field(default_factory=dict)
    stages: tuple[str, ...] = ()

    def holds(self, value: int, school_type: str) -> bool:
        if self.at_least is not None:
            return value >= self.at_least
        limit = self.more_than_by_type.get(school_type, self.more_than)
        assert limit is not None
        return value > limit

    def describe(self, label: str) -> str:
        if self.at_least is not None:
            return f"{label} ≥ {self.at_least}"
        by_type = "".join(f"；{k} 为 {v}" for k, v in self.more_than_by_type.items())
        return f"{label} > {self.more_than}{by_type}"


@dataclass(frozen=True)
class Filters:
    """Which rows a sum takes: by school type, ownership, 普惠 status and stage (empty = no restriction)."""

    school_types: tuple[str, ...] = ()
    exclude_school_types: tuple[str, ...] = ()
    ownership: tuple[str, ...] = ()
    puhui: bool = False
    stages: tuple[str, ...] = ()

    def admits_school(self, school_type: str, ownership: str, is_puhui: bool) -> bool:
        if self.school_types and school_type not in self.school_types:
            return False
        if school_type in self.exclude_school_types:
            return False
        if self.ownership and ownership not in self.ownership:
            return False
        return not (self.puhui and not (ownership == "public" or is_puhui))

    def describe(self) -> str:
        parts = []
        if self.stages:
            parts.append("学段：" + "、".join(STAGE_LABELS[s] for s in self.stages))
        if self.school_types:
            parts.append("学校类型：" + "、".join(SCHOOL_TYPE_LABELS.get(t, t) for t in self.school_types))
        if self.exclude_school_types:
            parts.append(
                "不含：" + "、".join(SCHOOL_TYPE_LABELS.get(t, t) for t in self.exclude_school_types)
            )
        if self.ownership:
            parts.append(
                "举办者："
                + "、".join({"public": "公办", "private": "民办"}.get(o, o) for o in self.ownership)
            )
        if self.puhui:
            parts.append("公办或普惠性民办")
        return "；".join(parts)


def _filters(raw: Any) -> Filters:
    raw = raw or {}
    if unknown := set(raw) - {"school_types", "exclude_school_types", "ownership", "puhui", "stages"}:
        raise CatalogueError(f"未知的过滤条件 {sorted(unknown)}")
    return Filters(
        school_types=_tuple(raw.get("school_types")),
        exclude_school_types=_tuple(raw.get("exclude_school_types")),
        ownership=_tuple(raw.get("ownership")),
        puhui=bool(raw.get("puhui", False)),
        stages=_tuple(raw.get("stages")),
    )


@dataclass(frozen=True)
class Threshold:
    """The national threshold of one stage ('' = all stages), from a standard or stated here."""

    comparison: Comparison
    standard: StandardEntry | None
    note: str = ""

    @property
    def is_verified(self) -> bool:
        """A threshold stated by the plan itself (no standard) is the plan's own figure, not unverified."""
        return self.standard.is_verified if self.standard else True


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    name_zh: str
    name_en: str
    group: str
    kind: str
    unit_zh: str
    unit_en: str
    decimals: int
    levels: tuple[str, ...]
    stages: tuple[str, ...]
    total: bool
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    factor: int
    conditions: tuple[Condition, ...]
    among: tuple[Condition, ...]
    of: str
    #: the breakdown dimensions as written, joined by "," ("level", "grade,sex"; "" for none)
    by: str
    filters: Filters
    numerator_filters: Filters
    thresholds: Mapping[str, Threshold]
    higher_is_better: bool
    standard: StandardEntry | None
    plan_task: int | None
    plan_text: str
    kou_jing: str
    note: str
    #: values over fewer than this many students are suppressed outside the school (0: never)
    min_group: int = 0
    #: for a ``difference``: the ratio subtracted from ``of`` (e.g. last year's rate)
    minus: str = ""

    def small_group(self, rows: int, denominator: Any = None) -> bool:
        """Whether a value with ``rows`` students behind it (and ``denominator``, for a ratio or a mean)
        rests on fewer than :attr:`min_group` students, and so is shown only inside the school."""
        if not self.min_group:
            return False
        if rows < self.min_group:
            return True
        return denominator is not None and self.kind != "count" and denominator < self.min_group

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The breakdown dimensions (``("grade", "sex")``; ``()`` for none)."""
        return tuple(self.by.split(",")) if self.by else ()

    @property
    def stage_keys(self) -> tuple[str, ...]:
        """The stage values of the result rows: each listed stage, then '' for all when ``total``."""
        return (*self.stages, *([""] if self.total or not self.stages else []))

    @property
    def is_verified(self) -> bool:
        """False if the 口径 or any threshold rests on a standard marked unverified (or partly so)."""
        return all(s.is_verified for s in self.standards_cited)

    @property
    def standards_cited(self) -> tuple[StandardEntry, ...]:
        cited = [self.standard] if self.standard else []
        cited += [t.standard for t in self.thresholds.values() if t.standard]
        return tuple({s.id: s for s in cited}.values())

    def threshold(self, stage: str, overrides: Mapping[str, Any] | None = None) -> Comparison | None:
        """The comparison for ``stage``; a provincial override (``{id: '>= 90'}`` or
        ``{id: {'primary': '>= 4.5'}}``) replaces the national value."""
        if overrides and self.id in overrides:
            override = overrides[self.id]
            if isinstance(override, Mapping):
                text = override.get(stage, override.get(""))
                if text is not None:
                    return parse_comparison(str(text))
            else:
                return parse_comparison(str(override))
        found = self.thresholds.get(stage) or self.thresholds.get("")
        return found.comparison if found else None


_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _prose(raw: Any) -> str:
    """Folded YAML prose on one line, without the spaces folding puts between Chinese characters."""
    return _CJK_SPACE.sub("", " ".join(str(raw or "").split()))


def _tuple(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    return tuple(str(x) for x in raw)


#: breakdown dimensions (分列维度) the measures can carry
BREAKDOWN_DIMENSIONS = ("level", "grade", "sex")
#: the legacy single dimension whose keys are bare values
BARE_DIMENSION = "level"


def _by(raw: Any, ident: str) -> str:
    by = _tuple(raw)
    if unknown := set(by) - set(BREAKDOWN_DIMENSIONS):
        raise CatalogueError(f"{ident}: 未知的分列维度 {sorted(unknown)}")
    if BARE_DIMENSION in by and len(by) > 1:
        raise CatalogueError(f"{ident}: 按级别分列不能与其他维度组合")
    if len(set(by)) != len(by):
        raise CatalogueError(f"{ident}: 分列维度重复")
    return ",".join(by)


def breakdown_key(parts: Mapping[str, Any] | Any) -> str:
    """The key of a breakdown row: ``{"grade": 11, "sex": "M"}`` → ``"grade=11,sex=M"`` (in the given
    order; ``{}`` → ``""``)."""
    return ",".join(f"{k}={v}" for k, v in dict(parts).items())


def parse_breakdown(key: str) -> dict[str, str]:
    """``"grade=11,sex=M"`` → ``{"grade": "11", "sex": "M"}``; ``""`` → ``{}``; a bare key (a level, as
    in ``"national"``) → ``{"level": "national"}``."""
    if not key:
        return {}
    if "=" not in key:
        return {BARE_DIMENSION: key}
    return dict(part.split("=", 1) for part in key.split(","))


def _conditions(raw: Any) -> tuple[Condition, ...]:
    if not raw:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    return tuple(
        Condition(
            measure=str(item["measure"]),
            at_least=item.get("at_least"),
            more_than=item.get("more_than"),
            more_than_by_type=dict(item.get("more_than_by_type", {})),
            stages=_tuple(item.get("stages")),
        )
        for item in items
    )


def _thresholds(raw: Any, definition_id: str) -> dict[str, Threshold]:
    if not raw:
        return {}
    ref = raw.get("standard")
    entry = standards.entry(ref) if ref else None
    result: dict[str, Threshold] = {}
    for stage, spec in (raw.get("by_stage") or {"": raw.get("value") or raw.get("key")}).items():
        stage_key = "" if stage in ("all", "") else str(stage)
        text = str(spec)
        if entry is not None and text in entry.thresholds:
            comparison = entry.threshold(text)
        else:
            comparison = parse_comparison(text)
        result[stage_key] = Threshold(comparison, entry, str(raw.get("note", "")))
    if not result:
        raise CatalogueError(f"{definition_id}: 阈值为空")
    return result


def _definition(raw: dict[str, Any]) -> Definition:
    ident = str(raw["id"])
    kind = str(raw.get("kind", "ratio"))
    if kind not in KINDS:
        raise CatalogueError(f"{ident}: 未知的指标类型 {kind}")
    levels = _tuple(raw.get("levels", LEVELS))
    if unknown := set(levels) - set(LEVELS):
        raise CatalogueError(f"{ident}: 未知的层级 {sorted(unknown)}")
    stages = _tuple(raw.get("stages"))
    if unknown := set(stages) - set(STAGES):
        raise CatalogueError(f"{ident}: 未知的学段 {sorted(unknown)}")
    plan = raw.get("plan") or {}
    standard_id = raw.get("standard")
    return Definition(
        id=ident,
        version=int(raw.get("version", 1)),
        name_zh=str(raw["name_zh"]),
        name_en=str(raw["name_en"]),
        group=str(raw["group"]),
        kind=kind,
        unit_zh=str(raw.get("unit_zh", "")),
        unit_en=str(raw.get("unit_en", "")),
        decimals=int(raw.get("decimals", 2)),
        levels=levels,
        stages=stages,
        total=bool(raw.get("total", not stages)),
        numerator=_tuple(raw.get("numerator")),
        denominator=_tuple(raw.get("denominator")),
        factor=int(raw.get("factor", 1)),
        conditions=_conditions(raw.get("condition")),
        among=_conditions(raw.get("among")),
        of=str(raw.get("of", "")),
        by=_by(raw.get("by"), ident),
        filters=_filters(raw.get("filters")),
        numerator_filters=_filters(raw.get("numerator_filters")),
        thresholds=_thresholds(raw.get("threshold"), ident),
        higher_is_better=bool(raw.get("higher_is_better", True)),
        standard=standards.entry(standard_id) if standard_id else None,
        plan_task=plan.get("task"),
        plan_text=_prose(plan.get("text")),
        kou_jing=_prose(raw.get("kou_jing")),
        note=_prose(raw.get("note")),
        min_group=int(raw.get("min_group", 0)),
        minus=str(raw.get("minus", "")),
    )


@cache
def catalogue() -> dict[str, Definition]:
    """All definitions by id, in catalogue order."""
    with (resources.files(__package__) / "definitions.yaml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    result: dict[str, Definition] = {}
    for item in raw["indicators"]:
        definition = _definition(item)
        if definition.id in result:
            raise CatalogueError(f"指标编号重复：{definition.id}")
        result[definition.id] = definition
    return result


def definition(indicator_id: str) -> Definition:
    try:
        return catalogue()[indicator_id]
    except KeyError:
        raise CatalogueError(f"未知的指标：{indicator_id}") from None


CATALOGUE_VERSION = 1
