"""``tisheng plan check`` and ``tisheng plan load``: Chinese messages with lines on stderr and exit 1 for
a bad file (nothing loaded), a summary for a good one, and an idempotent reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import World
from tests.plan.conftest import OTHER, XIXIA
from tests.test_cli import run
from tisheng.cli import build_parser
from tisheng.core.models import ChangeRecord
from tisheng.plan.models import Commitment, Plan, Task


def test_plan_is_a_command_with_check_and_load(capsys: pytest.CaptureFixture[str]) -> None:
    assert "plan" in build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    code, out, _ = run(capsys, "plan", "--help")
    assert code == 0 and "check" in out and "load" in out


def test_check_a_good_file(capsys: pytest.CaptureFixture[str], db: None) -> None:
    code, out, err = run(capsys, "plan", "check", str(XIXIA))
    assert code == 0, err
    assert "检查通过" in out and "29 项任务" in out and "5 个工程" in out
    assert not Plan.objects.exists()  # check never writes


def test_check_a_bad_file(capsys: pytest.CaptureFixture[str], db: None, tmp_path: Path) -> None:
    text = OTHER.read_text(encoding="utf-8").replace("lead: [金凤区教育局]", "lead: [金凤区教委]", 1)
    path = tmp_path / "坏方案.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "金凤区教委" in row)
    code, out, err = run(capsys, "plan", "check", str(path))
    assert code == 1 and out == ""
    assert f"{path} 第{line}行 tasks[1].lead[1]：未声明的部门“金凤区教委”" in err
    assert "未导入任何内容" in err


def test_load_then_reload(capsys: pytest.CaptureFixture[str], world: World) -> None:
    before = ChangeRecord.objects.count()
    code, out, err = run(capsys, "plan", "load", str(XIXIA), "--user", "admin")
    assert code == 0, err
    assert "已导入：银川市西夏区基础教育质量提升行动实施方案（xixia-2021-2025）" in out
    assert Task.objects.count() == 29 and Commitment.objects.count() == 135
    records = ChangeRecord.objects.count()
    loaded = ChangeRecord.objects.order_by("pk")[before:]
    assert {(record.user_repr, record.source) for record in loaded} == {("admin", "cli")}
    code, out, err = run(capsys, "plan", "load", str(XIXIA))
    assert code == 0, err
    assert "新建 0 行，更新 0 行，删除 0 行" in out and "没有改动" in out
    assert ChangeRecord.objects.count() == records


def test_load_a_bad_file_loads_nothing(
    capsys: pytest.CaptureFixture[str], world: World, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        OTHER.read_text(encoding="utf-8").replace("project: 1\n", "project: 9\n", 1), encoding="utf-8"
    )
    code, _out, err = run(capsys, "plan", "load", str(path))
    assert code == 1
    assert "所属的工程 9 不存在" in err
    assert (
        not Plan.objects.exists() and not ChangeRecord.objects.filter(object_repr__contains="金凤").exists()
    )


def test_load_only_as_an_administrator(capsys: pytest.CaptureFixture[str], world: World) -> None:
    code, _out, err = run(capsys, "plan", "load", str(OTHER), "--user", "leader")
    assert code == 1 and "只有区管理员可以导入行动方案" in err
    assert not Plan.objects.exists()
