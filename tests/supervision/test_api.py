"""The supervision endpoints: every persona reads only its scope; out of scope is 404, a role that may
read none of a resource 403; the anonymous caller 401."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.api.conftest import body
from tests.conftest import PERSONAS, World
from tests.supervision.conftest import Inspected, warning_of_a, warning_of_finance

#: How many of the two warnings (to school A, to 财政局) each persona reads.
WARNINGS = {
    "admin": 2,
    "inspector": 2,
    "leader": 2,
    "dept_user": 1,
    "principal_a": 1,
    "clerk_a": 1,
    "principal_b": 0,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_warnings_are_scoped(client_for: Callable[[str], Client], world: World, persona: str) -> None:
    to_a, to_finance = warning_of_a(world), warning_of_finance(world)
    client = client_for(persona)
    listed = body(client.get("/api/warnings"))
    assert listed["count"] == WARNINGS[persona]
    sees_a = persona in ("admin", "inspector", "leader", "principal_a", "clerk_a")
    sees_finance = persona in ("admin", "inspector", "leader", "dept_user")
    assert client.get(f"/api/warnings/{to_a.pk}").status_code == (200 if sees_a else 404)
    assert client.get(f"/api/warnings/{to_finance.pk}").status_code == (200 if sees_finance else 404)


def test_a_warning_in_detail(client_for: Callable[[str], Client], world: World) -> None:
    warning = warning_of_a(world)
    data = body(client_for("principal_a").get(f"/api/warnings/{warning.pk}"))
    assert data["school"]["name"] == "测试第一小学" and data["department"] is None
    assert (data["kind"], data["kind_label"]) == ("oversized_classes", "超大班额（66人及以上）")
    assert (data["status"], data["status_label"], data["resolution"]) == ("open", "待处理", None)
    assert body(client_for("admin").get("/api/warnings?status=resolved"))["count"] == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_inspections_findings_and_orders_are_scoped(
    client_for: Callable[[str], Client], inspected: Inspected, persona: str
) -> None:
    client = client_for(persona)
    inspection = inspected.inspection
    finding = inspected.findings[0]
    order = finding.order
    district_or_a = persona in ("admin", "inspector", "leader", "principal_a", "clerk_a")
    inspections = client.get("/api/inspections")
    if persona == "dept_user":
        assert inspections.status_code == 403
    else:
        assert body(inspections)["count"] == (1 if district_or_a else 0)
    assert client.get(f"/api/inspections/{inspection.pk}").status_code == (200 if district_or_a else 404)
    assert body(client.get("/api/findings"))["count"] == (2 if district_or_a else 0)
    assert client.get(f"/api/findings/{finding.pk}").status_code == (200 if district_or_a else 404)
    assert body(client.get("/api/rectification-orders"))["count"] == (2 if district_or_a else 0)
    assert client.get(f"/api/rectification-orders/{order.pk}").status_code == (200 if district_or_a else 404)


def test_inspection_and_order_in_detail(client_for: Callable[[str], Client], inspected: Inspected) -> None:
    client = client_for("clerk_a")
    inspection = body(client.get(f"/api/inspections/{inspected.inspection.pk}"))
    assert inspection["checklist"] == "task13-teaching" and inspection["finding_count"] == 2
    assert len(inspection["results"]) == 11
    ranking = next(r for r in inspection["results"] if r["item_key"] == "no-exam-ranking")
    assert (ranking["result"], ranking["result_label"]) == ("non_compliant", "不符合")
    finding = body(client.get(f"/api/findings/{inspected.findings[0].pk}"))
    assert finding["order_id"] == inspected.findings[0].order.pk and finding["status"] == "open"
    order = body(client.get(f"/api/rectification-orders/{finding['order_id']}"))
    assert (order["deadline"], order["status_label"], order["escalation"]) == ("2025-10-31", "整改中", 0)
    assert order["rechecks"] == [] and order["escalation_steps"] == []
    assert body(client.get("/api/rectification-orders?status=passed"))["count"] == 0


def test_anonymous_gets_401(client_for: Callable[[str], Client]) -> None:
    for path in ("/api/warnings", "/api/inspections", "/api/findings", "/api/rectification-orders"):
        assert client_for("anon").get(path).status_code == 401
