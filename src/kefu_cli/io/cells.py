"""Spreadsheet cells that cannot run as formulas, and their original text back.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (or a tab / carriage return before
one) as a formula. Every CSV cell kefu writes goes through `neutralise` (render/output.py
`csv_cells`), and the CSV reader (io/csvfile.py) undoes it with `restore`.
"""

from __future__ import annotations

import re

# Cells a spreadsheet would treat as a formula: = + - @, also after a tab or carriage return;
# and any number of quote marks in front of those (so that the quote we add is the only one we
# take away on import: "'=x" is written "''=x" and read back as "'=x").
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
# A plain number ("-2", "+86", "-0.5") is not a formula in any spreadsheet and is left alone: the
# `working_days_left` of an overdue deadline is -2, and a report column of numbers must stay
# numbers in Excel. (Non-string values — ints, floats — are never touched either.)
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def neutralise(value):
    """A CSV cell that cannot run as a formula: `'` in front of `=`, `+`, `-`, `@`, tab, CR.

    Strings only; plain numbers (`-2`) and non-strings are returned as they are.
    """
    if isinstance(value, str) and _FORMULA.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The original text of a cell written by `neutralise` (one leading `'` taken away)."""
    if value.startswith("'") and _FORMULA.match(value, 1):
        return value[1:]
    return value
