"""How a commitment reads on a page and in the API: its target in words (``≥ 50%``, ``84 个``,
``+10900 学位``, ``每学期至少 1 次``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tisheng.indicators.catalogue import CatalogueError, definition
from tisheng.plan import choices as c

if TYPE_CHECKING:
    from tisheng.plan.models import Commitment

SYMBOL = {c.Comparator.AT_LEAST: "≥", c.Comparator.AT_MOST: "≤", c.Comparator.EQUAL: "="}


def number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def indicator_name(indicator_id: str) -> str:
    """The catalogue's Chinese name of an indicator (the id itself if the catalogue lost it)."""
    try:
        return definition(indicator_id).name_zh
    except CatalogueError:
        return indicator_id


def indicator_unit(indicator_id: str) -> str:
    try:
        return definition(indicator_id).unit_zh
    except CatalogueError:
        return ""


def target_text(commitment: Commitment) -> str:
    kind = commitment.kind
    if kind == c.CommitmentKind.INDICATOR:
        if commitment.comparator == c.Comparator.FALLS_EVERY_YEAR:
            return str(c.Comparator.FALLS_EVERY_YEAR.label)
        unit = indicator_unit(commitment.indicator_id)
        symbol = SYMBOL.get(c.Comparator(commitment.comparator), commitment.comparator)
        return f"{symbol} {number(commitment.target_value)}{unit}"
    if kind == c.CommitmentKind.COUNT:
        return _("%(count)s in all") % {"count": number(commitment.target_count)}
    if kind == c.CommitmentKind.PROJECT:
        parts = []
        if commitment.target_count is not None:
            parts.append(_("%(count)s schools") % {"count": number(commitment.target_count)})
        if commitment.planned_places is not None:
            parts.append(_("+%(places)s places") % {"places": number(commitment.planned_places)})
        return "，".join(parts)
    if kind == c.CommitmentKind.RECURRING:
        period = c.Frequency(commitment.frequency).label if commitment.frequency else ""
        if commitment.frequency == c.Frequency.NAMED_WEEKS:
            months = "、".join(f"{m}月" for m in commitment.months)
            return _("week %(week)s of %(months)s") % {"week": commitment.week_of_month, "months": months}
        return _("%(period)s, at least %(times)s times") % {"period": period, "times": commitment.times}
    return ""
