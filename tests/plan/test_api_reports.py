"""The plan API's progress reports (list, detail, submit) by persona, the status (红黄绿) of commitments,
tasks and goals in the plan API, the overdue reports of a task, and query counts that do not grow with
the number of tasks or reports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import tisheng.api.plan as plan_api
from tests.api.conftest import body
from tests.conftest import World
from tests.plan.conftest import XIXIA, load, small_plan
from tests.plan.test_status import make_current, store
from tisheng.core.choices import ChangeSource
from tisheng.core.models import ApiToken, ChangeRecord, Department
from tisheng.plan import choices as c
from tisheng.plan.models import Commitment, Plan, ProgressReport, Task, TaskDepartment
from tisheng.plan.reports import Period, overdue_reports, submit
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
READERS = ("admin", "inspector", "leader")
SCHOOLS = ("principal_a", "clerk_a", "principal_b")
NOT_REPORTING = ("inspector", "leader", *SCHOOLS)


@pytest.fixture
def plan(world: World) -> Plan:
    return load(XIXIA).plan


def task_naming(plan: Plan, department: Department, *, other_than: Task | None = None) -> Task:
    tasks = Task.objects.filter(plan=plan, department_links__department=department)
    if other_than is not None:
        tasks = tasks.exclude(pk=other_than.pk)
    task = tasks.order_by("number").first()
    assert task is not None
    return task


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post("/api/progress-reports", data=json.dumps(data), content_type="application/json")


def payload(task: Task, department: Department, **extra: Any) -> dict[str, Any]:
    return {
        "task": task.pk,
        "department": department.pk,
        "year": 2025,
        "quarter": 3,
        "text": "落实专项资金 1,200 万元",
        "figures": "1,200 万元",
        **extra,
    }


def two_reports(world: World, plan: Plan) -> tuple[ProgressReport, ProgressReport]:
    """A report of 财政局 (the dept_user's department, with an evidence file) and one of 住建局, on two
    different tasks."""
    housing_task = task_naming(plan, world.dept_housing)
    finance_task = task_naming(plan, world.dept_finance, other_than=housing_task)
    upload = SimpleUploadedFile("拨款文件.pdf", PDF, content_type="application/pdf")
    finance = submit(
        world.users["dept_user"],
        finance_task,
        world.dept_finance,
        Period(2025, 2),
        text="落实专项资金",
        files=[upload],
        today=dt.date(2025, 7, 1),
    )
    housing = submit(
        world.users["admin"],
        housing_task,
        world.dept_housing,
        Period(2025, 2),
        text="完成选址",
        today=dt.date(2025, 7, 1),
    )
    return finance, housing


# --- reading reports -----------------------------------------------------------------------------------


def test_anonymous_gets_401(client_for: Callable[[str], Client], world: World, plan: Plan) -> None:
    finance, _housing = two_reports(world, plan)
    anon = client_for("anon")
    assert anon.get("/api/progress-reports").status_code == 401
    assert anon.get(f"/api/progress-reports/{finance.pk}").status_code == 401
    response = post(anon, payload(finance.task, world.dept_finance))
    assert response.status_code == 401 and body(response)["code"] == "unauthenticated"
    assert ProgressReport.objects.count() == 2


@pytest.mark.parametrize("persona", READERS)
def test_district_roles_read_every_report(
    client_for: Callable[[str], Client], world: World, plan: Plan, persona: str
) -> None:
    finance, housing = two_reports(world, plan)
    client = client_for(persona)
    listing = body(client.get("/api/progress-reports"))
    assert listing["count"] == 2
    assert {item["id"] for item in listing["items"]} == {finance.pk, housing.pk}
    for report in (finance, housing):
        assert body(client.get(f"/api/progress-reports/{report.pk}"))["id"] == report.pk


def test_a_department_user_reads_only_its_own_departments_reports(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    finance, housing = two_reports(world, plan)
    client = client_for("dept_user")
    listing = body(client.get("/api/progress-reports"))
    assert [item["id"] for item in listing["items"]] == [finance.pk]
    assert listing["items"][0]["department"]["short_name"] == world.dept_finance.short_name
    # naming another department in the filter does not widen the scope
    assert body(client.get(f"/api/progress-reports?department={world.dept_housing.pk}"))["count"] == 0
    response = client.get(f"/api/progress-reports/{housing.pk}")
    assert response.status_code == 404
    assert body(response) == {"code": "not_found", "detail": "对象不存在或无权访问"}


@pytest.mark.parametrize("persona", SCHOOLS)
def test_schools_get_403_on_the_list_and_404_on_a_report(
    client_for: Callable[[str], Client], world: World, plan: Plan, persona: str
) -> None:
    finance, _housing = two_reports(world, plan)
    client = client_for(persona)
    listing = client.get("/api/progress-reports")
    assert listing.status_code == 403 and body(listing)["code"] == "forbidden"
    assert client.get(f"/api/progress-reports/{finance.pk}").status_code == 404


def test_the_detail_lists_the_evidence_files_with_their_download_address(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    finance, _housing = two_reports(world, plan)
    data = body(client_for("dept_user").get(f"/api/progress-reports/{finance.pk}"))
    assert (data["year"], data["quarter"], data["period"]) == (2025, 2, "2025年第2季度")
    assert data["quarter_label"] == str(c.Quarter.Q2.label)
    assert data["text"] == "落实专项资金" and data["figures"] is None
    assert data["task"]["id"] == finance.task_id and data["task"]["plan"]["code"] == "xixia-2021-2025"
    assert data["submitted_by"]["username"] == "dept_user"
    assert data["evidence_count"] == 1
    [file] = data["files"]
    assert (file["name"], file["size"], file["media_type"]) == ("拨款文件.pdf", len(PDF), "application/pdf")
    assert file["url"] == f"/census/evidence/{file['id']}/"
    download = client_for("dept_user").get(file["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert client_for("principal_a").get(file["url"]).status_code == 404
    listed = body(client_for("leader").get("/api/progress-reports"))["items"]
    assert "files" not in listed[0] and {item["evidence_count"] for item in listed} == {0, 1}


def test_the_list_filters_by_task_department_year_and_quarter(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    finance, housing = two_reports(world, plan)
    ProgressReport.objects.create(
        task=finance.task, department=world.dept_finance, year=2024, quarter=4, text="上年"
    )
    client = client_for("admin")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/progress-reports?{query}")
        assert response.status_code == 200, response.content
        return sorted(item["id"] for item in body(response)["items"])

    assert len(ids("")) == 3
    assert ids(f"task={housing.task_id}") == [housing.pk]
    assert len(ids(f"department={world.dept_finance.pk}")) == 2
    assert ids("year=2025") == sorted([finance.pk, housing.pk])
    assert len(ids("year=2024&quarter=4")) == 1
    assert ids("quarter=2") == sorted([finance.pk, housing.pk])
    bad = client.get("/api/progress-reports?quarter=5")
    assert bad.status_code == 422 and body(bad)["code"] == "invalid"


# --- submitting ----------------------------------------------------------------------------------------


def test_a_department_user_submits_then_corrects_its_report(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    task = task_naming(plan, world.dept_finance)
    client = client_for("dept_user")
    created = post(client, payload(task, world.dept_finance))
    assert created.status_code == 201, created.content
    report = body(created)
    assert (report["task"]["id"], report["department"]["id"]) == (task.pk, world.dept_finance.pk)
    assert (report["text"], report["figures"], report["files"]) == (
        "落实专项资金 1,200 万元",
        "1,200 万元",
        [],
    )
    assert report["submitted_by"]["username"] == "dept_user"
    stored = ProgressReport.objects.get()
    assert ChangeRecord.objects.for_object(stored).get(action="create").source == ChangeSource.API

    corrected = post(client, payload(task, world.dept_finance, text="落实 1,300 万元", figures=""))
    assert corrected.status_code == 200, corrected.content
    assert body(corrected)["id"] == stored.pk and body(corrected)["text"] == "落实 1,300 万元"
    assert ProgressReport.objects.count() == 1
    update = ChangeRecord.objects.for_object(stored).get(action="update")
    assert update.source == ChangeSource.API and update.user == world.users["dept_user"]


def test_the_administrator_reports_for_any_department_a_task_names(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    task = task_naming(plan, world.dept_housing)
    response = post(client_for("admin"), payload(task, world.dept_housing, year=2024, quarter=1))
    assert response.status_code == 201, response.content
    assert body(response)["department"]["id"] == world.dept_housing.pk


def test_a_milestone_reached_is_reported_with_its_date(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    project = Commitment.objects.filter(plan=plan, kind=c.CommitmentKind.PROJECT, milestones__isnull=False)
    commitment = project.select_related("task").order_by("task__number").first()
    assert commitment is not None and commitment.task is not None
    milestone = commitment.milestones.order_by("position").first()
    assert milestone is not None
    department = commitment.task.department_links.order_by("position").first().department  # type: ignore[union-attr]
    client = client_for("admin")
    undated = post(client, payload(commitment.task, department, milestone=milestone.pk))
    assert undated.status_code == 422
    assert body(undated)["detail"][0]["msg"] == f"请填写“{milestone.get_stage_display()}”的完成日期。"
    dated = post(
        client, payload(commitment.task, department, milestone=milestone.pk, reached_on="2025-08-01")
    )
    assert dated.status_code == 201, dated.content
    data = body(dated)
    assert (data["milestone"]["id"], data["milestone"]["stage"]) == (milestone.pk, milestone.stage)
    assert data["reached_on"] == "2025-08-01"
    task = body(client.get(f"/api/plan-tasks/{commitment.task_id}"))
    shown = next(cm for cm in task["commitments"] if cm["id"] == commitment.pk)
    assert "2025-08-01" in shown["status_reason"]  # the project's status reads the milestone reached
    assert shown["status_reason"] == plan_status(plan).commitments[commitment.pk].reason


@pytest.mark.parametrize("persona", NOT_REPORTING)
def test_roles_that_do_not_report_get_403(
    client_for: Callable[[str], Client], world: World, plan: Plan, persona: str
) -> None:
    task = task_naming(plan, world.dept_finance)
    response = post(client_for(persona), payload(task, world.dept_finance))
    assert response.status_code == 403
    assert body(response) == {"code": "forbidden", "detail": "您的角色无权进行此操作"}
    assert not ProgressReport.objects.exists()


def test_a_department_user_reports_only_for_itself_on_its_tasks(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    client = client_for("dept_user")
    other_task = Task.objects.filter(plan=plan).exclude(department_links__department=world.dept_finance)[0]
    own_task = task_naming(plan, world.dept_finance)
    for task, department in ((other_task, world.dept_finance), (own_task, world.dept_housing)):
        response = post(client, payload(task, department))
        assert response.status_code == 403
        assert body(response) == {"code": "forbidden", "detail": "您只能为本单位承担的任务填报进度。"}
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "   "}, "请填写本季度的工作进展。"),
        ({"year": 2026, "quarter": 1}, "2026年第1季度不在行动方案的期限（2021—2025年）内。"),
        ({"places_delivered": 120}, "新增学位数只随“投用”里程碑填报。"),
    ],
)
def test_a_report_that_cannot_be_right_is_a_422_in_chinese(
    client_for: Callable[[str], Client], world: World, plan: Plan, change: dict[str, Any], message: str
) -> None:
    task = task_naming(plan, world.dept_finance)
    response = post(client_for("dept_user"), payload(task, world.dept_finance, **change))
    assert response.status_code == 422, response.content
    problem = body(response)
    assert problem["code"] == "invalid"
    assert {"loc": ["body", "payload"], "msg": message, "type": "invalid"} in problem["detail"]
    assert not ProgressReport.objects.exists()


def test_a_quarter_not_yet_begun_is_refused(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    future = Period.of(dt.date.today()).next()
    task = task_naming(plan, world.dept_finance)
    data = payload(task, world.dept_finance, year=future.year, quarter=future.quarter)
    response = post(client_for("admin"), data)
    assert response.status_code == 422
    assert f"{future}尚未开始，不能提前填报。" in [item["msg"] for item in body(response)["detail"]]


def test_unknown_references_and_malformed_bodies(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    task = task_naming(plan, world.dept_finance)
    client = client_for("dept_user")
    missing = post(client, {**payload(task, world.dept_finance), "task": 999999})
    assert missing.status_code == 422
    assert body(missing)["detail"] == [
        {"loc": ["body", "payload", "task"], "msg": "任务不存在或无权访问", "type": "invalid"}
    ]
    milestone = post(client, payload(task, world.dept_finance, milestone=999999))
    assert body(milestone)["detail"][0]["loc"] == ["body", "payload", "milestone"]
    quarter = post(client, payload(task, world.dept_finance, quarter=5))
    assert quarter.status_code == 422 and body(quarter)["detail"][0]["loc"][-1] == "quarter"
    malformed = client.post("/api/progress-reports", data="{not json", content_type="application/json")
    assert malformed.status_code == 400 and body(malformed)["code"] == "bad_request"
    assert not ProgressReport.objects.exists()


def test_a_session_post_needs_the_csrf_token(world: World, plan: Plan) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["dept_user"])
    refused = post(client, payload(task_naming(plan, world.dept_finance), world.dept_finance))
    assert refused.status_code == 403 and body(refused)["code"] == "csrf_failed"


def test_a_token_posts_without_a_csrf_token(world: World, plan: Plan) -> None:
    _token, key = ApiToken.issue(world.users["dept_user"], "test script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    response = post(client, payload(task_naming(plan, world.dept_finance), world.dept_finance))
    assert response.status_code == 201, response.content


# --- status and overdue reports in the plan API -------------------------------------------------------


def test_commitments_tasks_and_goals_carry_their_status(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    store(world, "health.fitness_excellent_good_rate", {2022: "44.0", 2023: "46.5", 2024: "48.0"})
    store(world, "recognition.moral_education_school", {2023: "2", 2024: "3"}, breakdown="level=city")
    make_current(2024)
    expected = plan_status(plan)
    client = client_for("principal_b")
    data = body(client.get(f"/api/plans/{plan.pk}"))
    fitness = data["goals"][0]["commitments"][0]
    assert fitness["key"] == "g1-fitness"
    assert (fitness["status"], fitness["status_label"]) == ("green", "绿（进度正常）")
    assert fitness["status_reason"] == expected.commitments[fitness["id"]].reason
    assert fitness["status_reason"].startswith("学生体质健康优良率2024年为48.0%")
    goal1 = data["goals"][0]
    assert goal1["status"] == expected.goals[goal1["id"]].value
    task1 = Task.objects.get(plan=plan, number=1)
    brief = next(t for project in data["projects"] for t in project["tasks"] if t["id"] == task1.pk)
    assert (brief["status"], brief["status_label"]) == ("red", "红（进度滞后）")
    for commitment in data["commitments"]:  # the plan's own (组织实施)
        assert commitment["status"] == expected.commitments[commitment["id"]].status.value

    listing = body(client.get(f"/api/plan-tasks?plan={plan.pk}&limit=100"))
    statuses = {item["id"]: item["status"] for item in listing["items"]}
    assert statuses[task1.pk] == "red"
    assert statuses == {t.pk: expected.of_task(t).value for t in Task.objects.filter(plan=plan)}

    detail = body(client.get(f"/api/plan-tasks/{task1.pk}"))
    assert (detail["status"], detail["status_label"]) == ("red", "红（进度滞后）")
    city = next(cm for cm in detail["commitments"] if "德育示范校认定数2025年预计4所" in cm["status_reason"])
    assert (city["status"], city["status_label"]) == ("red", "红（进度滞后）")
    assert "低于目标10所" in city["status_reason"]
    unknown = [cm for cm in detail["commitments"] if cm["status"] == Status.UNKNOWN.value]
    assert all(cm["status_label"] == "无数据" for cm in unknown)

    english = body(client.get(f"/api/plan-tasks/{task1.pk}", headers={"Accept-Language": "en"}))
    assert english["status_label"] == "Off track"


def test_the_status_is_computed_once_per_plan_per_request(
    client_for: Callable[[str], Client], world: World, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = small_plan()
    computed: list[str] = []

    def counting(of: Plan, **kwargs: Any) -> Any:
        computed.append(of.code)
        return plan_status(of, **kwargs)

    monkeypatch.setattr(plan_api, "plan_status", counting)
    client = client_for("leader")
    assert client.get(f"/api/plans/{plan.pk}").status_code == 200
    assert computed == [plan.code]
    computed.clear()
    assert body(client.get("/api/plan-tasks?limit=100"))["count"] == 29 + 3
    assert sorted(computed) == sorted([plan.code, other.code])
    computed.clear()
    assert client.get(f"/api/plan-tasks/{Task.objects.filter(plan=plan).first().pk}").status_code == 200  # type: ignore[union-attr]
    assert computed == [plan.code]


def test_a_task_lists_its_lead_units_overdue_reports(
    client_for: Callable[[str], Client], world: World, plan: Plan, settings: Any
) -> None:
    settings.REPORTS_FROM = dt.date(2025, 1, 1)
    task1 = Task.objects.get(plan=plan, number=1)
    lead = task1.department_links.get(role=c.DepartmentRole.LEAD).department
    today = dt.date.today()
    expected = overdue_reports(plan, today, tasks=[task1])[::-1]
    assert expected, "the plan's 2025 quarters are due"
    client = client_for("dept_user")
    data = body(client.get(f"/api/plan-tasks/{task1.pk}"))
    assert data["overdue_reports"] == [
        {
            "department": {"id": lead.pk, "code": lead.code, "short_name": lead.short_name},
            "year": o.period.year,
            "quarter": o.period.quarter,
            "due": o.due.isoformat(),
            "sentence": o.sentence(),
        }
        for o in expected
    ]
    assert data["overdue_reports"][-1]["sentence"] == (
        f"{lead.short_name}未按期提交2025年第1季度进度报告（应于2025-04-15前提交）"
    )
    ProgressReport.objects.create(task=task1, department=lead, year=2025, quarter=1, text="已完成")
    again = body(client.get(f"/api/plan-tasks/{task1.pk}"))["overdue_reports"]
    assert (2025, 1) not in [(o["year"], o["quarter"]) for o in again]
    assert len(again) == len(expected) - 1


# --- query counts ---------------------------------------------------------------------------------------


def grow_tasks(plan: Plan, world: World, extra: int = 20) -> None:
    """``extra`` more tasks in the plan, each naming 财政局 as lead unit, with a commitment."""
    template = Commitment.objects.filter(plan=plan, task__isnull=False).order_by("pk").first()
    assert template is not None
    project = template.task.project  # type: ignore[union-attr]
    for i in range(extra):
        task = Task.objects.create(
            plan=plan, project=project, number=100 + i, title=f"增补任务{i}", text="增补"
        )
        TaskDepartment.objects.create(
            task=task, department=world.dept_finance, role=c.DepartmentRole.LEAD, named_as="财政局"
        )
        template.pk = None
        template._state.adding = True
        template.key = f"extra-{i}"
        template.task = task
        template.save()


def grow_reports(plan: Plan, world: World, extra: int = 16) -> None:
    """``extra`` more reports of 财政局 on one task, of the quarters of 2021–2024."""
    task = task_naming(plan, world.dept_finance)
    for i in range(extra):
        ProgressReport.objects.create(
            task=task, department=world.dept_finance, year=2021 + i // 4, quarter=1 + i % 4, text=f"进展{i}"
        )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("persona", ["admin", "dept_user", "principal_a"])
def test_plan_query_counts_do_not_grow_with_the_tasks(
    client_for: Callable[[str], Client], world: World, django_assert_max_num_queries: Any, persona: str
) -> None:
    plan = small_plan()
    task = Task.objects.filter(plan=plan).order_by("number").first()
    assert task is not None
    client = client_for(persona)
    urls = [
        f"/api/plan-tasks?plan={plan.pk}&limit=500",
        f"/api/plans/{plan.pk}",
        f"/api/plan-tasks/{task.pk}",
    ]
    few = [count(client, url) for url in urls]
    grow_tasks(plan, world)
    for url, before in zip(urls, few, strict=True):
        with django_assert_max_num_queries(before):
            count(client, url)
    assert body(client.get(urls[0]))["count"] == 3 + 20


@pytest.mark.parametrize("persona", ["admin", "dept_user"])
def test_report_query_counts_do_not_grow_with_the_reports(
    client_for: Callable[[str], Client],
    world: World,
    plan: Plan,
    django_assert_max_num_queries: Any,
    persona: str,
) -> None:
    finance, _housing = two_reports(world, plan)
    client = client_for(persona)
    urls = ["/api/progress-reports", f"/api/progress-reports/{finance.pk}"]
    few = [count(client, url) for url in urls]
    grow_reports(plan, world)
    for url, before in zip(urls, few, strict=True):
        with django_assert_max_num_queries(before):
            count(client, url)
    assert body(client.get(urls[0]))["count"] >= 16
