"""The plan board (plan/board.py, /plan/board/): deadlines and overdue marks from the plan's own dates,
the department filter, a department's own board with the reports it owes, and the query bound."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import PASSWORD, World
from tests.plan.conftest import XIXIA, load, small_plan
from tisheng.core.choices import Role
from tisheng.core.models import Department, User
from tisheng.plan import choices as c
from tisheng.plan.board import Deadline, build_board, next_report_due
from tisheng.plan.models import Milestone, Plan, ProgressReport, Task
from tisheng.plan.reports import Period
from tisheng.plan.status import plan_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> Plan:
    return load(XIXIA).plan


def on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """The pages' today."""
    monkeypatch.setattr("tisheng.plan.views.today", lambda: day)
    monkeypatch.setattr("tisheng.web.views._today", lambda: day)


def test_a_tasks_deadlines_come_from_its_milestones_and_reports(world: World) -> None:
    plan = small_plan()  # 2023–2027; task 1 开工 planned 2024, 投用 2026-09-01, led by 金凤区教育局
    today = dt.date(2024, 6, 1)
    board = build_board(plan, world.users["leader"], today)
    task1 = next(t for t in board.tasks if t.task.number == 1)
    # 2024 Q2's report is due on 15 July, before the milestones
    assert task1.next_deadline == Deadline(dt.date(2024, 7, 15), "2024年第2季度进度报告")
    milestones = sorted((d.date, d.done) for d in task1.deadlines if "新建金凤区第三十小学" in d.what)
    assert milestones == [(dt.date(2024, 12, 31), False), (dt.date(2026, 9, 1), False)]
    # 2023 Q1 … 2024 Q1 are due and not reported: five overdue reports, the oldest first
    assert [d.date for d in task1.missed] == [
        dt.date(2023, 4, 15),
        dt.date(2023, 7, 15),
        dt.date(2023, 10, 15),
        dt.date(2024, 1, 15),
        dt.date(2024, 4, 15),
    ]
    assert task1.is_overdue and board.overdue_count == 3  # every task has a lead unit owing reports

    # the next January the 开工 milestone (end of 2024) has passed unreported
    later = build_board(plan, world.users["leader"], dt.date(2025, 1, 2))
    task1 = next(t for t in later.tasks if t.task.number == 1)
    started = [d for d in task1.missed if d.date == dt.date(2024, 12, 31)]
    assert len(started) == 1 and "新建金凤区第三十小学" in started[0].what
    assert "2024年第4季度进度报告" in [d.what for d in task1.deadlines]

    # a report that the milestone was reached makes it done
    milestone = Milestone.objects.get(commitment__task=task1.task, stage=c.MilestoneStage.STARTED)
    lead = task1.leads[0].department
    ProgressReport.objects.create(
        task=task1.task,
        department=lead,
        year=2024,
        quarter=4,
        text="开工",
        milestone=milestone,
        reached_on=dt.date(2024, 11, 3),
    )
    again = build_board(plan, world.users["leader"], dt.date(2025, 1, 2))
    task1 = next(t for t in again.tasks if t.task.number == 1)
    assert not [d for d in task1.missed if d.date == dt.date(2024, 12, 31)]
    # and the quarter's report, now in, is no longer a deadline ahead
    assert "2024年第4季度进度报告" not in [d.what for d in task1.deadlines]


def test_a_commitment_deadline_is_missed_only_when_judged_red(world: World) -> None:
    plan = small_plan()
    board = build_board(plan, world.users["leader"], dt.date(2026, 3, 1))
    task2 = next(t for t in board.tasks if t.task.number == 2)  # 20 考场 by 2025, no data: not missed
    rooms = [d for d in task2.deadlines if d.date == dt.date(2025, 12, 31)]
    assert len(rooms) == 1 and rooms[0].done
    assert not any(d.date == dt.date(2025, 12, 31) for d in task2.missed)


def test_the_next_report_falls_due_within_the_plan(world: World) -> None:
    plan = small_plan()
    assert next_report_due(plan, dt.date(2024, 1, 10)) == Period(2023, 4)  # due 15 January
    assert next_report_due(plan, dt.date(2024, 1, 16)) == Period(2024, 1)
    assert next_report_due(plan, dt.date(2028, 1, 10)) == Period(2027, 4)
    assert next_report_due(plan, dt.date(2028, 1, 16)) is None  # the plan is over


def test_the_board_shows_every_task_with_the_status_of_the_plan_page(
    client_for: Callable[[str], Client], world: World, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, dt.date(2025, 5, 1))
    response = client_for("leader").get("/plan/board/")
    assert response.status_code == 200
    board = response.context["board"]
    assert board.plan == plan and len(board.tasks) == Task.objects.filter(plan=plan).count()
    found = plan_status(plan, today=dt.date(2025, 5, 1))
    assert {t.task.pk: t.status for t in board.tasks} == {
        t.pk: found.of_task(t) for t in Task.objects.filter(plan=plan)
    }
    assert [bp.project.number for bp in board.projects] == [1, 2, 3, 4, 5]
    page = response.content.decode()
    assert 'id="board-tasks-1"' in page and "牵头单位" in page
    task5 = next(t for t in board.tasks if t.task.number == 5)
    assert [link.named_as for link in task5.leads] == ["教育局"]
    assert "财政局" in [link.named_as for link in task5.responsible]


def test_the_board_filters_by_department_and_htmx_gets_the_board_only(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    client = client_for("inspector")
    response = client.get("/plan/board/", {"department": world.dept_housing.pk})
    named = set(
        Task.objects.filter(plan=plan, department_links__department=world.dept_housing).values_list(
            "pk", flat=True
        )
    )
    assert named and {t.task.pk for t in response.context["board"].tasks} == named
    assert response.context["chosen"] == world.dept_housing
    partial = client.get(
        "/plan/board/", {"department": world.dept_housing.pk}, headers={"HX-Request": "true"}
    )
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body and body.lstrip().startswith('<div id="board">')
    assert "HX-Request" in partial["Vary"]
    # an unknown department shows the whole board
    assert len(client.get("/plan/board/", {"department": "x"}).context["board"].tasks) == 29


def test_a_department_sees_only_its_own_tasks_whatever_it_asks(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    client = client_for("dept_user")  # 财政局
    response = client.get("/plan/board/", {"department": world.dept_housing.pk})
    board = response.context["board"]
    mine = set(
        Task.objects.filter(plan=plan, department_links__department=world.dept_finance).values_list(
            "pk", flat=True
        )
    )
    assert board.department == world.dept_finance and {t.task.pk for t in board.tasks} == mine
    assert all(
        "财政局" in {link.department.short_name for link in t.task.department_links.all()}
        for t in board.tasks
    )
    assert response.context["departments"] is None  # no filter to choose another
    assert all(t.own_roles for t in board.tasks)
    assert board.led_count == 0 and board.owed == []  # 财政局 leads none: nothing chased, and it says so
    assert "不催报季度进度报告" in response.content.decode()
    # its home is its own board too
    home = client.get("/home/")
    assert [t.task.pk for t in home.context["board"].tasks] == [t.task.pk for t in board.tasks]
    assert "web/home_department.html" in [t.name for t in home.templates]


def test_a_lead_department_sees_the_reports_it_owes_and_where_to_submit(
    world: World, plan: Plan, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    settings.REPORTS_FROM = dt.date(2025, 1, 1)  # type: ignore[attr-defined]
    bureau = Department.objects.get(short_name="教育局")
    user = User.objects.create_user(
        username="jyj", password=PASSWORD, role=Role.DEPARTMENT, department=bureau
    )
    led = list(
        Task.objects.filter(
            plan=plan, department_links__department=bureau, department_links__role=c.DepartmentRole.LEAD
        )
        .distinct()
        .order_by("number")
    )
    ProgressReport.objects.create(task=led[0], department=bureau, year=2025, quarter=1, text="已完成")
    on(monkeypatch, dt.date(2025, 5, 1))  # 2025 Q1 is overdue (due 15 April); Q2 falls due 15 July
    client = Client()
    client.force_login(user)
    board = client.get("/home/").context["board"]
    assert board.led_count == len(led)
    owed = board.owed
    overdue = [o for o in owed if o.overdue]
    assert {o.task for o in overdue} == set(led[1:]) and {o.period for o in overdue} == {Period(2025, 1)}
    coming = [o for o in owed if not o.overdue]
    assert {o.task for o in coming} == set(led) and {o.due for o in coming} == {dt.date(2025, 7, 15)}
    assert owed[0].overdue and owed[0].url == led[1].get_absolute_url() + "#report-form"
    page = client.get("/plan/board/").content.decode()
    assert f'href="{led[1].get_absolute_url()}#report-form"' in page and 'class="overdue"' in page


def test_the_board_costs_a_fixed_number_of_queries(
    client_for: Callable[[str], Client], world: World, plan: Plan, django_assert_max_num_queries
) -> None:
    """Twenty-one queries, for the 29 tasks of the 西夏区 plan as for the 3 of the small plan."""
    client = client_for("leader")
    small = small_plan()
    client.get("/plan/board/")  # warm the catalogue and the session
    counts = []
    for pk in (plan.pk, small.pk):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/plan/{pk}/board/").status_code == 200
        counts.append(len(queries))
    # the same count but for one: the small plan (2023–2027) has a quarter's report still to come, so the
    # reports already filed for it are read; the 西夏区 plan has ended
    assert counts[1] == counts[0] + 1
    with django_assert_max_num_queries(23):
        assert client.get("/plan/board/", {"department": world.dept_finance.pk}).status_code == 200


def test_the_board_needs_a_sign_in(client_for: Callable[[str], Client], world: World, plan: Plan) -> None:
    assert client_for("anon").get("/plan/board/").status_code == 302
    assert client_for("principal_a").get(f"/plan/{plan.pk}/board/").status_code == 200  # the plan is public
    assert client_for("leader").get("/plan/999999/board/").status_code == 404


def test_the_board_without_a_plan_says_how_to_load_one(client_for, world) -> None:
    response = client_for("leader").get("/plan/board/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "还没有导入任何行动方案" in text and "tisheng plan load" in text
