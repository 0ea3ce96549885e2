"""Benchmark: scoring 10 million fitness-test records (《国家学生体质健康标准》) and the fitness indicators.

1. Generates N student records with NumPy (seeded; every grade 11–44, both sexes, results spread around
   each grade's own score tables, with a few blanks, implausible values and 免测 students) as an Arrow
   table in integer units — generation is not timed.
2. Times ``score_table`` (NumPy engine: the interval tables expanded to dense arrays) plus the indicators
   by grade and sex: 优秀率, 良好率, 优良率, 及格率, average 学年总分, 超重率, 肥胖率 (exact integer
   numerators and denominators). Goal ≤ 5 s for 10 million rows. Wall and CPU seconds and the load
   average are recorded: on a shared machine the load says how far the wall time can be trusted.
3. Two comparisons in the same run:
   * a plain pandas scorer, row by row (``DataFrame.apply`` over rows, a Python loop over each table);
     timed on a sample (20,000 rows by default) and **extrapolated linearly** to N; its results must
     equal the engine's on that sample;
   * the floor: a DuckDB query that only reads the same measurement columns (sums them).
4. Checks: the NumPy engine equals the per-student reference (``score_student``) on a sample, and the
   DuckDB engine (the portable interval joins, with equality on grade/sex/bucket and a range test) equals
   the NumPy engine on a slice, which is also timed.

Writes bench/results/fitness.json. Issue 5's end-to-end figure (scoring plus every fitness indicator of the
catalogue, computed by the indicator engine) is bench/health.py.

    .venv/bin/python bench/fitness.py [--rows 10000000] [--runs 3] [--pandas-rows 20000] [--duckdb-rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tisheng.health.scoring import (
    BONUS_ITEMS,
    GROUPS,
    INPUT_SCHEMA,
    MEASURED,
    OUTPUT_SCHEMA,
    PLAUSIBLE,
    StudentRecord,
    score_student,
    score_table,
    unit_bounds,
)
from tisheng.standards.fitness import BMI_ITEM, GRADE_NAMES, fitness

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

GOAL_SECONDS = 5.0
SEED = 20250901
#: a typical mean height (cm) by grade: only to put BMI in a realistic range
HEIGHT = {11: 122, 12: 128, 13: 134, 14: 139, 15: 145, 16: 151, 21: 158, 22: 163, 23: 166, 31: 168, 32: 169,
          33: 170, 41: 169, 42: 169, 43: 169, 44: 169}  # fmt: skip


# --- data ---------------------------------------------------------------------------------------------------


def generate(n: int, seed: int = SEED) -> pa.Table:
    """N records in integer units: results normal around each group's 60–100-point range."""
    rng = np.random.default_rng(seed)
    # K-12 heavy, like a district with some college students
    weights = np.array([9, 9, 9, 9, 9, 9, 8, 8, 8, 6, 6, 6, 1, 1, 1, 1], dtype=float)
    grade_index = rng.choice(16, size=n, p=weights / weights.sum())
    sex = rng.integers(1, 3, size=n).astype(np.int8)
    grade = np.array(sorted(GRADE_NAMES), dtype=np.int16)[grade_index]
    return measurements(grade, sex, rng)


def measurements(grade: np.ndarray, sex: np.ndarray, rng: np.random.Generator) -> pa.Table:
    """The scoring input (:data:`INPUT_SCHEMA`) of students of ``grade`` (int16 codes) and ``sex`` (int8,
    1 男 2 女): body and item results drawn from ``rng`` around each group's 60–100-point range, with
    0.3% 免测, 1% blanks per item, a few implausible values at the edges, and blanks where a group is
    not tested (as in the national file)."""
    std = fitness()
    n = len(grade)
    columns: dict[str, np.ndarray] = {
        "grade": grade,
        "sex": sex,
        "exempt": rng.random(n) < 0.003,
        "flagged": np.zeros(n, dtype=np.int32),
    }
    nulls: dict[str, np.ndarray] = {}
    group = _group_ids_of(grade, sex)
    height = np.empty(n, dtype=np.int32)
    weight = np.empty(n, dtype=np.int32)
    items = {item: np.zeros(n, dtype=np.int32) for item in MEASURED}
    for gid, (g, s) in enumerate(GROUPS):
        rows = np.flatnonzero(group == gid)
        k = len(rows)
        h_cm = rng.normal(HEIGHT[g] - (3 if s == 2 and g > 16 else 0), 7, k)
        bmi = rng.lognormal(np.log(17.5 + (g % 10) * 0.4 + (3 if g > 30 else 0)), 0.16, k)
        height[rows] = np.round(h_cm * 10).astype(np.int32) * 10  # 0.1 cm, as measured
        weight[rows] = np.round(bmi * (h_cm / 100) ** 2 * 10).astype(np.int32) * 10
        sex_code = "M" if s == 1 else "F"
        for item in std.items_for(g, sex_code):
            if item == BMI_ITEM:
                continue
            table = std.table(item, sex_code, g)
            t100 = table.cell(100).units  # type: ignore[union-attr]
            t60 = table.cell(60).units  # type: ignore[union-attr]
            centre, spread = t60 + 0.55 * (t100 - t60), abs(t100 - t60) * 0.6 + 1
            items[item][rows] = np.round(rng.normal(centre, spread, k)).astype(np.int32)
    columns["height"], columns["weight"] = height, weight
    for item in MEASURED:
        lo, hi = unit_bounds(item)
        items[item] = np.clip(items[item], lo - 5, hi + 5)  # a few implausible at the edges
        nulls[item] = rng.random(n) < 0.01
        columns[item] = items[item]
    # items a group is not tested in are blank, as in the national file
    for item in MEASURED:
        tested = np.zeros(len(GROUPS), dtype=bool)
        for gid, (g, s) in enumerate(GROUPS):
            tested[gid] = item in std.weights[(g, "M" if s == 1 else "F")]
        nulls[item] |= ~tested[group]
    arrays = []
    for field in INPUT_SCHEMA:
        values = columns[field.name]
        mask = nulls.get(field.name)
        arrays.append(pa.array(values, type=field.type, mask=mask))
    return pa.Table.from_arrays(arrays, schema=INPUT_SCHEMA)


# --- the measured work --------------------------------------------------------------------------------------


def _group_ids_of(grade: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """The index in :data:`GROUPS` of each (grade, sex)."""
    keys = np.full(200, -1, dtype=np.int64)
    for gid, (g, s) in enumerate(GROUPS):
        keys[g * 4 + s] = gid
    return keys[grade.astype(np.int64) * 4 + sex]


def _group_ids(students: pa.Table) -> np.ndarray:
    return _group_ids_of(students["grade"].to_numpy(), students["sex"].to_numpy())


def _by_group(gid: np.ndarray, column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Counts per (group, dictionary value) of a dictionary column, nulls left out: one bincount."""
    array = column.combine_chunks()
    labels = array.dictionary.to_pylist()
    index = pc.fill_null(array.indices, -1).to_numpy().astype(np.int64)
    width = len(labels) + 1
    counts = np.bincount(gid * width + index + 1, minlength=len(GROUPS) * width).reshape(len(GROUPS), width)
    return counts[:, 1:], labels


def indicators(students: pa.Table, scored: pa.Table) -> dict[str, Any]:
    """Counts by grade and sex (exact integers); :func:`rates` turns them into the indicators."""
    gid = _group_ids(students)
    levels, level_names = _by_group(gid, scored["level"])
    bands, band_names = _by_group(gid, scored["bmi_band"])
    total = pc.fill_null(scored["total_x100"], 0).to_numpy()
    total_sum = np.bincount(gid, weights=total, minlength=len(GROUPS))  # exact: integer sums < 2**53
    return {
        "assessed": levels.sum(axis=1),
        "levels": {name: levels[:, i] for i, name in enumerate(level_names)},
        "total_x100_sum": total_sum,
        "with_bmi": bands.sum(axis=1),
        "bmi": {name: bands[:, i] for i, name in enumerate(band_names)},
    }


def rates(counts: dict[str, Any]) -> dict[str, Any]:
    """The indicators by grade and sex and for all, as percentages (exact fractions, rounded at the end)."""

    def pct(numerator: int, denominator: int) -> float | None:
        return None if not denominator else float(round(Fraction(100 * numerator, denominator), 2))

    def row(select: list[int]) -> dict[str, Any]:
        n = int(sum(counts["assessed"][i] for i in select))
        level = {k: int(sum(v[i] for i in select)) for k, v in counts["levels"].items()}
        with_bmi = int(sum(counts["with_bmi"][i] for i in select))
        bmi = {k: int(sum(v[i] for i in select)) for k, v in counts["bmi"].items()}
        total = int(sum(int(counts["total_x100_sum"][i]) for i in select))
        return {
            "assessed": n,
            "excellent_rate": pct(level.get("优秀", 0), n),  # 优秀率
            "good_rate": pct(level.get("良好", 0), n),
            "excellent_good_rate": pct(level.get("优秀", 0) + level.get("良好", 0), n),  # 优良率
            "pass_rate": pct(n - level.get("不及格", 0), n),  # 及格率 (及格 and better)
            "mean_total": None if not n else float(round(Fraction(total, 100 * n), 2)),
            "with_bmi": with_bmi,
            "overweight_rate": pct(bmi.get("超重", 0), with_bmi),
            "obese_rate": pct(bmi.get("肥胖", 0), with_bmi),
        }

    by_group = {
        f"{GRADE_NAMES[g]}{'男' if s == 1 else '女'}": row([gid]) for gid, (g, s) in enumerate(GROUPS)
    }
    return {"all": row(list(range(len(GROUPS)))), "by_grade_sex": by_group}


def timed_run(students: pa.Table) -> tuple[float, float, pa.Table, dict[str, Any]]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    scored = score_table(students)
    counts = indicators(students, scored)
    return time.perf_counter() - wall0, time.process_time() - cpu0, scored, counts


# --- comparisons ----------------------------------------------------------------------------------------------


def plain_tables() -> dict[str, Any]:
    """The standard as plain Python dicts for the row-by-row scorer (no interval tables)."""
    std = fitness()
    tables = {
        key: (t.item.direction, [(c.score, c.units) for c in t.cells], t.missing_levels)
        for key, t in std.tables.items()
    }
    bmi = {key: [(b.score, b.band, b.minimum, b.maximum) for b in t.bands] for key, t in std.bmi.items()}
    bonus = {
        key: (b.item.direction, b.base.units, [(s.points, int(s.margin * b.item.scale)) for s in b.steps])
        for key, b in std.bonus.items()
    }
    weights = {key: {i: w.pct for i, w in ws.items()} for key, ws in std.weights.items()}
    bounds = {name: unit_bounds(name) for name in PLAUSIBLE}
    return {"tables": tables, "bmi": bmi, "bonus": bonus, "weights": weights, "bounds": bounds}


def plain_scorer(plain: dict[str, Any]) -> Any:
    """A straightforward row scorer, as one would write it with pandas.apply."""
    tables, bmi_bands, bonus_tables = plain["tables"], plain["bmi"], plain["bonus"]
    weights, bounds = plain["weights"], plain["bounds"]

    def score_row(row: Any) -> tuple[Any, Any, Any]:
        sex = "M" if row["sex"] == 1 else "F"
        grade = int(row["grade"])
        if row["exempt"]:
            return (None, None, None)
        standard, bonus, complete = 0, 0, True
        for item, pct in weights[(grade, sex)].items():
            if item == BMI_ITEM:
                h, w = row["height"], row["weight"]
                if h != h or w != w:
                    complete = False
                    continue
                lo, hi = bounds["height"]
                wlo, whi = bounds["weight"]
                if not (lo <= h <= hi and wlo <= w <= whi):
                    complete = False
                    continue
                bmi = (Decimal(int(w)) * 10000 / (Decimal(int(h)) ** 2 / 100)).quantize(
                    Decimal("0.1"), "ROUND_HALF_UP"
                )
                blo, bhi = bounds[BMI_ITEM]
                if not (blo <= bmi * 10 <= bhi):
                    complete = False
                    continue
                points = None
                for score, _band, bmin, bmax in bmi_bands[(sex, grade)]:
                    if (bmin is None or bmi >= bmin) and (bmax is None or bmi <= bmax):
                        points = score
                if points is None:
                    complete = False
                    continue
                standard += points * pct
                continue
            value = row[item]
            if value != value:
                complete = False
                continue
            value = int(value)
            lo, hi = bounds[item]
            if not lo <= value <= hi:
                complete = False
                continue
            direction, cells, missing = tables[(item, sex, grade)]
            points = 0
            for score, threshold in cells:  # highest first
                if threshold is None:
                    continue
                if (value >= threshold) if direction == "higher_better" else (value <= threshold):
                    points = score
                    break
            above = [s for s, t in cells if t is not None and s > points]
            ceiling = min(above) if above else 1000
            if any(points < m < ceiling for m in missing):
                complete = False
                continue
            standard += points * pct
            if (item, sex, grade) in bonus_tables:
                direction, base, steps = bonus_tables[(item, sex, grade)]
                margin = value - base if direction == "higher_better" else base - value
                bonus += max([p for p, m in steps if margin >= m], default=0)
        bonus = min(bonus, 20)
        if not complete:
            return (None, bonus, None)
        total10 = (standard + 100 * bonus + 5) // 10
        level = (
            "优秀" if total10 >= 900 else "良好" if total10 >= 800 else "及格" if total10 >= 600 else "不及格"
        )
        return (standard, bonus, level)

    return score_row


def pandas_baseline(students: pa.Table, scored: pa.Table, rows: int) -> dict[str, Any]:
    sample = students.slice(0, rows).to_pandas()
    score_row = plain_scorer(plain_tables())
    started = time.perf_counter()
    out = sample.apply(score_row, axis=1)
    seconds = time.perf_counter() - started
    engine = scored.slice(0, rows)
    standard = engine["standard_x100"].to_pylist()
    bonus = engine["bonus"].to_pylist()
    level = engine["level"].to_pylist()
    mismatches = sum(
        1
        for (s, b, lv), s2, b2, lv2 in zip(out, standard, bonus, level, strict=True)
        if (s, lv) != (s2, lv2) or (b is not None and b != b2)
    )
    return {"rows": rows, "seconds": round(seconds, 3), "mismatches_with_engine": mismatches}


def duckdb_floor(students: pa.Table) -> float:
    import duckdb

    columns = ["grade", "sex", "exempt", "height", "weight", *MEASURED]
    sums = ", ".join(f"sum({c}::BIGINT)" for c in columns if c != "exempt")
    con = duckdb.connect()
    con.register("students", students)
    con.sql(f"SELECT count(*), count_if(exempt), {sums} FROM students").fetchall()  # warm
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        con.sql(f"SELECT count(*), count_if(exempt), {sums} FROM students").fetchall()
        best = min(best, time.perf_counter() - started)
    con.close()
    return best


def check_reference(students: pa.Table, scored: pa.Table, rows: int) -> int:
    """NumPy engine vs the per-student reference on ``rows`` rows spread over the table."""
    std = fitness()
    n = students.num_rows
    picks = np.linspace(0, n - 1, min(rows, n)).astype(np.int64)
    sample = students.take(pa.array(picks)).to_pylist()
    engine = scored.take(pa.array(picks)).to_pylist()
    bad = 0
    for record, row in zip(sample, engine, strict=True):
        values = {}
        for item in MEASURED:
            units = record[item]
            values[item] = None if units is None else Decimal(units) / std.items[item].scale
        student = StudentRecord(
            grade=record["grade"],
            sex="M" if record["sex"] == 1 else "F",
            height=None if record["height"] is None else Decimal(record["height"]) / 100,
            weight=None if record["weight"] is None else Decimal(record["weight"]) / 100,
            exempt=record["exempt"],
            **values,  # type: ignore[arg-type]
        )
        if score_student(student).as_row() != row:
            bad += 1
    return bad


def machine() -> dict[str, Any]:
    import duckdb
    import pandas

    model = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pyarrow": pa.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pandas-rows", type=int, default=20_000)
    parser.add_argument("--duckdb-rows", type=int, default=1_000_000)
    parser.add_argument("--reference-rows", type=int, default=2_000)
    args = parser.parse_args()

    print(f"生成 {args.rows:,} 条学生体测记录（种子 {SEED}）…", flush=True)
    started = time.perf_counter()
    students = generate(args.rows)
    generate_seconds = time.perf_counter() - started

    score_table(students.slice(0, 1000))  # compile the tables once (cached), as a server would
    load_before = os.getloadavg()
    runs = []
    scored, counts = None, None
    for i in range(args.runs):
        wall, cpu, scored, counts = timed_run(students)
        runs.append({"wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3)})
        print(f"  第 {i + 1} 次：评分 + 指标 {wall:.2f} 秒（CPU {cpu:.2f} 秒）", flush=True)
        if i < args.runs - 1:
            del scored
    load_after = os.getloadavg()
    assert scored is not None and counts is not None
    best = min(r["wall_seconds"] for r in runs)

    print("对照：pandas 逐行评分、DuckDB 只读测量列、DuckDB 区间连接、逐个学生的参照实现 …", flush=True)
    pandas = pandas_baseline(students, scored, min(args.pandas_rows, args.rows))
    pandas_extrapolated = pandas["seconds"] * args.rows / pandas["rows"]
    floor = duckdb_floor(students)
    duck_rows = min(args.duckdb_rows, args.rows)
    started = time.perf_counter()
    duck = score_table(students.slice(0, duck_rows), engine="duckdb")
    duck_seconds = time.perf_counter() - started
    duck_equal = duck.equals(scored.slice(0, duck_rows).cast(OUTPUT_SCHEMA))
    reference_mismatches = check_reference(students, scored, args.reference_rows)
    summary = rates(counts)

    status = scored["status"].combine_chunks()
    status_counts = dict(
        zip(
            status.dictionary.to_pylist(),
            np.bincount(status.indices.to_numpy(), minlength=3).tolist(),
            strict=True,
        )
    )
    result = {
        "benchmark": "fitness",
        "issue": "Student health (coming): scoring core",
        "rows": args.rows,
        "seed": SEED,
        "generate_seconds": round(generate_seconds, 1),
        "score_and_indicators_seconds": best,
        "runs": runs,
        "goal_seconds": GOAL_SECONDS,
        "meets_goal": best <= GOAL_SECONDS,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pandas_row_by_row": {
            **pandas,
            "extrapolated_seconds": round(pandas_extrapolated, 1),
            "extrapolated_linearly_from_rows": pandas["rows"],
            "ratio_to_engine": round(pandas_extrapolated / best, 1),
        },
        "duckdb_read_floor": {
            "seconds": round(floor, 3),
            "query": "SELECT count(*), count_if(exempt), sum(each measurement column) FROM the same Arrow table",
            "engine_to_floor_ratio": round(best / floor, 1),
        },
        "duckdb_interval_join_engine": {
            "rows": duck_rows,
            "seconds": round(duck_seconds, 2),
            "equal_to_numpy_engine": duck_equal,
        },
        "reference_check": {"rows": min(args.reference_rows, args.rows), "mismatches": reference_mismatches},
        "students_by_status": status_counts,
        "indicators": summary,
        "bonus_items": list(BONUS_ITEMS),
        "machine": machine(),
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fitness.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    shown = {k: v for k, v in result.items() if k != "indicators"}
    shown["indicators_all"] = summary["all"]
    print(json.dumps(shown, ensure_ascii=False, indent=2))
    ok = duck_equal and reference_mismatches == 0 and pandas["mismatches_with_engine"] == 0
    if not ok:
        print(
            "结果不一致：见 duckdb_interval_join_engine / reference_check / pandas_row_by_row",
            file=sys.stderr,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
