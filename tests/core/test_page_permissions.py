"""Every page, every persona (STYLE §7): it works for the right role, an out-of-scope user gets 404, a
read-only user gets 403 on writes, an anonymous visitor is sent to sign in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS, World
from tests.plan.conftest import small_plan
from tests.supervision.conftest import finding_of_a, inspection_of_a, warning_of_a, warning_of_finance
from tests.supervision.evaluation_data import evaluation_of_a

OK, NOT_FOUND, FORBIDDEN = 200, 404, 403

# (page, its url from the world, {persona: expected status}); personas left out get 200.
Page = tuple[str, Callable[[World], str], dict[str, int]]

PAGES: list[Page] = [
    ("home", lambda w: reverse("home"), {}),
    ("school list", lambda w: reverse("core:school-list"), {}),
    ("school A", lambda w: reverse("core:school", args=[w.school_a.pk]), {"principal_b": NOT_FOUND}),
    (
        "school B",
        lambda w: reverse("core:school", args=[w.school_b.pk]),
        {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND},
    ),
    (
        "school A history",
        lambda w: reverse("core:school-history", args=[w.school_a.pk]),
        {"principal_b": NOT_FOUND},
    ),
    (
        "school A edit",
        lambda w: reverse("core:school-edit", args=[w.school_a.pk]),
        {
            "inspector": FORBIDDEN,
            "leader": FORBIDDEN,
            "dept_user": FORBIDDEN,
            "clerk_a": FORBIDDEN,
            "principal_b": NOT_FOUND,
        },
    ),
    (
        "town list",
        lambda w: reverse("core:town-list"),
        {},
    ),
    ("town", lambda w: reverse("core:town", args=[w.urban.pk]), {}),
    ("group list", lambda w: reverse("core:group-list"), {}),
    (
        "大学区 of A and B",
        lambda w: reverse("core:group", args=[w.group.pk]),
        {},
    ),
    (
        "教育集团 of C only",
        lambda w: reverse("core:group", args=[w.edu_group.pk]),
        {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND, "principal_b": NOT_FOUND},
    ),
    ("department list", lambda w: reverse("core:department-list"), {}),
    (
        "财政局",
        lambda w: reverse("core:department", args=[w.dept_finance.pk]),
        {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND, "principal_b": NOT_FOUND},
    ),
    (
        "住建局",
        lambda w: reverse("core:department", args=[w.dept_housing.pk]),
        {"dept_user": NOT_FOUND, "principal_a": NOT_FOUND, "clerk_a": NOT_FOUND, "principal_b": NOT_FOUND},
    ),
    ("student health", lambda w: reverse("health:home"), {}),
    (
        "fitness tests",
        lambda w: reverse("health:fitness-list"),
        {p: FORBIDDEN for p in ("admin", "inspector", "leader", "dept_user")},
    ),
    (
        "vision screenings",
        lambda w: reverse("health:vision-list"),
        {p: FORBIDDEN for p in ("admin", "inspector", "leader", "dept_user")},
    ),
    ("五项管理 records", lambda w: reverse("health:wuxiang-list"), {}),
    # the plan is a public document: every signed-in role reads it (the small test plan, loaded on use)
    ("plans", lambda w: reverse("plan:list"), {}),
    ("plan", lambda w: reverse("plan:plan", args=[small_plan().pk]), {}),
    (
        "plan bulletin",
        lambda w: reverse("plan:bulletin", args=[small_plan().pk]),
        {p: FORBIDDEN for p in ("dept_user", "principal_a", "clerk_a", "principal_b")},
    ),
    ("plan tasks", lambda w: reverse("plan:task-list"), {}),
    ("plan board", lambda w: small_plan() and reverse("plan:board"), {}),
    ("plan board of a plan", lambda w: reverse("plan:plan-board", args=[small_plan().pk]), {}),
    (
        "school A profile",
        lambda w: reverse("school-profile", args=[w.school_a.pk]),
        {"principal_b": NOT_FOUND},
    ),
    (
        "school B profile",
        lambda w: reverse("school-profile", args=[w.school_b.pk]),
        {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND},
    ),
    ("map", lambda w: reverse("map"), {}),
    (
        "official documents",
        lambda w: reverse("reports:index"),
        {"dept_user": FORBIDDEN, "principal_a": FORBIDDEN, "clerk_a": FORBIDDEN, "principal_b": FORBIDDEN},
    ),
    ("plan task", lambda w: reverse("plan:task", args=[small_plan().tasks.get(number=1).pk]), {}),
    # supervision: the inbox and lists for every role (scoped rows); inspections for inspectors only
    ("supervision", lambda w: reverse("supervision:home"), {}),
    ("warnings", lambda w: reverse("supervision:warning-list"), {}),
    (
        "departments' yearly evaluation",
        lambda w: reverse("supervision:accountability"),
        {"principal_a": FORBIDDEN, "clerk_a": FORBIDDEN, "principal_b": FORBIDDEN},
    ),
    (
        "warning to school A",
        lambda w: reverse("supervision:warning", args=[warning_of_a(w).pk]),
        {"dept_user": NOT_FOUND, "principal_b": NOT_FOUND},
    ),
    (
        "warning to 财政局",
        lambda w: reverse("supervision:warning", args=[warning_of_finance(w).pk]),
        {"principal_a": NOT_FOUND, "clerk_a": NOT_FOUND, "principal_b": NOT_FOUND},
    ),
    (
        "inspections",
        lambda w: reverse("supervision:inspection-list"),
        {p: FORBIDDEN for p in ("leader", "dept_user", "principal_a", "clerk_a", "principal_b")},
    ),
    (
        "new inspection",
        lambda w: reverse("supervision:inspection-create") + "?checklist=task13-teaching",
        {p: FORBIDDEN for p in ("leader", "dept_user", "principal_a", "clerk_a", "principal_b")},
    ),
    (
        "inspection of A",
        lambda w: reverse("supervision:inspection", args=[inspection_of_a(w).pk]),
        {p: FORBIDDEN for p in ("leader", "dept_user", "principal_a", "clerk_a", "principal_b")},
    ),
    ("findings", lambda w: reverse("supervision:finding-list"), {}),
    (
        "finding at A",
        lambda w: reverse("supervision:finding", args=[finding_of_a(w).pk]),
        {"dept_user": NOT_FOUND, "principal_b": NOT_FOUND},
    ),
    # the yearly school evaluation: the district and the schools (their own); department users none
    ("school evaluation", lambda w: reverse("supervision:evaluation-list"), {"dept_user": FORBIDDEN}),
    (
        "evaluation of A",
        lambda w: evaluation_of_a(w).get_absolute_url(),
        {"dept_user": NOT_FOUND, "principal_b": NOT_FOUND},
    ),
    (
        "change log",
        lambda w: reverse("audit-log"),
        {p: FORBIDDEN for p in PERSONAS if p != "admin"},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_for_persona(
    client_for, world: World, persona: str, name: str, url, expected: dict[str, int]
) -> None:
    response = client_for(persona).get(url(world))
    assert response.status_code == expected.get(persona, OK), f"{persona} on {name}"


@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_anonymous_is_sent_to_sign_in(
    client_for, world: World, name: str, url, expected: dict[str, int]
) -> None:
    target = url(world)
    response = client_for("anon").get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_school_lists_are_scoped(client_for, world: World) -> None:
    """A school user's list holds only the own school; district roles see all four."""
    for persona, expected in [
        ("principal_a", {"测试第一小学"}),
        ("clerk_a", {"测试第一小学"}),
        ("principal_b", {"测试第二中学"}),
        ("leader", {"测试第一小学", "测试第二中学", "测试九年一贯制学校", "测试幼儿园"}),
    ]:
        content = client_for(persona).get(reverse("core:school-list")).content.decode()
        shown = {
            n for n in ["测试第一小学", "测试第二中学", "测试九年一贯制学校", "测试幼儿园"] if n in content
        }
        assert shown == expected, persona


def test_principal_edits_own_school_and_only_contact_fields(client_for, world: World) -> None:
    client = client_for("principal_a")
    url = reverse("core:school-edit", args=[world.school_a.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"short_name", "address", "phone", "principal_name"}
    response = client.post(
        url,
        {
            "short_name": "一小",
            "address": "宁华路1号",
            "phone": "0951-1234567",
            "principal_name": "王校长",
            "name": "改名",
        },
    )
    assert response.status_code == 302
    world.school_a.refresh_from_db()
    assert world.school_a.short_name == "一小"
    assert world.school_a.name == "测试第一小学"  # a field the principal may not edit is ignored


@pytest.mark.parametrize("persona", ["leader", "inspector", "clerk_a", "dept_user"])
def test_read_only_post_is_forbidden_and_writes_nothing(client_for, world: World, persona: str) -> None:
    url = reverse("core:school-edit", args=[world.school_a.pk])
    response = client_for(persona).post(
        url, {"short_name": "x", "address": "", "phone": "", "principal_name": ""}
    )
    assert response.status_code == 403
    world.school_a.refresh_from_db()
    assert world.school_a.short_name == ""


def test_out_of_scope_post_is_404(client_for, world: World) -> None:
    url = reverse("core:school-edit", args=[world.school_a.pk])
    response = client_for("principal_b").post(url, {"short_name": "x"})
    assert response.status_code == 404


def test_admin_edit_shows_chinese_errors(client_for, world: World) -> None:
    url = reverse("core:school-edit", args=[world.school_a.pk])
    data = {
        "name": "测试第一小学",
        "school_type": "primary",
        "ownership": "public",
        "affiliation": "district",
        "urban_rural": "urban",
        "town": world.urban.pk,
        "is_puhui": "true",  # only kindergartens can be 普惠
        "longitude": "106.1",  # latitude missing
    }
    response = client_for("admin").post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    text = response.content.decode()
    assert "只有幼儿园" in text
    assert "经度和纬度" in text


def test_filters_narrow_the_list(client_for, world: World) -> None:
    client = client_for("admin")

    def names(query: str) -> set[str]:
        content = client.get(reverse("core:school-list") + query).content.decode()
        return {
            n for n in ["测试第一小学", "测试第二中学", "测试九年一贯制学校", "测试幼儿园"] if n in content
        }

    assert names(f"?town={world.rural.pk}") == {"测试第二中学"}
    assert names("?stage=junior") == {"测试第二中学", "测试九年一贯制学校"}
    assert names("?school_type=kindergarten") == {"测试幼儿园"}
    assert names(f"?group={world.group.pk}") == {"测试第一小学", "测试第二中学"}
    assert names("?q=九年") == {"测试九年一贯制学校"}
    assert names("?ownership=private") == set()


def test_htmx_request_gets_only_the_table(client_for, world: World) -> None:
    response = client_for("admin").get(reverse("core:school-list"), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "<table" in text
    assert "<html" not in text


def test_group_list_counts_every_member_for_a_school_user(client_for, world: World) -> None:
    """A principal sees the whole membership count of the own group, not only the own school."""
    response = client_for("principal_a").get(reverse("core:group-list"))
    rows = {row[0].value: row[3].value for row in response.context["table"].body()}
    assert rows == {"宁华大学区": 2}


def test_numbers_are_grouped_in_chinese(client_for, world: World) -> None:
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("zh-hans"):
        assert Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 42795})) == "42,795"
