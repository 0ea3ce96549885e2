"""The plan's progress bulletin (进展情况通报) as a .docx in the style of a government document.

Every figure comes from the services: the statuses from :func:`tisheng.plan.status.plan_status`, the
overdue reports from :func:`tisheng.plan.reports.overdue_reports`, the departments' yearly evaluation
from :func:`tisheng.supervision.accountability.yearly_table`. The document has a title with the period,
then 一、总体进展 (a paragraph written from the counts), 二、各项任务进展 (a table), 三、亮红灯事项,
四、进度报告报送情况 and 五、部门履职情况. The house style (A4, 仿宋 body, 黑体 headings, 宋体 title)
is :mod:`tisheng.reports.docx`, shared with the annual report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from tisheng.plan import choices as c
from tisheng.plan.models import Commitment, Plan, ProgressReport, Task, TaskDepartment
from tisheng.plan.reports import Overdue, Period, overdue_reports, owed_periods
from tisheng.plan.status import CommitmentStatus, PlanStatus, plan_status
from tisheng.plan.trajectory import Status
from tisheng.supervision.accountability import yearly_table

from .docx import HEADING_FONT, TITLE_FONT, new_document, to_bytes
from .docx import paragraph as _paragraph
from .docx import table as _table

ORDER = (Status.GREEN, Status.YELLOW, Status.RED, Status.UNKNOWN)
HEADINGS = ("一、总体进展", "二、各项任务进展", "三、亮红灯事项", "四、进度报告报送情况", "五、部门履职情况")


def bulletin_title(plan: Plan, period: Period) -> str:
    """《……行动进展情况通报》: the plan's name without its last word (实施方案, 方案), then the quarter."""
    name = plan.name.removesuffix("实施方案").removesuffix("方案")
    return f"{name}进展情况通报（{period}）"


def bulletin_period(plan: Plan, today: dt.date) -> Period:
    """The quarter a bulletin of ``today`` covers: the latest whose reports are due, else the current one."""
    owed = owed_periods(plan, today)
    return owed[-1] if owed else Period.of(today)


def _name(department: object) -> str:
    return department.short_name or department.name  # type: ignore[attr-defined]


def overall_sentence(tasks: Sequence[Task], found: PlanStatus) -> str:
    """一、总体进展: the counts of tasks and commitments by status, in words."""
    task_counts = Counter(found.of_task(task) for task in tasks)
    commitment_counts = Counter(s.status for s in found.commitments.values())

    def parts(counts: Counter[Status], unit: str) -> str:
        return "，".join(f"{s.label}{counts[s]}{unit}" for s in ORDER)

    return (
        f"方案共部署任务{len(tasks)}项，按各项承诺的完成情况研判："
        f"{parts(task_counts, '项')}。方案共作出承诺{len(found.commitments)}条，其中"
        f"{parts(commitment_counts, '条')}。亮红灯的事项须由牵头单位说明原因、限期整改；"
        f"无数据的事项通过进度报告跟踪。"
    )


def build_bulletin(plan: Plan, *, today: dt.date, quarter: Period | None = None) -> bytes:
    """The bulletin of ``plan`` as of ``today`` for ``quarter`` (by default the latest quarter whose
    reports are due), as the bytes of a .docx file."""
    period = quarter or bulletin_period(plan, today)
    found = plan_status(plan, today=today)
    tasks = list(plan.tasks.order_by("number"))
    commitments = list(Commitment.objects.filter(plan=plan).order_by("task__number", "position", "pk"))
    by_task: dict[int, list[tuple[Commitment, CommitmentStatus]]] = {}
    for commitment in commitments:
        if commitment.task_id is not None:
            by_task.setdefault(commitment.task_id, []).append((commitment, found.commitments[commitment.pk]))
    leads: dict[int, list[TaskDepartment]] = {}
    for link in (
        TaskDepartment.objects.filter(task__plan=plan, role=c.DepartmentRole.LEAD)
        .select_related("department")
        .order_by("position")
    ):
        leads.setdefault(link.task_id, []).append(link)

    def lead_names(task_id: int | None) -> str:
        names = dict.fromkeys(_name(link.department) for link in leads.get(task_id or 0, []))
        return "、".join(names) or "—"

    doc = new_document(bulletin_title(plan, period))

    _paragraph(doc, bulletin_title(plan, period), font=TITLE_FONT, size=22, bold=True, centre=True)
    _paragraph(doc, f"（截至{today.year}年{today.month}月{today.day}日）", size=16, centre=True)

    _paragraph(doc, HEADINGS[0], font=HEADING_FONT, indent=True)
    _paragraph(doc, overall_sentence(tasks, found))

    _paragraph(doc, HEADINGS[1], font=HEADING_FONT)
    rows = []
    for task in tasks:
        said = [
            f"{commitment.title}：{result.reason}"
            for commitment, result in by_task.get(task.pk, [])
            if result.status in (Status.RED, Status.YELLOW)
        ]
        rows.append(
            (str(task.number), task.title, lead_names(task.pk), found.of_task(task).label, "；".join(said))
        )
    _table(doc, ("编号", "任务", "牵头单位", "状态", "说明"), rows, widths=(1.1, 3.8, 2.1, 1.8, 6.8))

    _paragraph(doc, HEADINGS[2], font=HEADING_FONT)
    red = [(x, found.commitments[x.pk]) for x in commitments if found.commitments[x.pk].status == Status.RED]
    if not red:
        _paragraph(doc, "本期没有亮红灯的事项。")
    task_of = {task.pk: task for task in tasks}
    goal_of = {goal.pk: goal for goal in plan.goals.all()}
    for number, (commitment, result) in enumerate(red, start=1):
        task = task_of.get(commitment.task_id or 0)
        goal = goal_of.get(commitment.goal_id or 0)
        if task is not None:
            where = (
                f"第{task.number}项任务“{task.title}”：{commitment.title}。牵头单位：{lead_names(task.pk)}"
            )
        elif goal is not None:
            where = f"目标{goal.number}“{goal.title}”：{commitment.title}"
        else:
            where = f"组织实施：{commitment.title}"
        _paragraph(doc, f"（{number}）{where}。原因：{result.reason}。")

    _paragraph(doc, HEADINGS[3], font=HEADING_FONT)
    overdue = overdue_reports(plan, today)
    _report_section(doc, plan, period, overdue, leads)

    _paragraph(doc, HEADINGS[4], font=HEADING_FONT)
    year = min(max(today.year, plan.start_year), plan.end_year)
    table = yearly_table(plan, year)
    if table:
        _paragraph(doc, f"{year}年各牵头单位履职评价如下（得分满分100分，无数据的不评等级）：")
        _table(
            doc,
            ("单位", "牵头任务", "得分", "等级"),
            [
                (_name(r.department), str(r.tasks_led), "—" if r.score is None else str(r.score), r.grade)
                for r in table
            ],
        )
    else:
        _paragraph(doc, f"{year}年没有牵头单位的履职评价。")

    return to_bytes(doc)


def _report_section(
    doc: object,
    plan: Plan,
    period: Period,
    overdue: Sequence[Overdue],
    leads: dict[int, list[TaskDepartment]],
) -> None:
    """四、: the overdue reports by department, then each lead unit's reports for ``period``."""
    if overdue:
        by_department: dict[str, list[Overdue]] = {}
        for item in overdue:
            by_department.setdefault(_name(item.department), []).append(item)
        _paragraph(doc, f"截至本期，共有{len(overdue)}份进度报告逾期未报，涉及{len(by_department)}个单位：")
        for name, items in by_department.items():
            by_task: dict[int, list[Overdue]] = {}
            for item in sorted(items, key=lambda o: (o.task.number, o.period)):
                by_task.setdefault(item.task.number, []).append(item)
            owed = "；".join(
                f"第{number}项任务{len(late)}份（最早为{late[0].period}，应于{late[0].due:%Y-%m-%d}前提交）"
                for number, late in by_task.items()
            )
            _paragraph(doc, f"{name}逾期{len(items)}份：{owed}。")
    else:
        _paragraph(doc, "截至本期，没有逾期未报的进度报告。")
    submitted = set(
        ProgressReport.objects.filter(task__plan=plan, year=period.year, quarter=period.quarter).values_list(
            "task_id", "department_id"
        )
    )
    owed_by: dict[int, tuple[str, set[int]]] = {}
    for task_id, links in leads.items():
        for link in links:
            owed_by.setdefault(link.department_id, (_name(link.department), set()))[1].add(task_id)
    rows = []
    for department_id, (name, task_ids) in sorted(owed_by.items(), key=lambda item: item[1][0]):
        done = sum(1 for t in task_ids if (t, department_id) in submitted)
        rows.append((name, str(len(task_ids)), str(done), str(len(task_ids) - done)))
    _paragraph(doc, f"{period}各牵头单位进度报告报送情况：")
    _table(doc, ("牵头单位", "应报（份）", "已报（份）", "未报（份）"), rows)
