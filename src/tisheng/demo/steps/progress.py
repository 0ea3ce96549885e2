"""Demo step: the departments' quarterly progress reports on the plan's tasks, 2021–2025.

Every lead unit (牵头单位) reports on each of its tasks every quarter of the plan, on a day of the month
after the quarter, with a sentence on the work and a figure; 住房城乡建设和交通局 (the 住建 demo account's
department) also reports on the school-building tasks it is responsible for. The 教育小镇 project reports
its milestones 立项, 开工 and 主体完工 (not yet 投用).

Each report comes in within the fortnight before its due date, except three planted late ones (tasks
16 and 7, :data:`LATE`). Planted for the supervision pages: the lead of task 7 (义务教育优质均衡, 政府办) has not reported the
last two quarters of 2025, and 教育局 has not reported task 12 (校园治理) for the last quarter of 2025, so
the task pages show those reports overdue.
"""

from __future__ import annotations

import datetime as dt

from tisheng.demo.registry import DemoContext, DemoError, step
from tisheng.plan import choices as c
from tisheng.plan.models import Milestone, Plan, ProgressReport, Task, TaskDepartment
from tisheng.plan.reports import Period

#: (task number, period) of the reports left out on purpose
MISSING = {(7, Period(2025, 3)), (7, Period(2025, 4)), (12, Period(2025, 4))}
#: (task number, period) of reports that came in late, and by how many days
LATE = {(16, Period(2024, 2)): 20, (16, Period(2024, 3)): 9, (7, Period(2025, 2)): 31}
#: the department that also reports as a responsible unit, and on which tasks
HOUSING = "住房城乡建设和交通局"
HOUSING_TASKS = (5, 7)
#: 教育小镇's milestones reached, with the day
TOWN_PROJECT = "t10-education-town"
TOWN_MILESTONES = {
    c.MilestoneStage.APPROVED: dt.date(2021, 6, 18),
    c.MilestoneStage.STARTED: dt.date(2022, 4, 12),
    c.MilestoneStage.STRUCTURE_DONE: dt.date(2024, 10, 30),
}
WORK = (
    "按季度工作计划推进，召开专题会议{n}次，形成问题清单并逐项整改。",
    "完成阶段性任务，组织督导检查{n}次，对照方案梳理进度。",
    "与各责任单位会商{n}次，推动重点事项落地，资料已归档。",
    "开展调研{n}次，整理典型做法，下一季度继续推进。",
)


@step("progress", order=68, title="各单位季度进度报告")
def make_progress_reports(ctx: DemoContext) -> None:
    plan: Plan | None = ctx.facts.get("plan")
    if plan is None:
        raise DemoError("The plan has not been loaded yet: run this step after the plan step.")
    links = TaskDepartment.objects.filter(task__plan=plan).select_related("task", "department")
    reporters: dict[tuple[int, int], tuple[Task, object]] = {}
    for link in links.order_by("task__number", "position"):
        housing = link.named_as == HOUSING and link.task.number in HOUSING_TASKS
        if link.role == c.DepartmentRole.LEAD or housing:
            reporters.setdefault((link.task_id, link.department_id), (link.task, link.department))
    if not links.filter(named_as=HOUSING, task__number__in=HOUSING_TASKS).exists():
        raise DemoError(f"The plan no longer names {HOUSING} on tasks {HOUSING_TASKS}.")
    town = Milestone.objects.filter(commitment__plan=plan, commitment__key=TOWN_PROJECT)
    milestones = {m.stage: m for m in town}
    reached = {
        Period.of(day): (milestones[stage], day)
        for stage, day in TOWN_MILESTONES.items()
        if stage in milestones
    }
    made = 0
    for task, department in reporters.values():
        period = Period(plan.start_year, 1)
        while period.year <= plan.end_year:
            if (task.number, period) not in MISSING:
                n = ctx.rng.randint(1, 6)
                report = ProgressReport(
                    task=task,
                    department=department,  # type: ignore[arg-type]
                    year=period.year,
                    quarter=period.quarter,
                    text=ctx.rng.choice(WORK).format(n=n),
                    figures=f"专题会议 {n} 次",
                    submitted_on=period.due()
                    + dt.timedelta(days=LATE.get((task.number, period), -ctx.rng.randint(0, 14))),
                )
                if task.number == 10 and period in reached:
                    report.milestone, report.reached_on = reached[period]
                    report.text = f"教育小镇项目{report.milestone.get_stage_display()}。" + report.text
                report.save()
                made += 1
            period = period.next()
    ctx.counts["plan.progress_reports"] = made
