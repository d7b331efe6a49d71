"""compute_due: the one function that turns a rule into a due date (real 2026 dates)."""

from __future__ import annotations

import datetime as dt

from kefu_cli.domain.calendar import official_calendar
from kefu_cli.domain.deadlines import compute_due, working_days_left
from kefu_cli.domain.policy import Unit

CAL = official_calendar()
T = dt.datetime(2026, 9, 30, 16, 0)  # Wed, the day before National Day


def test_working_days_skip_national_day_and_count_the_makeup_saturday():
    # 10 working days after Wed 09-30: 10-08, 10-09, Sat 10-10 (make-up), 10-12 .. 10-16, 10-19, 10-20
    d = compute_due(CAL, T, Unit.WORKDAYS, 10)
    assert d.due == dt.date(2026, 10, 20)
    assert d.due_at == dt.datetime(2026, 10, 20, 23, 59, 59)
    assert d.provisional is False


def test_paused_working_days_push_the_due_date():
    # 3 paused working days on top: 10-21, 10-22, 10-23
    assert compute_due(CAL, T, Unit.WORKDAYS, 10, extra_workdays=3).due == dt.date(2026, 10, 23)


def test_calendar_days_roll_off_a_rest_day():
    # 09-30 + 5 days = 10-05, a National Day holiday -> next working day Thu 10-08
    assert compute_due(CAL, T, Unit.DAYS, 5).due == dt.date(2026, 10, 8)
    # 09-30 + 10 days = Sat 10-10, a make-up working day: no roll
    assert compute_due(CAL, T, Unit.DAYS, 10).due == dt.date(2026, 10, 10)
    # and extra working days count on from the rolled day: 10-08 -> 10-09, 10-10
    assert compute_due(CAL, T, Unit.DAYS, 5, extra_workdays=2).due == dt.date(2026, 10, 10)


def test_clock_hours_ignore_the_calendar():
    d = compute_due(CAL, T, Unit.HOURS, 24)
    assert d.due_at == dt.datetime(2026, 10, 1, 16, 0) and d.due == dt.date(2026, 10, 1)


def test_fixed_due_and_provisional_years():
    d = compute_due(CAL, T, Unit.DAYS, 0, fixed_due=dt.date(2026, 11, 10))
    assert d.due == dt.date(2026, 11, 10) and d.provisional is False
    late = compute_due(CAL, dt.datetime(2026, 12, 25, 9), Unit.WORKDAYS, 5)
    assert late.due == dt.date(2027, 1, 1) and late.provisional is True


def test_working_days_left_before_on_and_after_the_due_day():
    due = dt.date(2026, 10, 9)
    assert working_days_left(CAL, dt.date(2026, 9, 30), due) == 2  # 10-08, 10-09
    assert working_days_left(CAL, due, due) == 0
    assert working_days_left(CAL, dt.date(2026, 10, 12), due) == -2  # 10-10 (make-up), 10-12
