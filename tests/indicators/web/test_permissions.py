"""Every indicator page, every persona (STYLE §7): the catalogue and an indicator's page work for every
signed-in role; a town's page is for the roles that read town values (a school's users get 404); a
school's page for those who may see the school (another school is a 404); the computation runs are the
administrator's (403 for everybody else); the public is sent to sign in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONAS, World
from tests.indicators.web.conftest import DISTRICT_ONLY, VERIFIED, Computed

OK, NOT_FOUND, FORBIDDEN, FOUND = 200, 404, 403, 302
SCHOOL_USERS = ("principal_a", "clerk_a", "principal_b")
DISTRICT_ROLES_ONLY = dict.fromkeys(SCHOOL_USERS, NOT_FOUND)
ADMIN_ONLY = {p: FORBIDDEN for p in PERSONAS if p != "admin"}
NOT_SCHOOL_B = {"principal_b": NOT_FOUND}
NOT_SCHOOL_A = {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND}

# (page, its url, {persona: expected status}); personas left out get 200.
Page = tuple[str, Callable[[World], str], dict[str, int]]
PAGES: list[Page] = [
    ("catalogue", lambda w: reverse("indicators:list"), {}),
    ("catalogue of a year not computed", lambda w: reverse("indicators:list") + "?year=2019", {}),
    ("an indicator", lambda w: reverse("indicators:detail", args=[VERIFIED]), {}),
    ("an indicator by stage", lambda w: reverse("indicators:detail", args=[VERIFIED]) + "?stage=junior", {}),
    ("a district-only indicator", lambda w: reverse("indicators:detail", args=[DISTRICT_ONLY]), {}),
    ("a town", lambda w: reverse("indicators:town", args=[VERIFIED, w.urban.pk]), DISTRICT_ROLES_ONLY),
    ("school A", lambda w: reverse("indicators:school", args=[VERIFIED, w.school_a.pk]), NOT_SCHOOL_B),
    ("school B", lambda w: reverse("indicators:school", args=[VERIFIED, w.school_b.pk]), NOT_SCHOOL_A),
    (
        "a school on a district-only indicator",
        lambda w: reverse("indicators:school", args=[DISTRICT_ONLY, w.school_a.pk]),
        dict.fromkeys(PERSONAS, NOT_FOUND),
    ),
    (
        "a town on a district-only indicator",
        lambda w: reverse("indicators:town", args=[DISTRICT_ONLY, w.urban.pk]),
        dict.fromkeys(PERSONAS, NOT_FOUND),
    ),
    (
        "no such indicator",
        lambda w: reverse("indicators:detail", args=["no.such"]),
        dict.fromkeys(PERSONAS, 404),
    ),
    (
        "no such school",
        lambda w: reverse("indicators:school", args=[VERIFIED, 999_999]),
        dict.fromkeys(PERSONAS, NOT_FOUND),
    ),
    ("computation runs", lambda w: reverse("indicators:runs"), ADMIN_ONLY),
]


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_answers_each_persona(
    client_for: Callable[[str], Client],
    world: World,
    computed: Computed,
    name: str,
    url: Callable[[World], str],
    expected: dict[str, int],
) -> None:
    answers = {persona: client_for(persona).get(url(world)).status_code for persona in PERSONAS}
    assert answers == {p: expected.get(p, OK) for p in PERSONAS}, name


@pytest.mark.parametrize(("name", "url", "_expected"), PAGES, ids=[p[0] for p in PAGES])
def test_the_public_is_sent_to_sign_in(
    client_for: Callable[[str], Client],
    world: World,
    name: str,
    url: Callable[[World], str],
    _expected: dict[str, int],
) -> None:
    response = client_for("anon").get(url(world))
    assert response.status_code == FOUND
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_pages_work_before_anything_is_computed(client_for: Callable[[str], Client], world: World) -> None:
    for persona in ("admin", "principal_a"):
        client = client_for(persona)
        page = client.get(reverse("indicators:list"))
        assert page.status_code == OK
        assert "还没有计算指标值" in page.content.decode()
        assert client.get(reverse("indicators:detail", args=[VERIFIED])).status_code == OK
    school = client_for("admin").get(reverse("indicators:school", args=[VERIFIED, world.school_a.pk]))
    assert school.status_code == OK
    town = client_for("admin").get(reverse("indicators:town", args=[VERIFIED, world.urban.pk]))
    assert town.status_code == NOT_FOUND  # no town value to show


@pytest.mark.parametrize("persona", [*PERSONAS, "anon"])
def test_recompute_is_for_the_administrator(
    client_for: Callable[[str], Client], world: World, persona: str
) -> None:
    from tisheng.indicators.choices import RunTrigger
    from tisheng.indicators.models import IndicatorRun

    before = IndicatorRun.objects.count()
    response = client_for(persona).post(reverse("indicators:recompute"), {"year": world.year.pk})
    started = IndicatorRun.objects.count() - before
    if persona == "admin":
        assert response.status_code == FOUND
        assert response["Location"] == reverse("indicators:runs")
        run = IndicatorRun.objects.latest("id")
        assert started == 1
        assert (run.trigger, run.requested_by, run.is_current) == (RunTrigger.WEB, world.users["admin"], True)
    elif persona == "anon":
        assert response.status_code == FOUND
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
        assert started == 0
    else:
        assert response.status_code == FORBIDDEN
        assert started == 0
