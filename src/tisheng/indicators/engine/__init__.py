"""The indicator engine: frozen snapshot in, indicator values out. No Django import here or below.

snapshot = open_snapshot(path)
computation = compute(snapshot, connect("duckdb"))
"""

from .backends import BACKENDS, connect
from .compute import Computation, Result, compute
from .snapshot import Manifest, Snapshot, SnapshotError, open_snapshot, write_snapshot

__all__ = [
    "BACKENDS",
    "Computation",
    "Manifest",
    "Result",
    "Snapshot",
    "SnapshotError",
    "compute",
    "connect",
    "open_snapshot",
    "write_snapshot",
]
