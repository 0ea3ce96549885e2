"""The demo loads the shipped 西夏区 plan: all 29 tasks on the demo's own 28 departments, nothing added."""

from __future__ import annotations

from tests.demo.conftest import Demo
from tisheng.core.models import Department
from tisheng.demo.data import DEPARTMENTS
from tisheng.plan.models import Commitment, Plan, Task, TaskDepartment


def test_the_demo_loads_the_plan_on_its_departments(demo: Demo) -> None:
    plan = Plan.objects.get(code="xixia-2021-2025")
    counts = demo.summary.counts
    assert counts["plan.tasks"] == Task.objects.filter(plan=plan).count() == 29
    assert counts["plan.goals"] == 5 and counts["plan.projects"] == 5
    assert counts["plan.commitments"] == Commitment.objects.filter(plan=plan).count()
    assert counts["plan.task_departments"] == TaskDepartment.objects.filter(task__plan=plan).count()
    assert Department.objects.count() == len(DEPARTMENTS) == counts["departments"]  # none added
    lead_of_7 = TaskDepartment.objects.get(task__plan=plan, task__number=7, role="lead")
    assert lead_of_7.department.code == "gov-office"
    market = TaskDepartment.objects.filter(task__plan=plan, department__code="market-regulation")
    assert {link.named_as for link in market} == {"市场监管局", "市场监督管理局"}
    committee = TaskDepartment.objects.filter(task__plan=plan, task__number=29)
    assert {link.department.code for link in committee} == {"supervision-committee"}
