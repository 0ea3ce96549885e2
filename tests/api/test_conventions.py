"""What every answer of the API shares: UTF-8 JSON, labels in the request's language, coded errors."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tests.api.conftest import body
from tests.conftest import World


def test_chinese_is_sent_as_utf8_not_escaped(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("admin").get(f"/api/schools/{world.school_a.pk}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "测试第一小学".encode() in response.content


def test_labels_are_chinese_by_default(client_for: Callable[[str], Client], world: World) -> None:
    school = body(client_for("admin").get(f"/api/schools/{world.school_a.pk}"))
    assert (school["school_type"], school["school_type_label"]) == ("primary", "小学")
    assert (school["ownership"], school["ownership_label"]) == ("public", "公办")


def test_labels_follow_the_request_language(client_for: Callable[[str], Client], world: World) -> None:
    client = client_for("admin")
    school = body(client.get(f"/api/schools/{world.school_a.pk}", headers={"Accept-Language": "en"}))
    assert (school["school_type"], school["school_type_label"]) == ("primary", "Primary school")


def test_error_messages_stay_chinese_with_a_stable_code(client_for: Callable[[str], Client]) -> None:
    response = client_for("admin").get("/api/schools/999999", headers={"Accept-Language": "en"})
    assert body(response) == {"code": "not_found", "detail": "对象不存在或无权访问"}


def test_parameter_errors_keep_ninjas_detail_and_add_a_code(client_for: Callable[[str], Client]) -> None:
    response = client_for("admin").get("/api/schools?limit=0")
    assert response.status_code == 422
    problem = body(response)
    assert problem["code"] == "invalid"
    assert problem["detail"][0]["loc"] == ["query", "limit"]
    assert problem["detail"][0]["type"] == "greater_than_equal"


def test_malformed_json_is_400(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("admin").patch(
        f"/api/schools/{world.school_a.pk}", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert body(response) == {"code": "bad_request", "detail": "请求格式有误"}
