"""Pages of the web shell: the school map (学校分布图) at /map/.

The schools on a district map, coloured by any indicator computed for single schools, with the towns'
extents and the catchment groups (学区/集团/大学区) as layers; ``?indicator=…&year=…&stage=…`` chooses
what is shown. The data is built by :func:`tisheng.web.mapdata.map_data` (a school's users see their own
school only, a small group's value is withheld) and drawn by ``static/tisheng/map.js``; no internet tiles
unless ``TISHENG_MAP_TILE_URL`` is set.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from tisheng.indicators.catalogue import Definition, catalogue
from tisheng.indicators.filters import stage_param
from tisheng.indicators.tables import stage_label
from tisheng.indicators.views import (
    chosen_stage,
    chosen_year,
    computed_years,
    current_run,
    indicator_picker,
    indicator_url,
    name_of,
    overrides_of,
    stage_keys,
    unit_of,
)
from tisheng.web.mapdata import map_data

#: The map's first view: over-standard classes, a value every school with classes has (the catalogue's
#: first school indicator, 初中三年巩固率, leaves all but the junior schools blank).
DEFAULT_INDICATOR = "class_size.over_standard_share"


def mapped_indicator(wanted: str) -> Definition:
    """``?indicator=`` when it names an indicator computed for single schools, else the default (the map
    colours schools, so a district-only indicator has nothing to show)."""
    definitions = catalogue()
    for ident in (wanted, DEFAULT_INDICATOR):
        found = definitions.get(ident)
        if found is not None and "school" in found.levels:
            return found
    return next(d for d in definitions.values() if "school" in d.levels)


@login_required
def school_map(request: HttpRequest) -> HttpResponse:
    """学校分布图: the schools the user may see, coloured by the chosen indicator's value."""
    user = request.user
    definition = mapped_indicator(request.GET.get("indicator", ""))
    years = computed_years(user)
    year = chosen_year(request, years)
    stage = chosen_stage(request, definition)
    overrides = overrides_of(current_run(year))
    data = map_data(user, definition, year, stage, overrides)
    context = {
        "definition": definition,
        "name": name_of(definition),
        "unit": unit_of(definition),
        "picker": indicator_picker(only_schools=True),
        "years": list(reversed(years)),
        "year": year,
        "stages": [(stage_param(k), stage_label(k)) for k in stage_keys(definition)],
        "stage": stage_param(stage),
        "stage_label": stage_label(stage),
        "school_map": data,
        "rows": [s for s in data["schools"] if s["has_value"]],
        "indicator_url": indicator_url(definition, year, stage),
        "map_url": reverse("map"),
    }
    return render(request, "web/map.html", context)


urlpatterns: list[URLPattern] = [path("map/", school_map, name="map")]
