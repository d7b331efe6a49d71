"""The one query layer for deadlines: every reader takes its deadline rows from here.

A deadline as a report sees it (`DeadlineState`): a row of the `deadline` projection, or, for a
day before today, the folded state of its audit events (`states_at`). The running rows of some
cases (`running_of`, `next_running`), every row of them (`deadlines_of`), and the rules of
`domain.report` on `deadline` (`OVERDUE_SQL`; `on_time_counts` groups the rows and applies
`verdict` per group), read through either report source (services/report_source.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.deadlines import RUNNING, DeadlineStatus
from ..domain.report import Outcome, judge, verdict
from .report_source import QuickSource, sql_rows

if TYPE_CHECKING:
    from .context import UnitOfWork


def day_of(value: Any) -> dt.date:
    """A DATE value from the database (a string on SQLite, a date elsewhere)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def start_of_day(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time())


def when_of(value: Any) -> dt.datetime | None:
    """A DATETIME value from the database (text on SQLite through plain sqlite3), to the
    microsecond as the ORM gives it."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value)[:19])


def end_of(d: dt.date) -> dt.datetime:
    """The first moment after day `d`: history "as of the end of d" is every event before it."""
    return start_of_day(d + dt.timedelta(days=1))


@dataclass(frozen=True, slots=True)
class DeadlineState:
    """A deadline as a report sees it: a row of the projection or the folded state of its events."""

    id: int
    case_type: str
    case_id: str
    kind: str
    status: str
    due: dt.date
    due_at: dt.datetime
    provisional: bool
    breached: bool
    paused_at: dt.datetime | None
    branch: str
    handler: str


def _wanted(st: DeadlineState, branch: str | None, handler: str | None, kind: str | None) -> bool:
    return (
        (branch is None or st.branch == branch)
        and (handler is None or st.handler == handler)
        and (kind is None or st.kind == kind)
    )


def states_at(
    uow: UnitOfWork,
    until: dt.datetime,
    branch: str | None = None,
    handler: str | None = None,
    kind: str | None = None,
) -> list[DeadlineState]:
    """Every deadline as its events left it before `until`: the fold of the deadline changes (the
    last `state` of each deadline, by (at, id) — the effects the case events carry and the `deadline`
    events of their own, domain/effects.py). Deadlines started later are absent."""
    from ..domain.effects import MARKER

    # the newest change first: the first state met of a deadline is its state then
    sql = (
        "SELECT entity, entity_id, details FROM audit_event WHERE at < :until AND ("
        "(entity = 'deadline' AND details LIKE :state) OR (entity <> 'deadline' AND details LIKE :effects))"
        " ORDER BY at DESC, id DESC"
    )
    last: dict[int, dict] = {}
    params = {"until": until, "state": '%"state": {%', "effects": f"%{MARKER}%"}
    for entity, entity_id, details in sql_rows(uow, sql, params):
        d = json.loads(details)
        if entity == "deadline":
            last.setdefault(int(entity_id), d["state"])
            continue
        for fx in reversed(d.get("effects") or ()):
            if "state" in fx:
                last.setdefault(int(fx["deadline"]), fx["state"])
    out = []
    for did in sorted(last):
        st = last[did]
        item = DeadlineState(
            id=did,
            case_type=st["case_type"],
            case_id=st["case_id"],
            kind=st["kind"],
            status=st["status"],
            due=dt.date.fromisoformat(st["due"]),
            due_at=_moment(st["due_at"]),
            provisional=bool(st["provisional"]),
            breached=bool(st.get("breached")),
            paused_at=_moment(st.get("paused_at")),
            branch=st.get("branch") or "",
            handler=st.get("handler") or "",
        )
        if _wanted(item, branch, handler, kind):
            out.append(item)
    return out


def running_now(uow: UnitOfWork, filters: tuple[str, dict], order: str = "") -> list[DeadlineState]:
    """The open and paused rows of the projection (the `deadline` table), through its indexes."""
    where, params = filters
    sql = f"SELECT {_STATE_COLUMNS} FROM deadline WHERE {RUNNING_SQL}{where}{order}"
    return [_state(r) for r in sql_rows(uow, sql, params)]


_STATE_COLUMNS = "id, case_type, case_id, kind, status, due, due_at, provisional, breached, paused_at, branch, handler"


def _state(r) -> DeadlineState:
    """A row of `SELECT _STATE_COLUMNS FROM deadline` from either source."""
    return DeadlineState(
        r[0], r[1], r[2], r[3], r[4], day_of(r[5]), _moment(r[6]), bool(r[7]), bool(r[8]), _moment(r[9]), r[10], r[11]
    )


# --- the read path of a case's deadlines ----------------------------------------
#
# Every reader of deadlines — the deadline report, complaint/claim list, search, show, the exports
# and stats — reads the rows through the functions below (or, for the report's own fast path,
# the covering index of the same rows) and judges each one with `domain.report.judge`; a filter
# "has an overdue deadline" is `OVERDUE_SQL`, the same rule in SQL.
#
# For today, today's rows judged on the as-of day. A day before today is read as the history stood
# at its end: the deadline report and report stats fold it (`states_at`), every other reader
# passes `past` (services/past.py `Past`: the same `states_at`, read once per command); on a
# database whose last event is before the end of the as-of day both reads are the same rows.


def running_of(
    src: QuickSource | UnitOfWork, case_type: str, ids: list[str], past=None
) -> dict[str, list[DeadlineState]]:
    """The running (open or paused) rows of these cases, each case's in the order `next_order`
    — the first is the case's next deadline. `past`: as they stood at the end of a past day."""
    if past is not None:
        return past.running(case_type, ids)
    out: dict[str, list[DeadlineState]] = {}
    for i in range(0, len(ids), 200):
        chunk = ids[i : i + 200]
        marks = ", ".join(f":id{n}" for n in range(len(chunk)))
        where = f" AND case_type = :case_type AND case_id IN ({marks})"
        params = {"case_type": case_type, **{f"id{n}": v for n, v in enumerate(chunk)}}
        for d in running_now(src, (where, params)):
            out.setdefault(d.case_id, []).append(d)
    for rows in out.values():
        rows.sort(key=next_order)
    return out


def deadlines_of(
    src: QuickSource | UnitOfWork, case_type: str, ids: list[str], past=None
) -> dict[str, list[DeadlineState]]:
    """Every deadline row of these cases (any status), each case's in the order they were
    started (id): what the exports show beside a case (its latest due dates by kind). `past`:
    as they stood at the end of a past day."""
    if past is not None:
        return past.deadlines(case_type, ids)
    out: dict[str, list[DeadlineState]] = {}
    for i in range(0, len(ids), 200):
        chunk = ids[i : i + 200]
        marks = ", ".join(f":id{n}" for n in range(len(chunk)))
        params = {"case_type": case_type, **{f"id{n}": v for n, v in enumerate(chunk)}}
        sql = f"SELECT {_STATE_COLUMNS} FROM deadline WHERE case_type = :case_type AND case_id IN ({marks}) ORDER BY id"
        for r in sql_rows(src, sql, params):
            d = _state(r)
            out.setdefault(d.case_id, []).append(d)
    return out


def next_order(d: DeadlineState) -> tuple:
    """The order of a case's running deadlines: the first is its next deadline (earliest due day,
    then due moment, then the older row)."""
    return (d.due, d.due_at.replace(tzinfo=None), d.id)


def next_view(d: DeadlineState, calendar, as_of: dt.date) -> dict:
    """A case's next running deadline as lists and search show it: {kind, due, due_at,
    provisional, paused, overdue, working_days_left}, judged by `domain.report.judge`."""
    j = judge(calendar, as_of, d.status, d.due, d.due_at, d.breached, d.paused_at)
    return {
        "kind": d.kind,
        "due": d.due,
        "due_at": d.due_at,
        "provisional": d.provisional,
        "paused": d.status == DeadlineStatus.PAUSED,
        "overdue": j.overdue,
        "working_days_left": j.working_days_left,
        "left_provisional": j.left_provisional,
    }


def next_running(
    src: QuickSource | UnitOfWork, case_type: str, ids: list[str], as_of: dt.date, past=None
) -> dict[str, dict]:
    """The earliest running deadline of each of these cases (`running_of`), as lists and search
    show it (`next_view`): past its due day is overdue (a Friday's deadline seen on Sunday: by 0
    working days); a paused one is never overdue and its working days left stay where they stood
    on the day the clock stopped."""
    running = running_of(src, case_type, ids, past)
    return {case_id: next_view(rows[0], src.calendar, as_of) for case_id, rows in running.items()}


def verdicts_of(states: list[DeadlineState], date_from, date_to, as_of, by_kind: bool) -> dict:
    out: dict[str | None, dict[str, int]] = {}
    for st in states:
        if not date_from <= st.due <= date_to:
            continue
        v = verdict(st.status, st.breached, st.due, as_of)
        if v is None:
            continue
        key = st.kind if by_kind else None
        bucket = out.setdefault(key, {})
        bucket[v] = bucket.get(v, 0) + 1
    return out


# --- the rules on deadline rows, as SQL ---------------------------------------

# `judge`'s overdue flag as SQL on `deadline`: a running row, not paused, due before the as-of day.
OVERDUE_SQL = f"status = '{DeadlineStatus.OPEN.value}' AND due < :as_of"
# `domain.report.verdict` as one SQL CASE (`on_time_counts`), in SQL both SQLite and PostgreSQL
# run: tests/test_latency_imports.py checks it against `verdict` for every status and case.
_OUTCOME_SQL = (
    f"CASE WHEN status = '{DeadlineStatus.VOID.value}' THEN ''"
    f" WHEN {OVERDUE_SQL} THEN '{Outcome.OVERDUE.value}'"
    f" WHEN breached = :breached THEN '{Outcome.LATE.value}'"
    f" WHEN status = '{DeadlineStatus.MET.value}' THEN '{Outcome.ON_TIME.value}'"
    f" WHEN status IN ('{DeadlineStatus.OPEN.value}', '{DeadlineStatus.PAUSED.value}') THEN '{Outcome.PENDING.value}'"
    " ELSE '' END"
)
RUNNING_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in RUNNING) + ")"
# Every status a row can have: a range of due days then reads the (status, due) index instead
# of the whole table (there is no index on `due` alone).
_ANY_STATUS_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in DeadlineStatus) + ")"
PAUSED_ON_SQL = f"CASE WHEN status = '{DeadlineStatus.PAUSED.value}' THEN substr(paused_at, 1, 10) END"


def filter_sql(branch: str | None = None, handler: str | None = None, kind: str | None = None) -> tuple[str, dict]:
    """The report filters on `deadline` as SQL text (" AND branch = :branch"…) and parameters."""
    given = {"branch": branch, "handler": handler, "kind": kind}
    params = {k: v for k, v in given.items() if v is not None}
    return "".join(f" AND {k} = :{k}" for k in params), params


def on_time_counts(
    uow: QuickSource | UnitOfWork,
    date_from: dt.date,
    date_to: dt.date,
    as_of: dt.date,
    filters: tuple[str, dict],
    by_kind: bool = False,
) -> dict:
    """Outcome counts of the deadlines due in [date_from, date_to], by `domain.report.verdict`
    of each (status, due day, kind, breached) group: one GROUP BY in the order of the covering
    index (status, due, kind, breached, …) (migration 0016), counted as read, without a sort;
    `filters` from `filter_sql`.

    Returns {kind or None: {Outcome: count}}.
    """
    where, params = filters
    sql = (
        "SELECT status, due, kind, breached, count(*) FROM deadline"
        f" WHERE {_ANY_STATUS_SQL} AND due >= :date_from AND due <= :date_to{where} GROUP BY status, due, kind, breached"
    )
    binds = {**params, "date_from": date_from, "date_to": date_to}
    out: dict[str | None, dict[str, int]] = {}
    for status, due, kind, breached, n in sql_rows(uow, sql, binds):
        outcome = verdict(status, bool(breached), day_of(due), as_of)
        if outcome is None:
            continue
        counts = out.setdefault(kind if by_kind else None, {})
        counts[outcome] = counts.get(outcome, 0) + n
    return out


NOT_APPLICABLE = DeadlineStatus.NOT_APPLICABLE.value


def case_on_time_counts(
    src: QuickSource | UnitOfWork,
    case_type: str,
    cases: tuple[str, dict],
    kinds: tuple[str, ...],
    as_of: dt.date,
) -> dict[str, dict[str, int]]:
    """Outcome counts of the deadlines (of `kinds`) of the cases `cases` selects — SQL giving their
    ids, and its parameters — judged on `as_of` by the CASE of `on_time_counts` (`verdict`): the
    yearly report's periods of the year's complaints, whatever their due day. A row closed as not
    applicable in time (a rejected complaint's decision) counts as `not_applicable`; one closed
    after its due time was missed and stays `late`. Returns {kind: {outcome: count}}."""
    sql_cases, params = cases
    marks = ", ".join(f":kind{n}" for n in range(len(kinds)))
    sql = (
        f"SELECT kind, CASE WHEN outcome = '' AND status = :not_applicable THEN :not_applicable ELSE outcome END,"
        f" count(*) FROM (SELECT kind, status, {_OUTCOME_SQL} AS outcome FROM deadline"
        f" WHERE case_type = :case_type AND kind IN ({marks}) AND case_id IN ({sql_cases})) AS t GROUP BY 1, 2"
    )
    binds = {**params, "as_of": as_of, "breached": True, "case_type": case_type, "not_applicable": NOT_APPLICABLE}
    binds |= {f"kind{n}": k for n, k in enumerate(kinds)}
    out: dict[str, dict[str, int]] = {k: {} for k in kinds}
    for kind, outcome, n in sql_rows(src, sql, binds):
        if outcome:
            out[kind][outcome] = out[kind].get(outcome, 0) + n
    return out


def case_verdicts(
    states: list[DeadlineState], case_type: str, ids: set[str], kinds: tuple[str, ...], as_of: dt.date
) -> dict[str, dict[str, int]]:
    """`case_on_time_counts` for a past day: the deadlines as their events left them (`states_at`)
    of the cases `ids`, judged by `verdict`, a row closed as not applicable in time counted so."""
    out: dict[str, dict[str, int]] = {k: {} for k in kinds}
    for st in states:
        if st.case_type != case_type or st.kind not in out or st.case_id not in ids:
            continue
        v = verdict(st.status, st.breached, st.due, as_of)
        if v is None and st.status == NOT_APPLICABLE:
            v = NOT_APPLICABLE
        if v is not None:
            out[st.kind][v] = out[st.kind].get(v, 0) + 1
    return out


# --- one case as `show` reads it, on either source ----------------------------------


def deadline_view(d, calendar, as_of: dt.date) -> dict[str, Any]:
    """One deadline as `show` gives it, the same shape for every case type (JSON-ready values
    left to the renderer): its columns, late, breached, working days left (frozen while paused),
    judged on `as_of` by `domain.report.judge` as every other reader judges it."""
    j = judge(calendar, as_of, d.status, d.due, d.due_at, d.breached, d.paused_at)
    return {
        "id": d.id,
        "kind": d.kind,
        "status": d.status,
        "start_at": d.start_at,
        "due": d.due,
        "due_at": d.due_at,
        "provisional": d.provisional,
        "rule": d.rule,
        "unit": d.unit,
        "amount": d.amount,
        "extra_workdays": d.extra_workdays,
        "paused_days": d.paused_days,
        "paused_at": d.paused_at,
        "basis": d.basis,
        "met_at": d.met_at,
        "closed_at": d.closed_at,
        # met after its due moment, or (running) overdue: the deadline report's bucket `overdue`
        "late": bool(d.met_at > d.due_at) if d.met_at else j.overdue,
        "breached": j.breached,
        "working_days_left": j.working_days_left,
        "left_provisional": j.left_provisional,
    }


_DEADLINE_COLUMNS = (
    "id", "case_type", "case_id", "kind", "rule", "unit", "amount", "extra_workdays", "paused_days", "paused_at",
    "start_at", "fixed_due", "due", "due_at", "provisional", "basis", "status", "met_at", "closed_at", "breached",
    "branch", "handler", "created_at", "updated_at",
)  # fmt: skip
_DEADLINE_MOMENTS = frozenset(k for k in _DEADLINE_COLUMNS if k.endswith("_at"))


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    """A row of the `deadline` table read as SQL text, typed as the ORM gives it (`deadline_view`
    reads it like a `store.models.Deadline`)."""

    id: int
    case_type: str
    case_id: str
    kind: str
    rule: str
    unit: str
    amount: int
    extra_workdays: int
    paused_days: int
    paused_at: dt.datetime | None
    start_at: dt.datetime
    fixed_due: dt.date | None
    due: dt.date
    due_at: dt.datetime
    provisional: bool
    basis: str
    status: str
    met_at: dt.datetime | None
    closed_at: dt.datetime | None
    breached: bool
    branch: str
    handler: str
    created_at: dt.datetime
    updated_at: dt.datetime


def case_deadline_rows(src: QuickSource | UnitOfWork, case_type: str, case_id: str) -> list[DeadlineRow]:
    """Every deadline row of one case, in the order they were started (id), from either source."""
    sql = f"SELECT {', '.join(_DEADLINE_COLUMNS)} FROM deadline WHERE case_type = :ct AND case_id = :id ORDER BY id"
    out = []
    for r in sql_rows(src, sql, {"ct": case_type, "id": case_id}):
        v = dict(zip(_DEADLINE_COLUMNS, r, strict=True))
        for k in _DEADLINE_MOMENTS:
            v[k] = when_of(v[k])
        v["due"] = day_of(v["due"])
        v["fixed_due"] = None if v["fixed_due"] is None else day_of(v["fixed_due"])
        v["provisional"], v["breached"] = bool(v["provisional"]), bool(v["breached"])
        out.append(DeadlineRow(**v))
    return out


def timeline_of(src: QuickSource | UnitOfWork, case_type: str, case_id: str, deadline_ids) -> list[dict]:
    """A case's events and the changes of its deadlines (`deadline_ids`: the effects its events
    carry, and the `deadline` events of their own of older databases and of calendar imports), in
    the order they were written, each change right after the event that made it — the timeline
    `show` prints for every case type, read as SQL text on either source."""
    from ..domain.effects import deadline_changes, own_details

    ids = {str(i) for i in deadline_ids}
    marks = ", ".join(f":d{n}" for n in range(len(ids))) or "''"
    sql = (
        "SELECT at, recorded_at, clerk, entity, entity_id, action, from_status, to_status, details FROM audit_event"
        f" WHERE (entity = :ct AND entity_id = :id) OR (entity = 'deadline' AND entity_id IN ({marks})) ORDER BY id"
    )
    params = {"ct": case_type, "id": case_id, **{f"d{n}": v for n, v in enumerate(sorted(ids))}}
    out = []
    rows = sql_rows(src, sql, params)
    for at, recorded_at, clerk, entity, entity_id, action, from_status, to_status, details in rows:
        event = {"at": when_of(at), "recorded_at": when_of(recorded_at), "clerk": clerk, "entity": entity,
                 "entity_id": entity_id, "action": action, "from_status": from_status,
                 "to_status": to_status}  # fmt: skip
        d = json.loads(details or "{}")
        if entity != "deadline":
            out.append({**event, "details": own_details(d)})
        for change, fx in deadline_changes(event, d):
            if change["entity_id"] in ids:
                out.append({**change, "details": fx})
    return out
