"""Dates and times as users type them, and China Standard Time (UTC+8).

Stored datetimes are naive and in China time; JSON shows them with "+08:00".
"""

from __future__ import annotations

import datetime as dt
import re

CST = dt.timezone(dt.timedelta(hours=8), "CST")

# Dates the tool accepts anywhere (the calendar data, and a sanity bound on typos like 0026 or 9999).
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
# A date typed without a time means the start of the working day.
WORKDAY_START = dt.time(9, 0)
# How far ahead of this machine's clock an --at may be (clocks of clerks' PCs differ a little).
CLOCK_SKEW = dt.timedelta(minutes=5)

# Dates and times as people type them (and as Excel writes them into a CSV), year first:
#   2026-10-09, 2026/10/9, 2026.10.09, 2026年10月9日, 20261009 (8 digits);
#   with a time after a space or a T: 9:30, 09:30:00, 9时30分; an ISO offset (+08:00, Z) is converted.
# Full-width digits and punctuation (an IME's ２０２６／１０／９) count as the ASCII ones.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９：－／．　ＴＺ＋", "0123456789:-/. TZ+")
_WHEN_RE = re.compile(
    r"(?P<y>\d{4})(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<zm>\d{1,2})\s*月\s*(?P<zd>\d{1,2})\s*日?"
    r"|(?P<cm>\d{2})(?P<cd>\d{2}))"
    r"(?:(?:\s*T\s*|\s+|(?<=日))(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<S>\d{1,2})(?:\.(?P<f>\d{1,6}))?)?\s*[分秒]?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
# Forms that look like a date but cannot be read one way only: the year last (10/9/2026: is it
# 9 October or 10 September?), a two-digit year (26-10-9), digits that are not 8 (2026109).
_AMBIGUOUS = (
    (re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(\s.*)?"), "年份应写在最前"),
    (re.compile(r"\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s.*)?"), "年份应写四位"),
    (re.compile(r"\d{5,7}|\d{9,12}"), "纯数字的日期应为 8 位: 年年年年月月日日"),
)
DATE_EXAMPLES = "2026-11-21、2026/11/21、2026年11月21日 或 20261121"
DATETIME_EXAMPLES = (
    "2026-11-21T09:30、'2026-11-21 09:30'(有空格时加引号)、2026年11月21日9:30 或 2026-11-21T09:30:00+08:00"
)
# Days a clerk names instead of a date, relative to today (the clock's, given by the caller), with
# an optional time after them: 今天, 昨天14:00, '前天 9:30', 今天下午3点 is not taken (say 15:00).
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_RELATIVE_RE = re.compile(
    r"(?P<day>今天|今日|昨天|昨日|前天)\s*(?:T?\s*(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})?\s*分?)?"
)


class InputError(ValueError):
    """A user's input that cannot be understood: one clear sentence, exit code 2."""


def check_range(value: dt.date, field: str) -> None:
    """Refuse a date outside 2000-01-01..2099-12-31 (a typo, never a real case date)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise InputError(f"{field} 的日期 {day.isoformat()} 超出可用范围 2000-01-01 至 2099-12-31,请检查年份,例如 2026-11-21")


def check_span(first: dt.date | None, last: dt.date | None, first_name: str = "--from", last_name: str = "--to") -> None:
    """A date range given backwards is one sentence (exit 2), never a silently empty result."""
    if first is not None and last is not None and first > last:
        raise InputError(
            f"{first_name}({first})晚于 {last_name}({last}): 请给出先后正确的日期范围,"
            f"例如 {first_name} 2026-10-01 {last_name} 2026-10-31"
        )


def check_not_future(value: dt.datetime, field: str, now: dt.datetime) -> None:
    """Refuse a moment after `now` (a few minutes of clock skew allowed): steps are recorded after
    they happen. `now` is the clock read at the command's edge (services/clock.py)."""
    if value > now + CLOCK_SKEW:
        raise InputError(
            f"{field} 时间 {value:%Y-%m-%d %H:%M} 晚于现在({now:%Y-%m-%d %H:%M}): 只能登记已经发生的步骤,"
            f"请检查日期,例如 {field} {now:%Y-%m-%dT%H:%M}"
        )


def _relative(s: str, field: str, today: dt.date | None) -> tuple[dt.datetime, bool] | None:
    """(moment, time given) for 今天/昨天/前天 with an optional time; None for any other text."""
    m = _RELATIVE_RE.fullmatch(s)
    if m is None:
        return None
    if today is None:  # a file's cell, or a caller without the clock: only real dates
        raise InputError(f"{field} 应写成具体日期,而不是 '{s}'。正确示例: {DATE_EXAMPLES}")
    day = dt.datetime.combine(today - dt.timedelta(days=_RELATIVE_DAYS[m["day"]]), dt.time())
    if m["H"] is None:
        return day, False
    hour, minute = int(m["H"]), int(m["M"] or 0)
    if hour > 23 or minute > 59:
        raise InputError(f"{field} 的时间 '{s}' 不存在(小时 0–23,分 0–59)。正确示例: {DATETIME_EXAMPLES}")
    return day.replace(hour=hour, minute=minute), True


def _when(text: str, field: str, examples: str, today: dt.date | None = None) -> tuple[dt.datetime, bool] | None:
    """(moment, time given) for the forms above, None when the text is none of them.
    A date that does not exist (2026-02-30, 2026-13-01, 25:00) or an ambiguous one is one
    sentence naming the field, the value and correct examples. 今天/昨天/前天 count back from
    `today` (the caller reads the clock: services/clock.py)."""
    s = (text or "").strip().translate(_FULL_WIDTH)
    relative = _relative(s, field, today)
    if relative is not None:
        return relative
    m = _WHEN_RE.fullmatch(s)
    if m is None:
        for pattern, why in _AMBIGUOUS:
            if pattern.fullmatch(s):
                raise InputError(f"{field} '{text}' 无法确定是哪一天({why})。正确示例: {examples}")
        return None
    g = m.groupdict()
    year = int(g["y"])
    month = int(g["m"] or g["zm"] or g["cm"])
    day = int(g["d"] or g["zd"] or g["cd"])
    if not 1 <= month <= 12:
        raise InputError(f"{field} 的日期 '{text}' 不存在(没有 {month} 月)。正确示例: {examples}")
    import calendar

    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise InputError(
            f"{field} 的日期 '{text}' 不存在({year} 年 {month} 月只有 {last} 天)。正确示例: {examples}"
        )
    if g["H"] is None:
        return dt.datetime(year, month, day), False
    hour, minute, second = int(g["H"]), int(g["M"]), int(g["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise InputError(
            f"{field} 的时间 '{text}' 不存在(小时 0–23,分、秒 0–59)。正确示例: {DATETIME_EXAMPLES}"
        )
    micro = int((g["f"] or "0").ljust(6, "0"))
    value = dt.datetime(year, month, day, hour, minute, second, micro)
    if g["tz"]:
        tz = g["tz"]
        if tz == "Z":
            offset = dt.timedelta(0)
        else:
            digits = tz[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
            offset = -offset if tz[0] == "-" else offset
        if offset >= dt.timedelta(hours=24):
            raise InputError(f"{field} 的时区 '{tz}' 无效。正确示例: {DATETIME_EXAMPLES}")
        value = value.replace(tzinfo=dt.timezone(offset))
    return value, True


def parse_date(text: str, field: str = "日期", today: dt.date | None = None) -> dt.date:
    """2026-11-21, 2026/11/21, 2026.11.21, 2026年11月21日, 20261121 (month and day may be one
    digit: 2026/11/1), within 2000..2099; 今天/昨天/前天 when `today` is given. A time of
    exactly 0:00 (Excel writes date cells so) is taken as the date."""
    found = _when(text, field, DATE_EXAMPLES, today)
    if found is not None:
        value, timed = found
        if timed and (value.tzinfo is not None or value.time() != dt.time()):
            raise InputError(f"{field} 应为日期(不含时间),而不是 '{text}'。正确示例: {DATE_EXAMPLES}")
        check_range(value.date(), field)
        return value.date()
    raise InputError(f"{field} 无法识别: '{text}'。正确示例: {DATE_EXAMPLES}")


def to_cst_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(CST).replace(tzinfo=None)
    return value


def parse_datetime(text: str, field: str = "时间", today: dt.date | None = None) -> dt.datetime:
    """A moment in China time: any date form of `parse_date`, then a time after a space or a T
    (9:30, 09:30:00, 9时30分); ISO 8601 with an offset is converted to China time. A bare
    date means 09:00, the start of the working day; 今天 14:00, 昨天14:00 when `today` is given.
    Within 2000..2099."""
    found = _when(text, field, DATETIME_EXAMPLES, today)
    if found is not None:
        value, timed = found
        value = value if timed else dt.datetime.combine(value.date(), WORKDAY_START)
    else:
        try:  # the rest of ISO 8601 (20261121T0930, week dates …)
            value = dt.datetime.fromisoformat((text or "").strip())
        except ValueError:
            raise InputError(f"{field} 无法识别: '{text}'。正确示例: {DATETIME_EXAMPLES}") from None
    value = to_cst_naive(value)
    check_range(value, field)
    return value.replace(microsecond=0)


def example_workday(calendar, after: dt.date) -> dt.date:
    """A day to suggest in a message ("例如 --to …"): the first working day after `after` that is
    not a fixed public holiday (元旦, 劳动节, 国庆) which a provisional year's weekday rule counts."""
    day = calendar.add_workdays_date(after, 1)
    while (day.month, day.day) in {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}:
        day = calendar.add_workdays_date(day, 1)
    return day


def iso_datetime(value: dt.datetime | None) -> str | None:
    """'2026-11-21T09:30:00+08:00' for a stored (naive, China time) datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CST)
    return value.isoformat(timespec="seconds")


def iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def comparable(value):
    """One text form of a value read from a row or from an event's JSON, for comparing the two:
    dates ISO, times to the second without a zone (stored times are China time)."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
        try:
            return dt.datetime.fromisoformat(value).replace(microsecond=0, tzinfo=None).isoformat()
        except ValueError:
            return value
    return value
