"""Case numbers a person can read out on the phone: TS-20261121-0007.

The counter row is bumped with one atomic upsert inside the caller's write transaction,
so concurrent clerks (SQLite with BEGIN IMMEDIATE, or PostgreSQL) never get the same number.
A bulk import reserves the numbers of a whole batch for one prefix and day in one upsert
(`reserve`); one clerk's registration reserves one (`next_number`). Both format them with
`number_of`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import text

from .context import UnitOfWork

# The counter row `kefu demo` adds to mark a database as its own (cli/demo.py DEMO_MARK): no case number.
DEMO_MARK = "kefu-demo"

_RESERVE = text(
    "INSERT INTO counter (key, value) VALUES (:key, :n) "
    "ON CONFLICT (key) DO UPDATE SET value = counter.value + :n RETURNING value"
)


def counter_key(prefix: str, day: dt.date) -> str:
    """The counter of `prefix` on `day`: "TS-20261121"."""
    return f"{prefix}-{day:%Y%m%d}"


def number_of(key: str, value: int) -> str:
    """The case number of counter value `value` under `key`: "TS-20261121-0007"."""
    return f"{key}-{value:04d}"


def reserve(uow: UnitOfWork, key: str, n: int) -> int:
    """Reserve the next `n` values of counter `key` in one update; returns the first of them."""
    last = uow.session.execute(_RESERVE, {"key": key, "n": n}).scalar_one()
    return last - n + 1


def reserve_numbers(uow: UnitOfWork, prefix: str, days: Iterable[dt.date]) -> list[str]:
    """The next numbers for `prefix`, one for each of `days` in order (a day may repeat): one
    counter update per distinct day."""
    days = list(days)
    keys: dict[dt.date, str] = {}
    counts: dict[str, int] = {}
    for day in days:
        key = keys.get(day)
        if key is None:
            key = keys[day] = counter_key(prefix, day)
        counts[key] = counts.get(key, 0) + 1
    following = {key: reserve(uow, key, n) for key, n in counts.items()}
    out = []
    for day in days:
        key = keys[day]
        value = following[key]
        following[key] = value + 1
        out.append(number_of(key, value))
    return out


def next_number(uow: UnitOfWork, prefix: str, day: dt.date) -> str:
    """The next number for `prefix` on `day`, e.g. next_number(uow, "TS", date) -> "TS-20261121-0001"."""
    return reserve_numbers(uow, prefix, (day,))[0]


_AT_LEAST = text(
    "INSERT INTO counter (key, value) VALUES (:key, :n) "
    "ON CONFLICT (key) DO UPDATE SET value = CASE WHEN counter.value < :n THEN :n ELSE counter.value END"
)


def keep_number(uow: UnitOfWork, prefix: str, number: str) -> str:
    """A case's own number (an import of kefu's export keeps its numbers): checked as kefu writes
    them ("TS-20261121-0007"), the counter of its day continuing after it."""
    import re

    from ..domain.errors import InputError

    m = re.fullmatch(rf"{prefix}-(\d{{8}})-(\d{{4,6}})", (number or "").strip().upper())
    day = None
    if m:
        try:
            day = dt.datetime.strptime(m.group(1), "%Y%m%d").date()
        except ValueError:
            day = None
    if m is None or day is None or int(m.group(2)) == 0:
        raise InputError(f"编号 '{number}' 不是 kefu 的编号,应形如 {prefix}-20261121-0007")
    value = int(m.group(2))
    key = counter_key(prefix, day)
    uow.session.execute(_AT_LEAST, {"key": key, "n": value})
    return number_of(key, value)
