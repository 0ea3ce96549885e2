"""The results writer: numbers exact, and text that a spreadsheet would run as a formula made inert."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl

from tisheng.health.tablefile import safe_text, write_table


def test_formula_like_text_gets_an_apostrophe_and_numbers_do_not() -> None:
    assert safe_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_text("+1+2") == "'+1+2"  # a formula
    assert safe_text("+12") == "+12"  # a number
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("-0.5") == "-0.5"
    assert safe_text("-因病") == "'-因病"
    assert safe_text("因病免测") == "因病免测"


def test_csv_and_xlsx(tmp_path: Path) -> None:
    rows = [["G1", Decimal("-3.50"), "=1+1", None]]
    write_table(tmp_path / "a.csv", "体测", ["学籍号", "坐位体前屈", "免测", "备注"], rows)
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [
            ["学籍号", "坐位体前屈", "免测", "备注"],
            ["G1", "-3.50", "'=1+1", ""],
        ]
    write_table(tmp_path / "a.xlsx", "体测", ["学籍号", "坐位体前屈", "免测", "备注"], rows)
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["体测"]
    assert [c.value for c in sheet[2]] == ["G1", -3.5, "'=1+1", None]
    assert sheet["C2"].data_type == "s"
