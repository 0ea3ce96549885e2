"""Typed readers for settings that come from the environment.

Every helper fails loudly: a malformed value raises ``ImproperlyConfigured`` with a message in Chinese
(and the variable name) instead of silently falling back to a default.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "是"}
_FALSE = {"0", "false", "no", "off", "否", ""}

#: Every environment variable the platform reads, with its meaning. A test checks that the settings
#: read nothing undocumented and that docs/deployment.md lists every entry.
DOCUMENTED: dict[str, str] = {
    "DATABASE_URL": (
        "数据库地址：sqlite:///路径 或 postgres://用户@主机:端口/库名；缺省为数据目录下的 SQLite 文件"
    ),
    "TISHENG_DATA_DIR": "数据目录（SQLite 文件、密钥文件、上传文件）；缺省为项目根目录下的 var/",
    "TISHENG_SECRET_KEY": "Django 密钥（至少 32 个字符）；与 TISHENG_SECRET_KEY_FILE 二选一",
    "TISHENG_SECRET_KEY_FILE": "存放 Django 密钥的文件；都未设置时在数据目录生成 secret_key 文件（权限 600）",
    "TISHENG_DEBUG": "调试模式（true/false），缺省关闭",
    "TISHENG_ALLOWED_HOSTS": "允许的主机名，逗号分隔；缺省 127.0.0.1,localhost",
    "TISHENG_HTTPS": "站点经 HTTPS 提供时设为 true：安全 Cookie、HSTS、HTTP 跳转到 HTTPS",
    "TISHENG_LANGUAGE": "界面缺省语言：zh-hans（缺省）或 en",
    "TISHENG_LOGIN_MAX_FAILURES": "同一账号或同一地址在锁定窗口内允许的登录失败次数，缺省 5",
    "TISHENG_LOGIN_LOCK_MINUTES": "登录失败锁定窗口（分钟），缺省 15",
    "TISHENG_SESSION_HOURS": "会话有效期（小时），缺省 8",
    "TISHENG_SQLITE_TIMEOUT": "SQLite 忙等待超时（秒），缺省 20",
    "TISHENG_INDICATOR_BACKEND": "指标计算后端：duckdb（缺省，内嵌）或 pyspark（需安装 PySpark 与 Java 17）",
    "TISHENG_RECOMPUTE_ON_APPROVAL": "数据审核通过后是否在后台重新计算该学年的指标（true/false），缺省开启",
    "TISHENG_THRESHOLD_OVERRIDES": (
        '省级实施细则收紧的阈值，JSON：{"指标编号": ">= 90"} 或 {"指标编号": {"primary": ">= 4.5"}}；缺省为国家标准'
    ),
    "TISHENG_MYOPIA_SE_INCLUSIVE": (
        "筛查性近视的等效球镜界值：true（缺省）为 SE ≤ −0.50 D（适宜技术指南），false 为 SE < −0.50 D（WS/T 663，未核实）"
    ),
    "TISHENG_TRAJECTORY_POINTS": "按趋势研判规划目标时，用最近几个有数据的年份做最小二乘外推（1–10），缺省 3",
    "TISHENG_TRAJECTORY_TOLERANCE_PP": (
        "按趋势研判时百分比目标的容差（百分点，≥ 0）：预计值差距不超过它为黄、超过为红，缺省 2.0"
    ),
    "TISHENG_TRAJECTORY_TOLERANCE_SHARE": "按趋势研判非百分比目标（如多少所、多少人）时的容差，占目标值的比例（0–1），缺省 0.05",
    "TISHENG_PAGE_CACHE_SECONDS": "仪表盘页面主体按用户范围和数据版本缓存的秒数（0 关闭缓存，最长 7 天）；数据一有变动即不再使用旧缓存，缺省 120",
    "TISHENG_REPORT_DUE_DAYS": "各牵头单位的季度进度报告在季度结束后几天内提交（0–90），逾期即标为逾期，缺省 15",
    "TISHENG_REPORTS_FROM": "从哪一天起要求提交进度报告（YYYY-MM-DD）；缺省为行动方案第一年的 1 月 1 日",
    "TISHENG_ESCALATION_NOTICE_DAYS": "整改期限过后再宽限几天仍未提交整改材料即通报（0–365），缺省 0（期限次日）",
    "TISHENG_ESCALATION_TALK_DAYS": "通报后多少天仍未提交整改材料即约谈（1–365），缺省 15",
    "TISHENG_ESCALATION_RED_DAYS": "约谈后多少天仍未提交整改材料即亮红灯（1–365），缺省 15",
    "TISHENG_PUBLIC_MIN_GROUP": "公示页（/public/，无需登录）不予公示的小样本界限：分母或所计人群少于此人数的数值不公示（1–1000），缺省 10",
    "TISHENG_MAP_TILE_URL": (
        "地图底图瓦片地址模板（含 {z}、{x}、{y}，如内网瓦片服务 https://tiles.example/{z}/{x}/{y}.png）；缺省不加载任何底图（离线可用）"
    ),
    "TISHENG_MAP_TILE_ATTRIBUTION": "地图底图的版权说明，显示在地图右下角；仅在设置了 TISHENG_MAP_TILE_URL 时使用",
}


def _raw(name: str) -> str | None:
    if name not in DOCUMENTED:
        raise ImproperlyConfigured(f"未登记的环境变量 {name}：请先在 tisheng.config.env.DOCUMENTED 中说明它")
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None) -> str:
    """A string setting; with no default, a missing variable is an error."""
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"缺少环境变量 {name}（{DOCUMENTED[name]}）")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name}={value!r} 不是布尔值：请写 true 或 false")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name}={value!r} 不是整数") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"环境变量 {name}={number} 小于允许的最小值 {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"环境变量 {name}={number} 大于允许的最大值 {maximum}")
    return number


def env_decimal(
    name: str, default: Decimal, *, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    """A decimal number setting (exact: no float rounding)."""
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(f"环境变量 {name}={value!r} 不是数字") from None
    if not number.is_finite():
        raise ImproperlyConfigured(f"环境变量 {name}={value!r} 不是有限的数字")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"环境变量 {name}={number} 小于允许的最小值 {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"环境变量 {name}={number} 大于允许的最大值 {maximum}")
    return number


def env_date(name: str) -> dt.date | None:
    """An optional date setting, written YYYY-MM-DD (none when unset)."""
    value = _raw(name)
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name}={value!r} 不是日期（请写成 YYYY-MM-DD）") from None


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"环境变量 {name}={value!r} 无效：只能是 {' / '.join(choices)}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_json(name: str, default: dict[str, object]) -> dict[str, object]:
    """A JSON object setting."""
    value = _raw(name)
    if value is None or value == "":
        return dict(default)
    try:
        loaded = json.loads(value)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(
            f"环境变量 {name} 不是有效的 JSON：{exc.msg}（第 {exc.colno} 个字符）"
        ) from None
    if not isinstance(loaded, dict):
        raise ImproperlyConfigured(f'环境变量 {name} 应为 JSON 对象，例如 {{"指标编号": ">= 90"}}')
    return loaded


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    return Path(value).expanduser().resolve() if value else default


def database_url(default_sqlite: Path) -> str:
    """``DATABASE_URL`` checked for a scheme we support; the default is a SQLite file."""
    url = _raw("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} 无法识别：请写 sqlite:///文件路径 或 postgres://用户@主机:端口/库名"
        )
    return url


def secret_key(data_dir: Path) -> str:
    """The secret key: from the environment, from a named file, or generated once into the data folder."""
    direct = _raw("TISHENG_SECRET_KEY")
    if direct:
        if len(direct) < 32:
            raise ImproperlyConfigured("TISHENG_SECRET_KEY 太短：至少 32 个字符")
        return direct
    named = _raw("TISHENG_SECRET_KEY_FILE")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ImproperlyConfigured(f"TISHENG_SECRET_KEY_FILE 指向的文件不存在：{path}")
        key = path.read_text(encoding="utf-8").strip()
        if len(key) < 32:
            raise ImproperlyConfigured(f"密钥文件 {path} 中的密钥太短：至少 32 个字符")
        return key
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
