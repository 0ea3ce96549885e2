"""Small-group suppression (小样本不予显示): a value resting on fewer than ``min_group`` (10) students is
shown only to the users of its own school — one rule (:func:`present.is_suppressed`) used by the
indicator pages, their tables and charts, the health overview and the API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONAS, World
from tests.health.web.data import GOOD_RATE, HealthValues
from tisheng.indicators import present
from tisheng.indicators.catalogue import catalogue

pytestmark = pytest.mark.django_db

SUPPRESSED = "少于10人，不予显示"


@pytest.mark.parametrize("persona", [*PERSONAS, "anon"])
def test_only_the_own_school_sees_its_group_of_seven(
    world: World, health_values: HealthValues, persona: str
) -> None:
    definition = catalogue()[GOOD_RATE]
    viewer = AnonymousUser() if persona == "anon" else world.users[persona]
    own_school = persona in ("principal_a", "clerk_a")
    assert present.is_suppressed(definition, health_values.school_a, viewer) is not own_school
    assert present.is_suppressed(definition, health_values.school_b, viewer) is False  # 10 students
    assert present.is_suppressed(definition, health_values.district, viewer) is False  # 300 students
    # a district cell of 6 students belongs to no school: withheld from everybody
    assert present.is_suppressed(definition, health_values.small_cell, viewer) is True


def test_indicators_without_a_minimum_group_are_never_suppressed(
    world: World, health_values: HealthValues
) -> None:
    plain = next(d for d in catalogue().values() if not d.min_group)
    assert present.is_suppressed(plain, health_values.small_cell, world.users["inspector"]) is False


def test_suppression_text_names_the_minimum() -> None:
    assert present.suppression_text(catalogue()[GOOD_RATE]) == SUPPRESSED


def detail(client: Client, **params: str) -> str:
    url = reverse("indicators:detail", args=[GOOD_RATE])
    return client.get(url, {"year": "2025", **params}).content.decode()


def test_indicator_page_withholds_a_small_school_from_the_district(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    page = detail(client_for("inspector"))
    assert SUPPRESSED in page
    assert "71.4%" not in page  # school A's value of 7 students
    assert "30.0%" in page  # school B's 10 students are shown


def test_indicator_page_shows_the_own_small_group_to_its_school(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    page = detail(client_for("clerk_a"))
    assert "71.4%" in page


def test_school_page_and_chart_withhold_the_value(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    url = reverse("indicators:school", args=[GOOD_RATE, world.school_a.pk])
    response = client_for("admin").get(url, {"year": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    assert SUPPRESSED in page and "71.4" not in page
    school_line = response.context["chart"].options()["series"][0]
    assert school_line["name"] == world.school_a.name and school_line["data"] == [None, None]
    own = client_for("principal_a").get(url, {"year": "2025"})
    assert own.context["chart"].options()["series"][0]["data"][-1] == 71.4


def test_the_catalogue_page_withholds_a_small_district_value(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    health_values.district.denominator = health_values.district.rows = 9
    health_values.district.save()
    response = client_for("leader").get(reverse("indicators:list"), {"year": "2025"})
    row = next(r for g in response.context["groups"] for r in g.rows if r.definition.id == GOOD_RATE)
    assert [f.shown for f in row.district] == ["—"]


def test_the_overview_withholds_a_small_town(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    from tisheng.indicators.models import IndicatorValue

    IndicatorValue.objects.filter(run=health_values.run, level="town", town=world.rural).update(
        denominator=8, rows=8, numerator=4
    )
    response = client_for("inspector").get(reverse("health:home"))
    towns = {str(row[0].value): [str(c.value) for c in row] for row in response.context["towns"].body()}
    rural = next(cells for name, cells in towns.items() if world.rural.name in name)
    assert SUPPRESSED in rural and "达标" not in " ".join(rural)


def test_command_line_exports_withhold_small_groups(
    capsys, world: World, health_values: HealthValues
) -> None:
    import json

    from tests.test_cli import run

    code, out, err = run(capsys, "indicators", "--year", "2025", "--id", GOOD_RATE, "--format", "json")
    assert code == 0, err
    records = {(r["org_code"], r["breakdown"]): r for r in json.loads(out)}
    small = records[(world.school_a.code, "")]
    assert (small["value"], small["value_exact"], small["numerator"], small["met"]) == (
        None,
        None,
        None,
        None,
    )
    assert small["suppressed"] == SUPPRESSED and small["denominator"] == "7"
    assert records[(world.school_b.code, "")]["value"] == "30.0"
    code, out, err = run(capsys, "indicators", "--year", "2025", "--id", GOOD_RATE)
    assert code == 0 and SUPPRESSED in out and "71.4" not in out


@pytest.mark.parametrize("persona", [*PERSONAS, "anon"])
def test_the_query_condition_agrees_with_the_rule(
    world: World, health_values: HealthValues, persona: str
) -> None:
    from tisheng.indicators.models import IndicatorValue

    viewer = AnonymousUser() if persona == "anon" else world.users[persona]
    values = IndicatorValue.objects.filter(run=health_values.run)
    values.filter(pk=health_values.school_b.pk).update(complementary=True)  # 10 students, but withheld
    by_rule = {v.pk for v in values if present.is_suppressed(catalogue()[v.indicator], v, viewer)}
    by_query = set(values.filter(present.suppressed_q(viewer)).values_list("pk", flat=True))
    assert by_query == by_rule and health_values.small_cell.pk in by_rule
    assert (health_values.school_b.pk in by_rule) is (persona not in ("principal_b",))


def test_the_met_filter_does_not_reveal_a_withheld_value(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    url = f"/api/indicator-values?indicator={GOOD_RATE}&year=2025&level=school&limit=500"
    met = {v["org_code"] for v in json_of(client_for("inspector").get(url + "&met=yes"))["items"]}
    not_met = {v["org_code"] for v in json_of(client_for("inspector").get(url + "&met=no"))["items"]}
    assert world.school_a.code not in met | not_met  # 71.4 %, met — but withheld from the district
    assert not_met == {world.school_b.code}
    own = {v["org_code"] for v in json_of(client_for("clerk_a").get(url + "&met=yes"))["items"]}
    assert own == {world.school_a.code}


def test_sorting_by_value_puts_withheld_values_last(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    for order in ("value", "-value", "met", "-numerator"):
        response = client_for("inspector").get(
            reverse("indicators:detail", args=[GOOD_RATE]), {"year": "2025", "sort": order}
        )
        names = [row.value.school.name for row in response.context["schools"].rows]
        assert names[-1] == world.school_a.name, order


def json_of(response: object) -> dict:
    import json

    return json.loads(response.content)  # type: ignore[attr-defined]


def test_a_computation_also_withholds_what_would_give_a_small_group_away(
    client_for: Callable[[str], Client], world: World
) -> None:
    """School A tests 18 boys and 7 girls of 一年级: the girls are a small group, and the boys' value is
    withheld too (complementary suppression), since the school's total less the boys would be the girls."""
    from decimal import Decimal

    from tests.health.web.data import fitness
    from tisheng.health import choices as c
    from tisheng.indicators import services
    from tisheng.indicators.models import IndicatorValue

    for i in range(25):
        fitness(
            world,
            world.year,
            world.school_a,
            f"L20180000001{i:02d}",
            grade=11,
            class_code="1",
            sex="M" if i < 18 else "F",
            bmi=Decimal("15.0"),
            bmi_band=c.BmiBand.NORMAL,
            item_scores={"bmi": 100},
            standard_score=Decimal("85.00"),
            total=Decimal("85.00"),
            level=c.FitnessLevel.GOOD if i % 2 else c.FitnessLevel.PASS,
        )
    run = services.compute_year(2025)
    values = IndicatorValue.objects.filter(run=run, indicator=GOOD_RATE, school=world.school_a, stage="")
    flags = {v.breakdown: (v.rows, v.complementary) for v in values}
    assert flags[""] == (25, False)
    assert flags["sex=F"] == (7, False)  # a small group: withheld by the rule itself
    assert flags["sex=M"] == (18, True)
    assert flags["grade=11,sex=M"] == (18, True)
    assert flags["grade=11"] == (25, False)

    url = f"/api/indicator-values?indicator={GOOD_RATE}&year=2025&level=school&limit=500"
    district = {
        v["breakdown"]: v for v in json_of(client_for("inspector").get(url))["items"] if v["stage"] == ""
    }
    assert district["sex=M"]["suppressed"] and district["sex=M"]["value"] is None
    assert not district[""]["suppressed"] and district[""]["value"] is not None
    own = {v["breakdown"]: v for v in json_of(client_for("clerk_a").get(url))["items"] if v["stage"] == ""}
    assert not own["sex=M"]["suppressed"] and own["sex=M"]["value"] is not None


def test_a_complementary_value_says_why_it_is_withheld(world: World, health_values: HealthValues) -> None:
    definition = catalogue()[GOOD_RATE]
    shielding = health_values.school_b  # 10 students: not a small group itself
    shielding.complementary = True
    assert present.suppression_text(definition, shielding) == "可推算小样本，不予显示"
    assert present.suppression_text(definition, health_values.school_a) == SUPPRESSED
