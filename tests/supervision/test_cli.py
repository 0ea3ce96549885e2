"""``tisheng supervision warnings`` and ``tisheng supervision escalate``."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.supervision.conftest import Inspected, run_of, school_value
from tests.test_cli import run
from tisheng.core.models import ChangeRecord
from tisheng.supervision.models import EscalationStep, Warning


def test_warnings_need_a_current_computation(capsys: pytest.CaptureFixture[str], world: World) -> None:
    code, _out, err = run(capsys, "supervision", "warnings", "--year", "2025")
    assert code == 1 and "还没有当前的指标计算结果" in err


def test_warnings_from_the_current_values(capsys: pytest.CaptureFixture[str], world: World) -> None:
    values = run_of(world.year)
    school_value(values, "class_size.super_large_share", world.school_a, 1, 20)
    code, out, err = run(capsys, "supervision", "warnings", "--year", "2025")
    assert code == 0, err
    assert "新建 4 条" in out
    assert "超大班额（66人及以上）：新建 1，更新 0" in out and "数据缺报：新建 3，更新 0" in out
    assert Warning.objects.count() == 4  # 超大班额 at A; no fitness data at A, B and C
    code, out, err = run(capsys, "supervision", "warnings", "--year", "2025")
    assert "新建 0 条，更新 4 条" in out
    assert Warning.objects.count() == 4
    assert {r.source for r in ChangeRecord.objects.filter(content_type__model="warning")} == {"cli"}


def test_escalate_on_a_given_day(capsys: pytest.CaptureFixture[str], inspected: Inspected) -> None:
    code, out, err = run(capsys, "supervision", "escalate", "--today", "2025-11-01")
    assert code == 0, err
    assert "执行 2 项" in out and "予以通报" in out
    code, out, err = run(capsys, "supervision", "escalate", "--today", "2025-11-01")
    assert "执行 0 项" in out
    assert EscalationStep.objects.count() == 2
    code, out, err = run(capsys, "supervision", "escalate", "--today", "11/01/2025")
    assert code == 1 and "YYYY-MM-DD" in err
