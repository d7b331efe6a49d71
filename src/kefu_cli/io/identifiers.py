"""Identifiers (policy numbers, phones, ID numbers, case numbers) read from spreadsheet cells.

An identifier is text. A spreadsheet that was given one in a "General" column — a CSV opened
and saved as .xlsx/.ods/.xls by Excel, WPS or LibreOffice, or typed into a new sheet — stores it
as a number, which is a double: at most 15 significant digits are kept (8860201234567890123
becomes 8.86020123456789E+18, a 16-digit 1234567890123456 becomes 1234567890123460 in Excel),
and leading zeros are gone (02166668888 becomes 2166668888, 000123 becomes 123).

`identifier_text` takes such a cell only when nothing can have been lost:

- a number cell: a whole, non-negative number of at most 15 digits, written as its digits
  (13812345678.0 → "13812345678"; never a float, never an exponent). More digits, a fraction,
  a date, a time or TRUE/FALSE are refused with the reason;
- a phone from a number cell (or a text cell of digits only) that is no valid number as it is
  but is a landline with a 0 in front (2166668888) lost its leading zero: refused, saying so;
- a text cell in Excel's scientific notation (8.86E+18, as Excel writes a long number into a
  CSV) is refused: the digits are gone. Any other text is taken as written: a CSV cell of 16
  digits may be exact (LibreOffice writes all the digits it has) or rounded, which its text
  can not tell.

Whether a policy number lost leading zeros (000123 stored as 123) can not be known from the
cell: it is taken as written (123). Every refusal ends with the remedy: set the column to text
and type the values again. The import then names the row and the column, and imports nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ..domain.timeutil import InputError

MAX_DIGITS = 15  # a spreadsheet number (a double) keeps 15 significant digits exactly
TO_TEXT = "请把该列设为文本后重新输入"
# Excel's scientific notation for a long number in a "General" cell, as it writes it into a CSV
# ("8.86020123456789E+18", "1.10101E+17", "9E+18").
_EXPONENT = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,3}")
# Text that `identifier_text` may refuse (the rest passes unchanged): scientific notation, and for
# a phone 9 to 11 digits that are no mobile. A CSV file's cells are matched against it first.
_SUSPECT = re.compile(r"\s*[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,3}\s*")
_SUSPECT_PHONE = re.compile(r"\s*(?:[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,3}|[2-9][0-9]{8,10}|1[0-9]{8,9})\s*")


def suspect(phone: bool = False) -> re.Pattern[str]:
    """The pattern (fullmatch) of the text cells `identifier_text` may refuse; any other text it
    returns unchanged."""
    return _SUSPECT_PHONE if phone else _SUSPECT


def _refuse(field: str, problem: str, remedy: str = TO_TEXT) -> InputError:
    return InputError(f"{field} {problem}: {remedy}")


def _lost_zero(digits: str) -> bool:
    """Whether a phone of digits only is no valid number as it is, but is one with a 0 in front."""
    # a landline is 0 + a 2-3 digit area code + 7-8 digits: without its 0, 9 to 11 digits;
    # a mobile (11 digits from 1) is a mobile
    if not 9 <= len(digits) <= 11 or (len(digits) == 11 and digits[0] == "1"):
        return False
    from ..domain.text import phone_number

    try:
        phone_number(digits, "")
        return False
    except InputError:
        pass
    try:
        return phone_number("0" + digits, "").startswith("0")
    except InputError:
        return False


def _from_text(text: str, field: str, phone: bool) -> str:
    bare = text.strip()
    if _EXPONENT.fullmatch(bare):
        raise _refuse(field, f"是科学计数法 {bare}: 超过 {MAX_DIGITS} 位的数字已被 Excel 改写,原来的号码已无法还原")
    if phone and bare.isascii() and bare.isdigit() and _lost_zero(bare):
        raise _refuse(
            field,
            "的号码缺少开头的 0(固定电话应以区号 0 开头,Excel 把它当作数字时会去掉开头的 0)",
            TO_TEXT + "(补上开头的 0)",
        )
    return text


def identifier_text(value: Any, field: str, phone: bool = False) -> str:
    """The identifier a cell holds, as text; InputError (naming `field`) if it may have been
    changed by the spreadsheet (see the module docstring). Text cells pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _from_text(value, field, phone)
    if isinstance(value, bool):
        raise _refuse(field, "是逻辑值单元格(TRUE/FALSE),不是编号或号码")
    if isinstance(value, dt.date | dt.time):
        raise _refuse(field, f"是日期/时间格式的单元格({value.isoformat()}),不是编号或号码: 表格软件把它当成了日期")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise _refuse(field, f"是数字格式的单元格,其值 {value:.15G} 不是完整的编号或号码(含小数)")
        if abs(value) >= 2**53:
            raise _refuse(field, f"是数字格式的单元格,超过 {MAX_DIGITS} 位的数字已被 Excel 改写(现为 {value:.15G})")
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise _refuse(field, f"是数字格式的单元格,其值 {value} 是负数,不是编号或号码")
        digits = str(value)
        if len(digits) > MAX_DIGITS:
            raise _refuse(
                field, f"是数字格式的单元格,超过 {MAX_DIGITS} 位的数字已被 Excel 改写或无法确认(现为 {digits})"
            )
        if phone and _lost_zero(digits):
            raise _refuse(field, "是数字格式的单元格,丢失了开头的 0(固定电话应以区号 0 开头)")
        return digits
    return str(value)
