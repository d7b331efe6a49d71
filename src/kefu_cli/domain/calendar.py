"""The Chinese working-day calendar (工作日).

One `WorkCalendar` answers every question about days: is it a working day, what kind of
day it is, add N working days, count working days, add N calendar days with the Civil
Code §203 roll. It is built once from

1. the official State Council data shipped in `chinese-calendar` (years it knows),
2. administrator overrides (an imported notice for a new year, or a single corrected day),
   which win over 1,
3. a provisional rule for every other year: Monday–Friday work, Saturday/Sunday rest.
   Answers that touch a provisional year say so (`provisional=True`).

Counting follows RULES.md §5 / 民法典 §201: "within N working days from day D" means the
N-th working day after D; D itself never counts, whether or not it is a working day.

All arithmetic is O(1) after construction: `_rank[i]` is the number of working days on or
before day `lo + i`, and `_work[k]` is the ordinal of the (k+1)-th working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

# The span the tables are built for. Dates outside it are rejected with a clear message.
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"


class Source(StrEnum):
    OFFICIAL = "official"
    OVERRIDE = "override"
    PROVISIONAL = "provisional"


DAY_KIND_ZH = {
    DayKind.WORKDAY: "工作日",
    DayKind.WEEKEND: "周末",
    DayKind.HOLIDAY: "法定节假日",
    DayKind.MAKEUP_WORKDAY: "调休上班日",
}
SOURCE_ZH = {Source.OFFICIAL: "官方数据", Source.OVERRIDE: "管理员导入", Source.PROVISIONAL: "临时规则(未公布)"}

# Names used by chinese-calendar → the Chinese names clerks know.
HOLIDAY_NAME_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class CalendarRangeError(ValueError):
    """A date outside the span the calendar is built for."""


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One day of an administrator's notice: `workday=False` is 休, `workday=True` is 班."""

    date: dt.date
    workday: bool
    name: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: dt.date
    workday: bool
    kind: DayKind
    name: str
    source: Source


@dataclass(frozen=True, slots=True)
class Answer:
    """A computed date and whether any year it depends on is provisional."""

    date: dt.date
    provisional: bool


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
    (rest days, make-up days, years)."""
    from chinese_calendar import constants

    holidays = {d: HOLIDAY_NAME_ZH.get(n, n) for d, n in constants.holidays.items()}
    makeup = {d: HOLIDAY_NAME_ZH.get(n, n) for d, n in constants.workdays.items()}
    first, last = min(holidays).year, max(holidays).year
    for d, e in NOTICE_ERRATA.items():
        if first <= d.year <= last:
            (makeup if e.workday else holidays)[d] = e.name
            (holidays if e.workday else makeup).pop(d, None)
    return holidays, makeup, set(range(first, last + 1))


class WorkCalendar:
    """Working days from official data + overrides, provisional outside known years."""

    def __init__(
        self,
        official_rest: Mapping[dt.date, str],
        official_makeup: Mapping[dt.date, str],
        official_years: Iterable[int],
        overrides: Iterable[DayOverride] = (),
        notice_years: Iterable[int] = (),
    ) -> None:
        self.official_years = frozenset(official_years)
        self.overrides = {o.date: o for o in overrides}
        # A year is known when it is official or an administrator loaded its notice.
        self.notice_years = frozenset(notice_years) - self.official_years
        self._known_years = self.official_years | self.notice_years
        self._rest = dict(official_rest)
        self._makeup = dict(official_makeup)

        lo, hi = MIN_DATE.toordinal(), MAX_DATE.toordinal()
        self._lo = lo
        flags = bytearray(hi - lo + 1)
        for i in range(len(flags)):
            flags[i] = 1 if (lo + i) % 7 not in (6, 0) else 0  # ordinal % 7: 0 = Sunday, 6 = Saturday
        for d in official_rest:
            if MIN_DATE <= d <= MAX_DATE:
                flags[d.toordinal() - lo] = 0
        for d in official_makeup:
            if MIN_DATE <= d <= MAX_DATE:
                flags[d.toordinal() - lo] = 1
        for o in self.overrides.values():
            if MIN_DATE <= o.date <= MAX_DATE:
                flags[o.date.toordinal() - lo] = 1 if o.workday else 0
        self._flags = bytes(flags)
        rank: list[int] = []
        work: list[int] = []
        n = 0
        for i, f in enumerate(flags):
            if f:
                n += 1
                work.append(lo + i)
            rank.append(n)
        self._rank = rank
        self._work = work
        # _prov[i]: how many of the years MIN_DATE.year .. MIN_DATE.year + i - 1 are provisional,
        # so "does [a, b] touch a provisional year" is one subtraction.
        prov = [0]
        for y in range(MIN_DATE.year, MAX_DATE.year + 1):
            prov.append(prov[-1] + (y not in self._known_years))
        self._prov = prov

    # --- construction helpers -------------------------------------------------
    @classmethod
    def official(cls, overrides: Iterable[DayOverride] = (), notice_years: Iterable[int] = ()) -> WorkCalendar:
        rest, makeup, years = official_data()
        return cls(rest, makeup, years, overrides, notice_years)

    # --- single days ----------------------------------------------------------
    def _index(self, d: dt.date) -> int:
        if not (MIN_DATE <= d <= MAX_DATE):
            raise CalendarRangeError(
                f"日期 {d.isoformat()} 超出日历范围 {MIN_DATE.isoformat()} 至 {MAX_DATE.isoformat()}:"
                f" 请输入此范围内的日期,例如 2026-11-21"
            )
        return d.toordinal() - self._lo

    def is_workday(self, d: dt.date) -> bool:
        return self._flags[self._index(d)] == 1

    def source_of(self, d: dt.date) -> Source:
        if d in self.overrides or d.year in self.notice_years:
            return Source.OVERRIDE
        if d.year in self.official_years:
            return Source.OFFICIAL
        return Source.PROVISIONAL

    def is_provisional_year(self, year: int) -> bool:
        return year not in self._known_years

    def day(self, d: dt.date) -> DayInfo:
        workday = self.is_workday(d)
        weekend = d.weekday() >= 5
        override = self.overrides.get(d)
        if override is not None:
            name = override.name
        elif workday:
            name = self._makeup.get(d, "")
        else:
            name = self._rest.get(d, "")
        if workday:
            kind = DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
        elif weekend and not (override and override.name) and d not in self._rest:
            kind = DayKind.WEEKEND
        else:
            kind = DayKind.HOLIDAY
        return DayInfo(d, workday, kind, name, self.source_of(d))

    # --- arithmetic -------------------------------------------------------------
    def touches_provisional(self, start: dt.date, end: dt.date) -> bool:
        """Whether any year from start's to end's (either order) is provisional."""
        a, b = (start.year, end.year) if start <= end else (end.year, start.year)
        first = MIN_DATE.year
        if a < first or b > MAX_DATE.year:
            return any(y not in self._known_years for y in range(a, b + 1))
        return self._prov[b - first + 1] != self._prov[a - first]

    def add_workdays_date(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself never counts); n = 0 gives `start`."""
        if n < 0:
            raise ValueError("工作日天数不能为负数")
        if n == 0:
            self._index(start)
            return start
        k = self._rank[self._index(start)] + n  # the k-th working day (1-based) overall
        if k > len(self._work):
            raise CalendarRangeError(f"结果超出日历范围(最晚 {MAX_DATE.isoformat()})")
        return dt.date.fromordinal(self._work[k - 1])

    def add_workdays(self, start: dt.date, n: int) -> Answer:
        due = self.add_workdays_date(start, n)
        return Answer(due, self.touches_provisional(start, due))

    def count_workdays(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        return self._rank[self._index(end)] - self._rank[self._index(start)]

    def next_workday(self, d: dt.date) -> dt.date:
        """`d` itself when it is a working day, else the next working day."""
        i = self._index(d)
        if self._flags[i]:
            return d
        return self.add_workdays_date(d, 1)

    def add_days_date(self, start: dt.date, n: int) -> dt.date:
        """start + n calendar days; a rest-day end moves to the next working day (民法典 §203)."""
        if n < 0:
            raise ValueError("天数不能为负数")
        return self.next_workday(start + dt.timedelta(days=n))

    def add_days(self, start: dt.date, n: int) -> Answer:
        due = self.add_days_date(start, n)
        return Answer(due, self.touches_provisional(start, due))

    # --- batch API -------------------------------------------------------------
    def add_workdays_many(self, starts: Sequence[dt.date], ns: Sequence[int] | int) -> list[dt.date]:
        """Vector form of `add_workdays_date` for recomputes and bulk imports.

        Works on ordinals with local names bound, about 4x faster than a loop of calls.
        """
        rank, work, lo, fromord = self._rank, self._work, self._lo, dt.date.fromordinal
        total = len(work)
        lo_o, hi_o = MIN_DATE.toordinal(), MAX_DATE.toordinal()
        out: list[dt.date] = []
        append = out.append
        if isinstance(ns, int):
            ns = [ns] * len(starts)
        for d, n in zip(starts, ns, strict=True):
            o = d.toordinal()
            if n < 0 or not lo_o <= o <= hi_o:
                append(self.add_workdays_date(d, n))  # raises the proper error
                continue
            if not n:
                append(d)
                continue
            k = rank[o - lo] + n  # the k-th working day (1-based) overall
            if k > total:
                append(self.add_workdays_date(d, n))  # raises the proper error
                continue
            append(fromord(work[k - 1]))
        return out

    # --- coverage --------------------------------------------------------------
    def coverage(self, years: Iterable[int]) -> list[tuple[int, Source, int]]:
        """(year, source, number of overridden days) for each year asked about."""
        counts: dict[int, int] = {}
        for d in self.overrides:
            counts[d.year] = counts.get(d.year, 0) + 1
        out = []
        for y in years:
            if y in self.notice_years:
                src = Source.OVERRIDE
            elif y in self.official_years:
                src = Source.OFFICIAL
            else:
                src = Source.PROVISIONAL
            out.append((y, src, counts.get(y, 0)))
        return out


_default: WorkCalendar | None = None


def official_calendar() -> WorkCalendar:
    """The calendar of the official data alone, built once per process."""
    global _default
    if _default is None:
        _default = WorkCalendar.official()
    return _default
