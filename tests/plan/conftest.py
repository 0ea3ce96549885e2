"""Helpers of the plan tests: the shipped 西夏区 plan file, the small second plan of ``data/``, and a way
to load a plan into the shared test world (whose district is 西夏区, with the departments 财政局 and
住建局)."""

from __future__ import annotations

from pathlib import Path

from tisheng.plan.loader import LoadResult, load_plan
from tisheng.plan.models import Plan
from tisheng.plan.planfile import read_plan_file, shipped_plans

DATA = Path(__file__).parent / "data"
XIXIA = next(p for p in shipped_plans() if p.name == "xixia-2021-2025.yaml")
OTHER = DATA / "other-plan.yaml"
#: The plan's source text (the copy kept with the demo tests), read independently of the plan file.
SOURCE = Path(__file__).parents[1] / "demo" / "data" / "xixia-2021-2025-basic-education-quality-plan.zh.txt"


def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


def load(path: Path) -> LoadResult:
    return load_plan(read_plan_file(path))


def small_plan() -> Plan:
    """The small second plan, loaded into the test database (once per test)."""
    existing = Plan.objects.filter(code="jinfeng-2023-2027").first()
    return existing or load(OTHER).plan
