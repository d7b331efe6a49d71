"""A report's tables as a file: an Excel workbook with one sheet per table, or a plain Word
document (python-docx) with a title, a few sentences and the tables.

A table is (title, headers, rows); a cell is text or a number (a None is an empty cell). The
workbook prints like the exports (io/xlsxfile.py `_print_setup`: A4, fitted to the page's width,
the header row on every page, page numbers in the footer) and ends with a 说明 sheet; numbers
stay numbers (a float with two decimals), text is text. The document is tagged zh-CN like the
notices (notices/__init__.py `tag_document`) and written with fixed zip timestamps, so the
same report gives the same bytes. Both are written atomically (io/files.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .files import atomic_writer
from .xlsxfile import NOTES_SHEET, TEXT, Column, _print_setup, _widths, column_letter

Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]
MIN_WIDTH = 10  # a column of small numbers stays wide enough to read and to type into
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    name = title.translate(_BAD_SHEET_CHARS)[:31] or "Sheet"
    n = 2
    while name in taken:
        suffix = f"({n})"
        name = name[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def write_tables_xlsx(dest: str | Path, tables: Sequence[Table], notes: Sequence[tuple[str, str]] = ()) -> Path:
    """One sheet per table (a bold header row, frozen; numbers as numbers), then the 说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    taken: set[str] = {NOTES_SHEET}
    for title, headers, rows in tables:
        ws = wb.create_sheet(sheet_name(title, taken))
        columns = [Column(h, TEXT) for h in headers]
        for i, width in enumerate(_widths(columns, [[("" if v is None else v) for v in r] for r in rows])):
            ws.column_dimensions[column_letter(i)].width = max(width, MIN_WIDTH)
        ws.append(list(headers))
        for c in ws[1]:
            c.font = bold
        for row in rows:
            ws.append([None if v == "" else v for v in row])
            for c in ws[ws.max_row]:
                if isinstance(c.value, float):
                    c.number_format = "0.00"
                elif isinstance(c.value, str):
                    c.data_type = "s"  # never a formula
        ws.freeze_panes = "A2"
        _print_setup(ws, landscape=False, one_page=False)
        ws.print_title_rows = "1:1"
        ws.oddHeader.center.text = title
    info = wb.create_sheet(NOTES_SHEET)
    _print_setup(info, landscape=False, one_page=True)
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 90
    for key, value in notes:
        info.append([key, value])
        info.cell(info.max_row, 1).font = bold
        info.cell(info.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    with atomic_writer(dest, encoding=None) as f:
        wb.save(f)
    return Path(dest)


def _cell_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_tables_docx(dest: str | Path, title: str, lines: Sequence[str], tables: Sequence[Table]) -> Path:
    """A plain document: the title, `lines`, then each table under its own heading (numbers right
    aligned), tagged zh-CN with `title` as its title."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from ..notices import stable_zip, tag_document

    doc = Document()
    tag_document(doc, title=title, author="")
    doc.add_heading(title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in lines:
        doc.add_paragraph(line)
    for caption, headers, rows in tables:
        doc.add_heading(caption, level=2)
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, headers, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = _cell_text(value)
                if isinstance(value, int | float) or value is None:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    with atomic_writer(dest, encoding=None) as f:
        f.write(stable_zip(buf.getvalue()))
    return Path(dest)
