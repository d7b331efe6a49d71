"""Callbacks (回访): schedule, record attempts, follow up problems, KPIs.

One function per user action; each runs inside the caller's unit of work, writes the
callback row, its deadline rows and an audit event together. Nothing is deleted.
Every step writes its event through the case core (services/core.py `step` / `new_row`): the
callback row's columns are the fold of its events (domain/callback.py `apply`), its attempt and
follow-up rows are built by the fold `db verify` rebuilds them with (domain/rows.py); no column
is set here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from ..domain import callback as cb
from ..domain import rows as row_folds
from ..domain.codes import label
from ..domain.deadlines import DeadlineKind, DeadlineStatus, is_breached
from ..domain.errors import InputError, NotFoundError, RuleError
from ..store.callback_models import Callback, CallbackAttempt, CallbackFollowup
from ..store.models import Deadline
from . import core
from .context import UnitOfWork
from .deadlines import case_deadlines, close_deadline, open_deadlines, start_deadline
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
            basis=f"投诉 {complaint.id} 处理决定后 {rule.value} 个工作日内回访({rule.source})",
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
            basis=f"监管转办投诉 {complaint.id} 回访,不晚于报告期限 {report_due.isoformat()}",
        )
    return _insert(
        uow,
        data,
        start_at=start,
        rule=rule.key,
        basis=f"监管转办投诉 {complaint.id} 收到后 {rule.value} 个工作日内回访({rule.source})",
    )


# --- add ------------------------------------------------------------------------------


def _require(value: str | None, field: str, example: str, limit: int = 50, multiline: bool = False) -> str:
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
        name=_require(data.name, "--name", "王小明", limit=50),
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
            basis=f"回执签收日 {data.receipt_date} 起犹豫期 {days} 日内回访(末日为休息日顺延, 民法典第二百零三条)",
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
            basis=f"理赔结案日 {data.closed_date} 后 {rule.value} 个工作日内回访({rule.source})",
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


# --- reading --------------------------------------------------------------------------


def get_callback(uow: UnitOfWork, callback_id: str, change: bool = False) -> Callback:
    """The callback; with `change`, refused when it was voided (a voided case never changes)."""
    row = uow.session.get(Callback, (callback_id or "").strip().upper())
    if row is None:
        raise NotFoundError(f"回访 {callback_id} 不存在,请用 `kefu callback list` 查找回访编号,例如 HF-20261008-0001")
    if change and row.voided_at is not None:
        raise RuleError(f"回访 {row.id} 已作废({row.void_reason}),不能再更改")
    return row


def attempts_of(uow: UnitOfWork, callback_id: str) -> list[CallbackAttempt]:
    stmt = (
        select(CallbackAttempt)
        .where(CallbackAttempt.callback_id == callback_id)
        .order_by(col(CallbackAttempt.at), col(CallbackAttempt.id))
    )
    return list(uow.session.exec(stmt).all())


def followups_of(uow: UnitOfWork, callback_id: str) -> list[CallbackFollowup]:
    stmt = (
        select(CallbackFollowup).where(CallbackFollowup.callback_id == callback_id).order_by(col(CallbackFollowup.id))
    )
    return list(uow.session.exec(stmt).all())


def state_of(uow: UnitOfWork, row: Callback, attempts: list[CallbackAttempt] | None = None) -> cb.Escalation:
    attempts = attempts_of(uow, row.id) if attempts is None else attempts
    facts = [cb.AttemptFact(a.method, a.result) for a in attempts]
    return cb.escalation(facts, uow.policy["callback.phone_attempts"], ended=row.status != cb.Status.OPEN)


# --- attempts and outcomes --------------------------------------------------------------


def _close(uow: UnitOfWork, row: Callback, status: cb.Status) -> None:
    """The callback deadline of a callback that ends in `status` (the row's columns, ended_at
    and the outcome, are its fold's: domain/callback.py `apply`)."""
    # Success, refusal and "unreachable after every method" discharge the duty to call back (met);
    # a policy withdrawn or surrendered before the callback makes it unnecessary.
    closing = DeadlineStatus.NOT_APPLICABLE if status == cb.Status.CANCELLED else DeadlineStatus.MET
    for d in open_deadlines(uow, CASE_TYPE, row.id, [DeadlineKind.CALLBACK]):
        close_deadline(uow, d, closing, uow.at)


def record_attempt(
    uow: UnitOfWork,
    callback_id: str,
    method: str,
    result: str,
    *,
    recording: str | None = None,
    receipt: bool = False,
    note: str | None = None,
    problem: str | None = None,
) -> tuple[Callback, CallbackAttempt, CallbackFollowup | None]:
    """`kefu callback attempt`: one attempt; a success/refusal/cancellation ends the case;
    a problem found opens a follow-up with a `callback_reply` deadline."""
    row = get_callback(uow, callback_id, change=True)
    attempts = attempts_of(uow, row.id)
    state = state_of(uow, row, attempts)
    n_phone = uow.policy["callback.phone_attempts"]
    cb.check_attempt(
        method,
        result,
        recording=recording,
        receipt=receipt,
        problem=problem,
        status=row.status,
        state=state,
        phone_attempts=n_phone,
        case_id=row.id,
    )
    uow.check_order(CASE_TYPE, row.id, f"回访 {row.id}")
    facts = {
        "method": method,
        "result": result,
        "recording": (recording or "").strip() or None,
        "receipt": receipt,
        "note": note,
        "problem": (problem or "").strip() or None,
    }
    attempt = CallbackAttempt(**row_folds.attempt_row(row.id, uow.at, uow.clerk, facts))
    uow.session.add(attempt)
    uow.session.flush()
    before = row.status
    ending = cb.ENDING.get(cb.Result(result))
    if ending is not None:
        _close(uow, row, ending)
    after = str(ending) if ending is not None else before
    core.step(uow, CASE_TYPE, row, "attempt", (before, after), None, attempt_id=attempt.id, **facts)
    followup = None
    if attempt.problem:
        followup = _open_followup(uow, row, attempt)
    return row, attempt, followup


def _open_followup(uow: UnitOfWork, row: Callback, attempt: CallbackAttempt) -> CallbackFollowup:
    rule = uow.policy.rule("callback.reply")
    deadline = start_deadline(
        uow,
        case_type=CASE_TYPE,
        case_id=row.id,
        kind=DeadlineKind.CALLBACK_REPLY,
        start_at=uow.at,
        rule=rule.key,
        basis=f"回访发现问题: {attempt.problem[:80]};{rule.value} 个工作日内答复({rule.source})",
        branch=row.branch,
        handler=row.handler,
    )
    facts = {"problem": attempt.problem, "attempt_id": attempt.id, "deadline_id": deadline.id}
    followup = CallbackFollowup(**row_folds.followup_row(row.id, uow.at, facts))
    uow.session.add(followup)
    uow.session.flush()
    core.step(uow, CASE_TYPE, row, "problem", (row.status, row.status), None, followup_id=followup.id,
              problem=attempt.problem, reply_due=deadline.due, attempt_id=attempt.id, deadline_id=deadline.id)  # fmt: skip
    return followup


def mark_unreachable(uow: UnitOfWork, callback_id: str, reason: str) -> Callback:
    """`kefu callback unreachable`: every method failed; the reason is recorded."""
    row = get_callback(uow, callback_id, change=True)
    state = state_of(uow, row)
    cb.check_unreachable(row.status, state, uow.policy["callback.phone_attempts"], reason, row.id)
    uow.check_order(CASE_TYPE, row.id, f"回访 {row.id}")
    _close(uow, row, cb.Status.UNREACHABLE)
    core.step(
        uow, CASE_TYPE, row, "unreachable", (row.status, cb.Status.UNREACHABLE.value), None, reason=reason.strip()
    )
    return row


def cancel(uow: UnitOfWork, callback_id: str, reason: str) -> Callback:
    """`kefu callback cancel`: the policy was cancelled (e.g. surrendered in the cooling-off period)
    before the callback: it ends as cancelled (回访前撤退保), outside the success-rate base, and
    its deadline no longer applies."""
    row = get_callback(uow, callback_id, change=True)
    if row.status != cb.Status.OPEN:
        raise RuleError(f"回访 {row.id} 已结束(状态: {cb.STATUSES[row.status][0]}),不能再取消;只有待回访的回访可以取消")
    uow.check_order(CASE_TYPE, row.id, f"回访 {row.id}")
    _close(uow, row, cb.Status.CANCELLED)
    core.step(uow, CASE_TYPE, row, "cancel", (row.status, cb.Status.CANCELLED.value), None, reason=reason)
    return row


def overdue_warnings(uow: UnitOfWork, row: Callback, deadlines: list[Deadline]) -> list[str]:
    """A callback registered already past its deadline (a receipt date entered late): said."""
    out = []
    for d in deadlines:
        if d.status == DeadlineStatus.OPEN and d.due_at < uow.at:
            start = {cb.CallbackKind.NEW_POLICY: f"回执签收日 {row.receipt_date}",
                     cb.CallbackKind.CLAIM: f"结案日 {row.closed_date}"}.get(row.kind, "规则")  # fmt: skip
            out.append(f"按{start} 推算,回访期限 {d.due} 已过,本回访登记时即已逾期;请尽快回访,逾期将如实统计")
    return out


def reschedule(uow: UnitOfWork, callback_id: str, to: dt.datetime, reason: str) -> dict:
    """`kefu callback reschedule`: the customer asked to be called at `to`. The rule's deadline
    does not move; a time after it is accepted and flagged late (event `late: true`)."""
    reason = _require(reason, "--reason", "客户要求周五上午回电", limit=2000, multiline=True)
    row = get_callback(uow, callback_id, change=True)
    if row.status != cb.Status.OPEN:
        raise RuleError(f"回访 {row.id} 已结束(状态: {cb.STATUSES[row.status][0]}),不能再改约时间")
    uow.check_order(CASE_TYPE, row.id, f"回访 {row.id}")
    if to < uow.at:
        raise InputError(
            f"--to 预约时间 {to:%Y-%m-%d %H:%M} 早于现在({uow.at:%Y-%m-%d %H:%M}): 请给出客户约定的以后的时间,"
            f"例如 --to {(uow.at + dt.timedelta(days=1)):%Y-%m-%d}T10:00"
        )
    rule_rows = [d for d in open_deadlines(uow, CASE_TYPE, row.id, [DeadlineKind.CALLBACK])]
    due_at = min((d.due_at for d in rule_rows), default=None)
    late = due_at is not None and to > due_at
    before = row.scheduled_at
    core.step(uow, CASE_TYPE, row, "reschedule", (row.status, row.status), None, to=to, before=before,
              reason=reason, late=late, due=row.due)  # fmt: skip
    return {"id": row.id, "scheduled_at": to, "before": before, "due": row.due, "late": late, "reason": reason,
            "at": uow.at}  # fmt: skip


def resolve(uow: UnitOfWork, callback_id: str, reply: str, followup_id: int | None = None) -> CallbackFollowup:
    """`kefu callback resolve`: reply to a problem found in a callback (the oldest open one, or
    `followup_id`), which meets its `callback_reply` deadline."""
    row = get_callback(uow, callback_id, change=True)
    reply = _require(reply, "--reply", "已核实并重新由投保人亲笔签名", limit=2000, multiline=True)
    open_ones = [f for f in followups_of(uow, row.id) if f.resolved_at is None]
    if not open_ones:
        raise RuleError(f"回访 {row.id} 没有待答复的问题;回访中发现问题时用 attempt --problem 登记")
    if followup_id is None:
        followup = open_ones[0]
    else:
        matches = [f for f in open_ones if f.id == followup_id]
        if not matches:
            ids = "、".join(str(f.id) for f in open_ones)
            raise RuleError(f"回访 {row.id} 没有待答复的问题 {followup_id};待答复的问题编号: {ids}")
        followup = matches[0]
    uow.check_order(CASE_TYPE, row.id, f"回访 {row.id}")
    facts = {"followup_id": followup.id, "reply": reply}
    for k, v in row_folds.followup_reply(uow.at, uow.clerk, facts).items():
        setattr(followup, k, v)
    uow.session.add(followup)
    if followup.deadline_id is not None:
        d = uow.session.get(Deadline, followup.deadline_id)
        if d is not None and d.status == DeadlineStatus.OPEN:
            close_deadline(uow, d, DeadlineStatus.MET, uow.at)
    core.step(uow, CASE_TYPE, row, "resolve", (row.status, row.status), None, **facts)
    return followup


def reply_was_late(uow: UnitOfWork, followup: CallbackFollowup) -> bool:
    """Whether the reply to a callback problem came after its 5-working-day limit (逾期完成)."""
    d = uow.session.get(Deadline, followup.deadline_id) if followup.deadline_id is not None else None
    return bool(d is not None and d.breached)


# --- views -------------------------------------------------------------------------------


def deadline_view(d: Deadline, now: dt.datetime) -> dict:
    return {
        "kind": d.kind,
        "due": d.due,
        "provisional": d.provisional,
        "status": d.status,
        "met_at": d.met_at,
        "late": bool(d.met_at and d.met_at > d.due_at),
        "breached": is_breached(d.breached, d.status, d.due_at, now),
        "basis": d.basis,
    }


def callback_view(uow: UnitOfWork, row: Callback, full: bool = True) -> dict:
    """The JSON shape of one callback (`show`), or of a list item (`full=False`)."""
    out = {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "name": row.name,
        "phone": row.phone,
        "policy_no": row.policy_no,
        "product": row.product,
        "branch": row.branch,
        "handler": row.handler,
        "due": row.due,
        "scheduled_at": row.scheduled_at,
        "voided_at": row.voided_at,
        "void_reason": row.void_reason,
    }
    if not full:
        return out
    attempts = attempts_of(uow, row.id)
    out.update(
        {
            "receipt_date": row.receipt_date,
            "cooling_off_days": row.cooling_off_days,
            "closed_date": row.closed_date,
            "complaint_id": row.complaint_id,
            "ended_at": row.ended_at,
            "outcome_method": row.outcome_method,
            "outcome_reason": row.outcome_reason,
            "next": str(state_of(uow, row, attempts).next),
            "deadlines": [deadline_view(d, uow.now) for d in case_deadlines(uow, CASE_TYPE, row.id)],
            "attempts": [
                {
                    "id": a.id,
                    "at": a.at,
                    "clerk": a.clerk,
                    "method": a.method,
                    "result": a.result,
                    "recording": a.recording,
                    "receipt": a.receipt,
                    "note": a.note,
                    "problem": a.problem,
                }
                for a in attempts
            ],
            "followups": [
                {
                    "id": f.id,
                    "problem": f.problem,
                    "opened_at": f.opened_at,
                    "reply": f.reply,
                    "resolved_at": f.resolved_at,
                    "resolved_by": f.resolved_by,
                }
                for f in followups_of(uow, row.id)
            ],
            "events": _events(uow, row.id),
        }
    )
    return out


def _events(uow: UnitOfWork, callback_id: str) -> list[dict]:
    import json

    from ..store.models import AuditEvent

    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == CASE_TYPE, AuditEvent.entity_id == callback_id)
        .order_by(col(AuditEvent.id))
    )
    return [
        {
            "at": e.at,
            "clerk": e.clerk,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "details": _shown(json.loads(e.details or "{}")),
        }
        for e in uow.session.exec(stmt).all()
    ]


def _shown(details: dict) -> dict:
    """An event's details as `show` gives them: without the rows' write time its transaction
    carries for `db verify` (services/core.py `event`), as before events carried it."""
    details.pop("row_time", None)
    return details


@dataclass(frozen=True, slots=True)
class ListFilter:
    status: str | None = None
    kind: str | None = None
    branch: str | None = None
    handler: str | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    next_only: bool = False  # open cases only, with the method each needs next
    all: bool = False  # voided callbacks too
    name: str | None = None  # part of the customer's name
    phone: str | None = None  # the whole number or its last 4 digits
    policy: str | None = None  # part of the policy number


def list_callbacks(uow: UnitOfWork, f: ListFilter) -> list[tuple[Callback, cb.Escalation | None]]:
    from ..domain.timeutil import check_span

    check_span(f.due_from, f.due_to, "--due-from", "--due-to")
    stmt = select(Callback)
    status = cb.Status.OPEN if f.next_only else f.status
    if status:
        stmt = stmt.where(Callback.status == status)
    if f.kind:
        stmt = stmt.where(Callback.kind == f.kind)
    from .masters import check_names

    check_names(uow.session, branch=f.branch, handler=getattr(f, "handler", None))
    if f.branch:
        stmt = stmt.where(Callback.branch == f.branch)
    if f.handler:
        stmt = stmt.where(Callback.handler == f.handler)
    if f.name:
        stmt = stmt.where(col(Callback.name).contains(f.name.strip(), autoescape=True))
    if f.phone:
        from ..domain.text import phone_filter

        digits, tail = phone_filter(f.phone)
        stmt = stmt.where(col(Callback.phone).endswith(digits) if tail else Callback.phone == digits)
    if f.policy:
        stmt = stmt.where(col(Callback.policy_no).contains(f.policy.strip(), autoescape=True))
    if f.due_from:
        stmt = stmt.where(Callback.due >= f.due_from)
    if f.due_to:
        stmt = stmt.where(Callback.due <= f.due_to)
    if not f.all:
        stmt = stmt.where(col(Callback.voided_at).is_(None))
    rows = list(uow.session.exec(stmt.order_by(col(Callback.due), col(Callback.id))).all())
    if not f.next_only:
        return [(r, None) for r in rows]
    # One query for the attempts of every listed case, grouped here.
    by_case: dict[str, list[cb.AttemptFact]] = {r.id: [] for r in rows}
    if rows:
        att = select(CallbackAttempt.callback_id, CallbackAttempt.method, CallbackAttempt.result).order_by(
            col(CallbackAttempt.at), col(CallbackAttempt.id)
        )
        if len(rows) <= 500:
            att = att.where(col(CallbackAttempt.callback_id).in_(list(by_case)))
        for cid, method, result in uow.session.exec(att).all():
            if cid in by_case:
                by_case[cid].append(cb.AttemptFact(method, result))
    n = uow.policy["callback.phone_attempts"]
    return [(r, cb.escalation(by_case[r.id], n)) for r in rows]
