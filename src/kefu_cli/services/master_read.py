"""`kefu handler list` read as SQL text on a current SQLite file through plain sqlite3, without the
ORM's start-up: the rows services/masters.py `list_handlers` gives (tests/test_quick_show.py reads
both ways); anything else takes the unit of work."""

from __future__ import annotations

from typing import Any


def quick_handlers(db, branch: str | None = None, include_retired: bool = False) -> list[dict[str, Any]] | None:
    """`list_handlers` on a current SQLite file (None: take the unit of work)."""
    from ..store import quick
    from .deadline_query import when_of
    from .report_source import QuickSource, check_listed, sql_rows

    with quick.connect(db) as conn:
        if conn is None:
            return None
        src = QuickSource(conn)
        if branch:
            check_listed(src, branch=branch)
        sql = "SELECT name, branch, active, created_at, created_by FROM handler"
        params = {}
        if branch:
            sql += " WHERE branch = :branch"
            params["branch"] = branch.strip()
        rows = sql_rows(src, sql + " ORDER BY branch, name", params)
    return [
        dict(name=name, branch=b, active=bool(active), created_at=when_of(at), created_by=by)
        for name, b, active, at, by in rows
        if include_retired or active
    ]
