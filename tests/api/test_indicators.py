"""The indicator endpoints: the catalogue for every signed-in caller, values scoped like the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import body
from tests.conftest import World
from tests.indicators.db_facts import make_facts
from tisheng.indicators import services
from tisheng.indicators.catalogue import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(world: World) -> Any:
    make_facts(world)
    return services.compute_year(world.year)


def test_catalogue_is_listed_with_verification(client_for: Callable[[str], Client]) -> None:
    items = body(client_for("clerk_a").get("/api/indicators"))
    assert [i["id"] for i in items] == list(catalogue())
    gross = next(i for i in items if i["id"] == "enrolment.preschool_gross_rate")
    assert gross["verified"] is False and gross["thresholds"][0]["comparison"] == ">= 85"
    area = next(i for i in items if i["id"] == "yzjh.resource.l4")
    assert {t["stage"]: t["comparison"] for t in area["thresholds"]} == {
        "primary": ">= 4.5",
        "junior": ">= 5.8",
    }


def test_one_indicator_has_its_formula_and_documentation(client_for: Callable[[str], Client]) -> None:
    item = body(client_for("leader").get("/api/indicators/yzjh.cv.l4"))
    assert item["kind"] == "cv" and "CV = S ÷ X̄" in item["formula"]
    assert item["documentation"].startswith("# 差异系数")
    assert client_for("leader").get("/api/indicators/no.such").status_code == 404


def test_anonymous_callers_are_refused(client_for: Callable[[str], Client]) -> None:
    for path in ("/api/indicators", "/api/indicator-values", "/api/indicator-runs"):
        assert client_for("anon").get(path).status_code == 401


def test_district_roles_read_every_level(
    client_for: Callable[[str], Client], world: World, computed: Any
) -> None:
    page = body(client_for("inspector").get("/api/indicator-values?indicator=yzjh.resource.l4&limit=500"))
    levels = {(v["level"], v["org_name"]) for v in page["items"]}
    assert ("district", "西夏区") in levels and ("school", world.school_a.name) in levels
    school = next(v for v in page["items"] if v["level"] == "school" and v["org_code"] == world.school_a.code)
    assert (school["value"], school["numerator"], school["denominator"], school["met"]) == (
        "4.50",
        "387",
        "86",
        True,
    )


def test_a_school_reads_only_its_own_values(
    client_for: Callable[[str], Client], world: World, computed: Any
) -> None:
    page = body(client_for("principal_a").get("/api/indicator-values?limit=500"))
    assert page["count"] > 0 and {v["org_code"] for v in page["items"]} == {world.school_a.code}
    other = client_for("principal_b").get(f"/api/indicator-values?school={world.school_a.pk}")
    assert other.status_code == 422  # another school is not even a choice


def test_values_are_filtered_like_the_pages(client_for: Callable[[str], Client], computed: Any) -> None:
    page = body(client_for("admin").get("/api/indicator-values?level=district&stage=all&year=2025&limit=500"))
    assert page["count"] == len(page["items"]) > 40
    assert {v["level"] for v in page["items"]} == {"district"} and {v["stage"] for v in page["items"]} == {""}
    bad = client_for("admin").get("/api/indicator-values?level=planet")
    assert bad.status_code == 422 and body(bad)["code"] == "invalid"


def test_runs_show_provenance_to_district_roles_only(
    client_for: Callable[[str], Client], computed: Any
) -> None:
    (run,) = body(client_for("admin").get("/api/indicator-runs"))["items"]
    assert run["snapshot_id"] == computed.snapshot_id and run["is_current"] is True
    assert run["rows"]["enrolments"] == 161 and run["code_version"].startswith("0.1.0")
    assert client_for("clerk_a").get("/api/indicator-runs").status_code == 403
