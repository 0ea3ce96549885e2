"""Charts of the official documents, drawn with matplotlib (Agg, no display) into PNG bytes.

The pages draw their charts in the browser (ECharts); a .docx needs pictures, so the documents draw
theirs here. Chinese labels need a CJK font: :func:`cjk_font` looks for one among the installed fonts
(Noto Sans/Serif CJK SC, WenQuanYi, SimHei, Microsoft YaHei …). Without one the charts are still drawn
(the Chinese characters as empty boxes) and :func:`cjk_font` returns None, so that the command line can
warn (install fonts-noto-cjk).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

#: the CJK families looked for, best first
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "SimSun",
    "PingFang SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK JP",
)
PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#17a2b8", "#6c757d")
DPI = 150


@cache
def cjk_font() -> str | None:
    """The family of an installed font with Chinese characters, or None when there is none."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _figure(width_in: float = 6.4, height_in: float = 4.0) -> Figure:
    family = cjk_font()
    matplotlib.rcParams["font.family"] = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212
    return Figure(figsize=(width_in, height_in), dpi=DPI)


def _png(figure: Figure, bottom: float) -> bytes:
    """The figure as PNG; fixed margins (room for the legend under the plot at ``bottom``) rather than
    tight_layout, which measures every label again and took half of a report's build time."""
    out = io.BytesIO()
    figure.subplots_adjust(left=0.09, right=0.97, top=0.9, bottom=bottom)
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


@dataclass(frozen=True)
class Line:
    """One line of a trend chart: its name, a value (or None, a gap) per year, and its target."""

    name: str
    values: Sequence[float | None]
    target: float | None = None


def trend_chart(title: str, years: Sequence[int], lines: Sequence[Line], unit: str = "") -> bytes:
    """Values over the years, one line each, with each line's target as a dashed line of its colour."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = [f"{year}" for year in years]
    ends: list[tuple[str, float, str]] = []  # each line's last point, labelled with its value
    for index, line in enumerate(lines):
        colour = PALETTE[index % len(PALETTE)]
        points = [(x, y) for x, y in zip(labels, line.values, strict=True) if y is not None]
        if points:
            axes.plot(
                [p[0] for p in points], [p[1] for p in points], marker="o", color=colour, label=line.name
            )
            ends.append((*points[-1], colour))
        if line.target is not None:
            axes.axhline(line.target, color=colour, linestyle="--", linewidth=0.8)
    if labels:  # room on the right for the last values' labels
        axes.set_xlim(-0.3, len(labels) - 0.4)
    label_ends(axes, ends)
    axes.set_title(title, fontsize=11)
    axes.set_xlabel("学年")
    if unit:
        axes.set_ylabel(unit)
    axes.grid(axis="y", linewidth=0.3)
    if lines:  # below the plot, so that it never hides a line
        axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    rows = (len(lines) + 1) // 2
    return _png(figure, bottom=0.2 + 0.045 * rows)


def label_ends(axes: Any, ends: Sequence[tuple[str, float, str]], gap_points: float = 10) -> None:
    """Each line's last value beside its point, in its colour; labels of lines ending close together are
    moved apart (bottom up) so that none covers another."""
    axes.autoscale_view()
    to_points = 72 / axes.figure.dpi
    placed: list[float] = []  # the labels' heights on the page, in points
    for x, y, colour in sorted(ends, key=lambda end: end[1]):
        at = axes.transData.transform((labels_index(axes, x), y))[1] * to_points
        wanted = max([at + 4, *(p + gap_points for p in placed[-1:])])
        placed.append(wanted)
        axes.annotate(
            f"{y:g}",
            (x, y),
            textcoords="offset points",
            xytext=(4, wanted - at),
            fontsize=8,
            color=colour,
        )


def labels_index(axes: Any, x: str) -> float:
    """The position of the category ``x`` on the category axis (matplotlib numbers them from 0)."""
    return float(axes.xaxis.convert_units(x))


@dataclass(frozen=True)
class BarGroup:
    """One group of a bar chart (a 差异系数 indicator): a value per series (None when not computed)."""

    label: str
    values: Sequence[float | None]


def bar_chart(
    title: str,
    groups: Sequence[BarGroup],
    series: Sequence[str],
    limits: Sequence[float | None] = (),
) -> bytes:
    """Grouped bars (one per series in each group), with each series' limit as a dashed line of its
    colour (e.g. 差异系数 小学 ≤ 0.50, 初中 ≤ 0.45)."""
    figure = _figure(6.4, 3.8)
    axes = figure.add_subplot()
    count = max(len(series), 1)
    width = 0.8 / count
    for index, name in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        xs = [g + (index - (count - 1) / 2) * width for g in range(len(groups))]
        heights = [group.values[index] if group.values[index] is not None else 0 for group in groups]
        axes.bar(xs, heights, width=width, color=colour, label=name)
        limit = limits[index] if index < len(limits) else None
        if limit is not None:
            axes.axhline(limit, color=colour, linestyle="--", linewidth=0.9, label=f"{name}限值 {limit:.2f}")
    axes.set_xticks(range(len(groups)), [group.label for group in groups], fontsize=8)
    axes.set_title(title, fontsize=11)
    axes.grid(axis="y", linewidth=0.3)
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, frameon=False)
    return _png(figure, bottom=0.2)
