"""Where a report reads from: plain sqlite3 on a current SQLite file (`QuickSource`), else a
read-only unit of work — and the SQL text read the same way on either (`sql_rows`), with the
name filters every report checks first (`check_listed`, `check_filter_names`).

SQLAlchemy is imported inside the functions that use it: on a SQLite file the reports run on
plain sqlite3 and never import it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..domain.timeutil import InputError

if TYPE_CHECKING:
    import sqlite3

    from .context import UnitOfWork


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


def sql_rows(src: QuickSource | UnitOfWork, sql: str, params: dict) -> list:
    """The rows of one SQL text statement with :named parameters, from either source."""
    if isinstance(src, QuickSource):
        return src.conn.execute(sql, {k: _lite(v) for k, v in params.items()}).fetchall()
    from sqlalchemy import text

    return src.session.execute(text(sql), params).all()


def chain_head_of(src: QuickSource | UnitOfWork) -> dict:
    """The chain head for a report: the newest event's id and the head's hash (what a printout pins)."""
    head = sql_rows(src, "SELECT hash FROM audit_head WHERE id = 1", {})
    last = sql_rows(src, "SELECT max(id) FROM audit_event", {})
    return {"event_id": last[0][0] if last else None, "hash": head[0][0] if head else None}


def check_listed(src: QuickSource | UnitOfWork, branch: str | None = None, handler: str | None = None) -> None:
    """`services.masters.check_names` read on either source: a name not on its (non-empty)
    list is exit 2 with suggestions; a list never set up checks nothing."""
    from ..domain.masters import check_filter

    check_filter(branch, handler, lambda table: [n for (n,) in sql_rows(src, f"SELECT name FROM {table}", {})])  # noqa: S608


def check_filter_names(src: QuickSource | UnitOfWork, branch: str | None = None, handler: str | None = None) -> None:
    """A filter naming a branch or handler not on its list: exit 2 with suggestions, not an
    empty report (the rule of `services.masters.check_names`, read here on either source).

    A list never set up (no row) is no check in `check_names`; a report then checks the name
    against the names its deadlines carry, so a typo is not a silent empty report either."""
    from ..domain.masters import LISTS, suggestions

    check_listed(src, branch, handler)
    for value, (table, what) in zip((branch, handler), LISTS, strict=True):
        name = (value or "").strip()
        if not name or sql_rows(src, f"SELECT 1 FROM {table} LIMIT 1", {}):  # noqa: S608 - fixed names
            continue
        used = [n for (n,) in sql_rows(src, f"SELECT DISTINCT {table} FROM deadline", {}) if n]
        if used and name not in used:
            near = suggestions(name, used)
            said = f",您是不是要找: {'、'.join(near)}" if near else f",现有: {'、'.join(sorted(used)[:5])}"
            raise InputError(f"{what} '{name}' 没有任何期限{said}。{what}名单尚未建立,可用 `kefu {table} add` 建立")
