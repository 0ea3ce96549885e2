"""Sign-in throttling (登录锁定): too many failed sign-ins for one account, or from one address, within
the lock window lock further attempts until the window has passed. Attempts are kept in the database,
so every server process sees the same count."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from tisheng.core.models import LoginAttempt

#: One address may fail this many times the per-account limit (a shared office NAT) before it is locked.
ADDRESS_FACTOR = 4


def _failures_since_success(**who: str | None) -> int:
    window_start = timezone.now() - settings.LOGIN_LOCK_WINDOW
    attempts = LoginAttempt.objects.filter(attempted_at__gte=window_start, **who)
    last_ok = attempts.filter(succeeded=True).aggregate(t=Max("attempted_at"))["t"]
    failures = attempts.filter(succeeded=False)
    if last_ok is not None:
        failures = failures.filter(attempted_at__gt=last_ok)
    return failures.count()


def is_locked(username: str, ip_address: str | None) -> bool:
    limit = settings.LOGIN_MAX_FAILURES
    if _failures_since_success(username=username.strip().lower()) >= limit:
        return True
    return bool(ip_address) and _failures_since_success(ip_address=ip_address) >= limit * ADDRESS_FACTOR


def note_attempt(username: str, ip_address: str | None, succeeded: bool) -> None:
    LoginAttempt.objects.create(
        username=username.strip().lower()[:150], ip_address=ip_address, succeeded=succeeded
    )


def lock_minutes() -> int:
    return int(settings.LOGIN_LOCK_WINDOW.total_seconds() // 60)
