"""The house style of the official documents (.docx), shared by the bulletin and the annual report.

A4 with the margins of a government document (GB/T 9704: top 3.7 cm, bottom 3.5 cm, left 2.8 cm, right
2.6 cm), 仿宋 三号 (16 pt) body with a two-character first-line indent, 黑体 headings, a 宋体 二号 title. The
east-asian font is set on every run (``w:eastAsia``): python-docx sets only the Latin font, and without
it Word and LibreOffice would draw the Chinese text in their default font.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
#: the table text: 五号
TABLE_SIZE = 10.5
#: the width of the text block of an A4 page with the margins below (21.0 − 2.8 − 2.6)
TEXT_WIDTH_CM = 15.6


def new_document(title: str) -> DocumentObject:
    """An empty A4 document in the house style, with ``title`` in its properties."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    set_font(doc.styles["Normal"], BODY_FONT, 16)
    doc.core_properties.title = title
    return doc


def set_font(run_or_style: object, name: str, size: float) -> None:
    """``name`` at ``size`` pt for both the Latin and the east-asian text of a run or style."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    font.size = Pt(size)
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def paragraph(
    doc: object,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    centre: bool = False,
    indent: bool = True,
) -> Paragraph:
    """A paragraph of one run: centred (a title), or with the two-character first-line indent."""
    found: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if centre:
        found.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        found.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
    apart_from_table(found, size / 2)
    run = found.add_run(text)
    run.bold = bold
    set_font(run, font, size)
    return found


def apart_from_table(found: Paragraph, points: float) -> None:
    """A paragraph straight after a table stands ``points`` below it (else it touches the grid)."""
    previous = found._p.getprevious()
    if previous is not None and previous.tag == qn("w:tbl"):
        found.paragraph_format.space_before = Pt(points)


def heading(doc: object, text: str) -> Paragraph:
    """A first-level heading (一、……) in 黑体 三号, indented like the body, kept with what follows (never
    alone at the foot of a page)."""
    found = paragraph(doc, text, font=HEADING_FONT)
    found.paragraph_format.keep_with_next = True
    return found


def table(
    doc: object,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float] = (),
    *,
    size: float = TABLE_SIZE,
) -> Table:
    """A grid table; ``widths`` (cm, one per column) where the columns should not share the width
    equally (a short number column beside a long explanation)."""
    found: Table = doc.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    found.style = "Table Grid"
    found.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(found.rows[0])
    for cell, text in zip(found.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        set_font(run, HEADING_FONT, size)
    for row in rows:
        added = found.add_row()
        _keep_together(added)
        cells = added.cells
        for cell, text in zip(cells, row, strict=True):
            set_font(cell.paragraphs[0].add_run(text), BODY_FONT, size)
    if widths:
        found.autofit = False
        for column, width in zip(found.columns, widths, strict=True):
            column.width = Cm(width)  # the grid, which LibreOffice reads
        for row in found.rows:  # and each cell, which Word reads
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return found


def _repeat_header(row: object) -> None:
    """The header row is repeated at the top of every page the table runs over (w:tblHeader)."""
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _keep_together(row: object) -> None:
    """A row is not split across two pages (w:cantSplit): a long 口径 moves whole to the next page."""
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))


def picture(doc: object, png: bytes, caption: str, *, width_cm: float = TEXT_WIDTH_CM) -> Paragraph:
    """A centred picture (a chart rendered to PNG) with its caption below it (图 n ……, 黑体 小四)."""
    holder: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    apart_from_table(holder, 8)
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.paragraph_format.keep_with_next = True  # with its caption
    holder.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    return paragraph(doc, caption, font=HEADING_FONT, size=12, centre=True)


def caption(doc: object, text: str) -> Paragraph:
    """A table's caption above it (表 n ……, 黑体 小四, centred), kept with the table."""
    found = paragraph(doc, text, font=HEADING_FONT, size=12, centre=True)
    found.paragraph_format.keep_with_next = True
    return found


def to_bytes(doc: DocumentObject) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
