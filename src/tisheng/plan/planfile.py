"""The plan file (行动方案文件): a YAML document, its schema, and the checks a file must pass before it
is loaded (docs/plan-format.md describes the format for authors).

:func:`read_plan_file` parses a file with PyYAML's composer, so every value keeps the line it was written
on; it checks the file against :data:`PLAN_SCHEMA` (unknown keys, missing fields, wrong types, values
outside their choices) and then the rules across entries (duplicate numbers, a task naming an unknown
工程 or an undeclared department, an indicator id the catalogue does not have, a clause that is not in
its goal's or task's text …). All problems are collected; any problem makes the file unusable and
nothing is loaded. Messages are in Chinese, and each names the file, the line and the key path (list
items are counted from 1: ``tasks[3]`` is the third task) and says what to do.

This module does not touch the database: ``tisheng plan check`` runs it alone. Matching departments and
the district to the organisation is the loader's part (:mod:`tisheng.plan.loader`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from tisheng.census.choices import ActivityKind
from tisheng.core.choices import DepartmentKind
from tisheng.indicators.catalogue import catalogue
from tisheng.plan import choices as c

FORMAT_VERSION = 1
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- problems -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan file: where (file, line, key path) and what to do about it."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} 第{self.line}行"
        return f"{where} {self.key}：{self.message}" if self.key else f"{where}：{self.message}"


class PlanFileError(Exception):
    """A plan file that cannot be loaded, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- the schema ---------------------------------------------------------------------------------------

TYPE_LABELS = {
    "text": "文字",
    "code": "编码（小写字母、数字、连字符）",
    "int": "整数",
    "number": "数值",
    "year": "年份（如 2025）",
    "year_or_date": "年份（如 2025）或日期（如 2025-08-31）",
    "list": "列表",
    "map": "键值表",
    "names": "名称列表（如 [教育局, 财政局]）",
}


@dataclass(frozen=True)
class Spec:
    """What one key of a plan file holds: its type, whether it must be there, what it means (Chinese,
    shown in messages and docs/plan-format.md), its allowed values, and for a map or a list its parts."""

    type: str
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    fields: dict[str, Spec] = field(default_factory=dict)
    item: Spec | None = None


def text(help_text: str, required: bool = False) -> Spec:
    return Spec("text", help_text, required)


def choice(help_text: str, values: list[str], required: bool = False) -> Spec:
    return Spec("text", help_text, required, choices=tuple(values))


BASELINE = Spec(
    "map",
    "基线：某年的已知值",
    fields={"year": Spec("year", "基线年份", True), "value": Spec("number", "基线值", True)},
)
PART = Spec(
    "map",
    "按地点分列的数量",
    fields={"name": text("地点（学校）名称", True), "count": Spec("int", "该处的数量", True)},
)
SCHOOL = Spec(
    "map",
    "项目点名的学校",
    fields={
        "name": text("学校名称", True),
        "action": choice(
            "对这所学校做什么：new 新建，expansion 改扩建，partnership 合作共建", c.SchoolAction.values, True
        ),
    },
)
MILESTONE = Spec(
    "map",
    "项目节点",
    fields={
        "stage": choice(
            "节点：approved 立项，started 开工，structure_done 主体完工，in_use 投用",
            c.MilestoneStage.values,
            True,
        ),
        "planned": Spec("year_or_date", "计划年份或日期（原文给出时才写）"),
    },
)

#: The keys of a commitment; which of them a commitment may or must have depends on its kind.
COMMITMENT = Spec(
    "map",
    "承诺",
    fields={
        "key": Spec("code", "承诺编号：方案内唯一，重新导入时据此更新", True),
        "kind": choice(
            "类别：indicator 指标目标，count 数量目标，project 项目，recurring 常规工作，qualitative 定性承诺",
            c.CommitmentKind.values,
            True,
        ),
        "title": text("简短的标题", True),
        "clause": text("摘自原文的条款（须一字不差地出现在所属目标或任务的正文中）", True),
        "deadline": Spec("year", "完成年份"),
        "indicator": text("指标目录中的指标编号"),
        "stage": choice("学段（指标按学段计算时）", ["preschool", "primary", "junior", "senior"]),
        "breakdown": text("指标的分列键，如 level=region"),
        "comparator": choice(
            "比较方式：>= 不低于，<= 不高于，= 等于，falls_every_year 逐年下降", c.Comparator.values
        ),
        "target": Spec("number", "目标值（指标目标）或目标数量（数量目标、项目的学校数）"),
        "baseline": BASELINE,
        "counts": text("数量目标数的是什么（登记册或说明）"),
        "parts": Spec("list", "按地点分列的数量（合计须等于 target）", item=PART),
        "project": text("项目名称"),
        "places": Spec("int", "计划新增学位数"),
        "schools": Spec("list", "项目点名的学校", item=SCHOOL),
        "milestones": Spec("list", "项目节点", item=MILESTONE),
        "activity": text("常规工作做什么"),
        "frequency": choice(
            "频次：semester 每学期，year 每年（学年），month 每月，named_weeks 指定的周", c.Frequency.values
        ),
        "times": Spec("int", "每个周期至少几次"),
        "who": text("由谁做"),
        "months": Spec("list", "指定周所在的月份（1—12）", item=Spec("int", "月份")),
        "week": Spec("int", "指定周是当月的第几周"),
        "activity_kind": choice("活动记录的类别（据此核对常规工作）", ActivityKind.values),
        "since": Spec("year", "自哪一年起"),
    },
)
COMMITMENTS = Spec("list", "承诺", item=COMMITMENT)

#: For each kind: the keys it must have and the further keys it may have (beyond the common four).
COMMON_KEYS = {"key", "kind", "title", "clause", "deadline"}
KIND_KEYS: dict[str, tuple[set[str], set[str]]] = {
    c.CommitmentKind.INDICATOR: ({"indicator", "comparator"}, {"target", "stage", "breakdown", "baseline"}),
    c.CommitmentKind.COUNT: ({"counts", "target"}, {"indicator", "stage", "breakdown", "parts"}),
    c.CommitmentKind.PROJECT: ({"project"}, {"target", "places", "schools", "milestones"}),
    c.CommitmentKind.RECURRING: (
        {"activity", "frequency", "who"},
        {"times", "months", "week", "activity_kind", "indicator", "since"},
    ),
    c.CommitmentKind.QUALITATIVE: (set(), set()),
}

DEPARTMENT = Spec(
    "map",
    "部门",
    fields={
        "name": text("部门名称（原文的写法）", True),
        "short_name": text("简称（缺省同 name）"),
        "aliases": Spec("names", "原文中指同一部门的其他写法"),
        "kind": choice(
            "类别：party 党委部门，government 政府部门，education 教育局，mass 群团组织，committee 议事协调机构",
            DepartmentKind.values,
            True,
        ),
        "code": Spec("code", "新建部门时使用的编码（缺省自动生成）"),
    },
)
GOAL = Spec(
    "map",
    "工作目标",
    fields={
        "number": Spec("int", "目标序号", True),
        "title": text("标题", True),
        "text": text("正文（原文）", True),
        "commitments": COMMITMENTS,
    },
)
PROJECT = Spec(
    "map",
    "工程",
    fields={"number": Spec("int", "工程序号", True), "title": text("工程名称", True)},
)
TASK = Spec(
    "map",
    "任务",
    fields={
        "number": Spec("int", "任务编号", True),
        "project": Spec("int", "所属工程的序号", True),
        "title": text("标题", True),
        "text": text("条款正文（原文）", True),
        "lead": Spec("names", "牵头单位", True),
        "responsible": Spec("names", "责任单位"),
        "cooperating": Spec("names", "配合单位"),
        "commitments": COMMITMENTS,
    },
)
PLAN_SCHEMA = Spec(
    "map",
    "行动方案",
    fields={
        "format": Spec("int", f"文件格式版本，目前为 {FORMAT_VERSION}", True),
        "code": Spec("code", "方案编码，如 xixia-2021-2025", True),
        "name": text("方案名称", True),
        "source": text("来源文件的标题", True),
        "summary": text("总体要求（原文）"),
        "implementation": text("组织实施（原文）：方案整体的承诺从这里摘录条款"),
        "district": Spec(
            "map",
            "方案所属的区县",
            True,
            fields={
                "code": text('区县行政区划代码（加引号，如 "640105"）', True),
                "name": text("区县名称", True),
                "city": text("所属市", True),
                "province": text("所属省（自治区）", True),
            },
        ),
        "period": Spec(
            "map",
            "方案期",
            True,
            fields={"start": Spec("year", "起始年份", True), "end": Spec("year", "结束年份", True)},
        ),
        "departments": Spec("list", "方案提到的部门", True, item=DEPARTMENT),
        "goals": Spec("list", "工作目标", True, item=GOAL),
        "projects": Spec("list", "工程", True, item=PROJECT),
        "tasks": Spec("list", "任务", True, item=TASK),
        "commitments": Spec("list", "方案整体的承诺（组织实施等，不属于某个目标或任务）", item=COMMITMENT),
    },
)


# --- what a checked file gives the loader ------------------------------------------------------------


@dataclass
class DepartmentData:
    name: str
    short_name: str
    aliases: list[str]
    kind: str
    code: str
    line: int

    @property
    def names(self) -> list[str]:
        return [self.name, self.short_name, *self.aliases]


@dataclass
class CommitmentData:
    """A commitment as model column values (see :class:`tisheng.plan.models.Commitment`)."""

    key: str
    values: dict[str, Any]
    milestones: list[dict[str, Any]]
    line: int = 0


@dataclass
class TaskData:
    number: int
    project: int
    title: str
    text: str
    #: (role, name as the text writes it), in the text's order: leads first
    departments: list[tuple[str, str]]
    commitments: list[CommitmentData]
    line: int = 0


@dataclass
class GoalData:
    number: int
    title: str
    text: str
    commitments: list[CommitmentData]
    line: int = 0


@dataclass
class PlanData:
    """A checked plan file."""

    path: str
    code: str
    name: str
    source: str
    summary: str
    implementation: str
    district: dict[str, str]
    start_year: int
    end_year: int
    departments: list[DepartmentData]
    goals: list[GoalData]
    projects: list[tuple[int, str]]
    tasks: list[TaskData]
    commitments: list[CommitmentData]  # the plan's own (组织实施)

    def department_for(self, name: str) -> DepartmentData:
        for department in self.departments:
            if name in department.names:
                return department
        raise KeyError(name)

    def all_commitments(self) -> list[CommitmentData]:
        found = [cm for goal in self.goals for cm in goal.commitments]
        found += [cm for task in self.tasks for cm in task.commitments]
        return found + self.commitments


# --- reading ------------------------------------------------------------------------------------------


class _Reader:
    """Checks the composed YAML nodes against the schema, collecting problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")

    def problem(self, node: yaml.Node | int, key: str, message: str) -> None:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        self.problems.append(Problem(self.file, line, key, message))

    # values --------------------------------------------------------------------------------------------

    def scalar(self, node: yaml.Node) -> Any:
        return self.constructor.construct_object(node, deep=True)

    def check(self, node: yaml.Node, spec: Spec, key: str) -> Any:
        """The value of ``node`` as ``spec`` says, or None (with a problem noted) when it is not."""
        if spec.type == "map":
            return self.mapping(node, spec, key)
        if spec.type == "list":
            return self.sequence(node, spec, key)
        if spec.type == "names":
            return self.names(node, key)
        if not isinstance(node, yaml.ScalarNode):
            return self.wrong_type(
                node, spec, key, "列表" if isinstance(node, yaml.SequenceNode) else "键值表"
            )
        value = self.scalar(node)
        checker = SCALAR_CHECKS[spec.type]
        result = checker(value)
        if result is None:
            return self.wrong_type(node, spec, key, describe(value))
        if spec.choices and result not in spec.choices:
            close = difflib.get_close_matches(str(result), spec.choices, n=1)
            hint = f"（是否想写“{close[0]}”？）" if close else ""
            self.problem(
                node,
                key,
                f"“{result}”不是可用的取值{hint}：请改为 {'、'.join(spec.choices)} 之一。",
            )
            return None
        return result

    def wrong_type(self, node: yaml.Node, spec: Spec, key: str, actual: str) -> None:
        extra = (
            "（编码若是纯数字，请加引号）"
            if spec.type in ("text", "code") and actual in ("整数", "数值")
            else ""
        )
        self.problem(
            node, key, f"应为{TYPE_LABELS[spec.type]}（{spec.help}），这里是{actual}：请改正{extra}。"
        )
        return None

    def mapping(self, node: yaml.Node, spec: Spec, key: str) -> dict[str, Any] | None:
        if not isinstance(node, yaml.MappingNode):
            actual = "列表" if isinstance(node, yaml.SequenceNode) else describe(self.scalar(node))
            return self.wrong_type(node, spec, key, actual)
        result: dict[str, Any] = {"__line__": node.start_mark.line + 1, "__lines__": {}}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            path = join(key, str(name))
            if not isinstance(name, str):
                self.problem(key_node, key, f"键应为文字，这里是{describe(name)}：请改正。")
                continue
            if name in seen:
                self.problem(key_node, path, f"键“{name}”重复（第{seen[name]}行已有）：请删去其中一个。")
                continue
            seen[name] = key_node.start_mark.line + 1
            if name not in spec.fields:
                close = difflib.get_close_matches(name, spec.fields, n=1)
                hint = f"是否想写“{close[0]}”？" if close else ""
                self.problem(
                    key_node,
                    path,
                    f"未知的键“{name}”。{hint}{spec.help}可用的键：{'、'.join(spec.fields)}；请改正拼写或删去它。",
                )
                continue
            result["__lines__"][name] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode) and self.scalar(value_node) is None:
                continue  # an empty value is as if the key were not there
            value = self.check(value_node, spec.fields[name], path)
            if value is not None:
                result[name] = value
            else:
                result.setdefault("__invalid__", set()).add(name)
        for name, field_spec in spec.fields.items():
            if field_spec.required and name not in result and name not in result.get("__invalid__", ()):
                self.problem(node, join(key, name), f"缺少必填项“{name}”（{field_spec.help}）：请补上。")
        return result

    def sequence(self, node: yaml.Node, spec: Spec, key: str) -> list[Any] | None:
        if not isinstance(node, yaml.SequenceNode):
            actual = "键值表" if isinstance(node, yaml.MappingNode) else describe(self.scalar(node))
            return self.wrong_type(node, spec, key, actual)
        assert spec.item is not None
        items = []
        for index, item_node in enumerate(node.value, start=1):
            value = self.check(item_node, spec.item, f"{key}[{index}]")
            items.append(value)
        return items

    def names(self, node: yaml.Node, key: str) -> list[tuple[str, int]] | None:
        spec = Spec("names", "名称列表")
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            if isinstance(value, str) and value.strip():
                return [(value.strip(), node.start_mark.line + 1)]
            return self.wrong_type(node, spec, key, describe(value))
        if not isinstance(node, yaml.SequenceNode):
            return self.wrong_type(node, spec, key, "键值表")
        names = []
        for index, item in enumerate(node.value, start=1):
            value = self.scalar(item) if isinstance(item, yaml.ScalarNode) else None
            if not isinstance(value, str) or not value.strip():
                self.problem(item, f"{key}[{index}]", "应为一个名称（文字）：请改正。")
                continue
            names.append((value.strip(), item.start_mark.line + 1))
        return names


def join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是非值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "数值"
    if isinstance(value, (dt.date, dt.datetime)):
        return "日期"
    if isinstance(value, str):
        return f"文字“{value[:20]}”"
    return type(value).__name__


CODE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _code(value: Any) -> str | None:
    return value if isinstance(value, str) and CODE.match(value) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of a float is always a decimal literal
        return None


def _year(value: Any) -> int | None:
    year = _int(value)
    return year if year is not None and MIN_YEAR <= year <= MAX_YEAR else None


def _year_or_date(value: Any) -> int | dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return _year(value)


SCALAR_CHECKS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "code": _code,
    "int": _int,
    "number": _number,
    "year": _year,
    "year_or_date": _year_or_date,
}


# --- the rules across entries -------------------------------------------------------------------------


def _squash(text_value: str) -> str:
    """Text without any whitespace: a clause folded over lines still matches the text it is from."""
    return re.sub(r"\s+", "", text_value)


class _Rules:
    """The checks that need more than one key: numbering, references, the catalogue, the kinds."""

    def __init__(self, reader: _Reader, raw: dict[str, Any]) -> None:
        self.reader = reader
        self.raw = raw
        self.start = raw.get("period", {}).get("start")
        self.end = raw.get("period", {}).get("end")
        self.keys: dict[str, int] = {}
        self.catalogue = catalogue()

    def problem(self, line: int, key: str, message: str) -> None:
        self.reader.problem(line, key, message)

    def run(self) -> PlanData | None:
        raw = self.raw
        if raw.get("format") not in (None, FORMAT_VERSION):
            self.problem(
                raw["__lines__"]["format"],
                "format",
                f"不支持的文件格式版本 {raw['format']}：本程序读取版本 {FORMAT_VERSION}，请按 docs/plan-format.md 改写。",
            )
        if self.start and self.end and self.end < self.start:
            self.problem(raw["__lines__"]["period"], "period", "结束年份早于起始年份：请改正。")
        departments = self.departments(raw.get("departments") or [])
        goals = self.goals(raw.get("goals") or [])
        projects = self.projects(raw.get("projects") or [])
        tasks = self.tasks(raw.get("tasks") or [], {number for number, _ in projects}, departments)
        if raw.get("commitments") and "implementation" not in raw:
            self.problem(
                raw["__lines__"]["commitments"],
                "commitments",
                "方案整体的承诺要从组织实施的原文中摘录：请写出 implementation（组织实施的原文）。",
            )
        own = [
            self.commitment(item, f"commitments[{i}]", raw.get("implementation"))
            for i, item in enumerate(raw.get("commitments") or [], start=1)
        ]
        if self.reader.problems:
            return None
        return PlanData(
            path=self.reader.file,
            code=raw["code"],
            name=raw["name"],
            source=raw["source"],
            summary=raw.get("summary", ""),
            implementation=raw.get("implementation", ""),
            district={k: raw["district"][k] for k in ("code", "name", "city", "province")},
            start_year=raw["period"]["start"],
            end_year=raw["period"]["end"],
            departments=departments,
            goals=goals,
            projects=projects,
            tasks=tasks,
            commitments=[cm for cm in own if cm is not None],
        )

    # entries -------------------------------------------------------------------------------------------

    def unique_numbers(self, items: list[Any], section: str, label: str) -> list[dict[str, Any]]:
        seen: dict[int, int] = {}
        valid = []
        for index, item in enumerate(items, start=1):
            if item is None or "number" not in item:
                continue
            number = item["number"]
            line = item["__lines__"]["number"]
            if number < 1:
                self.problem(line, f"{section}[{index}].number", f"{label}编号应从 1 起：请改正。")
            elif number in seen:
                self.problem(
                    line,
                    f"{section}[{index}].number",
                    f"{label}编号 {number} 重复（第{seen[number]}行已有）：每个{label}的编号须唯一，请改正。",
                )
            else:
                seen[number] = line
                valid.append(item)
        return valid

    def departments(self, items: list[Any]) -> list[DepartmentData]:
        result: list[DepartmentData] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items, start=1):
            if item is None or "name" not in item or "kind" not in item:
                continue
            key = f"departments[{index}]"
            names = [item["name"], item.get("short_name", item["name"])]
            names += [name for name, _line in item.get("aliases", [])]
            for name in dict.fromkeys(names):
                if name in seen:
                    self.problem(
                        item["__line__"],
                        key,
                        f"部门名称“{name}”已在第{seen[name]}行声明：一个名称只能指一个部门，请合并或改正。",
                    )
                seen[name] = item["__line__"]
            short = item.get("short_name", item["name"])
            if len(short) > 30:
                self.problem(item["__line__"], f"{key}.short_name", "简称最多 30 个字：请写 short_name。")
            result.append(
                DepartmentData(
                    name=item["name"],
                    short_name=short,
                    aliases=[name for name, _line in item.get("aliases", [])],
                    kind=item["kind"],
                    code=item.get("code", ""),
                    line=item["__line__"],
                )
            )
        return result

    def goals(self, items: list[Any]) -> list[GoalData]:
        valid = self.unique_numbers(items, "goals", "目标")
        result = []
        for index, item in enumerate(items, start=1):
            if item is None or not any(item is v for v in valid):
                continue
            if not {"title", "text"} <= set(item):
                continue
            commitments = [
                self.commitment(cm, f"goals[{index}].commitments[{i}]", item["text"])
                for i, cm in enumerate(item.get("commitments", []), start=1)
            ]
            result.append(
                GoalData(
                    item["number"],
                    item["title"],
                    item["text"],
                    [cm for cm in commitments if cm],
                    line=item["__line__"],
                )
            )
        return result

    def projects(self, items: list[Any]) -> list[tuple[int, str]]:
        valid = self.unique_numbers(items, "projects", "工程")
        return [(item["number"], item["title"]) for item in valid if "title" in item]

    def tasks(
        self, items: list[Any], projects: set[int], departments: list[DepartmentData]
    ) -> list[TaskData]:
        valid = self.unique_numbers(items, "tasks", "任务")
        known = {name for d in departments for name in d.names}
        result = []
        for index, item in enumerate(items, start=1):
            if item is None or not any(item is v for v in valid):
                continue
            key = f"tasks[{index}]"
            project = item.get("project")
            if project is not None and project not in projects:
                self.problem(
                    item["__lines__"]["project"],
                    f"{key}.project",
                    f"任务 {item['number']} 所属的工程 {project} 不存在（projects 中有 "
                    f"{'、'.join(str(n) for n in sorted(projects)) or '无'}）：请改正工程序号或在 projects 中补上该工程。",
                )
            links: list[tuple[str, str]] = []
            for role, section in (
                (c.DepartmentRole.LEAD, "lead"),
                (c.DepartmentRole.RESPONSIBLE, "responsible"),
                (c.DepartmentRole.COOPERATING, "cooperating"),
            ):
                names = item.get(section, [])
                if section == "lead" and "lead" in item and not names:
                    self.problem(item["__lines__"]["lead"], f"{key}.lead", "至少要有一个牵头单位：请补上。")
                seen_here: set[str] = set()
                for i, (name, line) in enumerate(names, start=1):
                    if name not in known:
                        close = difflib.get_close_matches(name, sorted(known), n=1)
                        hint = f"是否想写“{close[0]}”？" if close else ""
                        self.problem(
                            line,
                            f"{key}.{section}[{i}]",
                            f"未声明的部门“{name}”。{hint}请在 departments 中声明它（name、kind，"
                            "原文的其他写法写在 aliases），或改正名称。",
                        )
                        continue
                    if name in seen_here:
                        self.problem(line, f"{key}.{section}[{i}]", f"部门“{name}”重复列出：请删去一个。")
                        continue
                    seen_here.add(name)
                    links.append((role, name))
            if not {"title", "text", "project"} <= set(item):
                continue
            commitments = [
                self.commitment(cm, f"{key}.commitments[{i}]", item["text"])
                for i, cm in enumerate(item.get("commitments", []), start=1)
            ]
            result.append(
                TaskData(
                    number=item["number"],
                    project=item["project"],
                    title=item["title"],
                    text=item["text"],
                    departments=links,
                    commitments=[cm for cm in commitments if cm],
                    line=item["__line__"],
                )
            )
        return result

    # commitments ---------------------------------------------------------------------------------------

    def commitment(self, item: Any, key: str, parent_text: str | None) -> CommitmentData | None:
        if item is None or not {"key", "kind"} <= set(item):
            return None
        lines = item["__lines__"]
        line = item["__line__"]
        kind = item["kind"]
        if item["key"] in self.keys:
            self.problem(
                lines["key"],
                f"{key}.key",
                f"承诺编号“{item['key']}”重复（第{self.keys[item['key']]}行已有）：编号须在方案内唯一，请改正。",
            )
        else:
            self.keys[item["key"]] = lines["key"]
        required, optional = KIND_KEYS[kind]
        present = {name for name in item if not name.startswith("__")} | set(item.get("__invalid__", ()))
        for name in sorted(present - COMMON_KEYS - required - optional):
            self.problem(
                lines[name],
                f"{key}.{name}",
                f"“{name}”不适用于 {kind} 类承诺（{c.CommitmentKind(kind).label}）：请删去它，或改正 kind。"
                f"该类可用的键：{'、'.join(sorted(COMMON_KEYS | required | optional))}。",
            )
        for name in sorted(required - present):
            self.problem(
                line,
                f"{key}.{name}",
                f"{kind} 类承诺缺少“{name}”（{COMMITMENT.fields[name].help}）：请补上。",
            )
        if (
            "clause" in item
            and parent_text is not None
            and _squash(item["clause"]) not in _squash(parent_text)
        ):
            self.problem(
                lines["clause"],
                f"{key}.clause",
                "条款原文不在所属目标、任务或组织实施的正文中：请从正文中一字不差地摘录（可以只摘一段，不能改写）。",
            )
        self.year_in_period(item, "deadline", key)
        self.year_in_period(item, "since", key)
        values: dict[str, Any] = {
            "kind": kind,
            "title": item.get("title", ""),
            "clause": item.get("clause", ""),
            "deadline_year": item.get("deadline"),
        }
        check = getattr(self, f"kind_{kind}")
        check(item, key, values)
        milestones = self.milestones(item, key)
        return CommitmentData(key=item["key"], values=values, milestones=milestones, line=line)

    def year_in_period(self, item: dict[str, Any], name: str, key: str) -> None:
        year = item.get(name)
        if year is None or self.start is None or self.end is None:
            return
        if not self.start <= year <= self.end:
            self.problem(
                item["__lines__"][name],
                f"{key}.{name}",
                f"年份 {year} 不在方案期 {self.start}—{self.end} 内：请改正。",
            )

    def indicator(self, item: dict[str, Any], key: str, values: dict[str, Any]) -> None:
        """The catalogue link shared by the kinds that may name an indicator."""
        ident = item.get("indicator")
        if ident is None:
            return
        lines = item["__lines__"]
        values["indicator_id"] = ident
        definition = self.catalogue.get(ident)
        if definition is None:
            close = difflib.get_close_matches(ident, self.catalogue, n=1)
            hint = f"是否想写“{close[0]}”？" if close else ""
            self.problem(
                lines["indicator"],
                f"{key}.indicator",
                f"指标目录中没有指标“{ident}”。{hint}请改用目录中的编号（tisheng catalogue 列出全部），"
                "或把这一承诺写成 count（数量目标）或 qualitative（定性承诺）。",
            )
            return
        stage = item.get("stage")
        if stage is not None:
            if stage not in definition.stage_keys:
                self.problem(
                    lines["stage"],
                    f"{key}.stage",
                    f"指标“{ident}”不按学段“{stage}”计算（可用："
                    f"{'、'.join(s for s in definition.stage_keys if s) or '不分学段'}）：请改正或删去 stage。",
                )
            values["stage"] = stage
        breakdown = item.get("breakdown")
        if breakdown is not None:
            dims = [part.split("=", 1)[0] for part in breakdown.split(",")]
            if not all("=" in part for part in breakdown.split(",")) or not set(dims) <= set(
                definition.dimensions
            ):
                allowed = "、".join(definition.dimensions) or "无"
                self.problem(
                    lines["breakdown"],
                    f"{key}.breakdown",
                    f"分列键“{breakdown}”不合指标“{ident}”的分列（可用的维度：{allowed}）："
                    "请写成 维度=取值，如 level=region。",
                )
            values["breakdown"] = breakdown

    def kind_indicator(self, item: dict[str, Any], key: str, values: dict[str, Any]) -> None:
        self.indicator(item, key, values)
        comparator = item.get("comparator")
        values["comparator"] = comparator or ""
        if comparator and comparator != c.Comparator.FALLS_EVERY_YEAR and "target" not in item:
            self.problem(
                item["__line__"], f"{key}.target", f"比较方式 {comparator} 需要目标值 target：请补上。"
            )
        if comparator == c.Comparator.FALLS_EVERY_YEAR and "target" in item:
            self.problem(
                item["__lines__"]["target"],
                f"{key}.target",
                "逐年下降（falls_every_year）没有目标值：请删去 target。",
            )
        values["target_value"] = item.get("target")
        if "baseline" in item and {"year", "value"} <= set(item["baseline"]):
            values["baseline_year"] = item["baseline"]["year"]
            values["baseline_value"] = item["baseline"]["value"]

    def whole(self, item: dict[str, Any], name: str, key: str) -> int | None:
        value = item.get(name)
        if value is None:
            return None
        if value != value.to_integral_value() or value < 0:
            self.problem(item["__lines__"][name], f"{key}.{name}", f"{name} 应为非负整数：请改正。")
            return None
        return int(value)

    def kind_count(self, item: dict[str, Any], key: str, values: dict[str, Any]) -> None:
        self.indicator(item, key, values)
        values["subject"] = item.get("counts", "")
        target = self.whole(item, "target", key)
        values["target_count"] = target
        parts = [p for p in item.get("parts", []) if p and {"name", "count"} <= set(p)]
        values["parts"] = [{"name": p["name"], "count": p["count"]} for p in parts]
        if parts and target is not None and sum(p["count"] for p in parts) != target:
            self.problem(
                item["__lines__"]["parts"],
                f"{key}.parts",
                f"分列数量合计 {sum(p['count'] for p in parts)}，与目标数量 {target} 不符：请核对。",
            )

    def kind_project(self, item: dict[str, Any], key: str, values: dict[str, Any]) -> None:
        values["subject"] = item.get("project", "")
        values["target_count"] = self.whole(item, "target", key)
        values["planned_places"] = item.get("places")
        schools = [s for s in item.get("schools", []) if s and {"name", "action"} <= set(s)]
        values["schools"] = [{"name": s["name"], "action": s["action"]} for s in schools]

    def kind_recurring(self, item: dict[str, Any], key: str, values: dict[str, Any]) -> None:
        self.indicator(item, key, values)
        lines = item["__lines__"]
        frequency = item.get("frequency")
        values.update(
            subject=item.get("activity", ""),
            frequency=frequency or "",
            times=item.get("times"),
            actor=item.get("who", ""),
            months=item.get("months", []),
            week_of_month=item.get("week"),
            activity_kind=item.get("activity_kind", ""),
            since_year=item.get("since"),
        )
        if frequency == c.Frequency.NAMED_WEEKS:
            if "months" not in item or "week" not in item:
                self.problem(
                    item["__line__"],
                    key,
                    "指定周（named_weeks）的常规工作要写 months（月份）和 week（当月第几周）：请补上。",
                )
        elif frequency is not None:
            if "times" not in item:
                self.problem(item["__line__"], f"{key}.times", "请写 times：每个周期至少几次。")
            for name in ("months", "week"):
                if name in item:
                    self.problem(
                        lines[name], f"{key}.{name}", f"只有指定周（named_weeks）才写 {name}：请删去它。"
                    )
        for i, month in enumerate(item.get("months", []), start=1):
            if month is not None and not 1 <= month <= 12:
                self.problem(lines["months"], f"{key}.months[{i}]", f"月份 {month} 不在 1—12 之间：请改正。")
        week = item.get("week")
        if week is not None and not 1 <= week <= 5:
            self.problem(lines["week"], f"{key}.week", f"第 {week} 周不存在：当月的周应在 1—5 之间。")
        times = item.get("times")
        if times is not None and times < 1:
            self.problem(lines["times"], f"{key}.times", "次数至少为 1：请改正。")

    def kind_qualitative(self, item: dict[str, Any], key: str, values: dict[str, Any]) -> None:
        return None

    def milestones(self, item: dict[str, Any], key: str) -> list[dict[str, Any]]:
        result = []
        seen: set[str] = set()
        for index, milestone in enumerate(item.get("milestones", []), start=1):
            if not milestone or "stage" not in milestone:
                continue
            stage = milestone["stage"]
            path = f"{key}.milestones[{index}]"
            if stage in seen:
                self.problem(milestone["__line__"], path, f"节点“{stage}”重复：请删去一个。")
                continue
            seen.add(stage)
            planned = milestone.get("planned")
            year = planned.year if isinstance(planned, dt.date) else planned
            if year is not None and self.start and self.end and not self.start <= year <= self.end:
                self.problem(
                    milestone["__lines__"]["planned"],
                    f"{path}.planned",
                    f"计划时间 {planned} 不在方案期 {self.start}—{self.end} 内：请改正。",
                )
            result.append(
                {
                    "stage": stage,
                    "planned_year": year,
                    "planned_date": planned if isinstance(planned, dt.date) else None,
                    "position": index,
                }
            )
        return result


# --- entry points -------------------------------------------------------------------------------------


def parse_plan_text(content: str, file: str) -> PlanData:
    """Check the text of a plan file (named ``file`` in messages); raise :class:`PlanFileError` with
    every problem, or give the checked plan."""
    reader = _Reader(file)
    try:
        root = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise PlanFileError(
            [
                Problem(
                    file, line, "", f"YAML 语法错误：{exc.problem or exc}；请检查这一行的缩进、冒号和引号。"
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise PlanFileError([Problem(file, 1, "", f"YAML 语法错误：{exc}")]) from None
    if root is None:
        raise PlanFileError([Problem(file, 1, "", "文件是空的：请按 docs/plan-format.md 写出方案。")])
    raw = reader.check(root, PLAN_SCHEMA, "")
    if raw is None:
        raise PlanFileError(reader.problems)
    plan = _Rules(reader, raw).run()
    if reader.problems or plan is None:
        problems = sorted(reader.problems, key=lambda p: p.line)
        raise PlanFileError(problems)
    return plan


def read_plan_file(path: str | Path) -> PlanData:
    """Read and check the plan file at ``path``."""
    file = Path(path)
    try:
        content = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError([Problem(str(path), 1, "", "文件不存在：请检查路径。")]) from None
    except UnicodeDecodeError:
        raise PlanFileError([Problem(str(path), 1, "", "文件不是 UTF-8 编码：请另存为 UTF-8。")]) from None
    return parse_plan_text(content, str(path))


def shipped_plans() -> list[Path]:
    """The plan files shipped with tisheng (package data in ``tisheng/plan/plans/``)."""
    folder = Path(__file__).parent / "plans"
    return sorted(folder.glob("*.yaml"))
