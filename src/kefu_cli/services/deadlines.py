"""Deadline rows: start one from a policy rule, close it, recompute open ones.

Every rule that sets a time limit goes through `start_deadline`, so the deadlines table is
the one place reports read. Rows are never deleted: a replaced row becomes `superseded`,
one that no longer applies `not_applicable`, a fulfilled one `met` with its `met_at`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import col, select

from ..domain.deadlines import DeadlineKind, DeadlineStatus, Due, compute_due
from ..domain.policy import Unit
from ..domain.timeutil import iso_date
from ..store.models import Deadline
from .context import UnitOfWork


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
    due = compute_due(uow.calendar, start_at, unit, amount, extra_workdays, fixed_due)
    row = Deadline(
        case_type=case_type,
        case_id=case_id,
        kind=str(kind),
        rule=rule,
        unit=str(unit),
        amount=amount,
        extra_workdays=extra_workdays,
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
    return row


def case_deadlines(uow: UnitOfWork, case_type: str, case_id: str) -> list[Deadline]:
    stmt = (
        select(Deadline).where(Deadline.case_type == case_type, Deadline.case_id == case_id).order_by(col(Deadline.id))
    )
    return list(uow.session.exec(stmt).all())


def open_deadlines(uow: UnitOfWork, case_type: str, case_id: str, kinds: Iterable[str] | None = None) -> list[Deadline]:
    rows = [d for d in case_deadlines(uow, case_type, case_id) if d.status == DeadlineStatus.OPEN]
    if kinds is not None:
        wanted = {str(k) for k in kinds}
        rows = [d for d in rows if d.kind in wanted]
    return rows


def close_deadline(uow: UnitOfWork, row: Deadline, status: DeadlineStatus, at: dt.datetime | None = None) -> None:
    """End an open deadline: `met` at a time (late is kept as late), or not applicable/superseded."""
    before = row.status
    row.status = str(status)
    if status is DeadlineStatus.MET:
        row.met_at = at or uow.at
    row.updated_at = uow.recorded_at
    uow.session.add(row)
    uow.audit(
        "deadline",
        str(row.id),
        "close",
        before,
        row.status,
        case=f"{row.case_type}:{row.case_id}",
        kind=row.kind,
        due=row.due,
        met_at=row.met_at,
        late=bool(row.met_at and row.met_at > row.due_at),
    )


def recompute(row: Deadline, uow: UnitOfWork) -> Due:
    """The due date this row has under the current calendar (does not write)."""
    return compute_due(uow.calendar, row.start_at, row.unit, row.amount, row.extra_workdays, row.fixed_due)


def shift_deadline(uow: UnitOfWork, row: Deadline, extra_workdays: int, reason: str) -> None:
    """Push a running deadline out by working days (pauses for external appraisal)."""
    before = row.due
    row.extra_workdays += extra_workdays
    due = recompute(row, uow)
    row.due, row.due_at, row.provisional = due.due, due.due_at, due.provisional
    row.updated_at = uow.recorded_at
    uow.session.add(row)
    uow.audit(
        "deadline",
        str(row.id),
        "shift",
        row.status,
        row.status,
        reason=reason,
        extra_workdays=extra_workdays,
        due_before=before,
        due_after=row.due,
    )


def recompute_open(uow: UnitOfWork, years: Iterable[int] | None = None) -> list[tuple[Deadline, dt.date]]:
    """Recompute every open deadline (optionally only those that reach into `years`).

    Returns (row, old due) for each row whose due date or provisional flag changed; each
    change is audited. Called after calendar data is loaded.
    """
    stmt = select(Deadline).where(Deadline.status == DeadlineStatus.OPEN, Deadline.unit != Unit.HOURS)
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
        old = row.due
        uow.audit(
            "deadline",
            str(row.id),
            "recompute",
            row.status,
            row.status,
            case=f"{row.case_type}:{row.case_id}",
            kind=row.kind,
            due_before=iso_date(old),
            due_after=iso_date(due.due),
            provisional_before=row.provisional,
            provisional_after=due.provisional,
        )
        row.due, row.due_at, row.provisional = due.due, due.due_at, due.provisional
        row.updated_at = uow.recorded_at
        uow.session.add(row)
        changed.append((row, old))
    return changed
