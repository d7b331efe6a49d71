"""Reading an import's file and checking its rows: the columns by their headers (Chinese or
English aliases), the cells as text (dates of a workbook as ISO text), which column a row's
error is about, and the comparison of a row with the record already in the database."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..domain.errors import InputError
from ..domain.timeutil import parse_date
from ..io.csvfile import CsvRow
from ..io.identifiers import suspect
from ..io.table import Table, read_table
from ..io.xlsxfile import ID, PHONE, TEXT, cell_text
from .import_results import ImportResult, RowError

# The option a service's message starts with → the column it is about (to name the column).
OPTION_FIELDS = {
    "--received": "received", "--channel": "channel", "--category": "category", "--name": "name",
    "--phone": "phone", "--relation": "relation", "--policy": "policy", "--summary": "summary",
    "--branch": "branch", "--handler": "handler", "--regulator-ref": "regulator_ref",
    "--regulator-due": "regulator_due", "--receipt-date": "receipt_date", "--cooling-off": "cooling_off",
    "--closed-date": "closed_date", "--due": "due", "--kind": "kind", "--complaint": "complaint_id",
}  # fmt: skip


def _aliases(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias.lower(): key for key, names in columns.items() for alias in names} | {
        alias: key for key, names in columns.items() for alias in names
    }


# Identifier columns of every import (whatever the import): a number cell is taken only when no
# digit can have been lost, and a text cell that shows the loss is refused (io/identifiers.py).
IDENTIFIER_KINDS = {
    "phone": PHONE, "policy": ID, "insured_id": ID, "regulator_ref": ID,
    "id": ID, "case_id": ID, "complaint_id": ID,
}  # fmt: skip


def _shown(value: Any) -> str:
    """A cell that could not be read, for the errors file: as a spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.15G}"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "day") else value.isoformat()
    return str(value)


def _legacy(table: Table, legacy: dict[str, str]) -> None:
    """A column under an older header (io/columns.py `legacy_names`) read as its field, when the
    file has no column for that field under its own names: 受理时间 is an old export's receipt."""
    for i, header in enumerate(table.headers):
        key = legacy.get(header.strip()) if isinstance(header, str) else None
        if key and key not in table.keys:
            was, table.keys[i] = table.keys[i], key
            for row in table.rows:
                row.values[key] = row.values.pop(was, None)


def read_rows(
    path: str | Path,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    kinds: dict[str, str],
    kind: str = "",
    legacy: dict[str, str] | None = None,
) -> Table:
    """The file as text cells (date cells and Excel serial numbers of date columns as ISO text,
    identifiers as text: IDENTIFIER_KINDS).

    A cell that can not be read (a number that is no date in a date column, an identifier a
    spreadsheet has changed) is an error of its row and column; if there is any, nothing is
    imported (RowsError: every such row, for the `--errors` file)."""
    table = read_table(path, _aliases(columns))
    if legacy:
        _legacy(table, legacy)
    missing = [k for k in required if k not in table.keys]
    example = ",".join(columns[k][0] for k in columns)
    if not any(table.headers):
        raise InputError(f"文件 {path} 是空的: 第一行应为表头,其下每行一条记录。表头示例: {example}")
    if missing:
        names = "、".join(columns[k][0] for k in missing)
        raise InputError(f"文件 {path} 缺少必需的列: {names}。表头示例: {example}")
    if not table.rows:
        raise InputError(f"文件 {path} 没有数据行")
    kinds = {**{k: v for k, v in IDENTIFIER_KINDS.items() if k in table.keys}, **kinds}
    errors: list[RowError] = []
    if table.workbook:  # typed cells: every one becomes text
        read = {k: (kinds.get(k, TEXT), table.column(k)) for k in table.keys}
        rows = []
        for row in table.rows:
            values = dict(row.values)
            problems: list[tuple[str, str]] = []  # (column, message)
            for k, (kind_of, column) in read.items():
                try:
                    values[k] = cell_text(values.get(k), kind_of, column).strip()
                except InputError as exc:
                    values[k] = _shown(values.get(k))
                    problems.append((column, str(exc)))
            if problems:
                errors.append(RowError(row.line, ";".join(m for _, m in problems), values, problems[0][0]))
            rows.append(CsvRow(row.line, values))
    else:  # CSV text: only identifier cells that look changed (a pattern per column) are looked at
        checked = [
            (k, kinds[k], table.column(k), suspect(kinds[k] == PHONE))
            for k in table.keys
            if kinds.get(k) in (ID, PHONE)
        ]
        rows = table.rows
        for row in rows:
            problems = []
            for k, kind_of, column, pattern in checked:
                value = row.values.get(k)
                if value and pattern.fullmatch(value):
                    try:
                        cell_text(value, kind_of, column)
                    except InputError as exc:
                        problems.append((column, str(exc)))
            if problems:
                errors.append(RowError(row.line, ";".join(m for _, m in problems), row.values, problems[0][0]))
    table.rows = rows
    if errors:
        from .import_results import rows_error

        result = ImportResult(table.path, kind, len(rows), errors=errors)
        result.columns = list(zip(table.headers, table.keys, strict=False))
        raise rows_error(result)
    return table


def _column_of(table: Table, message: str) -> str | None:
    """The column a message is about: the option a service's message names first, or the
    column an import message starts with."""
    m = re.match(r"(--[a-z-]+)", message)
    key = OPTION_FIELDS.get(m.group(1)) if m else None
    if key and key in table.keys:
        return table.column(key)
    return next((table.column(k) for k in table.keys if message.startswith(table.column(k))), None)


def row_error(table: Table, row: CsvRow, exc: InputError, column: str | None = None) -> RowError:
    message = str(exc)
    return RowError(row.line, message, row.values, column or _column_of(table, message))


def phone_key(value: str, field: str) -> str:
    """The phone as stored (domain/text.py `phone_number`): 010-88889999, (010) 8888 9999 and
    01088889999 are one number. A masked phone (138****5678, from an export without --unmask)
    cannot be imported."""
    from ..domain.text import phone_number

    if "*" in (value or ""):
        raise InputError(
            f"{field} 是打码的号码(如 138****5678),不能导入: 请用加 --unmask 导出的文件,或填写完整号码,例如 13812345678"
        )
    return phone_number(value, field)


def date_or_text(value: str):
    """A date cell as a date to compare with the stored one (the text itself if it is no date)."""
    value = value.strip()
    try:
        return parse_date(value, "") if value else None
    except InputError:
        return value


def differences(pairs: list[tuple[str, Any, Any]]) -> list[str]:
    return [name for name, mine, theirs in pairs if (mine or None) != (theirs or None)]


def existing_entry(reason: str, cid: str, different: list[str]) -> dict[str, Any]:
    if not different:
        return {"id": cid, "reason": reason, "unchanged": True}
    return {
        "id": cid,
        "reason": f"{reason},但 {'、'.join(different)} 与数据库中不同: 导入不更改已有记录(如需更正请用 edit 命令)",
        "unchanged": False,
    }
