"""Complaints read: one complaint as a dict (`view`: its columns, its deadlines with working days
left, the callbacks it scheduled and, on request, its timeline; the data every complaint command
prints) and `kefu complaint show`. Registration is in services/complaints.py, the steps in
services/complaint_steps.py, the list in services/complaint_list.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..store.complaint_models import Complaint
from . import core
from .complaint_list import COLUMNS
from .context import UnitOfWork, unit_of_work
from .deadlines import case_deadlines, case_timeline, deadline_view

CASE = "complaint"


def get(uow: UnitOfWork, complaint_id: str) -> Complaint:
    return core.get(uow, CASE, complaint_id)


def _row(c: Complaint) -> dict[str, Any]:
    return {k: getattr(c, k) for k in COLUMNS}


def _linked_callbacks(uow: UnitOfWork, complaint_id: str) -> list[dict[str, Any]]:
    """The callbacks the complaint scheduled (plain SQL: registering a complaint need not define
    the callback classes, which costs start-up time)."""
    from sqlalchemy import text

    rows = uow.session.execute(
        text(
            "SELECT id, kind, due, status, scheduled_at, voided_at, EXISTS (SELECT 1 FROM deadline d WHERE"
            " d.case_type = 'callback' AND d.case_id = callback.id AND d.kind = 'callback' AND d.due = callback.due"
            " AND d.provisional AND d.status NOT IN ('superseded', 'void')) FROM callback WHERE complaint_id = :c ORDER BY id"
        ),
        {"c": complaint_id},
    )

    def day(v):
        return dt.date.fromisoformat(v) if isinstance(v, str) else v

    def moment(v):
        return dt.datetime.fromisoformat(v) if isinstance(v, str) else v

    return [{"id": i, "kind": k, "due": day(d), "status": st, "scheduled_at": moment(sa), "voided": v is not None,
             "provisional": bool(p)} for i, k, d, st, sa, v, p in rows]  # fmt: skip


def view(uow: UnitOfWork, c: Complaint, as_of: dt.date | None = None, events: bool = False) -> dict[str, Any]:
    """The case as a dict: its columns, its deadlines (with working days left) and, on request, its timeline."""
    as_of = as_of or uow.now.date()  # today (the clock), not the step's --at: a confirmation counts from today
    rows = case_deadlines(uow, CASE, c.id)
    out = _row(c)
    out["deadlines"] = [deadline_view(d, uow.calendar, as_of) for d in rows]
    out["callbacks"] = _linked_callbacks(uow, c.id)
    if events:
        out["events"] = case_timeline(uow, CASE, c.id, rows)
    return out


def show(db, complaint_id: str, *, as_of: dt.date | None = None) -> dict[str, Any]:
    from .past import past_of

    with unit_of_work(db, write=False) as uow:
        c = get(uow, complaint_id)
        past = past_of(uow, as_of or uow.now.date())  # a past day: the case as it stood then
        out = view(uow, c if past is None else past.row(CASE, c), as_of=as_of or uow.now.date(), events=True)
        return out if past is None else past.show(out)
