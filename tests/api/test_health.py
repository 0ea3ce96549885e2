"""The health endpoints: a student's results only for the users of the student's school; 五项管理 class
records for the district roles too; small groups of indicator values withheld outside their school."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.api.conftest import body
from tests.conftest import World
from tests.health.web import data
from tests.health.web.data import GOOD_RATE, HealthRows, HealthValues

#: the health pages' fixtures, shared
health_rows = data.health_rows
health_values = data.health_values

pytestmark = pytest.mark.django_db

STUDENT_LISTS = ("/api/fitness-tests", "/api/vision-screenings")


@pytest.mark.parametrize("path", STUDENT_LISTS)
def test_a_school_lists_only_its_own_students(
    token_client: Callable[[str], Client], world: World, health_rows: HealthRows, path: str
) -> None:
    page = body(token_client("clerk_a").get(f"{path}?limit=500"))
    assert page["count"] >= 1
    assert {item["school"]["code"] for item in page["items"]} == {world.school_a.code}
    other = body(token_client("principal_b").get(path))
    assert {item["school"]["code"] for item in other["items"]} == {world.school_b.code}


@pytest.mark.parametrize("path", STUDENT_LISTS)
@pytest.mark.parametrize("persona", ["admin", "inspector", "leader", "dept_user"])
def test_no_role_above_the_school_reads_students(
    client_for: Callable[[str], Client], health_rows: HealthRows, path: str, persona: str
) -> None:
    response = client_for(persona).get(path)
    assert response.status_code == 403 and body(response)["code"] == "forbidden"


def test_a_record_of_another_school_is_not_found(
    client_for: Callable[[str], Client], health_rows: HealthRows
) -> None:
    assert client_for("principal_a").get(f"/api/fitness-tests/{health_rows.wang.pk}").status_code == 404
    assert client_for("inspector").get(f"/api/fitness-tests/{health_rows.zhang.pk}").status_code == 404
    assert (
        client_for("principal_b").get(f"/api/vision-screenings/{health_rows.vision_a.pk}").status_code == 404
    )
    own = body(client_for("principal_a").get(f"/api/vision-screenings/{health_rows.vision_a.pk}"))
    assert own["acuity_left"] == "4.8" and own["sphere_left"] == "-0.75" and own["trial_lens"] is None


def test_a_fitness_test_has_its_scores(client_for: Callable[[str], Client], health_rows: HealthRows) -> None:
    test = body(client_for("clerk_a").get(f"/api/fitness-tests/{health_rows.zhang.pk}"))
    assert (test["total"], test["level"], test["bmi_band"], test["flagged"]) == (
        "85.50",
        "good",
        "normal",
        ["rope_skip_1min"],
    )
    assert test["item_scores"] == {"bmi": 100, "run_50m": 80, "sit_and_reach": 85}
    assert test["academic_year"] == 2025 and test["grade"] == 11 and test["grade_label"]


def test_fitness_tests_are_filtered(client_for: Callable[[str], Client], health_rows: HealthRows) -> None:
    client = client_for("clerk_a")
    assert body(client.get("/api/fitness-tests?year=2024"))["count"] == 1
    assert body(client.get("/api/fitness-tests?level=excellent"))["count"] == 1
    assert body(client.get("/api/fitness-tests?flagged=yes"))["count"] == 1
    bad = client.get("/api/fitness-tests?level=superb")
    assert bad.status_code == 422 and body(bad)["code"] == "invalid"


def test_another_school_is_not_a_filter_choice(
    client_for: Callable[[str], Client], world: World, health_rows: HealthRows
) -> None:
    assert client_for("principal_b").get(f"/api/fitness-tests?school={world.school_a.pk}").status_code == 422


def test_wuxiang_records_are_read_by_the_district_and_the_own_school(
    client_for: Callable[[str], Client], world: World, health_rows: HealthRows
) -> None:
    district = body(client_for("inspector").get("/api/wuxiang-records"))
    assert {item["school"]["code"] for item in district["items"]} == {
        world.school_a.code,
        world.school_b.code,
    }
    own = body(client_for("principal_b").get("/api/wuxiang-records"))
    assert [item["homework_minutes"] for item in own["items"]] == [80]
    assert (
        client_for("principal_b").get(f"/api/wuxiang-records/{health_rows.wuxiang_a.pk}").status_code == 404
    )


@pytest.mark.parametrize("path", [*STUDENT_LISTS, "/api/wuxiang-records"])
def test_anonymous_callers_are_refused(client_for: Callable[[str], Client], path: str) -> None:
    assert client_for("anon").get(path).status_code == 401


# --- suppression of small groups in /indicator-values --------------------------------------------


def values_of(client: Client) -> dict[tuple[str, str], dict]:
    page = body(client.get(f"/api/indicator-values?indicator={GOOD_RATE}&year=2025&limit=500"))
    return {(item["org_code"], item["breakdown"]): item for item in page["items"]}


def test_a_school_sees_its_own_small_group(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    own = values_of(client_for("principal_a"))[(world.school_a.code, "")]
    assert (own["value"], own["numerator"], own["denominator"], own["suppressed"]) == (
        "71.4",
        "5",
        "7",
        False,
    )


def test_the_district_sees_small_groups_suppressed(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    values = values_of(client_for("inspector"))
    small = values[(world.school_a.code, "")]
    assert small["suppressed"] is True and small["suppressed_text"] == "少于10人，不予显示"
    assert (small["value"], small["value_exact"], small["numerator"], small["met"]) == (
        None,
        None,
        None,
        None,
    )
    assert small["denominator"] == "7"
    ten = values[(world.school_b.code, "")]  # a group of 10 is shown
    assert (ten["value"], ten["numerator"], ten["met"], ten["suppressed"]) == ("30.0", "3", False, False)
    cell = values[(world.district.code, "grade=12,sex=F")]  # 6 students in the district's cell
    assert cell["suppressed"] is True and cell["value"] is None
    assert values[(world.district.code, "grade=12,sex=M")]["value"] == "34.7"
