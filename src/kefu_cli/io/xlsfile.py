"""Old Excel workbooks (.xls, Excel 97–2003, xlrd): reading a sheet for the imports.

The cells come back as the .xlsx reader gives them (io/xlsxfile.py `read_sheet`): a number as a
float (an int when whole), a date cell as a `date` when its number format shows no time and as
a `datetime` otherwise (xlrd tells a date cell by its format; the workbook's 1900 or 1904 date
system is applied), a boolean as bool, an error cell (#N/A) as its text, text as str.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path
from typing import Any

from ..domain.timeutil import InputError

NOTES_SHEET = "说明"


def _invalid(p: Path) -> InputError:
    return InputError(
        f"文件 {p} 不是有效的旧版 Excel 工作簿(.xls,也可能设置了打开密码): "
        "请在 Excel/WPS/LibreOffice 中打开后另存为 Excel 工作簿(.xlsx)或 CSV 再导入"
    )


def _date_only(book, cell) -> bool:
    """Whether a date cell's number format shows a date without a time."""
    from openpyxl.styles.numbers import is_datetime

    try:
        fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
    except (AttributeError, IndexError, KeyError, TypeError):
        return float(cell.value).is_integer()
    return is_datetime(fmt) == "date"


def _value(book, cell) -> Any:
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        number = float(cell.value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return float(cell.value)  # the import says it is no date, naming the cell
        return moment.date() if _date_only(book, cell) and moment.time() == dt.time() else moment
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return str(cell.value) if cell.value != "" else None


def read_sheet(path: str | Path) -> tuple[list[tuple[int, list[Any]]], str]:
    """(rows as (row number, cell values), sheet title) of the data sheet (the first one not named 说明)."""
    import xlrd

    p = Path(path)
    try:
        book = xlrd.open_workbook(str(p), formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, AssertionError, IndexError, KeyError, ValueError):
        raise _invalid(p) from None
    except NotImplementedError:  # formatting_info of a BIFF version before Excel 97: read without
        try:
            book = xlrd.open_workbook(str(p), on_demand=True)
        except Exception:  # noqa: BLE001 - xlrd raises many kinds for a broken old file
            raise _invalid(p) from None
    except OSError as exc:
        raise InputError(f"无法读取文件 {p}: {exc.strerror or exc}") from None
    try:
        names = book.sheet_names()
        if not names:
            return [], ""
        index = next((i for i, name in enumerate(names) if name != NOTES_SHEET), 0)
        sheet = book.sheet_by_index(index)
        rows: list[tuple[int, list[Any]]] = []
        for r in range(sheet.nrows):
            values = [_value(book, c) for c in sheet.row(r)]
            while values and (values[-1] is None or values[-1] == ""):
                values.pop()
            if values:
                rows.append((r + 1, values))
        return rows, sheet.name
    except (xlrd.XLRDError, AssertionError, IndexError, KeyError, ValueError, struct.error):
        raise _invalid(p) from None
    finally:
        book.release_resources()
