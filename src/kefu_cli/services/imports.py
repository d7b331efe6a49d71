"""Bulk imports from CSV: complaints, and new policies (which schedule new-policy callbacks).

All or nothing: every row goes through the same service function a clerk's command uses,
each inside a savepoint; if any row is bad, the whole import is rolled back and the error
names the rows (and `--errors FILE` writes them out, with the reason, for fixing in Excel).
A row that was already imported (same receipt time, phone and policy for a complaint; an
existing new-policy callback for a policy) is skipped, so running the same file twice is safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import select

from ..domain.errors import InputError
from ..domain.timeutil import parse_date, parse_datetime
from ..io.csvfile import CsvRow, read_rows
from .context import UnitOfWork, unit_of_work

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


class _DryRun(Exception):
    pass


@contextmanager
def _import_uow(db: str | None, clerk: str | None, at: dt.datetime | None, dry_run: bool) -> Iterator[UnitOfWork]:
    """A unit of work that is rolled back at the end of a dry run."""
    try:
        with unit_of_work(db, clerk=clerk, at=at) as uow:
            yield uow
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


def _run(
    uow: UnitOfWork,
    result: ImportResult,
    rows: list[CsvRow],
    one: Callable[[UnitOfWork, dict[str, str]], str | dict[str, Any] | None],
    progress: Callable[[int], None] | None,
) -> None:
    """Each row in a savepoint: a bad row is recorded and undone, the rest go on being checked."""
    for i, row in enumerate(rows, start=1):
        savepoint = uow.session.begin_nested()
        try:
            out = one(uow, row.values)
        except InputError as exc:
            savepoint.rollback()
            result.errors.append(RowError(row.line, str(exc), row.values))
        else:
            savepoint.commit()
            if isinstance(out, dict):
                result.skipped.append({"line": row.line, **out})
            elif out:
                result.created.append(out)
        if progress:
            progress(i)
    if result.errors:
        first = result.errors[0]
        more = f"(另有 {len(result.errors) - 1} 行有误)" if len(result.errors) > 1 else ""
        raise RowsError(result, f"第 {first.line} 行: {first.message}{more}。整个文件未导入,请改正后重新导入")


class RowsError(InputError):
    """Some rows are bad: nothing was imported. Carries the result with every row's error."""

    def __init__(self, result: ImportResult, message: str) -> None:
        super().__init__(message)
        self.result = result


def _import(
    db: str | None,
    path: str | Path,
    kind: str,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    one: Callable[[UnitOfWork, dict[str, str]], str | dict[str, Any]],
    *,
    dry_run: bool = False,
    clerk: str | None = None,
    at: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    rows = _read(path, columns, required)
    result = ImportResult(str(path), kind, len(rows), dry_run=dry_run)
    with _import_uow(db, clerk, at, dry_run) as uow:
        _run(uow, result, rows, one, (lambda i: progress(i, len(rows))) if progress else None)
    return result


# --- complaints -----------------------------------------------------------------------------
def _complaint_row(uow: UnitOfWork, v: dict[str, str]) -> str | dict[str, Any]:
    from ..store.complaint_models import Complaint
    from .complaints import register

    received = parse_datetime(v.get("received", ""), "受理时间")
    phone = v.get("phone", "").strip()
    policy = v.get("policy", "").strip()
    existing = uow.session.exec(
        select(Complaint.id).where(
            Complaint.received_at == received, Complaint.phone == phone, Complaint.policy_no == policy
        )
    ).first()
    if existing:
        return {"id": existing, "reason": "已导入过(同一接收时间、电话和保单号)"}
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
    return _import(db, path, "complaints", COMPLAINT_COLUMNS, COMPLAINT_REQUIRED, _complaint_row, **options)


# --- new policies → new-policy callbacks ------------------------------------------------------
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
    if cooling and not cooling.isdigit():
        raise InputError(f"犹豫期天数 '{cooling}' 应为整数,例如 15")
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
    return _import(db, path, "policies", POLICY_COLUMNS, POLICY_REQUIRED, _policy_row, **options)


def write_error_report(result: ImportResult, dest: str | Path) -> Path:
    """The bad rows with their line number and reason, as a UTF-8 (BOM) CSV for Excel."""
    from ..io.csvfile import write_csv_atomic

    keys: list[str] = []
    for e in result.errors:
        keys += [k for k in e.values if k not in keys]
    rows = [[e.line, e.message, *[e.values.get(k, "") for k in keys]] for e in result.errors]
    write_csv_atomic(dest, ["行号", "错误", *keys], rows)
    return Path(dest)
