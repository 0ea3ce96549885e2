"""Same seed, same data; another seed, another distribution of the same published totals; reset."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from tests.demo.conftest import SEED, Demo
from tisheng.census.models import SchoolClass
from tisheng.core.models import ChangeRecord, District, School, User
from tisheng.demo import registry
from tisheng.demo.canonical import canonical_dump
from tisheng.demo.generator import DemoContext, DemoDataExists, clear_demo_data, generate, load_steps

#: the step that shares the published totals out into classes
ENROLMENT_ORDER = 60


def distribution() -> dict[tuple[int, str, int], int]:
    rows = SchoolClass.objects.values("academic_year__start_year", "section__school__code", "grade").annotate(
        n=Sum("student_count")
    )
    return {(r["academic_year__start_year"], r["section__school__code"], r["grade"]): r["n"] for r in rows}


def test_same_seed_reset_command_and_a_new_step_give_identical_data(demo: Demo) -> None:
    """One regeneration (the demo is slow to make), through the management command, shows four things:
    the same seed gives the same data; ``--reset`` replaces everything, edits included, leaving no update
    records; a new step's random numbers do not change the other steps' data (a step's generator depends
    on the seed and its name); and the command reports the published totals and the demo accounts.
    (Generating into an empty database without ``--reset`` is what the ``demo`` fixture itself does.)"""

    def draw(ctx: DemoContext) -> None:
        ctx.counts["extra.draws"] = sum(ctx.rng.randint(1, 6) for _ in range(1000))

    School.objects.filter(name="西夏区第一小学").update(phone="0951-0000000")
    registry.step("extra_step_for_test", order=45)(draw)
    out = io.StringIO()
    try:
        assert "extra_step_for_test" in [s.name for s in load_steps()]
        call_command("generate_demo", "--seed", str(SEED), "--reset", stdout=out)
    finally:
        registry.STEPS[:] = [s for s in registry.STEPS if s.name != "extra_step_for_test"]
    assert canonical_dump() == demo.dump
    assert not ChangeRecord.objects.filter(action="update").exists()
    text = out.getvalue()
    assert "已生成演示区：西夏区（随机种子 2025）" in text
    assert "42,795" in text and "29,637" in text and "13,158" in text
    for username in (a.username for a in demo.summary.accounts):
        assert username in text
    assert "Xixia-Demo-2025" in text and "区管理员" in text
    with pytest.raises(CommandError, match="请使用 --reset"):
        call_command("generate_demo", stdout=io.StringIO())


def test_other_seed_distributes_the_same_published_totals_differently(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The steps up to the classes and their students (the published totals' share-out) with another
    seed: the same totals, another distribution over schools and grades."""
    before = distribution()
    load_steps()
    monkeypatch.setattr(registry, "STEPS", [s for s in registry.STEPS if s.order <= ENROLMENT_ORDER])
    assert [s.name for s in load_steps()][-1] == "enrolment"
    summary = generate(SEED + 1, reset=True)
    after = distribution()
    assert after != before
    for key in (
        "students.2025.primary",
        "students.2025.junior",
        "students.2025.grade_11",
        "students.2025.grade_21",
        "schools.compulsory",
    ):
        assert summary.counts[key] == demo.summary.counts[key]
    assert School.objects.count() == demo.summary.counts["schools"]


def test_step_random_generators_depend_on_seed_and_name_only() -> None:
    steps = {s.name: s for s in load_steps()}
    assert list(steps)[:4] == ["district", "academic_years", "departments", "schools"]
    first = steps["enrolment"].rng(SEED).random()
    assert steps["enrolment"].rng(SEED).random() == first
    assert steps["schools"].rng(SEED).random() != first
    assert steps["enrolment"].rng(SEED + 1).random() != first
    assert random.Random(f"tisheng-demo:{SEED}:enrolment").random() == first


def test_existing_data_without_reset_is_refused(demo: Demo) -> None:
    with pytest.raises(DemoDataExists, match=r"数据库中已有数据.*请使用 --reset"):
        generate(SEED)
    assert District.objects.count() == 1


def test_users_alone_also_count_as_existing_data(demo: Demo) -> None:
    clear_demo_data()
    User.objects.create_user("someone", password="Another-Pass-2025", role="admin")
    with pytest.raises(DemoDataExists):
        generate(SEED)
