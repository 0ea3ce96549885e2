"""Generate the deterministic demo district: 银川市西夏区 at its real scale, from a seed.

    from tisheng.demo.generator import generate
    summary = generate(2025)               # into an empty database
    summary = generate(2025, reset=True)   # wipe the organisation data first

The same seed gives the same rows, byte for byte (apart from ids and timestamps; see
:mod:`tisheng.demo.canonical`). The published 2025 figures of PLAN.md hold for every seed; the seed
changes where things are and how students are distributed. The whole run is one transaction, and
every row is written with an audit record attributed to ``system``.

How to add a step
-----------------
A later issue adds its facts (teachers, fitness tests, plan progress …) without touching the existing
steps:

1. Write a function ``(ctx: DemoContext) -> None`` and register it with
   ``@step("teachers", order=70, title="教师")`` (``tisheng.demo.registry.step``). Steps run in
   ``(order, name)`` order; the built-in ones use 10 district, 20 academic_years, 30 departments,
   40 schools, 50 groups, 60 enrolment, 90 accounts, so pick a free number after what you need.
2. Put it either in a new module of ``tisheng/demo/steps/`` (every module there is imported) or in
   a ``demo_steps.py`` module of your own app (found like ``admin.py``).
3. Use ``ctx.rng`` and nothing else for randomness: it is your step's own ``random.Random``, seeded from
   the seed and your step's name, so your step never shifts another step's numbers. Do not iterate
   over sets or unordered queries when drawing from it.
4. Read what earlier steps made from the context (``ctx.district``, ``ctx.towns``, ``ctx.schools`` by
   code, ``ctx.school(name)``, ``ctx.sections``, ``ctx.years``, ``ctx.departments``, ``ctx.facts``),
   write rows with ``bulk_create_audited`` (or ``.create()`` for models whose ``save()`` validates),
   and add what you made to ``ctx.counts`` (dotted English keys; give a Chinese label in
   ``COUNT_LABELS`` to show it in the summary).
5. Extend the tests in ``tests/demo/``: the determinism and audit tests cover your rows automatically.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.module_loading import autodiscover_modules

from tisheng.core.audit import acting_as
from tisheng.core.choices import ChangeSource
from tisheng.core.models import ChangeRecord, District, User
from tisheng.demo import steps as builtin_steps
from tisheng.demo.data import DEMO_PASSWORD, DISTRICT_NAME, LAST_YEAR
from tisheng.demo.registry import (
    STEPS,
    DemoAccount,
    DemoContext,
    DemoDataExists,
    DemoError,
    Step,
    ordered_steps,
    step,
)

__all__ = [
    "COUNT_LABELS",
    "STEPS",
    "DemoAccount",
    "DemoContext",
    "DemoDataExists",
    "DemoError",
    "DemoSummary",
    "Step",
    "clear_demo_data",
    "format_summary",
    "generate",
    "load_steps",
    "step",
]

DEFAULT_SEED = 2025

#: Chinese labels of the counts shown in the summary, in display order.
COUNT_LABELS: dict[str, str] = {
    "towns": "乡镇（街道）",
    "academic_years": "学年",
    "departments": "责任单位",
    "plan.tasks": "行动方案任务",
    "plan.commitments": "行动方案承诺",
    "plan.progress_reports": "各单位季度进度报告",
    "schools": "学校（含幼儿园）",
    "schools.compulsory": "义务教育学校",
    "schools.junior": "初中",
    "schools.junior.city_or_region": "其中区市属初中",
    "schools.primary": "小学",
    "schools.nine_year": "九年一贯制学校",
    "schools.special": "特殊教育学校",
    "schools.senior": "普通高中",
    "schools.kindergarten": "幼儿园",
    "kindergartens.puhui": "其中普惠性幼儿园",
    "sections": "学段（学部）",
    "groups.large_district": "大学区",
    "groups.education_group": "教育集团",
    "memberships": "成员关系",
    "classes": "班级（五个学年）",
    f"classes.{LAST_YEAR}": f"{LAST_YEAR}学年班级",
    f"students.{LAST_YEAR}.primary": f"{LAST_YEAR}学年小学在校生",
    f"students.{LAST_YEAR}.junior": f"{LAST_YEAR}学年初中在校生",
    f"students.{LAST_YEAR}.compulsory": f"{LAST_YEAR}学年义务教育在校生",
    f"students.{LAST_YEAR}.grade_11": f"{LAST_YEAR}学年一年级",
    f"students.{LAST_YEAR}.grade_21": f"{LAST_YEAR}学年七年级",
    f"students.{LAST_YEAR}.preschool": f"{LAST_YEAR}学年在园幼儿",
    f"students.{LAST_YEAR}.senior": f"{LAST_YEAR}学年普通高中在校生",
    "users": "演示账号",
    "change_records": "变更记录",
}


@dataclass
class DemoSummary:
    """What :func:`generate` made: the seed, counts by dotted key, and the demo accounts."""

    seed: int
    counts: dict[str, int]
    accounts: list[DemoAccount]


def load_steps() -> list[Step]:
    """Import every step module (this package's ``steps`` and each app's ``demo_steps``); the steps in
    run order."""
    for module in sorted(pkgutil.iter_modules(builtin_steps.__path__), key=lambda m: m.name):
        importlib.import_module(f"{builtin_steps.__name__}.{module.name}")
    autodiscover_modules("demo_steps")
    return ordered_steps()


def _reset_models() -> list[type[models.Model]]:
    """The models whose rows a reset deletes: every model of the tisheng apps (the organisation, its
    facts and audit trail, users and tokens), plus the admin log and sessions that point at users."""
    found: list[type[models.Model]] = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("tisheng."):
            found.extend(app_config.get_models(include_auto_created=True))
    for app_name, label in (
        ("django.contrib.admin", "admin.LogEntry"),
        ("django.contrib.sessions", "sessions.Session"),
    ):
        if apps.is_installed(app_name):
            found.append(apps.get_model(label))
    return [m for m in found if m._meta.managed and not m._meta.proxy]


def clear_demo_data() -> None:
    """Delete every row of the organisation data (see ``_reset_models``) and restart their id
    sequences. Raw deletes: no audit records are written for rows whose audit trail goes too."""
    tables = sorted({model._meta.db_table for model in _reset_models()})
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    with transaction.atomic():
        connection.ops.execute_sql_flush(statements)


def _existing_data() -> str | None:
    district = District.objects.order_by("code").first()
    if district is not None:
        return f"已有区“{district.full_name}”"
    if User.objects.exists():
        return f"已有{User.objects.count()}个用户"
    return None


def generate(
    seed: int = DEFAULT_SEED, *, reset: bool = False, progress: Callable[[str], None] | None = None
) -> DemoSummary:
    """Generate the demo district from ``seed`` in one transaction.

    Raises :class:`DemoDataExists` when the database already holds a district (or users) and
    ``reset`` is false; with ``reset`` the existing organisation data is deleted first, in the same
    transaction.
    """
    report = progress or (lambda message: None)
    run = load_steps()
    with transaction.atomic(), acting_as(None, ChangeSource.SYSTEM):
        existing = _existing_data()
        if existing:
            if not reset:
                raise DemoDataExists(
                    f"数据库中已有数据（{existing}），生成演示数据会与之冲突；"
                    "请使用 --reset 清除现有数据后重新生成。"
                )
            report("清除现有数据…")
            clear_demo_data()
        records_before = ChangeRecord.objects.count()
        ctx = DemoContext(seed=seed, progress=report)
        for item in run:
            report(f"生成{item.title}…")
            ctx.rng = item.rng(seed)
            item.function(ctx)
        ctx.counts["change_records"] = ChangeRecord.objects.count() - records_before
    return DemoSummary(seed=seed, counts=dict(sorted(ctx.counts.items())), accounts=list(ctx.accounts))


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def format_summary(summary: DemoSummary) -> str:
    """The Chinese summary printed by ``generate_demo`` and ``tisheng demo``."""
    lines = [f"已生成演示区：{DISTRICT_NAME}（随机种子 {summary.seed}）", ""]
    shown = [(label, summary.counts[key]) for key, label in COUNT_LABELS.items() if key in summary.counts]
    label_width = max(_width(label) for label, _ in shown)
    lines += [f"  {_pad(label, label_width)}  {value:>8,}" for label, value in shown]
    lines += ["", f"演示账号（共用密码：{DEMO_PASSWORD}）："]
    header = ("角色", "用户名", "密码", "范围")
    rows = [header] + [(a.role_label, a.username, a.password, a.scope) for a in summary.accounts]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        lines.append(
            "  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        )
    return "\n".join(lines)
