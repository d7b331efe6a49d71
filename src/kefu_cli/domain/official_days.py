"""The official working-day data: the State Council's notices as chinese-calendar transcribes
them, with the slips it has corrected (`NOTICE_ERRATA`).

`official_data` reads the precomputed table `calendar_data.py` while it matches the installed
chinese-calendar, so a command does not import chinese-calendar; otherwise the package itself.
`WorkCalendar` (domain/calendar.py) is built from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .holiday_names import HOLIDAY_NAME_ZH  # chinese-calendar's names → Chinese


@dataclass(frozen=True, slots=True)
class Erratum:
    """A day where chinese-calendar departs from the State Council notice; the notice wins."""

    workday: bool
    name: str
    notice: str  # the notice and its words, so the correction can be checked by anyone


# The State Council's yearly notice is the authority; chinese-calendar is transcribed from it
# and has slips. Each correction quotes the notice. If a later chinese-calendar fixes a slip,
# applying the correction again changes nothing.
NOTICE_ERRATA: dict[dt.date, Erratum] = {
    # chinese-calendar 1.11 has this Saturday as an ordinary weekend (upstream issue #125).
    dt.date(2005, 12, 31): Erratum(
        True, "元旦", "国办发明电〔2005〕35号 关于2006年部分节假日安排: 元旦 …… 12月31日(星期六)上班。"
    ),
    # chinese-calendar 1.11 lists 06-22 and 06-24 but not the festival day itself (a Saturday):
    # still a rest day, but it is the holiday 端午节, not an ordinary weekend.
    dt.date(2012, 6, 23): Erratum(
        False, "端午节", "国办发明电〔2011〕45号 关于2012年部分节假日安排: 端午节: 6月22日至24日放假公休,共3天。"
    ),
}


def official_data() -> tuple[dict[dt.date, str], dict[dt.date, str], set[int]]:
    """The official data shipped in chinese-calendar, with `NOTICE_ERRATA` applied:
    (rest days, make-up days, years). Read from the precomputed table `calendar_data` while
    it matches the installed chinese-calendar, else from chinese-calendar itself."""
    global _official
    if _official is None:
        _official = _shipped_table() or _chinese_calendar_tables()
    holidays, makeup, years = dict(_official[0]), dict(_official[1]), set(_official[2])
    first, last = min(years), max(years)
    for d, e in NOTICE_ERRATA.items():
        if first <= d.year <= last:
            (makeup if e.workday else holidays)[d] = e.name
            (holidays if e.workday else makeup).pop(d, None)
    return holidays, makeup, years


_official: tuple[dict[dt.date, str], dict[dt.date, str], set[int]] | None = None


def _chinese_calendar_tables() -> tuple[dict[dt.date, str], dict[dt.date, str], set[int]]:
    from chinese_calendar import constants

    holidays = {d: HOLIDAY_NAME_ZH.get(n, n) for d, n in constants.holidays.items()}
    makeup = {d: HOLIDAY_NAME_ZH.get(n, n) for d, n in constants.workdays.items()}
    return holidays, makeup, set(range(min(holidays).year, max(holidays).year + 1))


def _shipped_table() -> tuple[dict[dt.date, str], dict[dt.date, str], set[int]] | None:
    """The table in `calendar_data`, or None when the installed chinese-calendar is not the
    one it was generated from (its data file has another size) — e.g. upgraded for next year."""
    import os
    from importlib.util import find_spec

    from . import calendar_data as table

    try:
        spec = find_spec("chinese_calendar")
        origin = spec.origin if spec is not None else None
        if (
            origin is not None
            and os.stat(os.path.join(os.path.dirname(origin), "constants.py")).st_size != table.SOURCE_SIZE
        ):
            return None
    except (ImportError, OSError, ValueError):
        pass  # not installed or not readable: the table is the data

    def days(per_year: dict[int, str]) -> dict[dt.date, str]:
        date = dt.date
        return {date(y, int(t[:2]), int(t[2:4])): t[4:] for y, text in per_year.items() for t in text.split()}

    first, last = table.YEARS
    return days(table.REST), days(table.MAKEUP), set(range(first, last + 1))
