"""Both vectorised engines give exactly the per-student reference result, on random students (hypothesis)
and on a seeded batch of a few thousand; the engines never score an implausible value."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tisheng.health.scoring import (
    FLAG_BITS,
    MEASURED,
    ItemStatus,
    StudentRecord,
    score_student,
    score_table,
    students_to_table,
    unit_bounds,
)
from tisheng.standards.fitness import GRADE_CODES, fitness

STD = fitness()


def edges(item: str) -> list[int]:
    """Every table and 附加分 boundary of an item, in units."""
    found = {
        b for (i, _, _), t in STD.tables.items() if i == item for iv in t.intervals for b in (iv.lo, iv.hi)
    }
    found |= {
        b for (i, _, _), t in STD.bonus.items() if i == item for iv in t.intervals for b in (iv.lo, iv.hi)
    }
    lo, hi = unit_bounds(item)
    return sorted({b for b in found if b is not None} | {lo, hi, hi + 1})


def measurement(item: str) -> st.SearchStrategy[Decimal | None]:
    scale = STD.items[item].scale
    lo, hi = unit_bounds(item)
    near_edge = st.sampled_from(edges(item)).flatmap(lambda e: st.integers(e - 2, e + 1))
    anywhere = st.integers(lo - 30 * scale, hi + 30 * scale)
    units = st.one_of(near_edge, anywhere)
    finer = st.integers(0, 9)  # a digit finer than the table (8.55 s), rounded towards the worse result
    value = st.builds(lambda u, f: Decimal(u) / scale + Decimal(f) / (scale * 10), units, finer)
    return st.one_of(st.none(), value, st.builds(lambda u: Decimal(u) / scale, units))


def body(lo: int, hi: int) -> st.SearchStrategy[Decimal | None]:
    return st.one_of(st.none(), st.integers(lo, hi).map(lambda u: Decimal(u) / 100))


@st.composite
def students(draw: st.DrawFn) -> StudentRecord:
    values = {item: draw(measurement(item)) for item in MEASURED}
    return StudentRecord(
        grade=draw(st.sampled_from(GRADE_CODES)),
        sex=draw(st.sampled_from(["M", "F"])),
        height=draw(body(5_000, 24_000)),  # 50–240 cm: some implausible
        weight=draw(body(500, 21_000)),
        exempt=draw(st.integers(0, 9)) == 0,
        flagged=frozenset(draw(st.lists(st.sampled_from(sorted(FLAG_BITS)), max_size=2)))
        if draw(st.integers(0, 5)) == 0
        else frozenset(),
        **values,  # type: ignore[arg-type]
    )


def check(records: list[StudentRecord], engines: tuple[str, ...] = ("numpy", "duckdb")) -> None:
    expected = [score_student(r).as_row() for r in records]
    table = students_to_table(records)
    for engine in engines:
        got = score_table(table, engine=engine).to_pylist()
        for i, (want, have) in enumerate(zip(expected, got, strict=True)):
            assert have == want, (
                engine,
                records[i],
                {k: (want[k], have[k]) for k in want if want[k] != have[k]},
            )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(students(), min_size=1, max_size=30))
def test_numpy_engine_equals_per_student(records: list[StudentRecord]) -> None:
    check(records, ("numpy",))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(students(), min_size=1, max_size=30))
def test_duckdb_engine_equals_per_student(records: list[StudentRecord]) -> None:
    check(records, ("duckdb",))


def test_seeded_batch_on_both_engines() -> None:
    rng = np.random.default_rng(20250901)
    records = []
    for _ in range(3000):
        values: dict[str, Decimal | None] = {}
        for item in MEASURED:
            lo, hi = unit_bounds(item)
            if rng.random() < 0.1:
                values[item] = None
            else:
                units = int(rng.integers(lo - (hi - lo) // 20, hi + (hi - lo) // 20))
                values[item] = Decimal(units) / STD.items[item].scale
        records.append(
            StudentRecord(
                grade=int(rng.choice(GRADE_CODES)),
                sex=str(rng.choice(["M", "F"])),
                height=Decimal(int(rng.integers(9_000, 20_000))) / 100,
                weight=Decimal(int(rng.integers(1_500, 9_000))) / 100,
                exempt=bool(rng.random() < 0.02),
                **values,  # type: ignore[arg-type]
            )
        )
    check(records)


def test_implausible_values_are_never_scored_by_any_engine() -> None:
    records = [
        StudentRecord(
            grade=31, sex="M", run_50m=Decimal(0), run_1000m=Decimal(0), standing_long_jump=Decimal("1.85")
        ),
        StudentRecord(
            grade=11, sex="F", run_50m=Decimal("0.0"), vital_capacity=Decimal(-5), rope_skip_1min=Decimal(999)
        ),
    ]
    for engine in ("numpy", "duckdb"):
        rows = score_table(students_to_table(records), engine=engine).to_pylist()
        for row, items in zip(
            rows,
            (("run_50m", "run_1000m", "standing_long_jump"), ("run_50m", "vital_capacity", "rope_skip_1min")),
            strict=True,
        ):
            for item in items:
                assert row[f"{item}_status"] == ItemStatus.FLAGGED and row[f"{item}_score"] is None
    check(records)
