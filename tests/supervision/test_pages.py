"""The supervision pages end to end: the inbox, handling a warning, recording an inspection, and the
rectification loop through the forms — each write checked for role (403) and scope (404)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.supervision.conftest import Inspected, pdf, warning_of_a, warning_of_finance
from tisheng.core import evidence
from tisheng.core.evidence import Evidence
from tisheng.supervision import choices as c
from tisheng.supervision.checklists import checklists
from tisheng.supervision.models import Finding, Inspection


def test_inbox_shows_the_scope_with_status_charts(client_for: Callable[[str], Client], world: World) -> None:
    warning_of_a(world)
    warning_of_finance(world)
    page = client_for("principal_a").get(reverse("supervision:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "测试第一小学有超大班额" in text and "教育经费投入偏离目标" not in text
    options = [
        json.loads(s.split(">", 1)[1].split("</script>")[0]) for s in text.split('<script id="chart-')[1:]
    ]
    warnings_chart = next(o for o in options if o["title"]["text"] == "预警（按状态）")
    assert warnings_chart["xAxis"]["data"] == ["待处理", "已确认", "已办结"]
    assert warnings_chart["series"][0]["data"] == [1, 0, 0]
    department = client_for("dept_user").get(reverse("supervision:home")).content.decode()
    assert "教育经费投入偏离目标" in department and "测试第一小学有超大班额" not in department


def test_resolving_a_warning_through_the_page(client_for: Callable[[str], Client], world: World) -> None:
    warning = warning_of_a(world)
    url = reverse("supervision:warning-act", args=[warning.pk])
    assert client_for("clerk_a").post(url, {"action": "acknowledge"}).status_code == 403
    assert client_for("leader").post(url, {"action": "resolve", "resolution": "x"}).status_code == 403
    assert client_for("principal_b").post(url, {"action": "resolve", "resolution": "x"}).status_code == 404
    principal = client_for("principal_a")
    assert principal.post(url, {"action": "acknowledge"}).status_code == 302
    empty = principal.post(url, {"action": "resolve", "resolution": " "}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert empty.status_code == 400
    warning.refresh_from_db()
    assert warning.status == c.WarningStatus.ACKNOWLEDGED
    assert principal.post(url, {"action": "resolve", "resolution": "已分班。"}).status_code == 302
    warning.refresh_from_db()
    assert (warning.status, warning.resolution) == (c.WarningStatus.RESOLVED, "已分班。")
    page = principal.get(warning.get_absolute_url()).content.decode()
    assert "已分班。" in page and 'name="resolution"' not in page


def inspection_post(world: World) -> dict[str, str]:
    data = {
        "checklist": "task11-five-managements",
        "school": str(world.school_b.pk),
        "date": "2025-10-15",
        "deadline": "2025-11-15",
    }
    for item in checklists()["task11-five-managements"].items:
        data[f"result_{item.key}"] = c.ItemResult.COMPLIANT
    data["result_phone-custody"] = c.ItemResult.NON_COMPLIANT
    data["note_phone-custody"] = "学生手机未统一保管"
    return data


def test_recording_an_inspection(client_for: Callable[[str], Client], world: World) -> None:
    url = reverse("supervision:inspection-create")
    form = client_for("inspector").get(url + "?checklist=task11-five-managements").content.decode()
    assert "建立手机入校园申请制度" in form
    for persona in ("principal_a", "leader", "dept_user"):
        assert client_for(persona).post(url, inspection_post(world)).status_code == 403
    missing = inspection_post(world)
    del missing["result_sleep"]
    assert client_for("inspector").post(url, missing).status_code == 400
    response = client_for("inspector").post(url, inspection_post(world))
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.school, inspection.checklist, inspection.task) == (
        world.school_b,
        "task11-five-managements",
        None,
    )
    finding = Finding.objects.get()
    assert finding.order.school == world.school_b and finding.note == "学生手机未统一保管"
    detail = client_for("inspector").get(response["Location"]).content.decode()
    assert "学生手机校园内统一管理制度" in detail


def test_the_loop_through_the_pages(
    client_for: Callable[[str], Client], world: World, inspected: Inspected
) -> None:
    finding = inspected.findings[0]
    order = finding.order
    evidence_url = reverse("supervision:order-evidence", args=[finding.pk])
    submit_url = reverse("supervision:order-submit", args=[finding.pk])
    recheck_url = reverse("supervision:order-recheck", args=[finding.pk])
    principal, inspector = client_for("principal_a"), client_for("inspector")
    assert client_for("principal_b").post(evidence_url, {"files": pdf()}).status_code == 404
    assert inspector.post(evidence_url, {"files": pdf()}).status_code == 403
    assert client_for("leader").post(submit_url, {"report": "x"}).status_code == 403
    assert principal.post(recheck_url, {"result": "passed", "date": "2025-10-20"}).status_code == 403
    assert principal.post(submit_url, {"report": "已取消排名"}).status_code == 400  # no evidence yet
    assert principal.post(evidence_url, {"files": pdf(), "description": "整改照片"}).status_code == 302
    assert principal.post(submit_url, {"report": "已取消排名"}).status_code == 302
    failed = {"result": "failed", "date": "2025-10-20", "note": "仍张贴排名"}
    assert inspector.post(recheck_url, failed).status_code == 400  # a failed re-check needs a new deadline
    assert inspector.post(recheck_url, {**failed, "new_deadline": "2025-11-15"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, str(order.deadline)) == (c.OrderStatus.ISSUED, "2025-11-15")
    assert principal.post(evidence_url, {"files": pdf("二.pdf", b"%PDF-1.4 two")}).status_code == 302
    assert principal.post(submit_url, {"report": "已撤下"}).status_code == 302
    assert inspector.post(recheck_url, {"result": "passed", "date": "2025-11-10"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == c.FindingStatus.CLOSED
    page = principal.get(finding.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "复查通过" in page and "整改照片" in page and 'id="evidence-form"' not in page


@pytest.mark.parametrize("persona", ["leader", "dept_user", "principal_a", "clerk_a"])
def test_no_inspection_links_for_other_roles(
    client_for: Callable[[str], Client], world: World, persona: str
) -> None:
    text = client_for(persona).get(reverse("supervision:home")).content.decode()
    assert reverse("supervision:inspection-list") not in text


def test_order_evidence_is_downloaded_in_scope_only(
    client_for: Callable[[str], Client], world: World, inspected: Inspected
) -> None:
    order = inspected.findings[0].order
    evidence.attach(world.users["principal_a"], order, [pdf()])
    url = reverse("census:evidence-download", args=[Evidence.objects.get().pk])
    assert client_for("inspector").get(url).status_code == 200
    assert client_for("clerk_a").get(url).status_code == 200
    assert client_for("principal_b").get(url).status_code == 404
    assert client_for("dept_user").get(url).status_code == 404


def test_the_warning_table_heads_its_subject_as_a_warnings_not_a_teachers(client_for, world) -> None:
    """A warning's 事由 and a teacher's 任教学科 are both "subject" in English: the context keeps them apart."""
    html = client_for("leader").get("/supervision/warnings/").content.decode()
    assert "预警事由" in html and "任教学科" not in html
