"""The read endpoints of every data set, persona by persona: the trio (works for the right role, checks the
school, requires a role), department users on people and on school facts, and what the answers say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import FULL_IDS, ID_HUA, ID_MING, ID_QIAN, Facts, body
from tests.conftest import World
from tisheng.api.errors import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED
from tisheng.census import choices as c
from tisheng.core.choices import Grade, Stage

#: Rows about people: district roles and the own school; department users get nothing.
PEOPLE = [
    "students",
    "enrolments",
    "status-changes",
    "teachers",
    "teacher-years",
    "certificates",
    "rotations",
    "ethics-violations",
]
#: School-level facts: also department users, over every school.
SCHOOL_FACTS = ["classes", "honours", "facility-reports", "recognitions", "activities"]
#: The intake's records: district roles and the own school.
INTAKE = ["batches", "submissions"]
SCOPED = PEOPLE + SCHOOL_FACTS + INTAKE
#: District-wide figures with no school.
FIGURES = ["population", "births"]
DISTRICT_ROLES = ["admin", "inspector", "leader"]


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in body(response)["items"]}


def detail(client: Client, path: str, pk: int) -> Any:
    return client.get(f"/api/{path}/{pk}")


# --- the trio ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCOPED)
@pytest.mark.parametrize("persona", DISTRICT_ROLES)
def test_district_roles_read_every_school(
    client_for: Callable[[str], Client], facts: Facts, path: str, persona: str
) -> None:
    client = client_for(persona)
    a, b = facts.a[path], facts.b[path]
    assert {a.pk, b.pk} <= ids(client.get(f"/api/{path}"))
    for row in (a, b):
        response = detail(client, path, row.pk)
        assert response.status_code == 200, response.content
        assert body(response)["id"] == row.pk


@pytest.mark.parametrize("path", SCOPED)
@pytest.mark.parametrize(
    ("persona", "own", "other"), [("principal_a", "a", "b"), ("clerk_a", "a", "b"), ("principal_b", "b", "a")]
)
def test_a_school_reads_only_its_own_rows(
    client_for: Callable[[str], Client], facts: Facts, path: str, persona: str, own: str, other: str
) -> None:
    client = client_for(persona)
    mine, theirs = getattr(facts, own)[path], getattr(facts, other)[path]
    listed = ids(client.get(f"/api/{path}"))
    assert mine.pk in listed
    assert theirs.pk not in listed
    assert detail(client, path, mine.pk).status_code == 200
    response = detail(client, path, theirs.pk)
    assert response.status_code == 404
    assert body(response) == {"code": "not_found", "detail": NOT_FOUND}


@pytest.mark.parametrize("path", SCOPED + FIGURES)
def test_the_public_is_asked_to_sign_in(client_for: Callable[[str], Client], facts: Facts, path: str) -> None:
    row = facts.a.get(path) or facts.district[path]
    for response in (client_for("anon").get(f"/api/{path}"), detail(client_for("anon"), path, row.pk)):
        assert response.status_code == 401
        assert body(response) == {"code": "unauthenticated", "detail": UNAUTHENTICATED}


@pytest.mark.parametrize("path", SCOPED + FIGURES)
def test_a_token_works_like_a_session(token_client: Callable[[str], Client], facts: Facts, path: str) -> None:
    row = facts.a.get(path) or facts.district[path]
    client = token_client("admin")
    assert row.pk in ids(client.get(f"/api/{path}"))
    assert detail(client, path, row.pk).status_code == 200


def test_a_missing_row_is_404(client_for: Callable[[str], Client], facts: Facts) -> None:
    response = client_for("admin").get("/api/students/999999")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


# --- department users: school facts yes, people and intake no ----------------------------------------


@pytest.mark.parametrize("path", PEOPLE + INTAKE)
def test_department_users_get_no_people_and_no_intake(
    client_for: Callable[[str], Client], facts: Facts, path: str
) -> None:
    client = client_for("dept_user")
    response = client.get(f"/api/{path}")
    assert response.status_code == 403
    assert body(response) == {"code": "forbidden", "detail": FORBIDDEN}
    for row in (facts.a[path], facts.b[path]):
        response = detail(client, path, row.pk)
        assert response.status_code == 404
        assert body(response)["code"] == "not_found"


@pytest.mark.parametrize("path", SCHOOL_FACTS)
def test_department_users_read_every_schools_facts(
    client_for: Callable[[str], Client], facts: Facts, path: str
) -> None:
    client = client_for("dept_user")
    assert {facts.a[path].pk, facts.b[path].pk} <= ids(client.get(f"/api/{path}"))
    assert detail(client, path, facts.b[path].pk).status_code == 200


def test_department_users_see_honours_without_the_teacher(
    client_for: Callable[[str], Client], facts: Facts, world: World
) -> None:
    honour = body(detail(client_for("dept_user"), "honours", facts.b["honours"].pk))
    assert honour["teacher"] is None
    assert honour["school"]["code"] == world.school_b.code
    assert (honour["kind"], honour["kind_label"]) == (
        "famous_headteacher",
        str(c.HonourKind.FAMOUS_HEADTEACHER.label),
    )
    items = body(client_for("dept_user").get("/api/honours"))["items"]
    assert [item["teacher"] for item in items] == [None, None]
    assert "赵老师" not in client_for("dept_user").get("/api/honours").content.decode()


def test_schools_see_the_teacher_of_their_honours(client_for: Callable[[str], Client], facts: Facts) -> None:
    honour = body(detail(client_for("principal_a"), "honours", facts.a["honours"].pk))
    assert honour["teacher"] == {"id": facts.a["teachers"].pk, "staff_number": "T-A-001", "name": "赵老师"}


# --- population and births: the whole district, but not for clerks -----------------------------------


@pytest.mark.parametrize("path", FIGURES)
@pytest.mark.parametrize("persona", [*DISTRICT_ROLES, "dept_user", "principal_a", "principal_b"])
def test_district_figures_are_read_by_the_district_and_principals(
    client_for: Callable[[str], Client], facts: Facts, path: str, persona: str
) -> None:
    client = client_for(persona)
    page = body(client.get(f"/api/{path}"))
    assert page["count"] == {"population": 3, "births": 2}[path]
    assert detail(client, path, facts.district[path].pk).status_code == 200


@pytest.mark.parametrize("path", FIGURES)
def test_clerks_get_no_district_figures(client_for: Callable[[str], Client], facts: Facts, path: str) -> None:
    client = client_for("clerk_a")
    response = client.get(f"/api/{path}")
    assert response.status_code == 403
    assert body(response)["code"] == "forbidden"
    assert detail(client, path, facts.district[path].pk).status_code == 404


def test_rows_of_no_school_are_for_the_district(client_for: Callable[[str], Client], facts: Facts) -> None:
    lecture = facts.district["activities"]
    assert lecture.pk in ids(client_for("admin").get("/api/activities"))
    assert lecture.pk in ids(client_for("dept_user").get("/api/activities"))
    assert lecture.pk not in ids(client_for("principal_a").get("/api/activities"))
    assert detail(client_for("principal_a"), "activities", lecture.pk).status_code == 404


# --- privacy ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCOPED)
@pytest.mark.parametrize("persona", ["admin", "principal_a", "principal_b"])
def test_no_full_id_number_ever_leaves(
    client_for: Callable[[str], Client], facts: Facts, path: str, persona: str
) -> None:
    client = client_for(persona)
    answers = [client.get(f"/api/{path}?limit=500")]
    answers += [detail(client, path, row.pk) for row in (facts.a[path], facts.b[path])]
    for response in answers:
        text = response.content.decode()
        for number in FULL_IDS:
            assert number not in text
            assert number[:17] not in text  # nor a near miss (a wrong check digit)


def test_student_numbers_that_embed_an_id_are_masked(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    student = body(detail(client_for("admin"), "students", facts.a["students"].pk))
    assert student["student_number"] == f"G{ID_MING[:6]}********{ID_MING[14:]}"
    assert student["id_number_masked"] == f"{ID_MING[:6]}********{ID_MING[14:]}"
    enrolment = body(detail(client_for("admin"), "enrolments", facts.a["enrolments"].pk))
    assert enrolment["student"]["student_number"] == student["student_number"]


def test_staff_numbers_are_masked_only_when_they_embed_an_id(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    client = client_for("admin")
    assert body(detail(client, "teachers", facts.a["teachers"].pk))["staff_number"] == "T-A-001"
    qian = body(detail(client, "teachers", facts.b["teachers"].pk))
    assert qian["staff_number"] == f"{ID_QIAN[:6]}********{ID_QIAN[14:]}"
    # a certificate number of 17 digits is no 身份证 number and stays as it is
    assert qian["certificates"][0]["number"] == "20026400131000002"


def test_a_student_is_found_by_the_full_number_but_answered_masked(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    page = body(client_for("admin").get(f"/api/students?student_number=G{ID_HUA}"))
    assert [s["name"] for s in page["items"]] == ["李华"]
    assert ID_HUA not in str(page)


# --- what the answers say ---------------------------------------------------------------------------


def test_a_class(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    item = body(detail(client_for("dept_user"), "classes", facts.a["classes"].pk))
    assert item["academic_year"] == 2025
    assert item["academic_year_label"] == str(world.year)
    assert item["school"]["code"] == world.school_a.code
    assert (item["stage"], item["stage_label"]) == ("primary", str(Stage.PRIMARY.label))
    assert (item["grade"], item["grade_label"]) == (11, str(Grade(11).label))
    assert (item["number"], item["student_count"]) == (1, 40)


def test_a_student_with_enrolments_by_year(
    client_for: Callable[[str], Client], facts: Facts, world: World
) -> None:
    student = body(detail(client_for("admin"), "students", facts.moved.pk))
    assert student["name"] == "李华"
    assert (student["sex"], student["sex_label"]) == ("M", str(c.Sex.MALE.label))
    assert (student["disability"], student["disability_label"]) == (
        "hearing",
        str(c.Disability.HEARING.label),
    )
    assert student["placement"] == "inclusive"
    assert [
        (e["academic_year"], e["school"]["code"], e["school_class"]["grade"]) for e in student["enrolments"]
    ] == [
        (2025, world.school_a.code, 11),
        (2024, world.school_b.code, 21),
    ]
    assert student["enrolments"][0]["status_label"] == str(c.EnrolmentStatus.ENROLLED.label)
    assert [(ch["kind"], ch["school"]["code"]) for ch in student["changes"]] == [
        ("transfer_out", world.school_b.code),
        ("transfer_in", world.school_a.code),
    ]
    assert "individual_plan" in student


def test_a_student_without_disability_has_null_codes(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    student = body(detail(client_for("admin"), "students", facts.a["students"].pk))
    assert student["disability"] is None
    assert student["disability_label"] is None
    assert student["residence_town"]["name"] == "宁华路街道"


@pytest.mark.parametrize(
    ("persona", "school", "year"), [("principal_a", "a", 2025), ("principal_b", "b", 2024)]
)
def test_a_moved_student_shows_each_school_only_its_own_years(
    client_for: Callable[[str], Client], facts: Facts, world: World, persona: str, school: str, year: int
) -> None:
    code = {"a": world.school_a.code, "b": world.school_b.code}[school]
    student = body(detail(client_for(persona), "students", facts.moved.pk))
    assert [(e["academic_year"], e["school"]["code"]) for e in student["enrolments"]] == [(year, code)]
    assert [ch["school"]["code"] for ch in student["changes"]] == [code]
    listed = next(
        s for s in body(client_for(persona).get("/api/students"))["items"] if s["id"] == facts.moved.pk
    )
    assert listed["enrolments"] == student["enrolments"]
    assert "changes" not in listed


def test_a_teacher_with_years_certificates_and_honours(
    client_for: Callable[[str], Client], facts: Facts, world: World
) -> None:
    teacher = body(detail(client_for("principal_a"), "teachers", facts.a["teachers"].pk))
    assert (teacher["name"], teacher["school"]["code"]) == ("赵老师", world.school_a.code)
    [record] = teacher["years"]
    assert (record["academic_year"], record["stage"], record["post"]) == (2025, "primary", "teacher")
    assert (record["backbone_level"], record["backbone_level_label"]) == (
        "district",
        str(c.BackboneLevel.DISTRICT.label),
    )
    assert record["annual_salary"] == 98000.0
    assert record["title_label"] == str(c.Title.FIRST.label)
    assert [(x["level"], x["level_label"]) for x in teacher["certificates"]] == [
        ("primary", str(c.CertificateLevel.PRIMARY.label))
    ]
    assert [(h["kind"], h["year"]) for h in teacher["honours"]] == [("famous_teacher", 2024)]


def test_a_teacher_year_record_without_backbone_level(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    record = body(detail(client_for("admin"), "teacher-years", facts.b["teacher-years"].pk))
    assert record["backbone_level"] is None
    assert record["backbone_level_label"] is None
    assert record["training_hours"] == 72.5
    assert record["annual_salary"] is None
    assert record["teacher"]["name"] == "钱老师"


def test_a_rotation_names_both_schools(
    client_for: Callable[[str], Client], facts: Facts, world: World
) -> None:
    rotation = body(detail(client_for("principal_b"), "rotations", facts.b["rotations"].pk))
    assert (rotation["from_school"]["code"], rotation["to_school"]["code"]) == (
        world.school_b.code,
        world.school_a.code,
    )
    assert (rotation["start"], rotation["end"]) == ("2023-09-01", "2024-07-15")


def test_a_facility_report(client_for: Callable[[str], Client], facts: Facts) -> None:
    report = body(detail(client_for("dept_user"), "facility-reports", facts.a["facility-reports"].pk))
    assert report["teaching_area"] == 3200.5
    assert report["equipment_value"] == 180.25
    assert (report["classrooms"], report["books"], report["wireless_covered"]) == (18, 24000, False)


def test_recognitions_and_activities_count_their_evidence(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    recognition = body(detail(client_for("admin"), "recognitions", facts.a["recognitions"].pk))
    assert recognition["evidence_count"] == 0
    assert recognition["kind_label"] == str(c.RecognitionKind.MORAL_EDUCATION_SCHOOL.label)
    activity = body(detail(client_for("admin"), "activities", facts.district["activities"].pk))
    assert (activity["school"], activity["person"]) == (None, "孙教研员")
    assert body(client_for("admin").get("/api/activities?evidence=no"))["count"] == 3


def test_population_and_births(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    cell = body(detail(client_for("leader"), "population", facts.district["population"].pk))
    assert (cell["year"], cell["town"]["name"], cell["age"], cell["sex"], cell["count"]) == (
        2025,
        "宁华路街道",
        6,
        "M",
        120,
    )
    assert cell["disabled_certified"] == 1
    births = body(detail(client_for("leader"), "births", facts.district["births"].pk))
    assert (births["year"], births["town"]["code"], births["count"]) == (2019, world.urban.code, 300)


# --- filters ----------------------------------------------------------------------------------------


def names(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in body(response)["items"])


def test_class_filters(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    client = client_for("admin")
    in_2024 = ids(client.get("/api/classes?year=2024"))
    assert len(in_2024) == 2
    assert facts.district["classes-2024"].pk in in_2024
    assert len(ids(client.get(f"/api/classes?year=2025&school={world.school_a.pk}"))) == 2
    assert ids(client.get(f"/api/classes?year=2025&school_code={world.school_b.code}")) == {
        facts.b["classes"].pk
    }
    assert len(ids(client.get("/api/classes?grade=12"))) == 1
    assert len(ids(client.get("/api/classes?stage=junior"))) == 2
    assert client.get("/api/classes?grade=99").status_code == 422
    assert body(client.get("/api/classes?year=abc"))["code"] == "invalid"


def test_student_filters(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    client = client_for("admin")
    assert names(client, "/api/students?year=2024") == ["李华"]
    assert names(client, f"/api/students?year=2025&school={world.school_a.pk}") == ["张小明", "李华"]
    # one enrolment: 李华 was at B in 2024 and at A in 2025, never at A in 2024
    assert names(client, f"/api/students?year=2024&school_code={world.school_a.code}") == []
    assert names(client, f"/api/students?year=2024&school_code={world.school_b.code}") == ["李华"]
    assert names(client, "/api/students?grade=21") == ["李华", "王芳"]
    assert names(client, "/api/students?stage=primary&year=2025") == ["张小明", "李华"]
    assert names(client, "/api/students?sex=F") == ["王芳"]
    assert names(client, "/api/students?hukou=outside") == ["王芳"]
    assert names(client, "/api/students?disability=hearing") == ["李华"]
    assert names(client, "/api/students?q=小明") == ["张小明"]


def test_a_filter_reveals_nothing_out_of_scope(
    client_for: Callable[[str], Client], facts: Facts, world: World
) -> None:
    """李华 was at school B in 2024: principal A may not learn it by filtering A's students by B."""
    client = client_for("principal_a")
    assert names(client, f"/api/students?school_code={world.school_b.code}") == []
    assert names(client, "/api/students?year=2024") == []
    response = client.get(f"/api/students?school={world.school_b.pk}")
    assert response.status_code == 422  # a school out of scope is no valid choice
    assert body(response)["detail"][0]["loc"] == ["query", "school"]
    assert client.get(f"/api/teacher-years?teacher={facts.b['teachers'].pk}").status_code == 422


def test_enrolment_and_status_change_filters(client_for: Callable[[str], Client], facts: Facts) -> None:
    client = client_for("admin")
    assert len(ids(client.get("/api/enrolments?year=2024"))) == 1
    assert ids(client.get(f"/api/enrolments?student={facts.b['students'].pk}")) == {facts.b["enrolments"].pk}
    assert len(ids(client.get("/api/enrolments?grade=11&year=2025"))) == 2
    assert ids(client.get("/api/status-changes?kind=transfer_in")) == {facts.a["status-changes"].pk}
    # 2025-07-01 is in the 2024—2025 学年, 2025-09-01 in the 2025—2026 学年
    assert ids(client.get("/api/status-changes?year=2024")) == {facts.b["status-changes"].pk}
    assert ids(client.get("/api/status-changes?year=2025")) == {facts.a["status-changes"].pk}


def test_teacher_filters(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    client = client_for("admin")
    assert names(client, "/api/teachers?year=2025") == ["赵老师", "钱老师"]
    assert names(client, "/api/teachers?year=2024") == []
    assert names(client, f"/api/teachers?school_code={world.school_b.code}") == ["钱老师"]
    assert names(client, "/api/teachers?staff_number=T-A-001") == ["赵老师"]
    assert names(client, "/api/teachers?sex=F") == ["赵老师"]
    assert ids(client.get("/api/teacher-years?backbone_level=district")) == {facts.a["teacher-years"].pk}
    assert ids(client.get("/api/teacher-years?stage=junior&year=2025")) == {facts.b["teacher-years"].pk}
    assert ids(client.get("/api/certificates?level=junior")) == {facts.b["certificates"].pk}
    assert ids(client.get(f"/api/certificates?teacher={facts.a['teachers'].pk}")) == {
        facts.a["certificates"].pk
    }
    assert ids(client.get("/api/honours?year=2025")) == {facts.b["honours"].pk}
    assert ids(client.get("/api/honours?level=district&kind=famous_teacher")) == {facts.a["honours"].pk}
    assert ids(client.get("/api/ethics-violations?year=2024")) == {facts.a["ethics-violations"].pk}
    assert ids(client.get(f"/api/ethics-violations?school={world.school_b.pk}")) == {
        facts.b["ethics-violations"].pk
    }


def test_rotation_filters(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    client = client_for("admin")
    assert ids(client.get("/api/rotations?year=2025")) == {facts.a["rotations"].pk}
    assert ids(client.get("/api/rotations?year=2023")) == {facts.b["rotations"].pk}
    assert ids(client.get("/api/rotations?year=2024")) == set()  # ended 2024-07-15, before 2024-09-01
    # a school's rotations are those from it and those to it
    assert ids(client.get(f"/api/rotations?school={world.school_a.pk}")) == {
        facts.a["rotations"].pk,
        facts.b["rotations"].pk,
    }
    assert ids(client.get(f"/api/rotations?school_code={world.school_c.code}")) == {facts.a["rotations"].pk}


def test_school_fact_filters(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    client = client_for("dept_user")
    assert ids(client.get(f"/api/facility-reports?school_code={world.school_a.code}")) == {
        facts.a["facility-reports"].pk
    }
    assert ids(client.get("/api/facility-reports?year=2025&stage=junior")) == {facts.b["facility-reports"].pk}
    assert ids(client.get("/api/recognitions?year_min=2025")) == {facts.b["recognitions"].pk}
    assert ids(client.get("/api/recognitions?kind=moral_education_school")) == {facts.a["recognitions"].pk}
    assert ids(client.get(f"/api/activities?school={world.school_b.pk}")) == {facts.b["activities"].pk}
    assert ids(client.get("/api/activities?date_after=2025-10-10&date_before=2025-10-31")) == {
        facts.district["activities"].pk
    }


def test_population_and_birth_filters(
    client_for: Callable[[str], Client], facts: Facts, world: World
) -> None:
    client = client_for("admin")
    assert body(client.get("/api/population?year=2025"))["count"] == 2
    assert body(client.get("/api/population?year=2025&sex=F"))["items"][0]["count"] == 110
    assert body(client.get(f"/api/population?town={world.rural.pk}&age=6"))["items"][0]["count"] == 80
    assert body(client.get("/api/population?age=7"))["count"] == 0
    assert [
        b["count"] for b in body(client.get(f"/api/births?town={world.rural.pk}&year=2019"))["items"]
    ] == [150]


def test_lists_are_paginated(client_for: Callable[[str], Client], facts: Facts) -> None:
    client = client_for("admin")
    page = body(client.get("/api/classes?limit=2&offset=1"))
    assert page["count"] == 5
    assert len(page["items"]) == 2
    assert client.get("/api/students?limit=501").status_code == 422
