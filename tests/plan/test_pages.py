"""The plan pages: every signed-in role reads the plan (a public document), the public is sent to sign
in, a missing plan or task is a 404; the pages show what the plan says."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS, World
from tests.plan.conftest import XIXIA, load, small_plan
from tisheng.plan.models import Task


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_the_plan(client_for, world: World, persona: str) -> None:
    plan = small_plan()
    task = Task.objects.get(plan=plan, number=2)
    client = client_for(persona)
    for url in (
        reverse("plan:list"),
        reverse("plan:plan", args=[plan.pk]),
        reverse("plan:task-list"),
        reverse("plan:task", args=[task.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, (persona, url)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("plan:list")}"' in home  # in the navigation


def test_the_public_is_sent_to_sign_in(client_for, world: World) -> None:
    plan = small_plan()
    task = Task.objects.get(plan=plan, number=1)
    for url in (
        reverse("plan:list"),
        reverse("plan:plan", args=[plan.pk]),
        reverse("plan:task", args=[task.pk]),
    ):
        response = client_for("anon").get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_missing_plan_and_task_are_404(client_for, world: World) -> None:
    small_plan()
    client = client_for("leader")
    assert client.get(reverse("plan:plan", args=[99999])).status_code == 404
    assert client.get(reverse("plan:task", args=[99999])).status_code == 404


def test_plan_page_shows_goals_projects_tasks_and_departments(client_for, world: World) -> None:
    plan = load(XIXIA).plan
    content = client_for("principal_a").get(reverse("plan:plan", args=[plan.pk])).content.decode()
    for text in (
        "落实立德树人根本任务",
        "实施教育服务水平提升工程",
        "加快义务教育优质均衡发展",
        "政府办",
        "持续深化教育督导改革",
        "政府教育督导委员会",
        "区委、政府每年至少听取1次基础教育工作汇报",
        "≥ 50%",
    ):
        assert text in content, text
    tasks = Task.objects.filter(plan=plan)
    for task in tasks:
        assert reverse("plan:task", args=[task.pk]) in content


def test_task_page_shows_clause_departments_and_commitments(client_for, world: World) -> None:
    plan = load(XIXIA).plan
    task = Task.objects.get(plan=plan, number=25)
    content = client_for("dept_user").get(reverse("plan:task", args=[task.pk])).content.decode()
    assert "深化考试招生制度改革" in content
    assert "加大标准化考场建设力度" in content
    for name in ("网信办", "市场监管局", "文化旅游体育广电局", "公安分局"):
        assert name in content
    assert "建设84个标准化考场" in content
    seven = Task.objects.get(plan=plan, number=7)
    content = client_for("clerk_a").get(reverse("plan:task", args=[seven.pk])).content.decode()
    assert "10900" in content and "西夏区第二十小学" in content


def test_task_list_filters(client_for, world: World) -> None:
    plan = load(XIXIA).plan
    client = client_for("inspector")
    url = reverse("plan:task-list")
    content = client.get(url, {"plan": plan.pk, "role": "cooperating"}).content.decode()
    assert "全面落实“五项管理”" in content and "强化师德师风建设" in content
    assert "增强德育教育针对性实效性" not in content
    content = client.get(url, {"department": world.dept_housing.pk, "role": "responsible"}).content.decode()
    assert "加强学校标准化建设" in content and "规范教学组织管理" not in content
    content = client.get(url, {"q": "标准化考场"}).content.decode()
    assert "深化考试招生制度改革" in content and "强化师德师风建设" not in content
