"""Bulk imports from CSV: complaints, and new policies (which schedule new-policy callbacks).

Every row goes through the same service function a clerk's command uses, with its audit
events in the same transaction as the row.

1. Check: the whole file is run through the services first, one savepoint per row, in short
   write transactions that are rolled back. If any row is bad, nothing is written and the
   error names the rows (`--errors FILE` writes them out, with the reason, for Excel).
   `--dry-run` stops here (its numbers are per checked chunk: they may repeat, and the real
   import numbers rows in file order). A file that fits in the first transaction is committed
   right there.
2. Write: the rows again, in file order, in chunks of at most CHUNK_ROWS rows and about
   CHUNK_SECONDS each, every chunk its own write transaction. Between chunks the import pauses
   a moment, so a clerk's `complaint add` waiting for the lock gets it within a second or two
   instead of waiting for the whole file.

A row that is already in the database (same receipt time, phone and policy for a complaint;
an existing new-policy callback for a policy) is skipped, so running the same file twice is
safe, and an import that was killed half way finishes the job when run again: the chunks it
committed are skipped, the rest written, no row twice.
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
from ..domain.timeutil import now_cst, parse_date, parse_datetime
from ..io.csvfile import CsvRow, read_rows
from ..store import db as store_db
from .context import UnitOfWork, unit_of_work

CHUNK_ROWS = 2000  # at most this many rows in one write transaction …
CHUNK_SECONDS = 1.0  # … and about this long at most (a clerk waits no longer for the lock)
PAUSE_SECONDS = 0.15  # between chunks: longer than SQLite's longest busy-handler sleep (0.1 s),
# so a writer that is waiting for the lock takes it now rather than after the whole file

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

YES = {"是", "y", "yes", "true", "1", "齐全", ""}
NO = {"否", "n", "no", "false", "0", "不全", "不齐全"}


@dataclass
class RowError:
    line: int
    message: str
    values: dict[str, str]


@dataclass
class ImportResult:
    file: str
    kind: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "created": len(self.created),
            "ids": self.created,
            "skipped": self.skipped,
            "errors": [{"line": e.line, "message": e.message} for e in self.errors],
            "dry_run": self.dry_run,
        }


def _aliases(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias.lower(): key for key, names in columns.items() for alias in names} | {
        alias: key for key, names in columns.items() for alias in names
    }


def _read(path: str | Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> list[CsvRow]:
    header, rows = read_rows(path, aliases=_aliases(columns))
    missing = [k for k in required if k not in header]
    if missing:
        names = "、".join(f"{columns[k][0]}({k})" for k in missing)
        example = ",".join(columns[k][0] for k in columns)
        raise InputError(f"文件 {path} 缺少必需的列: {names}。表头示例: {example}")
    if not rows:
        raise InputError(f"文件 {path} 没有数据行")
    return rows


def _yes_no(value: str) -> bool:
    v = value.strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise InputError(f"“材料齐全”的值 '{value}' 无法识别,应为 是 或 否")


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
    keys: dict[Hashable, str] = field(default_factory=dict)


def _chunk(
    uow: UnitOfWork,
    rows: list[CsvRow],
    start: int,
    one: RowFn,
    key: KeyFn,
    seen: dict[Hashable, str] | None,
    tick: Callable[[int], None],
) -> _Chunk:
    """Rows from `start` on, in file order, until the chunk is full (CHUNK_ROWS, CHUNK_SECONDS).

    Checking (`seen` given): each row in a savepoint, a bad row is recorded and undone and the
    rest go on being checked; a row that repeats one of an earlier, rolled-back chunk counts as
    skipped, as it will be when written. Writing (`seen` None): a bad row fails the chunk.
    """
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
        if seen is not None and k is not None and k[0] in seen:
            out.skipped.append({"line": row.line, "id": seen[k[0]], "reason": k[1]})
            tick(i)
            continue
        if seen is None:
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
                out.errors.append(RowError(row.line, str(exc), row.values))
                tick(i)
                continue
            savepoint.commit()
        if isinstance(result, dict):
            out.skipped.append({"line": row.line, **result})
        elif result:
            out.created.append(result)
            if k is not None:
                out.keys[k[0]] = result
        tick(i)
    out.end = i
    return out


def _merge(result: ImportResult, chunk: _Chunk) -> None:
    result.created += chunk.created
    result.skipped += chunk.skipped
    result.errors += chunk.errors


def _rows_error(result: ImportResult) -> RowsError:
    first = result.errors[0]
    more = f"(另有 {len(result.errors) - 1} 行有误)" if len(result.errors) > 1 else ""
    return RowsError(result, f"第 {first.line} 行: {first.message}{more}。整个文件未导入,请改正后重新导入")


class RowsError(InputError):
    """Some rows are bad: nothing was imported (or, if a row that passed the check fails when
    written, only the whole chunks before it). Carries the result with every row's error."""

    def __init__(self, result: ImportResult, message: str) -> None:
        super().__init__(message)
        self.result = result


def _import(
    db: str | None,
    path: str | Path,
    kind: str,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    one: RowFn,
    key: KeyFn,
    *,
    dry_run: bool = False,
    clerk: str | None = None,
    at: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    rows = _read(path, columns, required)
    at = at or now_cst()  # one registration time for every chunk, as for one transaction
    n = len(rows)
    result = ImportResult(str(path), kind, n, dry_run=dry_run)

    def tick(done: int) -> None:  # checking is the first half of the work, writing the second
        if progress:
            progress(done, 2 * n)

    # 1. Check every row; nothing stays written unless the whole file fits in the first chunk.
    seen: dict[Hashable, str] = {}
    start, kept = 0, False
    while start < n and not kept:
        if start:
            time.sleep(PAUSE_SECONDS)
        try:
            with unit_of_work(db, clerk=clerk, at=at) as uow:
                chunk = _chunk(uow, rows, start, one, key, seen, tick)
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
        tick(2 * n)
        return result

    # 2. Write, chunk by chunk; each chunk commits whole (rows with their audit events) or not at all.
    result.created, result.skipped = [], []
    start = 0
    while start < n:
        time.sleep(PAUSE_SECONDS)
        try:
            with unit_of_work(db, clerk=clerk, at=at) as uow:
                chunk = _chunk(uow, rows, start, one, key, None, lambda i: tick(n + i))
        except _RowFailed as exc:
            # passed the check but not now: another clerk changed something in between
            values = next((r.values for r in rows if r.line == exc.line), {})
            result.errors.append(RowError(exc.line, str(exc.error), values))
            raise RowsError(result, _partial(exc.line, str(exc.error), result)) from None
        except Exception as exc:
            known = store_db.explain(exc, store_db.resolve_url(db))
            if known is None or not result.created:
                raise
            raise store_db.DatabaseError(_partial(rows[start].line, str(known), result)) from None
        _merge(result, chunk)
        start = chunk.end
    return result


def _partial(line: int, problem: str, result: ImportResult) -> str:
    """The message of a write that stopped after some chunks were committed."""
    problem = problem.replace(store_db.NOTHING_SAVED, "正在写入的这一批没有保存")
    return (
        f"导入在第 {line} 行(或其后同一批)停止: {problem};此前已分批保存 {len(result.created)} 条"
        "(每批完整,带审计记录),解决后重新运行同一命令会跳过已导入的行,接着导入其余的行"
    )


# --- complaints -----------------------------------------------------------------------------
COMPLAINT_SEEN = "已导入过(同一接收时间、电话和保单号)"


def _complaint_key(v: dict[str, str]) -> tuple[Hashable, str]:
    """What makes a complaint row "the same one": receipt time, phone (as stored), policy."""
    received = parse_datetime(v.get("received", ""), "受理时间")
    # the phone as `register` stores it (spaces and dashes dropped), or a re-run would not find it
    phone = v.get("phone", "").strip().replace(" ", "").replace("-", "")
    return (received, phone, v.get("policy", "").strip()), COMPLAINT_SEEN


def _complaint_row(uow: UnitOfWork, v: dict[str, str]) -> str | dict[str, Any]:
    from ..store.complaint_models import Complaint
    from .complaints import register

    (received, phone, policy), _ = _complaint_key(v)
    existing = uow.session.exec(
        select(Complaint.id).where(
            Complaint.received_at == received, Complaint.phone == phone, Complaint.policy_no == policy
        )
    ).first()
    if existing:
        return {"id": existing, "reason": COMPLAINT_SEEN}
    reg_due = v.get("regulator_due", "").strip()
    out = register(
        uow,
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
        incomplete=not _yes_no(v.get("complete", "")),
        regulator_ref=v.get("regulator_ref", "").strip() or None,
        regulator_due=parse_date(reg_due, "监管报告期限") if reg_due else None,
    )
    return out["id"]


def import_complaints(db: str | None, path: str | Path, **options) -> ImportResult:
    """`kefu import complaints`: each row registered as `kefu complaint add` would."""
    return _import(
        db, path, "complaints", COMPLAINT_COLUMNS, COMPLAINT_REQUIRED, _complaint_row, _complaint_key, **options
    )


# --- new policies → new-policy callbacks ------------------------------------------------------
def _policy_key(v: dict[str, str]) -> tuple[Hashable, str] | None:
    policy = v.get("policy", "").strip()
    return (policy, f"保单 {policy} 已安排新契约回访") if policy else None


def _policy_row(uow: UnitOfWork, v: dict[str, str]) -> str | dict[str, Any]:
    from ..store.callback_models import Callback
    from .callbacks import NewCallback, add_callback

    policy = v.get("policy", "").strip()
    if not policy:
        raise InputError("保单号为空,例如 P2026110001")
    existing = uow.session.exec(
        select(Callback.id).where(Callback.kind == "new_policy", Callback.policy_no == policy)
    ).first()
    if existing:
        return {"id": existing, "reason": f"保单 {policy} 已安排新契约回访"}
    cooling = v.get("cooling_off", "").strip()
    if cooling and not re.fullmatch(r"[0-9]{1,3}", cooling):  # str.isdigit() also takes ² and ٣
        raise InputError("犹豫期天数应为 1 到 366 的整数(半角数字),例如 15")
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
            receipt_date=parse_date(v.get("receipt_date", ""), "回执签收日期"),
            cooling_off_days=int(cooling) if cooling else None,
        ),
    )
    return row.id


def import_policies(db: str | None, path: str | Path, **options) -> ImportResult:
    """`kefu import policies`: a new-policy callback for each policy, as `kefu callback add` would."""
    return _import(db, path, "policies", POLICY_COLUMNS, POLICY_REQUIRED, _policy_row, _policy_key, **options)


def write_error_report(result: ImportResult, dest: str | Path) -> Path:
    """The bad rows with their line number and reason, as a UTF-8 (BOM) CSV for Excel."""
    from ..io.csvfile import write_csv_atomic

    keys: list[str] = []
    for e in result.errors:
        keys += [k for k in e.values if k not in keys]
    rows = [[e.line, e.message, *[e.values.get(k, "") for k in keys]] for e in result.errors]
    write_csv_atomic(dest, ["行号", "错误", *keys], rows)
    return Path(dest)
