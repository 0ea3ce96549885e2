"""The demo's progress reports: every lead unit every quarter, the planted missing ones overdue, and the
教育小镇 milestones reached."""

from __future__ import annotations

import datetime as dt

from tests.demo.conftest import Demo
from tisheng.demo.steps.progress import MISSING, TOWN_MILESTONES
from tisheng.plan import choices as c
from tisheng.plan.models import Commitment, Plan, ProgressReport
from tisheng.plan.reports import overdue_reports
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status

AFTER_THE_PLAN = dt.date(2026, 3, 1)


def test_every_lead_unit_reports_every_quarter_but_the_planted_gaps(demo: Demo) -> None:
    plan = Plan.objects.get(code="xixia-2021-2025")
    assert ProgressReport.objects.count() == demo.summary.counts["plan.progress_reports"] > 29 * 20 - 3
    overdue = overdue_reports(plan, AFTER_THE_PLAN)
    assert {(o.task.number, o.period) for o in overdue} == MISSING


def test_the_education_town_reports_its_milestones(demo: Demo) -> None:
    plan = Plan.objects.get(code="xixia-2021-2025")
    town = Commitment.objects.get(plan=plan, key="t10-education-town")
    reached = {
        r.milestone.stage: r.reached_on
        for r in ProgressReport.objects.filter(milestone__commitment=town).select_related("milestone")
    }
    assert reached == TOWN_MILESTONES
    found = plan_status(plan, today=AFTER_THE_PLAN).commitments[town.pk]
    assert found.status == Status.GREEN and "主体完工（2024-10-30）" in found.reason
    assert c.MilestoneStage.IN_USE not in reached
