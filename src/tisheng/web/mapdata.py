"""The school map's data, built in Python (STYLE §5): the schools the user may see with their value of one
indicator, coloured by bins and by 达标/未达标, the towns' outlines and the catchment groups. The page
writes it as JSON (``json_script``) and ``static/tisheng/map.js`` only draws it with the vendored Leaflet.

Offline first: deployments often have no internet, so no tile layer is drawn unless
``TISHENG_MAP_TILE_URL`` names one (an intranet tile server, say). Without tiles the map has no real
boundaries to show, so a town's extent is drawn as the convex hull of its schools, padded a little and
labelled 示意范围 (an illustration, not the legal boundary).

Permissions (STYLE §6): the schools come from ``School.objects.restrict(user, VIEW)`` and the values from
``IndicatorValue.objects.restrict(user, VIEW)``, so a school's users see their own school only; a value
withheld from the viewer (:func:`tisheng.indicators.present.is_suppressed`) is drawn grey with the
suppression text, and neither its number nor its 达标 is in the data. Memberships are read through
``restrict`` too: a group is drawn only through the member schools the viewer may see.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tisheng.core.choices import MembershipRole
from tisheng.core.models import AcademicYear, GroupMembership, School
from tisheng.core.permissions import VIEW
from tisheng.indicators import present
from tisheng.indicators.catalogue import Definition
from tisheng.indicators.choices import Level
from tisheng.indicators.filters import stage_param
from tisheng.indicators.models import IndicatorValue
from tisheng.indicators.tables import MET_BADGES

#: Colour ramps, light to dark: the darkest is the best value among the met, the worst among the unmet.
NOT_MET_RAMP = ("#f4a582", "#d6604d", "#b2182b")
MET_RAMP = ("#a6dba0", "#5aae61", "#1b7837")
NEUTRAL_RAMP = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
#: A value withheld from the viewer, or a school without a value of the indicator.
GREY = "#9e9e9e"
#: How far a town's hull is pushed out from its centre, so the outer schools sit inside it.
HULL_PADDING = 0.12
HULL_MARGIN_DEGREES = 0.004

Point = tuple[float, float]  # (longitude, latitude)


def tile_layer() -> dict[str, str] | None:
    """The configured tile layer, or None (the default: no internet tiles). A URL without the ``{z}``,
    ``{x}`` and ``{y}`` placeholders is a configuration error, said loudly rather than drawn blank."""
    url = getattr(settings, "MAP_TILE_URL", "")
    if not url:
        return None
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
    if missing:
        raise ImproperlyConfigured(
            f"TISHENG_MAP_TILE_URL 缺少 {'、'.join(missing)}：请给出瓦片地址模板，如 https://tiles.example/{{z}}/{{x}}/{{y}}.png"
        )
    return {"url": url, "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", "")}


# --- geometry --------------------------------------------------------------------------------------


def convex_hull(points: Iterable[Point]) -> list[Point]:
    """The convex hull of ``points``, counter-clockwise (Andrew's monotone chain); fewer than three
    distinct points come back as they are (a point or a segment)."""
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def padded(hull: Sequence[Point]) -> list[Point]:
    """The hull pushed out from its centre (by a share and a small margin), so that the outer schools'
    markers sit inside the outline instead of on it."""
    if len(hull) < 2:
        return list(hull)
    cx = sum(p[0] for p in hull) / len(hull)
    cy = sum(p[1] for p in hull) / len(hull)
    out = []
    for x, y in hull:
        dx, dy = x - cx, y - cy
        length = math.hypot(dx, dy) or 1.0
        scale = 1 + HULL_PADDING + HULL_MARGIN_DEGREES / length
        out.append((cx + dx * scale, cy + dy * scale))
    return out


def centre(points: Sequence[Point]) -> Point:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def latlng(points: Iterable[Point]) -> list[list[float]]:
    """Leaflet's order: [latitude, longitude], rounded to about a metre."""
    return [[round(y, 5), round(x, 5)] for x, y in points]


# --- colours ----------------------------------------------------------------------------------------


@dataclass
class Bin:
    """One legend entry: the values from ``low`` to ``high`` (as shown, rounded) of one side of the
    threshold (``met``: True 达标, False 未达标, None no threshold), drawn in ``colour``."""

    low: Decimal
    high: Decimal
    met: bool | None
    colour: str

    def holds(self, value: Decimal, met: bool | None) -> bool:
        return met is self.met and self.low <= value <= self.high


def chunks(values: Sequence[Decimal], most: int) -> list[list[Decimal]]:
    """The distinct ``values`` (sorted) in at most ``most`` runs of near-equal length."""
    distinct = sorted(set(values))
    count = min(most, len(distinct))
    return [distinct[i * len(distinct) // count : (i + 1) * len(distinct) // count] for i in range(count)]


def colour_bins(definition: Definition, values: Iterable[tuple[Decimal, bool | None]]) -> list[Bin]:
    """The legend's bins of the shown (rounded) values: the unmet and the met apart, each in up to three
    runs of its distinct values (five when the indicator has no threshold), coloured light to dark
    towards the worse unmet value and the better met one. In value order."""
    sides: dict[bool | None, list[Decimal]] = {}
    for value, met in values:
        sides.setdefault(met, []).append(value)
    bins: list[Bin] = []
    for met, ramp in ((False, NOT_MET_RAMP), (True, MET_RAMP), (None, NEUTRAL_RAMP)):
        if met not in sides:
            continue
        runs = chunks(sides[met], len(ramp))
        colours = list(ramp[len(ramp) - len(runs) :]) if len(runs) < len(ramp) else list(ramp)
        # light → dark in value order when higher is better for the met (and neutral), the other way
        # for the unmet (their worst is the lowest); the reverse when lower is better
        ascending = definition.higher_is_better != (met is False)
        if not ascending:
            colours.reverse()
        bins += [Bin(run[0], run[-1], met, colour) for run, colour in zip(runs, colours, strict=True)]
    return sorted(bins, key=lambda b: (b.low, b.high))


def bin_label(definition: Definition, b: Bin) -> str:
    low, high = present.display(definition, b.low), present.display(definition, b.high)
    return low if b.low == b.high else f"{low} – {high}"


# --- the map ----------------------------------------------------------------------------------------


def school_url(definition: Definition, school: School, year: AcademicYear, stage: str) -> str:
    query = urlencode({"year": year.start_year, "stage": stage_param(stage)})
    return f"{reverse('indicators:school', args=[definition.id, school.pk])}?{query}"


def map_data(
    user: Any,
    definition: Definition,
    year: AcademicYear | None,
    stage: str,
    overrides: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything map.js draws, for ``user``: schools (with coordinates) coloured by ``definition``'s
    value in ``year`` and ``stage``, the legend, the towns' hulls and the groups on the year's census
    day. Three queries however many schools: the schools, the values, the memberships."""
    day = year.census_date if year is not None else timezone.localdate()
    schools = list(School.objects.restrict(user, VIEW).select_related("town").order_by("town__code", "code"))
    values: dict[int, IndicatorValue] = {}
    if year is not None and "school" in definition.levels:
        rows = IndicatorValue.objects.current().restrict(user, VIEW)
        rows = rows.filter(
            indicator=definition.id, level=Level.SCHOOL, academic_year=year, stage=stage, breakdown=""
        ).only("school_id", "value", "met", "rows", "denominator", "complementary")
        values = {v.school_id: v for v in rows if v.school_id is not None}
    schools = [
        s
        for s in schools
        if s.pk in values
        or ((s.opened_on is None or s.opened_on <= day) and (s.closed_on is None or s.closed_on > day))
    ]
    memberships = list(
        GroupMembership.objects.restrict(user, VIEW)
        .active_on(day)
        .filter(school__in=[s.pk for s in schools])
        .select_related("group")
        .order_by("group__kind", "group__name", "-role", "school__code")
    )
    groups_of: dict[int, list[str]] = {}
    for m in memberships:
        groups_of.setdefault(m.school_id, []).append(m.group.name)

    shown: dict[int, tuple[Decimal, bool | None]] = {}
    withheld: set[int] = set()
    for school_id, v in values.items():
        if present.is_suppressed(definition, v, user):
            withheld.add(school_id)
        elif v.value is not None:
            rounded = present.rounded(definition, v.value)
            assert rounded is not None
            shown[school_id] = (rounded, v.met)
    bins = colour_bins(definition, shown.values())
    threshold = present.threshold_text(definition, stage, overrides)

    points: list[dict[str, Any]] = []
    located: dict[int, Point] = {}
    unlocated: list[str] = []
    for s in schools:
        if s.longitude is None or s.latitude is None:
            unlocated.append(s.name)
            continue
        located[s.pk] = (float(s.longitude), float(s.latitude))
        point: dict[str, Any] = {
            "id": s.pk,
            "name": s.name,
            "town": s.town.name,
            "lat": float(s.latitude),
            "lng": float(s.longitude),
            "groups": groups_of.get(s.pk, []),
            "url": s.get_absolute_url(),
            "value": None,
            "shown": "",
            "met": None,
            "met_label": "",
            "colour": GREY,
            "has_value": s.pk in values,
        }
        if s.pk in withheld:
            point["shown"] = present.suppression_text(definition, values[s.pk])
            point["withheld"] = True
        elif s.pk in shown:
            value, met = shown[s.pk]
            point["value"] = float(value)
            point["shown"] = present.display(definition, value)
            point["met"] = met
            point["met_label"] = str(MET_BADGES[met][0]) if met is not None else ""
            point["colour"] = next(b.colour for b in bins if b.holds(value, met))
        elif s.pk in values:
            point["shown"] = "—"
        if s.pk in values and year is not None:
            point["indicator_url"] = school_url(definition, s, year, stage)
        points.append(point)

    towns: dict[str, list[Point]] = {}
    for s in schools:
        if s.pk in located:
            towns.setdefault(s.town.name, []).append(located[s.pk])
    town_shapes = [
        {
            "name": name,
            "label": _("%(town)s (illustrative extent)") % {"town": name},
            "outline": latlng(padded(convex_hull(pts))),
            "centre": latlng([centre(pts)])[0],
        }
        for name, pts in towns.items()
        if len(set(pts)) >= 3
    ]
    members: dict[int, list[GroupMembership]] = {}
    for m in memberships:
        if m.school_id in located:
            members.setdefault(m.group_id, []).append(m)
    group_shapes = []
    for group_members in members.values():
        if len(group_members) < 2:
            continue
        group = group_members[0].group
        lead = next((m for m in group_members if m.role == MembershipRole.LEAD), None)
        group_shapes.append(
            {
                "name": group.name,
                "kind": group.get_kind_display(),
                "outline": latlng(convex_hull(located[m.school_id] for m in group_members)),
                "points": latlng(located[m.school_id] for m in group_members),
                "lead": latlng([located[lead.school_id]])[0] if lead else None,
                "members": len(group_members),
            }
        )

    legend = [
        {
            "colour": b.colour,
            "label": bin_label(definition, b),
            "met": b.met,
            "met_label": str(MET_BADGES[b.met][0]) if b.met is not None else "",
            "count": sum(1 for value, met in shown.values() if b.holds(value, met)),
        }
        for b in bins
    ]
    reasons: dict[str, int] = {}
    for school_id in withheld:
        text = present.suppression_text(definition, values[school_id])
        reasons[text] = reasons.get(text, 0) + 1
    legend += [
        {"colour": GREY, "label": text, "met": None, "met_label": "", "count": count}
        for text, count in sorted(reasons.items())
    ]
    without = sum(1 for p in points if not p["has_value"])
    return {
        "tiles": tile_layer(),
        "indicator": definition.id,
        "unit": definition.unit_zh,
        "threshold": threshold,
        "schools": points,
        "towns": town_shapes,
        "groups": group_shapes,
        "legend": legend,
        "without_value": without,
        "unlocated": unlocated,
        "labels": {
            "schools": _("Schools"),
            "no_value": _("Schools without a value"),
            "towns": _("Towns (illustrative extent)"),
            "groups": _("School groups on %(day)s") % {"day": day.isoformat()},
            "lead": _("Lead school"),
            "value": _("Value"),
            "threshold": _("Threshold"),
            "groups_of": _("Groups"),
            "legend": _("Legend"),
            "no_tiles": _("No base map: schools on a plain background; town outlines are illustrative."),
            "school_page": _("School profile"),
            "value_page": _("The school's value"),
            "no_value_here": _("No value of this indicator"),
        },
    }
