"""Loading plan files: departments matched by name or created, one transaction, nothing half-loaded,
reloading idempotent, two plans side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.conftest import World
from tests.plan.conftest import OTHER, XIXIA, load
from tisheng.core.audit import acting_as
from tisheng.core.choices import AuditAction, ChangeSource
from tisheng.core.models import ChangeRecord, Department, District
from tisheng.plan import choices as c
from tisheng.plan.loader import load_plan
from tisheng.plan.models import Commitment, Goal, Milestone, Plan, Project, Task, TaskDepartment
from tisheng.plan.planfile import PlanFileError, parse_plan_text, read_plan_file

PLAN_MODELS = (Plan, Goal, Project, Task, TaskDepartment, Commitment, Milestone)


def counts() -> dict[str, int]:
    models = (*PLAN_MODELS, Department, District, ChangeRecord)
    return {model.__name__: model._default_manager.count() for model in models}


def test_the_xixia_plan_loads_with_its_departments(world: World) -> None:
    result = load(XIXIA)
    plan = result.plan
    assert plan.district == world.district
    assert Task.objects.filter(plan=plan).count() == 29
    assert list(Task.objects.filter(plan=plan).values_list("number", flat=True)) == list(range(1, 30))
    assert Goal.objects.filter(plan=plan).count() == 5
    assert Project.objects.filter(plan=plan).count() == 5
    assert Commitment.objects.filter(plan=plan).count() == 135
    # the test world's 财政局 and 住建局 (住房城乡建设和交通局) are matched, not duplicated
    assert Department.objects.filter(short_name="财政局").count() == 1
    assert Department.objects.filter(district=world.district).count() == 28
    assert "财政局" not in result.new_departments and "住房城乡建设和交通局" not in result.new_departments
    housing = TaskDepartment.objects.get(task__plan=plan, task__number=5, named_as="住房城乡建设和交通局")
    assert housing.department == world.dept_housing
    assert housing.role == c.DepartmentRole.RESPONSIBLE
    # two names of one department, and the committee's member units, each as the text writes them
    market = TaskDepartment.objects.filter(task__plan=plan, named_as__in=["市场监管局", "市场监督管理局"])
    assert {link.named_as for link in market} == {"市场监管局", "市场监督管理局"}
    assert len({link.department_id for link in market}) == 1
    committee = TaskDepartment.objects.filter(task__plan=plan, task__number=29).order_by("position")
    assert [(link.role, link.named_as) for link in committee] == [
        ("lead", "政府教育督导委员会"),
        ("responsible", "政府教育督导委员会各成员单位"),
    ]
    assert committee[0].department == committee[1].department
    task7 = Task.objects.get(plan=plan, number=7)
    assert [link.named_as for link in task7.department_links.all()][:2] == ["政府办", "发展改革局"]
    assert Milestone.objects.filter(commitment__key="t10-education-town").count() == 4


def test_every_loaded_row_is_audited(world: World) -> None:
    before = ChangeRecord.objects.count()
    with acting_as(world.users["admin"], ChangeSource.CLI):
        result = load(OTHER)
    created = sum(result.created.values())
    records = ChangeRecord.objects.all()[: ChangeRecord.objects.count() - before]
    assert ChangeRecord.objects.count() - before == created
    for model in PLAN_MODELS:
        kind = ContentType.objects.get_for_model(model)
        ids = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        logged = set(
            ChangeRecord.objects.filter(content_type=kind, action=AuditAction.CREATE).values_list(
                "object_id", flat=True
            )
        )
        assert ids == logged, model.__name__
    assert {r.user_repr for r in records} == {"admin"}
    assert {
        r.source for r in ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(Plan))
    } == {ChangeSource.CLI}


def test_reloading_the_same_file_changes_nothing(world: World) -> None:
    load(XIXIA)
    before = counts()
    result = load(XIXIA)
    assert not result.changed
    assert counts() == before  # no new rows and no audit records
    assert not ChangeRecord.objects.filter(action=AuditAction.UPDATE).exists()


def test_reloading_a_changed_file_updates_adds_and_deletes(world: World, tmp_path: Path) -> None:
    load(OTHER)
    text = OTHER.read_text(encoding="utf-8")
    changed = (
        text.replace("target: 20\n", "target: 24\n")
        .replace("{name: 金凤区第二中学, count: 8}", "{name: 金凤区第二中学, count: 12}")
        .replace(
            "      - key: t3-committees\n        kind: qualitative\n        title: 建立家长委员会\n        clause: 建立家长委员会\n",
            "",
        )
        .replace(
            "          - {stage: started, planned: 2024}\n", "          - {stage: started, planned: 2025}\n"
        )
    )
    path = tmp_path / "changed.yaml"
    path.write_text(changed, encoding="utf-8")
    result = load(path)
    # the count target, and the plan's own commitment moving up one place after the deleted one
    assert result.updated == {"commitment": 2, "milestone": 1}
    assert result.deleted == {"commitment": 1}
    assert not result.created
    rooms = Commitment.objects.get(key="t2-exam-rooms")
    assert rooms.target_count == 24
    assert rooms.parts[1] == {"name": "金凤区第二中学", "count": 12}
    assert not Commitment.objects.filter(key="t3-committees").exists()
    assert Milestone.objects.get(commitment__key="t1-new-school", stage="started").planned_year == 2025
    update = ChangeRecord.objects.filter(action=AuditAction.UPDATE, object_id=str(rooms.pk)).get()
    assert set(update.changed) == {"target_count", "parts"}


def test_a_plan_file_with_problems_loads_nothing(world: World, tmp_path: Path) -> None:
    before = counts()
    path = tmp_path / "bad.yaml"
    path.write_text(
        OTHER.read_text(encoding="utf-8").replace("exam.standard_rooms", "exam.rooms"), encoding="utf-8"
    )
    with pytest.raises(PlanFileError):
        load(path)
    assert counts() == before


def test_a_department_matching_two_departments_rolls_everything_back(world: World) -> None:
    """Found only at load time (against the organisation): the whole load is undone."""
    text = XIXIA.read_text(encoding="utf-8").replace(
        "{name: 财政局, kind: government}", "{name: 财政局, kind: government, aliases: [住建局]}"
    )
    before = counts()
    with pytest.raises(PlanFileError) as caught:
        load_plan(parse_plan_text(text, "xixia.yaml"))
    problem = caught.value.problems[0]
    assert "在组织中对应多个部门" in problem.message
    assert problem.line == next(
        i for i, line in enumerate(text.splitlines(), 1) if "aliases: [住建局]" in line
    )
    assert counts() == before


def test_two_plans_side_by_side(world: World) -> None:
    xixia = load(XIXIA).plan
    other_result = load(OTHER)
    other = other_result.plan
    assert Plan.objects.count() == 2
    assert other.district.code == "640106" and other.district != xixia.district
    assert sorted(other_result.new_departments) == ["金凤区住房和城乡建设局", "金凤区教育局", "金凤区财政局"]
    assert Department.objects.filter(district=other.district).count() == 3
    # the same task numbers in both plans, each plan's own
    assert Task.objects.filter(number=1).count() == 2
    assert Task.objects.get(plan=other, number=1).title == "新建学校"
    assert Task.objects.get(plan=xixia, number=1).title == "增强德育教育针对性实效性"
    # the other plan's 财政局 is its own district's, not the test world's 财政局
    link = TaskDepartment.objects.get(task__plan=other, task__number=1, named_as="财政局")
    assert link.department.district == other.district and link.department != world.dept_finance
    # each reloads without touching the other
    assert not load(XIXIA).changed and not load(OTHER).changed
    assert Commitment.objects.filter(plan=xixia).count() == 135
    assert Commitment.objects.filter(plan=other).count() == 7


def test_commitments_keep_what_status_needs(world: World) -> None:
    plan = load(XIXIA).plan
    fitness = Commitment.objects.get(plan=plan, key="g1-fitness")
    assert fitness.goal is not None and fitness.goal.number == 1 and fitness.task is None
    assert (fitness.indicator_id, fitness.comparator, fitness.deadline_year) == (
        "health.fitness_excellent_good_rate",
        ">=",
        2025,
    )
    assert fitness.target_value == 50
    assert fitness.target_text == "≥ 50%"
    hearing = Commitment.objects.get(plan=plan, key="plan-hearings")
    assert hearing.goal is None and hearing.task is None
    assert hearing.clause in plan.implementation
    rooms = Commitment.objects.get(plan=plan, key="t25-exam-rooms")
    assert rooms.task.number == 25 and rooms.clause in rooms.task.text


def test_read_plan_file_and_load_are_separate(world: World) -> None:
    """Checking touches no table."""
    before = counts()
    read_plan_file(XIXIA)
    assert counts() == before


def test_a_commitment_moved_to_another_task_is_updated_not_recreated(world: World, tmp_path: Path) -> None:
    """Task 3 is dropped and its qualitative commitment moves to task 2: the same row, updated."""
    load(OTHER)
    committees = Commitment.objects.get(key="t3-committees")
    text = OTHER.read_text(encoding="utf-8")
    task3 = text[
        text.index("  - number: 3\n    project: 1") : text.index("commitments:\n  - key: plan-hearings")
    ]
    moved = text.replace(task3, "").replace(
        "          - {name: 金凤区第二中学, count: 8}\n",
        "          - {name: 金凤区第二中学, count: 8}\n"
        "      - key: t3-committees\n        kind: qualitative\n        title: 建立家长委员会\n"
        "        clause: 建设标准化考场20个\n",
    )
    path = tmp_path / "moved.yaml"
    path.write_text(moved, encoding="utf-8")
    result = load(path)
    assert result.deleted == {"task": 1, "commitment": 1}  # t3-parent-meetings goes
    # the task's department goes with it, and its deletion is in the audit trail too
    assert not TaskDepartment.objects.filter(task__plan=result.plan, task__number=3).exists()
    kind = ContentType.objects.get_for_model(TaskDepartment)
    assert ChangeRecord.objects.filter(content_type=kind, action=AuditAction.DELETE).count() == 1
    committees.refresh_from_db()
    assert committees.task.number == 2 and committees.clause == "建设标准化考场20个"
    assert not Task.objects.filter(plan=result.plan, number=3).exists()
