"""Computing, storing, verifying and reading indicator values."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import tisheng
from tisheng.core.models import AcademicYear, District, School, Town, User

from . import snapshots
from .catalogue import CATALOGUE_VERSION, catalogue
from .choices import RunStatus, RunTrigger
from .engine import Result, compute, connect, disclosure, open_snapshot
from .engine.backends import IbisBackend
from .engine.compute import MYOPIA_SE_INCLUSIVE
from .models import IndicatorRun, IndicatorValue

log = logging.getLogger("tisheng.indicators")
Progress = Callable[[int, str], None]
_DECIMAL_PLACES = Decimal("1e-10")


class ComputeError(RuntimeError):
    """A computation could not be completed; the message is in Chinese."""


@cache
def code_version() -> str:
    """The package version and, in a git checkout, the commit."""
    root = Path(__file__).resolve().parents[3]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{tisheng.__version__}+{commit}" if commit else tisheng.__version__


_backends: dict[tuple[str, int], IbisBackend] = {}


def backend(name: str | None = None) -> IbisBackend:
    """A connection per backend and thread (a DuckDB connection is not shared between threads; the Spark
    session behind the pyspark backend is one per process anyway and expensive to start)."""
    name = name or settings.INDICATOR_BACKEND
    key = (name, threading.get_ident() if name == "duckdb" else 0)
    if key not in _backends:
        _backends[key] = connect(name)
    return _backends[key]


def _decimal(value: Fraction | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(_DECIMAL_PLACES)


def run_overrides() -> dict[str, Any]:
    """What a run is computed with besides the facts: the provincial threshold overrides and the
    筛查性近视 cut-off (recorded on the run, so that verifying it recomputes the same values)."""
    return {**settings.THRESHOLD_OVERRIDES, MYOPIA_SE_INCLUSIVE: bool(settings.MYOPIA_SE_INCLUSIVE)}


def compute_year(
    year: AcademicYear | int,
    *,
    trigger: str = RunTrigger.COMMAND,
    user: User | None = None,
    backend_name: str | None = None,
    progress: Progress | None = None,
) -> IndicatorRun:
    """Freeze ``year``'s facts, compute every indicator at every level and make the values current."""
    if isinstance(year, int):
        found = AcademicYear.objects.filter(start_year=year).first()
        if found is None:
            raise ComputeError(f"没有 {year} 学年：请先建立该学年")
        year = found
    say = progress or (lambda percent, message: None)
    engine = backend(backend_name)
    run = IndicatorRun.objects.create(
        academic_year=year,
        trigger=trigger,
        requested_by=user if user is not None and user.is_authenticated else None,
        backend=engine.name,
        code_version=code_version(),
        catalogue_version=CATALOGUE_VERSION,
        overrides=run_overrides(),
    )
    started = time.perf_counter()
    try:
        say(5, f"冻结 {year} 的数据快照")
        snapshot = snapshots.freeze(year)
        say(35, f"快照 {snapshot.manifest.snapshot_id}：计算指标")
        computation = compute(snapshot, engine, overrides=run.overrides)
        say(75, f"保存 {len(computation.results)} 个指标值")
        _store(run, year, snapshot, computation.results, started)
    except Exception as exc:
        IndicatorRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
            seconds=time.perf_counter() - started,
        )
        log.exception("indicator computation for %s failed", year)
        raise
    say(100, f"完成：{run.value_count} 个指标值，用时 {run.seconds:.1f} 秒")
    return run


def _store(
    run: IndicatorRun, year: AcademicYear, snapshot: Any, results: list[Result], started: float
) -> None:
    definitions = catalogue()
    school_rows = list(School.objects.values_list("code", "id", "town__code"))
    schools = {code: pk for code, pk, _ in school_rows}
    town_of_school = {code: town for code, _, town in school_rows}
    towns = dict(Town.objects.values_list("code", "id"))
    withheld = disclosure.complementary(results, definitions, town_of_school)
    values = [
        IndicatorValue(
            run=run,
            academic_year=year,
            indicator=r.indicator,
            definition_version=definitions[r.indicator].version,
            level=r.level,
            org_code=r.org,
            school_id=schools.get(r.org) if r.level == "school" else None,
            town_id=towns.get(r.org) if r.level == "town" else None,
            stage=r.stage,
            breakdown=r.breakdown,
            numerator=_decimal(r.numerator),
            denominator=_decimal(r.denominator),
            value=_decimal(r.value),
            rows=r.rows,
            met=r.met,
            detail=r.detail,
            complementary=r.key in withheld,
        )
        for r in results
    ]
    with transaction.atomic():
        # one run of a year is stored at a time (the year's row is the lock); a run that started after
        # this one and is already current (a later snapshot) is not replaced by this one
        AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
        previous = IndicatorRun.objects.filter(academic_year=year, is_current=True)
        newer = previous.filter(started_at__gt=run.started_at).exists()
        if not newer:
            superseded = list(previous.values_list("pk", flat=True))
            IndicatorValue.objects.filter(run_id__in=superseded).delete()
            previous.update(is_current=False)
            IndicatorValue.objects.bulk_create(values, batch_size=2000)
        manifest = snapshot.manifest
        run.snapshot_id = manifest.snapshot_id
        run.snapshot_path = str(snapshot.path)
        run.batches = list(manifest.batches)
        run.rows = dict(manifest.rows)
        run.value_count = 0 if newer else len(values)
        run.status = RunStatus.SUCCEEDED
        run.is_current = not newer
        if newer:
            run.error = "计算期间已有更新的计算完成，本次结果未替换当前值"
        run.finished_at = timezone.now()
        run.seconds = time.perf_counter() - started
        run.save()


def compute_all(
    *, trigger: str = RunTrigger.COMMAND, user: User | None = None, progress: Progress | None = None
) -> list[IndicatorRun]:
    years = list(AcademicYear.objects.order_by("start_year"))
    runs = []
    for i, year in enumerate(years):

        def scaled(percent: int, message: str, i: int = i) -> None:
            if progress:
                progress(int((i * 100 + percent) / len(years)), message)

        runs.append(compute_year(year, trigger=trigger, user=user, progress=scaled))
    return runs


def verify(run: IndicatorRun, backend_name: str | None = None) -> list[str]:
    """Recompute ``run`` from its stored snapshot; the differences (none when it reproduces)."""
    if not run.snapshot_path:
        return [f"计算批次 {run.pk} 没有快照，无法复算"]
    if not run.is_current:
        return [f"计算批次 {run.pk} 已被新的计算取代，其结果未保留；请复核当前的计算批次"]
    snapshot = open_snapshot(Path(run.snapshot_path))
    recomputed = compute(snapshot, backend(backend_name or run.backend), overrides=run.overrides)
    stored = {
        (v.indicator, v.level, v.org_code, v.stage, v.breakdown): v
        for v in IndicatorValue.objects.filter(run=run)
    }
    differences = []
    seen = set()
    for r in recomputed.results:
        seen.add(r.key)
        v = stored.get(r.key)
        if v is None:
            differences.append(f"{'/'.join(r.key)}：复算有值，保存的结果中没有")
        elif (v.numerator, v.denominator, v.value, v.met) != (
            _decimal(r.numerator),
            _decimal(r.denominator),
            _decimal(r.value),
            r.met,
        ):
            differences.append(f"{'/'.join(r.key)}：保存 {v.value}，复算 {_decimal(r.value)}")
    differences += [f"{'/'.join(k)}：保存的结果在复算中没有" for k in stored.keys() - seen]
    return differences


def recompute_later(year_ids: list[int]) -> None:
    """Background entry point (a worker thread in the embedded default)."""
    for year in AcademicYear.objects.filter(pk__in=year_ids).order_by("start_year"):
        compute_year(year, trigger=RunTrigger.APPROVAL)


def fail_interrupted() -> int:
    """Mark computations cut off by a server stop as failed (they can never finish); how many."""
    return IndicatorRun.objects.filter(status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, error="计算被服务器停止中断，请重新计算", finished_at=timezone.now()
    )


def org_names() -> dict[str, str]:
    """Names of the district, towns and schools by code (the codes of stored values)."""
    names = dict(District.objects.values_list("code", "name"))
    names.update(Town.objects.values_list("code", "name"))
    names.update(School.objects.values_list("code", "name"))
    return names
