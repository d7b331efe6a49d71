"""OpenDocument spreadsheets (.ods, LibreOffice's own format, odfpy): reading a sheet for the imports.

The cells come back as the .xlsx reader gives them (io/xlsxfile.py `read_sheet`), so that one
`cell_text` reads them all: a number cell as a float (or int when it is whole), a date cell as a
`date` (no time stored) or a `datetime`, a boolean cell as bool, any other cell as its text
(paragraphs joined by line breaks, the text:s/text:tab/text:line-break marks evaluated). A
formula's last computed value is read, never the formula. Repeated cells and rows
(table:number-columns-repeated, …-rows-repeated: how an .ods writes a run of equal cells and
the empty rest of a sheet) are expanded only where they hold something; a merged cell's
covered parts are empty, as in Excel.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..domain.timeutil import InputError

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
NUMBER = "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
NOTES_SHEET = "说明"
MAX_REPEAT = 10_000  # a run of equal non-empty cells or rows longer than this is no register

_ROW, _CELL, _COVERED = (TABLE, "table-row"), (TABLE, "table-cell"), (TABLE, "covered-table-cell")
# Containers of rows inside a table (header rows, row groups); their rows are read in order.
_ROW_GROUPS = {(TABLE, n) for n in ("table-header-rows", "table-rows", "table-row-group")}
_COLUMN_GROUPS = {(TABLE, n) for n in ("table-header-columns", "table-columns", "table-column-group")}
MAX_COLUMNS = 16_384


def _invalid(p: Path) -> InputError:
    return InputError(
        f"文件 {p} 不是有效的 OpenDocument 表格(.ods): 请在 LibreOffice/WPS 中打开后另存为 .ods、.xlsx 或 CSV 再导入"
    )


def _repeat(element, name: str) -> int:
    try:
        return max(1, int(element.attributes.get((TABLE, name), 1)))
    except ValueError:
        return 1


def _text(cell) -> str:
    from odf import teletype

    paragraphs = [teletype.extractText(p) for p in cell.childNodes if p.qname == (TEXT_NS, "p")]
    return "\n".join(paragraphs)


def _time_styles(doc) -> set[str]:
    """The cell styles whose number format shows a time: a date cell of such a style at midnight
    is a datetime (LibreOffice writes its date-value without the time)."""
    timed: set[str] = set()
    cell_styles: dict[str, str] = {}
    for styles in (doc.styles, doc.automaticstyles):
        for s in styles.childNodes:
            name = s.attributes.get((STYLE, "name"), "")
            if s.qname == (NUMBER, "date-style"):
                if any(c.qname in ((NUMBER, "hours"), (NUMBER, "minutes")) for c in s.childNodes):
                    timed.add(name)
            elif s.qname == (STYLE, "style") and s.attributes.get((STYLE, "family")) == "table-cell":
                data = s.attributes.get((STYLE, "data-style-name"))
                if data:
                    cell_styles[name] = data
    return {name for name, data in cell_styles.items() if data in timed}


def _moment(text: str, timed: bool, p: Path) -> dt.date | dt.datetime:
    """office:date-value: "2026-10-09" (a date, or midnight when the cell shows a time) or
    "2026-10-09T09:30:00[.123]" (a datetime)."""
    try:
        if "T" not in text:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time()) if timed else day
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise _invalid(p) from None


def _column_styles(table) -> list[str | None]:
    """The default cell style of each column (table:table-column, repeats expanded; a date cell
    without a style of its own takes its column's)."""
    out: list[str | None] = []
    for child in table.childNodes:
        if child.qname == (TABLE, "table-column"):
            n = min(_repeat(child, "number-columns-repeated"), MAX_COLUMNS - len(out))
            out += [child.attributes.get((TABLE, "default-cell-style-name"))] * n
        elif child.qname in _COLUMN_GROUPS:
            out += _column_styles(child)[: MAX_COLUMNS - len(out)]
    return out


def _value(cell, style: str | None, time_styles: set[str], p: Path) -> Any:
    a = cell.attributes
    kind = a.get((OFFICE, "value-type"))
    if kind in ("float", "percentage", "currency"):
        try:
            number = float(a.get((OFFICE, "value"), ""))
        except ValueError:
            return _text(cell) or None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "date":
        timed = (a.get((TABLE, "style-name")) or style) in time_styles
        return _moment(a.get((OFFICE, "date-value"), ""), timed, p)
    if kind == "boolean":
        return a.get((OFFICE, "boolean-value"), "").lower() == "true"
    text = _text(cell)  # string, time (as shown), or a cell without a value type
    return text if text != "" else None


def _rows(table):
    """The table's rows in order, those inside header-row and row-group elements included."""
    for child in table.childNodes:
        if child.qname == _ROW:
            yield child
        elif child.qname in _ROW_GROUPS:
            yield from _rows(child)


def read_sheet(path: str | Path) -> tuple[list[tuple[int, list[Any]]], str]:
    """(rows as (row number, cell values), sheet title) of the data sheet (the first one not named 说明)."""
    import zipfile
    from xml.parsers.expat import ExpatError
    from xml.sax import SAXException

    from odf.opendocument import load

    p = Path(path)
    try:
        doc = load(str(p))
        sheet = doc.spreadsheet
        time_styles = _time_styles(doc)
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, ExpatError, SAXException):
        raise _invalid(p) from None
    except OSError as exc:
        raise InputError(f"无法读取文件 {p}: {exc.strerror or exc}") from None
    tables = [t for t in sheet.childNodes if t.qname == (TABLE, "table")]
    if not tables:
        return [], ""
    table = next((t for t in tables if t.attributes.get((TABLE, "name")) != NOTES_SHEET), tables[0])
    columns = _column_styles(table)
    rows: list[tuple[int, list[Any]]] = []
    number = 0
    for row in _rows(table):
        values: list[Any] = []
        empties = 0  # empty cells not yet written: only those before a non-empty cell are kept
        for cell in row.childNodes:
            if cell.qname not in (_CELL, _COVERED):
                continue
            n = _repeat(cell, "number-columns-repeated")
            i = len(values) + empties
            style = columns[i] if i < len(columns) else None
            value = _value(cell, style, time_styles, p) if cell.qname == _CELL else None
            if value is None:
                empties += n
                continue
            if n > MAX_REPEAT:
                raise _invalid(p)
            values += [None] * empties + [value] * n
            empties = 0
        times = _repeat(row, "number-rows-repeated")
        if values:
            if times > MAX_REPEAT:
                raise _invalid(p)
            rows += [(number + i + 1, list(values)) for i in range(times)]
        number += times
    return rows, str(table.attributes.get((TABLE, "name"), ""))
