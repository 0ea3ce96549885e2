"""The plan API: plans and tasks, read by every signed-in role; 401 without credentials, 404 for what
does not exist; filtered like the pages; commitments with what a status computation reads."""

from __future__ import annotations

import pytest

from tests.api.conftest import body
from tests.conftest import PERSONAS, World
from tests.plan.conftest import XIXIA, load, small_plan
from tisheng.plan.models import Task


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_plans_and_tasks(client_for, world: World, persona: str) -> None:
    plan = small_plan()
    task = Task.objects.get(plan=plan, number=1)
    client = client_for(persona)
    plans = body(client.get("/api/plans"))
    assert plans["count"] == 1 and plans["items"][0]["code"] == "jinfeng-2023-2027"
    assert body(client.get(f"/api/plans/{plan.pk}"))["id"] == plan.pk
    tasks = body(client.get("/api/plan-tasks"))
    assert tasks["count"] == 3
    assert body(client.get(f"/api/plan-tasks/{task.pk}"))["number"] == 1


def test_anonymous_gets_401_and_missing_rows_404(client_for, world: World) -> None:
    plan = small_plan()
    task = Task.objects.get(plan=plan, number=1)
    anon = client_for("anon")
    for path in ("/api/plans", f"/api/plans/{plan.pk}", "/api/plan-tasks", f"/api/plan-tasks/{task.pk}"):
        response = anon.get(path)
        assert response.status_code == 401, path
    leader = client_for("leader")
    assert leader.get("/api/plans/99999").status_code == 404
    assert leader.get("/api/plan-tasks/99999").status_code == 404


def test_plan_detail(client_for, world: World) -> None:
    plan = load(XIXIA).plan
    data = body(client_for("principal_b").get(f"/api/plans/{plan.pk}"))
    assert (data["start_year"], data["end_year"], data["task_count"]) == (2021, 2025, 29)
    assert data["district"]["code"] == "640105"
    assert [goal["number"] for goal in data["goals"]] == [1, 2, 3, 4, 5]
    fitness = data["goals"][0]["commitments"][0]
    assert fitness["key"] == "g1-fitness"
    assert (fitness["kind"], fitness["kind_label"]) == ("indicator", "指标目标")
    assert (fitness["indicator_id"], fitness["comparator"], fitness["deadline_year"]) == (
        "health.fitness_excellent_good_rate",
        ">=",
        2025,
    )
    assert float(fitness["target_value"]) == 50
    assert [len(project["tasks"]) for project in data["projects"]] == [4, 8, 5, 6, 6]
    assert [cm["key"] for cm in data["commitments"]] == [
        "plan-hearings",
        "plan-department-assessment",
        "plan-accountability",
    ]


def test_task_detail_and_list_filters(client_for, world: World) -> None:
    plan = load(XIXIA).plan
    client = client_for("dept_user")
    task25 = Task.objects.get(plan=plan, number=25)
    data = body(client.get(f"/api/plan-tasks/{task25.pk}"))
    assert data["text"].startswith("按照自治区考试院要求")
    assert [(d["role"], d["named_as"]) for d in data["departments"]] == [
        ("lead", "教育局"),
        ("responsible", "网信办"),
        ("responsible", "市场监管局"),
        ("responsible", "文化旅游体育广电局"),
        ("responsible", "公安分局"),
    ]
    assert data["departments"][0]["role_label"] == "牵头单位"
    rooms = next(cm for cm in data["commitments"] if cm["key"] == "t25-exam-rooms")
    assert (rooms["kind"], rooms["target_count"], rooms["indicator_id"]) == (
        "count",
        84,
        "exam.standard_rooms",
    )
    assert sum(part["count"] for part in rooms["parts"]) == 84
    task10 = Task.objects.get(plan=plan, number=10)
    town = body(client.get(f"/api/plan-tasks/{task10.pk}"))["commitments"][0]
    assert [m["stage"] for m in town["milestones"]] == ["approved", "started", "structure_done", "in_use"]
    listed = body(
        client.get("/api/plan-tasks", {"plan": plan.pk, "department": world.dept_finance.pk, "role": "lead"})
    )
    assert listed["count"] == 0
    listed = body(client.get("/api/plan-tasks", {"plan": plan.pk, "department": world.dept_finance.pk}))
    assert {item["number"] for item in listed["items"]} >= {5, 6, 7, 8, 9, 10, 16, 17}
    listed = body(client.get("/api/plan-tasks", {"kind": "project", "plan": plan.pk}))
    assert [item["number"] for item in listed["items"]] == [5, 6, 7, 10]


def test_plans_list_filters(client_for, world: World) -> None:
    load(XIXIA)
    small_plan()
    client = client_for("admin")
    assert body(client.get("/api/plans", {"year": 2026}))["items"][0]["code"] == "jinfeng-2023-2027"
    assert body(client.get("/api/plans", {"year": 2021}))["count"] == 1
    assert (
        body(client.get("/api/plans", {"district": world.district.pk}))["items"][0]["code"]
        == "xixia-2021-2025"
    )
    assert body(client.get("/api/plans", {"q": "金凤"}))["count"] == 1
