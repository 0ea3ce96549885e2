"""The columnar rollup (engine/fastrollup.py) gives exactly the Python rollup's values, or is not used.

Each test computes the same definitions twice from the same measure data — ``Rollup(..., fast=True)`` and
``fast=False`` — and compares every Result field (key, numerator, denominator, value, rows, met, detail)
and the order. Data: the hand-built snapshot of :mod:`tests.indicators.fixtures` and a generated fitness
table of a few thousand students (bench/health.py's generator and scorer, as tests/bench/test_health.py).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import pyarrow as pa
import pytest

from bench import health
from tests.indicators import fixtures as fx
from tisheng.health.scoring import score_table
from tisheng.indicators.catalogue import Filters, catalogue
from tisheng.indicators.engine import Snapshot, backends, compute
from tisheng.indicators.engine import measures as m
from tisheng.indicators.engine.compute import (
    Rollup,
    definitions_on,
    read_measures,
    read_schools,
)
from tisheng.indicators.engine.fastrollup import (
    MeasureData,
    QueryResult,
    ResultBlock,
    fast_block,
)

SMALL = health.Scale(students=4_000, schools=15, towns=4, seed=11)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return fx.build_world(tmp_path_factory.mktemp("fast-world"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    population = health.generate(SMALL)
    students = population["students"]
    scored = score_table(students.drop_columns(["student_id", "school_id"]))
    fitness = health.fitness_table(students, scored)
    tables = health.snapshot_tables(population["towns"], population["schools"], fitness)
    return health.write_direct(tmp_path_factory.mktemp("fast-generated"), tables)


def both(
    snapshot: Snapshot, definitions: list[Any], overrides: dict[str, Any] | None = None
) -> tuple[Rollup, Rollup, list[Any], list[Any]]:
    found = read_measures(backends.duckdb(), snapshot)
    schools = read_schools(snapshot)
    district = snapshot.manifest.district_code
    fast = Rollup(district, schools, found, overrides or {}, fast=True)
    slow = Rollup(district, schools, found, overrides or {}, fast=False)
    return fast, slow, fast.run(definitions), slow.run(definitions)


def assert_same(fast_results: list[Any], slow_results: list[Any]) -> None:
    assert len(fast_results) == len(slow_results)
    for a, b in zip(fast_results, slow_results, strict=True):
        assert dataclasses.astuple(a) == dataclasses.astuple(b), (a, b)
        assert type(a.numerator) is type(b.numerator) and type(a.denominator) is type(b.denominator)
        assert str(a.value) == str(b.value)  # the same Decimal, exponent included


def test_fixture_every_definition_identical(world: Snapshot) -> None:
    definitions = list(catalogue().values())
    fast, _slow, a, b = both(world, definitions)
    assert_same(a, b)
    # the fitness, vision and 五项管理 ratios and counts took the columnar path; others did not
    assert {d.id for d in definitions_on("fitness")} <= set(fast.blocks)
    assert "wuxiang.homework_rate" in fast.blocks
    kinds = {catalogue()[i].kind for i in fast.blocks}
    assert kinds <= {"ratio", "count"}
    # a difference (近视率 change) reads its ratios' blocks as objects and still agrees
    assert any(catalogue()[i].kind == "difference" for i in fast.results)


def test_generated_fitness_identical(generated: Snapshot) -> None:
    definitions = definitions_on("fitness")
    fast, _slow, a, b = both(generated, definitions)
    assert {d.id for d in definitions} == set(fast.blocks)
    assert len(a) > 2_000  # schools × stage keys × breakdowns
    assert_same(a, b)
    assert any(r.met is True for r in a) and any(r.met is False for r in a)


def test_generated_with_filters_and_overrides_identical(generated: Snapshot) -> None:
    """School-type, stage and numerator filters, and thresholds overridden so that some values meet
    them exactly at the bound (a count ≥ its own value) and some not."""
    base = {d.id: d for d in definitions_on("fitness")}
    schools = read_schools(generated)
    some_type = sorted({s.school_type for s in schools.values()})[0]
    changed = [
        dataclasses.replace(base["health.fitness_pass_rate"], filters=Filters(school_types=(some_type,))),
        dataclasses.replace(
            base["health.fitness_excellent_rate"],
            filters=Filters(stages=("primary", "junior")),
            numerator_filters=Filters(exclude_school_types=(some_type,)),
        ),
        dataclasses.replace(
            base["health.fitness_incomplete_count"], filters=Filters(school_types=(some_type,))
        ),
        base["health.fitness_mean_total"],
        base["health.overweight_rate"],
    ]
    with_filters = {d.id: d for d in changed}
    overrides = {
        "health.fitness_pass_rate": ">= 90",
        "health.fitness_mean_total": {"primary": "> 70.5", "": "<= 75"},
        "health.fitness_incomplete_count": "<= 3",
        "health.overweight_rate": "= 0",
    }
    found = read_measures(backends.duckdb(), generated)
    district = generated.manifest.district_code
    fast = Rollup(district, schools, found, overrides, fast=True)
    slow = Rollup(district, schools, found, overrides, fast=False)
    for d in with_filters.values():
        block = fast_block(fast, d)
        assert block is not None, d.id
        assert_same(block.results(), slow.ratio(d) if d.kind == "ratio" else slow.count(d))
    met = [r.met for r in fast_block(fast, with_filters["health.fitness_incomplete_count"]).results()]  # type: ignore[union-attr]
    assert True in met and False in met


def test_outside_the_conditions_falls_back(world: Snapshot) -> None:
    """A product denominator, a reported table, a table whose zero groups are dropped, a CV: no block."""
    found = read_measures(backends.duckdb(), world)
    rollup = Rollup(world.manifest.district_code, read_schools(world), found, {})
    everything = catalogue()
    for d in everything.values():
        tables = {m.MEASURES[n.lstrip("*")].table for n in (*d.numerator, *d.denominator)}
        outside = (
            d.kind not in ("ratio", "count")
            or any(n.startswith("*") for n in d.denominator)
            or not tables <= m.KEEP_ZERO_TABLES
        )
        if outside:
            assert fast_block(rollup, d) is None, d.id
    # a plain dict of measure rows (no columnar data): always the Python path
    plain = Rollup(world.manifest.district_code, read_schools(world), dict(found.items()), {})
    assert fast_block(plain, everything["health.fitness_pass_rate"]) is None


def test_int64_guard_falls_back_and_stays_exact(world: Snapshot) -> None:
    """Values whose sums (or the long division) could leave int64: the Python path, exact."""
    found = read_measures(backends.duckdb(), world)
    d = catalogue()["health.fitness_mean_total"]
    q = found.query_of["fitness_total"]
    huge = pa.array([2**61] * q.table.num_rows, pa.int64())
    table = q.table.set_column(q.table.schema.get_field_index("fitness_total"), "fitness_total", huge)
    schools = read_schools(world)
    fast = Rollup(
        world.manifest.district_code,
        schools,
        MeasureData([QueryResult(q.grain, q.names, table, q.first_key)]),
        {},
        fast=True,
    )
    assert fast_block(fast, d) is None
    results = fast.run([d])
    assert d.id not in fast.blocks
    assert any(r.numerator >= Fraction(2**61, 100) for r in results)

    def swapped(value: int) -> MeasureData:
        column = pa.array([value] * q.table.num_rows, pa.int64())
        table = q.table.set_column(q.table.schema.get_field_index("fitness_total"), "fitness_total", column)
        return MeasureData([QueryResult(q.grain, q.names, table, q.first_key)])

    district = world.manifest.district_code
    # sums fit, but a mean of ~10¹⁰ points times 10¹⁰ (the long division's quotient) would not: Python path
    fast = Rollup(district, schools, swapped(2**40), {}, fast=True)
    slow = Rollup(district, schools, swapped(2**40), {}, fast=False)
    assert fast_block(fast, d) is None
    assert_same(fast.run([d]), slow.run([d]))
    # well inside int64: the columnar path, the same values
    fast = Rollup(district, schools, swapped(2**24), {}, fast=True)
    slow = Rollup(district, schools, swapped(2**24), {}, fast=False)
    block = fast_block(fast, d)
    assert isinstance(block, ResultBlock)
    assert_same(block.results(), slow.ratio(d))


def test_computation_stays_lazy_and_finds_single_values(generated: Snapshot) -> None:
    definitions = definitions_on("fitness")
    computation = compute(generated, backends.duckdb(), definitions=definitions)
    assert all(isinstance(p, ResultBlock) for p in computation.parts)
    assert "results" not in computation.__dict__  # no objects made yet
    count = computation.value_count()
    key = ("health.fitness_pass_rate", "district", generated.manifest.district_code, "", "grade=11,sex=M")
    one = computation.get(key)
    assert "results" not in computation.__dict__
    assert len(computation.results) == count
    assert one == computation.by_key()[key]
    assert computation.get(("health.fitness_pass_rate", "district", "nowhere", "", "")) is None


def test_measure_rows_built_lazily_match_the_columns(world: Snapshot) -> None:
    """The rows per measure the Python path reads: one per group for the student tables (zeros kept),
    only non-zero ones elsewhere, numbered across the queries."""
    found = read_measures(backends.duckdb(), world)
    assert isinstance(found, MeasureData)
    for q in found.queries:
        for name in q.names:
            rows = found.get(name, [])
            values = [v or 0 for v in q.table[name].to_pylist()]
            kept = m.MEASURES[name].table in m.KEEP_ZERO_TABLES | {"facilities"}
            assert len(rows) == (len(values) if kept else sum(1 for v in values if v))
            assert all(q.first_key <= r.key < q.first_key + q.table.num_rows for r in rows)
    assert list(found) == [n for n in found if found[n]]
