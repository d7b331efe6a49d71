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
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..domain.deadlines import RUNNING, is_breached
from ..domain.report import (
    BUCKET_ORDER,
    Bucket,
    as_of_moment,
    judge,
    on_time,
    overdue_count_provisional,
    standing,
)
from ..domain.timeutil import InputError
from .deadline_query import (
    PAUSED_ON_SQL,
    RUNNING_SQL,
    end_of,
    filter_sql,
    on_time_counts,
    running_now,
    states_at,
    verdicts_of,
)
from .report_source import QuickSource, chain_head_of, sql_rows

if TYPE_CHECKING:
    from .context import UnitOfWork

# SQLAlchemy and the table models are imported inside the functions that use them: on a
# SQLite file the reports run on plain sqlite3 (`QuickSource`) and never import them.

CASE_TYPES = ("complaint", "callback", "claim")


def parse_status(value: str | None) -> str | None:
    """A report status filter as typed (code or Chinese label), None for no filter."""
    if value is None:
        return None
    from ..domain.codes import parse_code, table_of
    from ..domain.report import BUCKET_ZH

    return parse_code(table_of(BUCKET_ZH, {"due_soon": ("临近到期",)}), value, "--status")


def parse_kind(value: str | None) -> str | None:
    """A deadline kind as typed (English code or Chinese name), None for no filter."""
    if value is None:
        return None
    from ..domain.codes import parse_code, table_of
    from ..domain.deadlines import DEADLINE_KIND_ZH

    return parse_code(table_of(DEADLINE_KIND_ZH), value, "--kind")


# --- deadline report ---------------------------------------------------------


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
        where, params = filter_sql(branch, handler, kind)
        counts = on_time_counts(uow, month_start, as_of, as_of, (where, params)).get(None, {})
        items: Any = _quick_items(uow, cal, as_of, within, where, params, status, summary, groups)
        if not lazy:
            items = list(items)
    else:
        if history:
            every = states_at(uow, until, branch, handler, kind)
            rows = [st for st in every if st.status in RUNNING]
            counts = verdicts_of(every, month_start, as_of, as_of, by_kind=False).get(None, {})
        else:
            filters = filter_sql(branch, handler, kind)
            rows = running_now(uow, filters)
            counts = on_time_counts(uow, month_start, as_of, as_of, filters).get(None, {})
        items = _items(rows, cal, as_of, within, status, summary, groups)
    items = _with_major(uow, items, until if history else None)

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
        "chain_head": chain_head_of(uow),
    }


def major_ids(src: QuickSource | UnitOfWork, until: dt.datetime | None = None) -> set[str]:
    """The numbers of the major complaints (2020 rule Art. 29; domain/major.py): every report flags
    them. `until`: those made major before it (a past day's report; undone since: not known here)."""
    sql = "SELECT id FROM complaint WHERE major_reason IS NOT NULL" + (" AND major_at < :until" if until else "")
    return {i for (i,) in sql_rows(src, sql, {"until": until} if until else {})}


def _with_major(src: QuickSource | UnitOfWork, items, until: dt.datetime | None = None):
    """Each item with `major`: its case is a major complaint (a list stays a list, an iterator lazy)."""
    majors = major_ids(src, until)

    def mark(i: dict) -> dict:
        i["major"] = i["case_type"] == "complaint" and i["case_id"] in majors
        return i

    return [mark(i) for i in items] if isinstance(items, list) else map(mark, items)


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
                "left_provisional": st.left_provisional,
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
    source = f"FROM deadline INDEXED BY ix_deadline_running WHERE {RUNNING_SQL}{where}"
    counted = src.conn.execute(
        f"SELECT branch, handler, substr(due, 1, 10), {PAUSED_ON_SQL}, provisional, count(*) {source}"
        " GROUP BY 1, 2, 3, 4, 5",
        params,
    ).fetchall()
    places: dict[tuple[str, str | None], tuple[str, int]] = {}  # (due, pause day) -> (bucket, days left)
    for b, h, due, paused, provisional, n in counted:
        place = places.get((due, paused))
        if place is None:
            day, stopped = dt.date.fromisoformat(due), dt.date.fromisoformat(paused) if paused else None
            st = standing(cal, as_of, day, within, stopped)  # `judge`'s day part
            counted_provisional = overdue_count_provisional(cal, as_of, day, st.bucket)
            place = places[(due, paused)] = (st.bucket.value, st.working_days_left, counted_provisional)
        bucket = Bucket(place[0])
        summary[bucket] += n
        if provisional:
            summary["provisional"] += n
        g = groups.setdefault((b, h), Counter())
        g[bucket] += n
    rows = src.conn.execute(
        "SELECT branch, handler, substr(due, 1, 10), case_type, case_id, kind, id, due_at, status,"
        f" {PAUSED_ON_SQL}, provisional, breached {source} ORDER BY branch, handler, due, case_type, case_id, kind, id",
        params,
    )
    # `judge`'s moment part (is_breached at the end of as_of), as text comparable with `due_at[:19]`
    moment = as_of_moment(as_of).isoformat(" ")
    return _quick_rows(rows, places, status, moment)


def _quick_rows(rows: list, places: dict, status: str | None, moment: str) -> Iterator[dict]:
    with _gc_paused():
        for b, h, due, case_type, case_id, kind, _id, due_at, st_, paused, provisional, breached in rows:
            bucket, left, left_provisional = places[(due, paused)]
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
                "left_provisional": left_provisional,
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
