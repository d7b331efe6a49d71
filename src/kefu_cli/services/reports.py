"""The two reports: deadlines (the clerk's morning, the nightly cron job) and analysis.

Both are pure functions of the data and an as-of date: no "now" inside, every list sorted
deterministically, so the same database and `as_of` give the same document byte for byte.
They read indexed columns and let SQL aggregate:

- deadline report: the open rows of `deadline` through `ix_deadline_open_due`
  (status, due) or `ix_deadline_branch_open_due` (branch, status, due); only open rows are
  read, one Python step each (bucket + working days left, O(1) on the calendar);
- analysis: GROUP BY queries over `complaint` (range on `ix_complaint_received` /
  `ix_complaint_branch_received`) and `deadline` (range on the due indexes); durations are
  grouped by (start day, end day) pairs in SQL, so Python sees a few hundred pairs, not
  every case.

Point in time. A report for a day before today (`history=True`) is the event history as it
stood at the end of that day: each deadline is the `state` of its last audit event dated up
to then (one window query over `ix_audit_entity_at`) — cases registered later are absent, a
deadline met later is still open there, a pause that started later is not a pause. Today's
report reads the `deadline` rows, the projection of the same events (a test checks that the
fold of the events up to now gives the same report).

Paused deadlines (external appraisal) are listed with status `paused`, their working days
left frozen on the day the clock stopped; they are never overdue, due today or due soon.
A breach stays: an on-time figure counts a deadline missed, then extended, paused, replaced
or met late, as a miss (`domain.report.verdict`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..domain.deadlines import RUNNING, DeadlineStatus, is_breached
from ..domain.report import (
    BUCKET_ORDER,
    Bucket,
    Outcome,
    as_of_moment,
    judge,
    on_time,
    standing,
    verdict,
)
from ..domain.timeutil import InputError

if TYPE_CHECKING:
    import sqlite3

    from .context import UnitOfWork

# SQLAlchemy and the table models are imported inside the functions that use them: on a
# SQLite file the reports run on plain sqlite3 (`QuickSource`) and never import them.

CASE_TYPES = ("complaint", "callback", "claim")


def _day(value: Any) -> dt.date:
    """A DATE value from the database (a string on SQLite, a date elsewhere)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _start_of_day(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time())


def _when(value: Any) -> dt.datetime | None:
    """A DATETIME value from the database (text on SQLite through plain sqlite3), to the
    microsecond as the ORM gives it."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value)[:19])


def end_of(d: dt.date) -> dt.datetime:
    """The first moment after day `d`: history "as of the end of d" is every event before it."""
    return _start_of_day(d + dt.timedelta(days=1))


def parse_status(value: str | None) -> str | None:
    """A report status filter as typed (code or Chinese label), None for no filter."""
    if value is None:
        return None
    from ..domain.codes import parse_code, table_of
    from ..domain.report import BUCKET_ZH

    return parse_code(table_of(BUCKET_ZH, {"due_soon": ("临近到期",)}), value, "--status")


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
    """Every deadline as its events left it before `until`: the fold of the deadline events
    (the last `state` of each deadline, by (at, id)). Deadlines started later are absent."""
    sql = (
        "SELECT entity_id, details FROM ("
        " SELECT entity_id, details,"
        " ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY at DESC, id DESC) AS rn"
        " FROM audit_event WHERE entity = 'deadline' AND at < :until AND details LIKE :marker"
        ") t WHERE rn = 1"
    )
    out = []
    for entity_id, details in _rows(uow, sql, {"until": until, "marker": '%"state": {%'}):
        st = json.loads(details)["state"]
        item = DeadlineState(
            id=int(entity_id),
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
    sql = f"SELECT {_STATE_COLUMNS} FROM deadline WHERE {_RUNNING_SQL}{where}{order}"
    return [_state(r) for r in _rows(uow, sql, params)]


_STATE_COLUMNS = "id, case_type, case_id, kind, status, due, due_at, provisional, breached, paused_at, branch, handler"


def _state(r) -> DeadlineState:
    """A row of `SELECT _STATE_COLUMNS FROM deadline` from either source."""
    return DeadlineState(
        r[0], r[1], r[2], r[3], r[4], _day(r[5]), _moment(r[6]), bool(r[7]), bool(r[8]), _moment(r[9]), r[10], r[11]
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
        for r in _rows(src, sql, params):
            d = _state(r)
            out.setdefault(d.case_id, []).append(d)
    return out


def next_order(d: DeadlineState) -> tuple:
    """The order of a case's running deadlines: the first is its next deadline (earliest due day,
    then due moment, then the older row)."""
    return (d.due, d.due_at.replace(tzinfo=None), d.id)


def next_view(d: DeadlineState, calendar, as_of: dt.date) -> dict:
    """A case's next running deadline as lists and search show it: {kind, due, provisional,
    paused, overdue, working_days_left}, judged by `domain.report.judge`."""
    j = judge(calendar, as_of, d.status, d.due, d.due_at, d.breached, d.paused_at)
    return {
        "kind": d.kind,
        "due": d.due,
        "provisional": d.provisional,
        "paused": d.status == DeadlineStatus.PAUSED,
        "overdue": j.overdue,
        "working_days_left": j.working_days_left,
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


def _verdicts_of(states: list[DeadlineState], date_from, date_to, as_of, by_kind: bool) -> dict:
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


def parse_kind(value: str | None) -> str | None:
    """A deadline kind as typed (English code or Chinese name), None for no filter."""
    if value is None:
        return None
    from ..domain.codes import parse_code, table_of
    from ..domain.deadlines import DEADLINE_KIND_ZH

    return parse_code(table_of(DEADLINE_KIND_ZH), value, "--kind")


# --- where a report reads from -----------------------------------------------


class QuickSource:
    """What a report reads — calendar, policy, rows of SQL — from a plain sqlite3 connection
    on a current SQLite file (store/quick.py), in place of a read-only unit of work: a report
    then never imports SQLAlchemy (about half a second) and reads its rows without an ORM.

    The SQL of this path is written for SQLite; every other database takes the SQLAlchemy
    path, which stays the reference: tests/test_latency_imports.py checks that both give the
    same report on the same file."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @cached_property
    def calendar(self):
        from .sources import CALENDAR_QUERIES, calendar_from_rows

        return calendar_from_rows(*(self.conn.execute(q).fetchall() for q in CALENDAR_QUERIES))

    @cached_property
    def policy(self):
        from .sources import POLICY_QUERY, policy_from_rows

        return policy_from_rows(self.conn.execute(POLICY_QUERY).fetchall())


@contextmanager
def report_source(db: str | None) -> Iterator[QuickSource | UnitOfWork]:
    """Where a report command reads: a `QuickSource` on a SQLite file whose schema is current,
    else (PostgreSQL, a file to create or upgrade…) a read-only unit of work."""
    from ..store import quick

    with quick.connect(db) as conn:
        if conn is not None:
            yield QuickSource(conn)
            return
    from .context import unit_of_work

    with unit_of_work(db, write=False) as uow:
        yield uow


def _lite(value: Any) -> Any:
    """A parameter for sqlite3 as SQLAlchemy hands an untyped one to it (`text()` binds): dates
    and datetimes as sqlite3's own adapters write them."""
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(src: QuickSource | UnitOfWork, sql: str, params: dict) -> list:
    """The rows of one SQL text statement with :named parameters, from either source."""
    if isinstance(src, QuickSource):
        return src.conn.execute(sql, {k: _lite(v) for k, v in params.items()}).fetchall()
    from sqlalchemy import text

    return src.session.execute(text(sql), params).all()


def _chain_head(src: QuickSource | UnitOfWork) -> dict:
    if not isinstance(src, QuickSource):
        from .verify import chain_head

        return chain_head(src)
    head = src.conn.execute("SELECT hash FROM audit_head WHERE id = 1").fetchone()
    last = src.conn.execute("SELECT max(id) FROM audit_event").fetchone()[0]
    return {"event_id": last, "hash": head[0] if head else None}


def check_listed(src: QuickSource | UnitOfWork, branch: str | None = None, handler: str | None = None) -> None:
    """`services.masters.check_names` read on either source: a name not on its (non-empty)
    list is exit 2 with suggestions; a list never set up checks nothing."""
    from ..domain.masters import check_filter

    check_filter(branch, handler, lambda table: [n for (n,) in _rows(src, f"SELECT name FROM {table}", {})])  # noqa: S608


def check_filter_names(src: QuickSource | UnitOfWork, branch: str | None = None, handler: str | None = None) -> None:
    """A filter naming a branch or handler not on its list: exit 2 with suggestions, not an
    empty report (the rule of `services.masters.check_names`, read here on either source).

    A list never set up (no row) is no check in `check_names`; a report then checks the name
    against the names its deadlines carry, so a typo is not a silent empty report either."""
    from ..domain.masters import LISTS, suggestions

    check_listed(src, branch, handler)
    for value, (table, what) in zip((branch, handler), LISTS, strict=True):
        name = (value or "").strip()
        if not name or _rows(src, f"SELECT 1 FROM {table} LIMIT 1", {}):  # noqa: S608 - fixed names
            continue
        used = [n for (n,) in _rows(src, f"SELECT DISTINCT {table} FROM deadline", {}) if n]
        if used and name not in used:
            near = suggestions(name, used)
            said = f",您是不是要找: {'、'.join(near)}" if near else f",现有: {'、'.join(sorted(used)[:5])}"
            raise InputError(f"{what} '{name}' 没有任何期限{said}。{what}名单尚未建立,可用 `kefu {table} add` 建立")


# --- deadline report ---------------------------------------------------------

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
_RUNNING_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in RUNNING) + ")"
# Every status a row can have: a range of due days then reads the (status, due) index instead
# of the whole table (there is no index on `due` alone).
_ANY_STATUS_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in DeadlineStatus) + ")"
_PAUSED_ON_SQL = f"CASE WHEN status = '{DeadlineStatus.PAUSED.value}' THEN substr(paused_at, 1, 10) END"


def _filter_sql(branch: str | None = None, handler: str | None = None, kind: str | None = None) -> tuple[str, dict]:
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
    written as one SQL CASE and one GROUP BY over the due index; `filters` from `_filter_sql`.

    Returns {kind or None: {Outcome: count}}.
    """
    where, params = filters
    cols = "kind, outcome" if by_kind else "outcome"
    sql = (
        f"SELECT {cols}, count(*) FROM (SELECT kind, {_OUTCOME_SQL} AS outcome FROM deadline"
        f" WHERE {_ANY_STATUS_SQL} AND due >= :date_from AND due <= :date_to{where}) AS t GROUP BY {cols}"
    )
    binds = {**params, "as_of": as_of, "breached": True, "date_from": date_from, "date_to": date_to}
    out: dict[str | None, dict[str, int]] = {}
    for row in _rows(uow, sql, binds):
        if not row[-2]:
            continue
        key = row[0] if by_kind else None
        out.setdefault(key, {})[row[-2]] = row[-1]
    return out


def deadline_report(
    uow: QuickSource | UnitOfWork,
    as_of: dt.date,
    within: int | None = None,
    branch: str | None = None,
    handler: str | None = None,
    kind: str | None = None,
    history: bool = False,
    status: str | None = None,
    lazy: bool = False,
) -> dict:
    """Every running (open or paused) deadline of every case type, as seen on `as_of`.

    `history=True` (a day before today): the deadlines as the event history stood at the end
    of `as_of` (`states_at`); otherwise the current rows. `status` keeps only the items of
    one bucket (the summary still counts them all).

    Keys: as_of, history, within, filters, summary {overdue, due_today, due_soon, later,
    paused, open (every running deadline, paused ones included), provisional}, on_time
    (deadlines due from the 1st of as_of's month to as_of: on_time, late, overdue, pending,
    rate), groups [per branch + handler: the bucket counts], items [case_id, case_type,
    kind, due, due_at, status (the bucket: overdue | due_today | due_soon | later | paused),
    working_days_left (frozen while paused), provisional, breached, branch, handler].

    `uow` is a read-only unit of work or a `QuickSource`. With `lazy=True` and a
    `QuickSource`, today's `items` is an iterator over rows read in order as it is consumed
    (a report of 100,000 deadlines is written without holding them all), `due`/`due_at` then
    already in their JSON form; consume it before the source is closed.
    """
    if within is None:
        within = uow.policy["report.due_soon_workdays"]
    if within < 0:
        raise InputError(f"--within 不能为负数(收到 {within}),例如 3")
    cal = uow.calendar
    month_start = as_of.replace(day=1)
    until = end_of(as_of)
    quick = isinstance(uow, QuickSource)
    groups: dict[tuple[str, str], Counter] = {}
    summary: Counter = Counter()
    if quick and not history:
        where, params = _filter_sql(branch, handler, kind)
        counts = on_time_counts(uow, month_start, as_of, as_of, (where, params)).get(None, {})
        items: Any = _quick_items(uow, cal, as_of, within, where, params, status, summary, groups)
        if not lazy:
            items = list(items)
    else:
        if history:
            every = states_at(uow, until, branch, handler, kind)
            rows = [st for st in every if st.status in RUNNING]
            counts = _verdicts_of(every, month_start, as_of, as_of, by_kind=False).get(None, {})
        else:
            filters = _filter_sql(branch, handler, kind)
            rows = running_now(uow, filters)
            counts = on_time_counts(uow, month_start, as_of, as_of, filters).get(None, {})
        items = _items(rows, cal, as_of, within, status, summary, groups)

    return {
        "as_of": as_of,
        "history": history,
        "within": within,
        "filters": {"branch": branch, "handler": handler, "kind": kind, "status": status},
        "summary": {
            "overdue": summary[Bucket.OVERDUE],
            "due_today": summary[Bucket.DUE_TODAY],
            "due_soon": summary[Bucket.DUE_SOON],
            "later": summary[Bucket.LATER],
            "paused": summary[Bucket.PAUSED],
            "open": sum(summary[b] for b in Bucket),
            "provisional": summary["provisional"],
        },
        "on_time": {"from": month_start, "to": as_of, **on_time(counts).as_dict()},
        "groups": [
            {"branch": b, "handler": h, **{k.value: c[k] for k in BUCKET_ORDER}, "open": sum(c.values())}
            for (b, h), c in sorted(groups.items())
        ],
        "items": items,
        # The audit chain head when the report was made: a later edit of the history no longer matches it.
        "chain_head": _chain_head(uow),
    }


def _items(rows, cal, as_of, within, status, summary: Counter, groups: dict) -> list[dict]:
    """The items of `rows` (DeadlineState), sorted; the summary and group counts added up."""
    items = []
    for r in rows:
        st = judge(cal, as_of, r.status, r.due, r.due_at, r.breached, r.paused_at, within)
        summary[st.bucket] += 1
        summary["provisional"] += r.provisional
        g = groups.setdefault((r.branch, r.handler), Counter())
        g[st.bucket] += 1
        if status is not None and st.bucket.value != status:
            continue
        items.append(
            {
                "case_id": r.case_id,
                "case_type": r.case_type,
                "kind": r.kind,
                "due": r.due,
                "due_at": r.due_at,
                "status": st.bucket.value,
                "working_days_left": st.working_days_left,
                "provisional": r.provisional,
                "breached": st.breached,
                "branch": r.branch,
                "handler": r.handler,
                "_id": r.id,
            }
        )
    items.sort(key=lambda i: (i["branch"], i["handler"], i["due"], i["case_type"], i["case_id"], i["kind"], i["_id"]))
    for i in items:
        del i["_id"]
    return items


def _quick_items(
    src: QuickSource, cal, as_of, within, where: str, params: dict, status, summary: Counter, groups: dict
) -> Iterator[dict]:
    """Today's items from the `deadline` rows on SQLite, as `_items` makes them, read from the
    covering index of the running rows (`ix_deadline_running`, migration 0009) alone: first the
    summary and group counts, one GROUP BY per distinct (branch, handler, due day, pause day,
    provisional) — each distinct due and pause day placed on the calendar once — then the
    returned iterator reads the rows in the order of `_items` (the index order; the text of a
    SQLite DATE sorts as the date) and makes one dict per row as it is consumed, with `due` and
    `due_at` in their JSON form (the `_items` values). Both reads are one snapshot (one read
    transaction, store/quick.py)."""
    source = f"FROM deadline INDEXED BY ix_deadline_running WHERE {_RUNNING_SQL}{where}"
    counted = src.conn.execute(
        f"SELECT branch, handler, substr(due, 1, 10), {_PAUSED_ON_SQL}, provisional, count(*) {source}"
        " GROUP BY 1, 2, 3, 4, 5",
        params,
    ).fetchall()
    places: dict[tuple[str, str | None], tuple[str, int]] = {}  # (due, pause day) -> (bucket, days left)
    for b, h, due, paused, provisional, n in counted:
        place = places.get((due, paused))
        if place is None:
            day, stopped = dt.date.fromisoformat(due), dt.date.fromisoformat(paused) if paused else None
            st = standing(cal, as_of, day, within, stopped)  # `judge`'s day part
            place = places[(due, paused)] = (st.bucket.value, st.working_days_left)
        bucket = Bucket(place[0])
        summary[bucket] += n
        if provisional:
            summary["provisional"] += n
        g = groups.setdefault((b, h), Counter())
        g[bucket] += n
    rows = src.conn.execute(
        "SELECT branch, handler, substr(due, 1, 10), case_type, case_id, kind, id, due_at, status,"
        f" {_PAUSED_ON_SQL}, provisional, breached {source} ORDER BY branch, handler, due, case_type, case_id, kind, id",
        params,
    )
    # `judge`'s moment part (is_breached at the end of as_of), as text comparable with `due_at[:19]`
    moment = as_of_moment(as_of).isoformat(" ")
    return _quick_rows(rows, places, status, moment)


def _quick_rows(rows: list, places: dict, status: str | None, moment: str) -> Iterator[dict]:
    with _gc_paused():
        for b, h, due, case_type, case_id, kind, _id, due_at, st_, paused, provisional, breached in rows:
            bucket, left = places[(due, paused)]
            if status is not None and bucket != status:
                continue
            at = due_at[:19]
            yield {
                "case_id": case_id,
                "case_type": case_type,
                "kind": kind,
                "due": due,
                "due_at": f"{at[:10]}T{at[11:]}+08:00",
                "status": bucket,
                "working_days_left": left,
                "provisional": bool(provisional),
                "breached": is_breached(breached, st_, at, moment),  # times as text: same order
                "branch": b,
                "handler": h,
            }


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a stretch that makes many objects and no cycle
    (rows of a report): it would only scan them again and again. Restored afterwards."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
