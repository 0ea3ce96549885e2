"""Every department the plan names as 牵头/责任/配合单位 exists in the demo district."""

from __future__ import annotations

import re
from pathlib import Path

from tests.demo.conftest import Demo
from tisheng.core.models import Department
from tisheng.demo.data import DEPARTMENTS

#: A copy of the plan's source text (《银川市西夏区基础教育质量提升行动实施方案（征求意见稿）》).
PLAN_TEXT = Path(__file__).parent / "data" / "xixia-2021-2025-basic-education-quality-plan.zh.txt"

UNIT_LINE = re.compile(r"^(牵头单位|责任单位|配合单位)：(.+)$")

#: Names the text uses that are neither a department's name nor its short name, mapped to the
#: short name. The committee's 各成员单位 are its member departments: the committee is the unit.
ALIASES = {
    "市场监督管理局": "市场监管局",
    "人力资源和社会保障局": "人社局",
    "住房城乡建设和交通局": "住建局",
    "发展改革局": "发改局",
    "政府教育督导委员会": "督导委员会",
    "政府教育督导委员会各成员单位": "督导委员会",
}


def named_units() -> set[str]:
    names: set[str] = set()
    for line in PLAN_TEXT.read_text(encoding="utf-8").splitlines():
        match = UNIT_LINE.match(line.strip())
        if match:
            names.update(name.strip() for name in match.group(2).split("、") if name.strip())
    return names


def resolve(name: str, by_name: dict[str, str], by_short: set[str]) -> str | None:
    """The short name of the department the text means by ``name``, or None."""
    if name in by_short:
        return name
    if name in by_name:
        return by_name[name]
    alias = ALIASES.get(name)
    return alias if alias in by_short else None


def test_the_plan_text_names_the_departments_we_expect() -> None:
    names = named_units()
    assert len(names) >= 30
    assert {"教育局", "市场监管局", "市场监督管理局", "政府教育督导委员会", "编办"} <= names


def test_every_department_named_in_the_plan_exists(demo: Demo) -> None:
    departments = list(Department.objects.all())
    by_name = {d.name: d.short_name for d in departments}
    by_short = {d.short_name for d in departments}
    unresolved = sorted(name for name in named_units() if resolve(name, by_name, by_short) is None)
    assert unresolved == []


def test_market_regulation_is_one_department(demo: Demo) -> None:
    names = named_units()
    assert {"市场监管局", "市场监督管理局"} <= names
    assert Department.objects.filter(short_name="市场监管局").count() == 1
    assert Department.objects.get(name="市场监督管理局").short_name == "市场监管局"


def test_every_department_is_named_in_the_plan() -> None:
    """No invented department: each of ours is named in a 牵头/责任/配合单位 line."""
    names = named_units()
    resolved = {ALIASES.get(name, name) for name in names}
    for code, name, short, _kind in DEPARTMENTS:
        assert name in names or short in names or short in resolved, code


def test_department_table_is_consistent(demo: Demo) -> None:
    assert Department.objects.count() == len(DEPARTMENTS) == demo.summary.counts["departments"]
    codes = [code for code, *_ in DEPARTMENTS]
    assert len(set(codes)) == len(codes)
    assert Department.objects.order_by("sort_order").first().short_name == "教育局"  # type: ignore[union-attr]
