"""The plan's warnings: a 红 commitment to its task's lead units, an overdue report to its department."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.plan.conftest import XIXIA, load
from tests.plan.test_status import store
from tisheng.plan import choices as pc
from tisheng.plan.models import Commitment, ProgressReport, Task
from tisheng.supervision import choices as c
from tisheng.supervision.models import Warning
from tisheng.supervision.plan_rules import raise_plan_warnings
from tisheng.supervision.rules import RuleSummary

pytestmark = pytest.mark.django_db


def test_an_off_track_commitment_and_overdue_reports_are_raised_to_the_lead_unit(
    world: World, settings: object
) -> None:
    settings.REPORTS_FROM = dt.date(2025, 7, 1)  # type: ignore[attr-defined]  # Q3 and Q4 of 2025 owed
    plan = load(XIXIA).plan
    store(world, "recognition.moral_education_school", {2023: "2", 2024: "3"}, breakdown="level=city")
    task1 = Task.objects.get(plan=plan, number=1)
    lead = task1.department_links.get(role=pc.DepartmentRole.LEAD).department
    for task in Task.objects.filter(plan=plan):
        for link in task.department_links.filter(role=pc.DepartmentRole.LEAD):
            ProgressReport.objects.create(
                task=task, department=link.department, year=2025, quarter=3, text="已报"
            )
    today = dt.date(2026, 2, 1)
    summary = raise_plan_warnings(plan, today, RuleSummary(2025))

    off = Warning.objects.get(kind=c.WarningKind.COMMITMENT_OFF_TRACK)
    city = Commitment.objects.get(plan=plan, key="t1-moral-city")
    assert (off.department, off.commitment_id, off.severity) == (lead, city.pk, c.Severity.HIGH)
    assert off.detail == "按近两年趋势，德育示范校认定数2025年预计4所，低于目标10所"
    missing = Warning.objects.filter(kind=c.WarningKind.MISSING_REPORT)
    assert missing.count() == summary.created[c.WarningKind.MISSING_REPORT] > 0
    first = missing.get(subject="1号任务2025年第4季度进度报告逾期")
    assert first.department == lead and first.severity == c.Severity.MEDIUM  # 17 days late
    assert first.detail.endswith("已逾期17天。")
    # raising again updates, never duplicates
    again = raise_plan_warnings(plan, today, RuleSummary(2025))
    assert Warning.objects.count() == summary.total and again.total == summary.total and not again.created


def test_raise_all_runs_the_plan_rules_only_with_a_current_computation(
    world: World, settings: object
) -> None:
    from tisheng.supervision.plan_rules import raise_all_warnings

    settings.REPORTS_FROM = dt.date(2025, 7, 1)  # type: ignore[attr-defined]
    load(XIXIA)
    assert not raise_all_warnings(2025, dt.date(2026, 2, 1)).has_run and not Warning.objects.exists()
    store(world, "health.fitness_excellent_good_rate", {2025: "40.0"})  # a current run of 2025
    summary = raise_all_warnings(2025, dt.date(2026, 2, 1))
    assert summary.created[c.WarningKind.MISSING_REPORT] > 0
