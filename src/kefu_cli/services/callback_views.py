"""Callbacks (回访): reading — one callback with its attempts, follow-ups and escalation state,
its JSON view (`kefu callback show`), and the filtered list (`kefu callback list`).
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from ..domain import callback as cb
from ..domain.errors import NotFoundError, RuleError
from ..store.callback_models import Callback, CallbackAttempt, CallbackFollowup
from ..store.models import Deadline
from .callback_read import ListFilter, deadline_view, next_of, shown  # noqa: F401 - ListFilter: read from here too
from .callbacks import CASE_TYPE
from .context import UnitOfWork
from .deadlines import case_deadlines


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


def show(uow: UnitOfWork, callback_id: str, as_of: dt.date | None = None) -> dict:
    """`kefu callback show`: the callback as it stands, or, for a day before today (`as_of`), as
    its events left it at the end of that day (services/past.py): its columns from its fold, its
    deadlines as they stood judged on the day, the attempts and follow-ups made by then in their
    state then, its events up to then. A callback registered later: NotFoundError. A later day:
    today's rows, a breach judged at the end of that day (as every reader judges it on a day)."""
    from ..domain.report import as_of_moment
    from .past import past_of

    row = get_callback(uow, callback_id)
    if as_of is not None and as_of > uow.now.date():
        return callback_view(uow, row, at=as_of_moment(as_of))
    past = past_of(uow, as_of) if as_of is not None else None
    return callback_view(uow, row) if past is None else callback_view(uow, past.row(CASE_TYPE, row), past=past)


def callback_view(uow: UnitOfWork, row: Callback, full: bool = True, past=None, at: dt.datetime | None = None) -> dict:
    """The JSON shape of one callback (`show`), or of a list item (`full=False`); a breach judged
    at `at` (default now); with `past` (services/past.py `Past`, `row` as it stood then) the rest
    as it stood at the end of its day."""
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
    attempts, followups = attempts_of(uow, row.id), followups_of(uow, row.id)
    deadlines, now, events = case_deadlines(uow, CASE_TYPE, row.id), at or uow.now, _events(uow, row.id)
    if past is not None:  # a past day: what was made by then, in its state then, judged at its end
        from ..domain.report import as_of_moment
        from .deadlines import case_timeline

        deadlines = past.deadline_rows(deadlines, case_timeline(uow, CASE_TYPE, row.id, deadlines))
        attempts, followups = past.callback_rows(events, attempts, followups)
        now, events = as_of_moment(past.as_of), past.events(events)
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
            "deadlines": [deadline_view(d, now) for d in deadlines],
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
                for f in followups
            ],
            "events": events,
        }
    )
    out["next_step"] = next_of(out).as_dict()
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
            "details": shown(json.loads(e.details or "{}")),
        }
        for e in uow.session.exec(stmt).all()
    ]


def next_deadlines(uow: UnitOfWork, ids: list[str]) -> dict[str, dict]:
    """The next running deadline of each of these callbacks as lists show it, judged today
    (services/deadline_query.py `next_running`): {kind, due, provisional, paused, overdue,
    working_days_left}; a case with none is left out."""
    from .deadline_query import next_running

    return next_running(uow, CASE_TYPE, ids, uow.now.date())


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
    if f.overdue:  # the rule of every list's --overdue (deadline_query.OVERDUE_SQL), as of today
        from ..domain.deadlines import DeadlineStatus

        late = select(Deadline.case_id).where(
            Deadline.case_type == CASE_TYPE, Deadline.status == DeadlineStatus.OPEN, Deadline.due < uow.now.date()
        )
        stmt = stmt.where(col(Callback.id).in_(late))
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


def list_page(db, f: ListFilter, limit: int | None) -> tuple[list, int, dict]:
    """`callback list` through a read-only unit of work and the ORM (the reference; a current SQLite
    file is read by services/callback_read.py `quick_list`): the first `limit` rows, how many more
    were left out, the next running deadline of each listed case."""
    from .context import unit_of_work

    with unit_of_work(db, write=False) as uow:
        found = list_callbacks(uow, f)
        more = max(0, len(found) - limit) if limit else 0
        found = found[:limit] if limit else found
        nxt = next_deadlines(uow, [row.id for row, _esc in found])
        return [(callback_view(uow, row, full=False), esc) for row, esc in found], more, nxt
