"""Sign-in, sign-out, throttling, CSRF and the public page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World
from tisheng.core.models import LoginAttempt


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_goes_home_and_sign_out_goes_public(world: World) -> None:
    client = Client()
    response = login(client, "principal_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("public-home")
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_in_chinese(world: World) -> None:
    response = login(Client(), "principal_a", "wrong-password", ip="10.0.0.2")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()  # Django's own zh-hans message
    assert LoginAttempt.objects.filter(username="principal_a", succeeded=False).count() == 1


def test_account_is_locked_after_repeated_failures(world: World, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        login(client, "principal_a", "wrong-password")
    response = login(client, "principal_a", PASSWORD)  # even the right password is refused while locked
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = login(Client(), "clerk_a", PASSWORD, ip="10.0.0.9")  # other accounts are not affected
    assert other.status_code == 302


def test_address_is_locked_after_spraying_many_accounts(world: World, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    for i in range(8):  # 2 × ADDRESS_FACTOR failures from one address
        login(Client(), f"nobody{i}", "wrong-password", ip="10.9.9.9")
    assert login(Client(), "clerk_a", PASSWORD, ip="10.9.9.9").status_code == 200
    assert login(Client(), "clerk_a", PASSWORD, ip="10.9.9.10").status_code == 302


def test_csrf_is_enforced_on_sign_in(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


def test_public_page_shows_aggregates_only(world: World) -> None:
    response = Client().get(reverse("public-home"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "西夏区" in text
    assert "测试第一小学" not in text  # no school-level detail on the public page
    assert response.context["school_total"] == 4


@pytest.mark.parametrize(("language", "marker"), [("en", "Schools"), ("zh-hans", "学校")])
def test_language_can_be_switched(client_for, world: World, language: str, marker: str) -> None:
    client = client_for("admin")
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("core:school-list")}
    )
    assert response.status_code == 302
    page = client.get(reverse("core:school-list")).content.decode()
    assert f'<html lang="{language}">' in page
    assert marker in page


def test_chinese_is_the_default_language(client_for, world: World) -> None:
    page = client_for("admin").get(reverse("core:school-list")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "学校标识码" in page
