"""The 义务教育优质均衡 self-assessment tables (优质均衡自评表) of one 学年 as an .xlsx workbook.

What a county fills in before the 优质均衡 assessment, from the stored values
(:mod:`tisheng.reports.figures`):

* 资源配置 — each school section (学校学段: a 九年一贯制 school has a 小学 and an 初中 row) with the 7
  resource indicators, each value beside its standard and a 达标 mark, the count met, how far the weakest
  unmet one reaches its standard, and the verdict (7 项中至少 6 项达标且余项不低于标准的 85%);
* 差异系数 — the 14 校际差异系数 (小学 ≤ 0.50, 初中 ≤ 0.45) with their verdicts and the district's;
* 说明 — the year, 统计时点, the computation, when the workbook was made, each indicator's 口径 and the
  standards not yet verified.

Figures are numbers (rounded as published) with number formats, so that the tables can be summed and
sorted; a withheld value is its suppression text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tisheng.indicators.catalogue import STAGE_LABELS, Definition, catalogue
from tisheng.indicators.present import verification_text

from .figures import (
    CV_IDS,
    DISTRICT_VERDICT,
    FLOOR_SHARE,
    RESOURCE_IDS,
    YZJH_STAGES,
    Section,
    Shown,
    cv_rows,
    district_values,
    report_year,
    sections,
    the_district,
)

SHEETS = ("资源配置", "差异系数", "说明")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FAIL_FONT = Font(color="C00000")
MET, UNMET = "✓", "✗"


def selfassess_title(start_year: int) -> str:
    return f"义务教育优质均衡发展资源配置自评表（{start_year}学年）"


def _number_format(definition: Definition) -> str:
    return "#,##0" if definition.decimals == 0 else "#,##0." + "0" * definition.decimals


def _put(sheet: Worksheet, row: int, column: int, shown: Shown, definition: Definition) -> None:
    cell = sheet.cell(row, column)
    if shown.value is None:
        cell.value = shown.text
        return
    cell.value = float(shown.value) if definition.decimals else int(shown.value)
    cell.number_format = _number_format(definition)


def _header(sheet: Worksheet, titles: Sequence[str], widths: Sequence[float]) -> None:
    sheet.append(list(titles))
    for column, width in enumerate(widths, start=1):
        cell = sheet.cell(1, column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = 60
    sheet.freeze_panes = "A2"


def verdict_text(section: Section) -> str:
    return {True: "达标", False: "未达标"}.get(section.passed, "无数据")  # type: ignore[arg-type]


def build_selfassessment(start_year: int, *, now: dt.datetime | None = None) -> bytes:
    """The self-assessment workbook of the 学年 starting in ``start_year`` (bytes of an .xlsx);
    :class:`~tisheng.reports.figures.ReportError` when the year is unknown or not computed."""
    year, run = report_year(start_year)
    made = timezone.localtime(now or timezone.now())
    definitions = catalogue()
    found = sections(year, run.overrides)
    book = Workbook()

    sheet = book.active
    sheet.title = SHEETS[0]
    titles = ["学校代码", "学校名称", "学段"]
    widths: list[float] = [13, 26, 6]
    for n, ident in enumerate(RESOURCE_IDS, start=1):
        definition = definitions[ident]
        standards = "／".join(
            f"{STAGE_LABELS[s]}{t.symbol.replace(' ', '')}"
            for s in YZJH_STAGES
            if (t := definition.threshold(s, run.overrides)) is not None
        )
        titles += [
            f"L{n} {definition.name_zh}（{definition.unit_zh}）",
            f"L{n}标准（{standards}）",
            f"L{n}达标",
        ]
        widths += [14, 10, 6]
    titles += ["达标项数", "未达标项最低达到标准的比例", "判定"]
    widths += [8, 12, 8]
    _header(sheet, titles, widths)
    for row, section in enumerate(found, start=2):
        sheet.cell(row, 1, section.school.code)
        sheet.cell(row, 2, section.school.name)
        sheet.cell(row, 3, STAGE_LABELS[section.stage])
        column = 4
        for resource in section.resources:
            _put(sheet, row, column, resource.shown, resource.definition)
            bound = resource.threshold.bound if resource.threshold else None
            if bound is not None:
                sheet.cell(row, column + 1, float(bound)).number_format = _number_format(resource.definition)
            mark = {True: MET, False: UNMET}.get(resource.shown.met, "—")  # type: ignore[arg-type]
            cell = sheet.cell(row, column + 2, mark)
            if resource.shown.met is False:
                cell.font = FAIL_FONT
            column += 3
        sheet.cell(row, column, section.met_count)
        lowest = section.lowest_share
        if lowest is not None:
            sheet.cell(row, column + 1, float(lowest)).number_format = "0.0%"
        verdict = sheet.cell(row, column + 2, verdict_text(section))
        if section.passed is False:
            verdict.font = FAIL_FONT
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{max(len(found) + 1, 2)}"

    sheet = book.create_sheet(SHEETS[1])
    _header(sheet, ["学段", "指标", "差异系数", "限值", "判定"], [8, 44, 10, 8, 8])
    values = district_values(the_district(), start_year)
    row = 2
    for item in cv_rows(values, start_year, run.overrides):
        sheet.cell(row, 1, STAGE_LABELS[item.stage])
        sheet.cell(row, 2, item.definition.name_zh.removeprefix("差异系数·"))
        _put(sheet, row, 3, item.shown, item.definition)
        if item.threshold is not None:
            sheet.cell(row, 4, float(item.threshold.bound)).number_format = "0.00"
        verdict = {True: "达标", False: "未达标"}.get(item.shown.met, "无数据")  # type: ignore[arg-type]
        cell = sheet.cell(row, 5, verdict)
        if item.shown.met is False:
            cell.font = FAIL_FONT
        row += 1
    stored = values.get((DISTRICT_VERDICT, "", start_year, ""))
    failing = sum(1 for s in found if s.passed is not True)
    row += 1
    sheet.cell(row, 1, "区县判定")
    sheet.cell(
        row,
        2,
        "未达标判定项数（超出限值或无法计算的差异系数 + 资源配置未达标的学校学段）",
    )
    if stored is not None and stored.value is not None:
        sheet.cell(row, 3, int(stored.value))
        sheet.cell(row, 4, 0)
        sheet.cell(row, 5, "达标" if stored.value == 0 else "未达标")
    sheet.cell(row + 1, 1, "说明")
    sheet.cell(row + 1, 2, f"资源配置未达标（或无数据）的学校学段{failing}个，见“{SHEETS[0]}”表")

    sheet = book.create_sheet(SHEETS[2])
    _header(sheet, ["项目", "内容"], [22, 110])
    census = year.census_date
    finished = timezone.localtime(run.finished_at) if run.finished_at else None
    notes: list[tuple[str, str]] = [
        ("表名", selfassess_title(start_year)),
        ("学年", f"{start_year}学年（{start_year}年9月—{start_year + 1}年8月）"),
        ("统计时点", f"{census.year}年{census.month}月{census.day}日"),
        ("计算编号", f"{run.pk}（快照 {run.snapshot_id or '—'}，程序版本 {run.code_version}）"),
        ("计算完成时间", f"{finished:%Y-%m-%d %H:%M}" if finished else "—"),
        ("生成时间", f"{made:%Y-%m-%d %H:%M}"),
        (
            "学校判定规则",
            f"每所学校的每个学段单独判定：7项资源配置指标中至少6项达到该学段标准，"
            f"且未达标的指标不低于标准值的{int(FLOOR_SHARE * 100)}%",
        ),
    ]
    for ident in (*RESOURCE_IDS, CV_IDS[0], DISTRICT_VERDICT):
        definition = definitions[ident]
        notes.append((f"口径：{definition.name_zh}", definition.kou_jing))
    unverified = [
        definitions[i] for i in (*RESOURCE_IDS, *CV_IDS, DISTRICT_VERDICT) if not definitions[i].is_verified
    ]
    for definition in unverified:
        notes.append((f"未核实：{definition.name_zh}", verification_text(definition)))
    if not unverified:
        notes.append(("核实情况", "本表各指标的口径和阈值均有已核实的依据"))
    for index, (key, text) in enumerate(notes, start=2):
        sheet.cell(index, 1, key).font = Font(bold=True)
        sheet.cell(index, 2, text).alignment = Alignment(wrap_text=True, vertical="top")

    book.properties.title = selfassess_title(start_year)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
