"""Callbacks (回访): the steps after registration — attempts, the follow-up of a problem found,
unreachable, cancel, reschedule and resolve.

Each runs inside the caller's unit of work and writes its event through the case core
(services/core.py `step`); the callback row's columns are the fold of its events
(domain/callback.py `apply`), its attempt and follow-up rows are built by domain/rows.py.
"""

from __future__ import annotations

import datetime as dt

from ..domain import callback as cb
from ..domain import rows as row_folds
from ..domain.deadlines import DeadlineKind, DeadlineStatus
from ..domain.errors import InputError, RuleError
from ..domain.policy import citation
from ..domain.timeutil import example_workday
from ..store.callback_models import Callback, CallbackAttempt, CallbackFollowup
from ..store.models import Deadline
from . import core
from .callback_views import attempts_of, followups_of, get_callback, state_of
from .callbacks import CASE_TYPE, required_text
from .context import UnitOfWork
from .deadlines import close_deadline, open_deadlines, start_deadline


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
        basis=f"{citation(rule)};回访发现问题: {attempt.problem[:80]}",
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


def reschedule(uow: UnitOfWork, callback_id: str, to: dt.datetime, reason: str) -> dict:
    """`kefu callback reschedule`: the customer asked to be called at `to`. The rule's deadline
    does not move; a time after it is accepted and flagged late (event `late: true`)."""
    reason = required_text(reason, "--reason", "客户要求周五上午回电", limit=2000, multiline=True)
    row = get_callback(uow, callback_id, change=True)
    if row.status != cb.Status.OPEN:
        raise RuleError(f"回访 {row.id} 已结束(状态: {cb.STATUSES[row.status][0]}),不能再改约时间")
    uow.check_order(CASE_TYPE, row.id, f"回访 {row.id}")
    if to < uow.at:
        raise InputError(
            f"--to 预约时间 {to:%Y-%m-%d %H:%M} 早于现在({uow.at:%Y-%m-%d %H:%M}): 请给出客户约定的以后的时间,"
            f"例如 --to {example_workday(uow.calendar, uow.at.date()):%Y-%m-%d}T10:00"
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
    reply = required_text(reply, "--reply", "已核实并重新由投保人亲笔签名", limit=2000, multiline=True)
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
