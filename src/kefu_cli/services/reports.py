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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, extract, func, literal, or_, select, text, true

from ..domain.codes import CATEGORIES, CHANNELS, label
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus, is_breached
from ..domain.report import (
    BUCKET_ORDER,
    Bucket,
    Outcome,
    on_time,
    standing,
    verdict,
    weighted_percentile,
)
from ..domain.timeutil import InputError
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, Deadline
from .context import UnitOfWork
from .verify import chain_head

CASE_TYPES = ("complaint", "callback")

REJECT_REASONS = ("not_consumer", "duplicate_open", "duplicate_decided", "not_company", "not_complaint")

# Acceptance outcome of a complaint, from its columns (first match wins).
OUTCOMES = ("accepted", "rejected", "transferred", "merged", "withdrawn", "pending")


def _day(value: Any) -> dt.date:
    """A DATE value from the database (a string on SQLite, a date elsewhere)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _start_of_day(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time())


def _moment(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value)[:19])


def end_of(d: dt.date) -> dt.datetime:
    """The first moment after day `d`: history "as of the end of d" is every event before it."""
    return _start_of_day(d + dt.timedelta(days=1))


STATUS_FILTERS = tuple(b.value for b in Bucket)


def parse_status(value: str | None) -> str | None:
    """A report status filter as typed (code or Chinese label), None for no filter."""
    if value is None:
        return None
    from ..domain.report import BUCKET_ZH

    v = value.strip()
    for b in Bucket:
        if v.lower() == b.value or v == BUCKET_ZH[b]:
            return b.value
    choices = "、".join(f"{b.value}({BUCKET_ZH[b]})" for b in Bucket)
    raise InputError(f"--status 的值 '{value}' 无效,可选: {choices}")


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
    sql = text(
        "SELECT entity_id, details FROM ("
        " SELECT entity_id, details,"
        " ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY at DESC, id DESC) AS rn"
        " FROM audit_event WHERE entity = 'deadline' AND at < :until AND details LIKE :marker"
        ") t WHERE rn = 1"
    )
    out = []
    for entity_id, details in uow.session.execute(sql, {"until": until, "marker": '%"state": {%'}).all():
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


def running_now(uow: UnitOfWork, conds: list) -> list[DeadlineState]:
    """The open and paused rows of the projection (the `deadline` table), through its indexes."""
    stmt = select(
        Deadline.id,
        Deadline.case_type,
        Deadline.case_id,
        Deadline.kind,
        Deadline.status,
        Deadline.due,
        Deadline.due_at,
        Deadline.provisional,
        Deadline.breached,
        Deadline.paused_at,
        Deadline.branch,
        Deadline.handler,
    ).where(Deadline.status.in_([str(s) for s in RUNNING]), *conds)
    return [
        DeadlineState(
            r.id,
            r.case_type,
            r.case_id,
            r.kind,
            r.status,
            _day(r.due),
            _moment(r.due_at),
            bool(r.provisional),
            bool(r.breached),
            _moment(r.paused_at),
            r.branch,
            r.handler,
        )
        for r in uow.session.execute(stmt).all()
    ]


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


def _deadline_filters(branch: str | None, handler: str | None, kind: str | None) -> list:
    conds = []
    if branch is not None:
        conds.append(Deadline.branch == branch)
    if handler is not None:
        conds.append(Deadline.handler == handler)
    if kind is not None:
        conds.append(Deadline.kind == kind)
    return conds


def parse_kind(value: str | None) -> str | None:
    """A deadline kind as typed (English code or Chinese name), None for no filter."""
    if value is None:
        return None
    from ..domain.deadlines import DEADLINE_KIND_ZH

    v = value.strip()
    for k in DeadlineKind:
        if v.lower() == k.value or v == DEADLINE_KIND_ZH[k]:
            return k.value
    choices = "、".join(f"{k.value}({DEADLINE_KIND_ZH[k]})" for k in DeadlineKind)
    raise InputError(f"--kind 的值 '{value}' 无效,可选: {choices}")


# --- deadline report ---------------------------------------------------------


def on_time_counts(
    uow: UnitOfWork, date_from: dt.date, date_to: dt.date, as_of: dt.date, conds: list, by_kind: bool = False
) -> dict:
    """Outcome counts of the deadlines due in [date_from, date_to], by `domain.report.verdict`
    written as one SQL CASE and one GROUP BY over the due index.

    Returns {kind or None: {Outcome: count}}.
    """
    ds = DeadlineStatus
    outcome = case(
        (Deadline.status == ds.VOID.value, literal("")),
        (and_(Deadline.status == ds.OPEN.value, Deadline.due < as_of), literal(Outcome.OVERDUE.value)),
        (Deadline.breached == true(), literal(Outcome.LATE.value)),
        (Deadline.status == ds.MET.value, literal(Outcome.ON_TIME.value)),
        (Deadline.status.in_([ds.OPEN.value, ds.PAUSED.value]), literal(Outcome.PENDING.value)),
        else_=literal(""),
    )
    cols = [Deadline.kind, outcome] if by_kind else [outcome]
    stmt = (
        select(*cols, func.count())
        .where(Deadline.due >= date_from, Deadline.due <= date_to, *conds)
        .group_by(*cols)
    )
    out: dict[str | None, dict[str, int]] = {}
    for row in uow.session.execute(stmt).all():
        if not row[-2]:
            continue
        key = row[0] if by_kind else None
        out.setdefault(key, {})[row[-2]] = row[-1]
    return out


def deadline_report(
    uow: UnitOfWork,
    as_of: dt.date,
    within: int | None = None,
    branch: str | None = None,
    handler: str | None = None,
    kind: str | None = None,
    history: bool = False,
    status: str | None = None,
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
    """
    if within is None:
        within = uow.policy["report.due_soon_workdays"]
    if within < 0:
        raise InputError(f"--within 不能为负数(收到 {within}),例如 3")
    cal = uow.calendar
    conds = _deadline_filters(branch, handler, kind)
    month_start = as_of.replace(day=1)
    until = end_of(as_of)
    if history:
        every = states_at(uow, until, branch, handler, kind)
        rows = [st for st in every if st.status in RUNNING]
        counts = _verdicts_of(every, month_start, as_of, as_of, by_kind=False).get(None, {})
    else:
        rows = running_now(uow, conds)
        counts = on_time_counts(uow, month_start, as_of, as_of, conds).get(None, {})

    items = []
    groups: dict[tuple[str, str], Counter] = {}
    summary: Counter = Counter()
    moment = until - dt.timedelta(seconds=1)
    for r in rows:
        paused_on = r.paused_at.date() if r.status == DeadlineStatus.PAUSED and r.paused_at else None
        st = standing(cal, as_of, r.due, within, paused_on)
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
                "breached": is_breached(r.breached, r.status, r.due_at, moment),
                "branch": r.branch,
                "handler": r.handler,
                "_id": r.id,
            }
        )
    items.sort(key=lambda i: (i["branch"], i["handler"], i["due"], i["case_type"], i["case_id"], i["kind"], i["_id"]))
    for i in items:
        del i["_id"]

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
        "chain_head": chain_head(uow),
    }


# --- analysis report ---------------------------------------------------------


def _months(date_from: dt.date, date_to: dt.date) -> list[str]:
    out = []
    y, m = date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _counted(pairs, table=None, key: str = "code") -> list[dict]:
    """[(code, n)] → [{code, label, count}] by count descending, then code."""
    rows = sorted(((c or "", n) for c, n in pairs), key=lambda p: (-p[1], p[0]))
    if table is None:
        return [{key: c, "count": n} for c, n in rows]
    return [{key: c, "label": label(table, c), "count": n} for c, n in rows]


def _duration(uow: UnitOfWork, start_col, end_col, where: list, until: dt.datetime | None = None) -> dict:
    """count / median / p90 of working days in (start day, end day], via (day, day) groups;
    with `until`, only ends before it count (a point-in-time report)."""
    s, e = func.date(start_col), func.date(end_col)
    ended = [end_col.is_not(None)] + ([end_col < until] if until is not None else [])
    stmt = select(s, e, func.count()).where(*ended, *where).group_by(s, e)
    cal = uow.calendar
    dist: Counter = Counter()
    for start, end, n in uow.session.execute(stmt).all():
        dist[cal.count_workdays(_day(start), _day(end))] += n
    total = sum(dist.values())
    med = weighted_percentile(dist.items(), 50)
    p90 = weighted_percentile(dist.items(), 90)
    return {
        "count": total,
        "median": None if med is None else round(med, 2),
        "p90": None if p90 is None else round(p90, 2),
    }


def stats_report(
    uow: UnitOfWork,
    date_from: dt.date,
    date_to: dt.date,
    as_of: dt.date,
    branch: str | None = None,
    history: bool = False,
) -> dict:
    """The analysis report of RULES.md §4 for complaints received in [date_from, date_to].

    Keys: from, to, as_of, branch;
    complaints {total, by_category, by_channel, by_branch, by_month, outcomes {accepted,
      rejected, transferred, merged, withdrawn, pending}, rejected_by_reason, transfers
      {internal, external}};
    durations {to_acceptance, to_decision: {count, median, p90}} — working days from the day
      received to the day of the acceptance decision (accept, reject or transfer) / of the
      decision; a day is counted when it is a working day in (received, event];
    on_time [per deadline kind, for deadlines due in the period: on_time, late, overdue,
      pending, rate] and on_time_all (the same over every kind);
    callbacks: the callbacks engineer's `callback_kpis` for the period, or null when that
      function is not available.

    `history=True` (as_of before today): the history as it stood at the end of `as_of` —
    complaints registered later are absent, steps taken later have not happened, deadlines
    are the fold of their events (`states_at`), callbacks ended later are still open.
    """
    if date_to < date_from:
        raise InputError(
            f"--from({date_from})晚于 --to({date_to}): 请给出先后正确的日期范围,例如 --from 2026-10-01 --to 2026-10-31"
        )
    where = [
        Complaint.received_at >= _start_of_day(date_from),
        Complaint.received_at < _start_of_day(date_to + dt.timedelta(days=1)),
    ]
    if branch is not None:
        where.append(Complaint.branch == branch)
    until = end_of(as_of) if history else None
    if until is not None:
        where.append(Complaint.registered_at < until)
        where.append(or_(Complaint.voided_at.is_(None), Complaint.voided_at >= until))
    else:
        where.append(Complaint.voided_at.is_(None))  # registered by mistake: in no figure
    sess = uow.session

    def done(column):
        """A step's time column, as of `until`: steps taken later have not happened yet."""
        return column if until is None else case((column < until, column), else_=None)

    def grouped(col):
        return sess.execute(select(col, func.count()).where(*where).group_by(col)).all()

    by_category = _counted(grouped(Complaint.category), CATEGORIES)
    by_channel = _counted(grouped(Complaint.channel), CHANNELS)
    by_branch = _counted(grouped(Complaint.branch), key="branch")
    total = sum(r["count"] for r in by_category)

    y, m = extract("year", Complaint.received_at), extract("month", Complaint.received_at)
    month_counts = {
        f"{int(yy):04d}-{int(mm):02d}": n
        for yy, mm, n in sess.execute(select(y, m, func.count()).where(*where).group_by(y, m)).all()
    }
    by_month = [{"month": mo, "count": month_counts.get(mo, 0)} for mo in _months(date_from, date_to)]

    merged = Complaint.merged_into.is_not(None)
    if until is not None:  # no merge-time column: the merge event says when
        merge_events = select(AuditEvent.entity_id).where(
            AuditEvent.entity == "complaint", AuditEvent.action == "merge", AuditEvent.at < until
        )
        merged = and_(merged, Complaint.id.in_(merge_events))
    decided_outcome = case(
        (done(Complaint.accepted_at).is_not(None), "accepted"),
        (done(Complaint.rejected_at).is_not(None), "rejected"),
        (done(Complaint.transferred_at).is_not(None), "transferred"),
        (merged, "merged"),
        (done(Complaint.withdrawn_at).is_not(None), "withdrawn"),
        else_="pending",
    )
    outcomes = dict.fromkeys(OUTCOMES, 0)
    reasons: Counter = Counter()
    transfers = {"internal": 0, "external": 0}
    stmt = (
        select(decided_outcome, Complaint.reject_reason, Complaint.transfer_internal, func.count())
        .where(*where)
        .group_by(decided_outcome, Complaint.reject_reason, Complaint.transfer_internal)
    )
    for oc, reason, internal, n in sess.execute(stmt).all():
        outcomes[oc] += n
        if oc == "rejected":
            reasons[reason or ""] += n
        elif oc == "transferred":
            transfers["internal" if internal else "external"] += n
    rejected_by_reason = [{"reason": r, "count": reasons.get(r, 0)} for r in REJECT_REASONS] + [
        {"reason": r, "count": n} for r, n in sorted(reasons.items()) if r not in REJECT_REASONS
    ]

    first_decision = func.coalesce(Complaint.accepted_at, Complaint.rejected_at, Complaint.transferred_at)
    durations = {
        "to_acceptance": _duration(uow, Complaint.received_at, first_decision, where, until),
        "to_decision": _duration(uow, Complaint.received_at, Complaint.decided_at, where, until),
    }

    conds = [Deadline.branch == branch] if branch is not None else []
    if until is not None:
        per_kind = _verdicts_of(states_at(uow, until, branch), date_from, date_to, as_of, by_kind=True)
    else:
        per_kind = on_time_counts(uow, date_from, date_to, as_of, conds, by_kind=True)
    total_counts: Counter = Counter()
    for c in per_kind.values():
        total_counts.update(c)
    kinds = [k.value for k in DeadlineKind] + sorted(k for k in per_kind if k not in set(DeadlineKind))
    on_time_rows = [{"kind": k, **on_time(per_kind.get(k, {})).as_dict()} for k in kinds]

    return {
        "from": date_from,
        "to": date_to,
        "as_of": as_of,
        "history": history,
        "branch": branch,
        "complaints": {
            "total": total,
            "by_category": by_category,
            "by_channel": by_channel,
            "by_branch": by_branch,
            "by_month": by_month,
            "outcomes": outcomes,
            "rejected_by_reason": rejected_by_reason,
            "transfers": transfers,
        },
        "durations": durations,
        "on_time": on_time_rows,
        "on_time_all": on_time(dict(total_counts)).as_dict(),
        "callbacks": callback_part(uow, date_from, date_to, branch, until),
    }


def callback_part(
    uow: UnitOfWork, date_from: dt.date, date_to: dt.date, branch: str | None, until: dt.datetime | None = None
) -> dict | None:
    """The callback KPIs from services/callbacks.callback_kpis (one implementation only)."""
    from .callbacks import callback_kpis

    return callback_kpis(uow, date_from, date_to, branch=branch, until=until)
