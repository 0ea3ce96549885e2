"""The OpenAPI document and the interactive docs (which must work offline: no CDN)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import body
from tisheng.api.docs import ASSETS
from tisheng.api.urls import api
from tisheng.core.filters import DepartmentFilterSet, SchoolFilterSet, SchoolGroupFilterSet, TownFilterSet

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
