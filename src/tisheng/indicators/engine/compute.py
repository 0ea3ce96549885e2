"""Compute every indicator of the catalogue at every level from one snapshot.

Two steps. The measure queries (:mod:`.measures`, Ibis) scan the fact tables on the chosen backend and
return integer sums per stage section, town or district. The rollup below then sums those integers to
school, town and district with each indicator's filters and forms every ratio in exact rational
arithmetic, so a value on DuckDB and on Spark is the same number and a threshold such as 80% is never
missed by a float rounding. Values are rounded once, at the end, to :data:`PLACES` decimals.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from tisheng.indicators.catalogue import (
    BARE_DIMENSION,
    Condition,
    Definition,
    Filters,
    catalogue,
    parse_breakdown,
)
from tisheng.standards import Comparison

from . import measures as m
from .backends import Backend
from .fastrollup import MeasureData, QueryResult, ResultBlock, fast_block
from .snapshot import Snapshot

#: tables a school reports once a year: no row means "not reported", not zero
REPORTED_TABLES = frozenset({"facilities"})
STAGED_TABLES = frozenset(
    {
        "classes",
        "enrolments",
        "teachers",
        "facilities",
        "dropouts",
        "rotations",
        "fitness",
        "vision",
        "wuxiang",
    }
)
#: the key of the 筛查性近视 cut-off in a run's overrides (the setting TISHENG_MYOPIA_SE_INCLUSIVE)
MYOPIA_SE_INCLUSIVE = "TISHENG_MYOPIA_SE_INCLUSIVE"
#: the measures whose values depend on that cut-off: their values say which one was used
MYOPIA_MEASURES = frozenset({"myopia", "myopia_previous", "vision_undetermined"})
YZJH_RESOURCES = tuple(f"yzjh.resource.l{i}" for i in range(1, 8))
YZJH_SHARE = Fraction(85, 100)


@dataclass(frozen=True)
class School:
    school_id: int
    code: str
    name: str
    town_code: str
    school_type: str
    ownership: str
    is_puhui: bool


@dataclass(frozen=True)
class MeasureRow:
    key: int  # identifies the source group, to count contributing rows once
    school_id: int | None
    town_code: str | None
    stage: str
    breakdown: str
    value: int
    rows: int


@dataclass(frozen=True)
class Result:
    """One indicator value at one organisation, stage and breakdown."""

    indicator: str
    level: str
    org: str
    stage: str
    breakdown: str
    numerator: Fraction
    denominator: Fraction | None
    value: Decimal | None
    rows: int
    met: bool | None
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.indicator, self.level, self.org, self.stage, self.breakdown)


@dataclass
class Computation:
    """The results of one run, with what is needed to explain them.

    ``parts`` holds each indicator's values in order, as ``Result`` objects or, for the columnar rollup,
    as a :class:`.fastrollup.ResultBlock`; :attr:`results` makes (once) the objects of all of them."""

    snapshot: Snapshot
    backend: str
    parts: list[list[Result] | ResultBlock]
    measure_seconds: float
    rollup_seconds: float
    overrides: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def results(self) -> list[Result]:
        return [r for part in self.parts for r in (part.results() if isinstance(part, ResultBlock) else part)]

    def value_count(self) -> int:
        """How many values the run gave (without making their objects)."""
        return sum(len(part) for part in self.parts)

    def get(self, key: tuple[str, str, str, str, str]) -> Result | None:
        """The value at ``key`` (indicator, level, org, stage, breakdown), without making all the others."""
        indicator, level, org, stage, part = key
        for p in self.parts:
            if isinstance(p, ResultBlock):
                if p.definition.id == indicator:
                    return p.get(level, org, stage, part)
            else:
                for r in p:
                    if r.key == key:
                        return r
        return None

    def by_key(self) -> dict[tuple[str, str, str, str, str], Result]:
        return {r.key: r for r in self.results}


PLACES = 10


def quantize(value: Fraction) -> Decimal:
    """``value`` to :data:`PLACES` decimals, half to even, in integer arithmetic (no decimal context)."""
    scaled = value * 10**PLACES
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder > scaled.denominator or (2 * remainder == scaled.denominator and quotient % 2):
        quotient += 1
    return Decimal(f"{quotient}E-{PLACES}")


def quantize_sqrt(square: Fraction) -> Decimal:
    """√square to :data:`PLACES` decimals (nearest), with integer square roots."""
    scaled = square * 10 ** (2 * PLACES)
    root = math.isqrt(scaled.numerator // scaled.denominator)
    if scaled > Fraction(2 * root + 1, 2) ** 2:
        root += 1
    return Decimal(f"{root}E-{PLACES}")


def with_dependencies(definitions: Iterable[Definition]) -> list[Definition]:
    """``definitions`` and the indicators they are built from (a CV needs its base indicator, the
    优质均衡 verdicts the seven resource indicators and the CVs)."""
    everything = catalogue()
    pending = list(definitions)
    found: dict[str, Definition] = {}
    while pending:
        d = pending.pop()
        if d.id in found:
            continue
        found[d.id] = d
        deps = [x for x in (d.of, d.minus) if x]
        if d.kind in ("yzjh_school", "yzjh_district"):
            deps += list(YZJH_RESOURCES)
        if d.kind == "yzjh_district":
            deps += [f"yzjh.cv.l{i}" for i in range(1, 8)] + ["yzjh.school_verdict"]
        pending += [everything[x] for x in deps]
    return list(found.values())


def needed_measures(definitions: Iterable[Definition]) -> set[str]:
    """The measures ``definitions`` (and the indicators they are built from) are formed of."""
    names: set[str] = set()
    for d in with_dependencies(definitions):
        names.update(n.lstrip("*") for n in (*d.numerator, *d.denominator))
        names.update(c.measure for c in (*d.conditions, *d.among))
    return names


def myopia_se_inclusive(overrides: Mapping[str, Any] | None) -> bool:
    """The 筛查性近视 cut-off of a run: SE ≤ −0.50 D (True, the default) or SE < −0.50 D."""
    value = (overrides or {}).get(MYOPIA_SE_INCLUSIVE, True)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "off")
    return bool(value)


def myopia_criterion(overrides: Mapping[str, Any] | None) -> str:
    """The cut-off in words, as recorded on each value that depends on it."""
    sign = "≤" if myopia_se_inclusive(overrides) else "<"
    return f"筛查性近视判定：裸眼视力 < 5.0 且等效球镜 {sign} −0.50 D"


def read_measures(
    backend: Backend,
    snapshot: Snapshot,
    wanted: set[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> MeasureData:
    """Run the measure queries on ``backend`` (those yielding a ``wanted`` measure); rows per measure."""
    tables = backend.load(snapshot)
    manifest = snapshot.manifest
    ctx = m.Context(manifest.year, manifest.census_date, manifest.year_end, myopia_se_inclusive(overrides))
    return run_queries(backend, tables, ctx, wanted)


def run_queries(
    backend: Backend, tables: m.Tables, ctx: m.Context, wanted: set[str] | None = None
) -> MeasureData:
    """The measure rows of the queries yielding a ``wanted`` measure, over ``tables`` (Ibis tables).

    Each query's result stays an Arrow table; the rows per measure are made when first read. Source
    groups are numbered 1, 2, … across the queries in order (a group's rows are counted once). A zero is
    kept as a row for a reported table (e.g. 0 元 of equipment in 办学条件 is not a missing report) and
    for the student tables of :data:`.measures.KEEP_ZERO_TABLES` (none of them myopic is 0%, not "no
    data"); elsewhere a zero is no row."""
    results: list[QueryResult] = []
    key = 0
    for _table, grain, query, names in m.QUERIES:
        if wanted is not None and not wanted.intersection(names):
            continue
        table = _arrow(backend, query(tables, ctx), names)
        results.append(QueryResult(grain, tuple(names), table, key + 1))
        key += table.num_rows
    return MeasureData(results)


def _arrow(backend: Backend, expr: Any, names: Iterable[str]) -> Any:
    """The result of ``expr`` as an Arrow table (through the Ibis connection when there is one)."""
    import pyarrow as pa

    connection = getattr(backend, "connection", None)
    if connection is not None and hasattr(connection, "to_pyarrow"):
        return connection.to_pyarrow(expr)
    rows = list(backend.rows(expr))
    if rows:
        return pa.Table.from_pylist(rows)
    columns = {n: pa.array([], pa.int64()) for n in ("school_id", "_rows", *names)}
    columns |= {n: pa.array([], pa.string()) for n in ("town_code", "stage", "breakdown")}
    return pa.table(columns)


def read_schools(snapshot: Snapshot) -> dict[int, School]:
    return {
        r["school_id"]: School(
            r["school_id"],
            r["school_code"],
            r["school_name"],
            r["town_code"],
            r["school_type"],
            r["ownership"],
            r["is_puhui"],
        )
        for r in snapshot.read("schools").to_pylist()
    }


def compute(
    snapshot: Snapshot,
    backend: Backend,
    *,
    definitions: Iterable[Definition] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Computation:
    started = time.perf_counter()
    chosen = list(definitions) if definitions is not None else list(catalogue().values())
    found = read_measures(
        backend, snapshot, needed_measures(chosen) if definitions is not None else None, overrides
    )
    measured = time.perf_counter()
    rollup = Rollup(snapshot.manifest.district_code, read_schools(snapshot), found, overrides or {})
    parts = rollup.run_parts(chosen)
    return Computation(
        snapshot=snapshot,
        backend=backend.name,
        parts=parts,
        measure_seconds=measured - started,
        rollup_seconds=time.perf_counter() - measured,
        overrides=dict(overrides or {}),
    )


class Rollup:
    """Sums measure rows to each level and forms the indicators (pure Python, exact)."""

    def __init__(
        self,
        district: str,
        schools: Mapping[int, School],
        found: Mapping[str, list[MeasureRow]],
        overrides: Mapping[str, Any],
        *,
        fast: bool = True,
    ) -> None:
        self.district = district
        self.schools = schools
        self.found = found
        self.overrides = overrides
        self.towns = sorted({s.town_code for s in schools.values()})
        self.results: dict[str, list[Result]] = {}
        #: the indicators the columnar rollup computed (:mod:`.fastrollup`), made into objects on demand
        self.blocks: dict[str, ResultBlock] = {}
        self.order: list[str] = []  # the indicators in the order they were computed
        self.fast_cache: dict[Any, Any] = {}  # what the columnar rollup works out once per run
        #: whether ``ratio`` and ``count`` indicators may take the columnar rollup where it is exact
        self.fast = fast

    @cached_property
    def by_key(self) -> dict[int, MeasureRow]:
        return {row.key: row for rows in self.found.values() for row in rows}

    # -- helpers --------------------------------------------------------------------------------------

    def org(self, row: MeasureRow, level: str) -> str | None:
        if level == "district":
            return self.district
        if row.school_id is not None:
            school = self.schools.get(row.school_id)
            if school is None:
                return None
            return school.code if level == "school" else school.town_code
        if level == "town" and row.town_code is not None:
            return row.town_code
        return None

    def admits(self, row: MeasureRow, staged: bool, stage: str, filters: Iterable[Filters]) -> bool:
        if staged:
            if stage and row.stage != stage:
                return False
            for f in filters:
                if f.stages and row.stage not in f.stages:
                    return False
        if row.school_id is not None:
            school = self.schools.get(row.school_id)
            if school is None:
                return False
            return all(
                f.admits_school(school.school_type, school.ownership, school.is_puhui) for f in filters
            )
        # town- or district-wide rows have no school to filter on; school filters exclude them
        return all(not (f.school_types or f.ownership or f.puhui) for f in filters)

    def sums(
        self,
        names: Iterable[str],
        level: str,
        stage: str,
        filters: Iterable[Filters],
        dimensions: tuple[str, ...] = (),
    ) -> dict[tuple[str, str], tuple[Fraction, set[int], int]]:
        """Σ of the measures per (org, breakdown) — the total (breakdown "") and, for ``dimensions``, each
        breakdown key a measure row falls under — with the contributing source groups."""
        filters = tuple(filters)
        totals: dict[tuple[str, str], list[Any]] = {}
        for name in names:
            measure = m.MEASURES[name]
            staged = measure.table in STAGED_TABLES
            integers: dict[tuple[str, str], int] = defaultdict(int)  # Σ in the measure's integer unit
            for row in self.found.get(name, ()):
                if not self.admits(row, staged, stage, filters):
                    continue
                org = self.org(row, level)
                if org is None:
                    continue
                keys = [(org, "")] + [(org, part) for part in breakdown_parts(row.breakdown, dimensions)]
                for k in keys:
                    integers[k] += row.value
                    entry = totals.setdefault(k, [Fraction(0), set(), 0])
                    if row.key not in entry[1]:
                        entry[1].add(row.key)
                        entry[2] += row.rows
            for k, total in integers.items():
                totals[k][0] += total * measure.scale
        return {k: (v[0], v[1], v[2]) for k, v in totals.items()}

    def orgs(self, level: str, filters: Filters) -> list[str]:
        if level == "district":
            return [self.district]
        if level == "town":
            return self.towns
        return [
            s.code
            for s in self.schools.values()
            if filters.admits_school(s.school_type, s.ownership, s.is_puhui)
        ]

    def threshold_met(self, definition: Definition, stage: str, value: Fraction | None) -> bool | None:
        comparison = definition.threshold(stage, self.overrides)
        if comparison is None or value is None:
            return None
        return comparison.holds(value)

    # -- kinds ----------------------------------------------------------------------------------------

    def ratio(self, d: Definition) -> list[Result]:
        out: list[Result] = []
        plain = [n for n in d.denominator if not n.startswith("*")]
        reported = all(m.MEASURES[n].table in REPORTED_TABLES for n in d.numerator)
        product_names = [n[1:] for n in d.denominator if n.startswith("*")]
        product = Fraction(1)
        for name in product_names:
            product *= sum((r.value * m.MEASURES[name].scale for r in self.found.get(name, ())), Fraction(0))
        for level in d.levels:
            for stage in d.stage_keys:
                num = self.sums(d.numerator, level, stage, (d.filters, d.numerator_filters), d.dimensions)
                den = self.sums(plain, level, stage, (d.filters,), d.dimensions)
                if level != "school":  # every town and the district get a row, "no data" when empty
                    for org in self.orgs(level, d.filters):
                        den.setdefault((org, ""), (Fraction(0), set(), 0))
                for (org, part), (den_value, den_keys, den_rows) in sorted(den.items()):
                    n_value, n_keys, _n_rows = num.get((org, part), (Fraction(0), set(), 0))
                    denominator = den_value * product
                    value = n_value * d.factor / denominator if denominator else None
                    if value is not None and not n_keys and reported:
                        value = None  # the numerator's report (e.g. 办学条件) is missing, not zero
                    # rows behind the value: the denominator's, plus the numerator's from other source groups
                    rows = den_rows + sum(row.rows for row in self._rows_for(n_keys - den_keys, d.numerator))
                    out.append(
                        Result(
                            d.id, level, org, stage, part, n_value, denominator,
                            quantize(value) if value is not None else None, rows,
                            self.threshold_met(d, stage, value), self.detail(d),
                        )
                    )  # fmt: skip
        return out

    def detail(self, d: Definition) -> str:
        """What a value records besides its figures: the 筛查性近视 cut-off it was counted with."""
        if MYOPIA_MEASURES.intersection((*d.numerator, *d.denominator)):
            return myopia_criterion(self.overrides)
        return ""

    def difference(self, d: Definition) -> list[Result]:
        """``of`` − ``minus`` (two ratios, e.g. this year's and last year's 近视率) per key, in the unit of
        the ratios (percentage points for percentages), exact; no value where either side has none."""
        factor_of, factor_minus = catalogue()[d.of].factor, catalogue()[d.minus].factor
        before = {r.key[1:]: r for r in self.results[d.minus]}
        out: list[Result] = []
        for r in self.results[d.of]:
            b = before.get(r.key[1:])
            known = (
                r.value is not None
                and r.denominator
                and b is not None
                and b.value is not None
                and b.denominator
            )
            if known and b is not None and r.denominator and b.denominator:
                change: Fraction | None = (
                    r.numerator * factor_of / r.denominator - b.numerator * factor_minus / b.denominator
                )
                rows = min(r.rows, b.rows)
                detail = self.detail(catalogue()[d.of])
            else:
                change, rows = None, r.rows
                detail = "上一学年无可比数据"
            out.append(
                Result(
                    d.id, r.level, r.org, r.stage, r.breakdown, change if change is not None else Fraction(0),
                    None, quantize(change) if change is not None else None, rows,
                    self.threshold_met(d, r.stage, change), detail,
                )
            )  # fmt: skip
        return out

    def _rows_for(self, keys: set[int], names: Iterable[str]) -> list[MeasureRow]:
        """The source groups ``keys`` (one row each, whichever of its measures)."""
        if not keys:
            return []
        return [self.by_key[key] for key in keys]

    def count(self, d: Definition) -> list[Result]:
        out: list[Result] = []
        for level in d.levels:
            for stage in d.stage_keys:
                num = self.sums(d.numerator, level, stage, (d.filters, d.numerator_filters), d.dimensions)
                keys = {(org, "") for org in self.orgs(level, d.filters)} | set(num)
                for org, part in sorted(keys):
                    value, _, rows = num.get((org, part), (Fraction(0), set(), 0))
                    met = self.threshold_met(d, stage, value) if not part else None
                    out.append(
                        Result(
                            d.id, level, org, stage, part, value, None, quantize(value), rows, met, self.detail(d)
                        )
                    )  # fmt: skip
        return out

    def school_values(self, names: Iterable[str], stages: tuple[str, ...]) -> dict[int, int]:
        """Σ of measures per school (school rows only), restricted to ``stages`` for staged measures."""
        totals: dict[int, int] = defaultdict(int)
        for name in names:
            staged = m.MEASURES[name].table in STAGED_TABLES
            for row in self.found.get(name, ()):
                if row.school_id is None or (staged and stages and row.stage not in stages):
                    continue
                totals[row.school_id] += row.value
        return totals

    def _passes(
        self, conditions: tuple[Condition, ...], values: list[dict[int, int]], school: School
    ) -> bool:
        return all(
            c.holds(v.get(school.school_id, 0), school.school_type)
            for c, v in zip(conditions, values, strict=True)
        )

    def school_share(self, d: Definition) -> list[Result]:
        cond_values = [self.school_values([c.measure], c.stages) for c in d.conditions]
        among_values = [self.school_values([c.measure], c.stages) for c in d.among]
        passed: dict[int, bool] = {}
        for school in self.schools.values():
            if not d.filters.admits_school(school.school_type, school.ownership, school.is_puhui):
                continue
            if d.among and not self._passes(d.among, among_values, school):
                continue
            passed[school.school_id] = self._passes(d.conditions, cond_values, school)
        out: list[Result] = []
        for level in d.levels:
            groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            if level != "school":
                for org in self.orgs(level, d.filters):
                    groups[org]  # every town and the district get a row, even with no school counted
            for school_id, ok in passed.items():
                school = self.schools[school_id]
                org = {"school": school.code, "town": school.town_code, "district": self.district}[level]
                groups[org][0] += int(ok)
                groups[org][1] += 1
            for org, (hits, total) in sorted(groups.items()):
                value = Fraction(hits * d.factor, total) if total else None
                out.append(
                    Result(
                        d.id, level, org, "", "", Fraction(hits), Fraction(total),
                        quantize(value) if value is not None else None, total, self.threshold_met(d, "", value),
                    )
                )  # fmt: skip
        return out

    def cv(self, d: Definition) -> list[Result]:
        base = [r for r in self.results[d.of] if r.level == "school"]
        out: list[Result] = []
        for stage in d.stage_keys:
            # schools whose value is missing (no report) are left out, not counted as zero
            points = [
                (r.numerator, r.denominator)
                for r in base
                if r.stage == stage and r.denominator and r.value is not None
            ]
            factor = catalogue()[d.of].factor
            total = sum((p for _, p in points), Fraction(0))
            if not points or not total:
                out.append(
                    Result(
                        d.id, "district", self.district, stage, "", Fraction(0), None, None, 0, None, "无数据"
                    )
                )
                continue
            mean = factor * sum((n for n, _ in points), Fraction(0)) / total
            variance = sum(((p / total) * (factor * n / p - mean) ** 2 for n, p in points), Fraction(0))
            sd = quantize_sqrt(variance)
            sd_exact = Fraction(sd)
            # CV² = S² ÷ X̄² exactly; the CV is compared with its bound on squares (bounds are ≥ 0)
            square = variance / mean**2 if mean else None
            cv = quantize_sqrt(square) if square is not None else None
            comparison = d.threshold(stage, self.overrides)
            met = (
                Comparison(comparison.op, comparison.bound**2).holds(square)
                if comparison is not None and square is not None
                else None
            )
            detail = (
                f"学校数 {len(points)}，在校生 {total}，加权均值 {float(mean):.4f}，标准差 {float(sd):.4f}"
            )
            out.append(
                Result(
                    d.id, "district", self.district, stage, "", sd_exact, mean, cv, len(points), met, detail
                )
            )
        return out

    def yzjh_school(self, d: Definition) -> list[Result]:
        catalogue_ = catalogue()
        values: dict[tuple[str, str], dict[str, Result]] = defaultdict(dict)
        for ident in YZJH_RESOURCES:
            for r in self.results[ident]:
                if r.level == "school":
                    values[(r.org, r.stage)][ident] = r
        verdicts: dict[tuple[str, str], tuple[bool, str]] = {}
        for (org, stage), found in values.items():
            if YZJH_RESOURCES[0] not in found:  # no students in this section
                continue
            met, shortfalls, reached = 0, [], []
            for ident in YZJH_RESOURCES:
                r = found.get(ident)
                label = ident.rsplit(".", 1)[1].upper()
                if r is not None and r.met:
                    met += 1
                    continue
                comparison = catalogue_[ident].threshold(stage, self.overrides)
                known = r is not None and r.value is not None and r.denominator
                share = (
                    comparison.reached_share(Fraction(r.numerator * catalogue_[ident].factor, r.denominator))
                    if known and r is not None and r.denominator and comparison is not None
                    else Fraction(0)
                )
                reached.append(share or Fraction(0))
                shortfalls.append(f"{label} 达标准的 {_floor_percent(share)}" if known else f"{label} 无数据")
            ok = met >= 6 and all(s >= YZJH_SHARE for s in reached)
            detail = f"7项中{met}项达标" + ("；" + "；".join(shortfalls) if shortfalls else "")
            verdicts[(org, stage)] = (ok, detail)
        code_town = {s.code: s.town_code for s in self.schools.values()}
        out: list[Result] = []
        for level in d.levels:
            for stage in d.stage_keys:
                groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
                details: dict[str, str] = {}
                for (org, section_stage), (ok, detail) in verdicts.items():
                    if stage and section_stage != stage:
                        continue
                    key = {"school": org, "town": code_town.get(org, ""), "district": self.district}[level]
                    groups[key][0] += int(ok)
                    groups[key][1] += 1
                    if level == "school" and stage:
                        details[key] = detail
                for org, (hits, total) in sorted(groups.items()):
                    value = Fraction(hits * d.factor, total)
                    out.append(
                        Result(
                            d.id, level, org, stage, "", Fraction(hits), Fraction(total), quantize(value), total,
                            self.threshold_met(d, stage, value), details.get(org, ""),
                        )
                    )  # fmt: skip
        return out

    def yzjh_district(self, d: Definition) -> list[Result]:
        failing: list[str] = []
        catalogue_ = catalogue()
        for i in range(1, 8):
            for r in self.results.get(f"yzjh.cv.l{i}", []):
                if r.met is not True:  # over the bound, or not computable (no data): not met
                    failing.append(
                        f"{catalogue_[r.indicator].name_zh}（{'小学' if r.stage == 'primary' else '初中'}）"
                        + ("" if r.met is False else "无数据")
                    )
        sections = [r for r in self.results.get("yzjh.school_verdict", []) if r.level == "school" and r.stage]
        failed_sections = [r for r in sections if not r.numerator]
        value = Fraction(len(failing) + len(failed_sections))
        detail = f"差异系数未达标 {len(failing)} 项；资源配置未达标的学校学段 {len(failed_sections)} 个（共 {len(sections)} 个）"
        if failing:
            detail += "：" + "、".join(failing)
        return [
            Result(
                d.id, "district", self.district, "", "", value, None, quantize(value), len(sections),
                self.threshold_met(d, "", value), detail,
            )
        ]  # fmt: skip

    def run(self, definitions: list[Definition]) -> list[Result]:
        return [
            r for part in self.run_parts(definitions)
            for r in (part.results() if isinstance(part, ResultBlock) else part)
        ]  # fmt: skip

    def run_parts(self, definitions: list[Definition]) -> list[list[Result] | ResultBlock]:
        """The values of ``definitions`` per indicator, in order; a ``ratio`` or ``count`` the columnar
        rollup computes exactly stays a :class:`.fastrollup.ResultBlock` unless another indicator reads it."""
        order = {
            "ratio": 0,
            "count": 0,
            "school_share": 0,
            "cv": 1,
            "difference": 1,
            "yzjh_school": 1,
            "yzjh_district": 2,
        }
        wanted = {d.id for d in definitions}
        for d in sorted(with_dependencies(definitions), key=lambda d: order[d.kind]):
            if d.id in self.results or d.id in self.blocks:
                continue
            block = fast_block(self, d) if self.fast else None
            if block is not None:
                self.blocks[d.id] = block
                self.order.append(d.id)
                continue
            for dep in with_dependencies([d]):  # the indicators it is built from, as objects
                if dep.id in self.blocks and dep.id not in self.results:
                    self.results[dep.id] = self.blocks[dep.id].results()
            self.results[d.id] = getattr(self, d.kind)(d)
            self.order.append(d.id)
        return [
            self.blocks[ident] if ident in self.blocks and ident not in self.results else self.results[ident]
            for ident in self.order
            if ident in wanted
        ]


def breakdown_parts(key: str, dimensions: tuple[str, ...]) -> list[str]:
    """The breakdown keys a measure row with breakdown ``key`` counts under, for ``dimensions``.

    ``level`` keys are bare (``"national"``); other keys read ``grade=11,sex=M``, and a row of that cell
    counts under every non-empty combination of ``dimensions`` it carries: ``grade=11``, ``sex=M`` and
    ``grade=11,sex=M`` for ``("grade", "sex")`` (the total, ``""``, is added by the caller)."""
    if not key or not dimensions:
        return []
    if dimensions == (BARE_DIMENSION,):
        return [key] if "=" not in key else []
    values = parse_breakdown(key)
    present = [dim for dim in dimensions if dim in values and dim != BARE_DIMENSION]
    parts = []
    for mask in range(1, 1 << len(present)):
        chosen = [dim for i, dim in enumerate(present) if mask >> i & 1]
        parts.append(",".join(f"{dim}={values[dim]}" for dim in chosen))
    return parts


def _floor_percent(share: Fraction | None) -> str:
    """A share as a percentage rounded down to 0.1, so a shortfall never reads as 100%."""
    tenths = (share or Fraction(0)) * 1000 // 1
    return f"{tenths / 10:.1f}%"


def definitions_on(table: str) -> list[Definition]:
    """The catalogue definitions computed from ``table`` alone (e.g. ``"fitness"``: the 体质健康 rates, the
    mean 学年总分, the incomplete count, 超重率 and 肥胖率)."""
    return [
        d
        for d in catalogue().values()
        if (names := needed_measures([d])) and all(m.MEASURES[n].table == table for n in names)
    ]


def compute_tables(
    tables: Mapping[str, Any],
    *,
    year: int,
    district_code: str = "",
    definitions: Iterable[Definition] | None = None,
    overrides: Mapping[str, Any] | None = None,
    threads: int | None = None,
) -> tuple[list[Result], float, float]:
    """Compute from in-memory Arrow tables on DuckDB, without writing a snapshot (benchmarks, checks).

    ``tables`` maps snapshot table names to ``pyarrow.Table`` s of their schema; missing tables are empty,
    and without ``schools`` each ``school_id`` met in the tables is a school of its own (code = the id, no
    town). E.g. the fitness indicators of one table::

        results, measure_s, rollup_s = compute_tables({"fitness": t}, year=2025, definitions=definitions_on("fitness"))

    Returns the results and the seconds spent on the measure queries and on the rollup."""
    import ibis
    import pyarrow as pa
    import pyarrow.compute as pc

    from .backends import duckdb
    from .schema import TABLES
    from .snapshot import conform

    started = time.perf_counter()
    arrow = {
        name: conform(name, tables[name]) if name in tables else TABLES[name].empty_table() for name in TABLES
    }
    if "schools" not in tables:
        ids = sorted(
            {
                i
                for name, t in arrow.items()
                if "school_id" in t.column_names
                for i in pc.unique(t["school_id"]).to_pylist()
                if i is not None
            }
        )
        arrow["schools"] = pa.table(
            {
                "school_id": ids, "school_code": [str(i) for i in ids], "school_name": [str(i) for i in ids],
                "town_code": [""] * len(ids), "school_type": [""] * len(ids), "ownership": ["public"] * len(ids),
                "is_puhui": [False] * len(ids), "affiliation": [""] * len(ids), "urban_rural": [""] * len(ids),
            },
            schema=TABLES["schools"],
        )  # fmt: skip
    backend = duckdb(threads)
    registered = {name: ibis.memtable(t) for name, t in arrow.items()}
    chosen = list(definitions) if definitions is not None else list(catalogue().values())
    census_date, year_end = census_dates(year)
    ctx = m.Context(year, census_date, year_end, myopia_se_inclusive(overrides))
    found = run_queries(backend, registered, ctx, needed_measures(chosen))
    measured = time.perf_counter()
    schools = {
        r["school_id"]: School(
            r["school_id"], r["school_code"], r["school_name"], r["town_code"], r["school_type"],
            r["ownership"], r["is_puhui"],
        )
        for r in arrow["schools"].to_pylist()
    }  # fmt: skip
    results = Rollup(district_code, schools, found, overrides or {}).run(chosen)
    return results, measured - started, time.perf_counter() - measured


def census_dates(year: int) -> tuple[dt.date, dt.date]:
    """The 统计时点 (9月1日) and last day of the 学年 that starts in ``year``."""
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
