"""Progress reports (plan/reports.py): the quarters owed, overdue reports, submitting with evidence,
scoping, and a project's status from the milestones its reports say were reached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World
from tests.plan.conftest import XIXIA, load, small_plan
from tisheng.core.evidence import Evidence
from tisheng.core.models import ChangeRecord, Department
from tisheng.plan import choices as c
from tisheng.plan.models import Commitment, Milestone, Plan, ProgressReport, Task
from tisheng.plan.reports import Period, overdue_reports, owed_periods, submit
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(world: World) -> Plan:
    return load(XIXIA).plan


def finance_task(plan: Plan, world: World) -> Task:
    """A task of the 西夏区 plan that names the test world's 财政局."""
    return Task.objects.filter(plan=plan, department_links__department=world.dept_finance).order_by("number")[
        0
    ]


def test_quarters_and_their_due_dates(settings: object) -> None:
    assert Period.of(dt.date(2025, 9, 30)) == Period(2025, 3)
    assert Period(2025, 4).next() == Period(2026, 1)
    assert (Period(2025, 1).first_day, Period(2025, 1).last_day) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 31),
    )
    assert Period(2025, 3).due() == dt.date(2025, 10, 15)  # 15 days after 30 September
    settings.REPORT_DUE_DAYS = 10  # type: ignore[attr-defined]
    assert Period(2025, 3).due() == dt.date(2025, 10, 10)
    assert str(Period(2025, 3)) == "2025年第3季度"


def test_the_quarters_owed_run_from_the_plan_start_to_its_end(
    world: World, plan: Plan, settings: object
) -> None:
    owed = owed_periods(plan, dt.date(2021, 7, 15))
    assert owed == [Period(2021, 1)]  # Q2's report is due on 15 July: not yet overdue on that day
    assert owed_periods(plan, dt.date(2021, 7, 16)) == [Period(2021, 1), Period(2021, 2)]
    assert len(owed_periods(plan, dt.date(2030, 1, 1))) == 20  # 2021–2025, nothing after the plan
    settings.REPORTS_FROM = dt.date(2025, 5, 20)  # type: ignore[attr-defined]
    assert owed_periods(plan, dt.date(2026, 1, 20)) == [Period(2025, 2), Period(2025, 3), Period(2025, 4)]


def test_a_lead_unit_without_a_report_is_overdue_and_a_report_clears_it(
    world: World, plan: Plan, settings: object
) -> None:
    settings.REPORTS_FROM = dt.date(2025, 1, 1)  # type: ignore[attr-defined]
    task1 = Task.objects.get(plan=plan, number=1)
    lead = task1.department_links.get(role=c.DepartmentRole.LEAD).department
    today = dt.date(2025, 7, 20)
    overdue = overdue_reports(plan, today, tasks=[task1])
    assert [(o.department, o.period) for o in overdue] == [(lead, Period(2025, 1)), (lead, Period(2025, 2))]
    assert (
        overdue[0].sentence() == f"{lead.short_name}未按期提交2025年第1季度进度报告（应于2025-04-15前提交）"
    )
    ProgressReport.objects.create(task=task1, department=lead, year=2025, quarter=1, text="已完成")
    assert [o.period for o in overdue_reports(plan, today, tasks=[task1])] == [Period(2025, 2)]
    # responsible and cooperating units are not chased
    everyone = {o.department for o in overdue_reports(plan, today)}
    assert world.dept_finance not in everyone


def test_a_department_submits_with_evidence_and_a_second_submission_corrects_it(
    world: World, plan: Plan
) -> None:
    task = finance_task(plan, world)
    user = world.users["dept_user"]
    upload = SimpleUploadedFile("拨款文件.pdf", PDF, content_type="application/pdf")
    report = submit(
        user,
        task,
        world.dept_finance,
        Period(2025, 2),
        text="落实专项资金 1,200 万元",
        figures="1,200 万元",
        files=[upload],
        today=dt.date(2025, 7, 1),
    )
    assert report.submitted_by == user and report.text == "落实专项资金 1,200 万元"
    assert Evidence.objects.for_object(report).get().original_name == "拨款文件.pdf"
    again = submit(
        user, task, world.dept_finance, Period(2025, 2), text="落实 1,300 万元", today=dt.date(2025, 7, 2)
    )
    assert again.pk == report.pk and ProgressReport.objects.count() == 1
    assert ChangeRecord.objects.for_object(report).filter(action="update").exists()


@pytest.mark.parametrize(
    ("period", "text", "message"),
    [
        (Period(2025, 4), "计划", "尚未开始，不能提前填报"),
        (Period(2020, 4), "旧事", "不在行动方案的期限"),
        (Period(2025, 2), "   ", "请填写本季度的工作进展"),
    ],
)
def test_a_report_that_cannot_be_right_is_refused_in_chinese(
    world: World, plan: Plan, period: Period, text: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        submit(
            world.users["dept_user"],
            finance_task(plan, world),
            world.dept_finance,
            period,
            text=text,
            today=dt.date(2025, 7, 1),
        )
    assert not ProgressReport.objects.exists()


def test_only_the_departments_a_task_names_report_on_it(world: World, plan: Plan) -> None:
    other = Task.objects.filter(plan=plan).exclude(department_links__department=world.dept_finance).first()
    assert other is not None
    with pytest.raises(PermissionDenied):
        submit(
            world.users["dept_user"],
            other,
            world.dept_finance,
            Period(2025, 2),
            text="x",
            today=dt.date(2025, 7, 1),
        )
    task = finance_task(plan, world)
    for persona in ("inspector", "leader", "principal_a"):
        with pytest.raises(PermissionDenied):
            submit(
                world.users[persona],
                task,
                world.dept_finance,
                Period(2025, 2),
                text="x",
                today=dt.date(2025, 7, 1),
            )
    # the administrator may report for any department the task names
    admin = submit(
        world.users["admin"],
        task,
        world.dept_finance,
        Period(2025, 2),
        text="代填",
        today=dt.date(2025, 7, 1),
    )
    assert admin.department == world.dept_finance


def test_the_task_page_takes_a_report_and_shows_only_what_the_user_may_see(
    client_for: Callable[[str], Client], world: World, plan: Plan
) -> None:
    task = finance_task(plan, world)
    education = Department.objects.get(short_name="教育局")
    ProgressReport.objects.create(
        task=task, department=education, year=2021, quarter=1, text="教育局的报告内容"
    )
    client = client_for("dept_user")
    page = client.get(task.get_absolute_url()).content.decode()
    assert "填报进度" in page and "教育局的报告内容" not in page  # another department's report
    upload = SimpleUploadedFile("进度.pdf", PDF, content_type="application/pdf")
    response = client.post(
        task.get_absolute_url(),
        {
            "department": world.dept_finance.pk,
            "period": "2021-2",
            "text": "资金已拨付",
            "figures": "",
            "files": [upload],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(department=world.dept_finance)
    assert (report.year, report.quarter) == (2021, 2)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "资金已拨付" in page and "进度.pdf" in page
    district = client_for("inspector").get(task.get_absolute_url()).content.decode()
    assert "资金已拨付" in district and "教育局的报告内容" in district and "填报进度" not in district
    assert client_for("inspector").post(task.get_absolute_url(), {"text": "x"}).status_code == 403
    assert client_for("principal_a").post(task.get_absolute_url(), {"text": "x"}).status_code == 403
    bad = client.post(
        task.get_absolute_url(), {"department": world.dept_finance.pk, "period": "2021-3", "text": ""}
    )
    assert bad.status_code == 400 and ProgressReport.objects.count() == 2


def test_the_task_page_lists_the_overdue_reports(
    client_for: Callable[[str], Client], world: World, plan: Plan, settings: object
) -> None:
    settings.REPORTS_FROM = dt.date(2025, 1, 1)  # type: ignore[attr-defined]  # due by now (after 2025)
    task1 = Task.objects.get(plan=plan, number=1)
    page = client_for("leader").get(task1.get_absolute_url()).content.decode()
    assert "份进度报告逾期未交" in page and "未按期提交" in page


def test_a_project_is_judged_on_its_milestones(world: World) -> None:
    plan = small_plan()
    project = (
        Commitment.objects.filter(plan=plan, kind=c.CommitmentKind.PROJECT, milestones__isnull=False)
        .distinct()
        .get()
    )
    started = Milestone.objects.get(commitment=project, stage=c.MilestoneStage.STARTED)  # planned 2024
    in_use = Milestone.objects.get(commitment=project, stage=c.MilestoneStage.IN_USE)  # planned 2026-09-01

    def status(today: dt.date) -> tuple[Status, str]:
        found = plan_status(plan, today=today).commitments[project.pk]
        return found.status, found.reason

    assert status(dt.date(2023, 6, 1))[0] == Status.GREEN  # nothing due yet
    assert status(dt.date(2024, 6, 1)) == (
        Status.YELLOW,
        "“开工”计划于2024年完成，尚未报告；已交付学位0个，计划1,800个",  # due this year, not yet reported
    )
    red = status(dt.date(2025, 1, 2))
    assert red[0] == Status.RED and red[1].startswith("“开工”计划于2024年完成，尚未报告完成")
    lead = project.task.department_links.filter(role=c.DepartmentRole.LEAD).first().department
    ProgressReport.objects.create(
        task=project.task,
        department=lead,
        year=2024,
        quarter=4,
        text="开工",
        milestone=started,
        reached_on=dt.date(2024, 11, 3),
    )
    assert status(dt.date(2025, 1, 2))[0] == Status.GREEN
    assert "开工（2024-11-03）" in status(dt.date(2025, 1, 2))[1]
    assert status(dt.date(2026, 9, 2))[0] == Status.RED  # 投用 planned 2026-09-01, not reported
    ProgressReport.objects.create(
        task=project.task,
        department=lead,
        year=2026,
        quarter=3,
        text="投用",
        milestone=in_use,
        reached_on=dt.date(2026, 8, 30),
        places_delivered=900,
    )
    assert status(dt.date(2026, 9, 2))[0] == Status.GREEN
    assert "已交付学位900个" in status(dt.date(2026, 9, 2))[1]


def test_the_task_list_counts_each_tasks_overdue_reports(
    client_for: Callable[[str], Client], world: World, plan: Plan, settings: object
) -> None:
    settings.REPORTS_FROM = dt.date(2025, 7, 1)  # type: ignore[attr-defined]  # Q3 and Q4 of 2025 owed
    task1 = Task.objects.get(plan=plan, number=1)
    lead = task1.department_links.get(role=c.DepartmentRole.LEAD).department
    ProgressReport.objects.create(task=task1, department=lead, year=2025, quarter=3, text="已完成")
    listing = client_for("leader").get("/plan/tasks/", {"plan": plan.pk})
    header = [h["label"] for h in listing.context["table"].header()]
    column = header.index("逾期报告")
    counts = {row[0].value: str(row[column].value) for row in listing.context["table"].body()}
    assert "1</span>" in counts[1] and "2</span>" in counts[2]  # task 1 reported Q3; task 2 neither
