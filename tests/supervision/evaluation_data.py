"""Small explicit data of the evaluation tests: a tiny evaluation system whose scores are worked out by
hand in the tests, and stored indicator values for it (built by hand, never computed)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.conftest import World
from tests.supervision.conftest import run_of, school_value
from tisheng.core.models import School
from tisheng.indicators.models import IndicatorRun
from tisheng.supervision.evaluation import System, evaluate_year, load_system
from tisheng.supervision.models import EvaluationResult

TINY = """\
code: tiny
title: 测试办学质量评价
source: 测试用
school_types: [primary, junior, nine_year]
min_coverage: 60
bands:
  - {code: A, label: 优秀, min: 85}
  - {code: B, label: 良好, min: 75}
  - {code: C, label: 合格, min: 60}
  - {code: D, label: 待改进, min: 0}
dimensions:
  - key: teachers
    name: 教师发展
    weight: 40
    source: 测试用
    indicators:
      - {indicator: teachers.certified_rate, weight: 50, score: {from: 80, to: 100}}
      - {indicator: teachers.rotation_share, weight: 50, score: met}
  - key: students
    name: 学生发展
    weight: 60
    source: 测试用
    indicators:
      - {indicator: health.fitness_excellent_good_rate, weight: 75, score: {from: 30, to: 50}}
      - {indicator: class_size.large_share, weight: 25, score: {from: 30, to: 0}}
"""


def tiny_system(folder: Path, text: str = TINY) -> System:
    path = folder / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    return load_system(path)


def values_for(
    run: IndicatorRun,
    school: School,
    *,
    certified: int | None = 95,
    rotation_met: bool | None = True,
    fitness: int | None = 45,
    fitness_rows: int = 200,
    large: int | None = 6,
) -> None:
    """School values: 持证率 certified %, 交流轮岗 met, 优良率 fitness % (of fitness_rows students), 大班额 large %."""
    if certified is not None:
        school_value(run, "teachers.certified_rate", school, certified, 100, met=certified >= 100)
    if rotation_met is not None:
        school_value(run, "teachers.rotation_share", school, 3 if rotation_met else 1, 20, met=rotation_met)
    if fitness is not None:
        school_value(
            run,
            "health.fitness_excellent_good_rate",
            school,
            fitness * fitness_rows // 100,
            fitness_rows,
            rows=fitness_rows,
            met=fitness >= 50,
        )
    if large is not None:
        school_value(run, "class_size.large_share", school, large, 100, met=large <= 0)


def evaluated_world(world: World, folder: Path, **a_values: Any) -> dict[str, EvaluationResult]:
    """Values for A (80.75, B 良好 by hand), B (lower: 22.25, D) and C (higher: 100, A), evaluated for
    2025 under the tiny system; results by school letter."""
    run = run_of(world.year)
    values_for(run, world.school_a, **a_values)
    values_for(run, world.school_b, certified=85, rotation_met=False, fitness=35, large=18)
    values_for(run, world.school_c, certified=100, rotation_met=True, fitness=55, large=0)
    system = tiny_system(folder)
    evaluate_year(2025, {system.code: system})
    results = EvaluationResult.objects.filter(academic_year=world.year)
    by_school = {r.school_id: r for r in results}
    return {
        "a": by_school[world.school_a.pk],
        "b": by_school[world.school_b.pk],
        "c": by_school[world.school_c.pk],
    }


def evaluation_of_a(world: World, folder: Path | None = None) -> EvaluationResult:
    """School A's result (evaluated on first use in a test)."""
    existing = EvaluationResult.objects.filter(school=world.school_a).first()
    return existing or evaluated_world(world, folder or Path(tempfile.mkdtemp()))["a"]
