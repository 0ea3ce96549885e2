"""Every census register page and the evidence views, every persona (STYLE §7): they work for the roles
that may read school registers (district roles and department users; a school only its own records),
another school's record and its evidence are a 404, the read-only roles and department users get 403
on upload and delete, the public is sent to sign in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.census.conftest import PDF, Register, upload_file
from tests.conftest import PERSONAS, World
from tisheng.core.evidence import Evidence

OK, NOT_FOUND, FORBIDDEN, FOUND = 200, 404, 403, 302
SCHOOL_A_ONLY = {"principal_b": NOT_FOUND}
SCHOOL_B_ONLY = {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND}
DISTRICT_ONLY = {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND, "principal_b": NOT_FOUND}
WRITERS_OF_A = {
    "admin": FOUND,
    "principal_a": FOUND,
    "clerk_a": FOUND,
    "inspector": FORBIDDEN,
    "leader": FORBIDDEN,
    "dept_user": FORBIDDEN,
    "principal_b": NOT_FOUND,
}

# (page, its url from the register, {persona: expected status}); personas left out get 200.
Page = tuple[str, Callable[[Register], str], dict[str, int]]
PAGES: list[Page] = [
    ("recognition list", lambda r: reverse("census:recognition-list"), {}),
    ("recognition list as xlsx", lambda r: reverse("census:recognition-list") + "?format=xlsx", {}),
    ("activity list", lambda r: reverse("census:activity-list"), {}),
    ("activity list as xlsx", lambda r: reverse("census:activity-list") + "?format=xlsx", {}),
    ("recognition of A", lambda r: reverse("census:recognition", args=[r.recognition_a.pk]), SCHOOL_A_ONLY),
    ("recognition of B", lambda r: reverse("census:recognition", args=[r.recognition_b.pk]), SCHOOL_B_ONLY),
    (
        "history of A's recognition",
        lambda r: reverse("census:recognition-history", args=[r.recognition_a.pk]),
        SCHOOL_A_ONLY,
    ),
    ("activity of A", lambda r: reverse("census:activity", args=[r.activity_a.pk]), SCHOOL_A_ONLY),
    (
        "history of A's activity",
        lambda r: reverse("census:activity-history", args=[r.activity_a.pk]),
        SCHOOL_A_ONLY,
    ),
    (
        "a researcher's activity",
        lambda r: reverse("census:activity", args=[r.activity_person.pk]),
        DISTRICT_ONLY,
    ),
    (
        "download A's evidence",
        lambda r: reverse("census:evidence-download", args=[r.evidence_a.pk]),
        SCHOOL_A_ONLY,
    ),
    (
        "confirm deleting A's evidence",
        lambda r: reverse("census:evidence-delete", args=[r.evidence_a.pk]),
        {**WRITERS_OF_A, "admin": OK, "principal_a": OK, "clerk_a": OK},
    ),
    (
        "no such recognition",
        lambda r: reverse("census:recognition", args=[999_999]),
        dict.fromkeys(PERSONAS, NOT_FOUND),
    ),
    (
        "no such evidence",
        lambda r: reverse("census:evidence-download", args=[999_999]),
        dict.fromkeys(PERSONAS, NOT_FOUND),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_answers_each_persona(
    client_for: Callable[[str], Client],
    register: Register,
    persona: str,
    name: str,
    url: Callable[[Register], str],
    expected: dict[str, int],
) -> None:
    response = client_for(persona).get(url(register))
    assert response.status_code == expected.get(persona, OK), f"{name} as {persona}"


@pytest.mark.parametrize(("name", "url", "_expected"), PAGES, ids=[p[0] for p in PAGES])
def test_the_public_is_sent_to_sign_in(
    client_for: Callable[[str], Client],
    register: Register,
    name: str,
    url: Callable[[Register], str],
    _expected: dict[str, int],
) -> None:
    response = client_for("anon").get(url(register))
    assert response.status_code == FOUND
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


UPLOADS = [
    ("to A's recognition", lambda r: reverse("census:recognition-evidence", args=[r.recognition_a.pk])),
    ("to A's activity", lambda r: reverse("census:activity-evidence", args=[r.activity_a.pk])),
]


@pytest.mark.parametrize("persona", [*PERSONAS, "anon"])
@pytest.mark.parametrize(("name", "url"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_upload_is_for_the_schools_own_users_and_the_administrator(
    client_for: Callable[[str], Client],
    register: Register,
    persona: str,
    name: str,
    url: Callable[[Register], str],
) -> None:
    before = Evidence.objects.count()
    response = client_for(persona).post(url(register), {"files": [upload_file("签到表.pdf", PDF + b"x")]})
    expected = WRITERS_OF_A.get(persona, FOUND)
    assert response.status_code == expected, f"upload {name} as {persona}"
    stored = Evidence.objects.count() - before
    assert stored == (1 if persona in ("admin", "principal_a", "clerk_a") else 0)
    if persona == "anon":
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_upload_to_a_researchers_activity_is_the_administrators(
    client_for: Callable[[str], Client], register: Register
) -> None:
    url = reverse("census:activity-evidence", args=[register.activity_person.pk])
    for persona, expected in {"admin": FOUND, "leader": FORBIDDEN, "principal_a": NOT_FOUND}.items():
        response = client_for(persona).post(
            url, {"files": [upload_file(f"{persona}.pdf", PDF + persona.encode())]}
        )
        assert response.status_code == expected, persona


@pytest.mark.parametrize("persona", [*PERSONAS, "anon"])
def test_delete_is_for_the_schools_own_users_and_the_administrator(
    client_for: Callable[[str], Client], register: Register, persona: str, world: World
) -> None:
    url = reverse("census:evidence-delete", args=[register.evidence_a.pk])
    response = client_for(persona).post(url)
    expected = WRITERS_OF_A.get(persona, FOUND)
    assert response.status_code == expected, persona
    still_there = Evidence.objects.filter(pk=register.evidence_a.pk).exists()
    assert still_there == (persona not in ("admin", "principal_a", "clerk_a"))
    if expected == FOUND and persona != "anon":
        assert (
            response["Location"]
            == reverse("census:recognition", args=[register.recognition_a.pk]) + "#evidence"
        )


def test_get_on_the_upload_address_goes_to_the_record(
    client_for: Callable[[str], Client], register: Register
) -> None:
    response = client_for("leader").get(
        reverse("census:recognition-evidence", args=[register.recognition_a.pk])
    )
    assert response.status_code == FOUND
    assert response["Location"].endswith(f"/census/recognitions/{register.recognition_a.pk}/#evidence")
