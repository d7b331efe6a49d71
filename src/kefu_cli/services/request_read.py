"""`kefu request list` read as SQL text on a current SQLite file through plain sqlite3, without
the ORM's start-up: the dict services/requests.py `list_` gives (tests/test_quick_show.py reads
both ways); anything else takes the unit of work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import requests as rq

# The columns of store/claim_models.py `ServiceRequest`, in its order (tests/test_quick_show.py checks it).
COLUMNS = (
    "id", "type", "status", "received_at", "channel", "policy_no", "product", "holder", "insured_name", "name",
    "phone", "relation", "reason", "reason_note", "content", "closed_at", "close_note", "branch", "handler",
    "registered_at", "voided_at", "void_reason", "created_at", "created_by", "updated_at",
)  # fmt: skip


def _moment(d: dt.date) -> str:
    """The start of day `d` as the ORM binds a DATETIME on SQLite."""
    return dt.datetime.combine(d, dt.time()).strftime("%Y-%m-%d %H:%M:%S.%f")


def quick_list(
    db: str | None,
    *,
    type: str | None = None,
    status: str | None = None,
    reason: str | None = None,
    branch: str | None = None,
    handler: str | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    policy_no: str | None = None,
    name: str | None = None,
    limit: int | None = None,
    all: bool = False,
) -> dict[str, Any] | None:
    """services/requests.py `list_` on a current SQLite file (None: take the unit of work)."""
    from ..domain.codes import parse_code
    from ..domain.timeutil import check_span
    from ..store import quick
    from . import clock
    from .callback_read import _like
    from .deadline_query import when_of
    from .report_source import QuickSource, check_listed, sql_rows

    where, params = [], {}
    if not all:
        where.append("voided_at IS NULL")
    codes = (("type", type, rq.REQUEST_TYPES, "--type 请求类型"), ("status", status, rq.REQUEST_STATUSES, "--status 状态"),
             ("reason", reason, rq.SURRENDER_REASONS, "--reason 退保原因"))  # fmt: skip
    for column, value, table, field in codes:
        if value:
            where.append(f"{column} = :{column}")
            params[column] = parse_code(table, value, field)
    check_span(received_from, received_to)
    for column, value in (("branch", branch), ("handler", handler)):
        if value:
            where.append(f"{column} = :{column}")
            params[column] = value.strip()
    if received_from:
        where.append("received_at >= :since")
        params["since"] = _moment(received_from)
    if received_to:
        where.append("received_at < :until")
        params["until"] = _moment(received_to + dt.timedelta(days=1))
    if policy_no:
        where.append("policy_no LIKE '%' || :policy || '%' ESCAPE '/'")
        params["policy"] = _like(policy_no.strip())
    if name:
        where.append("name LIKE '%' || :name || '%' ESCAPE '/'")
        params["name"] = _like(name.strip())
    cond = " WHERE " + " AND ".join(where) if where else ""
    with quick.connect(db) as conn:
        if conn is None:
            return None
        src = QuickSource(conn)
        check_listed(src, branch=branch, handler=handler)
        sql = f"SELECT {', '.join(COLUMNS)} FROM service_request{cond} ORDER BY received_at, id"  # noqa: S608
        if limit:
            sql += f" LIMIT {int(limit)}"
        items = []
        for values in sql_rows(src, sql, params):
            item = dict(zip(COLUMNS, values, strict=True))
            for k in COLUMNS:
                if k.endswith("_at"):
                    item[k] = when_of(item[k])
            item["documents"] = list(rq.REQUEST_DOCUMENTS[item["type"]])
            items.append(item)
        more = 0  # how many more --limit left out
        if limit and len(items) == limit:
            more = sql_rows(src, f"SELECT count(*) FROM service_request{cond}", params)[0][0] - limit  # noqa: S608
    return {"as_of": clock.today(), "count": len(items), "items": items} | ({"more": more} if limit else {})
