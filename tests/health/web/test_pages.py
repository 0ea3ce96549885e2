"""The health pages: each view's trio (it works, it checks ownership, it requires the right role).

A student's results are seen by the users of the student's school only; the district roles get the
overview built from the indicator values, never a student's row.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.health.web.data import GOOD_RATE, HealthRows, HealthValues
from tisheng.health.tables import item_label

pytestmark = pytest.mark.django_db

SUPPRESSED = "少于10人，不予显示"


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# --- the overview ----------------------------------------------------------------------------------


def test_district_overview_is_built_from_the_indicator_values(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues, health_rows: HealthRows
) -> None:
    response = client_for("inspector").get(reverse("health:home"))
    assert response.status_code == 200
    page = text(response)
    assert "学生体质健康优良率" in page
    assert "55.0%" in page  # the district's 2025 value
    assert "≥ 50%" in page  # the plan's target (工作目标一), shown as the threshold
    charts = response.context["trend"], response.context["by_grade"], response.context["by_sex"]
    assert all(chart is not None for chart in charts)
    trend = response.context["trend"].options()
    assert trend["xAxis"]["data"] == ["2024", "2025"]
    assert trend["series"][0]["data"] == [42.9, 55.0]
    assert trend["series"][0]["markLine"]["data"] == [{"yAxis": 50.0}]
    by_grade = response.context["by_grade"].options()
    assert by_grade["xAxis"]["data"] == ["一年级", "二年级"]
    # grade 12, female: 6 students → withheld from the district officer (a gap, not a number)
    female = next(s for s in by_grade["series"] if s["name"] == "女")
    assert female["data"] == [53.3, None]
    # no student's row reaches the overview
    assert "L2018000000001" not in page and "张一" not in page


def test_district_overview_lists_towns_and_schools_with_met(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    response = client_for("leader").get(reverse("health:home"))
    schools = [[str(cell.value) for cell in row] for row in response.context["schools"].body()]
    by_name = {
        row[0]: row for row in schools if world.school_a.name in row[0] or world.school_b.name in row[0]
    }
    row_a = next(r for name, r in by_name.items() if world.school_a.name in name)
    row_b = next(r for name, r in by_name.items() if world.school_b.name in name)
    assert SUPPRESSED in row_a and "71.4%" not in " ".join(row_a)  # 7 students: withheld
    assert "30.0%" in row_b and "未达标" in " ".join(row_b)  # 10 students: shown, 未达标
    towns = [[str(cell.value) for cell in row] for row in response.context["towns"].body()]
    assert len(towns) == 2 and any("达标" in " ".join(r) for r in towns)


def test_school_users_see_their_own_school_and_small_groups(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues, health_rows: HealthRows
) -> None:
    response = client_for("principal_a").get(reverse("health:home"))
    assert response.status_code == 200
    page = text(response)
    assert world.school_a.name in page and "71.4%" in page  # the own group of 7 is shown
    assert world.school_b.name not in page and "30.0%" not in page  # another school is out of scope
    assert "schools" not in response.context  # no table of schools or towns
    assert response.context["test_count"] == 2 and response.context["flagged_count"] == 1
    assert reverse("health:fitness-list") in page


def test_overview_requires_sign_in(client_for: Callable[[str], Client], health_values: HealthValues) -> None:
    response = client_for("anon").get(reverse("health:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overview_is_in_the_navigation(client_for: Callable[[str], Client], world: World) -> None:
    for persona in ("inspector", "clerk_a"):
        assert reverse("health:home") in text(client_for(persona).get(reverse("home")))


# --- the school's lists ----------------------------------------------------------------------------

LISTS = ("health:fitness-list", "health:vision-list")


@pytest.mark.parametrize("url_name", LISTS)
def test_school_lists_show_the_own_students(
    client_for: Callable[[str], Client], health_rows: HealthRows, url_name: str
) -> None:
    response = client_for("clerk_a").get(reverse(url_name))
    assert response.status_code == 200
    page = text(response)
    assert "L2018000000001" in page
    assert "L2012000000003" not in page  # school B's student


@pytest.mark.parametrize("url_name", LISTS)
def test_another_school_cannot_be_chosen(
    client_for: Callable[[str], Client], world: World, health_rows: HealthRows, url_name: str
) -> None:
    response = client_for("principal_b").get(reverse(url_name), {"school": world.school_a.pk})
    assert response.status_code == 200
    assert "L2018000000001" not in text(response)
    assert response.context["filterset"].errors  # school A is not a choice for school B


@pytest.mark.parametrize("url_name", LISTS)
@pytest.mark.parametrize("persona", ["admin", "inspector", "leader", "dept_user"])
def test_student_lists_are_closed_to_roles_above_the_school(
    client_for: Callable[[str], Client], health_rows: HealthRows, url_name: str, persona: str
) -> None:
    assert client_for(persona).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", [*LISTS, "health:wuxiang-list"])
def test_lists_require_sign_in(client_for: Callable[[str], Client], url_name: str) -> None:
    response = client_for("anon").get(reverse(url_name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_fitness_list_is_filtered(client_for: Callable[[str], Client], health_rows: HealthRows) -> None:
    client = client_for("clerk_a")
    excellent = text(client.get(reverse("health:fitness-list"), {"level": "excellent"}))
    assert "L2018000000002" in excellent and "L2018000000001" not in excellent
    flagged = client.get(reverse("health:fitness-list"), {"flagged": "yes", "year": 2025})
    assert flagged.context["total"] == 1 and "待核 1 项" in text(flagged)
    htmx = client.get(reverse("health:fitness-list"), {"sex": "F"}, headers={"HX-Request": "true"})
    assert "<h1>" not in text(htmx) and "L2018000000002" in text(htmx)


def test_wuxiang_records_are_read_by_the_school_and_the_district(
    client_for: Callable[[str], Client], world: World, health_rows: HealthRows
) -> None:
    own = client_for("principal_a").get(reverse("health:wuxiang-list"))
    assert own.status_code == 200 and own.context["total"] == 1
    assert {row.school_id for row in own.context["page"].object_list} == {world.school_a.pk}
    district = client_for("inspector").get(reverse("health:wuxiang-list"))
    assert district.status_code == 200 and district.context["total"] == 2


# --- one student's test ----------------------------------------------------------------------------


def test_student_detail_shows_items_scores_and_flags(
    client_for: Callable[[str], Client], health_rows: HealthRows
) -> None:
    response = client_for("clerk_a").get(reverse("health:fitness", args=[health_rows.zhang.pk]))
    assert response.status_code == 200
    page = text(response)
    items = {str(row.name): (row.result, row.score, row.flagged) for row in response.context["items"]}
    assert items[str(item_label("run_50m"))] == ("10.2", 80, False)
    assert items[str(item_label("bmi"))] == ("15.3", 100, False)
    assert items[str(item_label("rope_skip_1min"))] == ("—", "—", True)  # 待核: not scored
    assert str(item_label("pull_up")) not in items  # not this student's item
    assert "待核" in page and "85.5" in page
    assert "正常" in page or "Normal" in page  # BMI band
    # the same student's other year is linked
    assert reverse("health:fitness", args=[health_rows.zhang_2024.pk]) in page
    assert "4.8 / 5.0" in page  # the vision screening of the year


def test_another_schools_student_is_not_found(
    client_for: Callable[[str], Client], health_rows: HealthRows
) -> None:
    url = reverse("health:fitness", args=[health_rows.wang.pk])
    assert client_for("principal_a").get(url).status_code == 404
    assert client_for("principal_b").get(url).status_code == 200


@pytest.mark.parametrize("persona", ["admin", "inspector", "leader", "dept_user"])
def test_no_role_above_the_school_sees_a_student(
    client_for: Callable[[str], Client], health_rows: HealthRows, persona: str
) -> None:
    response = client_for(persona).get(reverse("health:fitness", args=[health_rows.zhang.pk]))
    assert response.status_code == 404


def test_student_detail_requires_sign_in(
    client_for: Callable[[str], Client], health_rows: HealthRows
) -> None:
    response = client_for("anon").get(reverse("health:fitness", args=[health_rows.zhang.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_indicator_page_links_back(
    client_for: Callable[[str], Client], health_values: HealthValues
) -> None:
    page = text(client_for("inspector").get(reverse("health:home")))
    assert reverse("indicators:detail", args=[GOOD_RATE]) in page


def test_overview_queries_do_not_grow_with_the_schools(
    client_for: Callable[[str], Client], world: World, health_values: HealthValues
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_school
    from tests.health.web.data import value
    from tisheng.core.choices import SchoolType
    from tisheng.indicators.choices import Level

    client = client_for("inspector")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("health:home")).status_code == 200
        return len(queries.captured_queries)

    before = count()
    for n in range(5):
        school = make_school(f"21640106{n:02d}", f"测试小学{n}", SchoolType.PRIMARY, world.rural)
        value(health_values.run, Level.SCHOOL, school.code, 10 + n, 20 + n, school=school)
    assert count() == before
