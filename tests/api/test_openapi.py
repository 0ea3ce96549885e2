"""The OpenAPI document and the interactive docs (which must work offline: no CDN)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import django_filters as df
import pytest
from django.test import Client

from tests.api.conftest import body
from tisheng.api.census_filters import (
    BirthFilterSet,
    CertificateFilterSet,
    EnrolmentFilterSet,
    EthicsViolationFilterSet,
    FacilityReportFilterSet,
    HonourFilterSet,
    PopulationCountFilterSet,
    RotationFilterSet,
    SchoolClassFilterSet,
    StatusChangeFilterSet,
    StudentFilterSet,
    TeacherFilterSet,
    TeacherYearFilterSet,
)
from tisheng.api.docs import ASSETS
from tisheng.api.urls import api
from tisheng.census.filters import ActivityFilterSet, RecognitionFilterSet
from tisheng.core.filters import DepartmentFilterSet, SchoolFilterSet, SchoolGroupFilterSet, TownFilterSet
from tisheng.health.filters import FitnessTestFilterSet, VisionScreeningFilterSet, WuxiangRecordFilterSet
from tisheng.indicators.filters import IndicatorRunFilterSet, IndicatorValueFilterSet
from tisheng.intake.filters import BatchFilterSet, SubmissionFilterSet
from tisheng.plan.filters import PlanFilterSet, ProgressReportFilterSet, TaskFilterSet
from tisheng.supervision.filters import (
    EvaluationResultFilterSet,
    FindingFilterSet,
    InspectionFilterSet,
    OrderFilterSet,
    WarningFilterSet,
)

EXPECTED_OPERATIONS = {
    ("get", "/api/schools"),
    ("get", "/api/schools/{school_id}"),
    ("patch", "/api/schools/{school_id}"),
    ("get", "/api/towns"),
    ("get", "/api/towns/{town_id}"),
    ("get", "/api/groups"),
    ("get", "/api/groups/{group_id}"),
    ("get", "/api/departments"),
    ("get", "/api/departments/{department_id}"),
    ("get", "/api/me"),
    ("get", "/api/years"),
    ("get", "/api/indicators"),
    ("get", "/api/indicators/{indicator_id}"),
    ("get", "/api/indicator-values"),
    ("get", "/api/indicator-runs"),
    ("get", "/api/plans"),
    ("get", "/api/plans/{plan_id}"),
    ("get", "/api/plan-tasks"),
    ("get", "/api/plan-tasks/{task_id}"),
    ("get", "/api/progress-reports"),
    ("get", "/api/progress-reports/{report_id}"),
    ("post", "/api/progress-reports"),
    ("get", "/api/warnings"),
    ("get", "/api/warnings/{warning_id}"),
    ("get", "/api/inspections"),
    ("get", "/api/inspections/{inspection_id}"),
    ("get", "/api/findings"),
    ("get", "/api/findings/{finding_id}"),
    ("get", "/api/rectification-orders"),
    ("get", "/api/rectification-orders/{order_id}"),
    ("get", "/api/evaluation-results"),
    ("get", "/api/evaluation-results/{result_id}"),
    ("get", "/api/evaluation-public/{year}"),
}
#: The read endpoints of the data sets (tisheng.api.census): a list and a record of each.
DATA_SETS = {
    "classes": "class_id",
    "students": "student_id",
    "enrolments": "enrolment_id",
    "status-changes": "change_id",
    "teachers": "teacher_id",
    "teacher-years": "record_id",
    "certificates": "certificate_id",
    "honours": "honour_id",
    "rotations": "rotation_id",
    "ethics-violations": "violation_id",
    "facility-reports": "report_id",
    "population": "count_id",
    "births": "birth_id",
    "recognitions": "recognition_id",
    "activities": "activity_id",
    "batches": "batch_id",
    "submissions": "submission_id",
    "fitness-tests": "test_id",
    "vision-screenings": "screening_id",
    "wuxiang-records": "record_id",
}
EXPECTED_OPERATIONS |= {
    operation
    for path, key in DATA_SETS.items()
    for operation in (("get", f"/api/{path}"), ("get", f"/api/{path}/{{{key}}}"))
}


@pytest.fixture
def schema(client_for: Callable[[str], Client]) -> dict[str, Any]:
    response = client_for("anon").get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document: dict[str, Any] = json.loads(response.content)
    return document


def operations(schema: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for path, methods in schema["paths"].items() for method in methods}


def parameters(schema: dict[str, Any], path: str) -> set[str]:
    return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}


def test_document_describes_the_api(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "tisheng 提升 API"
    assert schema["info"]["version"] == "1"


def test_document_lists_every_endpoint(schema: dict[str, Any]) -> None:
    assert operations(schema) == EXPECTED_OPERATIONS


def test_every_operation_requires_authentication(schema: dict[str, Any]) -> None:
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_operation_ids_are_short_and_unique(schema: dict[str, Any]) -> None:
    ids = [op["operationId"] for methods in schema["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    assert "list_schools" in ids


@pytest.mark.parametrize(
    ("path", "filterset_class"),
    [
        ("/api/schools", SchoolFilterSet),
        ("/api/towns", TownFilterSet),
        ("/api/groups", SchoolGroupFilterSet),
        ("/api/departments", DepartmentFilterSet),
        ("/api/indicator-values", IndicatorValueFilterSet),
        ("/api/indicator-runs", IndicatorRunFilterSet),
        ("/api/plans", PlanFilterSet),
        ("/api/plan-tasks", TaskFilterSet),
        ("/api/progress-reports", ProgressReportFilterSet),
        ("/api/warnings", WarningFilterSet),
        ("/api/inspections", InspectionFilterSet),
        ("/api/findings", FindingFilterSet),
        ("/api/rectification-orders", OrderFilterSet),
        ("/api/evaluation-results", EvaluationResultFilterSet),
    ],
)
def test_list_filters_are_declared(schema: dict[str, Any], path: str, filterset_class: type) -> None:
    """Every filter of the list page's filter set is a documented query parameter of the list."""
    declared = parameters(schema, path)
    assert set(filterset_class.base_filters) <= declared
    assert {"limit", "offset"} <= declared
    for parameter in schema["paths"][path]["get"]["parameters"]:
        assert parameter.get("description"), parameter["name"]


def test_school_filter_parameters_are_typed(schema: dict[str, Any]) -> None:
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/schools"]["get"]["parameters"]}
    assert {"type": "integer"} in params["town"]["anyOf"]
    school_types = next(s for s in params["school_type"]["anyOf"] if s.get("type") == "array")
    assert "nine_year" in school_types["items"]["enum"]


def test_coded_values_come_with_labels(schema: dict[str, Any]) -> None:
    school = schema["components"]["schemas"]["SchoolOut"]["properties"]
    for code in ("school_type", "ownership", "affiliation", "urban_rural"):
        assert f"{code}_label" in school
    for name, prop in school.items():
        assert prop.get("description") or "$ref" in prop or name in {"id", "address", "phone", "opened_on"}


def test_errors_are_documented(schema: dict[str, Any]) -> None:
    patch = schema["paths"]["/api/schools/{school_id}"]["patch"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(patch)
    report = schema["paths"]["/api/progress-reports"]["post"]["responses"]
    assert {"200", "201", "401", "403", "422"} <= set(report)


def test_plan_statuses_are_documented_with_labels(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    for name in ("CommitmentOut", "TaskOut", "TaskDetailOut", "GoalOut"):
        properties = components[name]["properties"]
        assert {"status", "status_label"} <= set(properties), name
    assert "status_reason" in components["CommitmentOut"]["properties"]
    assert "overdue_reports" in components["TaskDetailOut"]["properties"]


def test_documentation_page_is_served_without_a_cdn(client_for: Callable[[str], Client]) -> None:
    response = client_for("anon").get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "the docs page must not load remote files"
    for name in ASSETS.values():
        assert f"/api/docs/assets/{name}" in page
    assert "/api/openapi.json" in page
    assert '"validatorUrl": null' in page  # no badge fetched from validator.swagger.io


@pytest.mark.parametrize("name", sorted(ASSETS.values()))
def test_documentation_assets_are_served(client_for: Callable[[str], Client], name: str) -> None:
    response = client_for("anon").get(f"/api/docs/assets/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["swagger-ui-bundle.js.map", "favicon.png", "settings.py"])
def test_only_the_documentation_assets_are_served(client_for: Callable[[str], Client], name: str) -> None:
    response = client_for("anon").get(f"/api/docs/assets/{name}")
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


def test_schema_matches_the_mounted_api() -> None:
    """The document the view serves is the API's own (no stale copy)."""
    document = api.get_openapi_schema(path_prefix="/api/")
    assert operations(document) == EXPECTED_OPERATIONS


# --- the data sets ----------------------------------------------------------------------------------

DATA_SET_FILTERS = {
    "/api/classes": SchoolClassFilterSet,
    "/api/students": StudentFilterSet,
    "/api/enrolments": EnrolmentFilterSet,
    "/api/status-changes": StatusChangeFilterSet,
    "/api/teachers": TeacherFilterSet,
    "/api/teacher-years": TeacherYearFilterSet,
    "/api/certificates": CertificateFilterSet,
    "/api/honours": HonourFilterSet,
    "/api/rotations": RotationFilterSet,
    "/api/ethics-violations": EthicsViolationFilterSet,
    "/api/facility-reports": FacilityReportFilterSet,
    "/api/population": PopulationCountFilterSet,
    "/api/births": BirthFilterSet,
    "/api/recognitions": RecognitionFilterSet,
    "/api/activities": ActivityFilterSet,
    "/api/batches": BatchFilterSet,
    "/api/submissions": SubmissionFilterSet,
    "/api/fitness-tests": FitnessTestFilterSet,
    "/api/vision-screenings": VisionScreeningFilterSet,
    "/api/wuxiang-records": WuxiangRecordFilterSet,
}
RANGE_SUFFIXES = {df.DateFromToRangeFilter: ("after", "before"), df.RangeFilter: ("min", "max")}


def parameter_names(filterset_class: type[df.FilterSet]) -> set[str]:
    """The query parameters of a filter set: a range filter is read as two."""
    names: set[str] = set()
    for name, flt in filterset_class.base_filters.items():
        suffixes = next((s for kind, s in RANGE_SUFFIXES.items() if isinstance(flt, kind)), None)
        names |= {f"{name}_{suffix}" for suffix in suffixes} if suffixes else {name}
    return names


@pytest.mark.parametrize(("path", "filterset_class"), DATA_SET_FILTERS.items())
def test_data_set_filters_are_declared(schema: dict[str, Any], path: str, filterset_class: type) -> None:
    declared = parameters(schema, path)
    assert declared == parameter_names(filterset_class) | {"limit", "offset"}
    for parameter in schema["paths"][path]["get"]["parameters"]:
        assert parameter.get("description"), parameter["name"]


def test_the_common_filters_are_everywhere_they_apply() -> None:
    for path, filterset_class in DATA_SET_FILTERS.items():
        if path in {"/api/population", "/api/births", "/api/recognitions", "/api/activities"}:
            continue  # no school (population, births) or the list page's own filters
        if path in {"/api/batches", "/api/submissions"}:
            continue  # the intake pages' filters: academic_year (id) and school
        assert {"school", "school_code"} <= set(filterset_class.base_filters), path
        if path != "/api/certificates":
            assert "year" in filterset_class.base_filters, path


def test_data_set_filter_parameters_are_typed(schema: dict[str, Any]) -> None:
    def types(path: str) -> dict[str, Any]:
        parameters = schema["paths"][path]["get"]["parameters"]
        return {p["name"]: p["schema"]["anyOf"][0] for p in parameters if "anyOf" in p["schema"]}

    classes = types("/api/classes")
    assert classes["year"] == {"type": "integer"}
    assert classes["school"] == {"type": "integer"}
    assert classes["school_code"] == {"type": "string"}
    assert 11 in classes["grade"]["enum"]
    assert classes["grade"]["type"] == "integer"
    assert "junior" in classes["stage"]["enum"]
    assert types("/api/activities")["date_after"] == {"type": "string", "format": "date"}
    assert types("/api/recognitions")["year_min"] == {"type": "integer"}


@pytest.mark.parametrize("path", sorted(DATA_SET_FILTERS))
def test_data_set_lists_document_who_may_read_them(schema: dict[str, Any], path: str) -> None:
    operation = schema["paths"][path]["get"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert "Read by" in operation["description"]
    record = next(p for p in schema["paths"] if p.startswith(f"{path}/{{"))
    assert {"200", "401", "404"} <= set(schema["paths"][record]["get"]["responses"])


def test_people_lists_say_department_users_get_403(schema: dict[str, Any]) -> None:
    for path in ("/api/students", "/api/teachers", "/api/enrolments", "/api/batches"):
        assert "Department users get 403" in schema["paths"][path]["get"]["description"], path
    assert "Department users get 403" not in schema["paths"]["/api/classes"]["get"]["description"]


def test_records_never_document_a_full_id_number(schema: dict[str, Any]) -> None:
    student = schema["components"]["schemas"]["StudentOut"]["properties"]
    assert "id_number" not in student
    assert "id_number_masked" in student
    assert "masked" in student["student_number"]["description"]
