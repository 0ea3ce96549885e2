"""Inspection checklists (督导检查清单) as data: one YAML file per checklist in this folder.

A checklist file::

    code: task13-teaching            # stable id: lower-case letters, digits and hyphens
    title: 规范教学组织管理检查清单
    task: 13                         # the plan task whose clauses it checks (optional)
    source: 西夏区……实施方案第13项任务  # where the clauses come from
    items:
      - key: national-curriculum     # stable within the checklist, same spelling rule as code
        text: 开齐开足开好国家课程     # what the inspector checks
        clause: 严格按照国家课程方案……  # the clause of the source text, verbatim

:func:`load_checklist` reads and validates one file and raises :class:`ChecklistError` with every
problem (file and what is wrong, in Chinese); :func:`checklists` gives the packaged ones by code.
An inspection copies the items it used, so editing a checklist never rewrites a past inspection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

FOLDER = Path(__file__).parent
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TOP_KEYS = {"code", "title", "task", "source", "items"}
ITEM_KEYS = {"key", "text", "clause"}


class DataFileError(ValueError):
    """A data file of this app (a checklist, an evaluation system) that cannot be used; ``problems``
    lists every problem in Chinese. Subclasses name the kind of file (``KIND``)."""

    KIND = "数据文件"

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{self.KIND} {path} 有 {len(problems)} 处问题：" + "；".join(problems))


class ChecklistError(DataFileError):
    """A checklist file that cannot be used."""

    KIND = "检查清单"


def read_yaml(path: Path, error: type[DataFileError], loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> Any:
    """The YAML document of ``path`` (read with ``loader``, a SafeLoader); a file that cannot be read or
    parsed raises ``error`` naming the line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except OSError as exc:
        raise error(path, [f"无法读取文件：{exc.strerror or exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第{mark.line + 1}行：" if mark is not None else ""
        raise error(path, [f"{line}不是有效的 YAML"]) from None


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    text: str
    clause: str


@dataclass(frozen=True)
class Checklist:
    code: str
    title: str
    task: int | None
    source: str
    items: tuple[ChecklistItem, ...]

    def item(self, key: str) -> ChecklistItem:
        return next(i for i in self.items if i.key == key)


def _text(value: Any, where: str, problems: list[str], limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} 必须是非空文字")
        return ""
    if len(value.strip()) > limit:
        problems.append(f"{where} 不能超过 {limit} 个字")
    return value.strip()


def parse_checklist(data: Any, path: Path | str) -> Checklist:
    """Validate the parsed YAML of one checklist; every problem is reported together."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ChecklistError(path, ["文件内容必须是一个映射（code、title、source、items）"])
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        problems.append(f"不认识的键：{'、'.join(map(str, unknown))}")
    code = data.get("code")
    if not isinstance(code, str) or not KEY_PATTERN.match(code):
        problems.append("code 必须由小写字母、数字和连字符组成，例如 task13-teaching")
        code = ""
    title = _text(data.get("title"), "title", problems, 200)
    source = _text(data.get("source"), "source", problems, 300)
    task = data.get("task")
    if task is not None and (not isinstance(task, int) or isinstance(task, bool) or task < 1):
        problems.append("task 必须是方案任务的编号（正整数）")
        task = None
    raw_items = data.get("items")
    items: list[ChecklistItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("items 必须是至少一项的列表")
        raw_items = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_items, start=1):
        where = f"items 第{number}项"
        if not isinstance(raw, dict):
            problems.append(f"{where} 必须是映射（key、text、clause）")
            continue
        extra = sorted(set(raw) - ITEM_KEYS)
        if extra:
            problems.append(f"{where} 有不认识的键：{'、'.join(map(str, extra))}")
        key = raw.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problems.append(f"{where} 的 key 必须由小写字母、数字和连字符组成")
            key = ""
        elif key in seen:
            problems.append(f"{where} 的 key “{key}”重复")
        seen.add(key)
        text = _text(raw.get("text"), f"{where} 的 text", problems, 300)
        clause = _text(raw.get("clause"), f"{where} 的 clause（方案原文）", problems, 2000)
        items.append(ChecklistItem(key, text, clause))
    if problems:
        raise ChecklistError(path, problems)
    return Checklist(code, title, task, source, tuple(items))


def load_checklist(path: Path) -> Checklist:
    """Read and validate one checklist file."""
    data = read_yaml(path, ChecklistError)
    checklist = parse_checklist(data, path)
    if checklist.code != path.stem:
        raise ChecklistError(path, [f"code “{checklist.code}”应与文件名“{path.stem}”一致"])
    return checklist


def load_folder(folder: Path) -> dict[str, Checklist]:
    """Every ``*.yaml`` checklist of ``folder``, by code, in file-name order."""
    return {c.code: c for c in (load_checklist(p) for p in sorted(folder.glob("*.yaml")))}


@cache
def checklists() -> dict[str, Checklist]:
    """The packaged checklists, by code (read once per process)."""
    return load_folder(FOLDER)


def checklist_choices() -> list[tuple[str, str]]:
    return [(code, checklist.title) for code, checklist in checklists().items()]
