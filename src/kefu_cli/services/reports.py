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

Statuses are read as they are now; `as_of` is the day the report is seen from (what is
overdue, how many working days are left).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import and_, case, extract, func, select

from ..domain.codes import CATEGORIES, CHANNELS, label
from ..domain.deadlines import DeadlineKind, DeadlineStatus
from ..domain.report import (
    BUCKET_ORDER,
    Bucket,
    Outcome,
    classify,
    on_time,
    weighted_percentile,
)
from ..domain.timeutil import InputError
from ..store.complaint_models import Complaint
from ..store.models import Deadline
from .context import UnitOfWork

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
    """Outcome counts of the deadlines due in [date_from, date_to] (met or open rows).

    Met rows are on time when met_at <= due_at; open rows are overdue when due < as_of,
    else pending. Returns {kind or None: {Outcome: count}}. One GROUP BY over the due index.
    """
    verdict = case(
        (and_(Deadline.status == DeadlineStatus.MET.value, Deadline.met_at <= Deadline.due_at), Outcome.ON_TIME.value),
        (Deadline.status == DeadlineStatus.MET.value, Outcome.LATE.value),
        (Deadline.due < as_of, Outcome.OVERDUE.value),
        else_=Outcome.PENDING.value,
    )
    cols = [Deadline.kind, verdict] if by_kind else [verdict]
    stmt = (
        select(*cols, func.count())
        .where(
            Deadline.status.in_([DeadlineStatus.MET.value, DeadlineStatus.OPEN.value]),
            Deadline.due >= date_from,
            Deadline.due <= date_to,
            *conds,
        )
        .group_by(*cols)
    )
    out: dict[str | None, dict[str, int]] = {}
    for row in uow.session.execute(stmt).all():
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
) -> dict:
    """Every open deadline of every case type, as seen on `as_of`.

    Keys: as_of, within, filters, summary {overdue, due_today, due_soon, later, open,
    provisional}, on_time (deadlines due from the 1st of as_of's month to as_of: on_time,
    late, overdue, pending, rate), groups [per branch + handler: the bucket counts], items
    [case_id, case_type, kind, due, due_at, status (the bucket: overdue | due_today |
    due_soon | later), working_days_left, provisional, branch, handler].
    """
    if within is None:
        within = uow.policy["report.due_soon_workdays"]
    if within < 0:
        raise InputError(f"--within 不能为负数(收到 {within}),例如 3")
    cal = uow.calendar
    conds = _deadline_filters(branch, handler, kind)
    stmt = select(
        Deadline.id,
        Deadline.case_type,
        Deadline.case_id,
        Deadline.kind,
        Deadline.due,
        Deadline.due_at,
        Deadline.provisional,
        Deadline.branch,
        Deadline.handler,
    ).where(Deadline.status == DeadlineStatus.OPEN.value, *conds)
    rows = uow.session.execute(stmt).all()

    items = []
    groups: dict[tuple[str, str], Counter] = {}
    summary: Counter = Counter()
    for r in rows:
        due = _day(r.due)
        st = classify(cal, as_of, due, within)
        items.append(
            {
                "case_id": r.case_id,
                "case_type": r.case_type,
                "kind": r.kind,
                "due": due,
                "due_at": r.due_at,
                "status": st.bucket.value,
                "working_days_left": st.working_days_left,
                "provisional": bool(r.provisional),
                "branch": r.branch,
                "handler": r.handler,
                "_id": r.id,
            }
        )
        summary[st.bucket] += 1
        summary["provisional"] += bool(r.provisional)
        g = groups.setdefault((r.branch, r.handler), Counter())
        g[st.bucket] += 1
    items.sort(key=lambda i: (i["branch"], i["handler"], i["due"], i["case_type"], i["case_id"], i["kind"], i["_id"]))
    for i in items:
        del i["_id"]

    month_start = as_of.replace(day=1)
    counts = on_time_counts(uow, month_start, as_of, as_of, conds).get(None, {})
    return {
        "as_of": as_of,
        "within": within,
        "filters": {"branch": branch, "handler": handler, "kind": kind},
        "summary": {
            "overdue": summary[Bucket.OVERDUE],
            "due_today": summary[Bucket.DUE_TODAY],
            "due_soon": summary[Bucket.DUE_SOON],
            "later": summary[Bucket.LATER],
            "open": len(items),
            "provisional": summary["provisional"],
        },
        "on_time": {"from": month_start, "to": as_of, **on_time(counts).as_dict()},
        "groups": [
            {"branch": b, "handler": h, **{k.value: c[k] for k in BUCKET_ORDER}, "open": sum(c.values())}
            for (b, h), c in sorted(groups.items())
        ],
        "items": items,
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


def _duration(uow: UnitOfWork, start_col, end_col, where: list) -> dict:
    """count / median / p90 of working days in (start day, end day], via (day, day) groups."""
    s, e = func.date(start_col), func.date(end_col)
    stmt = select(s, e, func.count()).where(end_col.is_not(None), *where).group_by(s, e)
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
    uow: UnitOfWork, date_from: dt.date, date_to: dt.date, as_of: dt.date, branch: str | None = None
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
    sess = uow.session

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

    decided_outcome = case(
        (Complaint.accepted_at.is_not(None), "accepted"),
        (Complaint.rejected_at.is_not(None), "rejected"),
        (Complaint.transferred_at.is_not(None), "transferred"),
        (Complaint.merged_into.is_not(None), "merged"),
        (Complaint.withdrawn_at.is_not(None), "withdrawn"),
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
        "to_acceptance": _duration(uow, Complaint.received_at, first_decision, where),
        "to_decision": _duration(uow, Complaint.received_at, Complaint.decided_at, where),
    }

    conds = [Deadline.branch == branch] if branch is not None else []
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
        "callbacks": callback_part(uow, date_from, date_to, branch),
    }


def callback_part(uow: UnitOfWork, date_from: dt.date, date_to: dt.date, branch: str | None) -> dict | None:
    """The callback KPIs from services/callbacks.callback_kpis (one implementation only)."""
    try:
        from .callbacks import callback_kpis  # type: ignore[attr-defined]
    except ImportError:
        return None
    return callback_kpis(uow, date_from, date_to, branch=branch)
