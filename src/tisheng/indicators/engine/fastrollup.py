"""The columnar rollup (列式汇总): ``ratio`` and ``count`` indicators summed with NumPy, exactly.

The measure queries return one Arrow table per query (:class:`MeasureData`). For an indicator whose
numerator and denominator measures all come from ONE school-grain query over a table whose groups are kept
even when zero (:data:`.measures.KEEP_ZERO_TABLES`: every source group is a row of every measure), the
Python rollup (:class:`.compute.Rollup`) reduces to group sums of integer columns: per organisation and
breakdown key, Σ of the admitted rows. This module computes those sums with ``np.add.at`` in int64, forms
each value n·A ÷ (d·B) with integers A, B from the measures' scales and the factor, rounds it to
:data:`.compute.PLACES` decimals half to even by long division in int64, and decides the threshold by
exact cross-multiplication — the same numbers, bit for bit, as the Python path (tests/indicators/
test_fast_rollup.py). Wherever an intermediate could leave int64 the indicator stays on the Python path.

Results stay columnar (:class:`ResultBlock`) until asked for: 10 million students give about 1.4 million
values, and one ``Result`` object per value costs more than all the sums.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tisheng.indicators.catalogue import Definition, Filters

from . import measures as m

if TYPE_CHECKING:
    from .compute import MeasureRow, Result, Rollup

#: every intermediate stays below this (int64 holds < 2⁶³; one bit of headroom for sums of two terms)
LIMIT = 1 << 62
#: the long division's step: 10¹⁰ = (10⁵)²
STEP = 10**5


@dataclass
class QueryResult:
    """One measure query's result, columnar: the grain, the measures it yields, its Arrow table, and the
    key of its first row (source groups are numbered across queries, as the Python path numbers them)."""

    grain: str
    names: tuple[str, ...]
    table: pa.Table
    first_key: int


class MeasureData(Mapping[str, list["MeasureRow"]]):
    """The measure rows per measure, as :func:`.compute.run_queries` has always given them, built lazily
    from the columnar query results (only for the measures an indicator on the Python path reads)."""

    def __init__(self, queries: Sequence[QueryResult]) -> None:
        self.queries = list(queries)
        self.query_of = {name: q for q in self.queries for name in q.names}
        self._rows: dict[str, list[MeasureRow]] = {}
        self._columns: dict[int, dict[str, list[Any]]] = {}

    def _build(self, name: str) -> list[MeasureRow]:
        from .compute import REPORTED_TABLES, MeasureRow

        if name in self._rows:
            return self._rows[name]
        q = self.query_of.get(name)
        rows: list[MeasureRow] = []
        if q is not None:
            columns = self._columns.get(id(q))
            if columns is None:
                columns = self._columns[id(q)] = q.table.to_pydict()
            n = q.table.num_rows
            schools = columns.get("school_id") if q.grain == m.SCHOOL else None
            towns = columns.get("town_code") if q.grain == m.TOWN else None
            stages, breakdowns, counts = columns["stage"], columns["breakdown"], columns["_rows"]
            values = columns[name]
            table = m.MEASURES[name].table
            keep_all = table in REPORTED_TABLES or table in m.KEEP_ZERO_TABLES
            for i in range(n):
                value = values[i] or 0
                if value or keep_all:
                    rows.append(
                        MeasureRow(
                            q.first_key + i,
                            schools[i] if schools is not None else None,
                            towns[i] if towns is not None else None,
                            stages[i] or "",
                            breakdowns[i] or "",
                            int(value),
                            int(counts[i] or 0),
                        )
                    )
        self._rows[name] = rows
        return rows

    def __getitem__(self, name: str) -> list[MeasureRow]:
        rows = self._build(name)
        if not rows:
            raise KeyError(name)
        return rows

    def __iter__(self) -> Iterator[str]:
        return (name for q in self.queries for name in q.names if self._build(name))

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class Segment:
    """The values of one level and stage key, in the Python path's order (sorted by org, then breakdown)."""

    level: str
    stage: str
    org_labels: list[str]
    groups: np.ndarray  # org index × len(part_labels) + part index, ascending
    numerators: np.ndarray  # Σ of the numerator measures, in units of 1/num_scale
    denominators: np.ndarray | None  # the same for the denominator (None for a count)
    quantized: np.ndarray  # value × 10**PLACES, rounded half to even
    known: np.ndarray  # bool: the value exists (denominator ≠ 0)
    rows: np.ndarray
    met: np.ndarray  # int8: -1 no threshold / no value, 0 not met, 1 met


@dataclass
class ResultBlock:
    """The values of one ``ratio`` or ``count`` indicator, columnar; :meth:`results` makes them objects."""

    definition: Definition
    part_labels: list[str]
    num_scale: int  # numerator = Σ ÷ num_scale
    den_scale: int
    detail: str
    segments: list[Segment]

    def __len__(self) -> int:
        return sum(len(s.groups) for s in self.segments)

    def results(self) -> list[Result]:
        from .compute import PLACES, Result

        d, parts, count = self.definition, self.part_labels, self.definition.kind == "count"
        out: list[Result] = []
        for s in self.segments:
            n_parts = len(parts)
            for g, n, q, known, rows, met, den in zip(
                s.groups.tolist(),
                s.numerators.tolist(),
                s.quantized.tolist(),
                s.known.tolist(),
                s.rows.tolist(),
                s.met.tolist(),
                s.denominators.tolist() if s.denominators is not None else [None] * len(s.groups),
                strict=True,
            ):
                out.append(
                    Result(
                        d.id, s.level, s.org_labels[g // n_parts], s.stage, parts[g % n_parts],
                        Fraction(n, self.num_scale), None if count else Fraction(den, self.den_scale),
                        Decimal(f"{q}E-{PLACES}") if known else None, rows, None if met < 0 else bool(met),
                        self.detail,
                    )
                )  # fmt: skip
        return out

    def get(self, level: str, org: str, stage: str, part: str) -> Result | None:
        """The one value at ``level``/``org``/``stage``/``part`` (without making the others)."""
        for s in self.segments:
            if (
                s.level != level
                or s.stage != stage
                or org not in s.org_labels
                or part not in self.part_labels
            ):
                continue
            g = s.org_labels.index(org) * len(self.part_labels) + self.part_labels.index(part)
            i = int(np.searchsorted(s.groups, g))
            if i < len(s.groups) and s.groups[i] == g:
                one = ResultBlock(
                    self.definition, self.part_labels, self.num_scale, self.den_scale, self.detail,
                    [Segment(
                        s.level, s.stage, s.org_labels, s.groups[i : i + 1], s.numerators[i : i + 1],
                        s.denominators[i : i + 1] if s.denominators is not None else None,
                        s.quantized[i : i + 1], s.known[i : i + 1], s.rows[i : i + 1], s.met[i : i + 1],
                    )],
                )  # fmt: skip
                return one.results()[0]
        return None


def _weights(names: Sequence[str]) -> tuple[list[int], int]:
    """Integer weights w and a common denominator L with Σ value·scale = Σ value·w ÷ L."""
    scales = [m.MEASURES[n].scale for n in names]
    common = math.lcm(*(s.denominator for s in scales)) if scales else 1
    return [int(s * common) for s in scales], common


def _column(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(pc.fill_null(table[name], 0).to_numpy(zero_copy_only=False), dtype=np.int64)


def _school_mask(rollup: Rollup, filters: Sequence[Filters], info: list[tuple[str, str, bool]]) -> np.ndarray:
    """Per school index (last two slots: a school not in the register, a row without school) whether all
    ``filters`` admit it, as :meth:`.compute.Rollup.admits` decides (kept on the rollup per filters)."""
    key = ("mask", tuple(filters))
    if key in rollup.fast_cache:
        return rollup.fast_cache[key]
    ok = [all(f.admits_school(*s) for f in filters) for s in info]
    no_school = all(not (f.school_types or f.ownership or f.puhui) for f in filters)
    mask = rollup.fast_cache[key] = np.array([*ok, False, no_school], dtype=bool)
    return mask


def fast_block(rollup: Rollup, d: Definition) -> ResultBlock | None:
    """The values of ``d`` by the columnar rollup, or None when it does not provably give the Python
    path's values (then the caller uses the Python path)."""
    from .compute import REPORTED_TABLES, STAGED_TABLES

    found = rollup.found
    if not isinstance(found, MeasureData) or d.kind not in ("ratio", "count"):
        return None
    numerator = list(d.numerator)
    denominator = list(d.denominator) if d.kind == "ratio" else []
    names = numerator + denominator
    if not numerator or (d.kind == "ratio" and not denominator) or any(n.startswith("*") for n in names):
        return None
    queries = {id(found.query_of.get(n)) for n in names}
    q = found.query_of.get(names[0])
    if q is None or len(queries) != 1 or q.grain != m.SCHOOL:
        return None
    tables = {m.MEASURES[n].table for n in names}
    if len(tables) != 1 or tables & REPORTED_TABLES or not tables <= m.KEEP_ZERO_TABLES:
        return None
    staged = next(iter(tables)) in STAGED_TABLES
    t = q.table

    # -- the source rows: values, school, stage and breakdown codes ---------------------------------------
    num_w, num_l = _weights(numerator)
    den_w, den_l = _weights(denominator)
    columns = {n: _column(t, n) for n in set(names)}
    for side, weights in ((numerator, num_w), (denominator, den_w)):
        if sum(int(np.abs(columns[n]).sum()) * w for n, w in zip(side, weights, strict=True)) >= LIMIT:
            return None
    if any(int(columns[n].min(initial=0)) < 0 for n in denominator):
        return None  # a negative denominator would flip the floor division's rounding
    num_values = sum(
        (columns[n] * w for n, w in zip(numerator, num_w, strict=True)), np.zeros(t.num_rows, np.int64)
    )
    den_values = sum(
        (columns[n] * w for n, w in zip(denominator, den_w, strict=True)), np.zeros(t.num_rows, np.int64)
    )
    counts = _column(t, "_rows")

    schools = sorted(rollup.schools)
    info = [(s.school_type, s.ownership, s.is_puhui) for s in (rollup.schools[i] for i in schools)]
    n_schools = len(schools)
    ids = t["school_id"]
    ids_np = np.asarray(pc.fill_null(ids, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    known_ids = np.array(schools, dtype=np.int64)
    pos = np.searchsorted(known_ids, ids_np)
    pos_c = np.minimum(pos, max(n_schools - 1, 0))
    found_school = (
        (pos < n_schools) & (known_ids[pos_c] == ids_np) if n_schools else np.zeros(len(ids_np), bool)
    )
    school_index = np.where(found_school, pos_c, n_schools)  # n_schools: not in the register
    school_index = np.where(pc.is_null(ids).to_numpy(zero_copy_only=False), n_schools + 1, school_index)

    stage_col = pc.fill_null(t["stage"], "").combine_chunks().dictionary_encode()
    stage_labels = [s or "" for s in stage_col.dictionary.to_pylist()]
    stage_codes = np.asarray(stage_col.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    bd_col = pc.fill_null(t["breakdown"], "").combine_chunks().dictionary_encode()
    bd_labels = [b or "" for b in bd_col.dictionary.to_pylist()]
    bd_codes = np.asarray(bd_col.indices.to_numpy(zero_copy_only=False), dtype=np.int64)

    from .compute import breakdown_parts

    dims = d.dimensions
    parts_per_key = [breakdown_parts(b, dims) for b in bd_labels]
    part_labels = sorted({"", *(p for ps in parts_per_key for p in ps)})
    part_index = {p: i for i, p in enumerate(part_labels)}
    width = 1 + max((len(ps) for ps in parts_per_key), default=0)
    parts_of = np.full((max(len(bd_labels), 1), width), -1, dtype=np.int64)
    for code, ps in enumerate(parts_per_key):
        parts_of[code, 0] = part_index[""]
        for j, p in enumerate(ps, start=1):
            parts_of[code, j] = part_index[p]
    n_parts = len(part_labels)

    # -- the organisations of each level, as indexes into sorted labels (-1: no organisation) --------------
    codes = sorted({rollup.schools[i].code for i in schools})
    code_index = {c: i for i, c in enumerate(codes)}
    town_index = {c: i for i, c in enumerate(rollup.towns)}
    org_maps = {
        "school": (
            codes,
            np.array([*(code_index[rollup.schools[i].code] for i in schools), -1, -1], np.int64),
        ),
        "town": (
            list(rollup.towns),
            np.array([*(town_index[rollup.schools[i].town_code] for i in schools), -1, -1], np.int64),
        ),
        "district": ([rollup.district], np.zeros(n_schools + 2, np.int64)),
    }
    if any(level not in org_maps for level in d.levels):
        return None

    # -- exact values: value = N·A ÷ (D·B) ----------------------------------------------------------------
    if d.kind == "ratio":
        a, b = d.factor * den_l, num_l  # (N/num_l)·factor ÷ (D/den_l)
    else:
        a, b = 1, num_l
    num_bound = int(np.abs(num_values).sum())
    den_bound = int(den_values.sum()) if d.kind == "ratio" else 1
    if num_bound * a >= LIMIT or den_bound * b * STEP >= LIMIT or 2 * den_bound * b >= LIMIT:
        return None
    comparisons = {stage: d.threshold(stage, rollup.overrides) for stage in d.stage_keys}
    for c in comparisons.values():
        if c is not None and (
            num_bound * a * c.bound.denominator >= LIMIT or abs(c.bound.numerator) * den_bound * b >= LIMIT
        ):
            return None

    school_ok = _school_mask(rollup, (d.filters,), info)
    num_school_ok = _school_mask(rollup, (d.filters, d.numerator_filters), info)
    filler_school = school_ok[:n_schools]

    def stage_ok(filters: Sequence[Filters], stage: str) -> np.ndarray:
        ok = np.ones(len(stage_labels), dtype=bool)
        if staged:
            for k, label in enumerate(stage_labels):
                if stage and label != stage:
                    ok[k] = False
                for f in filters:
                    if f.stages and label not in f.stages:
                        ok[k] = False
        return ok[stage_codes] if len(stage_labels) else np.zeros(t.num_rows, bool)

    segments: list[Segment] = []
    for level in d.levels:
        labels, org_of_school = org_maps[level]
        org = org_of_school[school_index]
        size = len(labels) * n_parts
        for stage in d.stage_keys:
            den_rows_ok = stage_ok((d.filters,), stage) & school_ok[school_index] & (org >= 0)
            num_rows_ok = (
                stage_ok((d.filters, d.numerator_filters), stage) & num_school_ok[school_index] & (org >= 0)
            )
            num_sum = np.zeros(size, np.int64)
            den_sum = np.zeros(size, np.int64)
            rows_sum = np.zeros(size, np.int64)
            present = np.zeros(size, bool)
            base = org * n_parts
            for j in range(width):
                part = parts_of[bd_codes, j] if len(bd_labels) else np.full(t.num_rows, -1)
                has = part >= 0
                g = base + part
                sel = num_rows_ok & has
                np.add.at(num_sum, g[sel], num_values[sel])
                if d.kind == "ratio":
                    sel_d = den_rows_ok & has
                    np.add.at(den_sum, g[sel_d], den_values[sel_d])
                    np.add.at(rows_sum, g[sel_d], counts[sel_d])
                    present[g[sel_d]] = True
                else:
                    np.add.at(rows_sum, g[sel], counts[sel])
                    present[g[sel]] = True
            # every town and the district get a row (the count: every organisation of the level)
            if level != "school":
                present[np.arange(len(labels)) * n_parts + part_index[""]] = True
            elif d.kind == "count":
                admitted = sorted(
                    {code_index[rollup.schools[i].code] for k, i in enumerate(schools) if filler_school[k]}
                )
                present[np.array(admitted, np.int64) * n_parts + part_index[""]] = True
            groups = np.flatnonzero(present)
            n = num_sum[groups]
            if d.kind == "ratio":
                den = den_sum[groups]
                known = den != 0
                top, bottom = n * a, np.where(known, den * b, 1)
            else:
                den = None
                known = np.ones(len(groups), bool)
                top, bottom = n * a, np.full(len(groups), b, np.int64)
            q0, r0 = np.divmod(top, bottom)
            if len(q0) and int(np.abs(q0).max()) * STEP * STEP >= LIMIT:
                return None
            q1, r1 = np.divmod(r0 * STEP, bottom)
            q2, r2 = np.divmod(r1 * STEP, bottom)
            quotient = q0 * STEP * STEP + q1 * STEP + q2
            up = (2 * r2 > bottom) | ((2 * r2 == bottom) & (quotient % 2 == 1))
            quantized = quotient + up
            c = comparisons[stage]
            if c is None:
                met = np.full(len(groups), -1, np.int8)
            else:
                left, right = top * c.bound.denominator, c.bound.numerator * bottom
                holds = {
                    ">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right
                }.get(c.op, left == right)  # fmt: skip
                met = np.where(known, holds.astype(np.int8), np.int8(-1)).astype(np.int8)
                if d.kind == "count":  # a count's breakdown rows carry no verdict
                    met = np.where(groups % n_parts == part_index[""], met, np.int8(-1)).astype(np.int8)
            segments.append(
                Segment(
                    level, stage, labels, groups, n, den, np.where(known, quantized, 0), known,
                    rows_sum[groups], met,
                )
            )  # fmt: skip
    return ResultBlock(d, part_labels, num_l, den_l, rollup.detail(d), segments)
