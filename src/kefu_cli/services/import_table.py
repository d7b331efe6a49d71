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
from ..io.table import Table, read_table
from ..io.xlsxfile import TEXT, cell_text
from .import_results import RowError

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


def read_rows(
    path: str | Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], kinds: dict[str, str]
) -> Table:
    """The file as text cells (date cells and Excel serial numbers of date columns as ISO text)."""
    table = read_table(path, _aliases(columns))
    missing = [k for k in required if k not in table.keys]
    example = ",".join(columns[k][0] for k in columns)
    if not any(table.headers):
        raise InputError(f"文件 {path} 是空的: 第一行应为表头,其下每行一条记录。表头示例: {example}")
    if missing:
        names = "、".join(columns[k][0] for k in missing)
        raise InputError(f"文件 {path} 缺少必需的列: {names}。表头示例: {example}")
    if not table.rows:
        raise InputError(f"文件 {path} 没有数据行")
    if table.xlsx:
        rows = []
        for row in table.rows:
            values = {}
            for k, v in row.values.items():
                try:
                    values[k] = cell_text(v, kinds.get(k, TEXT), table.column(k)).strip()
                except InputError as exc:
                    raise InputError(f"第 {row.line} 行 {exc}。整个文件未导入,请改正后重新导入") from None
            rows.append(CsvRow(row.line, values))
        table.rows = rows
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
