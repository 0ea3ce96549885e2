"""The packaged checklists: loaded, validated, and every clause quoted verbatim from the plan's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plan.conftest import source_text
from tisheng.supervision.checklists import ChecklistError, checklists, load_checklist, load_folder

GOOD = """\
code: small
title: 小清单
source: 测试方案
items:
  - key: one
    text: 第一项
    clause: 原文一
"""


def write(tmp_path: Path, text: str, name: str = "small.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_two_plan_checklists_are_packaged() -> None:
    shipped = checklists()
    assert set(shipped) == {"task11-five-managements", "task13-teaching"}
    assert shipped["task13-teaching"].task == 13 and shipped["task11-five-managements"].task == 11
    assert len(shipped["task13-teaching"].items) == 11 and len(shipped["task11-five-managements"].items) == 9


def test_every_item_quotes_its_task_clause_verbatim() -> None:
    text = source_text()
    for checklist in checklists().values():
        task_line = next(line for line in text.splitlines() if line.startswith(f"{checklist.task}."))
        for item in checklist.items:
            assert item.clause in task_line, (checklist.code, item.key)


def test_the_five_managements_are_all_checked() -> None:
    texts = " ".join(i.text for i in checklists()["task11-five-managements"].items)
    for word in ("作业", "睡眠", "手机", "读物", "体质"):
        assert word in texts


def test_a_good_file_loads(tmp_path: Path) -> None:
    checklist = load_checklist(write(tmp_path, GOOD))
    assert (checklist.code, checklist.task, [i.key for i in checklist.items]) == ("small", None, ["one"])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace("code: small", "code: Small_1"), "code 必须由小写字母、数字和连字符组成"),
        (GOOD.replace("title: 小清单\n", ""), "title 必须是非空文字"),
        (GOOD.replace("    clause: 原文一\n", ""), "items 第1项 的 clause（方案原文） 必须是非空文字"),
        (GOOD + "  - key: one\n    text: 又一项\n    clause: 原文\n", "items 第2项 的 key “one”重复"),
        (GOOD.replace("items:", "owner: 教育局\nitems:"), "不认识的键：owner"),
        (GOOD.replace("source: 测试方案", "source: 测试方案\ntask: 零"), "task 必须是方案任务的编号"),
        ("code: small\ntitle: t\nsource: s\nitems: []\n", "items 必须是至少一项的列表"),
        ("code: [small\n", "第2行：不是有效的 YAML"),
        ("- 一项\n", "文件内容必须是一个映射"),
    ],
)
def test_errors_are_reported_in_chinese(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        load_checklist(write(tmp_path, text))
    assert any(problem in p for p in caught.value.problems), caught.value.problems
    assert "small.yaml" in str(caught.value)


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    text = "code: small\nitems:\n  - key: A\n    text: ''\n"
    with pytest.raises(ChecklistError) as caught:
        load_checklist(write(tmp_path, text))
    assert len(caught.value.problems) >= 4


def test_code_must_match_the_file_name(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="应与文件名"):
        load_checklist(write(tmp_path, GOOD, "other.yaml"))


def test_a_folder_loads_by_code(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    assert list(load_folder(tmp_path)) == ["small"]
