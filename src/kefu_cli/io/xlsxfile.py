"""Real Excel workbooks (.xlsx, openpyxl): reading a sheet for the imports, writing the exports.

Reading (io/workbook.py chooses the reader by the file's content: .xlsx here, .ods in
io/odsfile.py, .xls in io/xlsfile.py, all giving cells of the same types): the first sheet (not one named "说明"), its first non-empty row the header, every row
with its Excel row number. Cells keep their type: a date or datetime cell comes back as a
`date` (cell formatted as a date only) or a `datetime`, a number as int/float, text as str.
`cell_text` turns a cell into the text the import reads, knowing what the column holds: a
number in a date column is an Excel serial date (46304.395833 = 2026-10-09 09:30), a number in
a text column is written without ".0" (13812345678), so nothing depends on how the sheet was
typed. Formulas are read as their last computed value, never as formula text.

Writing (`write_xlsx_atomic`): one data sheet plus a "说明" (notes) sheet; real date and
datetime cells; text cells (number format "@", quote prefix) for phone, policy and ID
columns so that leading zeros survive and no cell can ever be taken for a formula; a bold
header row and the first column (the case number) frozen, column widths that fit the content
by display width (wide CJK characters count two), an autofilter over the data. Print-ready
(`_print_setup`): landscape A4 fitted to one page wide, the header row and the first column
printed on every page, page numbers in the footer; the 说明 sheet prints on one page. Rows are streamed (openpyxl write-only mode) into a temp file that
is renamed at the end (io/files.py), 0600 on POSIX like every other output.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.timeutil import InputError

XLSX_SUFFIXES = (".xlsx", ".xlsm")
NOTES_SHEET = "说明"

# Cell kinds of a column (how a value is written, and how a read cell is turned into text).
TEXT, DATE, DATETIME, INT = "text", "date", "datetime", "int"
# Identifier columns when read (io/identifiers.py): a number cell only when nothing was lost.
ID, PHONE = "id", "phone"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SAMPLE_ROWS = 1000  # rows looked at for the column widths
MAX_WIDTH = 60  # a wider text column wraps
A4 = 9  # the paper size code of A4 in SpreadsheetML (ECMA-376 §18.3.1.63)
PAGE_FOOTER = "&A 第 &P 页,共 &N 页"  # sheet name, page, pages


def is_xlsx(path: str | Path) -> bool:
    """Whether `path` names an Excel workbook (by its extension); `.xls` is refused outright."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":
        raise InputError(
            f"不支持旧版 Excel 格式(.xls): {path}。请改用 Excel 工作簿(.xlsx)或 CSV,"
            "例如在 Excel 中“另存为” Excel 工作簿,或把文件名写成 ./投诉.xlsx"
        )
    if suffix in OTHER_SHEETS:  # a spreadsheet kefu does not write: never a CSV under its name
        raise InputError(
            f"不能写出 {suffix} 格式: {path}。请写成 Excel 工作簿(.xlsx,LibreOffice、WPS 都能打开,"
            f"需要时再另存为 {suffix})或 CSV,例如 ./投诉.xlsx"
        )
    return suffix in XLSX_SUFFIXES


# Spreadsheet files kefu reads (.ods) or knows of but does not write.
OTHER_SHEETS = (".ods", ".xlsm", ".xlsb", ".et", ".numbers", ".fods")


def column_letter(index: int) -> str:
    """A, B, … Z, AA … for a 0-based column index (the letters Excel shows)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading ----------------------------------------------------------------------------------
def _cell_value(cell) -> Any:
    """The cell's value, a date cell formatted without a time as a `date`."""
    value = cell.value
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        from openpyxl.styles.numbers import is_datetime

        if is_datetime(getattr(cell, "number_format", "") or "") == "date":
            return value.date()
    return value


def read_sheet(path: str | Path) -> tuple[list[tuple[int, list[Any]]], str]:
    """(rows as (Excel row number, cell values), sheet title) of the workbook's data sheet.

    The file is opened by io/workbook.py `read_sheet` (which knows it is an .xlsx by its content,
    whatever its name says): a file that is no workbook is one sentence."""
    import warnings
    import zipfile

    from openpyxl import load_workbook

    p = Path(path)
    try:
        with p.open("rb") as f:  # a file object: openpyxl does not judge it by its name
            with warnings.catch_warnings():  # a print area of whole columns (as LibreOffice saves the
                # export's) is not for openpyxl to keep: the data is read all the same, without a word to the clerk
                warnings.filterwarnings("ignore", "Print area cannot be set", UserWarning)
                wb = load_workbook(f, read_only=True, data_only=True)
            try:
                return _data_rows(wb)
            finally:
                wb.close()
    except FileNotFoundError:
        raise InputError(f"文件不存在: {p}。请给出 Excel 文件的路径,例如 ./投诉登记表.xlsx") from None
    except IsADirectoryError:
        raise InputError(f"{p} 是一个目录,不是文件: 请给出 Excel 文件的路径") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile) and exc.strerror:
            raise InputError(f"无法读取文件 {p}: {exc.strerror}") from None
        raise InputError(
            f"文件 {p} 不是有效的 Excel 工作簿(.xlsx): 请在 Excel 中打开后“另存为” Excel 工作簿或 CSV 再导入"
        ) from None


def _data_rows(wb) -> tuple[list[tuple[int, list[Any]]], str]:
    sheets = [ws for ws in wb.worksheets if ws.title != NOTES_SHEET] or wb.worksheets
    ws = sheets[0]
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(ws.iter_rows(), start=1):
        values = [_cell_value(c) for c in cells]
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()
        if values:
            rows.append((getattr(cells[0], "row", None) or number, values))
    return rows, ws.title


def _serial(value: float, field: str) -> dt.datetime:
    """An Excel serial date (days since 1899-12-30, the 1900 date system) as a datetime to the second."""
    from openpyxl.utils.datetime import from_excel

    if not (math.isfinite(value) and 1 <= value < 2958466):
        raise InputError(
            f"{field} 的数字 {value:.15g} 不是日期(也不是 Excel 的日期序号)。正确示例: 2026-10-09 09:30(或 Excel 的日期单元格)"
        )
    moment = from_excel(value)
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)


def cell_text(value: Any, kind: str = TEXT, field: str = "") -> str:
    """The text the import reads for a cell of a column of `kind` (TEXT, DATE, DATETIME, ID, PHONE).

    Date and datetime cells become ISO text (a date-only cell in a datetime column stays a
    date: 09:00, as when typed); numbers in date columns are Excel serial dates; whole numbers
    in text columns lose their ".0"; True/False become 是/否. CSV cells (str) pass unchanged.
    Identifier columns (ID, PHONE) take a number cell only when no digit can have been lost,
    and refuse a text cell that shows the loss (io/identifiers.py).
    """
    if value is None:
        return ""
    if kind in (ID, PHONE):
        from .identifiers import identifier_text

        return identifier_text(value, field, phone=kind == PHONE)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float) and kind in (DATE, DATETIME):
        moment = _serial(float(value), field)
        if kind == DATE or moment.time() == dt.time():
            return moment.date().isoformat()
        return moment.isoformat(sep=" ")
    if isinstance(value, dt.datetime):
        if kind == DATE and value.time() == dt.time():
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)


# --- writing ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: str = TEXT  # TEXT | DATE | DATETIME | INT


def text_width(text: str) -> int:
    """The display width of one line: a wide or full-width character (CJK, full-width
    punctuation) is two columns, any other one."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def _display_width(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if kind == DATETIME and isinstance(value, dt.datetime):
        return 16
    if kind == DATE and isinstance(value, dt.date):
        return 10
    return max(text_width(line) for line in str(value).split("\n"))


def _widths(columns: Sequence[Column], sample: Sequence[Sequence[Any]]) -> list[float]:
    out = []
    for i, col in enumerate(columns):
        widest = max([_display_width(col.header, TEXT), *(_display_width(r[i], col.kind) for r in sample)])
        out.append(min(widest + 2, MAX_WIDTH))
    return out


def _print_setup(ws, *, landscape: bool, one_page: bool) -> None:
    """A4, one page wide (and with `one_page` one page tall; else as many pages down as the
    rows need: fitToHeight 0), page numbers in the footer, narrow margins."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = PAGE_FOOTER


def write_xlsx_atomic(
    dest: str | Path,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[tuple[str, str]] = (),
    progress: Callable[[int], None] | None = None,
    printed: int | None = None,
) -> int:
    """Write one data sheet `title` and the notes sheet to `dest`, atomically; returns the rows.
    `printed`: only the first so many columns are printed (the rest are data for a program: a
    round trip's step columns), fitted to the page's width."""
    from itertools import chain, islice

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    from .files import atomic_writer

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    it = iter(rows)
    sample = [list(r) for r in islice(it, SAMPLE_ROWS)]
    widths = _widths(columns, sample)
    for i, width in enumerate(widths):
        ws.column_dimensions[column_letter(i)].width = width
    ws.freeze_panes = "B2"  # the header row and the case number stay in view
    _print_setup(ws, landscape=True, one_page=False)
    ws.print_title_rows = "1:1"  # the header on every printed page
    ws.print_title_cols = "A:A"  # and the case number
    if printed is not None and printed < len(columns):
        ws.print_area = f"A1:{column_letter(printed - 1)}1048576"  # every row a sheet can hold
    bold = Font(bold=True)
    header = []
    for col in columns:
        c = WriteOnlyCell(ws, value=col.header)
        c.data_type = "s"
        c.font = bold
        c.alignment = Alignment(vertical="center")
        header.append(c)
    ws.append(header)

    # One reusable cell per column, its format set once: each row is written out before the next.
    cells = []
    for col, width in zip(columns, widths, strict=True):
        c = WriteOnlyCell(ws)
        if col.kind == TEXT:
            c.number_format = "@"
            c.quotePrefix = True
            if width >= MAX_WIDTH:  # a long text wraps in its column instead of running off the page
                c.alignment = Alignment(wrap_text=True, vertical="top")
        elif col.kind == DATE:
            c.number_format = DATE_FORMAT
        elif col.kind == DATETIME:
            c.number_format = DATETIME_FORMAT
        cells.append(c)
    kinds = [col.kind for col in columns]
    n = 0
    for row in chain(sample, it):
        out: list[Any] = []
        for c, kind, value in zip(cells, kinds, row, strict=True):
            if value is None or value == "":
                out.append(None)
                continue
            if kind == TEXT:
                c.value = str(value)
                c.data_type = "s"  # never a formula, whatever it starts with
            elif kind == DATETIME and isinstance(value, dt.datetime):
                c.value = value.replace(microsecond=0)
            else:
                c.value = value
            out.append(c)
        ws.append(out)
        n += 1
        if progress and n % 500 == 0:
            progress(n)
    last = column_letter(len(columns) - 1)
    ws.auto_filter.ref = f"A1:{last}{n + 1}"

    info = wb.create_sheet(NOTES_SHEET)
    _print_setup(info, landscape=False, one_page=True)  # labels and values never split over two pages
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 90
    for key, value in notes:
        k = WriteOnlyCell(info, value=key)
        k.font = bold
        v = WriteOnlyCell(info, value=value)
        v.data_type = "s"
        v.alignment = Alignment(wrap_text=True, vertical="top")
        info.append([k, v])

    with atomic_writer(dest, encoding=None) as f:
        wb.save(f)
    return n
