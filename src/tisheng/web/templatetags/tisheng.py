"""Template tags of the web shell: charts, badges and query-string helpers."""

from __future__ import annotations

import itertools
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html, json_script

from tisheng.web.charts import Chart

register = template.Library()
_ids = itertools.count(1)


@register.simple_tag
def chart(spec: Chart) -> str:
    """A container drawn by charts.js from the spec's ECharts options."""
    element_id = f"chart-{next(_ids)}"
    return format_html(
        '<div class="chart" data-chart="{0}-data" style="height:{1}px" role="img" aria-label="{2}"></div>{3}',
        element_id,
        spec.height,
        str(spec.title),
        json_script(spec.options(), f"{element_id}-data"),
    )


@register.simple_tag(takes_context=True)
def query(context: Any, **changes: Any) -> str:
    """The current query string with ``changes`` applied (``page`` reset unless given)."""
    params: QueryDict = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
