"""Every table on every page exports to Excel.

One mechanism serves all pages: a page's ``<table class="data">`` gets an “导出 Excel” link (added by
``static/tisheng/tables.js``) to the same address with ``export_table=<id>`` (or ``@<n>``, the n-th data
table, for a table without an id). :class:`TableExportMiddleware` lets the view render the page as
usual, for the same user and with the same filters, then takes that table out of the HTML and answers
with a workbook. So an export shows exactly what the page showed the user, never more: the view's
permission checks, scoping and suppression all apply, and no page needs code of its own.

Numbers stay numbers in Excel: a cell whose text is a number (``1,234``, ``98.6``, ``98.6%``, ``-0.4``)
is written as one, with the page's decimals; everything else as the text the page shows.

The whole-list exports of the list pages (``?format=xlsx``, all filtered rows rather than one page of
them) write their workbooks through the same :func:`workbook`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARAMETER = "export_table"
#: Characters Excel forbids in a sheet title.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
NUMBER = re.compile(r"^([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)$")


def display_width(text: Any) -> int:
    """Columns an Excel cell needs for ``text``: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def sheet_title(title: str) -> str:
    return SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet1"


def workbook(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: Callable[[int, int, Any], str | None] | None = None,
) -> bytes:
    """One sheet: a bold, frozen header row, then ``rows``; columns as wide as their content.

    ``formats(row, column, value)`` may give a cell's number format (``"0.0%"``).
    """
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet_title(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    widths = [display_width(h) for h in headers]
    for r, values in enumerate(rows, start=2):
        ws.append(list(values))
        for c, value in enumerate(values, start=1):
            if c > len(widths):
                widths.append(0)
            if value is not None:
                widths[c - 1] = max(widths[c - 1], display_width(value))
            number_format = formats(r, c, value) if formats else None
            if number_format:
                ws.cell(row=r, column=c).number_format = number_format
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = min(max(width, 6) + 2, 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


# --- a page's table, read back from its HTML -------------------------------------------------------


@dataclass
class HtmlTable:
    id: str
    index: int  # among the page's data tables, from 1
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of cells marked class="num"


@dataclass
class PageTables:
    title: str = ""
    tables: list[HtmlTable] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # the heading before each table


class TableReader(HTMLParser):
    """Reads every ``table.data`` of a page: its header cells, its body rows, the heading above it.

    Text is taken as shown: tags dropped, white space collapsed; a ``data-export`` attribute on a cell
    gives its value instead (for a cell whose shown text is an icon or a badge with a title).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageTables()
        self.table: HtmlTable | None = None
        self.depth = 0  # nesting of tables inside the current data table
        self.section = ""  # thead | tbody | tfoot
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.cell_override: str | None = None
        self.cell_numeric = False
        self.colspan = 1
        self.in_title = False
        self.heading: list[str] | None = None
        self.last_heading = ""
        self.hidden = 0  # inside <script>/<style>/<template>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
            return
        if tag == "title":
            self.in_title = True
        elif tag in ("h1", "h2", "h3") and self.table is None:
            self.heading = []
        elif tag == "table":
            if self.table is not None:
                self.depth += 1
            elif "data" in (attributes.get("class") or "").split():
                index = len(self.page.tables) + 1
                self.table = HtmlTable(id=attributes.get("id") or "", index=index)
                self.page.headings.append(self.last_heading)
        elif self.table is not None and self.depth == 0:
            if tag in ("thead", "tbody", "tfoot"):
                self.section = tag
            elif tag == "tr":
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []
                self.cell_override = attributes.get("data-export")
                self.cell_numeric = "num" in (attributes.get("class") or "").split()
                try:
                    self.colspan = max(1, min(int(attributes.get("colspan") or 1), 50))
                except ValueError:
                    self.colspan = 1
            elif tag == "caption":
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.hidden = max(0, self.hidden - 1)
            return
        if tag == "title":
            self.in_title = False
        elif tag in ("h1", "h2", "h3") and self.heading is not None:
            self.last_heading = squash("".join(self.heading))
            self.heading = None
        elif tag == "table" and self.table is not None:
            if self.depth:
                self.depth -= 1
            else:
                self.page.tables.append(self.table)
                self.table = None
                self.section = ""
        elif self.table is not None and self.depth == 0:
            if tag == "caption" and self.cell is not None:
                self.table.caption = squash("".join(self.cell))
                self.cell = None
            elif tag in ("td", "th") and self.cell is not None and self.row is not None:
                text = self.cell_override if self.cell_override is not None else "".join(self.cell)
                if self.cell_numeric and self.section != "thead":
                    self.table.numeric.add((len(self.table.rows), len(self.row)))
                self.row.extend([squash(text)] + [""] * (self.colspan - 1))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                if self.section == "thead" and not self.table.header:
                    self.table.header = self.row
                elif self.section == "thead":
                    # a second header row (grouped headers): joined onto the first, column by column
                    self.table.header = [
                        f"{a} {b}".strip() for a, b in zip(self.table.header, self.row, strict=False)
                    ]
                elif any(self.row):
                    self.table.rows.append(self.row)
                self.row = None

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.in_title:
            self.page.title += data
        if self.heading is not None:
            self.heading.append(data)
        if self.cell is not None:
            self.cell.append(data)


def squash(text: str) -> str:
    return " ".join(text.split())


def read_tables(html: str) -> PageTables:
    reader = TableReader()
    reader.feed(html)
    reader.close()
    page = reader.page
    page.title = squash(page.title)
    return page


def find_table(page: PageTables, wanted: str) -> HtmlTable | None:
    """``wanted`` is a table's id, or ``@n`` for the n-th data table of the page."""
    if wanted.startswith("@"):
        try:
            n = int(wanted[1:])
        except ValueError:
            return None
        return page.tables[n - 1] if 1 <= n <= len(page.tables) else None
    return next((t for t in page.tables if t.id == wanted), None)


def cell_value(text: str, numeric: bool = False) -> tuple[Any, str | None]:
    """The value to write for a cell's text, and its number format: numbers as numbers.

    A plain whole number of six or more digits outside a ``num`` column is a code (乡镇代码, 学校标识码),
    and stays text, as does anything with a leading zero or too long for Excel's 15 digits.
    """
    match = NUMBER.match(text.replace("\u2212", "-"))
    if not match:
        return (text if text != "" else None), None
    sign, whole, decimals, percent = match.groups()
    digits = whole.replace(",", "")
    if len(digits) > 15 or (digits.startswith("0") and len(digits) > 1 and not decimals):
        return text, None  # a code (学籍号, 学校标识码) or a leading-zero identifier: keep it as text
    if not numeric and not decimals and not percent and "," not in whole and len(digits) >= 6:
        return text, None
    number: float | int = float(f"{digits}.{decimals}") if decimals else int(digits)
    if sign == "-":
        number = -number
    places = len(decimals or "")
    if percent:
        return number / 100, "0" + ("." + "0" * places if places else "") + "%"
    if decimals:
        return number, ("#,##0." if "," in whole else "0.") + "0" * places
    return number, ("#,##0" if "," in whole else None)


def table_workbook_bytes(table: HtmlTable, title: str) -> bytes:
    width = max([len(table.header), *(len(r) for r in table.rows)], default=0)
    header = table.header + [""] * (width - len(table.header))
    converted: list[list[Any]] = []
    formats: dict[tuple[int, int], str] = {}
    for r, row in enumerate(table.rows, start=2):
        values = []
        for c, text in enumerate(row + [""] * (width - len(row)), start=1):
            value, number_format = cell_value(text, (r - 2, c - 1) in table.numeric)
            values.append(value)
            if number_format:
                formats[(r, c)] = number_format
        converted.append(values)
    return workbook(title, header, converted, lambda r, c, _v: formats.get((r, c)))


def export_title(page: PageTables, table: HtmlTable) -> str:
    heading = table.caption or page.headings[table.index - 1] or ""
    page_title = page.title.split(" · ")[0].strip()
    if heading and page_title and heading != page_title:
        return f"{page_title}-{heading}"
    return heading or page_title or "table"


def export_filename(title: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title).strip("_")[:80] + ".xlsx"


class TableExportMiddleware:
    """Answers ``GET …?export_table=<id>`` with that table of the page as .xlsx (see the module doc).

    Only successful HTML pages are converted; a redirect (sign-in), a 403 or a 404 passes through as
    it is, and a table the page does not have is a 404 with a Chinese message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wanted = request.GET.get(PARAMETER) if request.method == "GET" else None
        response = self.get_response(request)
        if not wanted or response.status_code != 200 or getattr(response, "streaming", False):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        html = response.content.decode(response.charset or "utf-8", errors="replace")
        page = read_tables(html)
        table = find_table(page, wanted)
        if table is None:
            return HttpResponse(
                f"页面上没有要导出的表格（{wanted}）：请回到页面，点击表格上方的“导出 Excel”。",
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        title = export_title(page, table)
        exported = xlsx_response(table_workbook_bytes(table, title), export_filename(title))
        exported["Cache-Control"] = "private, no-store"
        return exported
