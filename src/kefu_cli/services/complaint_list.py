"""`kefu complaint list`, apart from services/complaint_views.py so that the clerk's most used
list starts without SQLAlchemy: it reads one SQL text through the report source
(services/report_source.py `report_source`) — plain sqlite3 on a current SQLite file, a read-only unit
of work elsewhere; tests/test_latency_imports.py checks both give the same list. An as-of day
before today lists the complaints as they stood at its end (services/past.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import complaint as sm
from ..domain.codes import CATEGORIES, CHANNELS, parse_code
from ..domain.errors import InputError
from ..domain.timeutil import check_span
from . import clock

CASE = "complaint"

# A complaint's columns as `show` and `list` give them (services/complaint_views.py `_row`).
COLUMNS = (
    "id",
    "status",
    "received_at",
    "channel",
    "category",
    "name",
    "phone",
    "relation",
    "policy_no",
    "summary",
    "branch",
    "handler",
    "materials_complete_at",
    "regulator_ref",
    "regulator_due",
    "dispute",
    "product_line",
    "accepted_at",
    "rejected_at",
    "reject_reason",
    "reject_note",
    "transferred_at",
    "transfer_to",
    "transfer_internal",
    "merged_into",
    "extension_level",
    "extension_approver",
    "paused_at",
    "pause_reason",
    "pause_kind",
    "paused_workdays",
    "decided_at",
    "result",
    "withdrawn_at",
    "review_received_at",
    "review_decided_at",
    "review_result",
    # the root cause and the rectification (溯源整改); `show` nests the rectification (`nest_rectification`)
    "cause",
    "rectify_action",
    "rectify_owner",
    "rectify_due",
    "rectified_at",
    "people",
    "representatives",
    "about",
    "major_reason",
    "major_at",
    "escalated_at",
    "escalated_to",
    "created_at",
    "created_by",
    "updated_at",
    "voided_at",
    "void_reason",
)


# The datetime columns of COLUMNS (plain sqlite3 gives them as text, the ORM as datetime).
_MOMENTS = tuple(k for k in COLUMNS if k.endswith("_at"))


def _typed(values) -> dict[str, Any]:
    """A row of `SELECT COLUMNS FROM complaint` from either report source as `_row` gives it."""
    from .deadline_query import day_of, when_of

    out = dict(zip(COLUMNS, values, strict=True))
    for k in _MOMENTS:
        out[k] = when_of(out[k])
    if out["regulator_due"] is not None:
        out["regulator_due"] = day_of(out["regulator_due"])
    if out["transfer_internal"] is not None:  # 0/1 on SQLite
        out["transfer_internal"] = bool(out["transfer_internal"])
    if out["rectify_due"] is not None:
        out["rectify_due"] = day_of(out["rectify_due"])
    return out


# A complaint's rectification columns, as `show` and `list` give them: one `rectification`.
RECTIFY_KEYS = {"rectify_action": "action", "rectify_owner": "owner", "rectify_due": "due", "rectified_at": "done_at"}


def nest_rectification(row: dict[str, Any]) -> dict[str, Any]:
    """`row` (a complaint's columns) with its rectification columns as one `rectification`
    {action, owner, due, done_at} (None when none was opened), in place."""
    values = {key: row.pop(column, None) for column, key in RECTIFY_KEYS.items()}
    row["rectification"] = values if values["due"] is not None else None
    return row


def list_(
    db,
    *,
    status: str | None = None,
    branch: str | None = None,
    handler: str | None = None,
    category: str | None = None,
    channel: str | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    overdue: bool = False,
    as_of: dt.date | None = None,
    limit: int | None = None,
    all: bool = False,
    name: str | None = None,
    phone: str | None = None,
    policy_no: str | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> dict[str, Any]:
    """`kefu complaint list`: the complaints (oldest received first) with their next running
    deadline. One SQL text read through the report source (services/report_source.py): plain sqlite3
    on a current SQLite file — the clerk's list then starts without SQLAlchemy — or a read-only
    unit of work elsewhere; tests/test_latency_imports.py checks both give the same list."""
    from .deadline_query import OVERDUE_SQL, RUNNING_SQL, next_running
    from .report_source import check_listed, report_source, sql_rows
    from .search import _like

    check_span(received_from, received_to)
    check_span(due_from, due_to, "--due-from", "--due-to")
    as_of = as_of or clock.today()
    where: list[str] = []
    params: dict[str, Any] = {"case_type": CASE}
    # A day before today: the filters on what steps change (voided, status, branch, handler, the
    # deadlines) are applied to the cases as they stood at its end (`_as_it_stood`), not in SQL.
    state: list[str] = where if as_of >= clock.today() else []
    if not all:  # voided (registered by mistake) only with --all
        state.append("voided_at IS NULL")
    if name:
        where.append("name LIKE :name ESCAPE '\\'")
        params["name"] = _like(name.strip())
    if phone:
        from ..domain.text import phone_filter

        digits, tail = phone_filter(phone)
        where.append("phone LIKE :phone" if tail else "phone = :phone")
        params["phone"] = "%" + digits if tail else digits  # digits only: nothing to escape
    if policy_no:
        where.append("policy_no LIKE :policy ESCAPE '\\'")
        params["policy"] = _like(policy_no.strip())
    if due_from or due_to:  # a running deadline due in the range
        due = f"SELECT case_id FROM deadline WHERE case_type = :case_type AND {RUNNING_SQL}"
        if due_from:
            due += " AND due >= :due_from"
            params["due_from"] = due_from
        if due_to:
            due += " AND due <= :due_to"
            params["due_to"] = due_to
        state.append(f"id IN ({due})")
    if status:
        from ..domain.codes import table_of

        if status.strip().lower() in ("逾期", "已逾期", "overdue"):  # a deadline's state, not a case's
            raise InputError(
                "--status 是案件状态;要列出有逾期期限的投诉请用 --overdue,例如 kefu complaint list --overdue"
            )

        code = parse_code(table_of(sm.STATUS_ZH, sm.STATUS_ALIASES), status, "--status")
        state.append("status = :status")
        params["status"] = code
    if branch:
        state.append("branch = :branch")
        params["branch"] = branch.strip()
    if handler:
        state.append("handler = :handler")
        params["handler"] = handler.strip()
    if category:
        where.append("category = :category")
        params["category"] = parse_code(CATEGORIES, category, "--category")
    if channel:
        where.append("channel = :channel")
        params["channel"] = parse_code(CHANNELS, channel, "--channel")
    if received_from:
        where.append("received_at >= :received_from")
        params["received_from"] = dt.datetime.combine(received_from, dt.time())
    if received_to:
        where.append("received_at < :received_to")
        params["received_to"] = dt.datetime.combine(received_to + dt.timedelta(days=1), dt.time())
    if overdue:
        state.append(f"id IN (SELECT case_id FROM deadline WHERE case_type = :case_type AND {OVERDUE_SQL})")
        params["as_of"] = as_of
    sql = f"SELECT {', '.join(COLUMNS)} FROM complaint"
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY received_at, id"
    past_filters = None if state is where else dict(params)
    if limit and past_filters is None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    with report_source(db) as src:
        check_listed(src, branch, handler)  # a typo: suggestions, not an empty list
        complaints = [_typed(r) for r in sql_rows(src, sql, params)]
        more = 0  # how many more --limit left out
        past = None
        if past_filters is not None:
            from .past import Past

            past = Past(src, as_of)
            complaints = _as_it_stood(past, complaints, all, overdue, past_filters)
            more = max(0, len(complaints) - limit) if limit else 0
            complaints = complaints[:limit]
        elif limit and len(complaints) == limit:
            count_sql = "SELECT COUNT(*) FROM complaint" + (" WHERE " + " AND ".join(where) if where else "")
            more = sql_rows(src, count_sql, params)[0][0] - limit
        nxt = next_running(src, CASE, [c["id"] for c in complaints], as_of, past)
    from ..domain.major import shown

    items = [nest_rectification(shown(row | {"next_deadline": nxt.get(row["id"])})) for row in complaints]
    return {"as_of": as_of, "count": len(items), "items": items} | ({"more": more} if limit else {})


def _as_it_stood(past, complaints: list[dict], all: bool, overdue: bool, params: dict) -> list[dict]:
    """`complaints` (today's rows, typed) as they stood at the end of the past as-of day, the
    filters on what steps change applied to that state (services/past.py): not voided (unless
    --all), status, branch, handler, an overdue running deadline, a running deadline due in the
    range. Oldest received first, as the SQL orders them."""
    rows = [c for c in past.rows(CASE, complaints) if all or c["voided_at"] is None]
    rows = [c for c in rows if not any(k in params and c[k] != params[k] for k in ("status", "branch", "handler"))]
    if overdue:
        late = past.case_ids(CASE, overdue=True)
        rows = [c for c in rows if c["id"] in late]
    if "due_from" in params or "due_to" in params:
        due = past.case_ids(CASE, due_from=params.get("due_from"), due_to=params.get("due_to"))
        rows = [c for c in rows if c["id"] in due]
    return sorted(rows, key=lambda c: (c["received_at"], c["id"]))
