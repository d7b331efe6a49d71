"""`kefu report stats`, the analysis report of RULES.md §4, and the callback KPIs it carries,
as SQL text that runs on either report source (services/report_source.py `report_source`): plain
sqlite3 on a current SQLite file — the command then never imports SQLAlchemy, about half a
second of its start-up — or a unit of work (PostgreSQL, a file to upgrade; `kefu callback kpi`).
One text per figure for both: SQLite and PostgreSQL both run it, and only the month of a
timestamp is spelled per database (`_month_sql`).

Datetime bounds are compared with `>=` and `<` only: SQLite keeps a timestamp as text with
microseconds ("2026-09-01 00:00:00.000000") while a bound is bound as "2026-09-01 00:00:00",
which sorts before it; for `>=` and `<` that is the same answer as comparing the times.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..domain import callback as cb
from ..domain.codes import CATEGORIES, CHANNELS, label
from ..domain.complaint import PauseKind, RejectReason
from ..domain.deadlines import DeadlineKind, DeadlineStatus
from ..domain.report import on_time, weighted_percentile
from ..domain.requests import REQUEST_TYPES, SURRENDER_REASONS
from ..domain.timeutil import check_span
from .deadline_query import day_of, end_of, filter_sql, on_time_counts, start_of_day, states_at, verdicts_of
from .notice_stats import notice_stats
from .report_source import QuickSource, sql_rows
from .stats_then import callbacks_then, changed_later, complaints_then, requests_then

if TYPE_CHECKING:
    from .context import UnitOfWork

# The reject reasons in the order of the code table (domain/complaint.py), zeros included.
REJECT_REASONS = tuple(r.value for r in RejectReason)

# Acceptance outcome of a complaint, from its columns (first match wins).
OUTCOMES = ("accepted", "rejected", "transferred", "merged", "withdrawn", "pending")


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


def _month_sql(src: QuickSource | UnitOfWork, column: str) -> str:
    """'YYYY-MM' of a timestamp column in the database's own SQL."""
    if isinstance(src, QuickSource) or src.session.get_bind().dialect.name == "sqlite":
        return f"substr({column}, 1, 7)"
    return f"to_char({column}, 'YYYY-MM')"


def _period_where(
    date_from: dt.date, date_to: dt.date, branch: str | None, until: dt.datetime | None, entity: str | None = None
) -> tuple[str, dict]:
    """Cases received in [date_from, date_to] (of one branch), as the history stood before
    `until` when given (registered earlier, not voided by then), else not voided. With `until`
    and `entity`, the cases changed from then on by an event no time column dates are left out
    (`changed_later`): the caller counts them as they stood (`as_they_stood`)."""
    where = "received_at >= :r_from AND received_at < :r_to"
    params: dict[str, Any] = {
        "r_from": start_of_day(date_from),
        "r_to": end_of(date_to),
    }
    if branch is not None:
        where += " AND branch = :branch"
        params["branch"] = branch
    if until is not None:
        where += " AND registered_at < :until AND (voided_at IS NULL OR voided_at >= :until)"
        params["until"] = until
        if entity is not None:
            where += f" AND id NOT IN ({changed_later(entity)})"
    else:
        where += " AND voided_at IS NULL"  # registered by mistake: in no figure
    return where, params


def _duration(
    src, end: str, where: str, params: dict, until: dt.datetime | None, more: list[tuple[Any, Any]] = ()
) -> dict:
    """count / median / p90 of working days in (received day, end day], via (day, day) groups;
    with `until`, only ends before it count (a point-in-time report); `more`: (received, end)
    of cases counted apart (`complaints_then`), an end None when not yet."""
    ended = f"{end} IS NOT NULL" + (f" AND {end} < :until" if until is not None else "")
    sql = f"SELECT date(received_at), date({end}), count(*) FROM complaint WHERE {ended} AND {where} GROUP BY 1, 2"
    rows = [*sql_rows(src, sql, params), *((a, b, 1) for a, b in more if b is not None)]
    return _spread(src.calendar, rows)


# The end of the acceptance step: accepted, rejected or transferred, whichever happened.
ACCEPTANCE_END = "coalesce(accepted_at, rejected_at, transferred_at)"


def _durations_now(src, where: str, params: dict, date_from: dt.date, date_to: dt.date) -> dict:
    """Both durations of today's report in one pass: (received, acceptance, decision) day
    triples, read on SQLite in the order of `ix_complaint_days` (no sort; migration 0016)."""
    sql = (
        f"SELECT date(received_at), date({ACCEPTANCE_END}), date(decided_at), count(*) FROM complaint"
        f" WHERE date(received_at) >= :d_from AND date(received_at) <= :d_to AND {where} GROUP BY 1, 2, 3"
    )
    accepted: Counter = Counter()
    decided: Counter = Counter()
    for received, acceptance, decision, n in sql_rows(src, sql, {**params, "d_from": date_from, "d_to": date_to}):
        if acceptance is not None:
            accepted[(received, acceptance)] += n
        if decision is not None:
            decided[(received, decision)] += n
    return {
        "to_acceptance": _spread(src.calendar, [(a, b, n) for (a, b), n in accepted.items()]),
        "to_decision": _spread(src.calendar, [(a, b, n) for (a, b), n in decided.items()]),
    }


def _spread(cal, rows) -> dict:
    """count / median / p90 of working days in (start day, end day] of (start, end, n) rows."""
    dist: Counter = Counter()
    for start, stop, n in rows:
        dist[cal.count_workdays(day_of(start), day_of(stop))] += n
    med = weighted_percentile(dist.items(), 50)
    p90 = weighted_percentile(dist.items(), 90)
    return {
        "count": sum(dist.values()),
        "median": None if med is None else round(med, 2),
        "p90": None if p90 is None else round(p90, 2),
    }


def stats_report(
    src: QuickSource | UnitOfWork,
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
    callbacks: `callback_kpis` for the period; requests: `request_stats`;
    notices: the written notices issued for these complaints by via, proven and unproven
      (services/notice_stats.py; the complaints as they are registered, of the branch now).

    `history=True` (as_of before today): the history as it stood at the end of `as_of` —
    complaints registered later are absent, steps taken later have not happened, deadlines
    are the fold of their events (`states_at`), callbacks ended later are still open.
    """
    check_span(date_from, date_to)
    until = end_of(as_of) if history else None
    where, params = _period_where(date_from, date_to, branch, until, "complaint")
    # a past day: the complaints reassigned, corrected or stepped back after it, as they stood then
    then = complaints_then(src, date_from, date_to, branch, until) if until is not None else []

    def done(column: str) -> str:
        """A step's time column, as of `until`: steps taken later have not happened yet."""
        return column if until is None else f"(CASE WHEN {column} < :until THEN {column} END)"

    merged = "merged_into IS NOT NULL"
    if until is not None:  # no merge-time column: the merge event says when
        merged += (
            " AND id IN (SELECT entity_id FROM audit_event"
            " WHERE entity = 'complaint' AND action = 'merge' AND at < :until)"
        )
    outcome = (
        f"CASE WHEN {done('accepted_at')} IS NOT NULL THEN 'accepted'"
        f" WHEN {done('rejected_at')} IS NOT NULL THEN 'rejected'"
        f" WHEN {done('transferred_at')} IS NOT NULL THEN 'transferred'"
        f" WHEN {merged} THEN 'merged'"
        f" WHEN {done('withdrawn_at')} IS NOT NULL THEN 'withdrawn'"
        " ELSE 'pending' END"
    )
    # Every count of the complaints in one pass over the period (one GROUP BY of the columns the
    # figures split by), added up here per figure. Today's report reads the groups in the order
    # of `ix_complaint_month` on SQLite (no sort; migration 0016): the months bound it first.
    month = _month_sql(src, "received_at")
    groups = sql_rows(
        src,
        f"SELECT {month}, category, channel, branch, {outcome}, reject_reason, transfer_internal, pause_kind,"
        f" count(*) FROM complaint WHERE {month} >= :m_from AND {month} <= :m_to AND {where}"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
        {**params, "m_from": f"{date_from:%Y-%m}", "m_to": f"{date_to:%Y-%m}"},
    )
    groups = [*groups, *((c["month"], c["category"], c["channel"], c["branch"], c["outcome"], c["reject_reason"],
                          c["transfer_internal"], c["pause_kind"], 1) for c in then)]  # fmt: skip
    per: list[Counter] = [Counter(), Counter(), Counter(), Counter()]
    outcomes = dict.fromkeys(OUTCOMES, 0)
    reasons: Counter = Counter()
    transfers = {"internal": 0, "external": 0}
    pauses: Counter = Counter()
    for month_, category, channel, branch_, oc, reason, internal, pause_kind, n in groups:
        per[0][category] += n
        per[1][channel] += n
        per[2][branch_] += n
        per[3][month_] += n
        outcomes[oc] += n
        if oc == "rejected":
            reasons[reason or ""] += n
        elif oc == "transferred":
            transfers["internal" if internal else "external"] += n
        if pause_kind is not None:
            pauses[pause_kind] += n
    # the complaints paused (their last pause's kind: appraisal, testing, valuation, mediation)
    if until is not None:  # paused by then (a later pause's kind is taken: no kind history column)
        paused = (
            "pause_kind IS NOT NULL AND id IN (SELECT entity_id FROM audit_event"
            " WHERE entity = 'complaint' AND action = 'pause' AND at < :until)"
        )
        sql = f"SELECT pause_kind, count(*) FROM complaint WHERE {where} AND {paused} GROUP BY 1"
        pauses = Counter(dict(sql_rows(src, sql, params)))
        pauses.update(c["pause_kind"] for c in then if c["pause_kind"] is not None)
    by_cause, rectifications = cause_stats(src, where, params, until, as_of, then)  # 溯源整改
    by_category = _counted(per[0].items(), CATEGORIES)
    rejected_by_reason = [{"reason": r, "count": reasons.get(r, 0)} for r in REJECT_REASONS] + [
        {"reason": r, "count": n} for r, n in sorted(reasons.items()) if r not in REJECT_REASONS
    ]
    if until is None:
        durations = _durations_now(src, where, params, date_from, date_to)
    else:
        durations = {
            "to_acceptance": _duration(
                src,
                ACCEPTANCE_END,
                where,
                params,
                until,
                [(c["received_at"], c["accepted_at"] or c["rejected_at"] or c["transferred_at"]) for c in then],
            ),
            "to_decision": _duration(
                src, "decided_at", where, params, until, [(c["received_at"], c["decided_at"]) for c in then]
            ),
        }

    if until is not None:
        per_kind = verdicts_of(states_at(src, until, branch), date_from, date_to, as_of, by_kind=True)
    else:
        per_kind = on_time_counts(src, date_from, date_to, as_of, filter_sql(branch), by_kind=True)
    total_counts: Counter = Counter()
    for c in per_kind.values():
        total_counts.update(c)
    kinds = [k.value for k in DeadlineKind] + sorted(k for k in per_kind if k not in set(DeadlineKind))

    return {
        "from": date_from,
        "to": date_to,
        "as_of": as_of,
        "history": history,
        "branch": branch,
        "complaints": {
            "total": sum(r["count"] for r in by_category),
            "by_category": by_category,
            "by_channel": _counted(per[1].items(), CHANNELS),
            "by_branch": _counted(per[2].items(), key="branch"),
            "by_month": [{"month": mo, "count": per[3].get(mo, 0)} for mo in _months(date_from, date_to)],
            "outcomes": outcomes,
            "rejected_by_reason": rejected_by_reason,
            "transfers": transfers,
            "paused_by_kind": [{"kind": k.value, "count": pauses.get(k.value, 0)} for k in PauseKind],
            "by_cause": by_cause,
            "rectifications": rectifications,
            "major": major_stats(src, where, params, until, then, as_of),
        },
        "durations": durations,
        "on_time": [{"kind": k, **on_time(per_kind.get(k, {})).as_dict()} for k in kinds],
        "on_time_all": on_time(dict(total_counts)).as_dict(),
        "callbacks": callback_kpis(src, date_from, date_to, branch=branch, until=until),
        "requests": request_stats(src, date_from, date_to, branch=branch, until=until),
        "notices": notice_stats(src, *_period_where(date_from, date_to, branch, until), until),
        "claims": claim_stats(src, date_from, date_to, as_of, branch=branch, until=until),
    }


def cause_stats(
    src: QuickSource | UnitOfWork, where: str, params: dict, until: dt.datetime | None, as_of: dt.date, then: list
) -> tuple[list[dict], dict[str, int]]:
    """The root causes (溯源整改, 2020 rule Art. 26) of the complaints `where` selects that were
    decided (by `until`, when given), every code of domain/causes.py in its order, zeros included:
    [{code, label, count}]; and their rectifications as the deadline rows judge them on `as_of`
    (domain/report.py `verdict`; a past day: the rows as their events left them): {open (not yet
    due), overdue (open past its day), done, done_late (of done, after its day)}. `then`: the
    complaints counted as they stood (`complaints_then`)."""
    from ..domain.causes import CAUSES
    from ..domain.report import Outcome, verdict

    decided = "cause IS NOT NULL" + (" AND decided_at < :until" if until is not None else "")
    sql = f"SELECT cause, count(*) FROM complaint WHERE {where} AND {decided} GROUP BY 1"  # noqa: S608
    counts = Counter(dict(sql_rows(src, sql, params)))
    counts.update(c["cause"] for c in then if c.get("cause") and c["decided_at"] is not None)
    by_cause = [{"code": k, "label": v[0], "count": counts.get(k, 0)} for k, v in CAUSES.items()]
    by_cause += [{"code": k, "label": k, "count": n} for k, n in sorted(counts.items()) if k not in CAUSES]
    kind = DeadlineKind.RECTIFICATION.value
    ids = f"SELECT id FROM complaint WHERE {where}"  # noqa: S608
    if until is None:  # the few rectification rows first, each checked against its complaint by key
        sql = (
            "SELECT status, breached, due FROM deadline AS d WHERE case_type = 'complaint' AND kind = :kind"
            f" AND EXISTS (SELECT 1 FROM complaint WHERE id = d.case_id AND {where})"  # noqa: S608
        )
        rows = [(st, bool(b), day_of(d)) for st, b, d in sql_rows(src, sql, {**params, "kind": kind})]
    else:
        wanted = {i for (i,) in sql_rows(src, ids, params)} | {c["id"] for c in then}
        rows = [(d.status, d.breached, d.due) for d in states_at(src, until, kind=kind) if d.case_type == "complaint"
                and d.case_id in wanted]  # fmt: skip
    out = dict.fromkeys(("open", "overdue", "done", "done_late"), 0)
    for status, breached, due in rows:
        v = verdict(status, breached, due, as_of)
        if status == DeadlineStatus.MET:
            out["done"] += 1
            out["done_late"] += breached
        elif v == Outcome.OVERDUE:
            out["overdue"] += 1
        elif v == Outcome.PENDING:
            out["open"] += 1
    return by_cause, out


def major_stats(
    src: QuickSource | UnitOfWork, where: str, params: dict, until: dt.datetime | None, then: list[dict], as_of: dt.date
) -> dict[str, Any]:
    """The major complaints among those counted (2020 rule Art. 29; domain/major.py): {count,
    by_reason [{reason, label, count}] — every reason, zeros included — and their report to the
    emergency group: escalated_on_time, escalated_late, open (not yet, not yet due), overdue (not
    yet, past due on `as_of`)}. `until`: as the history stood then (made major or escalated later:
    not yet); `then`: the complaints counted apart as they stood (`complaints_then`)."""
    from ..domain.major import MAJOR_REASONS
    from ..domain.report import as_of_moment
    from .deadline_query import when_of

    sql = f"SELECT id, major_reason, major_at, escalated_at FROM complaint WHERE {where} AND major_reason IS NOT NULL"
    rows = [*sql_rows(src, sql, params)]
    rows += [(c["id"], c["major_reason"], c["major_at"], c["escalated_at"]) for c in then if c.get("major_reason")]
    dues = {
        cid: when_of(due_at)
        for cid, due_at in sql_rows(
            src,
            "SELECT case_id, due_at FROM deadline WHERE case_type = 'complaint' AND kind = :kind AND status <> 'void'"
            " ORDER BY id",
            {"kind": DeadlineKind.MAJOR_COMPLAINT_REPORT.value},
        )
    }
    moment = as_of_moment(as_of)
    reasons: Counter = Counter()
    report = dict.fromkeys(("escalated_on_time", "escalated_late", "open", "overdue"), 0)
    for cid, reason, major_at, escalated_at in rows:
        major_at, escalated_at = when_of(major_at), when_of(escalated_at)
        if until is not None and major_at is not None and major_at >= until:  # made major later: not yet
            continue
        if until is not None and escalated_at is not None and escalated_at >= until:
            escalated_at = None
        reasons[reason] += 1
        due = dues.get(cid)
        if escalated_at is not None:
            report["escalated_late" if due is not None and escalated_at > due else "escalated_on_time"] += 1
        else:
            report["overdue" if due is not None and due < moment else "open"] += 1
    return {
        "count": sum(reasons.values()),
        "by_reason": [
            {"reason": r, "label": label(MAJOR_REASONS, r), "count": reasons.get(r, 0)} for r in MAJOR_REASONS
        ],
        **report,
    }


def request_stats(
    src: QuickSource | UnitOfWork,
    date_from: dt.date,
    date_to: dt.date,
    branch: str | None = None,
    until: dt.datetime | None = None,
) -> dict[str, Any]:
    """Service requests received in [date_from, date_to]: {total, by_type [{code, label,
    count}], surrender_reasons [{reason, label, count}] — every reason code, in the order of the
    code table, zeros included}. `until`: as the history stood then (requests registered later
    absent, voided later still counted)."""
    where, params = _period_where(date_from, date_to, branch, until, "request")
    sql = f"SELECT type, reason, count(*) FROM service_request WHERE {where} GROUP BY 1, 2"
    rows = sql_rows(src, sql, params)
    if until is not None:  # a past day: the requests reassigned, corrected or stepped back after it, as they stood
        rows = [*rows, *requests_then(src, date_from, date_to, branch, until)]
    by_type: Counter = Counter()
    reasons: Counter = Counter()
    for kind, reason, n in rows:
        by_type[kind] += n
        if kind == "surrender":
            reasons[reason or "other"] += n
    return {
        "total": sum(by_type.values()),
        "by_type": [{"code": k, "label": v[0], "count": by_type.get(k, 0)} for k, v in REQUEST_TYPES.items()],
        "surrender_reasons": [
            {"reason": k, "label": v[0], "count": reasons.get(k, 0)} for k, v in SURRENDER_REASONS.items()
        ],
    }


# The claim deadlines the claims section judges (domain/claims.py): the 24-hour report of a major
# case to the head office (met by `escalate`) and the 3-working-day handover of complete materials.
CLAIM_DEADLINES = {"escalated": "major_case_report", "handed_over": "claim_handover"}


def claim_stats(
    src: QuickSource | UnitOfWork,
    date_from: dt.date,
    date_to: dt.date,
    as_of: dt.date,
    branch: str | None = None,
    until: dt.datetime | None = None,
) -> dict[str, Any]:
    """Claim reports received in [date_from, date_to] (by the day reported): {reported, major,
    escalated, handed_over, closed}. `escalated` / `handed_over`: {on_time, late, open, overdue} of
    their deadlines (major_case_report, claim_handover): on_time / late — met by its due time or
    after it; open — not met yet, `overdue` of them past their due time on `as_of`; a deadline
    closed as not applicable (items taken back off the list, a claim closed) does not count.
    `closed`: {total, by_result [{code, label, count}] — every result code, zeros included}.
    `until`: as the history stood then (claims reported later absent, voided later still counted,
    steps taken later not yet taken; the deadlines are the fold of their events)."""
    from ..domain.claims import RESULTS

    where = "reported_at >= :r_from AND reported_at < :r_to"
    params: dict[str, Any] = {"r_from": start_of_day(date_from), "r_to": end_of(date_to)}
    if branch is not None:
        where += " AND branch = :branch"
        params["branch"] = branch
    if until is not None:
        where += " AND registered_at < :until AND (voided_at IS NULL OR voided_at >= :until)"
        params["until"] = until
        major, closed = "major AND major_at < :until", "closed_at < :until"
    else:
        where += " AND voided_at IS NULL"
        major, closed = "major", "closed_at IS NOT NULL"
    sql = f"SELECT count(*), sum(CASE WHEN {major} THEN 1 ELSE 0 END) FROM claim WHERE {where}"  # noqa: S608
    reported, majors = sql_rows(src, sql, params)[0]
    results = Counter(
        dict(sql_rows(src, f"SELECT result, count(*) FROM claim WHERE {where} AND {closed} GROUP BY 1", params))  # noqa: S608
    )
    ids = {i for (i,) in sql_rows(src, f"SELECT id FROM claim WHERE {where}", params)}  # noqa: S608
    kinds = set(CLAIM_DEADLINES.values())
    if until is not None:
        rows = [(st.kind, st.status, st.breached, st.due) for st in states_at(src, until)
                if st.case_type == "claim" and st.kind in kinds and st.case_id in ids]  # fmt: skip
    else:
        rows = [
            (kind, status, bool(breached), day_of(due))
            for cid, kind, status, breached, due in sql_rows(
                src,
                "SELECT case_id, kind, status, breached, due FROM deadline WHERE case_type = 'claim'"
                " AND kind IN ('major_case_report', 'claim_handover')",
                {},
            )
            if cid in ids
        ]
    judged: dict[str, Counter] = {kind: Counter() for kind in kinds}
    for kind, status, breached, due in rows:
        if status == "met":
            judged[kind]["late" if breached else "on_time"] += 1
        elif status in ("open", "paused"):
            judged[kind]["open"] += 1
            judged[kind]["overdue"] += bool(breached or due < as_of)

    def figures(kind: str) -> dict[str, int]:
        return {k: judged[kind][k] for k in ("on_time", "late", "open", "overdue")}

    return {
        "reported": reported or 0,
        "major": majors or 0,
        **{key: figures(kind) for key, kind in CLAIM_DEADLINES.items()},
        "closed": {
            "total": sum(results.values()),
            "by_result": [{"code": k, "label": v[0], "count": results.get(k, 0)} for k, v in RESULTS.items()],
        },
    }


def callback_kpis(
    src: QuickSource | UnitOfWork,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    branch: str | None = None,
    until: dt.datetime | None = None,
) -> dict:
    """Callback KPIs for the callbacks whose due date lies in [date_from, date_to] (either end
    open when None), optionally of one branch. One GROUP BY query; the arithmetic is
    `domain.callback.kpi_figures`. The branch name is not checked here: the commands check
    it first (`services.masters.check_names`, `services.reports.check_filter_names`).

    Returns::

        {"from": date|None, "to": date|None, "branch": str|None,
         "success_rate_min": int, "letter_visit_max": int,      # the policy lines, in %
         <figures>,                                             # the whole selection
         "by_branch":  [{"branch": str, <figures>}, …],          # sorted by branch
         "by_handler": [{"branch": str, "handler": str, <figures>}, …],
         "by_kind":    [{"kind": str, <figures>}, …]}

    where <figures> are the keys of `kpi_figures`: due (应访量: callbacks due in the period),
    success, refused, cancelled (回访前撤退保), unreachable, open, success_base
    (= due − refused − cancelled), success_rate (% = success / success_base, None when the base
    is 0), success_rate_ok (≥ the line), letter_visit (successes by letter or visit),
    letter_visit_share (% of successes), letter_visit_ok (≤ the line), on_time (successes on or
    before the due day), on_time_rate (% of successes), new_policy_success, new_policy_on_time,
    cooling_off_on_time_rate (% of new-policy successes inside the cooling-off period).

    `until` (a point-in-time report): callbacks registered from then on are left out, and one
    that ended from then on counts as still open.
    """
    S = cb.Status
    status = "c.status"
    params: dict[str, Any] = {
        "case_type": "callback",
        "kind": DeadlineKind.CALLBACK.value,
        "superseded": DeadlineStatus.SUPERSEDED.value,
        "letter": cb.Method.LETTER.value,
        "visit": cb.Method.VISIT.value,
        **{s.name.lower(): s.value for s in (S.SUCCESS, S.REFUSED, S.CANCELLED, S.UNREACHABLE, S.OPEN)},
    }
    where = []
    if until is not None:
        status = "CASE WHEN c.ended_at IS NOT NULL AND c.ended_at < :until THEN c.status ELSE :open END"
        where += ["c.registered_at < :until", "(c.voided_at IS NULL OR c.voided_at >= :until)"]
        where.append(f"c.id NOT IN ({changed_later('callback')})")  # counted as they stood: `callbacks_then`
        params["until"] = until
    else:
        where.append("c.voided_at IS NULL")  # registered by mistake: in no figure
    if date_from is not None:
        where.append("c.due >= :date_from")
        params["date_from"] = date_from
    if date_to is not None:
        where.append("c.due <= :date_to")
        params["date_to"] = date_to
    if branch:
        where.append("c.branch = :branch")
        params["branch"] = branch
    inner = (
        f"SELECT c.branch AS branch, c.handler AS handler, c.kind AS kind, {status} AS st, c.outcome_method AS method,"
        " CASE WHEN c.ended_at <= d.due_at THEN 1 ELSE 0 END AS in_time"
        " FROM callback c LEFT JOIN deadline d ON d.case_type = :case_type AND d.case_id = c.id"
        " AND d.kind = :kind AND d.status <> :superseded"
        f" WHERE {' AND '.join(where)}"
    )
    sql = (
        "SELECT branch, handler, kind, count(*),"
        " sum(CASE WHEN st = :success THEN 1 ELSE 0 END),"
        " sum(CASE WHEN st = :refused THEN 1 ELSE 0 END),"
        " sum(CASE WHEN st = :cancelled THEN 1 ELSE 0 END),"
        " sum(CASE WHEN st = :unreachable THEN 1 ELSE 0 END),"
        " sum(CASE WHEN st = :open THEN 1 ELSE 0 END),"
        " sum(CASE WHEN st = :success AND method IN (:letter, :visit) THEN 1 ELSE 0 END),"
        " sum(CASE WHEN st = :success AND in_time = 1 THEN 1 ELSE 0 END)"
        f" FROM ({inner}) t GROUP BY 1, 2, 3"
    )
    groups: list[tuple[str, str, str, cb.KpiCounts]] = []
    rows = sql_rows(src, sql, params)
    if until is not None:
        rows = [*rows, *callbacks_then(src, params, until, date_from, date_to, branch)]
    for b, h, k, *n in rows:
        due, succ, ref, can, unr, opn, lv, ontime = (int(x or 0) for x in n)
        new = k == cb.CallbackKind.NEW_POLICY
        counts = cb.KpiCounts(due, succ, ref, can, unr, opn, lv, ontime, succ if new else 0, ontime if new else 0)
        groups.append((b or "", h or "", k, counts))

    smin, lvmax = src.policy["callback.success_rate_min"], src.policy["callback.letter_visit_max"]

    def figures(counts: cb.KpiCounts) -> dict:
        return cb.kpi_figures(counts, smin, lvmax)

    def rollup(key) -> dict:
        acc: dict = {}
        for g in groups:
            acc[key(g)] = acc.get(key(g), cb.KpiCounts()) + g[3]
        return dict(sorted(acc.items()))

    return {
        "from": date_from,
        "to": date_to,
        "branch": branch,
        "success_rate_min": smin,
        "letter_visit_max": lvmax,
        **figures(cb.total(g[3] for g in groups)),
        "by_branch": [{"branch": b, **figures(c)} for b, c in rollup(lambda g: g[0]).items()],
        "by_handler": [
            {"branch": b, "handler": h, **figures(c)} for (b, h), c in rollup(lambda g: (g[0], g[1])).items()
        ],
        "by_kind": [{"kind": k, **figures(c)} for k, c in rollup(lambda g: g[2]).items()],
    }
