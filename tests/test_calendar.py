"""The working-day engine on real dates, each expected date worked out by hand beside it.

2026 per the State Council notice (国务院办公厅关于2026年部分节假日安排的通知):
- 元旦 2026-01-01 (Thu)..01-03 (Sat) off; Sun 2026-01-04 a make-up working day.
- 春节 2026-02-15 (Sun)..02-23 (Mon) off; Sat 02-14 and Sat 02-28 make-up working days.
- 中秋 Fri 2026-09-25 off; 国庆 2026-10-01 (Thu)..10-07 (Wed) off;
  Sun 2026-09-20 and Sat 2026-10-10 make-up working days.
Counting (RULES.md §5, 民法典 §201): the start day never counts; the answer is the N-th working
day after it. Calendar days (§203): start + N, a rest-day end moves to the next working day.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kefu_cli.domain.calendar import (
    MAX_DATE,
    MIN_DATE,
    CalendarRangeError,
    DayKind,
    DayOverride,
    Source,
    WorkCalendar,
    YearStatus,
)

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.official()


# --- Mid-Autumn and National Day 2026 ------------------------------------------------------


def test_add_ten_working_days_across_mid_autumn_and_national_day(cal):
    # Start Fri 09-18 (not counted). 1 Sun 09-20 (make-up), 2 Mon 21, 3 Tue 22, 4 Wed 23,
    # 5 Thu 24; Fri 25 中秋 off; Sat 26, Sun 27 weekend; 6 Mon 28, 7 Tue 29, 8 Wed 30;
    # 10-01..07 国庆 off; 9 Thu 10-08, 10 Fri 10-09.
    ans = cal.add_workdays(D(2026, 9, 18), 10)
    assert ans.date == D(2026, 10, 9)
    assert ans.provisional is False
    # Each step of the hand count above, one working day at a time.
    steps = [cal.add_workdays_date(D(2026, 9, 18), n) for n in range(1, 11)]
    assert steps == [
        D(2026, 9, 20),
        D(2026, 9, 21),
        D(2026, 9, 22),
        D(2026, 9, 23),
        D(2026, 9, 24),
        D(2026, 9, 28),
        D(2026, 9, 29),
        D(2026, 9, 30),
        D(2026, 10, 8),
        D(2026, 10, 9),
    ]


def test_the_days_of_the_autumn_holidays(cal):
    sun_0920 = cal.day(D(2026, 9, 20))
    assert (sun_0920.workday, sun_0920.kind, sun_0920.source) == (True, DayKind.MAKEUP_WORKDAY, Source.OFFICIAL)
    fri_0925 = cal.day(D(2026, 9, 25))
    assert (fri_0925.workday, fri_0925.kind, fri_0925.name) == (False, DayKind.HOLIDAY, "中秋节")
    for day in range(1, 8):  # 10-01..10-07 国庆节, weekdays and the weekend inside alike
        info = cal.day(D(2026, 10, day))
        assert (info.workday, info.kind, info.name) == (False, DayKind.HOLIDAY, "国庆节"), day
    sat_1010 = cal.day(D(2026, 10, 10))
    assert (sat_1010.workday, sat_1010.kind, sat_1010.name) == (True, DayKind.MAKEUP_WORKDAY, "国庆节")
    sun_1011 = cal.day(D(2026, 10, 11))  # the Sunday after the make-up Saturday is an ordinary weekend
    assert (sun_1011.workday, sun_1011.kind, sun_1011.name) == (False, DayKind.WEEKEND, "")
    thu_1008 = cal.day(D(2026, 10, 8))
    assert (thu_1008.workday, thu_1008.kind) == (True, DayKind.WORKDAY)


def test_count_over_national_day(cal):
    # (09-30, 10-12]: 10-01..07 off; 1 Thu 10-08, 2 Fri 10-09, 3 Sat 10-10 (make-up),
    # Sun 10-11 off, 4 Mon 10-12.
    assert cal.count_workdays(D(2026, 9, 30), D(2026, 10, 12)) == 4
    # The whole holiday week holds no working day: (09-30, 10-07] is 0.
    assert cal.count_workdays(D(2026, 9, 30), D(2026, 10, 7)) == 0
    # Inverse of the add above.
    assert cal.count_workdays(D(2026, 9, 18), D(2026, 10, 9)) == 10


def test_count_same_day_and_reversed_order(cal):
    for d in (D(2026, 10, 1), D(2026, 10, 10), D(2026, 11, 23)):
        assert cal.count_workdays(d, d) == 0
    # Reversed: minus the working days in (09-30, 10-12].
    assert cal.count_workdays(D(2026, 10, 12), D(2026, 9, 30)) == -4
    # (2026-10-01, 2026-10-02]: 10-02 is a holiday → 0 either way.
    assert cal.count_workdays(D(2026, 10, 2), D(2026, 10, 1)) == 0


# --- Spring Festival 2026 -------------------------------------------------------------------


def test_spring_festival_2026(cal):
    for day in range(15, 24):  # 02-15 (Sun)..02-23 (Mon) 春节
        info = cal.day(D(2026, 2, day))
        assert (info.workday, info.kind, info.name) == (False, DayKind.HOLIDAY, "春节"), day
    for makeup in (D(2026, 2, 14), D(2026, 2, 28)):  # both Saturdays, make-up days
        info = cal.day(makeup)
        assert (info.workday, info.kind, info.name) == (True, DayKind.MAKEUP_WORKDAY, "春节")
    # From Thu 02-12: 1 Fri 02-13, 2 Sat 02-14 (make-up), then 02-15..23 off, 3 Tue 02-24.
    assert cal.add_workdays_date(D(2026, 2, 12), 1) == D(2026, 2, 13)
    assert cal.add_workdays_date(D(2026, 2, 12), 2) == D(2026, 2, 14)
    assert cal.add_workdays_date(D(2026, 2, 12), 3) == D(2026, 2, 24)
    # From Tue 02-24: 1 Wed 25, 2 Thu 26, 3 Fri 27, 4 Sat 28 (make-up), Sun 03-01 off, 5 Mon 03-02.
    assert cal.add_workdays_date(D(2026, 2, 24), 4) == D(2026, 2, 28)
    assert cal.add_workdays_date(D(2026, 2, 24), 5) == D(2026, 3, 2)
    # (02-13, 02-24]: Sat 02-14 and Tue 02-24 → 2.
    assert cal.count_workdays(D(2026, 2, 13), D(2026, 2, 24)) == 2


# --- Year end 2025 → 2026 ---------------------------------------------------------------------


def test_year_end_2025_to_2026(cal):
    for day in (1, 2, 3):  # 2026-01-01 (Thu)..01-03 (Sat) 元旦
        info = cal.day(D(2026, 1, day))
        assert (info.workday, info.kind, info.name) == (False, DayKind.HOLIDAY, "元旦")
    sun = cal.day(D(2026, 1, 4))
    assert (sun.workday, sun.kind, sun.name) == (True, DayKind.MAKEUP_WORKDAY, "元旦")
    # From Wed 2025-12-31: 01-01..03 off, 1 Sun 01-04 (make-up), 2 Mon 01-05.
    ans = cal.add_workdays(D(2025, 12, 31), 1)
    assert (ans.date, ans.provisional) == (D(2026, 1, 4), False)
    assert cal.add_workdays_date(D(2025, 12, 31), 2) == D(2026, 1, 5)
    # From Tue 2025-12-30: 1 Wed 12-31, 2 Sun 01-04.
    assert cal.add_workdays_date(D(2025, 12, 30), 2) == D(2026, 1, 4)
    assert cal.count_workdays(D(2025, 12, 30), D(2026, 1, 5)) == 3  # 12-31, 01-04, 01-05


# --- starts on rest days, N = 0 ---------------------------------------------------------------


def test_start_on_a_rest_day_gives_the_first_working_day_after_it(cal):
    # Thu 10-01 (holiday): 10-02..07 off, 1 Thu 10-08, 2 Fri 10-09, 3 Sat 10-10 (make-up).
    assert cal.add_workdays_date(D(2026, 10, 1), 1) == D(2026, 10, 8)
    assert cal.add_workdays_date(D(2026, 10, 1), 2) == D(2026, 10, 9)
    assert cal.add_workdays_date(D(2026, 10, 1), 3) == D(2026, 10, 10)
    # Sat 10-03 (holiday and weekend): same first working day, Thu 10-08.
    assert cal.add_workdays_date(D(2026, 10, 3), 1) == D(2026, 10, 8)
    # Ordinary Sat 2026-11-21: 1 Mon 11-23.
    assert cal.add_workdays_date(D(2026, 11, 21), 1) == D(2026, 11, 23)
    # A start on a make-up Saturday (a working day) does not count either: Sun 10-11 off, 1 Mon 10-12.
    assert cal.add_workdays_date(D(2026, 10, 10), 1) == D(2026, 10, 12)


def test_n_zero_is_the_start_day_itself(cal):
    for d in (D(2026, 10, 1), D(2026, 10, 10), D(2026, 11, 23)):
        ans = cal.add_workdays(d, 0)
        assert (ans.date, ans.provisional) == (d, False)
    with pytest.raises(ValueError):
        cal.add_workdays_date(D(2026, 11, 23), -1)


# --- Civil Code §203 (calendar days) -----------------------------------------------------------


def test_calendar_days_end_on_a_holiday_rolls_to_the_next_working_day(cal):
    # 09-20 + 15 days = Mon 10-05, a 国庆 holiday; 10-06, 10-07 also off → Thu 10-08.
    ans = cal.add_days(D(2026, 9, 20), 15)
    assert (ans.date, ans.provisional) == (D(2026, 10, 8), False)


def test_calendar_days_end_on_an_ordinary_weekend_rolls_to_monday(cal):
    # Fri 11-06 + 15 = Sat 11-21 → Mon 11-23.
    assert cal.add_days_date(D(2026, 11, 6), 15) == D(2026, 11, 23)
    # Mon 11-16 + 6 = Sun 11-22 → Mon 11-23.
    assert cal.add_days_date(D(2026, 11, 16), 6) == D(2026, 11, 23)


def test_calendar_days_end_on_a_makeup_saturday_does_not_roll(cal):
    # Fri 09-25 + 15 = Sat 10-10, a make-up working day: it stays.
    assert cal.add_days_date(D(2026, 9, 25), 15) == D(2026, 10, 10)
    # 09-10 + 10 = Sun 09-20, a make-up working day: it stays.
    assert cal.add_days_date(D(2026, 9, 10), 10) == D(2026, 9, 20)
    # An end on an ordinary working day stays: Mon 11-02 + 15 = Tue 11-17.
    assert cal.add_days_date(D(2026, 11, 2), 15) == D(2026, 11, 17)
    # N = 0 on a rest day still rolls (the end is a rest day): Sat 2026-10-03 → Thu 10-08.
    assert cal.add_days_date(D(2026, 10, 3), 0) == D(2026, 10, 8)


def test_next_workday(cal):
    assert cal.next_workday(D(2026, 10, 10)) == D(2026, 10, 10)
    assert cal.next_workday(D(2026, 10, 11)) == D(2026, 10, 12)
    assert cal.next_workday(D(2026, 2, 15)) == D(2026, 2, 24)


# --- provisional years (2027 onwards in chinese-calendar 1.11) -------------------------------


def test_2027_is_provisional_monday_to_friday(cal):
    import chinese_calendar

    with pytest.raises(NotImplementedError):  # why the engine must not just ask the package
        chinese_calendar.is_workday(D(2027, 1, 1))
    # From Fri 2026-12-25: 1 Mon 12-28, 2 Tue 29, 3 Wed 30, 4 Thu 31, 5 Fri 2027-01-01 (provisional
    # rule: every Mon–Fri works, so the probable 元旦 is a working day until the notice is loaded).
    ans = cal.add_workdays(D(2026, 12, 25), 5)
    assert (ans.date, ans.provisional) == (D(2027, 1, 1), True)
    # Four days stay inside 2026: not provisional.
    ans = cal.add_workdays(D(2026, 12, 25), 4)
    assert (ans.date, ans.provisional) == (D(2026, 12, 31), False)
    fri = cal.day(D(2027, 1, 1))
    assert (fri.workday, fri.kind, fri.source) == (True, DayKind.WORKDAY, Source.PROVISIONAL)
    sat = cal.day(D(2027, 1, 2))
    assert (sat.workday, sat.kind, sat.source) == (False, DayKind.WEEKEND, Source.PROVISIONAL)
    assert cal.is_provisional_year(2027) and not cal.is_provisional_year(2026)
    assert cal.touches_provisional(D(2027, 1, 5), D(2026, 12, 1))  # either order
    assert not cal.touches_provisional(D(2026, 1, 5), D(2026, 12, 31))
    # Calendar days: 12-20 + 15 = Mon 2027-01-04, a working day under the provisional rule.
    ans = cal.add_days(D(2026, 12, 20), 15)
    assert (ans.date, ans.provisional) == (D(2027, 1, 4), True)


def test_dates_outside_the_calendar_span_raise_a_clear_error(cal):
    assert (D(2000, 1, 1), D(2099, 12, 31)) == (MIN_DATE, MAX_DATE)
    with pytest.raises(CalendarRangeError, match="1999-12-31"):
        cal.day(D(1999, 12, 31))
    with pytest.raises(CalendarRangeError):
        cal.is_workday(D(2100, 1, 1))
    with pytest.raises(CalendarRangeError):
        cal.count_workdays(D(2026, 1, 1), D(2100, 1, 1))
    with pytest.raises(CalendarRangeError):
        cal.add_workdays_date(D(1999, 12, 31), 0)
    # The result itself would fall after 2099-12-31.
    with pytest.raises(CalendarRangeError, match="2099-12-31"):
        cal.add_workdays(D(2099, 12, 25), 10)
    with pytest.raises(CalendarRangeError):
        cal.add_workdays_many([D(2026, 1, 5), D(2099, 12, 25)], 10)
    with pytest.raises(CalendarRangeError):
        cal.add_days(D(2099, 12, 31), 1)
    # The edges themselves work: Thu 2099-12-31 is the last (provisional) working day.
    assert cal.add_workdays_date(D(2099, 12, 30), 1) == D(2099, 12, 31)
    assert cal.count_workdays(MIN_DATE, D(2000, 1, 4)) == 2  # Mon 01-03, Tue 01-04 (2000-01-01 is a Sat)


# --- overrides ----------------------------------------------------------------------------------


def test_an_override_wins_over_the_official_data():
    # Make Fri 2026-10-09 a rest day: the 10th working day after 09-18 becomes Sat 10-10 (make-up).
    cal = WorkCalendar.official([DayOverride(D(2026, 10, 9), False, "更正")])
    assert cal.add_workdays_date(D(2026, 9, 18), 10) == D(2026, 10, 10)
    info = cal.day(D(2026, 10, 9))
    assert (info.workday, info.kind, info.name, info.source) == (False, DayKind.HOLIDAY, "更正", Source.OVERRIDE)
    # Only the overridden day reports "override"; its year stays official.
    assert cal.day(D(2026, 10, 8)).source == Source.OFFICIAL
    assert cal.coverage([2026]) == [(2026, Source.OFFICIAL, 1)]
    # A corrected day does not make an official year partial or provisional.
    assert (cal.year_status(2026), cal.provisional_days(2026), cal.override_days(2026)) == (YearStatus.OFFICIAL, 0, 1)


def test_a_loaded_notice_year_follows_the_overrides_and_is_not_provisional():
    notice = [
        DayOverride(D(2027, 1, 1), False, "元旦"),
        DayOverride(D(2027, 1, 2), False, "元旦"),
        DayOverride(D(2027, 1, 3), False, "元旦"),
    ]
    cal = WorkCalendar.official(notice, notice_years=[2027])
    # From Fri 2026-12-25: 1..4 = 12-28..31, 01-01..03 off, 5 Mon 2027-01-04.
    ans = cal.add_workdays(D(2026, 12, 25), 5)
    assert (ans.date, ans.provisional) == (D(2027, 1, 4), False)
    assert cal.day(D(2027, 1, 1)).kind == DayKind.HOLIDAY
    # A day of 2027 the notice does not list follows Mon–Fri, but the year is no longer provisional.
    assert cal.day(D(2027, 3, 3)).source == Source.OVERRIDE
    assert cal.coverage([2026, 2027, 2028]) == [
        (2026, Source.OFFICIAL, 0),
        (2027, Source.OVERRIDE, 3),
        (2028, Source.PROVISIONAL, 0),
    ]
    assert [cal.year_status(y) for y in (2026, 2027, 2028)] == [
        YearStatus.OFFICIAL,
        YearStatus.COMPLETE,
        YearStatus.PROVISIONAL,
    ]
    assert (cal.provisional_days(2027), cal.provisional_days(2028)) == (0, 366)  # 2028 is a leap year
    # A notice cannot make an official year provisional or "override" it wholesale.
    cal2 = WorkCalendar.official(notice_years=[2026])
    assert cal2.coverage([2026]) == [(2026, Source.OFFICIAL, 0)]


# --- partial imports: only some days of a year are known ----------------------------------------

# Only the Spring Festival of 2027 (a test fixture in the notice's format, not the real notice):
# Sat 02-06..Fri 02-12 off, Sat 02-20 worked. Nothing else of 2027 is known.
SPRING_2027 = [DayOverride(D(2027, 2, 6) + dt.timedelta(days=i), False, "春节") for i in range(7)] + [
    DayOverride(D(2027, 2, 20), True, "春节")
]


@pytest.fixture(scope="module")
def partial() -> WorkCalendar:
    return WorkCalendar.official(SPRING_2027)


def test_a_partial_year_is_known_on_its_listed_days_only(partial):
    assert partial.year_status(2027) == YearStatus.PARTIAL
    assert partial.is_provisional_year(2027)  # the year as a whole is still unknown
    assert (partial.override_days(2027), partial.provisional_days(2027)) == (8, 365 - 8)
    assert partial.coverage([2027]) == [(2027, Source.PROVISIONAL, 8)]
    # Mon 02-08: a listed rest day, known.
    info = partial.day(D(2027, 2, 8))
    assert (info.workday, info.kind, info.name, info.source) == (False, DayKind.HOLIDAY, "春节", Source.OVERRIDE)
    assert not partial.is_provisional(D(2027, 2, 8))
    # Mon 05-03 (probably 劳动节) is not listed: Mon–Fri rule, provisional.
    info = partial.day(D(2027, 5, 3))
    assert (info.workday, info.kind, info.source) == (True, DayKind.WORKDAY, Source.PROVISIONAL)
    assert partial.is_provisional(D(2027, 5, 3))


def test_touches_provisional_is_per_day_in_a_partial_year(partial):
    # 02-06..02-12 all listed: nothing provisional in between, in either order.
    assert not partial.touches_provisional(D(2027, 2, 6), D(2027, 2, 12))
    assert not partial.touches_provisional(D(2027, 2, 12), D(2027, 2, 6))
    assert partial.count_workdays(D(2027, 2, 6), D(2027, 2, 12)) == 0
    # One unlisted day at either end makes it provisional.
    assert partial.touches_provisional(D(2027, 2, 5), D(2027, 2, 12))
    assert partial.touches_provisional(D(2027, 2, 6), D(2027, 2, 13))
    # From official 2026 into the unlisted 2027-01-01.
    assert partial.touches_provisional(D(2026, 12, 25), D(2027, 1, 1))
    assert not partial.touches_provisional(D(2026, 1, 1), D(2026, 12, 31))


def test_add_across_a_partial_year(partial):
    # Fri 02-05 + 1: 02-06..12 off (listed), Sat 02-13 and Sun 02-14 weekend (unlisted), Mon 02-15.
    ans = partial.add_workdays(D(2027, 2, 5), 1)
    assert (ans.date, ans.provisional) == (D(2027, 2, 15), True)
    # Fri 02-19 + 1 = Sat 02-20, the listed make-up day; 02-19 itself is unlisted → provisional.
    ans = partial.add_workdays(D(2027, 2, 19), 1)
    assert (ans.date, ans.provisional) == (D(2027, 2, 20), True)
    # Mon 04-26 + 5: 04-27..30 are 1..4, Mon 05-03 is 5 — 劳动节 is not listed, so provisional.
    ans = partial.add_workdays(D(2027, 4, 26), 5)
    assert (ans.date, ans.provisional) == (D(2027, 5, 3), True)
    # Calendar days: Sat 02-06 + 6 = Fri 02-12 (listed rest day) rolls past the unlisted weekend.
    ans = partial.add_days(D(2027, 2, 6), 6)
    assert (ans.date, ans.provisional) == (D(2027, 2, 15), True)


def test_a_complete_notice_year_with_the_same_days_is_not_provisional():
    cal = WorkCalendar.official(SPRING_2027, notice_years=[2027])
    assert cal.year_status(2027) == YearStatus.COMPLETE
    assert cal.provisional_days(2027) == 0
    ans = cal.add_workdays(D(2027, 4, 26), 5)
    assert (ans.date, ans.provisional) == (D(2027, 5, 3), False)
    assert cal.day(D(2027, 5, 3)).source == Source.OVERRIDE


def test_every_day_of_a_year_overridden_is_as_good_as_complete():
    start = D(2027, 1, 1)
    every = [
        DayOverride(start + dt.timedelta(days=i), (start + dt.timedelta(days=i)).weekday() < 5) for i in range(365)
    ]
    cal = WorkCalendar.official(every)
    assert (cal.year_status(2027), cal.provisional_days(2027)) == (YearStatus.COMPLETE, 0)
    assert not cal.touches_provisional(D(2026, 12, 1), D(2027, 12, 31))
    assert cal.touches_provisional(D(2027, 12, 31), D(2028, 1, 1))
