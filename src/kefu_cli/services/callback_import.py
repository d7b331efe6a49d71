"""`kefu import policies` (a new-policy callback for each policy, and the policy in the policy
register) and `kefu import callbacks` (the columns of `kefu export callbacks`), row by row
through the service functions in the chunks of services/imports.py.

A callbacks file with their numbers, states or step columns (kefu's export from issue 21 on,
io/columns.py CALLBACK_STEPS) is replayed instead (`_history`, services/case_replay.py): each
callback scheduled at its 安排时间 under its number, then each attempt, reply, new appointment,
unreachable, cancel and void through services/callback_steps.py at its own time. A callback that
a complaint's or claim's import has scheduled here and nobody has called yet is continued with the
file's steps (its number is the one that import gave it)."""

from __future__ import annotations

import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from sqlmodel import select

from ..domain.errors import InputError
from ..domain.timeutil import parse_date
from ..io.columns import CALLBACK, CALLBACK_STEPS, import_kinds, import_names
from ..io.table import Table
from ..io.xlsxfile import DATE
from .context import UnitOfWork
from .import_results import ImportResult
from .import_table import date_or_text, differences, existing_entry, phone_key, read_rows
from .imports import KeyFn, RowFn, import_rows
from .policy_register import IMPORT_COLUMNS as REGISTER_COLUMNS

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

# The columns of `kefu export callbacks` (services/exports.py) a scheduling reads; the outcome columns
# (结束方式 …) are not read: a file with the step columns replays the steps (`_history`).
CALLBACK_READ = ("kind", "name", "phone", "policy", "product", "branch", "handler", "receipt_date", "cooling_off",
                 "closed_date", "complaint_id", "due")  # fmt: skip
CALLBACK_COLUMNS: dict[str, tuple[str, ...]] = import_names(CALLBACK, CALLBACK_READ)  # io/columns.py
CALLBACK_REQUIRED = ("kind", "name", "phone")
CALLBACK_KINDS = import_kinds(CALLBACK, CALLBACK_READ)


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
        ("receipt_date", date_or_text(v.get("receipt_date", "")), row.receipt_date),
        ("closed_date", date_or_text(v.get("closed_date", "")), row.closed_date),
        ("branch", v.get("branch", "").strip(), row.branch),
        ("handler", v.get("handler", "").strip(), row.handler),
    ]
    different = differences([(table.column(k), mine, theirs) for k, mine, theirs in pairs if k in present])
    return existing_entry(reason, row.id, different)


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
        phone_key(v.get("phone", ""), table.column("phone"))  # a masked phone says so
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
    table = read_rows(path, POLICY_COLUMNS, POLICY_REQUIRED, POLICY_KINDS)
    return import_rows(db, table, "policies", _new_policy_row(table), _policy_key, **options)


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
        phone = phone_key(v.get("phone", ""), col("phone"))
        if kind == "claim":
            return (kind, policy, parse_date(closed, col("closed_date")) if closed else None, phone), "已安排过(同一保单、结案日期和电话)"
        return (kind, policy, parse_date(due, col("due")) if due else None, phone), "已安排过(同一类型、保单、期限和电话)"

    def one(uow: UnitOfWork, v: dict[str, str]) -> str | dict[str, Any]:
        from .callbacks import NewCallback, add_callback

        kind, policy, complaint, closed, due = parts(v)
        phone_key(v.get("phone", ""), col("phone"))  # a masked phone (an export without --unmask) says so
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
    scheduled as `kefu callback add` would. A file with the callbacks' numbers, states or step
    columns (kefu's export of issue 21 on) is replayed: `_history`."""
    table = read_rows(path, HISTORY_COLUMNS, CALLBACK_REQUIRED, HISTORY_KINDS)
    if HISTORY & set(table.keys):
        return _history(db, table, **options)
    one, key = _callbacks(table)
    return import_rows(db, table, "callbacks", one, key, **options)


# --- callbacks with their history (kefu's export: 回访编号, 状态 and the step columns) ----------------
HISTORY = {"id", "status", *CALLBACK_STEPS}
HISTORY_COLUMNS = import_names(CALLBACK, (*CALLBACK_READ, *sorted(HISTORY, key=list(CALLBACK).index)))
HISTORY_KINDS = import_kinds(CALLBACK, HISTORY_COLUMNS)
RANK = {name: i for i, name in enumerate(("attempt", "resolve", "reschedule", "unreachable", "cancel", "void"))}


def _history_plan(table: Table, i: int, row, at) -> Any:
    """A callback row as a Plan (services/case_replay.py): its scheduling at 安排时间 and each attempt,
    reply, new appointment, unreachable, cancel and void through services/callback_steps.py."""
    from ..domain import callback as cb
    from ..domain.codes import parse_code
    from ..domain.timeutil import parse_datetime
    from . import callback_steps as steps
    from .case_replay import Plan, Step, each, needs, one_time, times
    from .casework import void

    v = row.values
    col = table.column
    _, key = _callbacks(table)
    kind, policy, complaint, closed, due = _history_parts(table, v)
    phone = phone_key(v.get("phone", ""), col("phone"))
    number = (v.get("id") or "").strip().upper() or None
    status = parse_code(cb.STATUSES, v["status"], col("status")) if (v.get("status") or "").strip() else None
    added = one_time(table, v, "added_at") or at

    def register(uow: UnitOfWork) -> str:
        from .callbacks import NewCallback, add_callback

        derived = kind in ("new_policy", "claim") or (kind in ("complaint", "regulator") and complaint)
        return add_callback(
            uow,
            NewCallback(
                kind=kind, name=v.get("name", ""), phone=phone, policy_no=policy, product=v.get("product", "").strip(),
                branch=v.get("branch", "").strip(), handler=v.get("handler", "").strip(),
                receipt_date=parse_date(v["receipt_date"], col("receipt_date"))
                if kind == "new_policy" and v.get("receipt_date", "").strip() else None,
                cooling_off_days=_cooling_off(v.get("cooling_off", ""), col("cooling_off"))
                if kind == "new_policy" else None,
                closed_date=parse_date(closed, col("closed_date")) if kind == "claim" and closed else None,
                due=None if derived or not due else parse_date(due, col("due")), complaint_id=complaint or None,
                number=number,
            ),
        ).id  # fmt: skip

    plan = Plan(i, row.line, number, status, added, "added_at" if "added_at" in v else "kind", register)
    add = plan.steps.append
    tries = times(table, v, "attempt_at")
    n = len(tries)
    if n:
        methods = each(needs(table, v, "attempt_method", "attempt_at", HISTORY_COLUMNS), n)
        results = each(needs(table, v, "attempt_result", "attempt_at", HISTORY_COLUMNS), n)
        recordings, receipts = each(v.get("attempt_recording"), n), each(v.get("attempt_receipt"), n)
        notes, problems = each(v.get("attempt_note"), n), each(v.get("attempt_problem"), n)
        for t, m, r, rec, got, note, problem in zip(tries, methods, results, recordings, receipts, notes, problems,
                                                    strict=True):  # fmt: skip
            options = dict(
                method=parse_code(cb.METHODS, m or "", col("attempt_method")),
                result=parse_code(cb.RESULTS, r or "", col("attempt_result")), recording=rec,
                receipt=(got or "") in ("是", "yes", "true", "1"), note=note, problem=problem,
            )  # fmt: skip
            add(Step(t, RANK["attempt"], "attempt_at",
                     lambda uow, cid, o=options: steps.record_attempt(uow, cid, **o)))  # fmt: skip
    replies = times(table, v, "resolved_at")
    for t, reply in zip(replies, each(v.get("reply"), len(replies)), strict=True):
        add(Step(t, RANK["resolve"], "resolved_at", lambda uow, cid, r=reply: steps.resolve(uow, cid, r or "")))
    moved = times(table, v, "rescheduled_at")
    if moved:
        targets = each(needs(table, v, "rescheduled_to", "rescheduled_at", HISTORY_COLUMNS), len(moved))
        reasons = each(v.get("reschedule_reason"), len(moved))
        for t, to, why in zip(moved, targets, reasons, strict=True):
            when = parse_datetime(to or "", col("rescheduled_to"))
            add(Step(t, RANK["reschedule"], "rescheduled_at",
                     lambda uow, cid, w=when, y=why: steps.reschedule(uow, cid, w, y or "")))  # fmt: skip
    for key_at, key_why, name, fn in (
        ("unreachable_at", "unreachable_reason", "unreachable", steps.mark_unreachable),
        ("cancelled_at", "cancel_reason", "cancel", steps.cancel),
    ):
        t = one_time(table, v, key_at)
        if t is not None:
            why = needs(table, v, key_why, key_at, HISTORY_COLUMNS)
            add(Step(t, RANK[name], key_at, lambda uow, cid, f=fn, y=why: f(uow, cid, y)))
    voided = one_time(table, v, "voided_at")
    if voided is not None:
        why = needs(table, v, "void_reason", "voided_at", HISTORY_COLUMNS)
        add(Step(voided, RANK["void"], "voided_at", lambda uow, cid: void(uow, "callback", cid, reason=why)))
    for step in plan.steps:
        if step.at < added:
            raise InputError(f"{col(step.column)} {step.at:%Y-%m-%d %H:%M} 早于安排时间 {added:%Y-%m-%d %H:%M}: "
                             "各步骤须在安排之后")  # fmt: skip

    def skip(uow: UnitOfWork) -> str | None:
        """A complaint's callback whose complaint is not here: said, as the scheduling import says it."""
        from ..store.complaint_models import Complaint

        if kind in ("complaint", "regulator") and complaint and uow.session.get(Complaint, complaint) is None:
            return f"关联投诉 {complaint} 不在本数据库中,未导入(投诉的回访随投诉安排: 请先导入投诉)"
        return None

    def find(uow: UnitOfWork):
        from ..store.callback_models import Callback

        stmt = select(Callback).where(Callback.kind == kind)
        if kind == "new_policy":
            stmt = stmt.where(Callback.policy_no == policy)
        elif kind in ("complaint", "regulator") and complaint:
            stmt = stmt.where(Callback.complaint_id == complaint)
        else:
            _, _, day, _ = key(v)[0]
            stmt = stmt.where(Callback.policy_no == policy, Callback.phone == phone)
            stmt = stmt.where((Callback.closed_date if kind == "claim" else Callback.due) == day)
        return uow.session.exec(stmt.order_by(Callback.id)).first()

    def adopt(uow: UnitOfWork, there) -> bool:
        """A callback scheduled here by its complaint's or claim's import, not yet called: the file's
        steps continue it."""
        from ..store.models import AuditEvent

        if there.status != cb.Status.OPEN:
            return False
        stmt = select(AuditEvent.id).where(AuditEvent.entity == "callback", AuditEvent.entity_id == there.id,
                                           AuditEvent.action != "add")  # fmt: skip
        return uow.session.exec(stmt).first() is None

    plan.skip, plan.find, plan.adopt = skip, find, adopt
    return plan


def _history_parts(table: Table, v: dict[str, str]):
    kind = _callback_kind(v, table.column("kind"))
    return (kind, v.get("policy", "").strip(), v.get("complaint_id", "").strip().upper(),
            v.get("closed_date", "").strip(), v.get("due", "").strip())  # fmt: skip


def _history(db, table: Table, *, dry_run: bool = False, clerk=None, at=None, progress=None) -> ImportResult:
    from ..domain import callback as cb
    from ..domain.codes import label
    from ..store.callback_models import Callback
    from .case_replay import plans_or_errors, replay
    from .imports import check_at

    when = check_at(at)
    return replay(
        db, table, "callbacks", plans_or_errors(table, "callbacks", lambda i, row: _history_plan(table, i, row, when)),
        model=Callback, what="回访", status_zh=lambda s: label(cb.STATUSES, s), dry_run=dry_run, clerk=clerk,
        progress=progress,
    )  # fmt: skip
