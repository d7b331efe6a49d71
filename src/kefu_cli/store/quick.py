"""Plain sqlite3 reads for the commands that must start fast: `kefu workday …`, `kefu policy
list`, the reports.

Importing SQLAlchemy and the table models takes longer than such a command may take as a
whole. So when the database is a SQLite file that exists and whose schema is current, these
commands read it with the standard library's sqlite3 (read only, one transaction: one
snapshot of the file, as a read-only unit of work sees it).

In every other case `connect` gives None and the caller takes the ordinary way (the unit of
work), which creates, upgrades or reports exactly as it always did: a URL that is not a plain
SQLite file (PostgreSQL…), a file that does not exist, a schema to upgrade (or newer than
this program), a file SQLite cannot open or read (damaged, locked past the busy timeout…).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from . import db as store_db
from . import schema as store_schema


def _open(db: str | None) -> sqlite3.Connection | None:
    try:
        url = store_db.resolve_url(db)
    except (OSError, RuntimeError, ValueError):
        return None
    name = store_db.plain_sqlite_file(url)
    if not name or name == ":memory:" or not os.path.isfile(name):
        return None
    conn = None
    try:
        conn = sqlite3.connect(name, timeout=store_db.busy_timeout_ms() / 1000, isolation_level=None)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")
        if conn.execute("SELECT version_num FROM alembic_version").fetchall() != [(store_schema.SCHEMA_HEAD,)]:
            conn.close()
            return None
        return conn
    except sqlite3.Error:
        if conn is not None:
            conn.close()
        return None


@contextmanager
def connect(db: str | None) -> Iterator[sqlite3.Connection | None]:
    """A read transaction on the SQLite file of `db`, or None: take the ordinary way."""
    conn = _open(db)
    try:
        yield conn
    finally:
        if conn is not None:
            conn.close()  # ends the read transaction; nothing was written


def read(db: str | None, queries: Sequence[str]) -> list[list[tuple]] | None:
    """The rows of each query, or None when the ordinary way must be taken (see above)."""
    with connect(db) as conn:
        if conn is None:
            return None
        try:
            return [conn.execute(q).fetchall() for q in queries]
        except sqlite3.Error:
            return None
