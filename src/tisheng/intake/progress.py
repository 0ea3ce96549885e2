"""Progress of long work, readable by any request while the work runs.

A commit holds the database's write lock (SQLite) or an open transaction (PostgreSQL) for its whole
length, so progress cannot be written to the batch row until it ends. It goes to Django's cache
instead (the process-local memory cache by default: ``tisheng serve`` runs the work in the same
process; configure a shared cache such as Redis for several processes) and the page polls it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

TTL_SECONDS = 6 * 3600


def key(batch_id: int) -> str:
    return f"tisheng:intake:progress:{batch_id}"


Listener = Callable[[int, str], None]


def reporter(batch_id: int, start: int = 0, end: int = 100, listener: Listener | None = None) -> Listener:
    """A callback taking (percent 0–100 of this stage, message), scaled into [start, end], stored in
    the cache and passed on to ``listener`` (the command line's progress bar)."""
    last: list[int] = [-1]

    def report(percent: int, message: str) -> None:
        scaled = start + (end - start) * max(0, min(100, percent)) // 100
        if scaled != last[0]:
            last[0] = scaled
            cache.set(key(batch_id), (scaled, message), TTL_SECONDS)
            if listener is not None:
                listener(scaled, message)

    return report


def read(batch_id: int) -> tuple[int, str] | None:
    value = cache.get(key(batch_id))
    return tuple(value) if value else None  # type: ignore[return-value]


def clear(batch_id: int) -> None:
    cache.delete(key(batch_id))
