"""Complaints read: one complaint as a dict (`view`: its columns, its deadlines with working days
left, the callbacks it scheduled and, on request, its timeline; the data every complaint command
prints) and `kefu complaint show`. Registration is in services/complaints.py, the steps in
services/complaint_steps.py, the list in services/complaint_list.py.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .complaint_list import COLUMNS, nest_rectification

if TYPE_CHECKING:
    from ..store.complaint_models import Complaint
    from .context import UnitOfWork
    from .report_source import QuickSource

CASE = "complaint"


def get(uow: UnitOfWork, complaint_id: str) -> Complaint:
    from . import core

    return core.get(uow, CASE, complaint_id)


def _row(c: Complaint) -> dict[str, Any]:
    from ..domain.major import shown

    return shown({k: getattr(c, k) for k in COLUMNS})


def _missing(text: str | None) -> list[str]:
    from ..domain.complaint import materials_list

    return materials_list(text)


def _linked_callbacks(src: QuickSource | UnitOfWork, complaint_id: str) -> list[dict[str, Any]]:
    """The callbacks the complaint scheduled (plain SQL, on either source: registering a complaint
    need not define the callback classes, which costs start-up time)."""
    from .deadline_query import day_of, when_of
    from .report_source import sql_rows

    rows = sql_rows(
        src,
        "SELECT id, kind, due, status, scheduled_at, voided_at, EXISTS (SELECT 1 FROM deadline d WHERE"
        " d.case_type = 'callback' AND d.case_id = callback.id AND d.kind = 'callback' AND d.due = callback.due"
        " AND d.provisional AND d.status NOT IN ('superseded', 'void')) FROM callback WHERE complaint_id = :c"
        " ORDER BY id",
        {"c": complaint_id},
    )
    return [{"id": i, "kind": k, "due": day_of(d), "status": st, "scheduled_at": when_of(sa), "voided": v is not None,
             "provisional": bool(p)} for i, k, d, st, sa, v, p in rows]  # fmt: skip


def view(uow: UnitOfWork, c: Complaint, as_of: dt.date | None = None, events: bool = False) -> dict[str, Any]:
    """The case as a dict: its columns, its deadlines (with working days left) and, on request, its timeline."""
    from .deadlines import case_deadlines, case_timeline, deadline_view

    as_of = as_of or uow.now.date()  # today (the clock), not the step's --at: a confirmation counts from today
    rows = case_deadlines(uow, CASE, c.id)
    out = nest_rectification(_row(c))
    out["missing_materials"] = _missing(c.missing_materials)
    out["deadlines"] = [deadline_view(d, uow.calendar, as_of) for d in rows]
    out["callbacks"] = _linked_callbacks(uow, c.id)
    if events:
        out["events"] = case_timeline(uow, CASE, c.id, rows)
    return out


def show(db, complaint_id: str, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """`kefu complaint show`: on a current SQLite file for today (or a later day) read as SQL
    text without the ORM (`_quick_show`, the same dict); a past day, another database or an
    unknown number through a read-only unit of work."""
    from . import clock
    from .past import past_of

    if as_of is None or as_of >= clock.today():
        from ..store import quick

        with quick.connect(db) as conn:
            if conn is not None:
                from .report_source import QuickSource

                out = _quick_show(QuickSource(conn), complaint_id, as_of or clock.today())
                if out is not None:
                    return _with_notices(out)
    from .context import unit_of_work

    with unit_of_work(db, write=False) as uow:
        c = get(uow, complaint_id)
        past = past_of(uow, as_of or uow.now.date())  # a past day: the case as it stood then
        out = view(uow, c if past is None else past.row(CASE, c), as_of=as_of or uow.now.date(), events=True)
        out = out if past is None else past.show(out)
        out["next"] = next_of(out).as_dict()
        return _with_notices(out)


def _with_notices(out: dict[str, Any]) -> dict[str, Any]:
    """`notices`: the notices issued, from the timeline, each with its via, proof and proven (Art. 21)."""
    from ..domain.notices import issued_of

    out["notices"] = issued_of(out.get("events") or [])
    return out


def _quick_show(src: QuickSource, complaint_id: str, as_of: dt.date) -> dict[str, Any] | None:
    """`view(…, events=True)` and `next` of today's complaint read as SQL text (None: no such
    number, the unit of work then says so)."""
    from .complaint_list import _typed
    from .deadline_query import case_deadline_rows, deadline_view, timeline_of
    from .report_source import sql_rows

    key = (complaint_id or "").strip().upper()
    found = sql_rows(src, f"SELECT {', '.join(COLUMNS)} FROM complaint WHERE id = :id", {"id": key})  # noqa: S608
    if not found:
        return None
    from ..domain.major import shown

    out = nest_rectification(shown(_typed(found[0])))
    (missing,) = sql_rows(src, "SELECT missing_materials FROM complaint WHERE id = :id", {"id": key})[0]
    out["missing_materials"] = _missing(missing)
    rows = case_deadline_rows(src, CASE, out["id"])
    out["deadlines"] = [deadline_view(d, src.calendar, as_of) for d in rows]
    out["callbacks"] = _linked_callbacks(src, out["id"])
    out["events"] = timeline_of(src, CASE, out["id"], [d.id for d in rows])
    out["next"] = next_of(out).as_dict()
    return out


def next_of(data: dict):
    """The complaint's next action (domain/next_step.py) from its status and running deadlines."""
    from ..domain.next_step import complaint_next, running_kinds

    kinds, voided = running_kinds(data["deadlines"]), bool(data.get("voided_at"))
    return complaint_next(data["status"], kinds, data["id"], voided, data.get("pause_kind"))
