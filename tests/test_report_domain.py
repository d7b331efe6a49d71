"""Pure report arithmetic: buckets against an as-of date, percentiles, on-time rates.

Real 2026 dates (official data): Mid-Autumn Fri 2026-09-25 off, National Day 2026-10-01..07
off, Sun 2026-09-20 and Sat 2026-10-10 make-up working days.
"""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu_cli.domain.calendar import official_calendar
from kefu_cli.domain.report import (
    Bucket,
    Outcome,
    bar,
    classify,
    on_time,
    outcome,
    percent,
    percent_text,
    percentile,
    weighted_percentile,
)

D = dt.date.fromisoformat
CAL = official_calendar()


@pytest.mark.parametrize(
    ("as_of", "due", "within", "bucket", "left"),
    [
        # Due 2026-09-28 (Mon), seen on Wed 09-30: 09-29 and 09-30 are working days → 2 overdue.
        ("2026-09-30", "2026-09-28", 3, Bucket.OVERDUE, -2),
        # Due Thu 09-24, seen on Fri 09-25 (Mid-Autumn, a rest day): the limit has passed at the
        # end of 09-24 but no working day has gone by → overdue by 0 working days.
        ("2026-09-25", "2026-09-24", 3, Bucket.OVERDUE, 0),
        # Due on the as-of day.
        ("2026-09-30", "2026-09-30", 3, Bucket.DUE_TODAY, 0),
        # Due Thu 10-08, seen on Wed 09-30: 10-01..07 are the National Day holiday, so 10-08 is
        # the very next working day → 1 working day left although 8 calendar days away.
        ("2026-09-30", "2026-10-08", 3, Bucket.DUE_SOON, 1),
        # Due Sat 10-10 (make-up working day): 10-08, 10-09, 10-10 → 3 left, still "soon" at N=3…
        ("2026-09-30", "2026-10-10", 3, Bucket.DUE_SOON, 3),
        # …but not at N=2.
        ("2026-09-30", "2026-10-10", 2, Bucket.LATER, 3),
        # Due Mon 10-12: 10-08, 10-09, 10-10, 10-12 (Sun 10-11 rests) → 4 left.
        ("2026-09-30", "2026-10-12", 3, Bucket.LATER, 4),
        ("2026-09-30", "2026-10-12", 4, Bucket.DUE_SOON, 4),
        # Due Sun 09-20 (make-up working day), seen on Sat 09-19 (rest): 1 working day left.
        ("2026-09-19", "2026-09-20", 0, Bucket.LATER, 1),
        # Overdue across the whole holiday: due 09-30, seen on 10-09 → 10-08, 10-09 = 2 working days.
        ("2026-10-09", "2026-09-30", 3, Bucket.OVERDUE, -2),
    ],
)
def test_classify_real_2026_dates(as_of, due, within, bucket, left):
    s = classify(CAL, D(as_of), D(due), within)
    assert (s.bucket, s.working_days_left) == (bucket, left)


def test_classify_rejects_negative_window():
    with pytest.raises(ValueError):
        classify(CAL, D("2026-09-30"), D("2026-10-08"), -1)


def test_percentiles_known_values():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(range(1, 11), 90) == pytest.approx(9.1)
    assert percentile([7], 90) == 7
    assert percentile([], 50) is None
    # (value, count) pairs: 1 three times and 4 once is [1, 1, 1, 4]:
    # median at rank 1.5 → 1; p90 at rank 2.7 → 1 + 0.7 × (4 − 1) = 3.1.
    assert weighted_percentile([(4, 1), (1, 3)], 50) == 1
    assert weighted_percentile([(4, 1), (1, 3)], 90) == pytest.approx(3.1)
    assert weighted_percentile([(5, 0)], 50) is None
    with pytest.raises(ValueError):
        percentile([1], 101)


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=60))
def test_percentiles_match_statistics_inclusive(values):
    q = statistics.quantiles(values, n=10, method="inclusive")
    assert percentile(values, 90) == pytest.approx(q[8])
    assert percentile(values, 50) == pytest.approx(statistics.median(values))


@given(st.dictionaries(st.integers(0, 40), st.integers(1, 5), min_size=1, max_size=15), st.integers(0, 100))
def test_weighted_percentile_equals_expanded(counts, p):
    expanded = [v for v, c in counts.items() for _ in range(c)]
    assert weighted_percentile(counts.items(), p) == pytest.approx(percentile(expanded, p))


def test_outcomes_and_on_time_rate():
    due = D("2026-09-30")
    due_at = dt.datetime(2026, 9, 30, 23, 59, 59)
    assert outcome("met", dt.datetime(2026, 9, 30, 23, 0), due_at, due, D("2026-10-09")) is Outcome.ON_TIME
    assert outcome("met", dt.datetime(2026, 10, 8, 9, 0), due_at, due, D("2026-10-09")) is Outcome.LATE
    assert outcome("open", None, due_at, due, D("2026-10-08")) is Outcome.OVERDUE
    assert outcome("open", None, due_at, due, D("2026-09-30")) is Outcome.PENDING
    with pytest.raises(ValueError):
        outcome("superseded", None, due_at, due, D("2026-09-30"))

    o = on_time({Outcome.ON_TIME: 2, Outcome.LATE: 1, Outcome.OVERDUE: 1, Outcome.PENDING: 5})
    assert (o.judged, o.rate) == (4, 50.0)  # pending rows have no verdict yet
    assert on_time({}).rate is None
    assert on_time({"on_time": 1, "overdue": 2}).as_dict() == {
        "on_time": 1,
        "late": 0,
        "overdue": 2,
        "pending": 0,
        "rate": 33.33,
    }


def test_percent_and_bar():
    assert percent(2, 3) == 66.67
    assert percent(1, 0) is None
    assert percent_text(percent(11, 12)) == "91.67%"
    assert percent_text(percent(6, 13)) == "46.15%"  # one rounding only
    assert percent_text(None) == "—"
    assert bar(10, 10, width=20) == "█" * 20
    assert bar(1, 1000, width=20) == "█"  # a non-zero value is never invisible
    assert bar(0, 10) == ""
