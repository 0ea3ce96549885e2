"""Demo step: load the shipped 西夏区 plan (2021–2025) — its 5 goals, 5 工程, 29 tasks, their departments
and every commitment — through the same loader as ``tisheng plan load``.

It runs after the organisation steps (district, departments, schools, groups): the plan file names its departments as the text does, and
the loader matches each to the demo's departments by name or short name (市场监督管理局 is the
市场监管局; the committee's 各成员单位 are the committee), so no department is added.
"""

from __future__ import annotations

from tisheng.demo.registry import DemoContext, DemoError, step
from tisheng.plan.loader import load_plan
from tisheng.plan.models import Commitment, Goal, Milestone, Project, Task, TaskDepartment
from tisheng.plan.planfile import read_plan_file, shipped_plans

PLAN_FILE = "xixia-2021-2025.yaml"


@step("plan", order=55, title="行动方案（目标、工程、任务、承诺）")
def load_shipped_plan(ctx: DemoContext) -> None:
    path = next((p for p in shipped_plans() if p.name == PLAN_FILE), None)
    if path is None:
        raise DemoError(f"The shipped plan file {PLAN_FILE} is missing.")
    result = load_plan(read_plan_file(path))
    if result.new_departments:
        raise DemoError(f"The plan names departments the demo lacks: {'、'.join(result.new_departments)}")
    plan = result.plan
    ctx.facts["plan"] = plan
    ctx.counts["plan.goals"] = Goal.objects.filter(plan=plan).count()
    ctx.counts["plan.projects"] = Project.objects.filter(plan=plan).count()
    ctx.counts["plan.tasks"] = Task.objects.filter(plan=plan).count()
    ctx.counts["plan.task_departments"] = TaskDepartment.objects.filter(task__plan=plan).count()
    ctx.counts["plan.commitments"] = Commitment.objects.filter(plan=plan).count()
    ctx.counts["plan.milestones"] = Milestone.objects.filter(commitment__plan=plan).count()
