"""The school map (/map/ and the map on the indicator page): the data built in Python — coordinates,
colours by bins and 达标, withheld values grey without their number, towns' hulls, catchment groups —
scoped to the user, with no tile layer unless ``TISHENG_MAP_TILE_URL`` is set.

Figures: ``class_size.over_standard_share`` is 50.0% for school A (未达标) and 0.0% for school B (达标)
(see ``tests.indicators.web.conftest``). Coordinates are set here: A, C and the kindergarten in 宁华路街道,
B in 兴泾镇; 宁华大学区 is A (lead) and B.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.indicators.db_facts import make_facts
from tests.indicators.web.conftest import VERIFIED
from tisheng.core.models import School
from tisheng.indicators import services
from tisheng.indicators.catalogue import catalogue
from tisheng.indicators.choices import Level
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.web import mapdata
from tisheng.web.mapdata import GREY, MET_RAMP, NOT_MET_RAMP, colour_bins, convex_hull, tile_layer

COORDINATES = {
    "school_a": ("106.100000", "38.500000"),
    "school_b": ("106.000000", "38.400000"),
    "school_c": ("106.120000", "38.520000"),
    "kindergarten": ("106.080000", "38.530000"),
}


@pytest.fixture
def located(world: World) -> World:
    for name, (lng, lat) in COORDINATES.items():
        School.objects.filter(pk=getattr(world, name).pk).update(
            longitude=Decimal(lng), latitude=Decimal(lat)
        )
    return world


@pytest.fixture
def computed(world: World) -> IndicatorRun:
    """The World's small facts (``tests.indicators.db_facts``) of 2025, computed."""
    make_facts(world)
    return services.compute_year(world.year)


def map_json(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(
        r'<script id="school-map-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "no map data on the page"
    return json.loads(match.group(1))


def the_map(client: Client, **params: str) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in {"indicator": VERIFIED, **params}.items())
    return map_json(client, f"{reverse('map')}?{query}")


def points(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in data["schools"]}


def test_schools_are_placed_and_coloured_by_their_value(
    client_for: Callable[[str], Client], located: World, computed: IndicatorRun
) -> None:
    data = the_map(client_for("admin"), year="2025")
    by_name = points(data)
    a, b = by_name[located.school_a.name], by_name[located.school_b.name]
    assert (a["lat"], a["lng"]) == (38.5, 106.1) and (b["lat"], b["lng"]) == (38.4, 106.0)
    assert (a["value"], a["shown"], a["met"], a["met_label"]) == (50.0, "50.0%", False, "未达标")
    assert (b["value"], b["shown"], b["met"], b["met_label"]) == (0.0, "0.0%", True, "达标")
    assert a["colour"] in NOT_MET_RAMP and b["colour"] in MET_RAMP
    assert a["indicator_url"] == f"/indicators/{VERIFIED}/schools/{located.school_a.pk}/?year=2025&stage=all"
    # C (no classes) and the kindergarten have no value: drawn apart, grey and hollow
    assert not by_name[located.school_c.name]["has_value"]
    assert by_name[located.kindergarten.name]["colour"] == GREY
    assert data["without_value"] == 2
    assert [(e["label"], e["met_label"], e["count"]) for e in data["legend"]] == [
        ("0.0%", "达标", 1),
        ("50.0%", "未达标", 1),
    ]
    assert data["threshold"] == "≤ 0%"


def test_towns_are_hulls_of_their_schools_and_groups_join_their_members(
    client_for: Callable[[str], Client], located: World, computed: IndicatorRun
) -> None:
    data = the_map(client_for("inspector"))
    (town,) = data["towns"]  # 兴泾镇 has one located school: no outline
    assert town["name"] == located.urban.name
    assert town["label"] == "宁华路街道（示意范围）"
    assert len(town["outline"]) == 3
    lats = [p[0] for p in town["outline"]]
    assert min(lats) < 38.5 and max(lats) > 38.53  # padded around A, C and the kindergarten
    (group,) = data["groups"]  # 测试教育集团 has one member: nothing to join
    assert group["name"] == located.group.name and group["members"] == 2
    assert group["lead"] == [38.5, 106.1]
    assert sorted(group["points"]) == [[38.4, 106.0], [38.5, 106.1]]
    assert points(data)[located.school_a.name]["groups"] == [located.group.name]


def test_a_withheld_value_is_grey_without_its_number(
    client_for: Callable[[str], Client], located: World, computed: IndicatorRun
) -> None:
    IndicatorValue.objects.current().filter(
        indicator=VERIFIED, level=Level.SCHOOL, school=located.school_b
    ).update(complementary=True)
    b = points(the_map(client_for("admin")))[located.school_b.name]
    assert (b["value"], b["met"], b["met_label"], b["colour"]) == (None, None, "", GREY)
    assert b["shown"] == "可推算小样本，不予显示" and b["withheld"]
    legend = the_map(client_for("admin"))["legend"]
    assert legend[-1] == {
        "colour": GREY,
        "label": "可推算小样本，不予显示",
        "met": None,
        "met_label": "",
        "count": 1,
    }
    # its own school sees it
    own = points(the_map(client_for("principal_b")))[located.school_b.name]
    assert (own["value"], own["met"]) == (0.0, True)


def test_a_school_sees_only_its_own_school(
    client_for: Callable[[str], Client], located: World, computed: IndicatorRun
) -> None:
    data = the_map(client_for("principal_a"))
    assert list(points(data)) == [located.school_a.name]
    assert data["towns"] == [] and data["groups"] == []
    html = client_for("principal_a").get(reverse("map")).content.decode()
    assert located.school_b.name not in html and located.school_c.name not in html


def test_the_map_requires_signing_in(client_for: Callable[[str], Client], located: World) -> None:
    response = client_for("anon").get(reverse("map"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_map_page_offers_school_indicators_and_lists_the_schools(
    client_for: Callable[[str], Client], located: World, computed: IndicatorRun
) -> None:
    response = client_for("leader").get(reverse("map"), {"indicator": VERIFIED})
    html = response.content.decode()
    picker = {i for group in response.context["picker"] for i, _name in group.options}
    assert VERIFIED in picker and "yzjh.cv.l4" not in picker  # district-only indicators colour no school
    table = html.split('id="map-school-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr data-school=") == 2 and "50.0%" in table and "未达标" in table
    # an indicator not computed for schools falls back to the first one that is
    fallback = client_for("leader").get(reverse("map"), {"indicator": "yzjh.cv.l4"})
    assert "school" in catalogue()[fallback.context["definition"].id].levels


def test_no_tiles_unless_a_tile_url_is_set(
    client_for: Callable[[str], Client], located: World, computed: IndicatorRun, settings: Any
) -> None:
    assert tile_layer() is None
    data = the_map(client_for("admin"))
    assert data["tiles"] is None
    html = client_for("admin").get(reverse("map")).content.decode()
    assert "http://" not in html.split("<main>", 1)[1] and "https://" not in html.split("<main>", 1)[1]
    assert "素色背景" in html  # says there is no base map

    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 本区测绘"
    data = the_map(client_for("admin"))
    assert data["tiles"] == {
        "url": "https://tiles.example.gov.cn/{z}/{x}/{y}.png",
        "attribution": "© 本区测绘",
    }

    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/tile.png"
    with pytest.raises(ImproperlyConfigured, match="TISHENG_MAP_TILE_URL"):
        tile_layer()


def test_convex_hull() -> None:
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.5, 0.5), (0.5, 0.0)]
    assert convex_hull(square) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    assert convex_hull([(1.0, 1.0), (1.0, 1.0)]) == [(1.0, 1.0)]
    assert convex_hull([(0.0, 0.0), (2.0, 1.0)]) == [(0.0, 0.0), (2.0, 1.0)]


def test_colour_bins_split_at_the_threshold_and_darken_outwards() -> None:
    """Higher is better (yzjh.resource.l4, ≥ 4.5): the unmet darkest at the lowest, the met at the highest."""
    definition = catalogue()["yzjh.resource.l4"]
    values = [(Decimal(v), Decimal(v) >= Decimal("4.5")) for v in ("3.0", "4.0", "4.4", "4.5", "5.0", "6.0")]
    bins = colour_bins(definition, values)
    assert [(b.low, b.high, b.met, b.colour) for b in bins] == [
        (Decimal("3.0"), Decimal("3.0"), False, NOT_MET_RAMP[2]),
        (Decimal("4.0"), Decimal("4.0"), False, NOT_MET_RAMP[1]),
        (Decimal("4.4"), Decimal("4.4"), False, NOT_MET_RAMP[0]),
        (Decimal("4.5"), Decimal("4.5"), True, MET_RAMP[0]),
        (Decimal("5.0"), Decimal("5.0"), True, MET_RAMP[1]),
        (Decimal("6.0"), Decimal("6.0"), True, MET_RAMP[2]),
    ]
    many = colour_bins(definition, [(Decimal(i), True) for i in range(5, 14)])
    assert [(b.low, b.high) for b in many] == [(5, 7), (8, 10), (11, 13)]
    assert mapdata.bin_label(definition, many[0]) == "5.00 – 7.00"


def test_the_map_opens_on_over_standard_classes_and_falls_back_to_it() -> None:
    from tisheng.web.maps import DEFAULT_INDICATOR, mapped_indicator

    assert mapped_indicator("").id == DEFAULT_INDICATOR == "class_size.over_standard_share"
    assert mapped_indicator("enrolment.preschool_gross_rate").id == DEFAULT_INDICATOR  # district only
    assert mapped_indicator(VERIFIED).id == VERIFIED
