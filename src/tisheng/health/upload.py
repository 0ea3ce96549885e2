"""The national fitness data-upload file (《国家学生体质健康标准》数据上报文件), read and scored.

Columns (the national layout; headers may carry a unit in brackets, e.g. ``身高(cm)``; others such as
姓名 or 民族代码 pass through untouched): 年级编号, 班级编号, 学籍号, 性别 (1 男, 2 女; 男/女 accepted),
出生日期, 身高, 体重, 肺活量, 50米跑, 坐位体前屈, 一分钟跳绳, 一分钟仰卧起坐, 50米×8往返跑, 立定跳远, 引体向上,
1000米跑, 800米跑, and if present 左眼裸眼视力, 右眼裸眼视力 and 免测 (是/否 or the reason).

Files are read with the project's reader (:mod:`tisheng.intake.reader`: xlsx, xls, csv). Every problem
is an intake :class:`~tisheng.intake.datasets.base.Issue` (:class:`Problem` adds the kind to its text)
naming file, sheet, row, column, the value and what to do, in Chinese:

* ``error`` (错误) — the file cannot be scored as it stands (a missing column, an unknown 年级编号 or 性别,
  a cell that is not a number or a time, a duplicated 学籍号). Nothing is scored or written.
* ``warning`` (提示) — the row is scored but the cell is not: an impossible value (0 for 50米跑, 1.85 for
  立定跳远), an ambiguous time (3.50 for 1000米跑), a result for an item the grade does not test.

Nothing is stored: :func:`score_upload` returns the input rows with the scores appended, and
:func:`write_result` writes them as .xlsx or .csv.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tisheng.health import scoring
from tisheng.health.readings import (
    ABSENT_WORDS,
    COLUMNS,
    EXEMPT_WORDS,
    KEY_COLUMNS,
    PLAIN_SECONDS,
    Column,
    ResultProblem,
    parse_exempt,
    parse_grade,
    parse_number,
    parse_sex,
    read_result,
)
from tisheng.health.scoring import (
    BONUS_ITEMS,
    MEASURED,
    STUDENT_STATUS_ZH,
    ItemStatus,
    StudentRecord,
    plausibility_problem,
    score_table,
    students_to_table,
)
from tisheng.health.tablefile import write_table
from tisheng.intake import reader
from tisheng.intake.cells import CellError, Date, is_blank, normalise_text
from tisheng.intake.datasets.base import Issue, Place
from tisheng.standards import VERIFICATION_LABELS
from tisheng.standards.fitness import (
    BMI_ITEM,
    GRADE_NAMES,
    ITEM_ORDER,
    SEX_NAMES,
    VERIFICATION_ORDER,
    fitness,
)

__all__ = ["Problem", "Upload", "UploadRow", "read_upload", "score_upload", "write_result"]


OUTPUT_COLUMNS: tuple[str, ...] = (
    "BMI",
    "BMI等级",
    *(f"{'BMI' if i == BMI_ITEM else fitness().items[i].name_zh}得分" for i in ITEM_ORDER),
    "标准分",
    "附加分",
    "学年总分",
    "等级",
    "备注",
)


def _header_key(text: Any) -> str:
    """'身高(cm)' → '身高'; '50米x8往返跑' → '50米×8往返跑'."""
    key = re.sub(r"\s+", "", normalise_text(text))
    key = re.sub(r"[（(][^）)]*[）)]$", "", key)
    return re.sub(r"(?<=\d)[xX*＊](?=\d)", "×", key)


_BY_HEADER: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        _BY_HEADER[_header_key(_name)] = _column


class Problem(Issue):
    """The intake pipeline's :class:`~tisheng.intake.datasets.base.Issue` (one error type for every file the
    platform reads), printed with its kind: the command lists errors and warnings together."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def row(self) -> int | None:
        return self.place.row

    @property
    def header(self) -> str:
        return self.place.header or ""

    def text(self) -> str:
        return f"[{'错误' if self.is_error else '提示'}] {super().text()}"


def make_problem(
    severity: str,
    file: str,
    message: str,
    hint: str = "",
    sheet: str = "",
    row: int | None = None,
    column: str = "",
    header: str = "",
    value: str = "",
) -> Problem:
    return Problem(severity, Place(file, sheet, row, column or None, header or None), message, hint, value)


@dataclass
class UploadRow:
    sheet: str
    row: int
    cells: dict[str, Any]  # output header → the value as read
    record: StudentRecord | None
    notes: list[str] = field(default_factory=list)  # short notes for the 备注 column
    formats: dict[str, str] = field(default_factory=dict)  # item → the time format read


@dataclass
class Upload:
    file: str
    header: list[str]
    rows: list[UploadRow]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


@dataclass
class _Sheet:
    sheet: reader.Sheet
    header_index: int
    columns: dict[str, int]  # key → index
    headers: list[str]  # header text by index


def _find_sheets(sheets: Sequence[reader.Sheet], file: str, problems: list[Problem]) -> list[_Sheet]:
    wanted = set(_BY_HEADER)
    found = []
    for sheet in sheets:
        index = None
        best = 0
        for i, row in enumerate(sheet.rows[: reader.HEADER_SEARCH_ROWS]):
            hits = len({_header_key(v) for v in row} & wanted)
            if hits > best:
                index, best = i, hits
        if index is None or best < 3:
            continue
        headers = [normalise_text(v) for v in sheet.rows[index]]
        columns: dict[str, int] = {}
        for i, text in enumerate(headers):
            column = _BY_HEADER.get(_header_key(text))
            if column is None:
                continue
            if column.key in columns:
                problems.append(
                    make_problem(
                        "error",
                        file,
                        f"列“{column.header}”出现了两次",
                        "请删除重复的列",
                        sheet.name,
                        sheet.first_row + index,
                        sheet.letter(i),
                        text,
                    )
                )
                continue
            columns[column.key] = i
        missing = [c.header for c in COLUMNS if c.key in KEY_COLUMNS and c.key not in columns]
        if missing:
            problems.append(
                make_problem(
                    "error",
                    file,
                    f"缺少列：{'、'.join(missing)}",
                    "请使用国家学生体质健康数据上报格式的表头（年级编号、班级编号、学籍号、性别 …）",
                    sheet.name,
                    sheet.first_row + index,
                )
            )
            continue
        found.append(_Sheet(sheet, index, columns, headers))
    if not found and not problems:
        problems.append(
            make_problem(
                "error",
                file,
                "找不到体测数据的表头（年级编号、学籍号、性别、身高、体重 …）",
                "请使用国家学生体质健康数据上报格式，表头放在前 10 行之内",
            )
        )
    return found


def read_upload(path: Path, display_name: str | None = None) -> Upload:
    """Read a file in the national layout. Raises :class:`tisheng.intake.reader.ReadError` when the file
    cannot be opened at all; everything else comes back as problems."""
    name = display_name or path.name
    sheets = reader.read(path, name)
    problems: list[Problem] = []
    data_sheets = _find_sheets(sheets, name, problems)
    header: list[str] = ["工作表"] if len(data_sheets) > 1 else []
    for s in data_sheets:
        header += [h for h in s.headers if h and h not in header]
    rows: list[UploadRow] = []
    seen: dict[str, tuple[str, int]] = {}
    std = fitness()
    for s in data_sheets:
        for row_number, cells in s.sheet.data_rows(s.header_index):
            rows.append(_read_row(s, row_number, cells, name, problems, seen))
    # a column some row needs but the file lacks
    for key in ("height", "weight", *MEASURED):
        needing = [
            r
            for r in rows
            if r.record is not None
            and (key in ("height", "weight") or key in std.weights[(r.record.grade, r.record.sex)])
        ]
        for s in data_sheets:
            if key in s.columns:
                continue
            first = next((r for r in needing if r.sheet == s.sheet.name), None)
            if first is not None:
                label = next(c.header for c in COLUMNS if c.key == key)
                problems.append(
                    make_problem(
                        "error",
                        name,
                        f"缺少列“{label}”，但第 {first.row} 行的学生需要测这一项",
                        f"请加上“{label}”列（未测的学生留空）",
                        s.sheet.name,
                    )
                )
    for r in rows:
        r.cells = {h: r.cells.get(h) for h in header}
    return Upload(name, header, rows, problems)


def _read_row(
    s: _Sheet,
    row_number: int,
    cells: list[Any],
    file: str,
    problems: list[Problem],
    seen: dict[str, tuple[str, int]],
) -> UploadRow:
    sheet = s.sheet
    values = {
        s.headers[i]: (cells[i] if i < len(cells) else None) for i in range(len(s.headers)) if s.headers[i]
    }
    if "工作表" not in values:
        values["工作表"] = sheet.name
    row = UploadRow(sheet.name, row_number, values, None)
    errors_before = sum(p.is_error for p in problems)

    def cell(key: str) -> Any:
        index = s.columns.get(key)
        return None if index is None or index >= len(cells) else cells[index]

    def report(key: str, severity: str, message: str, hint: str) -> None:
        index = s.columns[key]
        problems.append(
            make_problem(
                severity, file, message, hint, sheet.name, row_number, sheet.letter(index), s.headers[index],
                _shown(cells[index]) if index < len(cells) and cells[index] is not None else "",
            )
        )  # fmt: skip
        if severity == "warning":
            header = s.headers[index]
            row.notes.append(message if message.startswith(_header_key(header)) else f"{header}：{message}")

    grade: int | None = None
    sex: str | None = None
    if is_blank(cell("grade")):
        report("grade", "error", "年级编号不能为空", "请填写年级编号，例如 11（小学一年级）")
    else:
        try:
            grade = parse_grade(cell("grade"))
        except ResultProblem as exc:
            report("grade", exc.severity, exc.message, exc.hint)
    if is_blank(cell("sex")):
        report("sex", "error", "性别不能为空", "请填写 1（男）或 2（女）")
    else:
        try:
            sex = parse_sex(cell("sex"))
        except ResultProblem as exc:
            report("sex", exc.severity, exc.message, exc.hint)

    student_id = normalise_text(cell("student_id"))
    if not student_id:
        report("student_id", "error", "学籍号不能为空", "请填写学生的全国学籍号")
    elif student_id in seen:
        first_sheet, first_row = seen[student_id]
        report(
            "student_id",
            "error",
            f"学籍号与第 {first_row} 行（工作表“{first_sheet}”）重复",
            "请核对，一名学生只能有一行",
        )
    else:
        seen[student_id] = (sheet.name, row_number)

    if "birth" in s.columns and not is_blank(cell("birth")):
        try:
            Date.read(cell("birth"))
        except CellError as exc:
            report("birth", "warning", exc.message, exc.hint or "请按 2015-03-01 的格式填写")

    for key in ("vision_left", "vision_right"):
        if key in s.columns and not is_blank(cell(key)):
            try:
                vision = parse_number(cell(key), "视力", "（五分记录，例如 4.8）")
            except ResultProblem as exc:
                report(key, "warning", exc.message, exc.hint)
                continue
            if not Decimal("3.0") <= vision <= Decimal("5.3"):
                hint = "请按五分记录填写（3.0–5.3）" + (
                    "；看起来是小数记录" if vision <= Decimal("2.0") else ""
                )
                report(key, "warning", f"视力 {vision} 不在五分记录的范围内（3.0–5.3）", hint)

    exempt = False
    if "exempt" in s.columns and not is_blank(cell("exempt")):
        exempt = parse_exempt(cell("exempt"))

    applicable: set[str] = set()
    if grade is not None and sex is not None:
        applicable = set(fitness().weights[(grade, sex)]) | {"height", "weight"}
    measured: dict[str, Decimal | None] = {}
    flagged: set[str] = set()
    for key in ("height", "weight", *MEASURED):
        if key not in s.columns:
            continue
        value = cell(key)
        if is_blank(value):
            continue
        text = normalise_text(value)
        if text in EXEMPT_WORDS:
            exempt = True
            row.notes.append(f"{s.headers[s.columns[key]]}：注明免测，按免予执行《标准》处理")
            continue
        if text in ABSENT_WORDS:
            continue
        try:
            number = _measurement(key, value, row)
        except ResultProblem as exc:
            report(key, exc.severity, exc.message, exc.hint)
            if exc.severity == "warning":
                flagged.add(key)
            continue
        if grade is not None and sex is not None and key not in applicable:
            report(
                key, "warning",
                f"{GRADE_NAMES[grade]}{SEX_NAMES[sex]}生不测“{s.headers[s.columns[key]]}”，该成绩未使用",
                "请核对年级编号、性别是否填对；若无误，可删除该成绩",
            )  # fmt: skip
            continue
        problem = plausibility_problem(key, number)
        if problem is not None:
            report(key, "warning", problem[0], problem[1])
        measured[key] = number

    if grade is not None and sex is not None and sum(p.is_error for p in problems) == errors_before:
        row.record = StudentRecord(
            grade=grade, sex=sex, exempt=exempt, flagged=frozenset(flagged), **measured,  # type: ignore[arg-type]
        )  # fmt: skip
    return row


def _measurement(key: str, value: Any, row: UploadRow) -> Decimal:
    reading = read_result(key, value)
    if reading.format:
        row.formats[key] = reading.format
    if reading.note:
        row.notes.append(reading.note)
    return reading.value


# --- scoring and writing ----------------------------------------------------------------------------


@dataclass
class ScoredUpload:
    header: list[str]
    rows: list[list[Any]]
    counts: dict[str, int]


def score_upload(upload: Upload) -> ScoredUpload:
    """The input columns plus each item's score, 标准分, 附加分, 学年总分, 等级 and 备注 (flagged, missing,
    not tested and single-source or unverified cells). The upload must have no errors."""
    if upload.errors:
        raise ValueError("文件有错误，不能评分")
    std = fitness()
    records = [r.record for r in upload.rows]
    assert all(r is not None for r in records)
    results = score_table(students_to_table(records)).to_pylist()  # type: ignore[arg-type]
    header = [*upload.header, *OUTPUT_COLUMNS]
    out_rows = []
    counts: dict[str, int] = {}
    for row, record, result in zip(upload.rows, records, results, strict=True):
        assert record is not None
        notes = list(row.notes)
        values: list[Any] = [row.cells.get(h) for h in upload.header]
        bmi10 = result["bmi_x10"]
        values += [None if bmi10 is None else Decimal(bmi10) / 10, result["bmi_band"]]
        weak: dict[str, list[str]] = {}
        for item in ITEM_ORDER:
            values.append(result[f"{item}_score"])
            status = ItemStatus(result[f"{item}_status"])
            label = scoring.name_zh(item)
            if status == ItemStatus.MISSING:
                if item == BMI_ITEM:
                    detail = "BMI 等级表在该数值处没有界值"
                else:
                    table = std.table(item, record.sex, record.grade)
                    detail = f"{table.label} {'、'.join(map(str, table.missing_levels))} 分的数值缺失"
                notes.append(f"{label}：《标准》评分表缺少决定该成绩得分的数值（{detail}），未评分")
            elif status == ItemStatus.ABSENT:
                notes.append(f"{label}：未测")
            elif status == ItemStatus.FLAGGED and not any(n.startswith(label) for n in row.notes):
                notes.append(f"{label}：待核，未计分")
            rank = result[f"{item}_verification"]
            if (
                status == ItemStatus.SCORED
                and rank is not None
                and rank >= VERIFICATION_ORDER.index("single_source")
            ):
                level = VERIFICATION_ORDER[rank]
                weak.setdefault(VERIFICATION_LABELS.get(level, level), []).append(label)
        for level, labels in weak.items():
            notes.append(f"评分依据为{level}的标准数值：{'、'.join(labels)}")
        status = result["status"]
        if status == scoring.STATUS_EXEMPT:
            notes.insert(0, "免测")
        elif status == scoring.STATUS_INCOMPLETE:
            notes.append("项目不全，未计算标准分和学年总分")
        for item in BONUS_ITEMS:
            if result[f"{item}_bonus"]:
                notes.append(f"{scoring.name_zh(item)}附加分 {result[f'{item}_bonus']} 分")
        for key, fmt in row.formats.items():
            if fmt != PLAIN_SECONDS:
                notes.append(f"{scoring.name_zh(key)}按“{fmt}”读取")
        std100, total10 = result["standard_x100"], result["total_x10"]
        values += [
            None if std100 is None else Decimal(std100) / 100,
            result["bonus"],
            None if total10 is None else Decimal(total10) / 10,
            result["level"] if status != scoring.STATUS_EXEMPT else "免测",
            "；".join(notes),
        ]
        key = result["level"] or STUDENT_STATUS_ZH[status]
        counts[key] = counts.get(key, 0) + 1
        out_rows.append(values)
    return ScoredUpload(header, out_rows, counts)


def write_result(scored: ScoredUpload, out: Path) -> None:
    """Write .xlsx (typed cells, sheet 体测评分) or .csv (UTF-8 with BOM, which Excel opens correctly)."""
    write_table(out, "体测评分", scored.header, scored.rows)
