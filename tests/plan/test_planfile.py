"""The plan file: the shipped 西夏区 plan passes the checks and is complete against its source text, and
each kind of mistake is reported in Chinese with the right line, the key path and what to do."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.plan.conftest import OTHER, XIXIA, source_text
from tisheng.indicators.catalogue import catalogue
from tisheng.plan import choices as c
from tisheng.plan.planfile import (
    PLAN_SCHEMA,
    PlanData,
    PlanFileError,
    Problem,
    Spec,
    parse_plan_text,
    read_plan_file,
)

UNIT_LINE = re.compile(r"^(牵头单位|责任单位|配合单位)：(.+)$")
TASK_LINE = re.compile(r"^(\d+)\.(.+?)。")
ROLES = {
    "牵头单位": c.DepartmentRole.LEAD,
    "责任单位": c.DepartmentRole.RESPONSIBLE,
    "配合单位": c.DepartmentRole.COOPERATING,
}


@pytest.fixture(scope="module")
def xixia() -> PlanData:
    return read_plan_file(XIXIA)


def source_units() -> dict[int, list[tuple[str, str]]]:
    """From the source text alone: each task's (role, name) in the text's order."""
    units: dict[int, list[tuple[str, str]]] = {}
    task = 0
    for line in source_text().splitlines():
        line = line.strip()
        if line.startswith("四、组织实施"):
            break
        numbered = TASK_LINE.match(line)
        if numbered:
            task = int(numbered.group(1))
            continue
        match = UNIT_LINE.match(line)
        if match and task:
            names = [name.strip() for name in match.group(2).split("、") if name.strip()]
            units.setdefault(task, []).extend((ROLES[match.group(1)], name) for name in names)
    return units


def source_titles() -> dict[int, str]:
    titles = {}
    for line in source_text().splitlines():
        match = TASK_LINE.match(line.strip())
        if match:
            titles[int(match.group(1))] = match.group(2)
    return titles


# --- the shipped plan ---------------------------------------------------------------------------------


def test_the_shipped_plan_passes_the_checks(xixia: PlanData) -> None:
    assert xixia.code == "xixia-2021-2025"
    assert (xixia.start_year, xixia.end_year) == (2021, 2025)
    assert xixia.district["code"] == "640105"
    assert len(xixia.goals) == 5
    assert [number for number, _title in xixia.projects] == [1, 2, 3, 4, 5]
    assert xixia.projects[0][1] == "实施立德树人培根铸魂工程"


def test_all_29_tasks_with_the_texts_numbers_and_titles(xixia: PlanData) -> None:
    assert [task.number for task in xixia.tasks] == list(range(1, 30))
    titles = source_titles()
    assert len(titles) == 29
    for task in xixia.tasks:
        assert task.title == titles[task.number]
        assert task.text and task.text in source_text()
    by_project = {
        number: [t.number for t in xixia.tasks if t.project == number] for number, _ in xixia.projects
    }
    assert by_project == {
        1: [1, 2, 3, 4],
        2: [5, 6, 7, 8, 9, 10, 11, 12],
        3: [13, 14, 15, 16, 17],
        4: [18, 19, 20, 21, 22, 23],
        5: [24, 25, 26, 27, 28, 29],
    }


def test_every_department_named_in_the_text_is_on_its_task(xixia: PlanData) -> None:
    """Derived from the source's 牵头单位/责任单位/配合单位 lines, not from the plan file."""
    expected = source_units()
    assert sorted(expected) == list(range(1, 30))
    assert len({name for links in expected.values() for _role, name in links}) >= 30
    for task in xixia.tasks:
        assert task.departments == expected[task.number], task.number
    assert [name for role, name in xixia.tasks[6].departments if role == c.DepartmentRole.LEAD] == ["政府办"]
    assert ("cooperating", "市场监督管理局") in xixia.tasks[10].departments


def test_every_named_department_is_declared(xixia: PlanData) -> None:
    named = {name for links in source_units().values() for _role, name in links}
    for name in named:
        assert xixia.department_for(name)
    assert xixia.department_for("市场监管局") is xixia.department_for("市场监督管理局")


def test_every_indicator_id_is_in_the_catalogue(xixia: PlanData) -> None:
    ids = {cm.values["indicator_id"] for cm in xixia.all_commitments() if cm.values.get("indicator_id")}
    assert len(ids) >= 30
    assert ids <= set(catalogue())


def test_every_clause_is_verbatim_from_the_source(xixia: PlanData) -> None:
    flat = re.sub(r"\s+", "", source_text())
    for commitment in xixia.all_commitments():
        assert re.sub(r"\s+", "", commitment.values["clause"]) in flat, commitment.key


def by_key(plan: PlanData) -> dict[str, dict[str, object]]:
    return {cm.key: cm.values | {"milestones": cm.milestones} for cm in plan.all_commitments()}


def test_the_measurable_commitments_of_the_plan(xixia: PlanData) -> None:
    found = by_key(xixia)
    kinds = {cm["kind"] for cm in found.values()}
    assert kinds == set(c.CommitmentKind.values)
    fitness = found["g1-fitness"]
    assert (
        fitness["indicator_id"],
        fitness["comparator"],
        fitness["target_value"],
        fitness["deadline_year"],
    ) == (
        "health.fitness_excellent_good_rate",
        ">=",
        Decimal("50"),
        2025,
    )
    assert found["g1-myopia"]["comparator"] == c.Comparator.FALLS_EVERY_YEAR
    assert found["g2-senior-gross"]["target_value"] == Decimal("95.5")
    assert found["g2-retention"]["indicator_id"] == "enrolment.compulsory_retention_9yr"
    moral = [found[f"t1-moral-{level}"] for level in ("region", "city", "district")]
    assert [m["target_count"] for m in moral] == [5, 10, 20]
    assert [m["breakdown"] for m in moral] == ["level=region", "level=city", "level=district"]
    assert found["t2-labour-schools"]["target_count"] == 15
    assert found["g4-backbone"]["target_count"] == 100
    assert found["t20-famous-principals"]["target_count"] == 20
    rooms = found["t25-exam-rooms"]
    assert rooms["target_count"] == 84
    assert rooms["parts"] == [
        {"name": "镇北堡镇华西希望中学", "count": 24},
        {"name": "兴泾镇回民中学", "count": 24},
        {"name": "北方民族大学附属中学", "count": 36},
    ]
    places = found["t7-places"]
    assert (places["kind"], places["planned_places"], places["target_count"]) == ("project", 10900, 13)
    assert {s["name"] for s in places["schools"]} >= {"西夏区第二十小学", "教育小镇中学", "西夏区实验小学"}
    kindergartens = found["t6-kindergartens"]
    assert (kindergartens["target_count"], kindergartens["planned_places"]) == (8, 3400)
    town = found["t10-education-town"]
    assert [m["stage"] for m in town["milestones"]] == list(c.MilestoneStage.values)
    meetings = found["t4-parent-meetings"]
    assert (meetings["frequency"], meetings["times"], meetings["activity_kind"]) == (
        "semester",
        1,
        "parent_meeting",
    )
    assert (found["t16-lectures"]["times"], found["t16-observations"]["times"]) == (6, 80)
    weeks = found["t18-theme-weeks"]
    assert (weeks["frequency"], weeks["months"], weeks["week_of_month"]) == ("named_weeks", [3, 6, 9, 11], 1)
    assert (found["t24-evaluations"]["frequency"], found["t24-evaluations"]["times"]) == ("year", 1)
    hearing = found["plan-hearings"]
    assert (hearing["frequency"], hearing["times"], hearing["activity_kind"]) == (
        "year",
        1,
        "government_hearing",
    )


def test_the_second_plan_passes_the_checks() -> None:
    other = read_plan_file(OTHER)
    assert other.district["code"] == "640106"
    assert (len(other.goals), len(other.projects), len(other.tasks)) == (2, 1, 3)


# --- mistakes -----------------------------------------------------------------------------------------

GOOD = OTHER.read_text(encoding="utf-8")


def problems_of(text: str) -> list[Problem]:
    with pytest.raises(PlanFileError) as caught:
        parse_plan_text(text, "坏文件.yaml")
    return caught.value.problems


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``fragment``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[occurrence - 1]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_good_file_is_good() -> None:
    assert parse_plan_text(GOOD, "好文件.yaml").code == "jinfeng-2023-2027"


def test_unknown_key() -> None:
    text = GOOD.replace("    title: 新建学校\n", "    title: 新建学校\n    titel: 错字\n")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "titel:")
    assert problem.key == "tasks[1].titel"
    assert "未知的键“titel”" in problem.message and "是否想写“title”" in problem.message
    assert str(problem).startswith(f"坏文件.yaml 第{problem.line}行 tasks[1].titel：")


def test_missing_field() -> None:
    text = GOOD.replace("    title: 建设标准化考场\n", "")
    problem = only(problems_of(text))
    assert problem.key == "tasks[2].title"
    assert "缺少必填项“title”" in problem.message and "请补上" in problem.message
    assert problem.line == line_of(text, "  - number: 2", 2)  # the task's own line (goal 2 comes first)


def test_wrong_type() -> None:
    text = GOOD.replace("    project: 1\n    title: 家校协同", "    project: 一\n    title: 家校协同")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "project: 一")
    assert problem.key == "tasks[3].project"
    assert "应为整数" in problem.message and "请改正" in problem.message


def test_an_unquoted_numeric_code_is_explained() -> None:
    text = GOOD.replace('code: "640106"', "code: 640106")
    problem = only(problems_of(text))
    assert problem.key == "district.code" and "请加引号" in problem.message
    assert problem.line == line_of(text, "code: 640106")


def test_value_outside_its_choices() -> None:
    text = GOOD.replace(
        "frequency: semester\n    times: 1\n    who: 区政府",
        "frequency: weekly\n    times: 1\n    who: 区政府",
    )
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "frequency: weekly")
    assert "“weekly”不是可用的取值" in problem.message


def test_unknown_indicator_id() -> None:
    text = GOOD.replace("indicator: exam.standard_rooms", "indicator: exam.standard_room")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "exam.standard_room")
    assert problem.key == "tasks[2].commitments[1].indicator"
    assert "指标目录中没有指标“exam.standard_room”" in problem.message
    assert "是否想写“exam.standard_rooms”" in problem.message


def test_unknown_department_name() -> None:
    text = GOOD.replace("responsible: [财政局, 住房城乡建设局]", "responsible: [财政局, 住建委]")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "住建委")
    assert problem.key == "tasks[1].responsible[2]"
    assert "未声明的部门“住建委”" in problem.message and "departments" in problem.message


def test_duplicate_task_number() -> None:
    text = GOOD.replace("  - number: 3\n    project: 1", "  - number: 2\n    project: 1")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "  - number: 2", 3)
    assert problem.key == "tasks[3].number"
    assert (
        "任务编号 2 重复" in problem.message
        and f"第{line_of(text, '  - number: 2', 2)}行已有" in problem.message
    )


def test_task_naming_an_unknown_project() -> None:
    text = GOOD.replace("    project: 1\n    title: 家校协同", "    project: 4\n    title: 家校协同")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "project: 4")
    assert "所属的工程 4 不存在" in problem.message


def test_clause_not_in_the_text() -> None:
    text = GOOD.replace("clause: 建立家长委员会", "clause: 建立家长委员会制度")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "建立家长委员会制度")
    assert "条款原文不在" in problem.message


def test_key_not_for_the_kind() -> None:
    text = GOOD.replace(
        "        clause: 建立家长委员会\n", "        clause: 建立家长委员会\n        places: 10\n"
    )
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "places: 10")
    assert "“places”不适用于 qualitative 类承诺" in problem.message


def test_parts_must_add_up() -> None:
    text = GOOD.replace("{name: 金凤区第二中学, count: 8}", "{name: 金凤区第二中学, count: 9}")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "parts:")
    assert "合计 21，与目标数量 20 不符" in problem.message


def test_duplicate_commitment_key_and_deadline_outside_the_period() -> None:
    text = GOOD.replace("key: t3-committees", "key: t3-parent-meetings").replace(
        "deadline: 2026\n", "deadline: 2030\n"
    )
    problems = problems_of(text)
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    messages = {p.line: p.message for p in problems}
    assert "不在方案期 2023—2027 内" in messages[line_of(text, "deadline: 2030")]
    assert "承诺编号“t3-parent-meetings”重复" in messages[line_of(text, "key: t3-parent-meetings", 2)]


def test_duplicate_yaml_key() -> None:
    text = GOOD.replace("    title: 新建学校\n", "    title: 新建学校\n    title: 又一个\n")
    problem = only(problems_of(text))
    assert problem.line == line_of(text, "title: 又一个")
    assert "键“title”重复" in problem.message


def test_yaml_syntax_error() -> None:
    text = GOOD.replace("    title: 新建学校\n", "    title: [新建学校\n")
    problem = only(problems_of(text))
    assert "YAML 语法错误" in problem.message
    assert problem.line >= line_of(text, "title: [新建学校")


def test_every_problem_is_collected() -> None:
    text = (
        GOOD.replace("indicator: exam.standard_rooms", "indicator: nonsense.id")
        .replace("responsible: [财政局, 住房城乡建设局]", "responsible: [财政局, 住建委]")
        .replace("    title: 新建学校\n", "    title: 新建学校\n    titel: 错字\n")
    )
    problems = problems_of(text)
    assert len(problems) == 3
    assert all(re.search(r"[\u4e00-\u9fff]", p.message) for p in problems)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="文件不存在"):
        read_plan_file(tmp_path / "nowhere.yaml")


# --- the documentation --------------------------------------------------------------------------------

DOC = Path(__file__).parents[2] / "docs" / "plan-format.md"


def schema_keys(spec: Spec) -> set[str]:
    keys = set(spec.fields)
    for field in spec.fields.values():
        keys |= schema_keys(field)
    if spec.item is not None:
        keys |= schema_keys(spec.item)
    return keys


def test_every_key_and_choice_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for key in schema_keys(PLAN_SCHEMA):
        assert f"`{key}`" in doc or f"{key}:" in doc, key
    for choices in (c.CommitmentKind, c.Comparator, c.Frequency, c.SchoolAction, c.MilestoneStage):
        for value in choices.values:
            assert value in doc, value


def test_the_documented_example_passes_the_checks() -> None:
    doc = DOC.read_text(encoding="utf-8")
    example = doc.split("## 示例", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    plan = parse_plan_text(example, "docs/plan-format.md")
    assert plan.code == "jinfeng-2023-2027" and len(plan.all_commitments()) == 2
