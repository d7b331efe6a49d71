"""Deadline rows: start one from a policy rule, pause/resume it, close it, recompute running ones.

Every rule that sets a time limit goes through `start_deadline`, so the deadlines table is
the one place reports read. Rows are never deleted: a replaced row becomes `superseded`,
one that no longer applies `not_applicable`, a fulfilled one `met` with its `met_at`.

Every change of a row is an effect of the action's event (domain/effects.py): the event of
the case carries it, with `state`, the row as it stands after the change (`snapshot`). The
events are the record — a point-in-time report folds them (the last state of each deadline at
a moment, services/deadline_query.py), and the row is the projection kept for speed.

A breach stays a breach: `breached` becomes true when a row is closed, paused or replaced
after its due time, and nothing sets it back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import col, select

from ..domain.deadlines import (
    RUNNING,
    DeadlineKind,
    DeadlineStatus,
    Due,
    compute_due,
    pause_amount,
)
from ..domain.policy import Unit
from ..domain.timeutil import iso_date, iso_datetime
from ..store.models import Deadline
from .context import UnitOfWork
from .deadline_query import deadline_view, timeline_of  # noqa: F401 - deadline_view moved there, read from here too


def start_deadline(
    uow: UnitOfWork,
    *,
    case_type: str,
    case_id: str,
    kind: DeadlineKind | str,
    start_at: dt.datetime,
    rule: str | None = None,
    amount: int | None = None,
    unit: Unit | str | None = None,
    fixed_due: dt.date | None = None,
    extra_workdays: int = 0,
    paused_days: int = 0,
    basis: str = "",
    branch: str = "",
    handler: str = "",
) -> Deadline:
    """Add a deadline row. The number comes from the policy table (`rule`) unless a fixed
    due date is given (e.g. the regulator's), or `amount`/`unit` override it explicitly."""
    if rule is not None and rule != "fixed":
        r = uow.policy.rule(rule)
        amount = r.value if amount is None else amount
        unit = r.unit if unit is None else unit
    if fixed_due is not None:
        rule, unit, amount = rule or "fixed", unit or Unit.DAYS, amount or 0
    if rule is None or unit is None or amount is None:
        raise ValueError("a deadline needs a policy rule or a fixed due date")
    due = compute_due(uow.calendar, start_at, unit, amount, extra_workdays, fixed_due, paused_days)
    row = Deadline(
        case_type=case_type,
        case_id=case_id,
        kind=str(kind),
        rule=rule,
        unit=str(unit),
        amount=amount,
        extra_workdays=extra_workdays,
        paused_days=paused_days,
        start_at=start_at,
        fixed_due=fixed_due,
        due=due.due,
        due_at=due.due_at,
        provisional=due.provisional,
        basis=basis,
        status=DeadlineStatus.OPEN,
        branch=branch,
        handler=handler,
        created_at=uow.recorded_at,
        updated_at=uow.recorded_at,
    )
    uow.session.add(row)
    uow.session.flush()
    record(uow, row, "open", None, basis=basis, rule=rule, unit=str(unit), amount=amount)
    return row


# The fields of a deadline that reports read: the `state` of each deadline event.
STATE_FIELDS = ("case_type", "case_id", "kind", "status", "start_at", "due", "due_at", "provisional")


def snapshot(row: Deadline) -> dict:
    """The row as reports see it, JSON-ready (dates ISO), stored in every deadline event."""
    return snapshot_of(
        row.case_type, row.case_id, row.kind, row.status, iso_datetime(row.start_at), iso_date(row.due),
        iso_datetime(row.due_at), bool(row.provisional), bool(row.breached), iso_datetime(row.paused_at),
        iso_datetime(row.met_at), iso_datetime(row.closed_at), row.branch, row.handler,
    )  # fmt: skip


def snapshot_of(
    case_type: str, case_id: str, kind: str, status: str, start_at: str | None, due: str | None, due_at: str | None,
    provisional: bool, breached: bool, paused_at: str | None, met_at: str | None, closed_at: str | None,
    branch: str, handler: str,
) -> dict:  # fmt: skip
    """`snapshot` from values already as it stores them (dates ISO text, flags bool): the bulk
    import (services/bulk.py) formats each repeated date once instead of once per row."""
    return {
        "case_type": case_type,
        "case_id": case_id,
        "kind": kind,
        "status": status,
        "start_at": start_at,
        "due": due,
        "due_at": due_at,
        "provisional": provisional,
        "breached": breached,
        "paused_at": paused_at,
        "met_at": met_at,
        "closed_at": closed_at,
        "branch": branch,
        "handler": handler,
    }


def record(uow: UnitOfWork, row: Deadline, action: str, before: str | None, **details) -> None:
    """The effect of a change of `row` on the action's event, with the row's state after it (and its
    terms and basis, which `state` leaves out)."""
    details.setdefault("basis", row.basis)
    details.setdefault("row_time", iso_datetime(uow.recorded_at))  # the row's created/updated_at
    case = f"{row.case_type}:{row.case_id}"
    details = {"case": case, "kind": row.kind, "state": snapshot(row), "terms": terms(row), **details}
    uow.effect(case, row.id, action, before, row.status, details)


def terms(row: Deadline) -> dict:
    """The columns of a deadline that `state` leaves out (its rule and what its due date is
    computed from; the basis is beside them in the event), carried by every deadline event so
    `db verify` checks them too."""
    return {
        "rule": row.rule, "unit": str(row.unit), "amount": row.amount, "extra_workdays": row.extra_workdays,
        "paused_days": row.paused_days, "fixed_due": iso_date(row.fixed_due),
    }  # fmt: skip


def case_deadlines(uow: UnitOfWork, case_type: str, case_id: str) -> list[Deadline]:
    stmt = (
        select(Deadline).where(Deadline.case_type == case_type, Deadline.case_id == case_id).order_by(col(Deadline.id))
    )
    return list(uow.session.exec(stmt).all())


def open_deadlines(
    uow: UnitOfWork,
    case_type: str,
    case_id: str,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] = (DeadlineStatus.OPEN,),
) -> list[Deadline]:
    """The case's rows in `statuses` (open by default; RUNNING for open or paused)."""
    wanted_status = {str(s) for s in statuses}
    rows = [d for d in case_deadlines(uow, case_type, case_id) if d.status in wanted_status]
    if kinds is not None:
        wanted = {str(k) for k in kinds}
        rows = [d for d in rows if d.kind in wanted]
    return rows


def close_deadline(uow: UnitOfWork, row: Deadline, status: DeadlineStatus, at: dt.datetime | None = None) -> None:
    """End a running deadline: `met` at a time (late is kept as late), or not applicable/superseded.

    A paused row is closed where its clock stood: a row paused in time is not breached by the
    time spent paused."""
    before = row.status
    at = at or uow.at
    moment = row.paused_at if row.status == DeadlineStatus.PAUSED and row.paused_at else at
    row.status = str(status)
    row.closed_at = at
    if status is DeadlineStatus.MET:
        row.met_at = at
    row.breached = bool(row.breached or moment > row.due_at)
    row.paused_at = None
    row.updated_at = uow.recorded_at
    uow.session.add(row)
    record(uow, row, "close", before, due=row.due, met_at=row.met_at, late=row.breached)


def void_deadline(uow: UnitOfWork, row: Deadline, reason: str) -> None:
    """Take a deadline of a voided case out of every list and figure (status void), whatever its
    state was; the event keeps that state's history."""
    before = row.status
    row.status = str(DeadlineStatus.VOID)
    row.closed_at = row.closed_at or uow.at
    row.paused_at = None
    row.updated_at = uow.recorded_at
    uow.session.add(row)
    record(uow, row, "void", before, reason=reason)


def pause_deadline(uow: UnitOfWork, row: Deadline, reason: str) -> None:
    """Stop a running clock at uow.at (external appraisal). Paused after the due time = breached."""
    before = row.status
    row.status = str(DeadlineStatus.PAUSED)
    row.paused_at = uow.at
    row.breached = bool(row.breached or uow.at > row.due_at)
    row.updated_at = uow.recorded_at
    uow.session.add(row)
    record(uow, row, "pause", before, reason=reason, late=row.breached)


def resume_deadline(uow: UnitOfWork, row: Deadline, reason: str) -> int:
    """Restart a paused clock: the paused time, in the rule's own unit, is added to the period.

    Returns the amount added (working days, calendar days or hours)."""
    before, due_before, paused_at = row.status, row.due, row.paused_at or uow.at
    added = 0 if row.fixed_due is not None else pause_amount(uow.calendar, row.unit, paused_at, uow.at)
    if row.unit == Unit.WORKDAYS:
        row.extra_workdays += added
    else:
        row.paused_days += added
    row.status = str(DeadlineStatus.OPEN)
    row.paused_at = None
    due = recompute(row, uow)
    row.due, row.due_at, row.provisional = due.due, due.due_at, due.provisional
    row.updated_at = uow.recorded_at
    uow.session.add(row)
    record(
        uow,
        row,
        "resume",
        before,
        reason=reason,
        paused_from=paused_at,
        added=added,
        unit=row.unit,
        due_before=due_before,
        due_after=row.due,
    )
    return added


def recompute(row: Deadline, uow: UnitOfWork) -> Due:
    """The due date this row has under the current calendar (does not write)."""
    return compute_due(
        uow.calendar, row.start_at, row.unit, row.amount, row.extra_workdays, row.fixed_due, row.paused_days
    )


def recompute_open(uow: UnitOfWork, years: Iterable[int] | None = None) -> list[tuple[Deadline, dt.date]]:
    """Recompute every open deadline (optionally only those that reach into `years`).

    Returns (row, old due) for each row whose due date or provisional flag changed; each
    change is audited. Called after calendar data is loaded.
    """
    stmt = select(Deadline).where(col(Deadline.status).in_([str(s) for s in RUNNING]), Deadline.unit != Unit.HOURS)
    changed: list[tuple[Deadline, dt.date]] = []
    ys = set(years) if years is not None else None
    for row in uow.session.exec(stmt).all():
        if ys is not None and not any(
            y in ys for y in range(row.start_at.year, max(row.due.year, row.start_at.year) + 2)
        ):
            continue
        due = recompute(row, uow)
        if (due.due, due.provisional) == (row.due, row.provisional):
            continue
        old, old_provisional = row.due, row.provisional
        row.due, row.due_at, row.provisional = due.due, due.due_at, due.provisional
        row.updated_at = uow.recorded_at
        uow.session.add(row)
        record(
            uow,
            row,
            "recompute",
            row.status,
            due_before=iso_date(old),
            due_after=iso_date(due.due),
            provisional_before=old_provisional,
            provisional_after=due.provisional,
        )
        changed.append((row, old))
    return changed


def case_timeline(uow: UnitOfWork, case_type: str, case_id: str, rows: list[Deadline]) -> list[dict]:
    """A case's events and the changes of its deadlines `rows`, each change right after the event
    that made it — the timeline `show` prints for every case type (services/deadline_query.py
    `timeline_of`, read the same way on a plain sqlite3 source)."""
    return timeline_of(uow, case_type, case_id, [d.id for d in rows])
