"""Property tests (hypothesis) of the working-day arithmetic over 2000-01-01..2099-12-31."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from kefu_cli.domain.calendar import MAX_DATE, MIN_DATE, CalendarRangeError, WorkCalendar
from kefu_cli.domain.official_days import NOTICE_ERRATA

CAL = WorkCalendar.official()
ONE = dt.timedelta(days=1)

dates = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)
counts = st.integers(min_value=0, max_value=400)
official_dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31))


def naive_add(d: dt.date, n: int) -> dt.date:
    """Reference: step day by day, counting working days after `d` (no precomputed tables)."""
    while n > 0:
        d += ONE
        if CAL.is_workday(d):
            n -= 1
    return d


def fits(d: dt.date, n: int) -> bool:
    """Whether the n-th working day after d still lies inside the calendar span."""
    return CAL.count_workdays(d, MAX_DATE) >= n


@given(dates, counts)
@example(dt.date(2099, 12, 20), 10)  # the answer would lie after 2099-12-31
@example(dt.date(2099, 12, 31), 0)
@example(dt.date(2026, 9, 18), 10)  # → 2026-10-09 across Mid-Autumn and National Day
def test_count_of_add_is_n(d, n):
    try:
        due = CAL.add_workdays_date(d, n)
    except CalendarRangeError:
        # Only when the answer truly lies after 2099-12-31.
        assert not fits(d, n)
        return
    assert CAL.count_workdays(d, due) == n


@given(dates, st.integers(min_value=1, max_value=400))
def test_add_lands_on_a_working_day_and_matches_the_naive_loop(d, n):
    assume(fits(d, n))
    due = CAL.add_workdays_date(d, n)
    assert CAL.is_workday(due)
    assert due > d
    assert due == naive_add(d, n)


@given(dates, counts)
def test_add_is_strictly_monotone_in_n_with_no_working_day_skipped(d, n):
    assume(fits(d, n + 1))
    a, b = CAL.add_workdays_date(d, n), CAL.add_workdays_date(d, n + 1)
    assert a < b
    assert CAL.count_workdays(a, b) == 1  # b is the very next working day after a


@given(st.lists(st.tuples(dates, counts), max_size=60))
@example([(dt.date(2026, 9, 18), 10), (dt.date(2099, 12, 20), 10)])  # one result out of range
@example([(dt.date(2026, 10, 1), 0), (dt.date(2099, 12, 30), 1)])
def test_add_workdays_many_equals_the_scalar_loop(pairs):
    starts, ns = [p[0] for p in pairs], [p[1] for p in pairs]
    try:
        expected = [CAL.add_workdays_date(d, n) for d, n in pairs]
    except CalendarRangeError:
        with pytest.raises(CalendarRangeError):
            CAL.add_workdays_many(starts, ns)
        return
    assert CAL.add_workdays_many(starts, ns) == expected


@given(st.lists(dates, max_size=60), counts)
def test_add_workdays_many_with_one_n_for_all(starts, n):
    assume(all(fits(d, n) for d in starts))
    assert CAL.add_workdays_many(starts, n) == [CAL.add_workdays_date(d, n) for d in starts]


@given(official_dates)
def test_is_workday_agrees_with_chinese_calendar_in_covered_years(d):
    # The engine departs from chinese-calendar only where the State Council notice says
    # otherwise (NOTICE_ERRATA; see test_calendar_oracle.py for the notices' words).
    if d in NOTICE_ERRATA:
        assert CAL.is_workday(d) is NOTICE_ERRATA[d].workday
    else:
        assert CAL.is_workday(d) is chinese_calendar.is_workday(d)


@given(st.dates(min_value=dt.date(2027, 1, 1), max_value=MAX_DATE))
def test_provisional_years_are_monday_to_friday(d):
    assert CAL.is_workday(d) is (d.weekday() < 5)
    assert CAL.day(d).source == "provisional"


@given(dates, dates, dates)
def test_count_is_antisymmetric_and_additive(a, b, c):
    assert CAL.count_workdays(a, b) == -CAL.count_workdays(b, a)
    assert CAL.count_workdays(a, b) + CAL.count_workdays(b, c) == CAL.count_workdays(a, c)
    assert CAL.count_workdays(a, a) == 0


@given(dates, st.integers(min_value=0, max_value=400))
def test_add_days_is_the_first_working_day_on_or_after_start_plus_n(d, n):
    end = d + dt.timedelta(days=n)
    assume(end <= MAX_DATE - dt.timedelta(days=30))
    due = CAL.add_days_date(d, n)
    assert CAL.is_workday(due)
    assert due >= end
    # No working day in [end, due): it rolled to the first one, not further.
    assert not any(CAL.is_workday(end + k * ONE) for k in range((due - end).days))


@settings(max_examples=200)
@given(dates, counts)
def test_provisional_flag_is_set_exactly_when_a_provisional_year_is_touched(d, n):
    assume(fits(d, n))
    ans = CAL.add_workdays(d, n)
    touched = range(d.year, ans.date.year + 1)
    assert ans.provisional is any(not 2004 <= y <= 2026 for y in touched)


CAL_2027 = WorkCalendar.official(notice_years=[2027])


@given(dates, dates)
@example(dt.date(2026, 12, 31), dt.date(2027, 1, 1))
@example(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
@example(dt.date(2003, 12, 31), dt.date(2004, 1, 1))
def test_touches_provisional_is_any_provisional_year_between(a, b):
    for cal in (CAL, CAL_2027):
        years = range(min(a, b).year, max(a, b).year + 1)
        assert cal.touches_provisional(a, b) is any(cal.is_provisional_year(y) for y in years)
    # With the 2027 notice loaded, a span inside 2026–2027 is no longer provisional.
    if min(a, b).year >= 2026 and max(a, b).year <= 2027:
        assert CAL_2027.touches_provisional(a, b) is False
