"""Callbacks (回访): registration — `kefu callback add`, the callbacks a complaint decision schedules,
and the due-date rules of each kind.

One function per user action; each runs inside the caller's unit of work, writes the
callback row, its deadline rows and an audit event together. Nothing is deleted.
Every step writes its event through the case core (services/core.py `step` / `new_row`): the
callback row's columns are the fold of its events (domain/callback.py `apply`), its attempt and
follow-up rows are built by the fold `db verify` rebuilds them with (domain/rows.py); no column
is set here. The steps after registration (attempts, follow-ups, outcomes) are in
services/callback_steps.py; reading (show, list) is in services/callback_views.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from ..domain import callback as cb
from ..domain.codes import label
from ..domain.deadlines import DeadlineKind, DeadlineStatus
from ..domain.errors import InputError, NotFoundError, RuleError
from ..domain.policy import citation
from ..store.callback_models import Callback
from ..store.models import Deadline
from . import core
from .context import UnitOfWork
from .deadlines import open_deadlines, start_deadline
from .numbering import next_number

CASE_TYPE = "callback"
PREFIX = "HF"


@dataclass(frozen=True, slots=True)
class NewCallback:
    """What a clerk types for `kefu callback add`."""

    kind: str
    name: str
    phone: str
    policy_no: str = ""
    product: str = ""
    branch: str = ""
    handler: str = ""
    receipt_date: dt.date | None = None  # new_policy
    cooling_off_days: int | None = None  # new_policy, default from the policy table
    closed_date: dt.date | None = None  # claim
    due: dt.date | None = None  # satisfaction / other
    complaint_id: str | None = None  # complaint / regulator
    again: bool = False  # new_policy: a second callback for a policy that already has one
    new_handler: bool = False  # add the handler / branch to the master lists
    new_branch: bool = False
    number: str | None = None  # the callback's own number (an import of kefu's export keeps it)


def _insert(
    uow: UnitOfWork,
    data: NewCallback,
    *,
    start_at: dt.datetime,
    rule: str | None = None,
    amount: int | None = None,
    fixed_due: dt.date | None = None,
    basis: str,
) -> Callback:
    if data.number:
        from .numbering import keep_number

        cid = keep_number(uow, PREFIX, data.number)
    else:
        cid = next_number(uow, PREFIX, uow.at.date())
    row = start_deadline(
        uow,
        case_type=CASE_TYPE,
        case_id=cid,
        kind=DeadlineKind.CALLBACK,
        start_at=start_at,
        rule=rule,
        amount=amount,
        fixed_due=fixed_due,
        basis=basis,
        branch=data.branch,
        handler=data.handler,
    )
    details = {
        "kind": data.kind,
        "complaint_id": data.complaint_id,
        "policy_no": data.policy_no,
        "due": row.due,
        "provisional": row.provisional,
        "basis": basis,
        # the whole registration, so the fold (domain/callback.py apply) rebuilds every column
        "name": data.name,
        "phone": data.phone,
        "product": data.product,
        "branch": data.branch,
        "handler": data.handler,
        "receipt_date": data.receipt_date,
        "cooling_off_days": data.cooling_off_days,
        "closed_date": data.closed_date,
        "deadline_id": row.id,
    }
    callback = core.new_row(uow, CASE_TYPE, cid, "add", cb.Status.OPEN.value, details, created_by=uow.clerk)
    uow.session.flush()
    core.register_event(uow, CASE_TYPE, callback, "add", details)
    return callback


# --- scheduling ---------------------------------------------------------------------


def _regulator_report_due(uow: UnitOfWork, complaint) -> dt.date | None:
    """The complaint's report deadline to the regulator: its own field, else its open row."""
    if getattr(complaint, "regulator_due", None) is not None:
        return complaint.regulator_due
    rows = open_deadlines(uow, "complaint", complaint.id, [DeadlineKind.REGULATOR_REPORT])
    return min((r.due for r in rows), default=None)


def schedule_complaint_callback(uow: UnitOfWork, complaint, kind: str) -> Callback:
    """Schedule the callback a complaint needs, in the caller's unit of work.

    - kind "complaint": after the decision; due per `callback.complaint` from
      `complaint.decided_at` (or the action time when not set yet);
    - kind "regulator": every regulator-transferred complaint; due per `callback.regulator`
      from the time received, but never later than the complaint's report deadline
      (`complaint.regulator_due`, else its open `regulator_report` deadline row).

    Adds the callback row, its `callback` deadline row and an audit event. Idempotent: when
    the complaint already has a callback of this kind, that one is returned unchanged.
    """
    kind = str(kind)
    if kind not in (cb.CallbackKind.COMPLAINT, cb.CallbackKind.REGULATOR):
        raise ValueError(f"complaint callbacks are 'complaint' or 'regulator', not {kind!r}")
    existing = uow.session.exec(
        select(Callback).where(Callback.complaint_id == complaint.id, Callback.kind == kind)
    ).first()
    if existing is not None:
        return existing
    data = NewCallback(
        kind=kind,
        name=complaint.name,
        phone=complaint.phone,
        policy_no=complaint.policy_no or "",
        branch=complaint.branch or "",
        handler=complaint.handler or "",
        complaint_id=complaint.id,
    )
    if kind == cb.CallbackKind.COMPLAINT:
        start = complaint.decided_at or uow.at
        rule = uow.policy.rule("callback.complaint")
        return _insert(
            uow,
            data,
            start_at=start,
            rule=rule.key,
            basis=f"{citation(rule)};投诉 {complaint.id} 处理决定后回访",
        )
    start = complaint.received_at or uow.at
    rule = uow.policy.rule("callback.regulator")
    report_due = _regulator_report_due(uow, complaint)
    own = uow.calendar.add_workdays(start.date(), rule.value).date
    if report_due is not None and report_due < own:
        return _insert(
            uow,
            data,
            start_at=start,
            fixed_due=report_due,
            basis=f"{rule.source} 不晚于报告期限 {report_due.isoformat()};监管转办投诉 {complaint.id} 回访",
        )
    return _insert(
        uow,
        data,
        start_at=start,
        rule=rule.key,
        basis=f"{citation(rule)};监管转办投诉 {complaint.id} 收到后回访",
    )


# --- add ------------------------------------------------------------------------------


def required_text(value: str | None, field: str, example: str, limit: int = 50, multiline: bool = False) -> str:
    """Trimmed, non-empty text; control characters and over-long values refused (domain/text.py)."""
    from ..domain.text import clean_text

    if not (value or "").strip():
        raise InputError(f"{field} 不能为空,例如 {field} {example}")
    return clean_text(value, field, limit, True, multiline=multiline, example=example)


def _check_phone(phone: str) -> str:
    """`+`/ASCII digits only (full-width digits converted); the value is never echoed in errors."""
    from ..domain.text import phone_number

    return phone_number(phone, "--phone")


def _not_for(kind: str, **given) -> None:
    """Options that belong to other kinds are refused rather than silently ignored."""
    belongs = {"--receipt-date": "new_policy", "--cooling-off": "new_policy", "--closed-date": "claim"}
    for opt, value in given.items():
        if value is not None:
            raise InputError(
                f"{opt} 只用于 --kind {belongs[opt]}({label(cb.KINDS, belongs[opt])}),"
                f"不适用于 --kind {kind}({label(cb.KINDS, kind)})"
            )


def add_callback(uow: UnitOfWork, data: NewCallback) -> Callback:
    """`kefu callback add`: a callback of any kind, with its `callback` deadline row.

    - new_policy: `receipt_date` (signed policy receipt) + cooling-off days (default
      `callback.new_policy_cooling_off`), calendar days rolled to a working day (民法典 §203);
    - claim: `closed_date` + `callback.claim` working days;
    - complaint / regulator: from the complaint (`complaint_id`) as `schedule_complaint_callback`,
      or with an explicit `due` for a complaint handled outside kefu;
    - satisfaction / other: an explicit `due`.
    """
    kind = data.kind
    today = uow.at.date()
    if kind in (cb.CallbackKind.COMPLAINT, cb.CallbackKind.REGULATOR) and data.complaint_id:
        _not_for(kind, **{"--receipt-date": data.receipt_date, "--cooling-off": data.cooling_off_days})
        _not_for(kind, **{"--closed-date": data.closed_date})
        from ..store.complaint_models import Complaint

        complaint = uow.session.get(Complaint, data.complaint_id)
        if complaint is None:
            raise NotFoundError(f"投诉 {data.complaint_id} 不存在,请用 `kefu complaint list` 查找投诉编号")
        if kind == cb.CallbackKind.REGULATOR and not complaint.regulator_ref:
            raise RuleError(f"投诉 {complaint.id} 不是监管转办投诉,不能安排监管转办回访;请用 --kind complaint")
        if kind == cb.CallbackKind.COMPLAINT and complaint.decided_at is None:
            raise RuleError(
                f"投诉 {complaint.id} 尚未作出处理决定(状态: {complaint.status}),投诉处理回访在处理决定后安排"
            )
        return schedule_complaint_callback(uow, complaint, kind)

    data = _replace(
        data,
        name=required_text(data.name, "--name", "王小明", limit=50),
        phone=_check_phone(data.phone),
        policy_no=(data.policy_no or "").strip(),
    )
    from .masters import ensure_branch, ensure_handler

    branch = ensure_branch(uow, data.branch, data.new_branch)
    data = _replace(data, branch=branch, handler=ensure_handler(uow, data.handler, branch, data.new_handler))
    if kind == cb.CallbackKind.NEW_POLICY:
        if data.policy_no and not data.again:
            earlier = uow.session.exec(
                select(Callback.id).where(
                    Callback.policy_no == data.policy_no,
                    Callback.kind == cb.CallbackKind.NEW_POLICY,
                    Callback.voided_at.is_(None),
                )
            ).first()
            if earlier is not None:
                raise RuleError(
                    f"保单 {data.policy_no} 已有新契约回访 {earlier}(用 `kefu callback show {earlier}` 查看);"
                    "确需再次回访请加 --again"
                )
        _not_for(kind, **{"--closed-date": data.closed_date})
        if data.due is not None:
            raise InputError("新契约回访的期限由回执签收日和犹豫期推算,不能用 --due 指定;请给出 --receipt-date")
        if data.receipt_date is None:
            raise InputError("新契约回访须给出投保人签收回执的日期 --receipt-date,例如 --receipt-date 2026-09-20")
        if data.receipt_date > today:
            raise InputError(f"--receipt-date {data.receipt_date} 晚于今天 {today},回执尚未签收时不能安排回访")
        rule = uow.policy.rule("callback.new_policy_cooling_off")
        days = rule.value if data.cooling_off_days is None else data.cooling_off_days
        if not 1 <= days <= 366:
            raise InputError(f"--cooling-off 犹豫期天数 {days} 无效,应为 1 到 366 的整数,例如 15")
        data = _replace(data, cooling_off_days=days)
        return _insert(
            uow,
            data,
            start_at=dt.datetime.combine(data.receipt_date, dt.time()),
            rule=rule.key,
            amount=days,
            basis=f"{citation(rule, days)};回执签收日 {data.receipt_date} 起犹豫期内回访(末日为休息日顺延, 民法典第二百零三条)",
        )
    _not_for(kind, **{"--receipt-date": data.receipt_date, "--cooling-off": data.cooling_off_days})
    if kind == cb.CallbackKind.CLAIM:
        if data.due is not None:
            raise InputError("理赔回访的期限由结案日推算,不能用 --due 指定;请给出 --closed-date")
        if data.closed_date is None:
            raise InputError("理赔回访须给出结案日期 --closed-date,例如 --closed-date 2026-09-30")
        if data.closed_date > today:
            raise InputError(f"--closed-date {data.closed_date} 晚于今天 {today},理赔结案后才能安排回访")
        rule = uow.policy.rule("callback.claim")
        return _insert(
            uow,
            data,
            start_at=dt.datetime.combine(data.closed_date, dt.time()),
            rule=rule.key,
            basis=f"{citation(rule)};理赔结案日 {data.closed_date} 后回访",
        )
    _not_for(kind, **{"--closed-date": data.closed_date})
    if data.due is None:
        extra = "或用 --complaint 投诉编号 从投诉安排" if kind in ("complaint", "regulator") else ""
        raise InputError(f"{label(cb.KINDS, kind)}回访须给出期限 --due,例如 --due 2026-10-15{extra}")
    if data.due < today:
        raise InputError(f"--due {data.due} 早于今天 {today},请给出今天或以后的日期")
    return _insert(
        uow, data, start_at=uow.at, fixed_due=data.due, basis=f"{label(cb.KINDS, kind)}回访,指定期限 {data.due}"
    )


def _replace(data: NewCallback, **changes) -> NewCallback:
    import dataclasses

    return dataclasses.replace(data, **changes)


def overdue_warnings(uow: UnitOfWork, row: Callback, deadlines: list[Deadline]) -> list[str]:
    """A callback registered already past its deadline (a receipt date entered late): said."""
    out = []
    for d in deadlines:
        if d.status == DeadlineStatus.OPEN and d.due_at < uow.at:
            start = {cb.CallbackKind.NEW_POLICY: f"回执签收日 {row.receipt_date}",
                     cb.CallbackKind.CLAIM: f"结案日 {row.closed_date}"}.get(row.kind, "规则")  # fmt: skip
            out.append(f"按{start} 推算,回访期限 {d.due} 已过,本回访登记时即已逾期;请尽快回访,逾期将如实统计")
    return out
