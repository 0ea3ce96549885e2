"""The evaluation pages and API by persona: the district reads every school's scores, a school its own
dimension scores and band, a department nothing; the public notice (page and API) shows bands only, in
school-code order — no score, no rank, no order by score — and small groups stay withheld outside the
school."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS, World
from tests.supervision.evaluation_data import evaluated_world

SCORES = ("80.75", "22.25", "100.00", "87.50", "76.25", "12.50", "28.75")


@pytest.fixture
def results(world: World, tmp_path: Path) -> dict[str, Any]:
    return evaluated_world(world, tmp_path)


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def api(client: Any, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    return json.loads(response.content)


# --- the results list and a result ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "inspector", "leader"])
def test_district_reads_every_school_with_scores_and_the_band_chart(
    client_for, world: World, results: dict[str, Any], persona: str
) -> None:
    html = page(client_for(persona), reverse("supervision:evaluation-list"))
    for name in ("测试第一小学", "测试第二中学", "测试九年一贯制学校"):
        assert name in html
    assert "80.75" in html and "22.25" in html
    assert 'id="band-chart"' in html
    # rows in school-code order, not by score (C scores best, B worst)
    codes = re.findall(r"<td>(21640105\d\d)</td>", html)
    assert codes == ["2164010501", "2164010502", "2164010503"]


def test_band_chart_counts_schools_per_band_per_year(client_for, results: dict[str, Any]) -> None:
    response = client_for("leader").get(reverse("supervision:evaluation-list"))
    chart = response.context["chart"].options()
    assert chart["xAxis"]["data"] == ["2025"]
    assert {s["name"]: s["data"] for s in chart["series"]} == {"A 优秀": [1], "B 良好": [1], "D 待改进": [1]}


@pytest.mark.parametrize("persona", ["principal_a", "clerk_a"])
def test_school_reads_its_own_dimension_scores_and_band(
    client_for, world: World, results: dict[str, Any], persona: str
) -> None:
    client = client_for(persona)
    html = page(client, reverse("supervision:evaluation-list"))
    assert "测试第一小学" in html and "测试第二中学" not in html and "测试九年一贯制学校" not in html
    assert "B 良好" in html
    assert "band-chart" not in html
    detail = page(client, results["a"].get_absolute_url())
    assert "87.50" in detail and "76.25" in detail and "B 良好" in detail
    assert "45.0%" in detail  # the school's own values


def test_principal_b_reads_only_b(client_for, results: dict[str, Any]) -> None:
    client = client_for("principal_b")
    html = page(client, reverse("supervision:evaluation-list"))
    assert "测试第二中学" in html and "测试第一小学" not in html
    assert client.get(results["a"].get_absolute_url()).status_code == 404


def test_department_user_reads_no_results(client_for, results: dict[str, Any]) -> None:
    client = client_for("dept_user")
    assert client.get(reverse("supervision:evaluation-list")).status_code == 403
    assert client.get(results["a"].get_absolute_url()).status_code == 404
    assert api(client, "/api/evaluation-results", 403)["code"] == "forbidden"


def test_detail_shows_missing_data_and_coverage(client_for, world: World, tmp_path: Path) -> None:
    a = evaluated_world(world, tmp_path, fitness=None)["a"]
    html = page(client_for("inspector"), a.get_absolute_url())
    assert "缺数据" in html
    assert "55.00" in html  # the coverage
    assert "数据不足，不评等级" in html


def test_small_groups_are_withheld_outside_the_school(client_for, world: World, tmp_path: Path) -> None:
    """A's 优良率 rests on 8 students: outside A neither the value, nor its score, nor the dimension's
    score, nor the total is shown (each would give it away); A's own users see everything."""
    a = evaluated_world(world, tmp_path, fitness=50, fitness_rows=8)["a"]
    assert a.dimensions[1]["leaves"][0]["suppressed"] is True
    for persona in ("admin", "inspector", "leader"):
        html = page(client_for(persona), a.get_absolute_url())
        assert "少于10人，不予显示" in html
        assert "50.0%" not in html
        assert a.dimensions[1]["score"] not in html  # 学生发展 95.00
        assert str(a.total) not in html  # 92.00
        assert "B 良好" in html or a.band_name in html  # the band stays
        body = api(client_for(persona), f"/api/evaluation-results/{a.pk}")
        assert body["total"] is None
        students = body["dimensions"][1]
        assert students["score"] is None and students["withheld"] is True
        assert (
            students["leaves"][0]["score"] is None and students["leaves"][0]["value"] == "少于10人，不予显示"
        )
        listing = page(client_for(persona), reverse("supervision:evaluation-list"))
        assert "92.00" not in listing and "含小样本，不予显示" in listing
        listed = api(client_for(persona), "/api/evaluation-results")["items"]
        assert next(r for r in listed if r["id"] == a.pk)["total"] is None
    own = page(client_for("principal_a"), a.get_absolute_url())
    assert "50.0%" in own and "95.00" in own


# --- the API ----------------------------------------------------------------------------------------------


def test_api_scopes_results_by_persona(client_for, results: dict[str, Any]) -> None:
    expected = {
        "admin": {"2164010501", "2164010502", "2164010503"},
        "inspector": {"2164010501", "2164010502", "2164010503"},
        "leader": {"2164010501", "2164010502", "2164010503"},
        "principal_a": {"2164010501"},
        "clerk_a": {"2164010501"},
        "principal_b": {"2164010502"},
    }
    for persona, codes in expected.items():
        body = api(client_for(persona), "/api/evaluation-results")
        assert {r["school"]["code"] for r in body["items"]} == codes, persona
        school_user = persona in {"principal_a", "clerk_a", "principal_b"}
        for row in body["items"]:
            assert (row["total"] is None) == school_user, persona
            assert row["band"] in {"A", "B", "D"}
    admin = api(client_for("admin"), "/api/evaluation-results")["items"]
    assert [r["school"]["code"] for r in admin] == ["2164010501", "2164010502", "2164010503"]
    a = next(r for r in admin if r["school"]["code"] == "2164010501")
    assert (a["total"], a["band"], a["band_label"], a["coverage"]) == ("80.75", "B", "良好", "100.00")
    detail = api(client_for("principal_a"), f"/api/evaluation-results/{results['a'].pk}")
    assert [d["score"] for d in detail["dimensions"]] == ["87.50", "76.25"]
    api(client_for("principal_b"), f"/api/evaluation-results/{results['a'].pk}", 404)
    api(client_for("anon"), "/api/evaluation-results", 401)


# --- the public notice ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anon", *PERSONAS])
def test_public_notice_shows_bands_only_in_school_code_order(
    client_for, results: dict[str, Any], persona: str
) -> None:
    html = page(client_for(persona), reverse("supervision:evaluation-public", args=[2025]))
    codes = re.findall(r"<td>(21640105\d\d)</td>", html)
    assert codes == ["2164010501", "2164010502", "2164010503"]  # by code; by score it would be C, A, B
    for band in ("B 良好", "D 待改进", "A 优秀"):
        assert band in html
    for score in SCORES:
        assert score not in html
    assert "排名" not in html.replace("no ranking", "").replace("不公布分数和排名", "")


def test_public_api_shows_bands_only_in_school_code_order(client_for, results: dict[str, Any]) -> None:
    for persona in PERSONAS:
        rows = api(client_for(persona), "/api/evaluation-public/2025")
        assert [r["school_code"] for r in rows] == ["2164010501", "2164010502", "2164010503"]
        assert [r["band"] for r in rows] == ["B", "D", "A"]
        for row in rows:
            assert set(row) == {"system_title", "school_code", "school_name", "band", "band_label"}
        text = json.dumps(rows, ensure_ascii=False)
        for score in SCORES:
            assert score not in text
    api(client_for("anon"), "/api/evaluation-public/2025", 401)
    api(client_for("leader"), "/api/evaluation-public/1999", 404)


def test_public_notice_of_an_unknown_year_is_404(client_for, world: World) -> None:
    assert client_for("anon").get(reverse("supervision:evaluation-public", args=[1999])).status_code == 404


def test_no_band_when_too_little_data_on_the_public_notice(client_for, world: World, tmp_path: Path) -> None:
    evaluated_world(world, tmp_path, fitness=None)
    html = page(client_for("anon"), reverse("supervision:evaluation-public", args=[2025]))
    assert "数据不足，不评等级" in html
    assert "85.45" not in html and "55.00" not in html
