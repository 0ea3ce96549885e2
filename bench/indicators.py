"""Benchmark: the indicator engine, at province scale and against a plain Django-ORM implementation.

Measures, each in a fresh subprocess so that its peak memory (``ru_maxrss``) is its own:

1. Province scale (bench/province.py: 1.5 million students, 3,000 schools, 100 towns, 120,000 staff),
   end to end from in-memory Arrow tables: write the snapshot (Parquet) and compute every indicator at
   every level on DuckDB. Goal ≤ 30 s. A separate profiled run says where the time goes.
2. The same snapshot on Spark (local[2]): session start-up apart from the computation (cold and warm),
   and a check that Spark gives exactly the DuckDB results.
3. The demo district (``tisheng demo``, kept in bench/.cache/demo-data): five indicators written the
   obvious way with the Django ORM (bench/orm_baseline.py) against the engine computing the same five end
   to end (freeze + compute); the numbers must agree value by value or the benchmark fails. Then every
   indicator at every level for one 学年 (freeze + compute, goal ≤ 3 s), and ``compute_year`` (which also
   stores the values) on a copy of the database.

Writes bench/results/indicators.json.

    .venv/bin/python bench/indicators.py [--runs 3] [--repeat 3] [--skip-province|--skip-spark|--skip-demo]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CACHE = HERE / ".cache"
LOGS = CACHE / "logs"
DEMO_DATA = CACHE / "demo-data"
DEMO_DB = DEMO_DATA / "tisheng.sqlite3"
DEMO_STAMP = DEMO_DATA / "stamp.json"
MARK = "@@bench-result "

PROVINCE_GOAL_SECONDS = 30
DEMO_GOAL_SECONDS = 3
FIVE = (  # the indicators bench/orm_baseline.py implements
    "class_size.over_standard_share",
    "teachers.certified_rate",
    "enrolment.preschool_gross_rate",
    "yzjh.resource.l4",
    "family.parent_school_rate",
)


# ---------------------------------------------------------------------------------------------------------
# helpers shared by the parent and the children
# ---------------------------------------------------------------------------------------------------------


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def proc_status(field: str, pid: int | str = "self") -> float | None:
    """A memory figure of /proc/<pid>/status (VmHWM = peak resident, VmRSS = now) in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu() -> float:
    """CPU seconds of this process so far (user + system): less disturbed than wall time by other load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float | None:
    """CPU seconds of another process (the Spark JVM), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def emit(result: dict[str, Any]) -> None:
    result.setdefault("peak_rss_mib", peak_mib())
    print(MARK + json.dumps(result, ensure_ascii=False, default=str), flush=True)


def best(values: Iterable[float]) -> float:
    return round(min(values), 3)


def digest(results: Iterable[Any]) -> str:
    """A hash of every result (key, exact numerator and denominator, value, rows, verdict, detail)."""
    lines = sorted(
        "|".join(map(str, (*r.key, r.numerator, r.denominator, r.value, r.rows, r.met, r.detail)))
        for r in results
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def as_rows(results: Iterable[Any]) -> list[list[str | None]]:
    """Results in the baseline's shape, as strings, for the ORM comparison."""
    return [
        [*r.key, str(r.numerator), None if r.denominator is None else str(r.denominator), _s(r.value)]
        for r in results
    ]


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def province_scale(args: argparse.Namespace) -> Any:
    from province import Scale

    return Scale(students=args.students, schools=args.schools, towns=args.towns, teachers=args.teachers)


# ---------------------------------------------------------------------------------------------------------
# children: one measurement each, printed as one JSON line
# ---------------------------------------------------------------------------------------------------------


def child_province_generate(args: argparse.Namespace) -> None:
    import province

    scale = province_scale(args)
    folder, seconds = province.ensure(scale)
    done = json.loads((folder / "done.json").read_text())
    tables = province.load(scale)
    emit(
        {
            "cache": str(folder.relative_to(ROOT)),
            "generated_now": seconds is not None,
            "generation_seconds": round(done["seconds"], 2),
            "arrow_mib": round(sum(t.nbytes for t in tables.values()) / 2**20, 1),
            **province.describe(tables),
        }
    )


def _write(root: Path, tables: dict[str, Any]) -> Any:
    import province

    from tisheng.indicators.engine import write_snapshot

    return write_snapshot(
        root,
        tables,
        district_code=province.PROVINCE_CODE,
        district_name=province.PROVINCE_NAME,
        year=province.YEAR,
        census_date=province.CENSUS_DATE,
        year_end=province.YEAR_END,
    )


def child_province_duckdb(args: argparse.Namespace) -> None:
    """End to end from in-memory Arrow tables: write the snapshot, compute everything on DuckDB."""
    import province

    from tisheng.indicators.engine import compute, connect

    tables = province.load(province_scale(args))
    before = proc_status("VmHWM")
    root = Path(tempfile.mkdtemp(prefix="tisheng-bench-snapshot-"))
    try:
        c0 = cpu()
        t0 = time.perf_counter()
        snapshot = _write(root, tables)
        t1 = time.perf_counter()
        after_write = proc_status("VmHWM")
        computation = compute(snapshot, connect("duckdb"))
        t2 = time.perf_counter()
        c2 = cpu()
        parquet = sum(p.stat().st_size for p in snapshot.path.glob("*.parquet"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    emit(
        {
            "seconds": round(t2 - t0, 3),
            "cpu_seconds": round(c2 - c0, 3),
            "write_seconds": round(t1 - t0, 3),
            "compute_seconds": round(t2 - t1, 3),
            "measure_seconds": round(computation.measure_seconds, 3),
            "rollup_seconds": round(computation.rollup_seconds, 3),
            "results": len(computation.results),
            "digest": digest(computation.results),
            "rss_before_mib": before,  # imports and the tables in memory
            "peak_rss_after_write_mib": after_write,
            "parquet_mib": round(parquet / 2**20, 1),
        }
    )


def child_province_snapshot(args: argparse.Namespace) -> None:
    """Write (once) the province snapshot under bench/.cache/ for the Spark run."""
    import province

    tables = province.load(province_scale(args))
    snapshot = _write(province.cache_dir(province_scale(args)) / "snapshots", tables)
    emit({"path": str(snapshot.path), "rows": dict(snapshot.manifest.rows)})


def child_province_profile(args: argparse.Namespace) -> None:
    """Where the time goes: snapshot writing by step and table, each measure query, the rollup by kind."""
    import cProfile
    import pstats

    import province
    import pyarrow.parquet as pq

    from tisheng.indicators.catalogue import catalogue
    from tisheng.indicators.engine import connect, open_snapshot
    from tisheng.indicators.engine import measures as m
    from tisheng.indicators.engine.compute import Rollup, read_schools
    from tisheng.indicators.engine.schema import TABLES
    from tisheng.indicators.engine.snapshot import conform, content_id

    tables = province.load(province_scale(args))
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    conformed = {name: conform(name, tables[name]) for name in TABLES}
    t1 = time.perf_counter()
    content_id(conformed, {"district": province.PROVINCE_CODE, "year": province.YEAR})
    t2 = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="tisheng-bench-profile-"))
    per_table = {}
    for name, table in conformed.items():
        s = time.perf_counter()
        pq.write_table(table, root / f"{name}.parquet", compression="zstd")
        per_table[name] = round(time.perf_counter() - s, 3)
    t3 = time.perf_counter()
    out["write"] = {
        "conform_seconds": round(t1 - t0, 3),
        "content_hash_seconds": round(t2 - t1, 3),
        "parquet_seconds": round(t3 - t2, 3),
        "parquet_seconds_by_table": dict(sorted(per_table.items(), key=lambda kv: -kv[1])[:5]),
    }
    shutil.rmtree(root, ignore_errors=True)

    snapshot = open_snapshot(Path(args.snapshot))
    s = time.perf_counter()
    backend = connect("duckdb")
    views = backend.load(snapshot)
    connected = time.perf_counter()
    backend.connection.to_pyarrow(views["reference"].count().as_table())  # the first query pays for imports
    out["duckdb_connect_seconds"] = round(connected - s, 3)
    out["duckdb_first_query_overhead_seconds"] = round(time.perf_counter() - connected, 3)
    ctx = m.Context(snapshot.manifest.year, snapshot.manifest.census_date, snapshot.manifest.year_end)
    queries = []
    for table, grain, query, names in m.QUERIES:
        s = time.perf_counter()
        expr = query(views, ctx)
        compiled = time.perf_counter()
        arrow = backend.connection.to_pyarrow(expr)
        executed = time.perf_counter()
        rows = arrow.to_pylist()
        done = time.perf_counter()
        queries.append(
            {
                "table": table,
                "grain": grain,
                "measures": len(names),
                "rows_out": len(rows),
                "build_seconds": round(compiled - s, 3),
                "execute_seconds": round(executed - compiled, 3),
                "to_python_seconds": round(done - executed, 3),
            }
        )
    out["measure_queries"] = sorted(queries, key=lambda q: -q["execute_seconds"])

    from tisheng.indicators.engine.compute import read_measures

    s = time.perf_counter()
    found = read_measures(backend, snapshot)
    out["read_measures_seconds"] = round(time.perf_counter() - s, 3)
    out["measure_rows"] = sum(len(v) for v in found.values())
    schools = read_schools(snapshot)
    rollup = Rollup(snapshot, schools, found, {})
    order = {"ratio": 0, "count": 0, "school_share": 0, "cv": 1, "yzjh_school": 1, "yzjh_district": 2}
    by_kind: dict[str, dict[str, float]] = {}
    per_definition = []
    rollup = Rollup(snapshot, read_schools(snapshot), found, {})
    for d in sorted(catalogue().values(), key=lambda d: order[d.kind]):
        s = time.perf_counter()
        produced = rollup.run([d])  # dependencies are computed once, by the first definition needing them
        seconds = time.perf_counter() - s
        kind = by_kind.setdefault(d.kind, {"definitions": 0, "results": 0, "seconds": 0.0})
        kind["definitions"] += 1
        kind["results"] += len(produced)
        kind["seconds"] = round(kind["seconds"] + seconds, 3)
        per_definition.append(
            {"id": d.id, "kind": d.kind, "results": len(produced), "seconds": round(seconds, 3)}
        )
    out["rollup_by_kind"] = by_kind
    out["rollup_seconds"] = round(sum(k["seconds"] for k in by_kind.values()), 3)
    out["rollup_slowest"] = sorted(per_definition, key=lambda d: -d["seconds"])[:6]
    # a second, profiled rollup (cProfile slows it down ~2x: read the shares, not the seconds)
    profiler = cProfile.Profile()
    profiler.enable()
    Rollup(snapshot, read_schools(snapshot), found, {}).run(list(catalogue().values()))
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    top = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:10]  # type: ignore[attr-defined]
    out["rollup_profile_own_time_share"] = [
        {"function": f"{Path(f).name}:{line}({name})", "calls": calls[1], "share": round(calls[2] / total, 3)}
        for (f, line, name), calls in top
    ]
    emit(out)


def child_province_spark(args: argparse.Namespace) -> None:
    """The same snapshot on Spark local[2]: session start-up, then compute twice (cold, warm)."""
    from tisheng.indicators.engine import compute, connect, open_snapshot

    snapshot = open_snapshot(Path(args.snapshot))
    t0 = time.perf_counter()
    backend = connect("pyspark")
    t1 = time.perf_counter()
    from pyspark import SparkContext

    gateway = getattr(SparkContext, "_gateway", None)
    jvm_pid = getattr(getattr(gateway, "proc", None), "pid", None)

    def both_cpu() -> float:
        return cpu() + ((process_cpu(jvm_pid) or 0.0) if jvm_pid else 0.0)

    c1 = both_cpu()
    cold = compute(snapshot, backend)
    t2 = time.perf_counter()
    c2 = both_cpu()
    warm = compute(snapshot, backend)
    t3 = time.perf_counter()
    c3 = both_cpu()
    jvm_peak = proc_status("VmHWM", jvm_pid) if jvm_pid else None
    import pyspark

    emit(
        {
            "session_start_seconds": round(t1 - t0, 3),
            "compute_cold_seconds": round(t2 - t1, 3),
            "compute_cold_cpu_seconds": round(c2 - c1, 3),  # Python and JVM
            "measure_cold_seconds": round(cold.measure_seconds, 3),
            "rollup_cold_seconds": round(cold.rollup_seconds, 3),
            "compute_warm_seconds": round(t3 - t2, 3),
            "compute_warm_cpu_seconds": round(c3 - c2, 3),
            "measure_warm_seconds": round(warm.measure_seconds, 3),
            "rollup_warm_seconds": round(warm.rollup_seconds, 3),
            "results": len(cold.results),
            "digest": digest(cold.results),
            "warm_digest": digest(warm.results),
            "jvm_peak_rss_mib": jvm_peak,
            "pyspark": pyspark.__version__,
        }
    )
    backend.connection._session.stop()


def _django(database: Path = DEMO_DB, data_dir: Path = DEMO_DATA) -> None:
    """Set Django up on the benchmark's own demo database (never the developer's var/ or DATABASE_URL)."""
    os.environ["TISHENG_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tisheng.config.settings"
    import django

    django.setup()


def _year(args: argparse.Namespace) -> Any:
    from tisheng.core.models import AcademicYear

    if args.year:
        return AcademicYear.objects.get(start_year=args.year)
    return AcademicYear.objects.get(is_current=True)


class QueryCounter:
    """Counts the SQL statements Django sends (cheaper than DEBUG's query log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _repeat(n: int, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``run`` n times; the fastest run's figures, the first (cold) and all the times."""
    runs = [run() for _ in range(n)]
    fastest = min(runs, key=lambda r: r["seconds"])
    return {
        **fastest,
        "seconds": round(fastest["seconds"], 3),
        "first_seconds": round(runs[0]["seconds"], 3),
        "all_seconds": [round(r["seconds"], 3) for r in runs],
    }


def child_demo_orm(args: argparse.Namespace) -> None:
    _django()
    from django.db import connection
    from orm_baseline import compute_five

    year = _year(args)
    kept: list[Any] = []

    def once() -> dict[str, Any]:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            c0, t0 = cpu(), time.perf_counter()
            rows = compute_five(year)
            seconds, cpu_seconds = time.perf_counter() - t0, cpu() - c0
        kept[:] = rows
        return {
            "seconds": seconds,
            "cpu_seconds": round(cpu_seconds, 3),
            "queries": counter.count,
            "results": len(rows),
        }

    result = _repeat(args.repeat, once)
    result["values"] = [[*r[:5], str(r[5]), _s(r[6]), _s(r[7])] for r in kept]
    result["year"] = year.start_year
    emit(result)


def _freeze_and_compute(year: Any, definitions: list[Any] | None) -> tuple[dict[str, Any], Any]:
    from django.test import override_settings

    from tisheng.indicators.engine import compute, connect
    from tisheng.indicators.snapshots import freeze

    data_dir = Path(tempfile.mkdtemp(prefix="tisheng-bench-freeze-"))
    try:
        with override_settings(DATA_DIR=data_dir):  # a new folder each time: the Parquet files are written
            c0, t0 = cpu(), time.perf_counter()
            snapshot = freeze(year)
            t1 = time.perf_counter()
            computation = compute(snapshot, connect("duckdb"), definitions=definitions)
            t2, c2 = time.perf_counter(), cpu()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    figures = {
        "seconds": t2 - t0,
        "cpu_seconds": round(c2 - c0, 3),
        "freeze_seconds": round(t1 - t0, 3),
        "compute_seconds": round(t2 - t1, 3),
        "measure_seconds": round(computation.measure_seconds, 3),
        "rollup_seconds": round(computation.rollup_seconds, 3),
        "results": len(computation.results),
        "snapshot_rows": dict(snapshot.manifest.rows),
    }
    return figures, computation


def child_demo_engine(args: argparse.Namespace) -> None:
    _django()
    from tisheng.indicators.catalogue import catalogue

    year = _year(args)
    definitions = [catalogue()[i] for i in FIVE] if args.child == "demo-engine-five" else None
    kept: list[Any] = []

    def once() -> dict[str, Any]:
        figures, computation = _freeze_and_compute(year, definitions)
        kept[:] = computation.results
        return figures

    result = _repeat(args.repeat, once)
    result["digest"] = digest(kept)
    result["year"] = year.start_year
    if definitions is not None:
        result["values"] = as_rows(kept)
    else:
        result["freeze_breakdown"] = _freeze_breakdown(year)
    emit(result)


def _freeze_breakdown(year: Any) -> dict[str, Any]:
    """Where freezing spends its time: reading the database, hashing the facts, writing Parquet."""
    from django.db import connection

    from tisheng.indicators.engine.compute import census_dates
    from tisheng.indicators.engine.schema import TABLES
    from tisheng.indicators.engine.snapshot import conform, content_id, write_snapshot
    from tisheng.indicators.snapshots import collect

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        t0 = time.perf_counter()
        tables = collect(year)
        t1 = time.perf_counter()
    conformed = {name: conform(name, tables[name]) for name in TABLES}
    t2 = time.perf_counter()
    content_id(conformed, {"year": year.start_year})
    t3 = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="tisheng-bench-freeze-"))
    census_date, year_end = census_dates(year.start_year)
    try:
        t4 = time.perf_counter()
        write_snapshot(
            root,
            tables,
            district_code="",
            district_name="",
            year=year.start_year,
            census_date=census_date,
            year_end=year_end,
        )
        t5 = time.perf_counter()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {
        "collect_seconds": round(t1 - t0, 3),
        "collect_queries": counter.count,
        "content_hash_seconds": round(t3 - t2, 3),
        "write_snapshot_seconds": round(t5 - t4, 3),
    }


def child_demo_compute_year(args: argparse.Namespace) -> None:
    """``services.compute_year`` (freeze, compute, store) on a copy of the demo database."""
    workdir = Path(tempfile.mkdtemp(prefix="tisheng-bench-compute-year-"))
    try:
        shutil.copy2(DEMO_DB, workdir / "copy.sqlite3")
        _django(workdir / "copy.sqlite3", workdir)
        from django.test import override_settings

        from tisheng.indicators import services

        year = _year(args)

        def once() -> dict[str, Any]:
            with override_settings(DATA_DIR=workdir / f"data-{time.monotonic_ns()}"):
                c0, t0 = cpu(), time.perf_counter()
                run = services.compute_year(year)
                seconds, cpu_seconds = time.perf_counter() - t0, cpu() - c0
            return {
                "seconds": seconds,
                "cpu_seconds": round(cpu_seconds, 3),
                "values_stored": run.value_count,
                "run_seconds": round(run.seconds, 3),
            }

        emit(_repeat(args.repeat, once))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def child_demo_probe(args: argparse.Namespace) -> None:
    """Which of the Django-side entry points exist yet."""
    _django()
    found: dict[str, Any] = {}
    try:
        from tisheng.indicators.snapshots import collect, freeze  # noqa: F401

        found["freeze"] = True
    except ImportError as exc:
        found["freeze"] = False
        found["freeze_error"] = str(exc)
    try:
        from tisheng.indicators.services import compute_year  # noqa: F401

        found["compute_year"] = True
    except ImportError as exc:
        found["compute_year"] = False
        found["compute_year_error"] = str(exc)
    from django.db.models import Count

    from tisheng.census.models import Enrolment, SchoolClass, TeacherYear
    from tisheng.core.models import School

    year = _year(args)
    found["year"] = year.start_year
    found["census_date"] = year.census_date.isoformat()
    found["rows"] = {
        "schools": School.objects.count(),
        "classes": SchoolClass.objects.filter(academic_year=year).count(),
        "enrolments": Enrolment.objects.filter(academic_year=year).count(),
        "teachers": TeacherYear.objects.filter(academic_year=year).count(),
    }
    found["schools_by_type"] = dict(
        School.objects.values_list("school_type").annotate(n=Count("id")).order_by("school_type")
    )
    emit(found)


CHILDREN: dict[str, Callable[[argparse.Namespace], None]] = {
    "province-generate": child_province_generate,
    "province-duckdb": child_province_duckdb,
    "province-snapshot": child_province_snapshot,
    "province-profile": child_province_profile,
    "province-spark": child_province_spark,
    "demo-probe": child_demo_probe,
    "demo-orm": child_demo_orm,
    "demo-engine-five": child_demo_engine,
    "demo-engine-all": child_demo_engine,
    "demo-compute-year": child_demo_compute_year,
}


# ---------------------------------------------------------------------------------------------------------
# the parent: runs the children, checks, writes the JSON
# ---------------------------------------------------------------------------------------------------------


class ChildFailed(RuntimeError):
    pass


def child(
    mode: str, args: argparse.Namespace, *extra: str, env: dict[str, str] | None = None
) -> dict[str, Any]:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{mode}.log"
    command = [sys.executable, str(Path(__file__)), "--child", mode, *_scale_args(args), *extra]
    started = time.perf_counter()
    with log.open("w") as err:
        proc = subprocess.run(
            command,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, **(env or {})},
            check=False,
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode or not lines:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ChildFailed(f"{mode} 失败（退出码 {proc.returncode}），日志 {log.relative_to(ROOT)}：\n{tail}")
    result = json.loads(lines[-1][len(MARK) :])
    print(f"   {mode}: {time.perf_counter() - started:.1f} s", flush=True)
    return result


def _scale_args(args: argparse.Namespace) -> list[str]:
    return [
        f"--students={args.students}",
        f"--schools={args.schools}",
        f"--towns={args.towns}",
        f"--teachers={args.teachers}",
        f"--repeat={args.repeat}",
        *([f"--year={args.year}"] if args.year else []),
    ]


def machine() -> dict[str, Any]:
    import duckdb
    import ibis
    import pyarrow

    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_mib": proc_meminfo("MemTotal"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "duckdb": duckdb.__version__,
        "ibis": ibis.__version__,
        "pyarrow": pyarrow.__version__,
    }
    try:
        import pyspark

        info["pyspark"] = pyspark.__version__
    except ImportError:
        info["pyspark"] = None
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
        info["java"] = (java.stderr or java.stdout).splitlines()[0]
    except OSError:
        info["java"] = None
    import django

    info["django"] = django.get_version()
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def proc_meminfo(field: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def demo_stamp() -> str:
    """A hash of what the demo database depends on: the migrations and the demo generator."""
    digest_ = hashlib.sha256()
    src = ROOT / "src" / "tisheng"
    for path in sorted([*src.glob("*/migrations/*.py"), *src.glob("demo/**/*.py")]):
        digest_.update(str(path.relative_to(src)).encode())
        digest_.update(path.read_bytes())
    return digest_.hexdigest()[:16]


def ensure_demo(force: bool) -> dict[str, Any]:
    """The demo district in bench/.cache/demo-data, regenerated when its migrations or generator change."""
    stamp = demo_stamp()
    env = {**os.environ, "TISHENG_DATA_DIR": str(DEMO_DATA), "DATABASE_URL": f"sqlite:///{DEMO_DB}"}
    known = json.loads(DEMO_STAMP.read_text()) if DEMO_STAMP.exists() else {}
    if not force and DEMO_DB.exists() and known.get("stamp") == stamp:
        return {**known, "generated_now": False}
    DEMO_DATA.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    print("   生成演示区县数据库（tisheng demo --reset）…", flush=True)
    started = time.perf_counter()
    with (LOGS / "demo.log").open("w") as log:
        code = subprocess.call(
            [str(Path(sys.executable).with_name("tisheng")), "demo", "--reset", "--no-serve"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    if code:
        raise ChildFailed(f"tisheng demo 失败，日志 {LOGS / 'demo.log'}")
    record = {
        "stamp": stamp,
        "generation_seconds": round(time.perf_counter() - started, 1),
        "database_mib": round(DEMO_DB.stat().st_size / 2**20, 1),
    }
    DEMO_STAMP.write_text(json.dumps(record))
    return {**record, "generated_now": True}


def compare(orm: list[list[Any]], engine: list[list[Any]]) -> tuple[bool, list[str]]:
    """Whether both give the same rows (key and exact numerator, denominator and value); the differences."""
    left = {tuple(r[:5]): tuple(r[5:]) for r in orm}
    right = {tuple(r[:5]): tuple(r[5:]) for r in engine}
    problems = [f"只有 ORM：{'/'.join(k)} = {left[k]}" for k in sorted(left.keys() - right.keys())]
    problems += [f"只有引擎：{'/'.join(k)} = {right[k]}" for k in sorted(right.keys() - left.keys())]
    problems += [
        f"不同：{'/'.join(k)} ORM {left[k]} ≠ 引擎 {right[k]}"
        for k in sorted(left.keys() & right.keys())
        if left[k] != right[k]
    ]
    return not problems, problems


def target(name: str, seconds: float | None, goal: float) -> dict[str, Any]:
    return {
        "name": name,
        "goal_seconds": goal,
        "seconds": seconds,
        "pass": None if seconds is None else seconds <= goal,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=1_500_000)
    parser.add_argument("--schools", type=int, default=3_000)
    parser.add_argument("--towns", type=int, default=100)
    parser.add_argument("--teachers", type=int, default=120_000)
    parser.add_argument("--runs", type=int, default=3, help="province DuckDB runs (each a fresh process)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions inside a process (best is kept)")
    parser.add_argument("--year", type=int, help="学年 of the demo measurements (default: the current one)")
    parser.add_argument("--skip-province", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--fresh-demo", action="store_true", help="regenerate the demo database")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--snapshot", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        CHILDREN[args.child](args)
        return 0

    problems: list[str] = []
    result: dict[str, Any] = {
        "benchmark": "indicators",
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        if not args.skip_province:
            run_province(args, result, problems)
        if not args.skip_demo:
            run_demo(args, result, problems)
    except ChildFailed as exc:
        problems.append(str(exc))
        print(exc, file=sys.stderr)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["ratios"] = ratios(result)
    result["targets"] = targets(result)
    result["problems"] = problems
    failed_targets = [t["name"] for t in result["targets"] if t["pass"] is False]
    result["ok"] = not problems and not failed_targets
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "indicators.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(summary(result))
    return 0 if result["ok"] else 1


def run_province(args: argparse.Namespace, result: dict[str, Any], problems: list[str]) -> None:
    print("== 省级规模（合成数据）", flush=True)
    province: dict[str, Any] = {"generated": child("province-generate", args)}
    result["province"] = province
    runs = [child("province-duckdb", args) for _ in range(args.runs)]
    fastest = min(runs, key=lambda r: r["seconds"])
    province["duckdb_end_to_end"] = {
        **{k: v for k, v in fastest.items() if k != "digest"},
        "best_of": len(runs),
        "all_seconds": [r["seconds"] for r in runs],
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "peak_rss_mib_per_run": [r["peak_rss_mib"] for r in runs],
    }
    digests = {r["digest"] for r in runs}
    if len(digests) != 1:
        problems.append(f"省级 DuckDB 多次运行结果不同：{sorted(digests)}")
    snapshot = child("province-snapshot", args)
    province["snapshot_rows"] = snapshot["rows"]
    province["profile"] = child("province-profile", args, f"--snapshot={snapshot['path']}")
    if args.skip_spark:
        return
    try:
        import pyspark  # noqa: F401
    except ImportError:
        problems.append("未安装 PySpark：跳过 Spark 测量")
        return
    spark = child("province-spark", args, f"--snapshot={snapshot['path']}")
    spark["python_peak_rss_mib"] = spark.pop("peak_rss_mib")
    spark["same_results_as_duckdb"] = spark["digest"] == fastest["digest"] == spark["warm_digest"]
    if not spark["same_results_as_duckdb"]:
        problems.append("Spark 与 DuckDB 的计算结果不同")
    province["spark"] = {k: v for k, v in spark.items() if not k.endswith("digest")}


def run_demo(args: argparse.Namespace, result: dict[str, Any], problems: list[str]) -> None:
    print("== 演示区县（Django）", flush=True)
    demo: dict[str, Any] = {"database": ensure_demo(args.fresh_demo)}
    result["demo"] = demo
    probe = child("demo-probe", args)
    demo.update({k: probe[k] for k in ("year", "census_date", "rows", "schools_by_type")})
    orm = child("demo-orm", args)
    orm_values = orm.pop("values")
    demo["orm_five"] = orm
    if not probe["freeze"]:
        problems.append(f"tisheng.indicators.snapshots.freeze 还不能导入：{probe.get('freeze_error')}")
        return
    five = child("demo-engine-five", args)
    engine_values = five.pop("values")
    demo["engine_five"] = five
    same, differences = compare(orm_values, engine_values)
    demo["orm_matches_engine"] = same
    demo["values_compared"] = len(engine_values)
    demo["values_compared_by_indicator"] = {i: sum(1 for r in engine_values if r[0] == i) for i in FIVE}
    if not same:
        demo["differences"] = differences[:20]
        problems.append(f"ORM 基线与引擎的五项指标结果不一致（{len(differences)} 处），见 demo.differences")
    demo["engine_all"] = child("demo-engine-all", args)
    if probe["compute_year"]:
        demo["compute_year"] = child("demo-compute-year", args)
    else:
        demo["compute_year"] = {"skipped": probe.get("compute_year_error")}


def ratios(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    demo = result.get("demo", {})
    if "orm_five" in demo and "engine_five" in demo:
        out["orm_to_engine_five_indicators"] = round(
            demo["orm_five"]["seconds"] / demo["engine_five"]["seconds"], 2
        )
        out["orm_to_engine_five_indicators_cpu"] = round(
            demo["orm_five"]["cpu_seconds"] / demo["engine_five"]["cpu_seconds"], 2
        )
        out["orm_to_engine_five_compute_only"] = round(
            demo["orm_five"]["seconds"] / demo["engine_five"]["compute_seconds"], 2
        )
    province = result.get("province", {})
    duck, spark = province.get("duckdb_end_to_end"), province.get("spark")
    if duck and spark:
        out["spark_to_duckdb_compute_cold"] = round(
            spark["compute_cold_seconds"] / duck["compute_seconds"], 2
        )
        out["spark_to_duckdb_compute_warm"] = round(
            spark["compute_warm_seconds"] / duck["compute_seconds"], 2
        )
        out["spark_to_duckdb_measure_queries_warm"] = round(
            spark["measure_warm_seconds"] / duck["measure_seconds"], 2
        )
        out["spark_with_startup_to_duckdb_end_to_end"] = round(
            (spark["session_start_seconds"] + spark["compute_cold_seconds"]) / duck["seconds"], 2
        )
    return out


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    duck = result.get("province", {}).get("duckdb_end_to_end", {})
    demo_all = result.get("demo", {}).get("engine_all", {})
    return [
        target(
            "省级规模：写快照 + DuckDB 计算全部指标（全部层级）", duck.get("seconds"), PROVINCE_GOAL_SECONDS
        ),
        target(
            "演示区县：冻结快照 + 计算全部指标（全部层级，一个学年）",
            demo_all.get("seconds"),
            DEMO_GOAL_SECONDS,
        ),
    ]


def summary(result: dict[str, Any]) -> str:
    lines = ["", "== 结果（bench/results/indicators.json）"]
    province = result.get("province", {})
    if duck := province.get("duckdb_end_to_end"):
        lines.append(
            f"省级 DuckDB 端到端 {duck['seconds']} s（写快照 {duck['write_seconds']}，查询 {duck['measure_seconds']}，"
            f"汇总 {duck['rollup_seconds']}；CPU {duck['cpu_seconds']} s），峰值内存 {duck['peak_rss_mib']} MiB，"
            f"{duck['results']} 个结果"
        )
    if spark := province.get("spark"):
        lines.append(
            f"省级 Spark：启动 {spark['session_start_seconds']} s，计算（冷）{spark['compute_cold_seconds']} s，"
            f"（热）{spark['compute_warm_seconds']} s，结果与 DuckDB 相同：{spark['same_results_as_duckdb']}"
        )
    demo = result.get("demo", {})
    if "orm_five" in demo:
        lines.append(
            f"演示区县 ORM 五项指标 {demo['orm_five']['seconds']} s（{demo['orm_five']['queries']} 条 SQL）"
        )
    if "engine_five" in demo:
        lines.append(
            f"演示区县 引擎五项指标（冻结 + 计算）{demo['engine_five']['seconds']} s；"
            f"与 ORM 一致：{demo.get('orm_matches_engine')}（比较 {demo.get('values_compared')} 个值）"
        )
    if "engine_all" in demo:
        all_ = demo["engine_all"]
        lines.append(
            f"演示区县 全部指标（冻结 {all_['freeze_seconds']} + 计算 {all_['compute_seconds']}）{all_['seconds']} s，"
            f"CPU {all_['cpu_seconds']} s，峰值内存 {all_['peak_rss_mib']} MiB"
        )
    if "seconds" in demo.get("compute_year", {}):
        lines.append(f"演示区县 compute_year（含保存）{demo['compute_year']['seconds']} s")
    for name, value in result.get("ratios", {}).items():
        lines.append(f"比值 {name} = {value}")
    for t in result.get("targets", []):
        verdict = {True: "达标", False: "未达标", None: "未测"}[t["pass"]]
        lines.append(f"目标 {t['name']} ≤ {t['goal_seconds']} s：{t['seconds']} s {verdict}")
    lines += [f"问题：{p}" for p in result.get("problems", [])]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
