"""Official standards as package data (国家标准与评估办法), each value with its provenance.

The files under ``data/`` are a verbatim copy of ``shared/standards`` (a test keeps them identical when that
folder sits beside the checkout): ``indicators.yaml`` holds the thresholds and 口径 of the 优质均衡 (2017)
and 普及普惠 (2020) assessments, the statistical definitions, 近视 and 五项管理; ``fitness/`` holds the
《国家学生体质健康标准（2014年修订）》 tables. Nothing here imports Django: the indicator engine reads it.

Every entry keeps its ``verification`` level; ``unverified`` entries are surfaced to users as such
(see :attr:`StandardEntry.is_verified`), never silently trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "DATA",
    "Comparison",
    "Document",
    "Source",
    "StandardEntry",
    "StandardsError",
    "documents",
    "entries",
    "entry",
    "parse_comparison",
    "sources",
]

DATA = resources.files(__package__) / "data"

#: verification levels, strongest first, with the Chinese label the UI shows
VERIFICATION_LABELS: dict[str, str] = {
    "multi_source": "多来源核实",
    "single_source": "单一来源",
    "conflict_resolved": "来源冲突已裁定",
    "convention": "通行做法",
    "inferred_unverified": "推断，未核实",
    "unverified": "未核实",
    "missing": "缺失",
}
WEAK_VERIFICATION = frozenset({"unverified", "inferred_unverified", "missing"})


class StandardsError(ValueError):
    """The packaged standards are inconsistent or a reference to them is wrong."""


_COMPARISON = re.compile(r"^\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Comparison:
    """A threshold such as ``>= 4.2``: the value must satisfy ``value <op> bound``. Bounds are exact
    fractions so that 79.99 and 80 never flip (the comparison is made on exact numbers)."""

    op: str
    bound: Fraction

    def holds(self, value: Fraction) -> bool:
        match self.op:
            case ">=":
                return value >= self.bound
            case "<=":
                return value <= self.bound
            case ">":
                return value > self.bound
            case "<":
                return value < self.bound
            case _:
                return value == self.bound

    def reached_share(self, value: Fraction) -> Fraction | None:
        """How far ``value`` reaches a ``>=`` bound (1 = met); ``None`` for other comparisons."""
        if self.op not in (">=", ">") or self.bound == 0:
            return None
        return value / self.bound

    def __str__(self) -> str:
        bound = self.bound
        text = str(bound.numerator) if bound.denominator == 1 else f"{float(bound):g}"
        return f"{self.op} {text}"

    @property
    def symbol(self) -> str:
        return (
            {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}[self.op] + " " + str(self).split(" ", 1)[1]
        )


def parse_comparison(text: str) -> Comparison:
    """``'>= 4.2'`` → Comparison('>=', 21/5). Raises StandardsError for anything else."""
    match = _COMPARISON.match(str(text))
    if not match:
        raise StandardsError(f"不是可比较的阈值：{text!r}（应形如 '>= 4.2'）")
    return Comparison(match.group(1), Fraction(match.group(2)))


@dataclass(frozen=True)
class Document:
    id: str
    title_zh: str
    number: str = ""
    issuer: str = ""
    note: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    text: str


@dataclass(frozen=True)
class StandardEntry:
    """One entry of ``indicators.yaml``: an indicator, rule or definition with its provenance."""

    id: str
    name_zh: str
    verification: str
    unverified: bool
    why_unverified: str
    unverified_parts: tuple[str, ...]
    thresholds: dict[str, str]
    document: Document | None
    article: str
    evidence: tuple[Source, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def is_verified(self) -> bool:
        """False when the entry, or a part of it, could not be confirmed in any consulted source."""
        return not (self.unverified or self.unverified_parts or self.verification in WEAK_VERIFICATION)

    @property
    def verification_label(self) -> str:
        return VERIFICATION_LABELS.get(self.verification, self.verification)

    def threshold(self, key: str) -> Comparison:
        try:
            return parse_comparison(self.thresholds[key])
        except KeyError:
            raise StandardsError(
                f"标准 {self.id} 没有阈值 {key!r}（已有：{', '.join(self.thresholds)}）"
            ) from None


@cache
def _load() -> dict[str, Any]:
    with (DATA / "indicators.yaml").open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@cache
def documents() -> dict[str, Document]:
    return {
        d["id"]: Document(
            id=d["id"],
            title_zh=d["title_zh"],
            number=str(d.get("number", "")),
            issuer=str(d.get("issuer", "")),
            note=str(d.get("note", "")),
        )
        for d in _load()["documents"]
    }


@cache
def sources() -> dict[str, Source]:
    return {key: Source(key, str(text)) for key, text in _load()["sources"].items()}


def _entry(raw: dict[str, Any]) -> StandardEntry:
    source = raw.get("source") or {}
    docs = documents()
    known = sources()
    evidence = []
    for key in raw.get("evidence", []):
        if key not in known:
            raise StandardsError(f"标准 {raw['id']} 引用了未知来源 {key}")
        evidence.append(known[key])
    document_id = source.get("document")
    if document_id and document_id not in docs:
        raise StandardsError(f"标准 {raw['id']} 引用了未知文件 {document_id}")
    thresholds = raw.get("thresholds") or {}
    return StandardEntry(
        id=raw["id"],
        name_zh=str(raw.get("name_zh", "")),
        verification=str(raw.get("verification", "unverified")),
        unverified=bool(raw.get("unverified", False)),
        why_unverified=" ".join(str(raw.get("why_unverified", "")).split()),
        unverified_parts=tuple(str(p) for p in raw.get("unverified_parts", [])),
        thresholds={str(k): str(v) for k, v in thresholds.items()},
        document=docs.get(document_id) if document_id else None,
        article=str(source.get("article", "")),
        evidence=tuple(evidence),
        raw=raw,
    )


@cache
def entries() -> dict[str, StandardEntry]:
    """Every indicator, rule and definition of ``indicators.yaml`` by id."""
    data = _load()
    result: dict[str, StandardEntry] = {}
    for raw in [*data["yzjh_rules"], *data["indicators"]]:
        if raw["id"] in result:
            raise StandardsError(f"标准编号重复：{raw['id']}")
        result[raw["id"]] = _entry(raw)
    return result


def entry(standard_id: str) -> StandardEntry:
    try:
        return entries()[standard_id]
    except KeyError:
        raise StandardsError(f"未知的标准编号：{standard_id}") from None
