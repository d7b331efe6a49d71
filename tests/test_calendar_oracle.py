"""The working-day engine against independent sources, for every day of 2004–2026.

Sources:
- the engine (`WorkCalendar.official()`), built from chinese-calendar 1.11 plus the
  corrections in `domain.official_days.NOTICE_ERRATA`;
- the `holidays` package (test-only oracle). Its `China` class is written independently from
  the same State Council notices. It has no "make-up day" category: a make-up working day
  is stored as a *substituted holiday* — `(to_month, to_day, from_month, from_day)` moves the
  weekend day `from` onto the weekday `to` — and the weekend `from` date lands in
  `China.weekend_workdays`; `is_working_day(d)` answers `d in weekend_workdays` for a
  Saturday/Sunday and `d not in holidays` for a weekday. That is the oracle used here;
- chinese-calendar's own `is_workday`, to make its slips visible.

Where the sources disagree the State Council notice decides (chinese-calendar and holidays
are both transcriptions of it). Every disagreement is listed below with the notice's words;
the test fails if the engine, either source or the list changes.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import holidays
import pytest

from kefu_cli.domain.calendar import DayKind, WorkCalendar
from kefu_cli.domain.official_days import NOTICE_ERRATA

FIRST, LAST = dt.date(2004, 1, 1), dt.date(2026, 12, 31)

# date -> (engine, holidays, chinese_calendar) working-day answers, and why.
KNOWN_DISAGREEMENTS: dict[dt.date, tuple[bool, bool, bool]] = {
    # 国办发明电〔2005〕35号 (2006 notice): "元旦:1月1日—3日放假,共3天。……12月31日(星期六)上班。"
    # holidays has it (substituted Jan 3 <- Dec 31 2005); chinese-calendar 1.11 treats it as an
    # ordinary Saturday (its issue #125, open). Trust the notice: a working day.
    dt.date(2005, 12, 31): (True, True, False),
}

# Festival names: the holidays package (zh_CN) -> the engine's names.
FESTIVALS = {
    "元旦": "元旦",
    "春节": "春节",
    "农历除夕": "春节",
    "清明节": "清明节",
    "劳动节": "劳动节",
    "端午节": "端午节",
    "中秋节": "中秋节",
    "国庆节": "国庆节",
}


def _days():
    d = FIRST
    while d <= LAST:
        yield d
        d += dt.timedelta(days=1)


@pytest.fixture(scope="module")
def engine() -> WorkCalendar:
    return WorkCalendar.official()


@pytest.fixture(scope="module")
def oracle() -> holidays.HolidayBase:
    # 2003 and 2027 too: a notice can move a day across the year boundary.
    return holidays.China(years=range(FIRST.year - 1, LAST.year + 2), language="zh_CN")


def test_every_day_is_workday_matches_the_oracle_except_the_listed_days(engine, oracle):
    disagreements = {}
    checked = 0
    for d in _days():
        answers = (engine.is_workday(d), oracle.is_working_day(d), chinese_calendar.is_workday(d))
        checked += 1
        if len(set(answers)) > 1:
            disagreements[d] = answers
    assert checked == (LAST - FIRST).days + 1 == 8401
    assert disagreements == KNOWN_DISAGREEMENTS


def test_the_engine_follows_the_notice_on_every_listed_day(engine):
    # The notice's answer is the holidays package's here; the engine must give it.
    for d, (_, notice, _) in KNOWN_DISAGREEMENTS.items():
        assert engine.is_workday(d) is notice
    info = engine.day(dt.date(2005, 12, 31))
    assert (info.kind, info.name, info.source) == (DayKind.MAKEUP_WORKDAY, "元旦", "official")


def test_errata_are_exactly_the_known_slips_of_chinese_calendar():
    # If chinese-calendar fixes a slip, or a new one is added, this list must be reviewed.
    assert set(NOTICE_ERRATA) == {dt.date(2005, 12, 31), dt.date(2012, 6, 23)}
    # 2005-12-31: see KNOWN_DISAGREEMENTS.
    assert chinese_calendar.get_holiday_detail(dt.date(2005, 12, 31)) == (True, None)
    # 2012-06-23 (Sat) is 端午节 itself; 国办发明电〔2011〕45号: "端午节:6月22日至24日放假公休,共3天。"
    # chinese-calendar lists 06-22 and 06-24 as 端午节 but 06-23 only as a weekend. The
    # working-day answer is the same (rest); the kind and name are not.
    assert chinese_calendar.get_holiday_detail(dt.date(2012, 6, 23)) == (True, None)
    assert chinese_calendar.get_holiday_detail(dt.date(2012, 6, 22))[1] is not None


def test_every_day_kind_matches_the_oracle(engine, oracle):
    """Kinds: a working weekday is `workday`, a working weekend day `makeup_workday`, a
    weekday off `holiday`; a weekend day off is `holiday` when the oracle names a holiday on
    it, else `weekend` or `holiday` (the engine also calls the plain weekend days inside a
    notice's holiday stretch `holiday`, e.g. Sun 2026-10-04; the oracle leaves those unnamed)."""
    wrong = []
    for d in _days():
        kind = engine.day(d).kind
        working = oracle.is_working_day(d)
        weekend = d.weekday() >= 5
        if working:
            expected = {DayKind.MAKEUP_WORKDAY} if weekend else {DayKind.WORKDAY}
        elif not weekend or d in oracle:
            expected = {DayKind.HOLIDAY}
        else:
            expected = {DayKind.WEEKEND, DayKind.HOLIDAY}
        if kind not in expected:
            wrong.append((d, str(kind), sorted(map(str, expected))))
    assert wrong == []
    assert engine.day(dt.date(2012, 6, 23)).kind == DayKind.HOLIDAY
    assert engine.day(dt.date(2026, 10, 4)).kind == DayKind.HOLIDAY  # Sun inside 国庆 10-01..07
    assert engine.day(dt.date(2026, 10, 17)).kind == DayKind.WEEKEND  # an ordinary Saturday


def test_holiday_names_match_the_oracle(engine, oracle):
    """Where the oracle names a rest day with festival names (not an observed or substituted
    day), the engine's name is one of them. 2009-10-03 and 2020-10-01 carry two festivals
    (中秋节 and 国庆节) in the oracle; the engine keeps one."""
    wrong, compared = [], 0
    for d in _days():
        name = oracle.get(d)
        if name is None or oracle.is_working_day(d):
            continue
        parts = name.split("; ")
        if not all(p in FESTIVALS for p in parts):
            continue  # "（补假）", "休息日（由 … 调休）", special days: no festival name to compare
        compared += 1
        if engine.day(d).name not in {FESTIVALS[p] for p in parts}:
            wrong.append((d, name, engine.day(d).name))
    assert wrong == []
    assert compared == 251  # festival rest days the oracle names in 2004–2026 (holidays 0.109)
    assert engine.day(dt.date(2012, 6, 23)).name == "端午节"
