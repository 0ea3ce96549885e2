"""Reading uploaded files into header + rows, with every value's place.

Spreadsheets (xlsx, xlsm, xls, ods) are read with python-calamine (Rust; fast, low memory). CSV is read
as UTF-8 (with or without BOM) and, failing that, as GB18030 (a superset of the GBK that Chinese Excel
writes). A file that cannot be read raises :class:`ReadError` with a Chinese message naming the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from tisheng.intake.cells import is_blank, normalise_text

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
#: How many leading rows may hold a title or notes before the header row.
HEADER_SEARCH_ROWS = 10


class ReadError(Exception):
    def __init__(self, file: str, message: str, hint: str = "") -> None:
        super().__init__(f"文件“{file}”：{message}")
        self.file = file
        self.message = message
        self.hint = hint


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class Sheet:
    file: str
    name: str
    rows: list[list[Any]]
    first_row: int = 1  # the Excel row number of rows[0]
    first_column: int = 0  # the column index of rows[i][0]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    encoding: str | None = None

    def letter(self, index: int) -> str:
        return column_letter(self.first_column + index)

    def find_header(self, wanted: set[str]) -> int | None:
        """The index of the first row (within the first few) that holds most of ``wanted``."""
        best, best_hits = None, 0
        for i, row in enumerate(self.rows[:HEADER_SEARCH_ROWS]):
            hits = len({normalise_text(v) for v in row} & wanted)
            if hits > best_hits:
                best, best_hits = i, hits
        return best if best_hits else None

    def merged_in_row(self, index: int) -> list[str]:
        """Merged ranges that touch data row ``index`` (as A1:B1 labels)."""
        row_number = self.first_row + index - 1  # 0-based sheet row
        found = []
        for (r1, c1), (r2, c2) in self.merged:
            if r1 <= row_number <= r2 and (r1, c1) != (r2, c2):
                found.append(f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}")
        return found

    def data_rows(self, header_index: int) -> Iterator[tuple[int, list[Any]]]:
        """(Excel row number, cells) of every non-blank row after the header."""
        for i in range(header_index + 1, len(self.rows)):
            cells = self.rows[i]
            if all(is_blank(v) for v in cells):
                continue
            yield self.first_row + i, cells


def read(path: Path, display_name: str | None = None) -> list[Sheet]:
    name = display_name or path.name
    suffix = Path(name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [read_csv(path.read_bytes(), name)]
    if suffix in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(path, name)
    raise ReadError(name, f"不支持的文件类型“{suffix or '无扩展名'}”", "请上传 .xlsx、.xls 或 .csv 文件")


def read_spreadsheet(path: Path, name: str) -> list[Sheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise ReadError(name, "文件设有密码", "请取消密码保护后重新上传") from None
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise ReadError(
            name,
            f"无法打开，文件可能已损坏或不是 Excel 文件（{type(exc).__name__}）",
            "请用 Excel 打开并另存为 .xlsx 后重新上传",
        ) from None
    sheets = []
    try:
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            start = sheet.start or (0, 0)
            try:
                merged = list(sheet.merged_cell_ranges or [])
            except Exception:  # older formats carry no merge information
                merged = []
            sheets.append(
                Sheet(
                    file=name,
                    name=sheet_name,
                    rows=sheet.to_python(skip_empty_area=True),
                    first_row=start[0] + 1,
                    first_column=start[1],
                    merged=merged,
                )
            )
    except (python_calamine.CalamineError, ValueError) as exc:
        raise ReadError(
            name, f"读取时出错，文件可能已损坏（{exc}）", "请用 Excel 打开并另存为 .xlsx 后重新上传"
        ) from None
    finally:
        workbook.close()
    return sheets


def decode(data: bytes, name: str) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReadError(
        name,
        "无法识别文件编码（不是 UTF-8，也不是 GBK）",
        "请在 Excel 中“另存为”CSV UTF-8 或 .xlsx 后重新上传",
    )


def read_csv(data: bytes, name: str) -> Sheet:
    if b"\x00" in data[:4096]:
        raise ReadError(name, "这不是文本格式的 CSV 文件", "请上传 .xlsx 文件，或在 Excel 中另存为 CSV")
    text, encoding = decode(data, name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ReadError(name, f"CSV 格式错误：{exc}", "请检查引号是否成对") from None
    return Sheet(file=name, name=Path(name).stem, rows=rows, encoding=encoding)
