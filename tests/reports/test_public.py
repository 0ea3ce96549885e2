"""The public disclosure page (公示, /public/): anybody reads it without signing in; it shows the district's
stored values as published, withholds every figure about fewer persons than TISHENG_PUBLIC_MIN_GROUP and
every figure that would give one away, never shows a school's value or a student, and shows the school
evaluation as bands only. The data and what the page must make of them: tests.reports.public_data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONAS, World
from tests.reports.public_data import HIDDEN, STUDENT_NAME, STUDENT_NUMBER, Published, publish
from tests.supervision.evaluation_data import evaluated_world
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.models import IndicatorRun
from tisheng.reports import public

URL = "/public/"


@pytest.fixture
def published(world: World) -> Published:
    return publish(world)


def page(client: Client | None = None, url: str = URL) -> str:
    response = (client or Client()).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def row(html: str, indicator: str) -> list[str]:
    """The text of each row of ``indicator`` (its stage rows in order), tags stripped."""
    rows = re.findall(rf'<tr data-indicator="{re.escape(indicator)}"[^>]*>(.*?)</tr>', html, re.S)
    rows = [re.sub(r"<details.*?</details>", " ", r, flags=re.S) for r in rows]
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows]


def chart_options(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="chart-\d+-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no chart on the page"
    return json.loads(found.group(1))


# --- it is public -------------------------------------------------------------------------------------


def test_anybody_reads_it_without_signing_in_and_it_is_cacheable(published: Published) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    assert reverse("public:index") == URL
    # a browser may keep it; a shared proxy must not (the language form's CSRF token is the visitor's)
    assert "private" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    html = response.content.decode()
    assert "2025—2026学年" in html and "公示" in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_signed_in_users_read_the_same_figures_privately(
    client_for, published: Published, persona: str
) -> None:
    response = client_for(persona).get(URL)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    html = response.content.decode()
    assert row(html, "enrolment.preschool_gross_rate")[0].startswith("学前三年毛入园率")
    for figure in HIDDEN.values():
        assert figure not in html  # the public page withholds from everybody, the district roles too


def test_post_is_not_allowed(published: Published) -> None:
    assert Client().post(URL).status_code == 405


def test_the_landing_page_links_to_it(world: World) -> None:
    html = page(Client(), "/")
    assert f'href="{URL}"' in html
    assert "查看公示" in html


# --- the figures ----------------------------------------------------------------------------------------


def test_figures_equal_the_stored_district_values(published: Published) -> None:
    html = page()
    preschool = row(html, "enrolment.preschool_gross_rate")
    assert len(preschool) == 1
    # 1003 / 1000 = 100.3%; 2024: 99.0% → +1.3 个百分点, for the better; ≥ 85% national; plan ≥ 100% by 2025
    assert "100.3%" in preschool[0]
    assert "+1.3 个百分点" in preschool[0] and "向好" in preschool[0]
    assert "≥85%" in preschool[0].replace(" ", "") and "≥ 100%（2025年）" in preschool[0]
    assert "达标" in preschool[0]
    certified = row(html, "teachers.certified_rate")
    assert [r.split()[1 if i == 0 else 0] for i, r in enumerate(certified)] == [
        "全部学段",
        "学前",
        "小学",
        "初中",
        "高中",
    ]
    assert "95.2%" in certified[0]  # all stages: 338 / 355
    assert "95.5%" in certified[2] and "97.0%" in certified[3]  # 小学 191/200, 初中 97/100
    assert "33.3%" in row(html, "class_size.over_standard_share")[0]  # 1 of 3 classes: not persons
    assert "0 人" in row(html, "control.dropouts_unreturned")[0]  # nobody behind it: nothing to protect


def test_every_indicator_is_listed_in_its_catalogue_group_with_its_kou_jing(published: Published) -> None:
    html = page()
    for definition in catalogue().values():
        rows = row(html, definition.id)
        assert rows, definition.id
        assert len(rows) == len(definition.stage_keys), definition.id
        if definition.kou_jing:
            assert definition.kou_jing[:30] in html, definition.id
    assert "普及普惠" in html and "学生健康" in html


def test_the_headline_chart_draws_the_published_values_only(published: Published) -> None:
    options = chart_options(page())
    assert options["xAxis"]["data"] == ["2024", "2025"]
    lines = {s["name"]: s["data"] for s in options["series"]}
    assert lines["学前三年毛入园率"] == [99.0, 100.3]
    assert lines["学生体质健康优良率"] == [50.0, None]  # 2025 rests on 8 students: a gap


# --- small groups ---------------------------------------------------------------------------------------


def test_small_groups_and_what_would_give_them_away_are_not_in_the_page(published: Published) -> None:
    html = page()
    for what, figure in HIDDEN.items():
        assert figure not in html, what
    rotation = row(html, "teachers.rotation_backbone_share")[0]
    assert "少于10人，不予公示" in rotation
    assert (
        "25.0" not in rotation.split("少于")[0] and "个百分点" not in rotation
    )  # no change from 2024's 3/12
    certified = row(html, "teachers.certified_rate")
    stages = {r.split()[0]: r for r in certified[1:]}
    assert "少于10人，不予公示" in stages["高中"]  # 7 of 8 teachers
    assert "可推算小样本，不予公示" in stages["学前"]  # 95.2% all stages less the others would give 高中 away
    assert "达标" not in stages["高中"] and "未达标" not in stages["高中"]
    assert "可推算小样本，不予公示" in row(html, "health.myopia_rate")[0]  # flagged when stored
    assert "少于10人，不予公示" in row(html, "health.fitness_excellent_good_rate")[0]


def test_the_setting_moves_the_cut_off(published: Published, settings: Any) -> None:
    settings.PUBLIC_MIN_GROUP = 5
    html = page()
    assert "28.6%" in row(html, "teachers.rotation_backbone_share")[0]  # 7 teachers ≥ 5
    assert "87.5%" in row(html, "teachers.certified_rate")[4]  # 高中, 8 teachers
    assert "91.5%" in row(html, "teachers.certified_rate")[1]  # 学前: no longer needed as complement
    assert "37.5" not in html  # a student-health value keeps its own cut-off of 10
    assert "52.6" not in html  # stored as complementary: stays withheld whatever the setting

    settings.PUBLIC_MIN_GROUP = 250
    html = page()
    assert "少于250人，不予公示" in row(html, "teachers.certified_rate")[2]  # 小学, 200 teachers
    assert "95.5" not in html and "97.0" not in html
    assert "100.3%" in row(html, "enrolment.preschool_gross_rate")[0]  # over 1000 children
    assert "33.3%" in html  # classes, not persons


def test_public_definitions_raise_the_cut_off_of_indicators_about_persons_only() -> None:
    definitions = public.public_definitions(25)
    assert definitions["teachers.certified_rate"].min_group == 25
    assert definitions["enrolment.preschool_gross_rate"].min_group == 25
    assert definitions["health.myopia_rate_change"].min_group == 25
    assert definitions["class_size.over_standard_share"].min_group == 0
    assert definitions["wuxiang.sleep_rate"].min_group == 0  # class records
    assert definitions["family.parent_school_rate"].min_group == 0  # schools
    assert definitions["recognition.civilised_campus"].min_group == 0
    assert public.public_definitions(5)["health.myopia_rate"].min_group == 10  # never lowered


def test_no_school_value_no_student(world: World, published: Published) -> None:
    html = page()
    assert STUDENT_NAME not in html and STUDENT_NUMBER not in html
    assert "95.3" not in html  # school A's own value
    assert world.school_a.name not in html and world.urban.name not in html  # no school or town rows


# --- the school evaluation ------------------------------------------------------------------------------


def test_evaluation_bands_counted_and_listed_by_school_code(world: World, tmp_path: Path) -> None:
    results = evaluated_world(world, tmp_path)  # A: B 良好 (80.75), B: D 待改进 (22.25), C: A 优秀 (100)
    publish(world, IndicatorRun.objects.get(academic_year=world.year, is_current=True))
    html = page()
    section = html[html.index('id="evaluation"') :]
    codes = re.findall(r"<td>(21640105\d\d)</td>", section)
    assert codes == ["2164010501", "2164010502", "2164010503"]  # by code; by score it would be C, A, B
    listed = re.findall(
        r"<td>(21640105\d\d)</td><td>[^<]+</td>\s*<td><span class=\"badge \w+\">([^<]+)</span>", section
    )
    assert listed == [("2164010501", "B 良好"), ("2164010502", "D 待改进"), ("2164010503", "A 优秀")]
    counts = re.search(r'id="public-evaluation-bands".*?<tbody>(.*?)</tbody>', section, re.S)
    assert counts
    cells = re.findall(r'<td class="num">([^<]+)</td>', counts.group(1))
    assert cells == ["3", "1（33.3%）", "1（33.3%）", "1（33.3%）"]  # 3 schools: A, B, D one each
    for result in results.values():
        assert str(result.total) not in html
    assert "排名" not in html.replace("不公布分数和排名", "")


def test_no_evaluation_results_for_the_year(published: Published) -> None:
    assert "本学年尚无办学质量评价结果" in page()


def test_no_computed_year_yet(world: World) -> None:
    html = page()
    assert "尚未公示任何指标数值" in html


def test_year_selector_shows_the_earlier_year(published: Published) -> None:
    html = page(url=f"{URL}?year=2024")
    preschool = row(html, "enrolment.preschool_gross_rate")[0]
    assert "99.0%" in preschool and "个百分点" not in preschool  # no 2023 to compare with
    assert "25.0%" in row(html, "teachers.rotation_backbone_share")[0]  # 12 teachers in 2024
    assert "50.0%" in row(html, "health.fitness_excellent_good_rate")[0]
    assert 'value="2024" selected' in html
    assert "100.3%" in row(page(url=f"{URL}?year=1999"), "enrolment.preschool_gross_rate")[0]  # the latest


def test_a_change_is_withheld_with_either_of_its_rates(published: Published) -> None:
    html = page()
    junior = {r.split()[0]: r for r in row(html, "health.myopia_rate_change")[1:]}
    assert "可推算小样本，不予公示" in junior["初中"]  # 62.5% − 41.7%: with 41.7% shown, 62.5% follows
    assert "41.7%" in row(html, "health.myopia_rate_previous")[2]
    assert "20.8" not in html and "62.5" not in html


def test_the_page_reads_a_fixed_handful_of_queries(
    published: Published, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(8):
        page()
