"""Generated benchmark data cached as Arrow IPC files under bench/.cache (one folder per scale and
generator version), so a benchmark generates its population once and then only reads it."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyarrow as pa

CACHE = Path(__file__).resolve().parent / ".cache"


def ensure(
    folder: Path, scale: Any, generate: Callable[[], dict[str, pa.Table]]
) -> tuple[Path, float | None]:
    """``folder`` holding the tables ``generate()`` makes (made now, atomically, if missing) and the
    generation seconds when it was made now. ``scale`` (a dataclass) is recorded in done.json."""
    if (folder / "done.json").exists():
        return folder, None
    started = time.perf_counter()
    tables = generate()
    seconds = time.perf_counter() - started
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, table in tables.items():
        with (
            pa.OSFile(str(tmp / f"{name}.arrow"), "wb") as sink,
            pa.ipc.new_file(sink, table.schema) as writer,
        ):
            writer.write_table(table, max_chunksize=1 << 20)
    rows = {name: t.num_rows for name, t in tables.items()}
    (tmp / "done.json").write_text(json.dumps({"scale": asdict(scale), "rows": rows, "seconds": seconds}))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder, seconds


def read(folder: Path, name: str) -> pa.Table | None:
    """One cached table, read fully into memory (None when the generator made no such table)."""
    path = folder / f"{name}.arrow"
    if not path.exists():
        return None
    with pa.OSFile(str(path), "rb") as source:
        return pa.ipc.open_file(source).read_all()
