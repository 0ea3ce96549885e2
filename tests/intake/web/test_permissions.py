"""Every intake page, every persona (STYLE §7): it works for the right roles, another school's batch or
submission is a 404, the read-only roles (inspector, leader) get 403 on every POST, department users
get 403 on every intake page (they have no part in data collection), the public is sent to sign in."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONAS, World
from tisheng.intake import services
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.models import ImportBatch, Submission

OK, NOT_FOUND, FORBIDDEN, LOGIN = 200, 404, 403, 302


@dataclass
class Objects:
    committed: ImportBatch  # school A, committed
    ready: ImportBatch  # school A, validated, waiting for commit
    submission: Submission  # school A, classes, 2025


def classes_file(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "班级"
    ws.append(["学校标识码", "年级", "班号", "班额"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def objects(world: World) -> Objects:
    clerk = world.users["clerk_a"]
    first = services.create_batch(
        clerk, "classes", world.year, [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))]
    )
    services.validate_batch(first)
    services.commit_batch(first, clerk)
    second = services.create_batch(
        clerk, "classes", world.year, [("班级.xlsx", classes_file([["2164010501", "一年级", 1, 42]]))]
    )
    services.validate_batch(second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (BatchStatus.COMMITTED, BatchStatus.READY)
    submission = Submission.objects.get(school=world.school_a, dataset="classes", academic_year=world.year)
    return Objects(first, second, submission)


EVERYONE_BUT_DEPARTMENT = {"dept_user": FORBIDDEN, "anon": LOGIN}
SCHOOL_A_ONLY = {**EVERYONE_BUT_DEPARTMENT, "principal_b": NOT_FOUND}

Page = tuple[str, Callable[[Objects], str], dict[str, int]]
PAGES: list[Page] = [
    ("home", lambda o: reverse("intake:home"), EVERYONE_BUT_DEPARTMENT),
    (
        "upload",
        lambda o: reverse("intake:upload"),
        {**EVERYONE_BUT_DEPARTMENT, "inspector": FORBIDDEN, "leader": FORBIDDEN},
    ),
    ("template", lambda o: reverse("intake:template", args=["classes"]), EVERYONE_BUT_DEPARTMENT),
    (
        "unknown template",
        lambda o: reverse("intake:template", args=["nonsense"]),
        {p: NOT_FOUND for p in PERSONAS if p != "dept_user"} | EVERYONE_BUT_DEPARTMENT,
    ),
    ("batch list", lambda o: reverse("intake:batch-list"), EVERYONE_BUT_DEPARTMENT),
    ("batch list as xlsx", lambda o: reverse("intake:batch-list") + "?format=xlsx", EVERYONE_BUT_DEPARTMENT),
    ("submission list", lambda o: reverse("intake:submission-list"), EVERYONE_BUT_DEPARTMENT),
    (
        "submission list as xlsx",
        lambda o: reverse("intake:submission-list") + "?format=xlsx",
        EVERYONE_BUT_DEPARTMENT,
    ),
    ("batch of A", lambda o: reverse("intake:batch", args=[o.committed.pk]), SCHOOL_A_ONLY),
    ("ready batch of A", lambda o: reverse("intake:batch", args=[o.ready.pk]), SCHOOL_A_ONLY),
    ("progress of A", lambda o: reverse("intake:batch-progress", args=[o.ready.pk]), SCHOOL_A_ONLY),
    ("issues of A", lambda o: reverse("intake:batch-issues", args=[o.ready.pk]), SCHOOL_A_ONLY),
    ("submission of A", lambda o: reverse("intake:submission", args=[o.submission.pk]), SCHOOL_A_ONLY),
]


def client(world: World, persona: str) -> Client:
    c = Client()
    if persona != "anon":
        c.force_login(world.users[persona])
    return c


@pytest.mark.parametrize("persona", [*PERSONAS, "anon"])
@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(
    world: World, objects: Objects, persona: str, name: str, url, expected: dict[str, int]
) -> None:
    response = client(world, persona).get(url(objects))
    assert response.status_code == expected.get(persona, OK), (name, persona)
    if response.status_code == LOGIN:
        assert response["Location"].startswith(reverse("login"))


# (action, url, form data); every one is refused to the read-only, the department, another school and
# the public, and changes nothing.
Action = tuple[str, Callable[[Objects], str], dict[str, str]]
ACTIONS: list[Action] = [
    ("commit", lambda o: reverse("intake:batch-commit", args=[o.ready.pk]), {}),
    ("discard", lambda o: reverse("intake:batch-discard", args=[o.ready.pk]), {}),
    ("rollback", lambda o: reverse("intake:batch-rollback", args=[o.committed.pk]), {"confirm": "yes"}),
    ("submit", lambda o: reverse("intake:submission-submit", args=[o.submission.pk]), {}),
    ("approve", lambda o: reverse("intake:submission-approve", args=[o.submission.pk]), {"comment": "好"}),
    ("return", lambda o: reverse("intake:submission-return", args=[o.submission.pk]), {"comment": "不对"}),
    ("reopen", lambda o: reverse("intake:submission-reopen", args=[o.submission.pk]), {"reason": "需要更正"}),
]
DENIED = {
    "inspector": FORBIDDEN,
    "leader": FORBIDDEN,
    "dept_user": FORBIDDEN,
    "principal_b": NOT_FOUND,
    "anon": LOGIN,
}


def state(objects: Objects) -> tuple[str, str, str]:
    return (
        ImportBatch.objects.get(pk=objects.committed.pk).status,
        ImportBatch.objects.get(pk=objects.ready.pk).status,
        Submission.objects.get(pk=objects.submission.pk).status,
    )


@pytest.mark.parametrize("persona", list(DENIED))
@pytest.mark.parametrize(("name", "url", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_posts_are_refused(
    world: World, objects: Objects, persona: str, name: str, url, data: dict[str, str]
) -> None:
    before = state(objects)
    response = client(world, persona).post(url(objects), data)
    assert response.status_code == DENIED[persona], (name, persona)
    assert state(objects) == before


@pytest.mark.parametrize("persona", ["inspector", "leader", "dept_user", "anon"])
def test_upload_post_is_refused(world: World, persona: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "dataset": "classes",
        "academic_year": world.year.pk,
        "files": [SimpleUploadedFile("班级.xlsx", classes_file([["2164010501", "一年级", 1, 40]]))],
    }
    response = client(world, persona).post(reverse("intake:upload"), data)
    assert response.status_code == (LOGIN if persona == "anon" else FORBIDDEN)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("persona", "action"),
    [("principal_a", "approve"), ("clerk_a", "approve"), ("clerk_a", "reopen"), ("principal_a", "rollback")],
)
def test_school_roles_cannot_review(world: World, objects: Objects, persona: str, action: str) -> None:
    services.submit(objects.submission, world.users["clerk_a"])
    if action == "reopen":
        services.approve(objects.submission, world.users["admin"])
    url, data = {a[0]: (a[1], a[2]) for a in ACTIONS}[action]
    before = state(objects)
    assert client(world, persona).post(url(objects), data).status_code == FORBIDDEN
    assert state(objects) == before


def test_gets_never_change_state(world: World, objects: Objects) -> None:
    for name, url, _data in ACTIONS:
        assert client(world, "admin").get(url(objects)).status_code == 405, name
    assert Submission.objects.get(pk=objects.submission.pk).status == SubmissionStatus.DRAFT


def test_posts_need_the_csrf_token(world: World, objects: Objects) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["clerk_a"])
    response = browser.post(reverse("intake:submission-submit", args=[objects.submission.pk]))
    assert response.status_code == 403
    assert Submission.objects.get(pk=objects.submission.pk).status == SubmissionStatus.DRAFT


def test_a_poll_after_the_session_ended_reloads_the_page(world: World, objects: Objects) -> None:
    response = Client().get(
        reverse("intake:batch-progress", args=[objects.ready.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_lists_show_only_the_users_scope(world: World, objects: Objects) -> None:
    for persona, sees_a in [("principal_a", True), ("principal_b", False), ("inspector", True)]:
        page = client(world, persona).get(reverse("intake:batch-list")).content.decode()
        assert (objects.committed.get_absolute_url() in page) is sees_a, persona
        page = client(world, persona).get(reverse("intake:submission-list")).content.decode()
        assert (objects.submission.get_absolute_url() in page) is sees_a, persona


def test_read_only_roles_see_no_buttons(world: World, objects: Objects) -> None:
    page = client(world, "inspector").get(reverse("intake:batch", args=[objects.ready.pk])).content.decode()
    assert reverse("intake:batch-commit", args=[objects.ready.pk]) not in page
    home = client(world, "leader").get(reverse("intake:home")).content.decode()
    assert 'id="upload-form"' not in home
    page = (
        client(world, "inspector")
        .get(reverse("intake:submission", args=[objects.submission.pk]))
        .content.decode()
    )
    assert reverse("intake:submission-submit", args=[objects.submission.pk]) not in page


def test_navigation_offers_intake_to_its_roles_only(world: World) -> None:
    url = reverse("intake:home")
    for persona in ("admin", "inspector", "principal_a", "clerk_a"):
        assert f'href="{url}"' in client(world, persona).get(reverse("home")).content.decode(), persona
    assert f'href="{url}"' not in client(world, "dept_user").get(reverse("home")).content.decode()
