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

_DATE_RE = re.compile(r"^\s*(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?\s*$")


class InputError(ValueError):
    """A user's input that cannot be understood: one clear sentence, exit code 2."""


def check_range(value: dt.date, field: str) -> None:
    """Refuse a date outside 2000-01-01..2099-12-31 (a typo, never a real case date)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise InputError(f"{field} 的日期 {day.isoformat()} 超出可用范围 2000-01-01 至 2099-12-31,请检查年份,例如 2026-11-21")


def check_not_future(value: dt.datetime, field: str, now: dt.datetime | None = None) -> None:
    """Refuse a moment after now (a few minutes of clock skew allowed): steps are recorded after they happen."""
    now = now or now_cst()
    if value > now + CLOCK_SKEW:
        raise InputError(
            f"{field} 时间 {value:%Y-%m-%d %H:%M} 晚于现在({now:%Y-%m-%d %H:%M}): 只能登记已经发生的步骤,"
            f"请检查日期,例如 {field} {now:%Y-%m-%dT%H:%M}"
        )


def parse_date(text: str, field: str = "日期") -> dt.date:
    """2026-11-21, 2026/11/21, 20261121 (also 2026年11月21日), within 2000..2099."""
    s = (text or "").strip()
    m = _DATE_RE.match(s)
    if m:
        try:
            value = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
        else:
            check_range(value, field)
            return value
    raise InputError(f"{field} 无法识别: '{text}'。正确示例: 2026-11-21、2026/11/21 或 20261121")


def to_cst_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(CST).replace(tzinfo=None)
    return value


def parse_datetime(text: str, field: str = "时间") -> dt.datetime:
    """ISO 8601 in China time (an explicit offset is converted); a bare date means 09:00,
    the start of the working day. Within 2000..2099."""
    s = (text or "").strip()
    if _DATE_RE.match(s):
        return dt.datetime.combine(parse_date(s, field), WORKDAY_START)
    try:
        value = dt.datetime.fromisoformat(s.replace("/", "-"))
    except ValueError:
        raise InputError(
            f"{field} 无法识别: '{text}'。正确示例: 2026-11-21T09:30、2026-11-21 09:30 或 2026-11-21T09:30:00+08:00"
        ) from None
    value = to_cst_naive(value)
    check_range(value, field)
    return value.replace(microsecond=0)


def now_cst() -> dt.datetime:
    return dt.datetime.now(CST).replace(tzinfo=None, microsecond=0)


def today_cst() -> dt.date:
    return now_cst().date()


def iso_datetime(value: dt.datetime | None) -> str | None:
    """'2026-11-21T09:30:00+08:00' for a stored (naive, China time) datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CST)
    return value.isoformat(timespec="seconds")


def iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()
