"""Dates and times as users type them, and China Standard Time (UTC+8).

Stored datetimes are naive and in China time; JSON shows them with "+08:00".
"""

from __future__ import annotations

import datetime as dt
import re

CST = dt.timezone(dt.timedelta(hours=8), "CST")

_DATE_RE = re.compile(r"^\s*(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?\s*$")


class InputError(ValueError):
    """A user's input that cannot be understood: one clear sentence, exit code 2."""


def parse_date(text: str, field: str = "日期") -> dt.date:
    """2026-11-21, 2026/11/21, 20261121 (also 2026年11月21日)."""
    s = (text or "").strip()
    m = _DATE_RE.match(s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise InputError(f"{field} 无法识别: '{text}'。正确示例: 2026-11-21、2026/11/21 或 20261121")


def to_cst_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(CST).replace(tzinfo=None)
    return value


def parse_datetime(text: str, field: str = "时间") -> dt.datetime:
    """ISO 8601 in China time (an explicit offset is converted); a bare date means 00:00."""
    s = (text or "").strip()
    try:
        return dt.datetime.combine(parse_date(s, field), dt.time())
    except InputError:
        pass
    try:
        value = dt.datetime.fromisoformat(s.replace("/", "-"))
    except ValueError:
        raise InputError(
            f"{field} 无法识别: '{text}'。正确示例: 2026-11-21T09:30、2026-11-21 09:30 或 2026-11-21T09:30:00+08:00"
        ) from None
    return to_cst_naive(value)


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
