"""Writing and reading frozen snapshots (Parquet files plus ``manifest.json``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import SNAPSHOT_FORMAT, TABLE_LABELS, TABLES


class SnapshotError(ValueError):
    """A snapshot is incomplete, altered or does not match the schema."""


@dataclass(frozen=True)
class Manifest:
    """What a snapshot is: whose facts, for which 学年 and 统计时点, from which import batches."""

    snapshot_id: str
    district_code: str
    district_name: str
    year: int
    census_date: dt.date
    year_end: dt.date
    batches: tuple[int, ...]
    rows: Mapping[str, int]
    created_at: str
    format: int = SNAPSHOT_FORMAT
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot_id,
            "district_code": self.district_code,
            "district_name": self.district_name,
            "year": self.year,
            "census_date": self.census_date.isoformat(),
            "year_end": self.year_end.isoformat(),
            "batches": list(self.batches),
            "rows": dict(self.rows),
            "created_at": self.created_at,
            "format": self.format,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        return cls(
            snapshot_id=data["snapshot_id"],
            district_code=data["district_code"],
            district_name=data["district_name"],
            year=int(data["year"]),
            census_date=dt.date.fromisoformat(data["census_date"]),
            year_end=dt.date.fromisoformat(data["year_end"]),
            batches=tuple(int(b) for b in data["batches"]),
            rows={k: int(v) for k, v in data["rows"].items()},
            created_at=data["created_at"],
            format=int(data.get("format", SNAPSHOT_FORMAT)),
            extra=dict(data.get("extra", {})),
        )


@dataclass(frozen=True)
class Snapshot:
    path: Path
    manifest: Manifest

    def table_path(self, name: str) -> Path:
        return self.path / f"{name}.parquet"

    def read(self, name: str) -> pa.Table:
        return pq.read_table(self.table_path(name), schema=TABLES[name])


def conform(name: str, table: pa.Table) -> pa.Table:
    """``table`` with exactly the columns and types of the schema of ``name`` (in order)."""
    schema = TABLES[name]
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise SnapshotError(f"快照表“{TABLE_LABELS[name]}”（{name}）缺少列：{', '.join(missing)}")
    # a dictionary-encoded column of the field's type stays encoded (the same values: Parquet stores
    # strings dictionary-encoded anyway, and every reader gets the field's type back); decoding ten
    # million codes into strings only to encode them again costs a second at province scale
    fields = [
        pa.field(f.name, table.schema.field(f.name).type, f.nullable)
        if pa.types.is_dictionary(table.schema.field(f.name).type)
        and table.schema.field(f.name).type.value_type == f.type
        else f
        for f in schema
    ]
    return table.select(schema.names).cast(pa.schema(fields))


def _decoded(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        pa.field(f.name, f.type.value_type, f.nullable) if pa.types.is_dictionary(f.type) else f
        for f in schema
    )


def content_id(tables: Mapping[str, pa.Table], meta: Mapping[str, Any]) -> str:
    """A hash of the facts themselves (not of file bytes), so the same facts give the same id."""
    digest = hashlib.sha256(json.dumps(meta, sort_keys=True, default=str).encode())
    for name in sorted(tables):
        table = tables[name]
        if any(pa.types.is_dictionary(f.type) for f in table.schema):  # the values, however encoded
            table = table.cast(TABLES[name] if name in TABLES else _decoded(table.schema))
        digest.update(name.encode())
        for batch in table.sort_by([(c, "ascending") for c in table.column_names]).to_batches():
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            digest.update(memoryview(sink.getvalue()))  # the buffer itself, not a copy
    return digest.hexdigest()[:16]


def write_snapshot(
    root: Path,
    tables: Mapping[str, pa.Table],
    *,
    district_code: str,
    district_name: str,
    year: int,
    census_date: dt.date,
    year_end: dt.date,
    batches: tuple[int, ...] = (),
    extra: Mapping[str, Any] | None = None,
) -> Snapshot:
    """Write every table under ``root/<year>/<snapshot id>/``; an identical snapshot is reused."""
    if missing := sorted(set(TABLES) - set(tables)):
        raise SnapshotError(f"快照缺少表：{', '.join(missing)}")
    conformed = {name: conform(name, tables[name]) for name in TABLES}
    meta = {"district": district_code, "year": year, "census_date": census_date, "year_end": year_end}
    snapshot_id = f"{year}-{content_id(conformed, meta)}"
    path = root / str(year) / snapshot_id
    manifest_path = path / "manifest.json"
    if manifest_path.exists():
        return open_snapshot(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, table in conformed.items():
        pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
    manifest = Manifest(
        snapshot_id=snapshot_id,
        district_code=district_code,
        district_name=district_name,
        year=year,
        census_date=census_date,
        year_end=year_end,
        batches=tuple(sorted(batches)),
        rows={name: table.num_rows for name, table in conformed.items()},
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        extra=dict(extra or {}),
    )
    (tmp / "manifest.json").write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=2), "utf-8")
    if path.exists():  # a concurrent writer won the race with the same content
        _remove(tmp)
        return open_snapshot(path)
    tmp.rename(path)
    return Snapshot(path, manifest)


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def open_snapshot(path: Path) -> Snapshot:
    manifest_path = path / "manifest.json"
    if not manifest_path.exists():
        raise SnapshotError(f"快照目录 {path} 中没有 manifest.json")
    manifest = Manifest.from_json(json.loads(manifest_path.read_text("utf-8")))
    if manifest.format != SNAPSHOT_FORMAT:
        raise SnapshotError(f"快照格式 {manifest.format} 与程序的格式 {SNAPSHOT_FORMAT} 不同，请重新生成快照")
    for name in TABLES:
        if not (path / f"{name}.parquet").exists():
            raise SnapshotError(f"快照 {manifest.snapshot_id} 缺少表 {name}.parquet")
    return Snapshot(path, manifest)
