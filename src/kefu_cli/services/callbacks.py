"""Callbacks (回访): schedule, record attempts, follow up problems, KPIs.

One function per user action; each runs inside the caller's unit of work, writes the
callback row, its deadline rows and an audit event together. Nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from ..domain import callback as cb
from ..domain.codes import label
from ..domain.deadlines import DeadlineKind, DeadlineStatus
from ..domain.errors import InputError, NotFoundError, RuleError
from ..store.callback_models import Callback, CallbackAttempt, CallbackFollowup
from ..store.models import Deadline
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
    callback = Callback(
        id=cid,
        kind=data.kind,
        name=data.name,
        phone=data.phone,
        policy_no=data.policy_no,
        product=data.product,
        branch=data.branch,
        handler=data.handler,
        receipt_date=data.receipt_date,
        cooling_off_days=data.cooling_off_days,
        closed_date=data.closed_date,
        complaint_id=data.complaint_id,
        due=row.due,
        status=cb.Status.OPEN,
        created_at=uow.recorded_at,
        created_by=uow.clerk,
        updated_at=uow.recorded_at,
    )
    uow.session.add(callback)
    uow.session.flush()
    uow.audit(
        CASE_TYPE,
        cid,
        "add",
        None,
        cb.Status.OPEN,
        kind=data.kind,
        complaint_id=data.complaint_id,
        policy_no=data.policy_no,
        due=row.due,
        provisional=row.provisional,
        basis=basis,
    )
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
