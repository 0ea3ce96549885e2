"""The supervision loop: inspection → findings → order → evidence → re-check (fail → new deadline →
pass) → closed; and escalation at its exact day boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import World
from tests.supervision.conftest import DEADLINE, INSPECTED_ON, Inspected, pdf
from tisheng.core import evidence
from tisheng.core.models import ChangeRecord
from tisheng.supervision import choices as c
from tisheng.supervision.checklists import checklists
from tisheng.supervision.models import EscalationStep, InspectionResult, RectificationOrder
from tisheng.supervision.services import (
    ItemOutcome,
    escalate,
    issue_order,
    recheck,
    record_inspection,
    submit,
)


def test_each_non_compliant_item_becomes_a_finding_with_an_order(world: World, inspected: Inspected) -> None:
    inspection = inspected.inspection
    assert inspection.results.count() == len(checklists()["task13-teaching"].items)
    assert [f.title for f in inspected.findings] == [
        "没有违规统考、考试排名",
        "体育、音乐、美术和综合实践活动课时没有被削减、挪用",
    ]
    result = InspectionResult.objects.get(inspection=inspection, item_key="pe-arts-hours")
    assert result.clause == "严禁削减、挪用体育、音乐、美术和综合实践活动课时"
    order = inspected.findings[1].order
    assert (order.school, order.deadline, order.status) == (world.school_a, DEADLINE, c.OrderStatus.ISSUED)
    assert "六年级每周体育课少1节" in order.requirement
    assert ChangeRecord.objects.for_object(order).get().user_repr == "inspector"


def test_an_inspection_needs_every_item_and_a_note_for_each_failure(world: World) -> None:
    checklist = checklists()["task11-five-managements"]
    outcomes = {item.key: ItemOutcome(c.ItemResult.COMPLIANT) for item in checklist.items[1:]}
    outcomes["homework"] = ItemOutcome(c.ItemResult.NON_COMPLIANT, "")
    with pytest.raises(ValidationError) as caught:
        record_inspection(
            world.users["inspector"],
            school=world.school_b,
            date=INSPECTED_ON,
            checklist=checklist,
            outcomes=outcomes,
        )
    messages = " ".join(caught.value.messages)
    assert "还没有结果" in messages and "请写明发现的问题" in messages and "请填写整改期限" in messages
    for persona in ("leader", "principal_a", "dept_user"):
        with pytest.raises(PermissionDenied):
            record_inspection(
                world.users[persona],
                school=world.school_b,
                date=INSPECTED_ON,
                checklist=checklist,
                outcomes={},
            )


def test_the_full_loop_closes_only_on_a_passed_recheck(world: World, inspected: Inspected) -> None:
    finding = inspected.findings[0]
    order = finding.order
    principal, inspector = world.users["principal_a"], world.users["inspector"]
    with pytest.raises(ValidationError, match="请先上传整改证明材料"):
        submit(principal, order, "已取消排名")
    with pytest.raises(ValidationError, match="整改材料提交后才能复查"):
        recheck(inspector, order, passed=True, date=dt.date(2025, 10, 20))
    evidence.attach(principal, order, [pdf()])
    with pytest.raises(PermissionDenied):
        submit(world.users["principal_b"], order, "x")
    submit(principal, order, "已取消排名，并召开教师会议。")
    assert order.status == c.OrderStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        recheck(principal, order, passed=True, date=dt.date(2025, 10, 20))
    with pytest.raises(ValidationError, match="新整改期限"):
        recheck(inspector, order, passed=False, date=dt.date(2025, 10, 20), note="仍张贴排名")
    recheck(
        inspector,
        order,
        passed=False,
        date=dt.date(2025, 10, 20),
        note="仍张贴排名",
        new_deadline=dt.date(2025, 11, 15),
    )
    order.refresh_from_db()
    finding.refresh_from_db()
    assert (order.status, order.deadline) == (c.OrderStatus.ISSUED, dt.date(2025, 11, 15))
    assert finding.status == c.FindingStatus.OPEN
    evidence.attach(principal, order, [pdf("撤下排名照片.pdf", b"%PDF-1.4\n second photo\n")])
    submit(principal, order, "排名已全部撤下。")
    recheck(inspector, order, passed=True, date=dt.date(2025, 11, 12), note="已整改到位")
    order.refresh_from_db()
    finding.refresh_from_db()
    assert order.status == c.OrderStatus.PASSED
    assert finding.status == c.FindingStatus.CLOSED and finding.closed_at is not None
    assert [r.result for r in order.rechecks.all()] == ["failed", "passed"]
    assert inspected.findings[1].order.status == c.OrderStatus.ISSUED  # the other finding is still open


def test_an_order_to_a_department(world: World, inspected: Inspected) -> None:
    finding = inspected.findings[1]
    finding.order.delete()
    order = issue_order(
        world.users["admin"],
        finding,
        department=world.dept_finance,
        deadline=DEADLINE,
        requirement="拨付体育器材经费",
    )
    assert RectificationOrder.objects.restrict(world.users["dept_user"]).get() == order
    assert not RectificationOrder.objects.restrict(world.users["principal_b"]).exists()
    evidence.attach(world.users["dept_user"], order, [pdf()])
    submit(world.users["dept_user"], order, "经费已拨付")
    assert order.status == c.OrderStatus.SUBMITTED


# --- escalation -------------------------------------------------------------------------------------


def levels(order: RectificationOrder) -> list[int]:
    return list(order.escalation_steps.values_list("level", flat=True))


@pytest.fixture
def periods(settings) -> None:
    settings.ESCALATION_NOTICE_DAYS = 0
    settings.ESCALATION_TALK_DAYS = 10
    settings.ESCALATION_RED_DAYS = 5


def test_escalation_steps_at_exact_day_boundaries(world: World, inspected: Inspected, periods: None) -> None:
    order = inspected.findings[0].order  # deadline 2025-10-31
    assert escalate(DEADLINE).steps == []  # on the deadline day it is not late
    first = escalate(dt.date(2025, 11, 1))
    assert first.count(c.Escalation.NOTICE) == 2  # both orders of school A
    order.refresh_from_db()
    assert order.escalation == c.Escalation.NOTICE
    step = order.escalation_steps.get()
    assert step.reason == (
        "测试第一小学对“没有违规统考、考试排名”的整改期限 2025-10-31 已过 1 天，仍未提交整改材料，予以通报。"
    )
    assert escalate(dt.date(2025, 11, 1)).steps == []  # idempotent
    assert escalate(dt.date(2025, 11, 10)).steps == []  # 9 days after the 通报
    assert escalate(dt.date(2025, 11, 11)).count(c.Escalation.TALK) == 2  # 10 days after
    assert escalate(dt.date(2025, 11, 15)).steps == []
    third = escalate(dt.date(2025, 11, 16))
    assert third.count(c.Escalation.RED_LIGHT) == 2
    assert "约谈后已 5 天" in third.steps[0].reason and third.steps[0].reason.endswith("亮红灯。")
    assert escalate(dt.date(2026, 3, 1)).steps == []  # nothing after the red light
    assert levels(order) == [1, 2, 3]
    records = ChangeRecord.objects.for_object(EscalationStep.objects.first())
    assert records.get().action == "create"


def test_grace_days_before_the_notice(world: World, inspected: Inspected, settings) -> None:
    settings.ESCALATION_NOTICE_DAYS = 3
    assert escalate(dt.date(2025, 11, 3)).steps == []
    assert escalate(dt.date(2025, 11, 4)).count(c.Escalation.NOTICE) == 2


def test_a_submitted_order_does_not_escalate_and_a_new_deadline_pauses(
    world: World, inspected: Inspected, periods: None
) -> None:
    submitted, other = (f.order for f in inspected.findings)
    evidence.attach(world.users["principal_a"], submitted, [pdf()])
    submit(world.users["principal_a"], submitted, "已整改")
    result = escalate(dt.date(2025, 11, 1))
    assert [s.order for s in result.steps] == [other]
    recheck(
        world.users["inspector"],
        submitted,
        passed=False,
        date=dt.date(2025, 11, 2),
        note="未到位",
        new_deadline=dt.date(2025, 11, 20),
    )
    assert escalate(dt.date(2025, 11, 20)).count(c.Escalation.NOTICE) == 0  # new deadline not yet passed
    assert escalate(dt.date(2025, 11, 21)).count(c.Escalation.NOTICE) == 1


def test_the_owner_changes_an_order_only_while_rectifying(world: World, inspected: Inspected) -> None:
    """Once submitted (or passed), the owner can neither submit again nor add or remove evidence."""
    order = inspected.findings[0].order
    principal = world.users["principal_a"]
    attached = evidence.attach(principal, order, [pdf()])
    submit(principal, order, "已整改")
    assert not evidence.may_attach(principal, order)
    with pytest.raises(PermissionDenied):
        evidence.detach(principal, attached[0])
    with pytest.raises(PermissionDenied):
        submit(principal, order, "再次提交")
    assert evidence.may_attach(world.users["admin"], order)  # the district keeps the file record in order
