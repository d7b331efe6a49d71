"""`kefu import complaints`: the complaint columns, what makes a row "the same complaint",
and the two ways of writing them — in bulk on SQLite (services/bulk.py), one by one through
`register` elsewhere — both in the chunks of services/imports.py."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from ..domain.errors import InputError
from ..domain.timeutil import parse_date, parse_datetime
from ..io.columns import COMPLAINT
from ..io.table import Table
from ..io.xlsxfile import DATETIME
from ..store import db as store_db
from . import imports  # its CHUNK_ROWS, CHUNK_SECONDS, BATCH_ROWS, PAUSE_SECONDS, read when used (tests patch them)
from .complaint_rows import (  # noqa: F401 - the names the import and the replay share, kept importable here
    COMPLAINT_COLUMNS,
    COMPLAINT_KINDS,
    COMPLAINT_LEGACY,
    COMPLAINT_READ,
    COMPLAINT_REQUIRED,
    COMPLAINT_SEEN,
    HISTORY_READ,
    NO,
    YES,
    find_complaints,
    yes_no,
)
from .context import UnitOfWork, unit_of_work
from .import_results import ImportResult, rows_error
from .import_table import date_or_text, differences, existing_entry, phone_key, read_rows, row_error
from .imports import check_at, fail_database, fail_row, import_rows, new_result, repeat_entry

_find_complaints, _yes_no = find_complaints, yes_no


class _Complaints:
    """The complaint columns of one file: its keys, its rows as `register` arguments, and the
    comparison of a row with the complaint already registered under its key."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.col = table.column

    def key(self, v: dict[str, str]) -> tuple[Hashable, str]:
        """What makes a complaint row "the same one": receipt time, phone (as stored), policy."""
        received = parse_datetime(v.get("received", ""), self.col("received"))
        phone = phone_key(v.get("phone", ""), self.col("phone"))
        return (received, phone, v.get("policy", "").strip()), COMPLAINT_SEEN

    def arguments(self, v: dict[str, str], received: dt.datetime, phone: str, policy: str) -> dict[str, Any]:
        """The arguments of `register` (materials and the regulator's date read here, named by column)."""
        reg_due = v.get("regulator_due", "").strip()
        return dict(
            received=received,
            channel=v.get("channel", ""),
            category=v.get("category", ""),
            name=v.get("name", ""),
            phone=phone,
            relation=v.get("relation", "") or "self",
            policy_no=policy,
            summary=v.get("summary", ""),
            branch=v.get("branch", ""),
            handler=v.get("handler", ""),
            incomplete=not _yes_no(v.get("complete", ""), self.col("complete")),
            regulator_ref=v.get("regulator_ref", "").strip() or None,
            regulator_due=parse_date(reg_due, self.col("regulator_due")) if reg_due else None,
            dispute=v.get("dispute", "").strip() or None,
            product_line=v.get("line", "").strip() or None,
            # a group, its representatives, whom it is about (None when the file has no such column)
            people=v.get("people", "").strip() or None,
            representatives=v.get("representatives", "").strip() or None,
            about=v.get("about", "").strip() or None,
        )

    def compare(self, v: dict[str, str], c) -> dict[str, Any]:
        """The row of a complaint already registered: unchanged, or which columns differ."""
        from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, parse_code
        from ..domain.regulator import DISPUTES, LINES

        def code(table, value, default=""):
            try:
                return parse_code(table, value or default, "")
            except InputError:
                return value

        present = set(self.table.keys)
        pairs = [
            ("name", v.get("name", "").strip(), c.name),
            ("channel", code(CHANNELS, v.get("channel", "")), c.channel),
            ("category", code(CATEGORIES, v.get("category", "")), c.category),
            ("relation", code(RELATIONS, v.get("relation", ""), "self"), c.relation),
            ("summary", v.get("summary", "").replace("\r\n", "\n").strip(), c.summary),
            ("branch", v.get("branch", "").strip(), c.branch),
            ("handler", v.get("handler", "").strip(), c.handler),
            ("regulator_ref", v.get("regulator_ref", "").strip(), c.regulator_ref),
            ("regulator_due", date_or_text(v.get("regulator_due", "")), c.regulator_due),
            ("dispute", code(DISPUTES, v.get("dispute", "")) or None, c.dispute),
            ("line", code(LINES, v.get("line", "")) or None, c.product_line),
        ]
        different = differences([(self.col(k), mine, theirs) for k, mine, theirs in pairs if k in present])
        return existing_entry(COMPLAINT_SEEN, c.id, different)


def _complaints_one_by_one(db, table: Table, **options) -> ImportResult:
    """Each row through `register` (`kefu complaint add`), for databases other than SQLite."""
    from .complaints import register

    cols = _Complaints(table)

    def one(uow: UnitOfWork, v: dict[str, str]) -> str | dict[str, Any]:
        (received, phone, policy), _ = cols.key(v)
        existing = _find_complaints(uow.session, [(received, phone, policy)])
        if existing:
            return cols.compare(v, next(iter(existing.values())))
        return register(uow, **cols.arguments(v, received, phone, policy))["id"]

    return import_rows(db, table, "complaints", one, cols.key, **options)


def _complaints_in_bulk(
    db: str | None,
    table: Table,
    *,
    dry_run: bool = False,
    clerk: str | None = None,
    at: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check the whole file in memory, then write it in chunks through services/bulk.py."""
    from .bulk import BulkWriter, Checker, Registration, RowFailed

    at = check_at(at)
    cols = _Complaints(table)
    rows = table.rows
    n = len(rows)
    result = new_result(table, "complaints", dry_run)

    def tick(done: int) -> None:
        if progress and (done % 500 == 0 or done == 2 * n):
            progress(done, 2 * n)

    keys: list[tuple | None] = []
    for row in rows:
        try:
            keys.append(cols.key(row.values)[0])
        except InputError as exc:
            keys.append(None)
            result.errors.append(row_error(table, row, exc))

    def check(checker: Checker, i: int) -> Registration:
        received, phone, policy = keys[i]
        args = cols.arguments(rows[i].values, received, phone, policy)
        return checker.check(rows[i].line, **args)

    # 1. Check: every new row as `register` would check it (rows already there are not checked).
    regs: dict[int, Registration] = {}
    with unit_of_work(db, clerk=clerk, at=at, write=False) as uow:
        found = _find_complaints(uow.session, keys)
        checker = Checker(uow)
        first: dict[tuple, int] = {}
        for i, (row, k) in enumerate(zip(rows, keys, strict=True)):
            tick(i + 1)
            if k is None:
                continue
            if k in found:
                result.skipped.append({"line": row.line, **cols.compare(row.values, found[k])})
            elif k in first:
                result.skipped.append(repeat_entry(row.line, None, first[k]))
            else:
                first[k] = row.line
                try:
                    regs[i] = check(checker, i)
                except InputError as exc:
                    result.errors.append(row_error(table, row, exc))
    if result.errors:
        raise rows_error(result)
    if dry_run:
        result.planned = len(regs)
        tick(2 * n)
        return result

    # 2. Write in chunks (what is there now decides: another import may have run meanwhile).
    result.skipped = []
    done: dict[tuple, tuple[str, int]] = {}  # key -> (case number, line) of the rows written
    start = 0
    while start < n:
        if start:
            time.sleep(imports.PAUSE_SECONDS)
        created: list[str] = []
        skipped: list[dict[str, Any]] = []
        mine: dict[tuple, tuple[str, int]] = {}
        try:
            with unit_of_work(db, clerk=clerk, at=at) as uow:
                writer = BulkWriter(uow)
                began = time.monotonic()
                i = start
                while (
                    i < n
                    and i - start < imports.CHUNK_ROWS
                    and (i == start or time.monotonic() - began < imports.CHUNK_SECONDS)
                ):
                    end = min(i + imports.BATCH_ROWS, start + imports.CHUNK_ROWS, n)
                    there = _find_complaints(uow.session, keys[i:end])
                    todo: list[Registration] = []
                    repeats: list[tuple[dict[str, Any], tuple]] = []
                    for j in range(i, end):
                        k, row = keys[j], rows[j]
                        earlier = done.get(k) or mine.get(k)
                        if earlier is not None:
                            entry = repeat_entry(row.line, earlier[0], earlier[1])
                            skipped.append(entry)
                            repeats.append((entry, k))
                        elif k in there:
                            skipped.append({"line": row.line, **cols.compare(row.values, there[k])})
                        else:
                            reg = regs.get(j)
                            if reg is None:  # was there at the check, is not now: check it now
                                try:
                                    reg = check(writer.checker, j)
                                except InputError as exc:
                                    raise RowFailed(row.line, exc) from exc
                            todo.append(reg)
                            mine[k] = ("", row.line)
                    ids = writer.register(todo)
                    for reg, cid in zip(todo, ids, strict=True):
                        mine[(reg.received, reg.phone, reg.policy_no)] = (cid, reg.line)
                    for entry, k in repeats:
                        entry["id"] = entry["id"] or mine[k][0]
                    created += ids
                    i = end
                    tick(n + i)
        except RowFailed as exc:
            fail_row(result, table, exc.line, exc.error)
        except Exception as exc:
            fail_database(result, db, rows[start].line, exc)
        result.created += created
        result.skipped += skipped
        done.update(mine)
        start = i
    tick(2 * n)
    return result


# The columns that make a file one of cases with their history (`import_history`).
HISTORY = {"id", "status"} | {k for k in HISTORY_READ if COMPLAINT[k].kind == DATETIME} - {"complete_at"}


def import_complaints(db: str | None, path: str | Path, *, bulk: bool | None = None, **options) -> ImportResult:
    """`kefu import complaints`: each row registered as `kefu complaint add` would.

    A file with the cases' numbers, states or step times (kefu's own export, a head office's
    sheet of its history) is imported by replaying each case's steps at their times
    (services/complaint_replay.py `import_history`).

    On SQLite the rows are written in bulk (services/bulk.py); `bulk=False` (and any other
    database) registers them one by one through `register` — the same rows and events."""
    table = read_rows(path, COMPLAINT_COLUMNS, (), COMPLAINT_KINDS, "complaints", legacy=COMPLAINT_LEGACY)
    missing = [k for k in COMPLAINT_REQUIRED if k not in table.keys]
    if missing:
        names = "、".join(COMPLAINT_COLUMNS[k][0] for k in missing)
        example = ",".join(COMPLAINT_COLUMNS[k][0] for k in COMPLAINT_READ)
        raise InputError(f"文件 {path} 缺少必需的列: {names}。表头示例: {example}")
    if HISTORY & set(table.keys):
        from .complaint_replay import import_history

        return import_history(db, table, _Complaints(table), **options)
    if bulk is None:
        bulk = store_db.is_sqlite(store_db.resolve_url(db))
    if bulk:
        return _complaints_in_bulk(db, table, **options)
    return _complaints_one_by_one(db, table, **options)
