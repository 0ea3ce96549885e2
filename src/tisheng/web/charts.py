"""Chart specs in Python, rendered to ECharts options by one shared component (STYLE §5).

Views build a :class:`Chart` from their figures; the ``{% chart %}`` tag writes the options as JSON
(``json_script``) next to a container, and ``static/tisheng/charts.js`` draws every container with the
locally served ECharts. No logic lives in templates or JavaScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

PALETTE = ["#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622", "#bda29a", "#6e7074"]


@dataclass
class Series:
    name: str | Promise
    values: Sequence[float | int | None]
    kind: str = "bar"  # bar | line
    stack: str | None = None


@dataclass
class Chart:
    title: str | Promise
    categories: Sequence[str | Promise] = ()
    series: Sequence[Series] = ()
    kind: str = "axis"  # axis (bar/line series) | pie
    pie: Sequence[tuple[str | Promise, float | int]] = ()
    unit: str | Promise = ""
    horizontal: bool = False
    height: int = 320
    extra: dict[str, Any] = field(default_factory=dict)

    def options(self) -> dict[str, Any]:
        base: dict[str, Any] = {
            "color": PALETTE,
            "title": {"text": str(self.title), "left": "center", "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "item" if self.kind == "pie" else "axis"},
            "toolbox": {"feature": {"saveAsImage": {"title": "保存图片"}}},
        }
        if self.kind == "pie":
            base["legend"] = {"bottom": 0, "type": "scroll"}
            base["series"] = [
                {
                    "type": "pie",
                    "radius": ["35%", "65%"],
                    "data": [{"name": str(n), "value": v} for n, v in self.pie],
                    "label": {"formatter": "{b}: {c}"},
                }
            ]
            return base | self.extra
        category_axis = {"type": "category", "data": [str(c) for c in self.categories]}
        value_axis = {"type": "value", "name": str(self.unit)}
        base["legend"] = {"bottom": 0, "type": "scroll"}
        base["grid"] = {"left": 60, "right": 30, "bottom": 50, "top": 50, "containLabel": True}
        base["xAxis"], base["yAxis"] = (
            (value_axis, category_axis) if self.horizontal else (category_axis, value_axis)
        )
        base["series"] = [
            {
                "name": str(s.name),
                "type": s.kind,
                "data": list(s.values),
                **({"stack": s.stack} if s.stack else {}),
            }
            for s in self.series
        ]
        return base | self.extra
