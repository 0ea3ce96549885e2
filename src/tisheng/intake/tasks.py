"""Background work for the embedded default: a worker thread inside the web process, one import at a
time (SQLite has one writer). Tests and the command line run the same functions inline.

The page reloads safely: state lives in the batch row and progress in the cache. Work interrupted by a
server stop is marked failed when the server starts again (``services.fail_interrupted``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger("tisheng.intake")
_one_at_a_time = threading.Semaphore(1)


def run(function: Callable[..., Any], *args: Any) -> None:
    """Run ``function(*args)`` in the background, or now when ``TISHENG_TASKS_INLINE`` is set."""
    if getattr(settings, "TASKS_INLINE", False):
        function(*args)
        return
    thread = threading.Thread(
        target=_work, args=(function, args), daemon=True, name=f"tisheng-{function.__name__}"
    )
    thread.start()


def _work(function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    with _one_at_a_time:
        close_old_connections()
        try:
            function(*args)
        except Exception:  # recorded on the batch by the function itself; keep the thread's death quiet
            log.exception("background task %s failed", function.__name__)
        finally:
            close_old_connections()
