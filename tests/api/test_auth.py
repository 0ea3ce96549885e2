"""Who may call the API: API tokens first, then the session (with CSRF on writes); nobody else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import body, patch
from tests.conftest import World
from tisheng.core.models import ApiToken

#: Every endpoint, with placeholders filled from the world.
READ_PATHS = [
    "/api/schools",
    "/api/schools/{school_a}",
    "/api/towns",
    "/api/towns/{urban}",
    "/api/groups",
    "/api/groups/{group}",
    "/api/departments",
    "/api/departments/{finance}",
    "/api/me",
    "/api/years",
]


def fill(path: str, world: World) -> str:
    return path.format(
        school_a=world.school_a.pk, urban=world.urban.pk, group=world.group.pk, finance=world.dept_finance.pk
    )


@pytest.mark.parametrize("path", READ_PATHS)
def test_anonymous_gets_401_everywhere(client_for: Callable[[str], Client], world: World, path: str) -> None:
    response = client_for("anon").get(fill(path, world))
    assert response.status_code == 401
    assert body(response) == {"code": "unauthenticated", "detail": "请先登录或提供有效的 API 令牌"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_write_is_401_not_a_csrf_failure(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = patch(client, f"/api/schools/{world.school_a.pk}", {"phone": "0951-1"})
    assert response.status_code == 401
    assert body(response)["code"] == "unauthenticated"


@pytest.mark.parametrize("path", READ_PATHS)
def test_token_works_everywhere(token_client: Callable[[str], Client], world: World, path: str) -> None:
    assert token_client("admin").get(fill(path, world)).status_code == 200


def test_token_acts_as_its_user(token_client: Callable[[str], Client]) -> None:
    me = body(token_client("principal_a").get("/api/me"))
    assert me["username"] == "principal_a"
    assert me["scope"]["level"] == "school"


def test_token_use_is_noted(world: World, token_for: Callable[[str], str]) -> None:
    key = token_for("leader")
    Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me")
    token = ApiToken.objects.get(user=world.users["leader"])
    assert token.last_used_at is not None


@pytest.mark.parametrize("key", ["ts_not-a-real-key", "", "   "])
def test_invalid_token_gets_401(world: World, key: str) -> None:
    response = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/schools")
    assert response.status_code == 401
    assert body(response) == {"code": "invalid_token", "detail": "API 令牌无效或已过期"}


def test_expired_token_gets_401(world: World, token_for: Callable[[str], str]) -> None:
    key = token_for("admin")
    ApiToken.objects.filter(user=world.users["admin"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me")
    assert response.status_code == 401
    assert body(response)["code"] == "invalid_token"


def test_token_of_a_deactivated_user_gets_401(world: World, token_for: Callable[[str], str]) -> None:
    key = token_for("inspector")
    world.users["inspector"].is_active = False
    world.users["inspector"].save()
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me").status_code == 401


def test_a_bad_token_is_not_rescued_by_the_session(client_for: Callable[[str], Client]) -> None:
    client = client_for("admin")
    response = client.get("/api/me", headers={"Authorization": "Bearer ts_wrong"})
    assert response.status_code == 401


def test_token_wins_over_the_session(
    client_for: Callable[[str], Client], token_for: Callable[[str], str]
) -> None:
    client = client_for("admin")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token_for('clerk_a')}"})
    assert body(response)["username"] == "clerk_a"


def test_other_authorization_schemes_fall_back_to_the_session(client_for: Callable[[str], Client]) -> None:
    response = client_for("leader").get("/api/me", headers={"Authorization": "Basic YWRtaW46eA=="})
    assert body(response)["username"] == "leader"


def test_session_works(client_for: Callable[[str], Client]) -> None:
    assert body(client_for("dept_user").get("/api/me"))["username"] == "dept_user"


def test_session_write_needs_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["principal_a"])
    url = f"/api/schools/{world.school_a.pk}"

    refused = patch(client, url, {"phone": "0951-5550000"})
    assert refused.status_code == 403
    assert body(refused)["code"] == "csrf_failed"

    client.get("/api/docs")  # any page that renders a CSRF token sets the cookie
    token = client.cookies["csrftoken"].value
    accepted = patch(client, url, {"phone": "0951-5550000"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200, accepted.content
    assert body(accepted)["phone"] == "0951-5550000"


def test_session_reads_need_no_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["principal_a"])
    assert client.get("/api/me").status_code == 200


def test_token_writes_need_no_csrf_token(world: World, token_for: Callable[[str], str]) -> None:
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token_for('principal_a')}"})
    response = patch(client, f"/api/schools/{world.school_a.pk}", {"phone": "0951-5550001"})
    assert response.status_code == 200
