"""`kefu callback show` read as SQL text on either source (services/report_source.py): on a
current SQLite file through plain sqlite3, without the ORM's start-up. The dict is the one
services/callback_views.py `show` gives for today or a later day; a past day is read there, as
the callback's events left it (tests/test_quick_show.py reads both ways).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
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


def quick_show(db, callback_id: str, as_of: dt.date | None = None) -> dict | None:
    """`show` on a current SQLite file through plain sqlite3, for today or a later day (`as_of`, a
    breach judged at the end of that day, as callback_views.show judges it). None: take the unit
    of work — a past day (the callback as its events left it), another database, a file to
    upgrade, or an unknown number, which it reports."""
    from . import clock

    today = clock.today()
    if as_of is not None and as_of < today:
        return None
    from ..store import quick
    from .report_source import QuickSource

    with quick.connect(db) as conn:
        if conn is None:
            return None
        if as_of is not None and as_of > today:
            from ..domain.report import as_of_moment

            return show(QuickSource(conn), callback_id, as_of_moment(as_of))
        return show(QuickSource(conn), callback_id, clock.now())


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
    overdue: bool = False  # only cases with an overdue open deadline (today)


def _like(text: str) -> str:
    """`text` for `LIKE '%' || :x || '%' ESCAPE '/'` (SQLAlchemy's `contains(autoescape=True)`)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def list_rows(src: QuickSource | UnitOfWork, f: ListFilter) -> list[tuple[dict, cb.Escalation | None]]:
    """`kefu callback list` read as SQL text: the list items (`LIST_COLUMNS`) by due day, each
    with the method it needs next when `f.next_only` (services/callback_views.py `list_callbacks`
    gives the same rows through the ORM)."""
    from ..domain.timeutil import check_span
    from .report_source import check_listed

    check_span(f.due_from, f.due_to, "--due-from", "--due-to")
    check_listed(src, branch=f.branch, handler=f.handler)
    where, params = [], {}
    status = cb.Status.OPEN.value if f.next_only else f.status
    given = (("status", status), ("kind", f.kind), ("branch", f.branch), ("handler", f.handler))
    for column, value in given:
        if value:
            where.append(f"{column} = :{column}")
            params[column] = value
    if f.name:
        where.append("name LIKE '%' || :name || '%' ESCAPE '/'")
        params["name"] = _like(f.name.strip())
    if f.phone:
        from ..domain.text import phone_filter

        digits, tail = phone_filter(f.phone)
        where.append("phone LIKE '%' || :phone" if tail else "phone = :phone")
        params["phone"] = digits
    if f.policy:
        where.append("policy_no LIKE '%' || :policy || '%' ESCAPE '/'")
        params["policy"] = _like(f.policy.strip())
    if f.due_from:
        where.append("due >= :due_from")
        params["due_from"] = f.due_from
    if f.due_to:
        where.append("due <= :due_to")
        params["due_to"] = f.due_to
    if not f.all:
        where.append("voided_at IS NULL")
    if f.overdue:  # the rule of every list's --overdue (deadline_query.OVERDUE_SQL), as of today
        from . import clock
        from .deadline_query import OVERDUE_SQL

        where.append(f"id IN (SELECT case_id FROM deadline WHERE case_type = :case_type AND {OVERDUE_SQL})")
        params.update(case_type=CASE_TYPE, as_of=clock.today())
    sql = f"SELECT {', '.join(LIST_COLUMNS)} FROM callback"  # noqa: S608 - fixed names
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY due, id"
    rows = [typed_row(LIST_COLUMNS, r) for r in sql_rows(src, sql, params)]
    if not f.next_only:
        return [(r, None) for r in rows]
    by_case: dict[str, list[cb.AttemptFact]] = {r["id"]: [] for r in rows}
    if rows:
        for cid, method, result in sql_rows(
            src, "SELECT callback_id, method, result FROM callback_attempt ORDER BY at, id", {}
        ):
            if cid in by_case:
                by_case[cid].append(cb.AttemptFact(method, result))
    n = src.policy["callback.phone_attempts"]
    return [(r, cb.escalation(by_case[r["id"]], n)) for r in rows]


def quick_list(db, f: ListFilter, limit: int | None) -> tuple[list, int, dict] | None:
    """`callback list` on a current SQLite file through plain sqlite3 (None: take the unit of
    work): the first `limit` rows of `list_rows`, how many more were left out, and the next
    running deadline of each listed case judged today (deadline_query.py `next_running`)."""
    from ..store import quick
    from . import clock
    from .deadline_query import next_running
    from .report_source import QuickSource

    with quick.connect(db) as conn:
        if conn is None:
            return None
        src = QuickSource(conn)
        rows = list_rows(src, f)
        more = max(0, len(rows) - limit) if limit else 0
        rows = rows[:limit] if limit else rows
        return rows, more, next_running(src, CASE_TYPE, [r["id"] for r, _esc in rows], clock.today())
