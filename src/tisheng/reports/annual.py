"""The annual monitoring report (年度监测报告) of one 学年 as a .docx in the style of a government document.

Every sentence is written from the figures (:mod:`tisheng.reports.figures`: the current indicator values,
the census counts of 基本情况, the open warnings), never a canned claim: a sentence that says a target is
met is written only when the stored value meets it. Sections:

* 一、基本情况 — schools, classes, students and full-time teachers by stage, with the change on last year;
* 二、主要指标完成情况 — the plan's goal indicators against their 2025 targets (达标/未达标), a sentence
  each (“学前三年毛入园率为98.6%，比上年提高0.4个百分点，距2025年目标100%尚差1.4个百分点”), and the
  trend over the years as a line chart;
* 三、义务教育优质均衡 — the school sections meeting the 7 resource indicators, the 差异系数 against their
  limits (小学 ≤ 0.50, 初中 ≤ 0.45) with a bar chart, the district verdict;
* 四、学生体质健康与视力 — the district rates by stage;
* 五、问题与建议 — one item per unmet goal, 差异系数 over its limit, stage with failing sections, and the
  open warnings (:class:`tisheng.supervision.models.Warning`), each with what the figures suggest;
* 附录 — every catalogue indicator: name, value, unit, 口径 and the clause it serves, the ones resting on an
  unverified standard marked ※.

Values withheld as small groups are shown as their suppression text, never their number.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation

from tisheng.core.models import AcademicYear, District
from tisheng.indicators.catalogue import STAGE_LABELS, Definition, catalogue
from tisheng.indicators.models import IndicatorRun, IndicatorValue
from tisheng.plan import choices as pc
from tisheng.plan.models import Commitment, Plan
from tisheng.supervision import choices as sc
from tisheng.supervision.models import Warning

from . import docx as d
from . import images
from .figures import (
    DISTRICT_VERDICT,
    MISSING,
    RESOURCE_IDS,
    YZJH_STAGES,
    CvRow,
    Section,
    Shown,
    computed_years,
    cv_rows,
    district_values,
    report_year,
    school_count,
    sections,
    shown,
    stage_counts,
    the_district,
)

HEADINGS = (
    "一、基本情况",
    "二、主要指标完成情况",
    "三、义务教育优质均衡",
    "四、学生体质健康与视力",
    "五、问题与建议",
    "附录 监测指标一览",
)
HEALTH_IDS = (
    "health.fitness_excellent_good_rate",
    "health.fitness_pass_rate",
    "health.fitness_excellent_rate",
    "health.overweight_rate",
    "health.obesity_rate",
    "health.myopia_rate",
    "health.poor_vision_rate",
)
#: the health rates the narrative of 四、 speaks of (the others are in its table)
HEALTH_NARRATIVE = (
    "health.fitness_excellent_good_rate",
    "health.fitness_pass_rate",
    "health.myopia_rate",
    "health.poor_vision_rate",
)
HEALTH_STAGES = ("primary", "junior", "senior", "")
UNVERIFIED_MARK = "※"
#: the least number of students a shown value may rest on (the catalogue's min_group)
SMALL_GROUP = max((x.min_group for x in catalogue().values()), default=0)
Values = Mapping[tuple[str, str, int, str], IndicatorValue]


def annual_title(district: District, year: int) -> str:
    return f"{district.city}{district.name}基础教育质量年度监测报告（{year}学年）"


def plain(value: Decimal) -> str:
    """A target as the plan writes it: 100, 95.5 (no trailing zeros, never in exponent form)."""
    text = format(value.normalize(), "f")
    return text


def _q(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def with_unit(definition: Definition, text: str) -> str:
    """A figure with its unit as a sentence writes it: 98.6%, 85人, 0.122 (差异系数 have none)."""
    return f"{text}{definition.unit_zh}"


def _diff_unit(definition: Definition) -> str:
    """The unit of a difference: 个百分点 for a rate, else the unit without its 未达标 (项未达标 → 项)."""
    return "个百分点" if definition.unit_zh == "%" else definition.unit_zh.removesuffix("未达标")


def change_text(definition: Definition, current: Shown, previous: Shown) -> str:
    """比上年提高0.4个百分点 / 减少3人 / 与上年持平, from the rounded figures (so the words match them)."""
    if current.value is None or previous.value is None:
        return ""
    diff = current.value - previous.value
    rate = definition.unit_zh == "%"
    if diff == 0:
        return "与上年持平"
    up, down = ("提高", "降低") if rate or not definition.unit_zh else ("增加", "减少")
    word = up if diff > 0 else down
    return f"比上年{word}{abs(diff):,.{definition.decimals}f}{_diff_unit(definition)}"


# --- 二、the plan's goal indicators --------------------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    """A goal commitment of the plan with an indicator, and where the year leaves it."""

    commitment: Commitment
    definition: Definition
    current: Shown
    previous: Shown
    history: tuple[tuple[int, Shown], ...]

    @property
    def name(self) -> str:
        stage = STAGE_LABELS[self.commitment.stage] if self.commitment.stage else ""
        return f"{stage}{self.definition.name_zh}"

    @property
    def target(self) -> Decimal | None:
        if self.commitment.kind == pc.CommitmentKind.COUNT:
            return Decimal(self.commitment.target_count) if self.commitment.target_count is not None else None
        return self.commitment.target_value

    @property
    def comparator(self) -> str:
        return ">=" if self.commitment.kind == pc.CommitmentKind.COUNT else self.commitment.comparator

    @property
    def met(self) -> bool | None:
        value = self.current.value
        if value is None:
            return None
        if self.comparator == pc.Comparator.FALLS_EVERY_YEAR:
            return None if self.previous.value is None else value < self.previous.value
        target = self.target
        if target is None:
            return None
        return {">=": value >= target, "<=": value <= target}.get(self.comparator, value == target)

    def target_text(self) -> str:
        if self.comparator == pc.Comparator.FALLS_EVERY_YEAR:
            return "逐年下降"
        symbol = {">=": "≥", "<=": "≤"}.get(self.comparator, "=")
        return f"{symbol}{with_unit(self.definition, plain(self.target))}" if self.target is not None else "—"


def goal_rows(plans: Sequence[Plan], values: Values, years: Sequence[int], year: int) -> list[GoalRow]:
    definitions = catalogue()
    commitments = (
        Commitment.objects.filter(plan__in=plans, goal__isnull=False)
        .filter(kind__in=(pc.CommitmentKind.INDICATOR, pc.CommitmentKind.COUNT))
        .exclude(indicator_id="")
        .order_by("plan__code", "goal__number", "position", "pk")
    )
    out = []
    for commitment in commitments:
        definition = definitions.get(commitment.indicator_id)
        if definition is None:
            continue

        def at(y: int, commitment: Commitment = commitment, definition: Definition = definition) -> Shown:
            return shown(definition, values.get((definition.id, commitment.stage, y, commitment.breakdown)))

        out.append(
            GoalRow(
                commitment, definition, at(year), at(year - 1), tuple((y, at(y)) for y in years if y <= year)
            )
        )
    return out


def goal_sentence(row: GoalRow, year: int) -> str:
    """“学前三年毛入园率为98.6%，比上年提高0.4个百分点，距2025年目标100%尚差1.4个百分点”."""
    definition, current = row.definition, row.current
    if current.withheld:
        return f"{row.name}{current.text}"
    if current.value is None:
        return f"{row.name}{year}学年没有数据"
    verdict = definition.unit_zh.endswith("未达标")  # 项未达标: a count of unmet criteria, 0 = all met
    parts = [
        f"{row.name}{'尚有' if verdict and current.value else '为'}{with_unit(definition, current.text)}"
    ]
    if change := change_text(definition, current, row.previous):
        parts.append(change)
    deadline = row.commitment.deadline_year or year
    if row.comparator == pc.Comparator.FALLS_EVERY_YEAR:
        if row.met is True:
            parts.append("符合“逐年下降”的要求")
        elif row.met is False:
            parts.append("未实现“逐年下降”")
        return "，".join(parts)
    target = row.target
    if target is None:
        return "，".join(parts)
    goal = f"{deadline}年目标{with_unit(definition, plain(target))}"
    if verdict and target == 0:
        goal = f"{deadline}年全部达标的目标"
    gap = _q(abs(target - current.value), definition.decimals)
    amount = f"{gap:,.{definition.decimals}f}{_diff_unit(definition)}"
    if row.met:
        parts.append(f"已达到{goal}")
    elif row.comparator == "<=" and not verdict:
        parts.append(f"高于{goal}，尚需降低{amount}")
    else:
        parts.append(f"距{goal}尚差{amount}")
    return "，".join(parts)


def met_text(met: bool | None) -> str:
    return {True: "达标", False: "未达标"}.get(met, "无数据")  # type: ignore[arg-type]


# --- the document ----------------------------------------------------------------------------------------


@dataclass
class Context:
    """What every section reads: the year, its run, the district's values of every year up to it."""

    year: AcademicYear
    run: IndicatorRun
    district: District
    values: Values
    years: list[int]
    overrides: Mapping[str, Any]
    today: dt.date
    tables: int = 0
    figures: int = 0

    def table_caption(self, text: str) -> str:
        self.tables += 1
        return f"表{self.tables} {text}"

    def figure_caption(self, text: str) -> str:
        self.figures += 1
        return f"图{self.figures} {text}"

    def value(self, indicator: str, stage: str = "", year: int | None = None) -> Shown:
        key = (indicator, stage, self.year.start_year if year is None else year, "")
        return shown(catalogue()[indicator], self.values.get(key))


def build_annual_report(start_year: int, *, today: dt.date | None = None) -> bytes:
    """The annual monitoring report of the 学年 starting in ``start_year``, as the bytes of a .docx;
    :class:`~tisheng.reports.figures.ReportError` when the year is unknown or not computed."""
    with translation.override("zh-hans"):
        return _build(start_year, today or timezone.localdate())


def _build(start_year: int, today: dt.date) -> bytes:
    year, run = report_year(start_year)
    district = the_district()
    years = [y.start_year for y in computed_years() if y.start_year <= start_year]
    plans = list(
        Plan.objects.filter(district=district, start_year__lte=start_year, end_year__gte=start_year).order_by(
            "code"
        )
    )
    breakdowns = Commitment.objects.filter(plan__in=plans, goal__isnull=False).values_list(
        "breakdown", flat=True
    )
    values = district_values(district, start_year, set(breakdowns))
    context = Context(year, run, district, values, years, run.overrides, today)
    title = annual_title(district, start_year)
    doc = d.new_document(title)
    d.paragraph(doc, title, font=d.TITLE_FONT, size=22, bold=True, centre=True)
    d.paragraph(
        doc,
        f"（统计时点：{year.census_date.year}年{year.census_date.month}月{year.census_date.day}日）",
        centre=True,
    )
    finished = timezone.localtime(run.finished_at) if run.finished_at else None
    d.paragraph(
        doc,
        f"本报告依据{start_year}学年统计时点冻结的数据快照计算的指标结果自动生成"
        + (f"（指标计算完成于{finished:%Y年%m月%d日 %H:%M}，" if finished else "（")
        + f"计算编号{run.pk}，共{run.value_count:,}个指标值），报告生成日期为{today.year}年{today.month}月{today.day}日。"
        f"按小样本保护规则，学生人数少于{SMALL_GROUP}人的数值不予显示。",
    )
    _basics(doc, context)
    goals = _goals(doc, context, plans)
    found_sections = sections(year, context.overrides)
    cvs = cv_rows(context.values, start_year, context.overrides)
    _yzjh(doc, context, found_sections, cvs)
    _health(doc, context)
    _problems(doc, context, goals, found_sections, cvs)
    _appendix(doc, context)
    return d.to_bytes(doc)


def _basics(doc: object, context: Context) -> None:
    d.heading(doc, HEADINGS[0])
    counts = stage_counts(context.year)
    previous_year = AcademicYear.objects.filter(start_year=context.year.start_year - 1).first()
    # last year's counts, where it has census data (a stage with no students was not collected)
    previous = {c.stage: c for c in stage_counts(previous_year) if c.students} if previous_year else {}
    comparable = bool(previous) and all(c.stage in previous for c in counts)
    total, by_type = school_count(context.year)
    students = sum(c.students for c in counts)
    teachers = sum(c.teachers for c in counts)
    types = "、".join(f"{name}{n}所" for name, n in by_type)
    sentence = f"{context.year.start_year}学年，全区有在校（园）学生的学校共{total}所"
    sentence += f"（{types}）" if types else ""
    sentence += f"，在校（园）学生{students:,}人，专任教师{teachers:,}人"
    if comparable:
        before = sum(c.students for c in previous.values())
        if before:
            diff = students - before
            sentence += (
                "，学生数与上年持平"
                if diff == 0
                else f"，学生数比上年{'增加' if diff > 0 else '减少'}{abs(diff):,}人"
            )
    sentence += "。各学段情况如下（九年一贯制学校等分学段计入各学段）："
    d.paragraph(doc, sentence)
    rows = []
    for c in counts:
        before = previous.get(c.stage)
        change = "—" if before is None else f"{c.students - before.students:+,}"
        rows.append(
            (c.label, str(c.sections), f"{c.classes:,}", f"{c.students:,}", change, f"{c.teachers:,}")
        )
    rows.append(
        (
            "合计",
            str(sum(c.sections for c in counts)),
            f"{sum(c.classes for c in counts):,}",
            f"{students:,}",
            f"{students - sum(c.students for c in previous.values()):+,}" if comparable else "—",
            f"{teachers:,}",
        )
    )
    d.caption(doc, context.table_caption(f"{context.year.start_year}学年各学段基本情况"))
    d.table(doc, ("学段", "学校（学段）数", "班级数", "在校生数", "比上年", "专任教师数"), rows)
    ratios = [
        f"{c.label}生师比为{Decimal(c.students) / Decimal(c.teachers):.1f}:1"
        for c in counts
        if c.teachers and c.students
    ]
    if ratios:
        d.paragraph(doc, "按在校生数与专任教师数计算，" + "，".join(ratios) + "。")


def _goals(doc: object, context: Context, plans: Sequence[Plan]) -> list[GoalRow]:
    d.heading(doc, HEADINGS[1])
    start = context.year.start_year
    rows = goal_rows(plans, context.values, context.years, start)
    if not plans:
        d.paragraph(doc, f"{start}学年没有在实施期内的行动方案，本部分从略。")
        return rows
    names = "、".join(f"《{plan.name}》" for plan in plans)
    met = sum(1 for r in rows if r.met is True)
    unmet = sum(1 for r in rows if r.met is False)
    unknown = len(rows) - met - unmet
    d.paragraph(
        doc,
        f"{names}的工作目标中有{len(rows)}项可用监测指标衡量。{start}学年，已达到目标的{met}项，"
        f"未达到的{unmet}项" + (f"，无数据的{unknown}项" if unknown else "") + "。",
    )
    for row in rows:
        d.paragraph(doc, goal_sentence(row, start) + "。")
    deadline = max((r.commitment.deadline_year or start for r in rows), default=start)
    d.caption(doc, context.table_caption(f"主要指标完成情况（对照{deadline}年目标）"))
    d.table(
        doc,
        ("指标", "目标", f"{start - 1}学年", f"{start}学年", "比上年", "达标情况"),
        [
            (
                r.name,
                r.target_text(),
                with_unit(r.definition, r.previous.text) if r.previous.value is not None else r.previous.text,
                with_unit(r.definition, r.current.text) if r.current.value is not None else r.current.text,
                change_text(r.definition, r.current, r.previous).removeprefix("比上年") or "—",
                met_text(r.met),
            )
            for r in rows
        ],
        widths=(4.4, 2.0, 2.2, 2.2, 3.0, 1.8),
    )
    rates = [r for r in rows if r.definition.unit_zh == "%"]
    counts = [r for r in rows if r.definition.unit_zh != "%" and r.definition.kind == "count"]
    for chosen, what, unit in ((rates, "主要比率指标", "%"), (counts, "主要数量指标", "")):
        if not chosen or len(context.years) < 1:
            continue
        lines = [
            images.Line(
                r.name,
                [float(s.value) if s.value is not None else None for _, s in r.history],
                float(r.target)
                if r.target is not None and r.comparator != pc.Comparator.FALLS_EVERY_YEAR
                else None,
            )
            for r in chosen
        ]
        png = images.trend_chart(
            f"{what}变化趋势（虚线为目标）", [y for y, _ in chosen[0].history], lines, unit
        )
        d.picture(doc, png, context.figure_caption(f"{what}{context.years[0]}—{start}学年变化趋势"))
    return rows


def _limit_text(row: CvRow) -> str:
    """≤0.50, ≤0.45: a 差异系数 limit with two decimals, as the standard writes it."""
    if row.threshold is None:
        return "—"
    symbol = row.threshold.symbol.split(" ", 1)[0]
    return f"{symbol}{float(row.threshold.bound):.2f}"


def _yzjh(doc: object, context: Context, found: Sequence[Section], cvs: Sequence[CvRow]) -> None:
    d.heading(doc, HEADINGS[2])
    start = context.year.start_year
    definitions = catalogue()
    if not found:
        d.paragraph(doc, f"{start}学年没有义务教育学校学段的资源配置指标值。")
    for stage in YZJH_STAGES:
        mine = [s for s in found if s.stage == stage]
        if not mine:
            continue
        passed = [s for s in mine if s.passed]
        failed = [s for s in mine if s.passed is False]
        label = STAGE_LABELS[stage]
        share = Decimal(len(passed) * 100) / Decimal(len(mine))
        sentence = (
            f"{start}学年全区参加资源配置评估的{label}学校学段{len(mine)}个，"
            f"7项指标至少6项达标且余项不低于标准85%的{len(passed)}个，达标率{_q(share, 1)}%"
        )
        if failed:
            names = "、".join(s.school.name for s in failed[:10])
            more = f"等{len(failed)}个" if len(failed) > 10 else ""
            sentence += f"；未达标的有{names}{more}"
        d.paragraph(doc, sentence + "。")
    if found:
        rows = []
        for ident in RESOURCE_IDS:
            definition = definitions[ident]
            row = [definition.name_zh]
            for stage in YZJH_STAGES:
                mine = [s for s in found if s.stage == stage]
                threshold = definition.threshold(stage, context.overrides)
                met = sum(1 for s in mine for r in s.resources if r.definition.id == ident and r.shown.met)
                row += [threshold.symbol.replace(" ", "") if threshold else "—", f"{met}/{len(mine)}"]
            rows.append(row)
        d.caption(doc, context.table_caption("资源配置7项指标达标情况（达标学段数/参评学段数）"))
        d.table(
            doc,
            ("指标", "小学标准", "小学达标", "初中标准", "初中达标"),
            rows,
            widths=(7.0, 2.2, 2.0, 2.2, 2.2),
        )
    within = {stage: [r for r in cvs if r.stage == stage and r.shown.met] for stage in YZJH_STAGES}
    for stage in YZJH_STAGES:
        mine = [r for r in cvs if r.stage == stage]
        computed = [r for r in mine if r.shown.value is not None]
        if not computed:
            d.paragraph(doc, f"{STAGE_LABELS[stage]}差异系数{start}学年未能计算。")
            continue
        over = [r for r in computed if r.shown.met is False]
        limit = _limit_text(mine[0])
        sentence = (
            f"{STAGE_LABELS[stage]}{len(computed)}项差异系数中，{len(within[stage])}项在{limit}的限值内"
        )
        if over:
            sentence += "，超出限值的有" + "、".join(
                f"{r.definition.name_zh.removeprefix('差异系数·')}（{r.shown.text}）" for r in over
            )
        else:
            sentence += "，均达到要求"
        d.paragraph(doc, sentence + "。")
    verdict = context.value(DISTRICT_VERDICT)
    if verdict.value is not None:
        cv_over = sum(1 for r in cvs if r.shown.met is not True)
        failing = sum(1 for s in found if s.passed is not True)
        if verdict.value == 0:
            d.paragraph(
                doc, "按优质均衡资源配置的区县判定口径，全区各项差异系数和各学校学段资源配置均已达标。"
            )
        else:
            d.paragraph(
                doc,
                f"按优质均衡资源配置的区县判定口径，{start}学年尚有{verdict.text}项未达标"
                f"（差异系数超出限值或无法计算的{cv_over}项，资源配置未达标的学校学段{failing}个）。",
            )
    d.caption(doc, context.table_caption("资源配置指标校际差异系数"))
    cv_table = []
    for index, ident in enumerate(r.definition.id for r in cvs if r.stage == YZJH_STAGES[0]):
        primary, junior = cvs[index], cvs[index + len(cvs) // 2]
        assert primary.definition.id == junior.definition.id == ident
        cv_table.append(
            (
                primary.definition.name_zh.removeprefix("差异系数·"),
                primary.shown.text,
                _limit_text(primary),
                met_text(primary.shown.met) if not primary.shown.withheld else "—",
                junior.shown.text,
                _limit_text(junior),
                met_text(junior.shown.met) if not junior.shown.withheld else "—",
            )
        )
    d.table(
        doc,
        ("指标", "小学", "限值", "判定", "初中", "限值", "判定"),
        cv_table,
        widths=(5.4, 1.7, 1.7, 1.7, 1.7, 1.7, 1.7),
    )
    groups = [
        images.BarGroup(
            f"L{index + 1}",
            [
                float(cvs[index + offset].shown.value)
                if cvs[index + offset].shown.value is not None
                else None
                for offset in (0, len(cvs) // 2)
            ],
        )
        for index in range(len(cvs) // 2)
    ]
    limits = [
        float(cvs[offset].threshold.bound) if cvs[offset].threshold else None for offset in (0, len(cvs) // 2)
    ]
    png = images.bar_chart("资源配置指标校际差异系数（虚线为限值）", groups, ["小学", "初中"], limits)
    legend = "；".join(
        f"L{n + 1} {cvs[n].definition.name_zh.removeprefix('差异系数·')}" for n in range(len(cvs) // 2)
    )
    d.picture(doc, png, context.figure_caption(f"差异系数与限值（{legend}）"))


def _health(doc: object, context: Context) -> None:
    d.heading(doc, HEADINGS[3])
    start = context.year.start_year
    definitions = catalogue()
    said = []
    for ident in HEALTH_NARRATIVE:
        definition = definitions[ident]
        current, previous = context.value(ident), context.value(ident, year=start - 1)
        if current.withheld:
            said.append(f"{definition.name_zh}{current.text}")
        elif current.value is not None:
            change = change_text(definition, current, previous)
            said.append(
                f"{definition.name_zh}为{with_unit(definition, current.text)}"
                + (f"，{change}" if change else "")
            )
    if said:
        d.paragraph(doc, f"{start}学年，全区" + "；".join(said) + "。")
    else:
        d.paragraph(doc, f"{start}学年没有学生体质健康与视力的监测数据。")
    stages = [s for s in HEALTH_STAGES]
    rows = []
    for ident in HEALTH_IDS:
        definition = definitions[ident]
        row = [definition.name_zh]
        for stage in stages:
            value = context.value(ident, stage)
            row.append(with_unit(definition, value.text) if value.value is not None else value.text)
        rows.append(row)
    d.caption(doc, context.table_caption(f"{start}学年学生体质健康与视力（按学段）"))
    d.table(doc, ("指标", "小学", "初中", "高中", "全部"), rows, widths=(4.8, 2.7, 2.7, 2.7, 2.7))
    lines = []
    for ident in ("health.fitness_excellent_good_rate", "health.myopia_rate", "health.poor_vision_rate"):
        history = [context.value(ident, year=y).value for y in context.years]
        if any(v is not None for v in history):
            lines.append(
                images.Line(
                    definitions[ident].name_zh, [float(v) if v is not None else None for v in history]
                )
            )
    if lines:
        png = images.trend_chart("学生体质健康优良率与视力变化", context.years, lines, "%")
        d.picture(
            doc,
            png,
            context.figure_caption(
                f"学生体质健康优良率、近视率和视力不良率{context.years[0]}—{start}学年变化"
            ),
        )


def _problems(
    doc: object, context: Context, goals: Sequence[GoalRow], found: Sequence[Section], cvs: Sequence[CvRow]
) -> None:
    d.heading(doc, HEADINGS[4])
    start = context.year.start_year
    items: list[str] = []
    for row in goals:
        if row.met is not False:
            continue
        text = f"{row.name}未达到目标。{goal_sentence(row, start)}。"
        deadline = row.commitment.deadline_year or start
        target = row.target
        if row.comparator == pc.Comparator.FALLS_EVERY_YEAR:
            text += (
                "建议分析上升的学段和学校，加强视力监测和干预。"
                if "myopia" in row.definition.id or "vision" in row.definition.id
                else "建议查明上升原因。"
            )
        elif target is not None and row.current.value is not None and deadline > start:
            per_year = _q(abs(target - row.current.value) / (deadline - start), row.definition.decimals)
            text += (
                f"距目标期限还有{deadline - start}年，每年需{'提高' if row.comparator != '<=' else '降低'}"
                f"约{per_year:,.{row.definition.decimals}f}{_diff_unit(row.definition)}，建议牵头单位制定逐年推进计划。"
            )
        else:
            text += f"目标期限{deadline}年已到，建议查明原因，明确整改责任和时限。"
        items.append(text)
    for row in cvs:
        if row.shown.met is not False:
            continue
        ident = row.definition.of
        mine = [
            (s.school.name, r.shown.value)
            for s in found
            if s.stage == row.stage
            for r in s.resources
            if r.definition.id == ident and r.shown.value is not None
        ]
        lowest = sorted(mine, key=lambda item: item[1])[:3]
        definition = catalogue()[ident]
        text = f"{STAGE_LABELS[row.stage]}“{definition.name_zh}”校际差异系数为{row.shown.text}，超出{_limit_text(row)}的限值。"
        if lowest:
            text += (
                "该指标最低的学校为"
                + "、".join(
                    f"{name}（{with_unit(definition, format(value, f',.{definition.decimals}f'))}）"
                    for name, value in lowest
                )
                + "，建议优先向这些学校调配资源，缩小校际差距。"
            )
        items.append(text)
    for stage in YZJH_STAGES:
        failed = [s for s in found if s.stage == stage and s.passed is False]
        if not failed:
            continue
        misses = Counter(r.definition.id for s in failed for r in s.missing)
        top, top_count = misses.most_common(1)[0] if misses else ("", 0)
        text = f"{STAGE_LABELS[stage]}有{len(failed)}个学校学段资源配置未达标"
        if top:
            text += f"，未达标最多的指标是“{catalogue()[top].name_zh}”（{top_count}个学段）"
        text += "。各校逐项缺口见优质均衡自评表，建议按缺口制定补足计划。"
        items.append(text)
    open_warnings = Warning.objects.exclude(status=sc.WarningStatus.RESOLVED).filter(
        Q(academic_year=context.year) | Q(academic_year__isnull=True)
    )
    kinds = Counter(open_warnings.values_list("kind", flat=True))
    if kinds:
        serious = open_warnings.filter(severity=sc.Severity.HIGH).count()
        labels = dict(sc.WarningKind.choices)
        parts = "、".join(f"{labels[k]}{n}条" for k, n in kinds.most_common())
        text = f"截至{context.today.year}年{context.today.month}月{context.today.day}日，{start}学年尚有{sum(kinds.values())}条预警未办结：{parts}"
        text += f"，其中严重{serious}条" if serious else ""
        text += "。建议责任学校和单位按期签收、处置并报告结果。"
        items.append(text)
    if not items:
        d.paragraph(doc, f"{start}学年主要指标均达到目标，差异系数均在限值内，没有未办结的预警。")
    numerals = "一二三四五六七八九十"
    for index, text in enumerate(items):
        label = numerals[index] if index < 10 else str(index + 1)
        d.paragraph(doc, f"（{label}）{text}")


def _standard_text(definition: Definition) -> str:
    parts = []
    if definition.plan_task:
        parts.append(f"方案第{definition.plan_task}项任务：{definition.plan_text}")
    entry = definition.standard
    if entry is not None and entry.document is not None:
        number = f"（{entry.document.number}）" if entry.document.number else ""
        article = f"{entry.article}" if entry.article else ""
        parts.append(f"《{entry.document.title_zh.strip('《》')}》{number}{article}")
    if not definition.is_verified:
        parts.append("依据未核实")
    return "；".join(parts) or "—"


def appendix_value(context: Context, definition: Definition) -> str:
    """The indicator's district value(s) of the year: the all-stages value, else each stage's."""
    keys = [""] if "" in definition.stage_keys else list(definition.stage_keys)
    parts = []
    for stage in keys:
        value = (
            context.value(definition.id, stage)
            if definition.levels and "district" in definition.levels
            else MISSING
        )
        label = f"{STAGE_LABELS[stage]} " if stage else ""
        parts.append(f"{label}{value.text}")
    return "；".join(parts)


def _appendix(doc: object, context: Context) -> None:
    doc.add_page_break()  # type: ignore[attr-defined]
    d.heading(doc, HEADINGS[5])
    definitions = list(catalogue().values())
    unverified = sum(1 for x in definitions if not x.is_verified)
    d.paragraph(
        doc,
        f"下表列出平台指标目录的全部{len(definitions)}项指标及其{context.year.start_year}学年的区县值和口径。"
        f"标{UNVERIFIED_MARK}的{unverified}项指标，其口径或阈值所依据的标准尚未核实，正式上报前请以官方文件为准。",
        size=12,
    )
    rows = []
    for definition in definitions:
        mark = UNVERIFIED_MARK if not definition.is_verified else ""
        rows.append(
            (
                f"{mark}{definition.name_zh}",
                appendix_value(context, definition),
                definition.unit_zh or "—",
                definition.kou_jing or "—",
                _standard_text(definition),
            )
        )
    d.table(doc, ("指标", "数值", "单位", "口径", "依据"), rows, widths=(3.0, 2.2, 1.6, 5.6, 3.2), size=9)
