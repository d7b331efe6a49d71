"""Bulk imports from CSV files or Excel workbooks (.xlsx): complaints, new policies (which
schedule new-policy callbacks) and callbacks.

Every row is registered as the clerk's command would register it, with its audit events in
the same transaction as the row. The format is chosen by the file's extension (io/table.py);
dates may be written as people write them (domain/timeutil.py), and in a workbook as real
date cells or Excel serial numbers (io/xlsxfile.py `cell_text`).

1. Check: every row is checked first, nothing written. If any row is bad, nothing is
   imported and the error names the row and the column (`--errors FILE` writes the bad rows
   with the file's own headers, 行号 and 错误, for Excel). `--dry-run` stops here.
2. Write: the rows again, in file order, in chunks of at most CHUNK_ROWS rows and about
   CHUNK_SECONDS each, every chunk its own write transaction. Between chunks the import pauses
   a moment, so a clerk's `complaint add` waiting for the lock gets it within a second or two
   instead of waiting for the whole file.

Complaints on SQLite are written by services/bulk.py: checked in memory, inserted a batch at
a time, exactly the rows and events `register` writes one by one (tests/test_bulk_import.py).
Policies and callbacks, and complaints on other databases, go row by row through the service
functions, each chunk checked first in rolled-back transactions.

A row already in the database is not imported again (a complaint: same receipt time, phone
— as stored, whatever its format: 010-88889999, (010) 8888 9999 — and policy; a new-policy
callback: same policy), so running the same file twice, or an exported file, creates nothing
new, and an import that was killed half way finishes when run again. The summary counts the
rows that are new, those already there unchanged, and those skipped (repeated within the
file, or already there with different values, which an import does not change).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from ..domain.errors import InputError
from ..domain.timeutil import check_not_future, check_range
from ..io.csvfile import CsvRow
from ..io.table import Table
from ..store import db as store_db
from .context import UnitOfWork, unit_of_work
from .import_results import ImportResult, RowError, RowsError, rows_error
from .import_table import row_error

# The file's rows and their checks: services/import_table.py; the result and the errors file:
# services/import_results.py; what each import reads and writes: services/complaint_import.py
# (complaints), services/callback_import.py (policies and callbacks).

CHUNK_ROWS = 10_000  # at most this many rows in one write transaction …
CHUNK_SECONDS = 1.0  # … and about this long at most (a clerk waits no longer for the lock)
PAUSE_SECONDS = 0.15  # between chunks: longer than SQLite's longest busy-handler sleep (0.1 s),
# so a writer that is waiting for the lock takes it now rather than after the whole file
BATCH_ROWS = 2_000  # complaints inserted at a time within a chunk (services/bulk.py)


RowFn = Callable[[UnitOfWork, dict[str, str]], str | dict[str, Any] | None]
KeyFn = Callable[[dict[str, str]], tuple[Hashable, str] | None]


class _Rollback(Exception):
    pass


class _RowFailed(Exception):
    def __init__(self, line: int, error: InputError) -> None:
        super().__init__(str(error))
        self.line, self.error = line, error


@dataclass
class _Chunk:
    """What one chunk did; merged into the result only once its transaction is over."""

    end: int = 0
    created: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    keys: dict[Hashable, tuple[str | None, int]] = field(default_factory=dict)


def repeat_entry(line: int, cid: str | None, first: int) -> dict[str, Any]:
    return {"line": line, "id": cid, "reason": f"与第 {first} 行重复(本文件中出现两次)", "unchanged": False}


def _chunk(
    uow: UnitOfWork,
    table: Table,
    start: int,
    one: RowFn,
    key: KeyFn,
    seen: dict[Hashable, tuple[str | None, int]],
    checking: bool,
    tick: Callable[[int], None],
) -> _Chunk:
    """Rows from `start` on, in file order, through the service function, until the chunk is
    full (CHUNK_ROWS, CHUNK_SECONDS).

    Checking: each row in a savepoint, a bad row is recorded and undone and the rest go on
    being checked. Writing: a bad row fails the chunk. A row repeating an earlier row of the
    file (`seen`, or earlier in this chunk) is skipped.
    """
    rows = table.rows
    out = _Chunk(end=start)
    began = time.monotonic()
    i = start
    while i < len(rows) and (i == start or (i - start < CHUNK_ROWS and time.monotonic() - began < CHUNK_SECONDS)):
        row = rows[i]
        i += 1
        try:
            k = key(row.values)
        except InputError:
            k = None  # the row itself will say what is wrong
        earlier = None if k is None else (out.keys.get(k[0]) or seen.get(k[0]))
        if earlier is not None:
            out.skipped.append(repeat_entry(row.line, earlier[0], earlier[1]))
            tick(i)
            continue
        if not checking:
            try:
                result = one(uow, row.values)
            except InputError as exc:
                raise _RowFailed(row.line, exc) from exc
        else:
            savepoint = uow.session.begin_nested()
            try:
                result = one(uow, row.values)
            except InputError as exc:
                savepoint.rollback()
                out.errors.append(row_error(table, row, exc))
                tick(i)
                continue
            savepoint.commit()
        if isinstance(result, dict):
            out.skipped.append({"line": row.line, **result})
        elif result:
            out.created.append(result)
        if k is not None and (result and not isinstance(result, dict)):
            out.keys[k[0]] = (None if checking else result, row.line)
        tick(i)
    out.end = i
    return out


def _merge(result: ImportResult, chunk: _Chunk) -> None:
    result.created += chunk.created
    result.skipped += chunk.skipped
    result.errors += chunk.errors


def new_result(table: Table, kind: str, dry_run: bool) -> ImportResult:
    result = ImportResult(table.path, kind, len(table.rows), dry_run=dry_run)
    result.columns = list(zip(table.headers, table.keys, strict=False))
    return result


def check_at(at: dt.datetime | None) -> dt.datetime:
    """The registration time of every row (one for the whole file, as for one transaction)."""
    from . import clock

    now = clock.now()
    if at is not None:
        check_range(at, "--at")
        check_not_future(at, "--at", now)
    return at or now


def import_rows(
    db: str | None,
    table: Table,
    kind: str,
    one: RowFn,
    key: KeyFn,
    *,
    dry_run: bool = False,
    clerk: str | None = None,
    at: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Row by row through the service function `one` (see the module docstring)."""
    at = check_at(at)
    n = len(table.rows)
    result = new_result(table, kind, dry_run)

    def tick(done: int) -> None:  # checking is the first half of the work, writing the second
        if progress:
            progress(done, 2 * n)

    # 1. Check every row; nothing stays written unless the whole file fits in the first chunk.
    seen: dict[Hashable, tuple[str | None, int]] = {}
    start, kept = 0, False
    while start < n and not kept:
        if start:
            time.sleep(PAUSE_SECONDS)
        try:
            with unit_of_work(db, clerk=clerk, at=at) as uow:
                chunk = _chunk(uow, table, start, one, key, seen, True, tick)
                kept = not dry_run and start == 0 and chunk.end == n and not chunk.errors
                if not kept:
                    raise _Rollback
        except _Rollback:
            pass
        _merge(result, chunk)
        seen.update(chunk.keys)
        start = chunk.end
    if result.errors:
        raise rows_error(result)
    if kept or dry_run:
        if dry_run:
            result.planned, result.created = len(result.created), []
        tick(2 * n)
        return result

    # 2. Write, chunk by chunk; each chunk commits whole (rows with their audit events) or not at all.
    result.created, result.skipped = [], []
    seen = {}
    start = 0
    while start < n:
        time.sleep(PAUSE_SECONDS)
        try:
            with unit_of_work(db, clerk=clerk, at=at) as uow:
                chunk = _chunk(uow, table, start, one, key, seen, False, lambda i: tick(n + i))
        except _RowFailed as exc:
            # passed the check but not now: another clerk changed something in between
            fail_row(result, table, exc.line, exc.error)
        except Exception as exc:
            fail_database(result, db, table.rows[start].line, exc)
        _merge(result, chunk)
        seen.update(chunk.keys)
        start = chunk.end
    return result


def fail_row(result: ImportResult, table: Table, line: int, error: InputError):
    row = next((r for r in table.rows if r.line == line), CsvRow(line, {}))
    result.errors.append(row_error(table, row, error))
    raise RowsError(result, _partial(result.errors[-1].sentence(), result)) from None


def fail_database(result: ImportResult, db: str | None, line: int, exc: Exception):
    known = store_db.explain(exc, store_db.resolve_url(db))
    if known is None or not result.created:
        raise exc
    raise store_db.DatabaseError(_partial(f"第 {line} 行(或其后同一批): {known}", result)) from None


def _partial(problem: str, result: ImportResult) -> str:
    """The message of a write that stopped after some chunks were committed."""
    problem = problem.replace(store_db.NOTHING_SAVED, "正在写入的这一批没有保存")
    return (
        f"导入在{problem} 时停止;此前已分批保存 {len(result.created)} 条"
        "(每批完整,带审计记录),解决后重新运行同一命令会跳过已导入的行,接着导入其余的行"
    )
