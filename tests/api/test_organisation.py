"""/api/towns, /api/groups, /api/departments, /api/me and /api/years, persona by persona."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from tests.api.conftest import body, patch
from tests.conftest import PERSONAS, World
from tisheng.core.choices import GroupKind, Role, SchoolType, TownKind
from tisheng.core.models import AcademicYear, GroupMembership, School

# --- towns ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_lists_the_towns(client_for: Callable[[str], Client], persona: str) -> None:
    response = client_for(persona).get("/api/towns")
    assert response.status_code == 200
    towns = body(response)["items"]
    assert [(t["code"], t["name"]) for t in towns] == [("640105001", "宁华路街道"), ("640105100", "兴泾镇")]
    assert towns[0]["kind"] == "subdistrict"
    assert towns[0]["kind_label"] == str(TownKind.SUBDISTRICT.label)


def test_town_filters(client_for: Callable[[str], Client]) -> None:
    client = client_for("admin")
    assert [t["name"] for t in body(client.get("/api/towns?kind=town"))["items"]] == ["兴泾镇"]
    assert [t["name"] for t in body(client.get("/api/towns?urban_rural=urban"))["items"]] == ["宁华路街道"]
    assert [t["name"] for t in body(client.get("/api/towns?q=兴泾"))["items"]] == ["兴泾镇"]
    assert client.get("/api/towns?kind=city").status_code == 422


def test_town_counts_schools_by_type(client_for: Callable[[str], Client], world: World) -> None:
    town = body(client_for("admin").get(f"/api/towns/{world.urban.pk}"))
    assert town["school_count"] == 3
    assert [(c["school_type"], c["count"]) for c in town["school_counts"]] == [
        ("kindergarten", 1),
        ("primary", 1),
        ("nine_year", 1),
    ]
    assert town["school_counts"][1]["school_type_label"] == str(SchoolType.PRIMARY.label)


def test_town_counts_only_open_schools(client_for: Callable[[str], Client], world: World) -> None:
    import datetime as dt

    School.objects.filter(pk=world.school_c.pk).update(closed_on=dt.date(2020, 7, 1))
    town = body(client_for("admin").get(f"/api/towns/{world.urban.pk}"))
    assert town["school_count"] == 2


def test_town_counts_only_schools_in_scope(client_for: Callable[[str], Client], world: World) -> None:
    town = body(client_for("principal_a").get(f"/api/towns/{world.urban.pk}"))
    assert town["school_count"] == 1
    assert [c["school_type"] for c in town["school_counts"]] == ["primary"]
    assert body(client_for("principal_a").get(f"/api/towns/{world.rural.pk}"))["school_count"] == 0


def test_missing_town_is_404(client_for: Callable[[str], Client]) -> None:
    response = client_for("leader").get("/api/towns/999999")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


# --- groups -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ["测试教育集团", "宁华大学区"]),
        ("inspector", ["测试教育集团", "宁华大学区"]),
        ("leader", ["测试教育集团", "宁华大学区"]),
        ("dept_user", ["测试教育集团", "宁华大学区"]),
        ("principal_a", ["宁华大学区"]),
        ("clerk_a", ["宁华大学区"]),
        ("principal_b", ["宁华大学区"]),
    ],
)
def test_groups_in_scope(client_for: Callable[[str], Client], persona: str, expected: list[str]) -> None:
    response = client_for(persona).get("/api/groups")
    assert response.status_code == 200
    assert [g["name"] for g in body(response)["items"]] == expected


def test_group_list_has_the_current_lead_and_members(
    client_for: Callable[[str], Client], world: World
) -> None:
    groups = {g["name"]: g for g in body(client_for("admin").get("/api/groups"))["items"]}
    large = groups["宁华大学区"]
    assert large["kind"] == "large_district"
    assert large["kind_label"] == str(GroupKind.LARGE_DISTRICT.label)
    assert large["lead_school"]["code"] == "2164010501"
    assert large["member_count"] == 2
    assert [(m["school"]["code"], m["role"]) for m in large["current_members"]] == [
        ("2164010501", "lead"),
        ("2164010502", "member"),
    ]


def test_group_filters(client_for: Callable[[str], Client], world: World) -> None:
    client = client_for("admin")
    assert [g["name"] for g in body(client.get("/api/groups?kind=education_group"))["items"]] == [
        "测试教育集团"
    ]
    by_school = body(client.get(f"/api/groups?school={world.school_b.pk}"))["items"]
    assert [g["name"] for g in by_school] == ["宁华大学区"]


def test_group_detail_has_the_full_history(
    client_for: Callable[[str], Client], world: World, past_membership: GroupMembership
) -> None:
    group = body(client_for("inspector").get(f"/api/groups/{world.group.pk}"))
    assert group["on"] is None
    assert [(m["school"]["code"], m["role"], m["valid_from"], m["valid_to"]) for m in group["members"]] == [
        ("2164010504", "member", "2019-09-01", "2021-09-01"),
        ("2164010501", "lead", "2021-09-01", None),
        ("2164010502", "member", "2021-09-01", None),
    ]
    assert group["member_count"] == 2


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2020-03-01", ["2164010504"]),
        ("2021-08-31", ["2164010504"]),
        ("2021-09-01", ["2164010501", "2164010502"]),
        ("2030-01-01", ["2164010501", "2164010502"]),
        ("2019-08-31", []),
    ],
)
def test_group_members_on_a_day(
    client_for: Callable[[str], Client],
    world: World,
    past_membership: GroupMembership,
    day: str,
    expected: list[str],
) -> None:
    group = body(client_for("admin").get(f"/api/groups/{world.group.pk}?on={day}"))
    assert group["on"] == day
    assert [m["school"]["code"] for m in group["members"]] == expected


def test_group_day_must_be_a_date(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("admin").get(f"/api/groups/{world.group.pk}?on=1.9.2021")
    assert response.status_code == 422
    assert body(response)["code"] == "invalid"


def test_principal_sees_only_the_own_membership(client_for: Callable[[str], Client], world: World) -> None:
    group = body(client_for("principal_a").get(f"/api/groups/{world.group.pk}"))
    assert [m["school"]["code"] for m in group["members"]] == ["2164010501"]


def test_group_out_of_scope_is_404(client_for: Callable[[str], Client], world: World) -> None:
    response = client_for("principal_a").get(f"/api/groups/{world.edu_group.pk}")
    assert response.status_code == 404
    assert body(response) == {"code": "not_found", "detail": "对象不存在或无权访问"}


# --- departments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ["财政局", "住建局"]),
        ("inspector", ["财政局", "住建局"]),
        ("leader", ["财政局", "住建局"]),
        ("dept_user", ["财政局"]),
        ("principal_a", []),
        ("clerk_a", []),
    ],
)
def test_departments_in_scope(client_for: Callable[[str], Client], persona: str, expected: list[str]) -> None:
    response = client_for(persona).get("/api/departments")
    assert response.status_code == 200
    assert [d["short_name"] for d in body(response)["items"]] == expected


def test_department_detail(client_for: Callable[[str], Client], world: World) -> None:
    department = body(client_for("dept_user").get(f"/api/departments/{world.dept_finance.pk}"))
    assert department["name"] == "财政局"
    assert department["kind"] == "government"
    assert [u["username"] for u in department["users"]] == ["dept_user"]


def test_department_filters(client_for: Callable[[str], Client]) -> None:
    client = client_for("admin")
    assert [d["short_name"] for d in body(client.get("/api/departments?q=住房"))["items"]] == ["住建局"]
    assert body(client.get("/api/departments?kind=party"))["items"] == []


@pytest.mark.parametrize("persona", ["dept_user", "principal_a"])
def test_department_out_of_scope_is_404(
    client_for: Callable[[str], Client], world: World, persona: str
) -> None:
    response = client_for(persona).get(f"/api/departments/{world.dept_housing.pk}")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


# --- the caller and the calendar --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "level", "scope"),
    [
        ("admin", "district", None),
        ("leader", "district", None),
        ("dept_user", "department", "finance"),
        ("principal_a", "school", "2164010501"),
        ("clerk_a", "school", "2164010501"),
        ("principal_b", "school", "2164010502"),
    ],
)
def test_me(
    client_for: Callable[[str], Client], world: World, persona: str, level: str, scope: str | None
) -> None:
    me = body(client_for(persona).get("/api/me"))
    user = world.users[persona]
    assert (me["id"], me["username"], me["role"]) == (user.pk, persona, user.role)
    assert me["role_label"] == str(Role(user.role).label)
    assert me["is_read_only"] is user.is_read_only
    assert me["scope"]["level"] == level
    assert me["scope"]["label"] == str(user.scope_label)
    if level == "school":
        assert me["scope"]["school"]["code"] == scope
    if level == "department":
        assert me["scope"]["department"]["code"] == scope


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_lists_the_years(client_for: Callable[[str], Client], world: World, persona: str) -> None:
    AcademicYear.objects.create(start_year=2024)
    world.year.civil_servant_salary = Decimal("113600.00")
    world.year.save()
    years = body(client_for(persona).get("/api/years"))["items"]
    assert [
        (y["start_year"], y["census_date"], y["is_current"], y["civil_servant_salary"]) for y in years
    ] == [
        (2025, "2025-09-01", True, 113600.0),
        (2024, "2024-09-01", False, None),
    ]
    assert years[0]["label"] == str(world.year)


# --- nothing but the school profile can be written --------------------------------------------------


@pytest.mark.parametrize("path", ["/api/towns/{urban}", "/api/groups/{group}", "/api/departments/{finance}"])
def test_read_only_resources_refuse_writes(
    client_for: Callable[[str], Client], world: World, path: str
) -> None:
    url = path.format(urban=world.urban.pk, group=world.group.pk, finance=world.dept_finance.pk)
    assert patch(client_for("admin"), url, {"name": "x"}).status_code == 405
    assert client_for("admin").delete(url).status_code == 405
