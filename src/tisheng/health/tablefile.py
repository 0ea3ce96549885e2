"""Writing a table of results as the .xlsx or .csv a school opens in Excel (one writer for the upload
export and the scoring command).

Numbers stay numbers in .xlsx (a ``Decimal`` as its float); in .csv every cell is text, written exactly
(``Decimal`` in plain notation, dates ISO 8601). Text typed by people (a 免测 reason, a 学籍号 as
uploaded) that a spreadsheet would run as a formula — starting with ``=``, ``+``, ``-`` or ``@`` and not a
number — is written with a leading apostrophe, so opening the file never runs it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@")


def safe_text(text: str) -> str:
    """``text`` as a cell that cannot run as a formula (“=1+1” → “'=1+1”; “-0.5” stays a number)."""
    if not text.startswith(FORMULA_START):
        return text
    try:
        Decimal(text)
    except InvalidOperation:
        return "'" + text
    return text


def as_text(value: Any) -> str:
    """A cell's value as CSV text: exact numbers, ISO dates, formula-safe strings."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def as_cell(value: Any) -> Any:
    """A cell's value for .xlsx: numbers as numbers, strings formula-safe."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return safe_text(value)
    return value


def write_table(out: Path, sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write ``header`` and ``rows`` to ``out``: .xlsx (sheet ``sheet``) or .csv (UTF-8 with BOM, which
    Excel opens correctly), by the file's extension."""
    suffix = out.suffix.lower()
    if suffix == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([as_text(v) for v in row] for row in rows)
        return
    if suffix != ".xlsx":
        raise ValueError(f"不支持的输出格式“{suffix}”（请用 .xlsx 或 .csv）")
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    worksheet.append(list(header))
    for row in rows:
        worksheet.append([as_cell(v) for v in row])
    book.save(out)
