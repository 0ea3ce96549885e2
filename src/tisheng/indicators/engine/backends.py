"""Backends the measure queries run on: DuckDB embedded (default) and PySpark (scale-out).

Both read the snapshot's Parquet files directly, so the same folder serves a laptop and a cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import ibis
import ibis.expr.types as ir

from .schema import TABLES
from .snapshot import Snapshot

BACKENDS = ("duckdb", "pyspark")


class Backend(Protocol):
    name: str

    def load(self, snapshot: Snapshot) -> dict[str, ir.Table]: ...

    def rows(self, expr: ir.Table) -> Iterator[dict[str, Any]]: ...


class IbisBackend:
    """An Ibis connection with the snapshot's tables registered as views over its Parquet files."""

    def __init__(self, name: str, connection: Any) -> None:
        self.name = name
        self.connection = connection

    def load(self, snapshot: Snapshot) -> dict[str, ir.Table]:
        tag = snapshot.manifest.snapshot_id.replace("-", "_")
        return {
            table: self.connection.read_parquet(str(snapshot.table_path(table)), table_name=f"{table}_{tag}")
            for table in TABLES
        }

    def rows(self, expr: ir.Table) -> Iterator[dict[str, Any]]:
        yield from self.connection.to_pyarrow(expr).to_pylist()


def duckdb(threads: int | None = None, memory_limit: str | None = None) -> IbisBackend:
    config: dict[str, Any] = {}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    return IbisBackend("duckdb", ibis.duckdb.connect(**config))


def pyspark(master: str = "local[2]") -> IbisBackend:
    """A local Spark session (or ``master`` of a cluster). PySpark is an optional dependency."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError("未安装 PySpark：pip install 'pyspark>=4,<5'（需要 Java 17）") from exc
    session = (
        SparkSession.builder.master(master)
        .appName("tisheng-indicators")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return IbisBackend("pyspark", ibis.pyspark.connect(session))


def connect(name: str = "duckdb") -> IbisBackend:
    if name == "duckdb":
        return duckdb()
    if name == "pyspark":
        return pyspark()
    raise ValueError(f"未知的计算后端：{name}（可选：{', '.join(BACKENDS)}）")
