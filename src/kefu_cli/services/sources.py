"""The calendar and the policy table of a database, built from their rows.

One text of the queries and one builder for each, shared by every reader: the unit of work
(services/context.py, through SQLAlchemy), the plain sqlite3 fast paths (store/quick.py,
services/report_source.py) and the calendar and policy commands. Imports the domain only, so the unit
of work does not import the use cases that use it.
"""

from __future__ import annotations

import datetime as dt

from ..domain.calendar import DayOverride, WorkCalendar
from ..domain.policy import Policy

# What `calendar_from_rows` is built from.
CALENDAR_QUERIES = ("SELECT day, workday, name FROM calendar_override", "SELECT year FROM calendar_notice")
# What `policy_from_rows` is built from.
POLICY_QUERY = "SELECT key, value, unit, start FROM policy_setting"


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def calendar_from_rows(overrides, notices) -> WorkCalendar:
    """The calendar from the rows of `CALENDAR_QUERIES`: the official data with the administrator's
    days and complete years on top."""
    return WorkCalendar.official(
        [DayOverride(_day(d), bool(w), n or "") for d, w, n in overrides], [int(y) for (y,) in notices]
    )


def policy_from_rows(rows) -> Policy:
    """The policy from the rows of `POLICY_QUERY`."""
    return Policy({k: v for k, v, _, _ in rows}, {k: u for k, _, u, _ in rows}, {k: st for k, _, _, st in rows})
