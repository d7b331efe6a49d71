"""Connecting to the database: one engine per URL and mode.

SQLite runs with WAL, foreign keys on, a busy timeout, and write transactions that take the
write lock up front (BEGIN IMMEDIATE), so clerks and a nightly job can share one file without
"database is locked".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .db import DatabaseError, busy_timeout_ms, is_sqlite, sqlite_path

# SQLAlchemy is imported where it is used: commands that read the database with plain sqlite3
# (kefu workday, kefu policy list) and the root options never import it (start-up time).
if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


_ENGINES: dict[tuple[str, bool], Engine] = {}


def engine_for(url: str, write: bool = False) -> Engine:
    """One engine per URL and mode (write engines take the lock at BEGIN on SQLite)."""
    key = (url, bool(write))
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = _engine(url, bool(write))
    return engine


def dispose_all() -> None:
    """Close every pooled connection of every engine made so far and forget the engines (a
    long-lived process that opened many databases, e.g. the test suite, releases their files)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def _engine(url: str, write: bool) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import SQLAlchemyError

    path = sqlite_path(url)
    if is_sqlite(url):
        if path is not None:
            from ..io.files import protect

            protect(path)  # no output of this process may overwrite it
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms() / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # BEGIN is emitted below
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
            cur.execute("PRAGMA foreign_keys = ON")
            if path is not None:
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised by every test
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise DatabaseError(f"缺少数据库驱动 {exc.name}: PostgreSQL 请安装 `pip install 'kefu[postgres]'`") from None
    except SQLAlchemyError as exc:
        raise DatabaseError(f"数据库地址无效: {exc}") from None
