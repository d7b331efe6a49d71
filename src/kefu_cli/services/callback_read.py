"""`kefu callback show` read as SQL text on either source (services/report_source.py): on a
current SQLite file through plain sqlite3, without the ORM's start-up. The dict is the one
services/callback_views.py `callback_view` gives (tests/test_quick_show.py reads both ways).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from ..domain import callback as cb
from ..domain.deadlines import is_breached
from .deadline_query import case_deadline_rows, day_of, when_of
from .report_source import sql_rows

if TYPE_CHECKING:
    from .context import UnitOfWork
    from .report_source import QuickSource

CASE_TYPE = "callback"

# A callback's columns as `show` and `list` give them, in the order of the dict.
LIST_COLUMNS = ("id", "kind", "status", "name", "phone", "policy_no", "product", "branch", "handler", "due",
                "scheduled_at", "voided_at", "void_reason")  # fmt: skip
SHOW_COLUMNS = ("receipt_date", "cooling_off_days", "closed_date", "complaint_id", "ended_at", "outcome_method",
                "outcome_reason")  # fmt: skip
_DAYS = frozenset({"due", "receipt_date", "closed_date"})


def typed_row(names, values) -> dict[str, Any]:
    """A row of `SELECT names FROM callback` typed as the ORM gives it."""
    out = dict(zip(names, values, strict=True))
    for k, v in out.items():
        if v is not None and k in _DAYS:
            out[k] = day_of(v)
        elif k.endswith("_at"):
            out[k] = when_of(v)
    return out


def deadline_view(d, now: dt.datetime) -> dict:
    """One deadline of a callback as `callback show` gives it."""
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


def shown(details: dict) -> dict:
    """An event's details as `show` gives them: without the rows' write time its transaction
    carries for `db verify` (services/core.py `event`), as before events carried it, and without
    the changes of deadlines it carries (domain/effects.py)."""
    details.pop("row_time", None)
    details.pop("effects", None)
    return details


def show(src: QuickSource | UnitOfWork, callback_id: str, now: dt.datetime) -> dict | None:
    """The `callback show` dict of one callback (None: no such number)."""
    key = (callback_id or "").strip().upper()
    names = (*LIST_COLUMNS, *SHOW_COLUMNS)
    found = sql_rows(src, f"SELECT {', '.join(names)} FROM callback WHERE id = :id", {"id": key})  # noqa: S608
    if not found:
        return None
    row = typed_row(names, found[0])
    out = {k: row[k] for k in LIST_COLUMNS}
    attempts = [
        {"id": i, "at": when_of(at), "clerk": clerk, "method": method, "result": result, "recording": recording,
         "receipt": bool(receipt), "note": note, "problem": problem}
        for i, at, clerk, method, result, recording, receipt, note, problem in sql_rows(
            src,
            "SELECT id, at, clerk, method, result, recording, receipt, note, problem FROM callback_attempt"
            " WHERE callback_id = :id ORDER BY at, id",
            {"id": key},
        )
    ]  # fmt: skip
    facts = [cb.AttemptFact(a["method"], a["result"]) for a in attempts]
    esc = cb.escalation(facts, src.policy["callback.phone_attempts"], ended=row["status"] != cb.Status.OPEN)
    followups = [
        {"id": i, "problem": problem, "opened_at": when_of(opened), "reply": reply, "resolved_at": when_of(resolved),
         "resolved_by": by}
        for i, problem, opened, reply, resolved, by in sql_rows(
            src,
            "SELECT id, problem, opened_at, reply, resolved_at, resolved_by FROM callback_followup"
            " WHERE callback_id = :id ORDER BY id",
            {"id": key},
        )
    ]  # fmt: skip
    events = [
        {"at": when_of(at), "clerk": clerk, "action": action, "from_status": before, "to_status": after,
         "details": shown(json.loads(details or "{}"))}
        for at, clerk, action, before, after, details in sql_rows(
            src,
            "SELECT at, clerk, action, from_status, to_status, details FROM audit_event"
            " WHERE entity = :ct AND entity_id = :id ORDER BY id",
            {"ct": CASE_TYPE, "id": key},
        )
    ]  # fmt: skip
    out.update({k: row[k] for k in SHOW_COLUMNS})
    out.update(
        {
            "next": str(esc.next),
            "deadlines": [deadline_view(d, now) for d in case_deadline_rows(src, CASE_TYPE, key)],
            "attempts": attempts,
            "followups": followups,
            "events": events,
        }
    )
    out["next_step"] = next_of(out).as_dict()
    return out


def next_of(view: dict):
    """The callback's next action (domain/next_step.py): the method ladder while open, then the
    problems found and not yet answered."""
    from ..domain.next_step import callback_next

    waiting = [f["id"] for f in view["followups"] if f["resolved_at"] is None]
    return callback_next(view["status"], view["next"], waiting, view["id"], view.get("voided_at") is not None)


def quick_show(db, callback_id: str) -> dict | None:
    """`show` on a current SQLite file through plain sqlite3 (None: take the unit of work — another
    database, a file to upgrade, or an unknown number, which it reports)."""
    from ..store import quick
    from . import clock
    from .report_source import QuickSource

    with quick.connect(db) as conn:
        if conn is None:
            return None
        return show(QuickSource(conn), callback_id, clock.now())
