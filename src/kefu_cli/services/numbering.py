"""Case numbers a person can read out on the phone: TS-20261121-0007.

The counter row is bumped with one atomic upsert inside the caller's write transaction,
so concurrent clerks (SQLite with BEGIN IMMEDIATE, or PostgreSQL) never get the same number.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from .context import UnitOfWork

# The counter row `kefu demo` adds to mark a database as its own (cli/demo.py DEMO_MARK): no case number.
DEMO_MARK = "kefu-demo"

_UPSERT = text(
    "INSERT INTO counter (key, value) VALUES (:key, 1) "
    "ON CONFLICT (key) DO UPDATE SET value = counter.value + 1 RETURNING value"
)


def next_number(uow: UnitOfWork, prefix: str, day: dt.date) -> str:
    """The next number for `prefix` on `day`, e.g. next_number(uow, "TS", date) -> "TS-20261121-0001"."""
    key = f"{prefix}-{day:%Y%m%d}"
    value = uow.session.execute(_UPSERT, {"key": key}).scalar_one()
    return f"{key}-{value:04d}"
