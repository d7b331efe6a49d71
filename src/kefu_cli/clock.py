"""The clock seam: the one place kefu reads the time of day (services read it as services/clock.py).

A command reads `now()` once, at its edge — the unit of work takes it as `uow.now` (the default
`--at` and the "not in the future" bound), a report takes `today()` as its default as-of day — and
passes it down. No rule reads the clock: `domain/` takes `now` as an argument.

Tests set the clock (`frozen(moment)`, or the autouse fixture in tests/conftest.py); nothing then
depends on the wall clock or on the machine's time zone (China time is computed from UTC).

`stamp()` is the write time of a transaction's events to the microsecond. It is not "now" for any
rule: it tells one transaction's events from the next (`complaint undo` reverses one transaction),
so it keeps running while the clock is set; a set clock gives it the set day with the real time's
microseconds added, always increasing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

CST = dt.timezone(dt.timedelta(hours=8), "CST")

_fixed: dt.datetime | None = None
_last_stamp: dt.datetime | None = None


def now() -> dt.datetime:
    """Now in China time, naive, to the second."""
    if _fixed is not None:
        return _fixed
    return dt.datetime.now(CST).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    """Today in China (the default as-of day of every report and list)."""
    return now().date()


def stamp() -> dt.datetime:
    """A transaction's write time to the microsecond (China time, naive), strictly increasing
    within this process."""
    global _last_stamp
    real = dt.datetime.now(CST).replace(tzinfo=None)
    value = real if _fixed is None else _fixed + dt.timedelta(microseconds=real.microsecond)
    if _last_stamp is not None and value <= _last_stamp:
        value = _last_stamp + dt.timedelta(microseconds=1)
    _last_stamp = value
    return value


def set_now(moment: dt.datetime | None) -> None:
    """Set the clock to `moment` (naive China time, or aware: converted), or back to the real one (None)."""
    global _fixed
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(CST).replace(tzinfo=None)
    _fixed = None if moment is None else moment.replace(microsecond=0)


@contextmanager
def frozen(moment: dt.datetime) -> Iterator[dt.datetime]:
    """The clock set to `moment` inside the block."""
    before = _fixed
    set_now(moment)
    try:
        yield now()
    finally:
        set_now(before)
