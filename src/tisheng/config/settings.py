"""Django settings, read from the environment through the typed helpers in :mod:`tisheng.config.env`.

SQLite is the embedded default (a file in the data folder, busy timeout, immediate transactions);
``DATABASE_URL`` switches to PostgreSQL. Nothing here needs a server to be running.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url

from tisheng.config import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT = PACKAGE_DIR.parent.parent
PROJECT_DIR = _CHECKOUT if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd()

DATA_DIR = env.env_path("TISHENG_DATA_DIR", PROJECT_DIR / "var")
DEBUG = env.env_bool("TISHENG_DEBUG", False)
SECRET_KEY = env.secret_key(DATA_DIR)
ALLOWED_HOSTS = env.env_list("TISHENG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "tisheng.core",
    "tisheng.census",
    "tisheng.intake",
    "tisheng.health",
    "tisheng.indicators",
    "tisheng.plan",
    "tisheng.supervision",
    "tisheng.reports",
    "tisheng.web",
    "tisheng.api",
    "tisheng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tisheng.core.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tisheng.web.export.TableExportMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tisheng.config.urls"
WSGI_APPLICATION = "tisheng.config.wsgi.application"
ASGI_APPLICATION = "tisheng.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tisheng.web.context.navigation",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------------
SQLITE_TIMEOUT = env.env_int("TISHENG_SQLITE_TIMEOUT", 20, minimum=1, maximum=600)
DATABASES = {"default": dj_database_url.parse(env.database_url(DATA_DIR / "tisheng.sqlite3"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": SQLITE_TIMEOUT,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": None}  # in-memory test database
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- users, passwords, sessions ---------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "public-home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES = env.env_int("TISHENG_LOGIN_MAX_FAILURES", 5, minimum=1, maximum=100)
LOGIN_LOCK_WINDOW = timedelta(minutes=env.env_int("TISHENG_LOGIN_LOCK_MINUTES", 15, minimum=1, maximum=1440))
SESSION_COOKIE_AGE = env.env_int("TISHENG_SESSION_HOURS", 8, minimum=1, maximum=24 * 30) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "tisheng.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

HTTPS = env.env_bool("TISHENG_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

# --- language and time ------------------------------------------------------------------------------
LANGUAGE_CODE = env.env_choice("TISHENG_LANGUAGE", "zh-hans", ("zh-hans", "en"))
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tisheng.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files (ECharts and the stylesheet are served by the app itself: no CDN) -----------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here after collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

#: Run background work (imports, recomputation) inline instead of in a worker thread (tests).
TASKS_INLINE = False

# Indicators: the engine's backend, recomputation after approval, provincial threshold overrides
INDICATOR_BACKEND = env.env_choice("TISHENG_INDICATOR_BACKEND", "duckdb", ("duckdb", "pyspark"))
RECOMPUTE_ON_APPROVAL = env.env_bool("TISHENG_RECOMPUTE_ON_APPROVAL", True)
THRESHOLD_OVERRIDES = env.env_json("TISHENG_THRESHOLD_OVERRIDES", {})
#: 筛查性近视 at SE exactly −0.50 D: true counts it (≤ −0.50 D, 适宜技术指南), false does not (< −0.50 D)
MYOPIA_SE_INCLUSIVE = env.env_bool("TISHENG_MYOPIA_SE_INCLUSIVE", True)
INDICATOR_SNAPSHOT_DIR = DATA_DIR / "snapshots"  # frozen Parquet snapshots, one folder per 学年 and content

# Plan: the trajectory status rule (tisheng.plan.trajectory): how many latest years the projection
# uses, and the tolerance (percentage points) between 黄 at risk and 红 off track
TRAJECTORY_POINTS = env.env_int("TISHENG_TRAJECTORY_POINTS", 3, minimum=1, maximum=10)
TRAJECTORY_TOLERANCE_PP = env.env_decimal(
    "TISHENG_TRAJECTORY_TOLERANCE_PP", Decimal("2.0"), minimum=Decimal(0), maximum=Decimal(100)
)
TRAJECTORY_TOLERANCE_SHARE = env.env_decimal(
    "TISHENG_TRAJECTORY_TOLERANCE_SHARE", Decimal("0.05"), minimum=Decimal(0), maximum=Decimal(1)
)

# Dashboards' bodies are cached per scope and data version (tisheng.web.pagecache); 0 turns that off.
PAGE_CACHE_SECONDS = env.env_int("TISHENG_PAGE_CACHE_SECONDS", 120, minimum=0, maximum=7 * 24 * 3600)

# Plan: progress reports (tisheng.plan.reports) — each lead unit reports every quarter, due this many
# days after the quarter ends; owed from the plan's first year, or from this date when reporting in
# tisheng began later
REPORT_DUE_DAYS = env.env_int("TISHENG_REPORT_DUE_DAYS", 15, minimum=0, maximum=90)
REPORTS_FROM = env.env_date("TISHENG_REPORTS_FROM")

# Supervision: escalation of a rectification order still with its owner after its deadline
# (tisheng.supervision.services.escalate): 通报 after the grace days, 约谈 a period after the 通报,
# 亮红灯 a period after the 约谈
ESCALATION_NOTICE_DAYS = env.env_int("TISHENG_ESCALATION_NOTICE_DAYS", 0, minimum=0, maximum=365)
ESCALATION_TALK_DAYS = env.env_int("TISHENG_ESCALATION_TALK_DAYS", 15, minimum=1, maximum=365)
ESCALATION_RED_DAYS = env.env_int("TISHENG_ESCALATION_RED_DAYS", 15, minimum=1, maximum=365)

# Map (tisheng.web.maps): no internet tiles by default (deployments are often offline): the schools are
# drawn on a plain background; a tile server's URL template ({z}/{x}/{y}) and its attribution add a base map
MAP_TILE_URL = env.env_str("TISHENG_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env.env_str("TISHENG_MAP_TILE_ATTRIBUTION", "")

# Public disclosure (公示, /public/, no sign-in): a figure resting on fewer persons than this (its
# denominator, or the group it counts) is not published (tisheng.reports.public); never below an
# indicator's own min_group
PUBLIC_MIN_GROUP = env.env_int("TISHENG_PUBLIC_MIN_GROUP", 10, minimum=1, maximum=1000)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "tisheng": {"handlers": ["console"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
    },
}
