"""`kefu report stats` of a past day (services/stats.py): the cases changed after the day by an
event that no time column dates, counted as they stood at its end.

The figures of a past day read today's columns, with the steps taken later undone by their own
time columns (`accepted_at < :until`…). An assign, edit or undo event leaves no such column: a
complaint reassigned after the day has today's branch, one corrected has today's category, one
whose acceptance was taken back is pending today. Those cases — found through the audit index
on (entity, at), so a recent day reads only the few events after it — are left out of the SQL
figures (`changed_later`) and counted here from their fold (services/past.py, the fold `db
verify` runs): their branch, handler, category, channel, receipt time, due date, status and
outcome as they stood.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .deadline_query import day_of, end_of, start_of_day
from .report_source import sql_rows

# The actions that change a column the figures read without a time column that dates the change
# (a step's own time column does: `done`): a reassignment (branch, handler), a correction (any
# registered field: category, channel, receipt time, branch…) and an undo (a step taken back).
LATER = ("assign", "edit", "undo")


def changed_later(entity: str) -> str:
    """SQL: the ids of the cases of `entity` (a constant) that such an event dated from :until on
    changed — today's columns are not theirs of the day; through the index on (entity, at), so a
    recent day reads only the few events after it."""
    actions = ", ".join(f"'{a}'" for a in LATER)
    return (
        f"SELECT entity_id FROM audit_event WHERE entity = '{entity}'"  # noqa: S608
        f" AND at >= :until AND action IN ({actions})"
    )


def as_they_stood(src, entity: str, table: str, columns: str, until: dt.datetime) -> list[dict[str, Any]]:
    """The cases `changed_later` names, registered before `until`, as they stood then: today's
    `columns` with those their fold (services/past.py, the fold `db verify` runs) of the events
    before `until` gives laid over them; time values as naive datetimes (China time)."""
    from .past import Past

    later = changed_later(entity)
    sql = f"SELECT id, {columns} FROM {table} WHERE registered_at < :until AND id IN ({later})"  # noqa: S608
    names = ["id", *(c.strip() for c in columns.split(","))]
    rows = [dict(zip(names, r, strict=True)) for r in sql_rows(src, sql, {"until": until})]
    if not rows:
        return []
    past = Past(src, (until - dt.timedelta(days=1)).date())
    return [{k: _moment(v) if k.endswith("_at") else v for k, v in r.items()} for r in past.rows(entity, rows)]


def _moment(v: Any) -> Any:
    """A time value from a row or an event (text on SQLite, ISO with its +08:00 in an event) as a
    naive datetime in China time, as the columns hold it."""
    if isinstance(v, str):
        v = dt.datetime.fromisoformat(v)
    return v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v


# The complaint columns the figures read (`stats_report`), for `as_they_stood`.
COMPLAINT_COLUMNS = (
    "category, channel, branch, received_at, accepted_at, rejected_at, transferred_at, merged_into, withdrawn_at,"
    " decided_at, reject_reason, transfer_internal, voided_at, pause_kind"
    ", cause"  # the decision's root cause (溯源整改)
    ", major_reason, major_at, escalated_at"  # a major complaint and its report (services/stats.py `major_stats`)
)


def complaints_then(
    src, date_from: dt.date, date_to: dt.date, branch: str | None, until: dt.datetime
) -> list[dict[str, Any]]:
    """The complaints changed after the day (`changed_later`) that its figures count, as they
    stood at its end: received in the period and of the branch then, not voided by then; with
    `outcome` (`stats_report`'s CASE, steps taken by then) and `month`; `pause_kind`: the kind of
    its last pause by then (None: not paused by then)."""
    lo, hi = start_of_day(date_from), end_of(date_to)
    out = []
    for c in as_they_stood(src, "complaint", "complaint", COMPLAINT_COLUMNS, until):
        if not (lo <= c["received_at"] < hi) or (branch is not None and c["branch"] != branch):
            continue
        if c["voided_at"] is not None and c["voided_at"] < until:
            continue
        for k in ("accepted_at", "rejected_at", "transferred_at", "withdrawn_at", "decided_at"):
            if c[k] is not None and c[k] >= until:  # a step taken later: not yet
                c[k] = None
        c["outcome"] = next(
            (oc for oc, done in (("accepted", c["accepted_at"]), ("rejected", c["rejected_at"]),
                                 ("transferred", c["transferred_at"]), ("merged", c["merged_into"]),
                                 ("withdrawn", c["withdrawn_at"])) if done is not None),
            "pending",
        )  # fmt: skip
        c["month"] = f"{c['received_at']:%Y-%m}"
        out.append(c)
    return out


def requests_then(src, date_from: dt.date, date_to: dt.date, branch: str | None, until: dt.datetime) -> list[tuple]:
    """The service requests changed after the day (`changed_later`) that its figures count, as they
    stood at its end (received in the period and of the branch then, not voided by then), each as
    one row of `request_stats`' GROUP BY (type, reason, 1)."""
    lo, hi = start_of_day(date_from), end_of(date_to)
    return [
        (r["type"], r["reason"], 1)
        for r in as_they_stood(src, "request", "service_request", "type, reason, branch, received_at, voided_at", until)
        if lo <= r["received_at"] < hi
        and (branch is None or r["branch"] == branch)
        and (r["voided_at"] is None or r["voided_at"] >= until)
    ]


def callbacks_then(
    src, params: dict, until: dt.datetime, date_from: dt.date | None, date_to: dt.date | None, branch: str | None
) -> list[tuple]:
    """The callbacks reassigned, corrected or stepped back after the day (`changed_later`), as
    they stood at its end, each as one row of `callback_kpis`' GROUP BY (branch, handler, kind,
    due, success, refused, cancelled, unreachable, open, letter/visit, in time): of the branch
    and due in the period then, not voided by then; ended by then in time against today's
    `callback` deadline row, as the query judges every callback."""
    cols = "branch, handler, kind, due, status, outcome_method, ended_at, voided_at"
    then = [
        c
        for c in as_they_stood(src, "callback", "callback", cols, until)
        if (branch is None or c["branch"] == branch)
        and (c["voided_at"] is None or c["voided_at"] >= until)
        and (date_from is None or day_of(c["due"]) >= date_from)
        and (date_to is None or day_of(c["due"]) <= date_to)
    ]
    due_at: dict[str, Any] = {}
    for n in range(0, len(then), 200):
        chunk = {f"id{i}": c["id"] for i, c in enumerate(then[n : n + 200])}
        sql = (
            "SELECT case_id, due_at FROM deadline WHERE case_type = :case_type AND kind = :kind"
            f" AND status <> :superseded AND case_id IN ({', '.join(':' + k for k in chunk)})"
        )
        keys = {k: params[k] for k in ("case_type", "kind", "superseded")}
        due_at.update((i, _moment(at)) for i, at in sql_rows(src, sql, {**keys, **chunk}))
    out = []
    for c in then:
        ended = c["ended_at"] is not None and c["ended_at"] < until
        st = c["status"] if ended else params["open"]
        in_time = ended and c["id"] in due_at and c["ended_at"] <= due_at[c["id"]]
        success = st == params["success"]
        out.append((
            c["branch"], c["handler"], c["kind"], 1, success, st == params["refused"], st == params["cancelled"],
            st == params["unreachable"], st == params["open"],
            success and c["outcome_method"] in (params["letter"], params["visit"]), success and in_time,
        ))  # fmt: skip
    return out
