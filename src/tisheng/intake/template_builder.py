"""Excel templates (填报模板) built from a data set's declaration, so the template and the pipeline that
reads it back can never disagree.

A template has three sheets:

- the data sheet (``dataset.sheet``, first, so the pipeline finds it): the Chinese headers in row 1 and
  nothing else, except the school's 学校标识码 in A2 when the template is for one school. Examples are
  never put on the data sheet: an example row left in place would be imported as data.
- ``填写说明``: the data set's description, the 统计时点, one line per column (header, required or not,
  how to fill it, the column's help) and an example table.
- ``选项`` (hidden): the lists behind the dropdowns, one column per coded column. Excel's inline list is
  limited to 255 characters, so every dropdown refers to a range there.

Dropdowns only warn on a value outside the list: the pipeline also accepts aliases (初一 for 七年级).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tisheng.core.models import AcademicYear, School
from tisheng.intake.cells import IdNumber, Text
from tisheng.intake.datasets.base import Column, Dataset
from tisheng.web.export import display_width

INSTRUCTIONS_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
#: Rows of the data sheet that carry the dropdowns and the text format (a school's largest list).
TEMPLATE_ROWS = 10000
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def build_template(
    dataset_cls: type[Dataset], school: School | None = None, *, year: AcademicYear | None = None
) -> bytes:
    """The .xlsx template of ``dataset_cls``; with ``school``, its 学校标识码 is filled in."""
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = dataset_cls.sheet
    instructions = book.create_sheet(INSTRUCTIONS_SHEET)
    options = book.create_sheet(OPTIONS_SHEET)

    write_data_sheet(data, dataset_cls, school)
    add_dropdowns(data, options, dataset_cls, school)
    write_instructions(instructions, dataset_cls, school, year)
    options.sheet_state = "hidden"
    book.active = 0

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def prefilled_school(dataset_cls: type[Dataset], school: School | None) -> School | None:
    if school is None or not dataset_cls.per_school:
        return None
    return school if any(c.key == "school_code" for c in dataset_cls.columns) else None


def write_data_sheet(ws: Worksheet, dataset_cls: type[Dataset], school: School | None) -> None:
    for index, column in enumerate(dataset_cls.columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        note = f"{'必填' if column.required else '选填'}：{column.cell.describe()}"
        if column.help:
            note += f"\n{column.help}"
        cell.comment = Comment(note, "提升")
        letter = get_column_letter(index)
        width = max(display_width(column.header), display_width(column.example), 8) + 4
        ws.column_dimensions[letter].width = min(width, 40)
        if is_text(column):
            # Keep codes and ID numbers as typed: no scientific notation, no lost leading zeros.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    own = prefilled_school(dataset_cls, school)
    if own is not None:
        index = [c.key for c in dataset_cls.columns].index("school_code") + 1
        cell = ws.cell(row=2, column=index, value=own.code)
        cell.number_format = "@"


def is_text(column: Column) -> bool:
    return isinstance(column.cell, (Text, IdNumber))


def add_dropdowns(
    data: Worksheet, options: Worksheet, dataset_cls: type[Dataset], school: School | None
) -> None:
    """A list validation on every coded column, referring to its list on the hidden options sheet."""
    option_column = 0
    own = prefilled_school(dataset_cls, school)
    for index, column in enumerate(dataset_cls.columns, start=1):
        values = column.cell.choices_for_template()
        if column.key == "school_code" and own is not None:
            values = [own.code]
        if not values:
            continue
        option_column += 1
        option_letter = get_column_letter(option_column)
        options.cell(row=1, column=option_column, value=column.header).font = BOLD
        for row, value in enumerate(values, start=2):
            options.cell(row=row, column=option_column, value=value)
        source = f"{quote_sheetname(OPTIONS_SHEET)}!${option_letter}$2:${option_letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the in-cell arrow
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="不在下拉列表中",
            error=f"“{column.header}”请从下拉列表中选择。",
            showInputMessage=True,
            promptTitle=column.header,
            prompt=column.cell.describe()[:250],
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        data.add_data_validation(validation)


def census_note(dataset_cls: type[Dataset], year: AcademicYear | None) -> str:
    if not dataset_cls.per_year:
        return "本数据集不分学年，填写当前的情况。"
    if year is not None:
        return (
            f"统计时点：{year.census_date.year} 年 {year.census_date.month} 月 {year.census_date.day} 日"
            f"（{year}）。所有数据按统计时点的情况填写。"
        )
    return "统计时点：每学年的 9 月 1 日。所有数据按统计时点的情况填写。"


def example_values(dataset_cls: type[Dataset], school: School | None) -> list[list[Any]]:
    own = prefilled_school(dataset_cls, school)
    rows = [dict(r) for r in dataset_cls.example_rows] or [{c.key: c.example for c in dataset_cls.columns}]
    out = []
    for row in rows:
        if own is not None:
            row["school_code"] = own.code
        out.append([row.get(c.key, "") for c in dataset_cls.columns])
    return out


def write_instructions(
    ws: Worksheet, dataset_cls: type[Dataset], school: School | None, year: AcademicYear | None
) -> None:
    ws.cell(row=1, column=1, value=f"{dataset_cls.title} 填写说明").font = TITLE
    lines = [
        str(dataset_cls.description) if dataset_cls.description else "",
        census_note(dataset_cls, year),
        f"请在“{dataset_cls.sheet}”工作表中，从第 2 行起每行填写一条记录；不要修改、增加或合并表头。",
        "表头为橙色的列必填，灰色的列选填。带下拉箭头的列请从列表中选择。",
        "每次上传的是完整名单：同一学校、同一学年中文件里没有的记录将被删除，请一次填写全部数据。"
        if dataset_cls.per_school
        else "每次上传的是完整名单：文件里没有的记录将被删除，请一次填写全部数据。",
    ]
    own = prefilled_school(dataset_cls, school)
    if own is not None:
        lines.append(f"已在第 2 行填好本校的学校标识码 {own.code}（{own.name}），请向下复制到每一行。")
    row = 2
    for line in lines:
        if line:
            ws.cell(row=row, column=1, value=line)
            row += 1
    row += 1
    heads = ["列", "表头", "必填", "填写方法", "说明"]
    for index, head in enumerate(heads, start=1):
        cell = ws.cell(row=row, column=index, value=head)
        cell.font, cell.fill = BOLD, HEAD_FILL
    for index, column in enumerate(dataset_cls.columns, start=1):
        row += 1
        how = column.cell.describe()
        choices = column.cell.choices_for_template()
        if choices:
            how += "：" + "、".join(choices)
        values = [
            get_column_letter(index),
            column.header,
            "是" if column.required else "否",
            how,
            column.help,
        ]
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value).alignment = WRAP
    row += 2
    ws.cell(row=row, column=1, value="示例（仅供参考，不要复制到数据表中）").font = BOLD
    row += 1
    for index, column in enumerate(dataset_cls.columns, start=1):
        cell = ws.cell(row=row, column=index, value=column.header)
        cell.font, cell.fill = BOLD, HEAD_FILL
    for example in example_values(dataset_cls, school):
        row += 1
        for index, value in enumerate(example, start=1):
            cell = ws.cell(row=row, column=index, value=value)
            cell.font = Font(italic=True, color="808080")
    widths = {"A": 10, "B": 18, "C": 8, "D": 50, "E": 50}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
