"""Settings helpers fail loudly, and every variable the platform reads is documented."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tisheng.config import env

SRC = Path(__file__).resolve().parents[2] / "src" / "tisheng"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def test_bool_accepts_common_spellings_and_rejects_others(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("true", True), ("1", True), ("是", True), ("off", False), ("", False)]:
        monkeypatch.setenv("TISHENG_DEBUG", raw)
        assert env.env_bool("TISHENG_DEBUG", not expected) is expected
    monkeypatch.setenv("TISHENG_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="不是布尔值"):
        env.env_bool("TISHENG_DEBUG", False)


def test_int_checks_type_and_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TISHENG_LOGIN_MAX_FAILURES", "abc")
    with pytest.raises(ImproperlyConfigured, match="不是整数"):
        env.env_int("TISHENG_LOGIN_MAX_FAILURES", 5)
    monkeypatch.setenv("TISHENG_LOGIN_MAX_FAILURES", "0")
    with pytest.raises(ImproperlyConfigured, match="最小值"):
        env.env_int("TISHENG_LOGIN_MAX_FAILURES", 5, minimum=1)
    monkeypatch.setenv("TISHENG_LOGIN_MAX_FAILURES", "7")
    assert env.env_int("TISHENG_LOGIN_MAX_FAILURES", 5, minimum=1) == 7


def test_decimal_is_exact_and_checks_type_and_range(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "TISHENG_TRAJECTORY_TOLERANCE_PP"
    monkeypatch.delenv(name, raising=False)
    assert env.env_decimal(name, Decimal("2.0")) == Decimal("2.0")
    monkeypatch.setenv(name, "1.5")
    assert env.env_decimal(name, Decimal("2.0"), minimum=Decimal(0)) == Decimal("1.5")
    for raw, message in [("abc", "不是数字"), ("NaN", "不是有限的数字"), ("-1", "最小值"), ("101", "最大值")]:
        monkeypatch.setenv(name, raw)
        with pytest.raises(ImproperlyConfigured, match=message):
            env.env_decimal(name, Decimal("2.0"), minimum=Decimal(0), maximum=Decimal(100))


def test_undocumented_variable_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="未登记"):
        env.env_str("SOMETHING_ELSE", "x")


def test_database_url_schemes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env.database_url(tmp_path / "db.sqlite3") == f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tisheng")
    assert env.database_url(tmp_path / "x").startswith("postgres://")
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ImproperlyConfigured, match="无法识别"):
        env.database_url(tmp_path / "x")


def test_secret_key_from_env_file_or_generated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TISHENG_SECRET_KEY", raising=False)
    monkeypatch.delenv("TISHENG_SECRET_KEY_FILE", raising=False)
    generated = env.secret_key(tmp_path)
    assert len(generated) >= 50 and env.secret_key(tmp_path) == generated  # stable once written
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("TISHENG_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="太短"):
        env.secret_key(tmp_path)
    monkeypatch.delenv("TISHENG_SECRET_KEY")
    monkeypatch.setenv("TISHENG_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="不存在"):
        env.secret_key(tmp_path)


def test_every_variable_read_is_documented_in_code_and_in_the_deployment_guide() -> None:
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        used |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', path.read_text(encoding="utf-8")))
        used |= set(re.findall(r'_raw\("([A-Z_]+)"\)', path.read_text(encoding="utf-8")))
    assert used, "the scan found no settings: the pattern is broken"
    assert used <= set(env.DOCUMENTED), used - set(env.DOCUMENTED)
    guide = DOCS.read_text(encoding="utf-8")
    missing = [name for name in env.DOCUMENTED if f"`{name}`" not in guide]
    assert not missing, f"docs/deployment.md does not describe {missing}"


def test_sqlite_default_has_busy_timeout_and_immediate_transactions(settings) -> None:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert db["OPTIONS"]["timeout"] >= 1
    else:
        assert db["ENGINE"] == "django.db.backends.postgresql"


def test_secure_defaults(settings) -> None:
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_HTTPONLY
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert len(settings.AUTH_PASSWORD_VALIDATORS) == 4
