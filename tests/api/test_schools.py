"""/api/schools: list with the school list page's filters, profile, and changes by the right roles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from tests.api.conftest import body, patch
from tests.conftest import World
from tisheng.core.choices import ChangeSource, MembershipRole, Ownership, SchoolType, Stage
from tisheng.core.models import AcademicYear, ChangeRecord, GroupMembership, School

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ALL_SCHOOLS = ["2164010501", "2164010502", "2164010503", "2164010504"]


def codes(response: object) -> list[str]:
    return [item["code"] for item in body(response)["items"]]


# --- list -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ALL_SCHOOLS),
        ("inspector", ALL_SCHOOLS),
        ("leader", ALL_SCHOOLS),
        ("dept_user", ALL_SCHOOLS),
        ("principal_a", ["2164010501"]),
        ("clerk_a", ["2164010501"]),
        ("principal_b", ["2164010502"]),
    ],
)
def test_list_shows_what_the_role_may_see(
    client_for: Callable[[str], Client], persona: str, expected: list[str]
) -> None:
    response = client_for(persona).get("/api/schools")
    assert response.status_code == 200
    assert codes(response) == expected
    assert body(response)["count"] == len(expected)


def test_list_item_carries_codes_with_labels(client_for: Callable[[str], Client], world: World) -> None:
    item = body(client_for("admin").get("/api/schools"))["items"][2]
    assert item["code"] == "2164010503"
    assert item["school_type"] == SchoolType.NINE_YEAR
    assert item["school_type_label"] == str(SchoolType.NINE_YEAR.label)
    assert item["ownership"] == "public"
    assert item["ownership_label"] == str(Ownership.PUBLIC.label)
    assert item["town"] == {"id": world.urban.pk, "code": "640105001", "name": "宁华路街道"}
    assert [s["stage"] for s in item["sections"]] == ["junior", "primary"]
    assert item["sections"][1]["stage_label"] == str(Stage.PRIMARY.label)
    assert item["is_open"] is True


def test_list_is_paginated(client_for: Callable[[str], Client]) -> None:
    client = client_for("admin")
    page = body(client.get("/api/schools?limit=2&offset=1"))
    assert page["count"] == 4
    assert [s["code"] for s in page["items"]] == ALL_SCHOOLS[1:3]
    assert client.get("/api/schools?limit=500").status_code == 200
    too_many = client.get("/api/schools?limit=501")
    assert too_many.status_code == 422
    assert body(too_many)["code"] == "invalid"


# --- filters (the same SchoolFilterSet as the list page) --------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("town={rural}", ["2164010502"]),
        ("town={urban}", ["2164010501", "2164010503", "2164010504"]),
        ("school_type=primary", ["2164010501"]),
        ("school_type=primary&school_type=kindergarten", ["2164010501", "2164010504"]),
        ("stage=junior", ["2164010502", "2164010503"]),
        ("stage=preschool", ["2164010504"]),
        ("group={group}", ["2164010501", "2164010502"]),
        ("group={edu_group}", ["2164010503"]),
        ("ownership=public", ALL_SCHOOLS),
        ("ownership=private", []),
        ("is_puhui=true", ["2164010504"]),
        ("q=九年", ["2164010503"]),
        ("q=2164010502", ["2164010502"]),
        ("town={urban}&stage=primary", ["2164010501", "2164010503"]),
    ],
)
def test_list_filters(
    client_for: Callable[[str], Client], world: World, query: str, expected: list[str]
) -> None:
    query = query.format(
        rural=world.rural.pk, urban=world.urban.pk, group=world.group.pk, edu_group=world.edu_group.pk
    )
    response = client_for("admin").get(f"/api/schools?{query}")
    assert response.status_code == 200, response.content
    assert codes(response) == expected


def test_filters_apply_within_the_scope(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("principal_a").get(f"/api/schools?group={world.group.pk}")
    assert codes(response) == ["2164010501"]


def test_group_filter_ignores_ended_memberships(
    client_for: Callable[[str], Client], world: World, past_membership: GroupMembership
) -> None:
    response = client_for("admin").get(f"/api/schools?group={world.group.pk}")
    assert codes(response) == ["2164010501", "2164010502"]


def test_private_schools_are_found(client_for: Callable[[str], Client], world: World) -> None:
    School.objects.filter(pk=world.kindergarten.pk).update(ownership=Ownership.PRIVATE)
    assert codes(client_for("admin").get("/api/schools?ownership=private")) == ["2164010504"]


@pytest.mark.parametrize(
    "query", ["school_type=university", "stage=college", "town=999999", "group=999999", "town=abc"]
)
def test_invalid_filter_values_are_422(client_for: Callable[[str], Client], query: str) -> None:
    response = client_for("admin").get(f"/api/schools?{query}")
    assert response.status_code == 422
    assert body(response)["code"] == "invalid"
    assert body(response)["detail"][0]["loc"][0] == "query"


# --- detail -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "inspector", "leader", "dept_user", "principal_a", "clerk_a"])
def test_detail_for_roles_in_scope(client_for: Callable[[str], Client], world: World, persona: str) -> None:
    response = client_for(persona).get(f"/api/schools/{world.school_a.pk}")
    assert response.status_code == 200
    assert body(response)["name"] == "测试第一小学"


def test_detail_out_of_scope_is_404(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("principal_b").get(f"/api/schools/{world.school_a.pk}")
    assert response.status_code == 404
    assert body(response) == {"code": "not_found", "detail": "对象不存在或无权访问"}


def test_detail_of_a_missing_school_is_the_same_404(client_for: Callable[[str], Client]) -> None:
    response = client_for("admin").get("/api/schools/999999")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


def test_detail_has_sections_groups_and_enrolment(
    client_for: Callable[[str], Client],
    world: World,
    enrolment: AcademicYear,
    past_membership: GroupMembership,
) -> None:
    school = body(client_for("principal_a").get(f"/api/schools/{world.school_a.pk}"))
    assert [(s["stage"], s["stage_label"]) for s in school["sections"]] == [
        ("primary", str(Stage.PRIMARY.label))
    ]
    assert school["groups"] == [
        {
            "group": {
                "id": world.group.pk,
                "name": "宁华大学区",
                "kind": "large_district",
                "kind_label": str(world.group.get_kind_display()),
            },
            "role": "lead",
            "role_label": str(MembershipRole.LEAD.label),
            "valid_from": "2021-09-01",
            "valid_to": None,
        }
    ]
    assert [(e["academic_year"], e["stage"], e["students"], e["classes"]) for e in school["enrolment"]] == [
        (2024, "primary", 40, 1),
        (2025, "primary", 130, 3),
    ]


def test_detail_shows_only_current_groups(
    client_for: Callable[[str], Client], world: World, past_membership: GroupMembership
) -> None:
    school = body(client_for("admin").get(f"/api/schools/{world.kindergarten.pk}"))
    assert school["groups"] == []


def test_enrolment_is_per_section(client_for: Callable[[str], Client], world: World) -> None:
    from tisheng.census.models import SchoolClass
    from tisheng.core.models import SchoolSection

    for stage, grade, students in [(Stage.PRIMARY, 16, 40), (Stage.JUNIOR, 21, 48), (Stage.JUNIOR, 22, 47)]:
        SchoolClass.objects.create(
            academic_year=world.year,
            section=SchoolSection.objects.get(school=world.school_c, stage=stage),
            grade=grade,
            number=1,
            student_count=students,
        )
    school = body(client_for("leader").get(f"/api/schools/{world.school_c.pk}"))
    assert [(e["stage"], e["students"], e["classes"]) for e in school["enrolment"]] == [
        ("primary", 40, 1),
        ("junior", 95, 2),
    ]


# --- changes ----------------------------------------------------------------------------------------


def test_principal_changes_the_own_school(client_for: Callable[[str], Client], world: World) -> None:
    response = patch(
        client_for("principal_a"),
        f"/api/schools/{world.school_a.pk}",
        {"phone": "0951-2345678", "principal_name": "王校长"},
    )
    assert response.status_code == 200, response.content
    assert body(response)["phone"] == "0951-2345678"
    world.school_a.refresh_from_db()
    assert (world.school_a.phone, world.school_a.principal_name) == ("0951-2345678", "王校长")


@pytest.mark.parametrize("how", ["session", "token"])
def test_change_is_audited_as_the_caller_from_the_api(
    client_for: Callable[[str], Client], token_client: Callable[[str], Client], world: World, how: str
) -> None:
    client = client_for("principal_a") if how == "session" else token_client("principal_a")
    response = patch(client, f"/api/schools/{world.school_a.pk}", {"address": "宁华路88号"})
    assert response.status_code == 200
    record = world.school_a.history().first()
    assert record is not None
    assert record.user == world.users["principal_a"]
    assert record.user_repr == "principal_a"
    assert record.source == ChangeSource.API
    assert record.changed == ["address"]
    assert record.after["address"] == "宁华路88号"


def test_a_change_that_changes_nothing_leaves_no_record(
    client_for: Callable[[str], Client], world: World
) -> None:
    client = client_for("principal_a")  # signing in is itself audited (last_login)
    before = ChangeRecord.objects.count()
    response = patch(client, f"/api/schools/{world.school_a.pk}", {"phone": ""})
    assert response.status_code == 200
    assert ChangeRecord.objects.count() == before


@pytest.mark.parametrize("persona", ["leader", "inspector", "clerk_a", "dept_user"])
def test_read_only_roles_get_403(client_for: Callable[[str], Client], world: World, persona: str) -> None:
    response = patch(client_for(persona), f"/api/schools/{world.school_a.pk}", {"phone": "110"})
    assert response.status_code == 403
    assert body(response) == {"code": "forbidden", "detail": "您的角色无权进行此操作"}
    world.school_a.refresh_from_db()
    assert world.school_a.phone == ""


def test_change_out_of_scope_is_404(client_for: Callable[[str], Client], world: World) -> None:
    response = patch(client_for("principal_b"), f"/api/schools/{world.school_a.pk}", {"phone": "110"})
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


def test_anonymous_change_is_401(client_for: Callable[[str], Client], world: World) -> None:
    response = patch(client_for("anon"), f"/api/schools/{world.school_a.pk}", {"phone": "110"})
    assert response.status_code == 401


def test_principal_may_not_change_register_fields(client_for: Callable[[str], Client], world: World) -> None:
    response = patch(
        client_for("principal_a"),
        f"/api/schools/{world.school_a.pk}",
        {"phone": "0951-1", "town": world.rural.pk, "ownership": "private"},
    )
    assert response.status_code == 403
    assert body(response) == {
        "code": "forbidden_fields",
        "detail": "您的角色无权修改以下字段：ownership、town",
        "fields": ["ownership", "town"],
    }
    world.school_a.refresh_from_db()
    assert (world.school_a.phone, world.school_a.town_id) == ("", world.urban.pk)
    assert not world.school_a.history().filter(action="update").exists()


@pytest.mark.parametrize("field", ["name", "code", "school_type", "closed_on", "no_such_field"])
def test_fields_no_role_may_change_are_422(
    client_for: Callable[[str], Client], world: World, field: str
) -> None:
    response = patch(client_for("admin"), f"/api/schools/{world.school_a.pk}", {field: "x"})
    assert response.status_code == 422
    assert body(response)["code"] == "invalid"
    assert body(response)["detail"][0]["loc"][-1] == field


def test_admin_changes_the_register(client_for: Callable[[str], Client], world: World) -> None:
    response = patch(
        client_for("admin"),
        f"/api/schools/{world.school_b.pk}",
        {"town": world.urban.pk, "urban_rural": "urban", "longitude": 106.123456, "latitude": 38.5},
    )
    assert response.status_code == 200, response.content
    school = body(response)
    assert school["town"]["id"] == world.urban.pk
    assert school["urban_rural_label"] == str(world.urban.get_urban_rural_display())
    assert (school["longitude"], school["latitude"]) == (106.123456, 38.5)
    world.school_b.refresh_from_db()
    assert world.school_b.longitude == Decimal("106.123456")
    record = world.school_b.history().first()
    assert record is not None and record.user == world.users["admin"] and record.source == ChangeSource.API


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"longitude": 200, "latitude": 38}, "longitude"),
        ({"longitude": 106.1234567, "latitude": 38}, "longitude"),
        ({"short_name": "很" * 31}, "short_name"),
        ({"town": 999999}, "town"),
        ({"ownership": None}, "ownership"),
        ({"phone": None}, "phone"),
    ],
)
def test_invalid_data_is_422_in_chinese(
    client_for: Callable[[str], Client], world: World, data: dict[str, object], field: str
) -> None:
    response = patch(client_for("admin"), f"/api/schools/{world.school_a.pk}", data)
    assert response.status_code == 422, response.content
    problem = body(response)
    assert problem["code"] == "invalid"
    assert problem["detail"][0]["loc"] == ["body", "payload", field]
    assert CHINESE.search(problem["detail"][0]["msg"]), problem
    world.school_a.refresh_from_db()
    assert (world.school_a.longitude, world.school_a.short_name, world.school_a.town_id) == (
        None,
        "",
        world.urban.pk,
    )


def test_model_constraints_are_checked(client_for: Callable[[str], Client], world: World) -> None:
    only_one = patch(client_for("admin"), f"/api/schools/{world.school_a.pk}", {"longitude": 106.2})
    assert only_one.status_code == 422
    assert body(only_one)["detail"][0]["loc"] == ["body", "payload"]
    not_a_kindergarten = patch(client_for("admin"), f"/api/schools/{world.school_a.pk}", {"is_puhui": True})
    assert not_a_kindergarten.status_code == 422


def test_wrongly_typed_values_are_422(client_for: Callable[[str], Client], world: World) -> None:
    response = patch(client_for("admin"), f"/api/schools/{world.school_a.pk}", {"ownership": "state"})
    assert response.status_code == 422
    assert body(response)["code"] == "invalid"


def test_closed_schools_are_listed_as_closed(client_for: Callable[[str], Client], world: World) -> None:
    School.objects.filter(pk=world.school_b.pk).update(
        opened_on=dt.date(1990, 9, 1), closed_on=dt.date(2020, 7, 1)
    )
    items = {s["code"]: s for s in body(client_for("admin").get("/api/schools"))["items"]}
    assert items["2164010502"]["is_open"] is False
    assert codes(client_for("admin").get("/api/schools?is_open=false")) == ["2164010502"]


def test_filter_values_outside_the_scope_are_invalid_like_missing_ones(
    client_for: Callable[[str], Client], world: World
) -> None:
    """The filter set's choices are restricted like the list page's dropdowns: a principal naming a
    group of other schools gets the same 422 as for a group that does not exist."""
    response = client_for("principal_a").get(f"/api/schools?group={world.edu_group.pk}")
    assert response.status_code == 422
    assert body(response)["detail"][0]["loc"] == ["query", "group"]


def test_filters_work_for_token_callers(token_client: Callable[[str], Client], world: World) -> None:
    client = token_client("principal_b")
    assert codes(client.get(f"/api/schools?group={world.group.pk}")) == ["2164010502"]
    assert client.get(f"/api/schools?group={world.edu_group.pk}").status_code == 422
