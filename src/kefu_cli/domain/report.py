"""Report arithmetic, pure: where an open deadline stands on a given day, percentiles,
on-time rates. No I/O; services/reports.py feeds it rows read through the indexes.

Buckets of an open deadline against the as-of date (RULES.md §4, taskwarrior-style):

- ``overdue``   — the due day is before the as-of day (the limit passed at the end of it);
- ``due_today`` — the due day is the as-of day;
- ``due_soon``  — due after the as-of day, at most N working days away (N = ``--within``);
- ``later``     — everything else.

The bucket is decided by the dates, the number shown beside it by the working-day
calendar: ``working_days_left`` is 0 due today, negative when overdue (the working days in
(due, as_of]). A deadline due on a Friday seen on the Saturday is overdue by 0 working days:
the limit has passed even though no working day has.

`judge` is the one verdict every reader shows (deadline report, lists, search, show, exports):
bucket, overdue flag (= the bucket `overdue`), `breached` (the due moment passed by the end of
the as-of day) and working days left. A clock-hour deadline (24 hours) is judged by its due day
like any other — due today on that day, overdue from the next — and is breached once its hour
has passed; `verdict` (on-time figures) counts the same rows overdue.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .calendar import WorkCalendar
from .deadlines import END_OF_DAY, RUNNING, DeadlineStatus, is_breached, working_days_left


class Bucket(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_SOON = "due_soon"
    LATER = "later"
    PAUSED = "paused"  # clock stopped (external appraisal): never overdue, days left frozen


BUCKET_ZH = {
    Bucket.OVERDUE: "已逾期",
    Bucket.DUE_TODAY: "今日到期",
    Bucket.DUE_SOON: "即将到期",
    Bucket.LATER: "未到期",
    Bucket.PAUSED: "暂停",
}

BUCKET_ORDER = {b: i for i, b in enumerate(Bucket)}


@dataclass(frozen=True, slots=True)
class Standing:
    bucket: Bucket
    working_days_left: int  # 0 due today; negative = working days overdue


def standing(
    calendar: WorkCalendar, as_of: dt.date, due: dt.date, within: int, paused_on: dt.date | None = None
) -> Standing:
    """`classify`, or for a paused clock (`paused_on` = the day it stopped) the bucket `paused`
    with the working days left as they stood that day."""
    if paused_on is not None:
        return Standing(Bucket.PAUSED, working_days_left(calendar, paused_on, due))
    return classify(calendar, as_of, due, within)


def as_of_moment(as_of: dt.date) -> dt.datetime:
    """The moment every reader judges a deadline at for the day `as_of`: the end of that day
    (its last second), as `report deadlines --as-of` documents ("该日结束时")."""
    return dt.datetime.combine(as_of, END_OF_DAY)


@dataclass(frozen=True, slots=True)
class Judged:
    """A deadline as every reader shows it on one day (`judge`)."""

    bucket: Bucket | None  # None for a row whose clock has ended (met, not applicable…)
    overdue: bool  # bucket is `overdue`: running, not paused, due day before the as-of day
    breached: bool  # the due moment passed unmet by the end of the as-of day (kept once missed)
    working_days_left: int | None  # None for an ended row; frozen on the pause day while paused
    # an overdue count that runs over a provisional day (a year whose calendar is not published):
    # the count is provisional though the due date is known (shown [临时] beside it)
    left_provisional: bool = False


def overdue_count_provisional(calendar: WorkCalendar, as_of: dt.date, due: dt.date, bucket: Bucket | None) -> bool:
    """Whether the working days overdue (from the due day to `as_of`) are counted over a
    provisional day: only an overdue deadline's count; a due date's own provisional flag is the
    row's (`provisional`)."""
    return bucket is Bucket.OVERDUE and as_of > due and calendar.touches_provisional(due, as_of)


def judge(
    calendar: WorkCalendar,
    as_of: dt.date,
    status: str,
    due: dt.date,
    due_at: dt.datetime,
    breached: bool = False,
    paused_at: dt.datetime | None = None,
    within: int = 0,
) -> Judged:
    """The one verdict on a deadline for the day `as_of`, read by the deadline report, lists,
    search, show and exports alike.

    - the bucket, the overdue flag and the working days left go by the due DAY, for every unit:
      a 24-hour deadline due at 14:00 on the as-of day is `due_today` (not overdue) that day;
      `overdue` is exactly the bucket `overdue`, and a paused row is never overdue;
    - `breached` goes by the due MOMENT against the end of the as-of day (`as_of_moment`): that
      24-hour deadline is already breached on its due day; a stored breach stays;
    - a paused row without its pause time counts its days left from `as_of`.

    It is `standing` (the day part) and `domain.deadlines.is_breached` at `as_of_moment` (the
    moment part): the deadline report's fast path (services/reports.py `_quick_items`) calls the
    two parts itself, `standing` once per distinct due and pause day.
    """
    missed = is_breached(breached, status, due_at, as_of_moment(as_of))
    if status not in RUNNING:
        return Judged(None, False, missed, None)
    paused_on = None
    if status == DeadlineStatus.PAUSED:
        paused_on = paused_at.date() if paused_at is not None else as_of
    st = standing(calendar, as_of, due, within, paused_on)
    return Judged(
        st.bucket,
        st.bucket is Bucket.OVERDUE,
        missed,
        st.working_days_left,
        overdue_count_provisional(calendar, as_of, due, st.bucket),
    )


def verdict(status: str, breached: bool, due: dt.date, as_of: dt.date) -> str | None:
    """The on-time outcome of a deadline on `as_of` (services/deadline_query.py mirrors it in SQL);
    `overdue` here is `judge`'s overdue flag.

    An open row past its due day is overdue; any other breached row — met late, or replaced,
    ended or paused after its due time — is late (a miss stays a miss); a met row is on time;
    an open or paused row is pending; a row superseded or ended in time, or of a voided case, does
    not count (None).
    """
    if status == "void":  # a case registered by mistake: not in any figure
        return None
    if status == "open" and due < as_of:
        return Outcome.OVERDUE.value
    if breached:
        return Outcome.LATE.value
    if status == "met":
        return Outcome.ON_TIME.value
    if status in ("open", "paused"):
        return Outcome.PENDING.value
    return None


def classify(calendar: WorkCalendar, as_of: dt.date, due: dt.date, within: int) -> Standing:
    """Where a deadline due on `due` stands on `as_of`, with "soon" = within `within` working days."""
    if within < 0:
        raise ValueError("within must not be negative")
    left = working_days_left(calendar, as_of, due)
    if due < as_of:
        bucket = Bucket.OVERDUE
    elif due == as_of:
        bucket = Bucket.DUE_TODAY
    elif left <= within:
        bucket = Bucket.DUE_SOON
    else:
        bucket = Bucket.LATER
    return Standing(bucket, left)


# --- percentiles ---------------------------------------------------------------


def weighted_percentile(counts: Iterable[tuple[float, int]], p: float) -> float | None:
    """The p-th percentile (0..100) of values given as (value, how many times) pairs.

    Linear interpolation between closest ranks (the "inclusive" method of
    `statistics.quantiles`, numpy's default): the value at 0-based rank p/100·(n−1) of the
    sorted data. None for no data. The median of 1, 2, 3, 4 is 2.5; the 90th percentile of
    1..10 is 9.1.
    """
    if not 0 <= p <= 100:
        raise ValueError("percentile must be within 0..100")
    pairs = sorted((v, c) for v, c in counts if c > 0)
    n = sum(c for _, c in pairs)
    if n == 0:
        return None
    pos = p / 100 * (n - 1)
    lo_rank, hi_rank = math.floor(pos), math.ceil(pos)
    lo_val = hi_val = None
    seen = 0
    for v, c in pairs:
        # values at 0-based ranks seen .. seen + c - 1
        if lo_val is None and lo_rank < seen + c:
            lo_val = v
        if hi_rank < seen + c:
            hi_val = v
            break
        seen += c
    assert lo_val is not None and hi_val is not None
    return lo_val + (hi_val - lo_val) * (pos - lo_rank)


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile of plain values (see `weighted_percentile`)."""
    return weighted_percentile(((v, 1) for v in values), p)


# --- on-time rates -------------------------------------------------------------


class Outcome(StrEnum):
    """How a deadline ended up, for on-time rates."""

    ON_TIME = "on_time"  # met at or before its due moment
    LATE = "late"  # met after its due moment
    OVERDUE = "overdue"  # still open, due day before the as-of day: already late
    PENDING = "pending"  # still open and not yet due: no verdict yet


def outcome(status: str, met_at: dt.datetime | None, due_at: dt.datetime, due: dt.date, as_of: dt.date) -> Outcome:
    """The on-time verdict of one deadline row (`met` / `open`) as seen on `as_of`."""
    if status == "met":
        return Outcome.ON_TIME if met_at is not None and met_at <= due_at else Outcome.LATE
    if status == "open":
        return Outcome.OVERDUE if due < as_of else Outcome.PENDING
    raise ValueError(f"no on-time verdict for a deadline in status {status}")


@dataclass(frozen=True, slots=True)
class OnTime:
    on_time: int
    late: int  # met late
    overdue: int  # open and past due
    pending: int  # open, not yet due (not in the rate)

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        """on_time / (on_time + late + overdue) in %, 2 decimals; None when nothing is judged yet."""
        return percent(self.on_time, self.judged)

    def as_dict(self) -> dict:
        return {
            "on_time": self.on_time,
            "late": self.late,
            "overdue": self.overdue,
            "pending": self.pending,
            "rate": self.rate,
        }


def on_time(counts: dict[Outcome | str, int]) -> OnTime:
    return OnTime(
        on_time=counts.get(Outcome.ON_TIME, 0),
        late=counts.get(Outcome.LATE, 0),
        overdue=counts.get(Outcome.OVERDUE, 0),
        pending=counts.get(Outcome.PENDING, 0),
    )


def percent(part: int, whole: int) -> float | None:
    """part / whole as a percentage rounded to 2 decimals (91.67), the same convention as the
    callback KPIs; None when whole is 0 (no division by zero)."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 2)


def percent_text(value: float | None) -> str:
    """91.67 → '91.67%'; None → '—'.

    Shown with the same 2 decimals `percent` rounds to: rounding again to 1 decimal would
    round twice (6/13 = 46.1538… → 46.15 → '46.1%' instead of 46.2%).
    """
    return "—" if value is None else f"{value:.2f}%"


def bar(value: int, largest: int, width: int = 30) -> str:
    """A bar of block characters, `width` long for the largest value (at least one block if > 0)."""
    if largest <= 0 or value <= 0:
        return ""
    n = max(1, round(value / largest * width))
    return "█" * n
