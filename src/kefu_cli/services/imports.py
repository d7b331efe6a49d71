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
import re
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import select

from ..domain.errors import InputError
from ..domain.timeutil import check_not_future, check_range, parse_date, parse_datetime
from ..io.csvfile import CsvRow
from ..io.table import Table, read_table
from ..io.xlsxfile import DATE, DATETIME, TEXT, cell_text
from ..store import db as store_db
from .context import UnitOfWork, unit_of_work
from .policy_register import IMPORT_COLUMNS as REGISTER_COLUMNS

CHUNK_ROWS = 10_000  # at most this many rows in one write transaction …
CHUNK_SECONDS = 1.0  # … and about this long at most (a clerk waits no longer for the lock)
PAUSE_SECONDS = 0.15  # between chunks: longer than SQLite's longest busy-handler sleep (0.1 s),
# so a writer that is waiting for the lock takes it now rather than after the whole file
BATCH_ROWS = 2_000  # complaints inserted at a time within a chunk (services/bulk.py)

COMPLAINT_COLUMNS: dict[str, tuple[str, ...]] = {
    "received": ("受理时间", "接收时间", "投诉时间", "received", "received_at"),
    "channel": ("受理方式", "渠道", "投诉渠道", "channel"),
    "category": ("投诉类别", "类别", "category"),
    "name": ("投诉人", "姓名", "name"),
    "phone": ("联系电话", "电话", "phone"),
    "relation": ("与消费者关系", "关系", "relation"),
    "policy": ("保单号", "policy", "policy_no"),
    "summary": ("投诉内容", "内容", "摘要", "summary"),
    "branch": ("机构", "branch"),
    "handler": ("经办人", "处理人", "handler"),
    "complete": ("材料齐全", "complete", "materials_complete"),
    "regulator_ref": ("监管转办编号", "regulator_ref"),
    "regulator_due": ("监管报告期限", "regulator_due"),
}
COMPLAINT_REQUIRED = ("received", "channel", "category", "name", "phone")
COMPLAINT_KINDS = {"received": DATETIME, "regulator_due": DATE}

POLICY_COLUMNS: dict[str, tuple[str, ...]] = {
    "policy": ("保单号", "policy", "policy_no"),
    "name": ("投保人", "姓名", "客户", "name"),
    "phone": ("联系电话", "电话", "phone"),
    "product": ("险种", "产品", "product"),
    "receipt_date": ("回执签收日期", "回执日期", "签收日期", "receipt_date"),
    "cooling_off": ("犹豫期天数", "犹豫期", "cooling_off"),
    "branch": ("机构", "branch"),
    "handler": ("经办人", "回访人", "handler"),
}
POLICY_REQUIRED = ("policy", "name", "phone", "receipt_date")
POLICY_KINDS = {"receipt_date": DATE}
# The policy register's columns (services/policy_register.py): 被保险人, 被保险人证件号码, 保险期间起,
# 保险期间止, 保额, 险种类型 — optional; each policy also goes into the register.
POLICY_COLUMNS.update(REGISTER_COLUMNS)
POLICY_KINDS.update({"period_start": DATE, "period_end": DATE})

# The columns of `kefu export callbacks` (services/exports.py); the outcome columns (状态, 结束方式 …)
# are not read: an import schedules callbacks, it does not replay their attempts.
CALLBACK_COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("回访类型", "类型", "kind"),
    "name": ("客户", "投保人", "姓名", "name"),
    "phone": ("联系电话", "电话", "phone"),
    "policy": ("保单号", "policy", "policy_no"),
    "product": ("险种", "产品", "product"),
    "branch": ("机构", "branch"),
    "handler": ("经办人", "回访人", "handler"),
    "receipt_date": ("回执签收日期", "回执日期", "receipt_date"),
    "cooling_off": ("犹豫期天数", "犹豫期", "cooling_off"),
    "closed_date": ("结案日期", "closed_date"),
    "complaint_id": ("关联投诉", "投诉编号", "complaint_id", "complaint"),
    "due": ("回访期限", "due"),
}
CALLBACK_REQUIRED = ("kind", "name", "phone")
CALLBACK_KINDS = {"receipt_date": DATE, "closed_date": DATE, "due": DATE}

YES = {"是", "y", "yes", "true", "1", "齐全", ""}
NO = {"否", "n", "no", "false", "0", "不全", "不齐全"}

# The option a service's message starts with → the column it is about (to name the column).
OPTION_FIELDS = {
    "--received": "received", "--channel": "channel", "--category": "category", "--name": "name",
    "--phone": "phone", "--relation": "relation", "--policy": "policy", "--summary": "summary",
    "--branch": "branch", "--handler": "handler", "--regulator-ref": "regulator_ref",
    "--regulator-due": "regulator_due", "--receipt-date": "receipt_date", "--cooling-off": "cooling_off",
    "--closed-date": "closed_date", "--due": "due", "--kind": "kind", "--complaint": "complaint_id",
}  # fmt: skip


@dataclass
class RowError:
    line: int
    message: str
    values: dict[str, str]
    column: str | None = None  # "受理时间(A 列)"

    def sentence(self) -> str:
        if self.column and self.message.startswith(self.column):  # "第 3 行 受理时间(A 列) 的日期 … 不存在"
            return f"第 {self.line} 行 {self.message}"
        where = f" {self.column}" if self.column else ""
        return f"第 {self.line} 行{where}: {self.message}"


@dataclass
class ImportResult:
    file: str
    kind: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    # every row not imported: {"line", "id", "reason", "unchanged"}; unchanged: the database
    # already holds this very row; otherwise skipped (repeated in the file, or different there)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    planned: int | None = None  # --dry-run: how many rows would be new
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header as written, key)

    def counts(self) -> dict[str, int]:
        unchanged = sum(1 for s in self.skipped if s.get("unchanged"))
        new = self.planned if self.planned is not None else len(self.created)
        return {"new": new, "unchanged": unchanged, "skipped": len(self.skipped) - unchanged}

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "created": counts["new"],
            "ids": self.created,
            "summary": counts,
            "skipped": self.skipped,
            "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in self.errors],
            "dry_run": self.dry_run,
        }


def _aliases(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias.lower(): key for key, names in columns.items() for alias in names} | {
        alias: key for key, names in columns.items() for alias in names
    }


def _read(
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


def _row_error(table: Table, row: CsvRow, exc: InputError, column: str | None = None) -> RowError:
    message = str(exc)
    return RowError(row.line, message, row.values, column or _column_of(table, message))


def _yes_no(value: str, field: str = "材料齐全") -> bool:
    v = value.strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise InputError(f"{field} 的值 '{value}' 无法识别,应为 是 或 否(空着也算 是)")


def _phone_key(value: str, field: str) -> str:
    """The phone as stored (domain/text.py `phone_number`): 010-88889999, (010) 8888 9999 and
    01088889999 are one number. A masked phone (138****5678, from an export without --unmask)
    cannot be imported."""
    from ..domain.text import phone_number

    if "*" in (value or ""):
        raise InputError(
            f"{field} 是打码的号码(如 138****5678),不能导入: 请用加 --unmask 导出的文件,或填写完整号码,例如 13812345678"
        )
    return phone_number(value, field)


def _date_or_text(value: str):
    """A date cell as a date to compare with the stored one (the text itself if it is no date)."""
    value = value.strip()
    try:
        return parse_date(value, "") if value else None
    except InputError:
        return value


def _differences(pairs: list[tuple[str, Any, Any]]) -> list[str]:
    return [name for name, mine, theirs in pairs if (mine or None) != (theirs or None)]


def _existing(reason: str, cid: str, different: list[str]) -> dict[str, Any]:
    if not different:
        return {"id": cid, "reason": reason, "unchanged": True}
    return {
        "id": cid,
        "reason": f"{reason},但 {'、'.join(different)} 与数据库中不同: 导入不更改已有记录(如需更正请用 edit 命令)",
        "unchanged": False,
    }


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


def _repeat(line: int, cid: str | None, first: int) -> dict[str, Any]:
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
            out.skipped.append(_repeat(row.line, earlier[0], earlier[1]))
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
                out.errors.append(_row_error(table, row, exc))
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


def _rows_error(result: ImportResult) -> RowsError:
    result.errors.sort(key=lambda e: e.line)
    first = result.errors[0]
    more = f"(另有 {len(result.errors) - 1} 行有误)" if len(result.errors) > 1 else ""
    return RowsError(result, f"{first.sentence()}{more}。整个文件未导入,请改正后重新导入")


class RowsError(InputError):
    """Some rows are bad: nothing was imported (or, if a row that passed the check fails when
    written, only the whole chunks before it). Carries the result with every row's error."""

    def __init__(self, result: ImportResult, message: str) -> None:
        super().__init__(message)
        self.result = result


def _new_result(table: Table, kind: str, dry_run: bool) -> ImportResult:
    result = ImportResult(table.path, kind, len(table.rows), dry_run=dry_run)
    result.columns = list(zip(table.headers, table.keys, strict=False))
    return result


def _check_at(at: dt.datetime | None) -> dt.datetime:
    """The registration time of every row (one for the whole file, as for one transaction)."""
    from . import clock

    now = clock.now()
    if at is not None:
        check_range(at, "--at")
        check_not_future(at, "--at", now)
    return at or now


def _import(
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
    at = _check_at(at)
    n = len(table.rows)
    result = _new_result(table, kind, dry_run)

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
        raise _rows_error(result)
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
            _failed(result, table, exc.line, exc.error)
        except Exception as exc:
            _database_failed(result, db, table.rows[start].line, exc)
        _merge(result, chunk)
        seen.update(chunk.keys)
        start = chunk.end
    return result


def _failed(result: ImportResult, table: Table, line: int, error: InputError):
    row = next((r for r in table.rows if r.line == line), CsvRow(line, {}))
    result.errors.append(_row_error(table, row, error))
    raise RowsError(result, _partial(result.errors[-1].sentence(), result)) from None


def _database_failed(result: ImportResult, db: str | None, line: int, exc: Exception):
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


# --- complaints -----------------------------------------------------------------------------
COMPLAINT_SEEN = "已导入过(同一接收时间、电话和保单号)"


class _Complaints:
    """The complaint columns of one file: its keys, its rows as `register` arguments, and the
    comparison of a row with the complaint already registered under its key."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.col = table.column

    def key(self, v: dict[str, str]) -> tuple[Hashable, str]:
        """What makes a complaint row "the same one": receipt time, phone (as stored), policy."""
        received = parse_datetime(v.get("received", ""), self.col("received"))
        phone = _phone_key(v.get("phone", ""), self.col("phone"))
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
        )

    def compare(self, v: dict[str, str], c) -> dict[str, Any]:
        """The row of a complaint already registered: unchanged, or which columns differ."""
        from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, parse_code

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
            ("regulator_due", _date_or_text(v.get("regulator_due", "")), c.regulator_due),
        ]
        different = _differences([(self.col(k), mine, theirs) for k, mine, theirs in pairs if k in present])
        return _existing(COMPLAINT_SEEN, c.id, different)


def _find_complaints(session, keys) -> dict[tuple, Any]:
    """The complaints already registered under these keys (receipt time, phone, policy)."""
    from sqlalchemy import select as sa_select

    from ..store.complaint_models import Complaint

    wanted = {k for k in keys if k is not None}
    phones = sorted({k[1] for k in wanted})
    found: dict[tuple, Any] = {}
    c = Complaint.__table__.c
    columns = [c.id, c.received_at, c.phone, c.policy_no, c.name, c.channel, c.category, c.relation, c.summary]
    columns += [c.branch, c.handler, c.regulator_ref, c.regulator_due]
    for i in range(0, len(phones), 400):
        stmt = sa_select(*columns).where(c.phone.in_(phones[i : i + 400])).order_by(c.id)
        for row in session.execute(stmt):
            k = (row.received_at, row.phone, row.policy_no)
            if k in wanted and k not in found:
                found[k] = row
    return found


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

    return _import(db, table, "complaints", one, cols.key, **options)


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

    at = _check_at(at)
    cols = _Complaints(table)
    rows = table.rows
    n = len(rows)
    result = _new_result(table, "complaints", dry_run)

    def tick(done: int) -> None:
        if progress and (done % 500 == 0 or done == 2 * n):
            progress(done, 2 * n)

    keys: list[tuple | None] = []
    for row in rows:
        try:
            keys.append(cols.key(row.values)[0])
        except InputError as exc:
            keys.append(None)
            result.errors.append(_row_error(table, row, exc))

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
                result.skipped.append(_repeat(row.line, None, first[k]))
            else:
                first[k] = row.line
                try:
                    regs[i] = check(checker, i)
                except InputError as exc:
                    result.errors.append(_row_error(table, row, exc))
    if result.errors:
        raise _rows_error(result)
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
            time.sleep(PAUSE_SECONDS)
        created: list[str] = []
        skipped: list[dict[str, Any]] = []
        mine: dict[tuple, tuple[str, int]] = {}
        try:
            with unit_of_work(db, clerk=clerk, at=at) as uow:
                writer = BulkWriter(uow)
                began = time.monotonic()
                i = start
                while i < n and i - start < CHUNK_ROWS and (i == start or time.monotonic() - began < CHUNK_SECONDS):
                    end = min(i + BATCH_ROWS, start + CHUNK_ROWS, n)
                    there = _find_complaints(uow.session, keys[i:end])
                    todo: list[Registration] = []
                    repeats: list[tuple[dict[str, Any], tuple]] = []
                    for j in range(i, end):
                        k, row = keys[j], rows[j]
                        earlier = done.get(k) or mine.get(k)
                        if earlier is not None:
                            entry = _repeat(row.line, earlier[0], earlier[1])
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
            _failed(result, table, exc.line, exc.error)
        except Exception as exc:
            _database_failed(result, db, rows[start].line, exc)
        result.created += created
        result.skipped += skipped
        done.update(mine)
        start = i
    tick(2 * n)
    return result


def import_complaints(db: str | None, path: str | Path, *, bulk: bool | None = None, **options) -> ImportResult:
    """`kefu import complaints`: each row registered as `kefu complaint add` would.

    On SQLite the rows are written in bulk (services/bulk.py); `bulk=False` (and any other
    database) registers them one by one through `register` — the same rows and events."""
    table = _read(path, COMPLAINT_COLUMNS, COMPLAINT_REQUIRED, COMPLAINT_KINDS)
    if bulk is None:
        bulk = store_db.is_sqlite(store_db.resolve_url(db))
    if bulk:
        return _complaints_in_bulk(db, table, **options)
    return _complaints_one_by_one(db, table, **options)


# --- new policies → new-policy callbacks ------------------------------------------------------
def _cooling_off(value: str, field: str) -> int | None:
    value = value.strip()
    if value and not re.fullmatch(r"[0-9]{1,3}", value):  # str.isdigit() also takes ² and ٣
        raise InputError(f"{field} 应为 1 到 366 的整数(半角数字),例如 15")
    return int(value) if value else None


def _callback_compare(table: Table, v: dict[str, str], row, reason: str) -> dict[str, Any]:
    from ..domain.text import phone_number

    def phone(value):
        try:
            return phone_number(value)
        except InputError:
            return value

    present = set(table.keys)
    pairs = [
        ("name", v.get("name", "").strip(), row.name),
        ("phone", phone(v.get("phone", "")), row.phone),
        ("product", v.get("product", "").strip(), row.product),
        ("receipt_date", _date_or_text(v.get("receipt_date", "")), row.receipt_date),
        ("closed_date", _date_or_text(v.get("closed_date", "")), row.closed_date),
        ("branch", v.get("branch", "").strip(), row.branch),
        ("handler", v.get("handler", "").strip(), row.handler),
    ]
    different = _differences([(table.column(k), mine, theirs) for k, mine, theirs in pairs if k in present])
    return _existing(reason, row.id, different)


def _policy_key(v: dict[str, str]) -> tuple[Hashable, str] | None:
    policy = v.get("policy", "").strip()
    return (policy, f"保单 {policy} 已安排新契约回访") if policy else None


def _new_policy_row(table: Table) -> RowFn:
    def one(uow: UnitOfWork, v: dict[str, str]) -> str | dict[str, Any]:
        from ..store.callback_models import Callback
        from .callbacks import NewCallback, add_callback

        policy = v.get("policy", "").strip()
        if not policy:
            raise InputError("保单号为空,例如 P2026110001")
        _phone_key(v.get("phone", ""), table.column("phone"))  # a masked phone says so
        from .policy_register import register_policies

        register_policies(uow, [v], column=table.column)  # the policy register (new, or its empty fields filled)
        existing = uow.session.exec(
            select(Callback).where(Callback.kind == "new_policy", Callback.policy_no == policy)
        ).first()
        if existing:
            return _callback_compare(table, v, existing, f"保单 {policy} 已安排新契约回访")
        row = add_callback(
            uow,
            NewCallback(
                kind="new_policy",
                name=v.get("name", ""),
                phone=v.get("phone", ""),
                policy_no=policy,
                product=v.get("product", "").strip(),
                branch=v.get("branch", "").strip(),
                handler=v.get("handler", "").strip(),
                receipt_date=parse_date(v.get("receipt_date", ""), table.column("receipt_date")),
                cooling_off_days=_cooling_off(v.get("cooling_off", ""), table.column("cooling_off")),
            ),
        )
        return row.id

    return one


def import_policies(db: str | None, path: str | Path, **options) -> ImportResult:
    """`kefu import policies`: a new-policy callback for each policy, as `kefu callback add` would,
    and the policy in the policy register (services/policy_register.py `register_policies`)."""
    table = _read(path, POLICY_COLUMNS, POLICY_REQUIRED, POLICY_KINDS)
    return _import(db, table, "policies", _new_policy_row(table), _policy_key, **options)


# --- callbacks (the columns of `kefu export callbacks`) ----------------------------------------
def _callback_kind(v: dict[str, str], field: str) -> str:
    from ..domain import callback as cb
    from ..domain.codes import parse_code

    return parse_code(cb.KINDS, v.get("kind", ""), field)


def _callbacks(table: Table) -> tuple[RowFn, KeyFn]:
    """The row function and key of `kefu import callbacks`.

    One callback per kind and: policy (new policy), complaint (complaint / regulator, as the
    complaint schedules it), policy + claim closing date + phone (claim), phone + policy + due
    date (satisfaction / other). A complaint callback whose complaint is not in this database
    is skipped and said (its complaint must be imported first; a decision schedules it)."""
    from ..store.callback_models import Callback

    col = table.column

    def parts(v: dict[str, str]):
        kind = _callback_kind(v, col("kind"))
        policy = v.get("policy", "").strip()
        complaint = v.get("complaint_id", "").strip().upper()
        closed = v.get("closed_date", "").strip()
        due = v.get("due", "").strip()
        return kind, policy, complaint, closed, due

    def key(v: dict[str, str]) -> tuple[Hashable, str] | None:
        kind, policy, complaint, closed, due = parts(v)
        if kind == "new_policy":
            return (("new_policy", policy), f"保单 {policy} 已安排新契约回访") if policy else None
        if kind in ("complaint", "regulator") and complaint:
            return (kind, complaint), f"投诉 {complaint} 已安排此类回访"
        phone = _phone_key(v.get("phone", ""), col("phone"))
        if kind == "claim":
            return (kind, policy, parse_date(closed, col("closed_date")) if closed else None, phone), "已安排过(同一保单、结案日期和电话)"
        return (kind, policy, parse_date(due, col("due")) if due else None, phone), "已安排过(同一类型、保单、期限和电话)"

    def one(uow: UnitOfWork, v: dict[str, str]) -> str | dict[str, Any]:
        from .callbacks import NewCallback, add_callback

        kind, policy, complaint, closed, due = parts(v)
        _phone_key(v.get("phone", ""), col("phone"))  # a masked phone (an export without --unmask) says so
        found = key(v)
        stmt = select(Callback).where(Callback.kind == kind)
        if kind == "new_policy":
            if not policy:
                raise InputError(f"{col('policy')} 为空: 新契约回访须有保单号,例如 P2026110001")
            stmt = stmt.where(Callback.policy_no == policy)
        elif kind in ("complaint", "regulator") and complaint:
            from ..store.complaint_models import Complaint

            if uow.session.get(Complaint, complaint) is None:
                return {
                    "id": None,
                    "reason": f"关联投诉 {complaint} 不在本数据库中,未导入(投诉的回访随投诉安排: 请先导入投诉)",
                    "unchanged": False,
                }
            stmt = stmt.where(Callback.complaint_id == complaint)
        else:
            _, _, day, phone = found[0]
            stmt = stmt.where(Callback.policy_no == policy, Callback.phone == phone)
            stmt = stmt.where((Callback.closed_date if kind == "claim" else Callback.due) == day)
        existing = uow.session.exec(stmt.order_by(Callback.id)).first()
        if existing is not None:
            return _callback_compare(table, v, existing, found[1])
        derived = kind in ("new_policy", "claim") or (kind in ("complaint", "regulator") and complaint)
        row = add_callback(
            uow,
            NewCallback(
                kind=kind,
                name=v.get("name", ""),
                phone=v.get("phone", ""),
                policy_no=policy,
                product=v.get("product", "").strip(),
                branch=v.get("branch", "").strip(),
                handler=v.get("handler", "").strip(),
                receipt_date=parse_date(v["receipt_date"], col("receipt_date"))
                if kind == "new_policy" and v.get("receipt_date", "").strip()
                else None,
                cooling_off_days=_cooling_off(v.get("cooling_off", ""), col("cooling_off"))
                if kind == "new_policy"
                else None,
                closed_date=parse_date(closed, col("closed_date")) if kind == "claim" and closed else None,
                due=None if derived or not due else parse_date(due, col("due")),  # a derived due is recomputed
                complaint_id=complaint or None,
            ),
        )
        return row.id

    return one, key


def import_callbacks(db: str | None, path: str | Path, **options) -> ImportResult:
    """`kefu import callbacks`: callbacks in the columns of `kefu export callbacks`, each
    scheduled as `kefu callback add` would."""
    table = _read(path, CALLBACK_COLUMNS, CALLBACK_REQUIRED, CALLBACK_KINDS)
    one, key = _callbacks(table)
    return _import(db, table, "callbacks", one, key, **options)


# --- the errors file ----------------------------------------------------------------------------
def write_error_report(result: ImportResult, dest: str | Path) -> Path:
    """The bad rows with the input's own headers plus 行号 and 错误: an .xlsx workbook when
    `dest` ends in .xlsx, else a UTF-8 (BOM) CSV for Excel."""
    from ..io.xlsxfile import Column, is_xlsx

    columns = list(result.columns)
    known = {k for _, k in columns}
    for e in result.errors:  # columns of the rows that the header did not name (should not happen)
        columns += [(k, k) for k in e.values if k not in known and not known.add(k)]
    headers = ["行号", "错误", *(h or k for h, k in columns)]
    rows = [[e.line, e.sentence(), *(e.values.get(k, "") for _, k in columns)] for e in result.errors]
    if is_xlsx(dest):
        from ..io.xlsxfile import INT, write_xlsx_atomic

        kinds = [Column("行号", INT), Column("错误"), *(Column(h) for h in headers[2:])]
        notes = [("文件", result.file), ("说明", "出错的行及原因;整个文件未导入,请在原文件中改正这些行后重新导入")]
        write_xlsx_atomic(dest, "导入错误", kinds, rows, notes)
    else:
        from ..io.csvfile import write_csv_atomic

        write_csv_atomic(dest, headers, rows)
    return Path(dest)
