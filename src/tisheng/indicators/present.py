"""Presenting stored values and definitions: rounding, labels, thresholds, documentation pages.

Shared by the command line, the pages and the generated documentation so they say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from tisheng.core.choices import SCHOOL_ROLES
from tisheng.standards import VERIFICATION_LABELS

from .catalogue import KIND_LABELS, LEVEL_LABELS, STAGE_LABELS, Definition, catalogue
from .engine import measures

BREAKDOWN_LABELS = {"national": "国家级", "region": "自治区级", "city": "市级", "district": "区级"}
DIMENSION_LABELS = {"level": "按级别", "grade": "按年级", "sex": "按性别"}


def plain(value: Decimal | None) -> Decimal | None:
    """A stored number without trailing zeros or exponent: 2125.0000000000 → 2125, 0E-10 → 0."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


def rounded(definition: Definition, value: Decimal | None) -> Decimal | None:
    """The value as published: half-up to the definition's decimals (the stored value keeps 10)."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-definition.decimals), rounding=ROUND_HALF_UP)


def display(definition: Definition, value: Decimal | None) -> str:
    shown = rounded(definition, value)
    if shown is None:
        return "—"
    text = f"{shown:,.{definition.decimals}f}"
    return f"{text}{definition.unit_zh}" if definition.unit_zh == "%" else text


# --- small-group suppression (小样本不予显示) ----------------------------------------------------------


def suppression_text(definition: Definition, value: Any = None, *, public: bool = False) -> str:
    """What is shown instead of a suppressed value: 少于10人，不予显示; for a value that is not a small
    group itself but would give one away (``value.complementary``), 可推算小样本，不予显示. On the public
    disclosure page (``public``, :mod:`tisheng.reports.public`) the values are 不予公示 instead."""
    verb = "不予公示" if public else "不予显示"
    if (
        value is not None
        and value.complementary
        and not definition.small_group(value.rows, value.denominator)
    ):
        return f"可推算小样本，{verb}"
    return f"少于{definition.min_group}人，{verb}"


def viewer_school(viewer: Any) -> int | None:
    """The school whose small groups ``viewer`` may see: a principal's or clerk's own school; None for
    everybody else (district roles, department users, the public, a command-line export)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer.school_id if viewer.role in SCHOOL_ROLES else None


def is_suppressed(definition: Definition, value: Any, viewer: Any) -> bool:
    """Whether ``value`` (an :class:`~tisheng.indicators.models.IndicatorValue`, or anything with
    ``denominator``, ``rows``, ``complementary`` and ``school_id``) must be withheld from ``viewer``.

    The one rule of small-group suppression (《学生体质健康》 privacy, issue 5): a value of an indicator
    with ``min_group`` that rests on fewer students (:meth:`Definition.small_group`: the rows counted, and
    for a ratio or mean the denominator), or that was withheld when stored so that such a value cannot be
    worked out by subtraction (``complementary``, :mod:`tisheng.indicators.engine.disclosure`), is shown
    only to the users of the value's own school; everybody else — another school, the district roles,
    department users, the public, the command-line exports — sees :func:`suppression_text` instead of the
    value, its numerator and whether it meets the threshold. Town and district values have no school, so
    a withheld town or district value is withheld from everybody.
    """
    withheld = value.complementary or definition.small_group(value.rows, value.denominator)
    if not withheld:
        return False
    own = viewer_school(viewer)
    return own is None or value.school_id != own


def suppressed_q(viewer: Any) -> Q:
    """:func:`is_suppressed` as a condition on :class:`~tisheng.indicators.models.IndicatorValue` rows:
    the values withheld from ``viewer``. Filters (达标/未达标) and sort orders use it, so that neither the
    rows a filter keeps nor their order reveal a withheld value. A test keeps the two in step."""
    groups: dict[tuple[int, bool], list[str]] = {}
    for definition in catalogue().values():
        if definition.min_group:
            groups.setdefault((definition.min_group, definition.kind == "count"), []).append(definition.id)
    condition = Q(complementary=True)
    for (minimum, count), ids in groups.items():
        small = Q(rows__lt=minimum) if count else Q(rows__lt=minimum) | Q(denominator__lt=minimum)
        condition |= Q(indicator__in=ids) & small
    own = viewer_school(viewer)
    return condition & ~Q(school_id=own) if own is not None else condition


def threshold_text(definition: Definition, stage: str, overrides: Mapping[str, Any] | None = None) -> str:
    comparison = definition.threshold(stage, overrides)
    if comparison is None:
        return ""
    overridden = bool(overrides and definition.id in overrides)
    unit = "%" if definition.unit_zh == "%" else ""
    return comparison.symbol + unit + ("（省级覆盖）" if overridden else "")


def formula_text(definition: Definition) -> str:
    """The formula in Chinese, from the measures' labels."""

    def names(items: Iterable[str]) -> str:
        parts = []
        for item in items:
            multiply = item.startswith("*")
            label = measures.MEASURES[item.lstrip("*")].label
            parts.append(("× " if multiply else "") + label)
        joined = " + ".join(p for p in parts if not p.startswith("×"))
        products = " ".join(p for p in parts if p.startswith("×"))
        return f"({joined}) {products}".strip() if products else joined

    if definition.kind == "count":
        return "Σ " + names(definition.numerator)
    if definition.kind == "ratio":
        factor = f" × {definition.factor}" if definition.factor != 1 else ""
        return f"{names(definition.numerator)} ÷ {names(definition.denominator)}{factor}"
    if definition.kind == "school_share":
        test = "，且 ".join(c.describe(measures.MEASURES[c.measure].label) for c in definition.conditions)
        among = "，且 ".join(c.describe(measures.MEASURES[c.measure].label) for c in definition.among)
        base = f"（{among}）的学校数" if among else "学校数"
        return f"满足（{test}）的学校数 ÷ {base} × {definition.factor}"
    if definition.kind == "difference":
        unit = "（百分点）" if catalogue()[definition.of].unit_zh == "%" else ""
        return f"“{catalogue()[definition.of].name_zh}” − “{catalogue()[definition.minus].name_zh}”{unit}"
    if definition.kind == "cv":
        return f"学生数加权差异系数 CV = S ÷ X̄（X 为“{catalogue()[definition.of].name_zh}”的学校值）"
    if definition.kind == "yzjh_school":
        return (
            "资源配置达标的学校学段数 ÷ 学校学段数 × 100（每个学段：7项中至少6项达标且余项不低于标准的85%）"
        )
    return "未达标的差异系数项数 + 资源配置未达标的学校学段数"


def verification_text(definition: Definition) -> str:
    if not definition.standards_cited:
        return "方案自定目标（非国家标准）"
    parts = []
    for entry in definition.standards_cited:
        label = VERIFICATION_LABELS.get(entry.verification, entry.verification)
        flag = "" if entry.is_verified else "（未核实）"
        parts.append(f"{entry.id}：{label}{flag}")
    return "；".join(parts)


def documentation(definition: Definition) -> str:
    """The Markdown page of one indicator (docs/indicators/<id>.md)."""
    lines = [
        f"# {definition.name_zh}",
        "",
        f"`{definition.id}` · 第 {definition.version} 版 · {definition.name_en}",
        "",
    ]
    if not definition.is_verified:
        lines += ["> **未核实**：本指标的口径或阈值所依据的来源未能核实，正式上报前请以官方文件为准。", ""]
    stages = "、".join(STAGE_LABELS[s] for s in definition.stage_keys) if definition.stages else "不分学段"
    rows = [
        ("分组", definition.group),
        ("类型", KIND_LABELS[definition.kind]),
        ("计算公式", formula_text(definition)),
        ("单位", definition.unit_zh or "—"),
        ("计算层级", "、".join(LEVEL_LABELS[level] for level in definition.levels)),
        ("学段", stages),
        ("过滤条件", definition.filters.describe() or "—"),
        ("分子另加条件", definition.numerator_filters.describe() or "—"),
        ("分列", "、".join(DIMENSION_LABELS.get(x, x) for x in definition.dimensions) or "—"),
        *(
            [
                (
                    "小样本保护",
                    f"少于 {definition.min_group} 名学生的数值只在本校显示；"
                    "能与合计、其他数值相减推算出这些数值的数值（次级隐藏）同样只在本校显示",
                )
            ]
            if definition.min_group
            else []
        ),
        ("阈值", _thresholds(definition)),
        ("方向", "越高越好" if definition.higher_is_better else "越低越好"),
        (
            "服务的方案条款",
            f"第 {definition.plan_task} 项任务：{definition.plan_text}" if definition.plan_task else "—",
        ),
        ("核实情况", verification_text(definition)),
    ]
    lines += ["| 项目 | 内容 |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows] + [""]
    lines += ["## 本平台的口径", "", definition.kou_jing or "—", ""]
    if definition.note:
        lines += [definition.note, ""]
    for entry in definition.standards_cited:
        lines += [f"## 官方依据：{entry.name_zh or entry.id}", ""]
        if entry.document:
            number = f"（{entry.document.number}）" if entry.document.number else ""
            lines.append(
                f"- 文件：{entry.document.title_zh}{number}{'，' + entry.article if entry.article else ''}"
            )
        formula = entry.raw.get("formula")
        if isinstance(formula, Mapping):
            for key, value in formula.items():
                lines.append(f"- {key}：{value}")
        if entry.thresholds:
            lines.append("- 阈值：" + "；".join(f"{k} {v}" for k, v in entry.thresholds.items()))
        lines.append(f"- 核实：{VERIFICATION_LABELS.get(entry.verification, entry.verification)}")
        if entry.why_unverified:
            lines.append(f"- 未核实原因：{entry.why_unverified}")
        for part in entry.unverified_parts:
            lines.append(f"- 未核实部分：{' '.join(part.split())}")
        for source in entry.evidence:
            lines.append(f"- 来源 {source.id}：{' '.join(source.text.split())}")
        lines.append("")
    lines += [
        "## 计算与溯源",
        "",
        "由 `tisheng compute` 从学年快照（统计时点 9月1日 的冻结数据，Parquet）计算；每个结果记录指标版本、学年、快照编号、"
        "导入批次、程序版本、计入的行数和计算时间，可用 `tisheng compute --verify` 复算核对。",
        "",
        "*本页由 `tisheng catalogue --docs docs/indicators` 根据指标定义生成，请勿手工修改。*",
        "",
    ]
    return "\n".join(lines)


def _thresholds(definition: Definition) -> str:
    if not definition.thresholds:
        return "—"
    parts = []
    for stage, threshold in definition.thresholds.items():
        label = f"{STAGE_LABELS[stage]} " if stage else ""
        source = threshold.standard.id if threshold.standard else "方案"
        note = f"（{threshold.note}）" if threshold.note else ""
        parts.append(f"{label}{threshold.comparison.symbol}〔{source}〕{note}")
    return "；".join(parts)


def index_page(definitions: Iterable[Definition]) -> str:
    lines = [
        "# 指标目录",
        "",
        "每个指标一页，由指标定义（`src/tisheng/indicators/catalogue/definitions.yaml`）生成。"
        "标有“未核实”的指标，其口径或阈值的来源尚未核实。",
        "",
        "| 编号 | 名称 | 分组 | 核实 |",
        "|---|---|---|---|",
    ]
    for d in definitions:
        lines.append(
            f"| [`{d.id}`]({d.id}.md) | {d.name_zh} | {d.group} | {'已核实' if d.is_verified else '**未核实**'} |"
        )
    return "\n".join([*lines, ""])


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


#: 年级编号 → Chinese grade names, and the sexes, for breakdown keys such as "grade=11,sex=M"
GRADE_LABELS = {
    **{10 + i: f"{n}年级" for i, n in enumerate("一二三四五六", 1)},
    21: "初一", 22: "初二", 23: "初三", 31: "高一", 32: "高二", 33: "高三",
}  # fmt: skip
SEX_LABELS = {"M": "男", "F": "女"}


def breakdown_label(breakdown: str) -> str:
    """``"national"`` → 国家级; ``"grade=11,sex=M"`` → 一年级·男; ``"sex=F"`` → 女; unknown parts as they are."""
    if "=" not in breakdown:
        return BREAKDOWN_LABELS.get(breakdown, breakdown)
    labels = []
    for part in breakdown.split(","):
        dimension, _, value = part.partition("=")
        if dimension == "grade" and value.isdigit():
            labels.append(GRADE_LABELS.get(int(value), value))
        elif dimension == "sex":
            labels.append(SEX_LABELS.get(value, value))
        else:
            labels.append(value)
    return "·".join(labels)
