"""``tisheng supervision evaluate`` with the packaged evaluation systems."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import World
from tests.supervision.conftest import run_of, school_value
from tests.test_cli import run
from tisheng.core.models import ChangeRecord, School
from tisheng.indicators.models import IndicatorRun
from tisheng.supervision.evaluation import systems
from tisheng.supervision.models import EvaluationResult


def full_marks(run: IndicatorRun, school: School, dimensions: set[str] | None = None) -> None:
    """A value earning full marks for every leaf of the school system (or of the named dimensions)."""
    for dimension, leaf in systems()["school-quality"].leaves():
        if dimensions is not None and dimension.key not in dimensions:
            continue
        value = leaf.rule.high if leaf.rule.kind == "linear" else Decimal(100)
        school_value(run, leaf.indicator, school, value, None, met=True, value=value, rows=200)


def test_evaluate_needs_a_current_computation(capsys: pytest.CaptureFixture[str], world: World) -> None:
    code, _out, err = run(capsys, "supervision", "evaluate", "--year", "2025")
    assert code == 1 and "还没有当前的指标计算结果" in err


def test_evaluate_the_year(capsys: pytest.CaptureFixture[str], world: World) -> None:
    values = run_of(world.year)
    full_marks(values, world.school_a)  # every leaf: 100, coverage 100 → A 优秀
    full_marks(values, world.school_b, {"students"})  # 学生发展 only: coverage 25% < 70 → no band
    code, out, err = run(capsys, "supervision", "evaluate", "--year", "2025")
    assert code == 0, err
    assert "中小学办学质量评价：新建 3，更新 0，未变 0；其中数据不足未评等级 2" in out
    assert "幼儿园保育教育质量评估：新建 1，更新 0，未变 0；其中数据不足未评等级 1" in out
    a = EvaluationResult.objects.get(school=world.school_a)
    assert (a.total, a.coverage, a.band_name) == (Decimal("100.00"), Decimal("100.00"), "A 优秀")
    assert [d["score"] for d in a.dimensions] == ["100.00"] * 5
    b = EvaluationResult.objects.get(school=world.school_b)
    assert (b.total, b.coverage, b.band) == (Decimal("100.00"), Decimal("25.00"), "")
    kindergarten = EvaluationResult.objects.get(school=world.kindergarten)
    assert kindergarten.system == "kindergarten-quality"
    assert (kindergarten.total, kindergarten.coverage, kindergarten.band) == (None, Decimal("0.00"), "")
    assert {r.source for r in ChangeRecord.objects.filter(content_type__model="evaluationresult")} == {"cli"}
    code, out, err = run(capsys, "supervision", "evaluate", "--year", "2025")
    assert "中小学办学质量评价：新建 0，更新 0，未变 3" in out
    assert EvaluationResult.objects.count() == 4
