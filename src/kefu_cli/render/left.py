"""How much of a deadline is left, in a clerk's words: working days (剩 3 个工作日, 逾期 2 个工作日,
暂停), or clock hours for a deadline counted in hours (今日到期,剩 5 小时). One wording for every list,
show, report and `kefu today`."""

from __future__ import annotations

import datetime as dt


def left_zh(left: int, *, overdue: bool, paused: bool = False, due_today: bool | None = None) -> str:
    """A deadline's working days left in a clerk's words, the same in every list, show and
    report: paused (frozen), overdue by N, overdue with no working day since (due before a rest
    day), due today, N left. `due_today` False (the bucket says it is not due today) keeps a
    deadline due after a rest day with no working day before it from reading 今日到期."""
    if paused:
        return f"暂停(剩 {left} 个工作日,冻结)"
    if overdue or left < 0:
        return f"逾期 {-left} 个工作日" if left else "已逾期(其后尚无工作日)"
    if left == 0:
        return "今日到期" if due_today is not False else "到期前已无工作日"
    return f"剩 {left} 个工作日"


def _span(seconds: float) -> str:
    """A length of clock time as a clerk says it: 40 分钟, 17 小时, 3 天 5 小时."""
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} 小时"
    return f"{hours // 24} 天" + (f" {hours % 24} 小时" if hours % 24 else "")


def judged_moment(as_of: dt.date | None = None) -> dt.datetime:
    """The moment a deadline counted in hours is told from: now for today (the clock), else the
    end of the day seen (`--as-of`), as every reader judges it."""
    from .. import clock

    now = clock.now()
    if as_of is None or as_of == now.date():
        return now
    return dt.datetime.combine(as_of, dt.time(23, 59, 59))


def hours_left_zh(due_at: dt.datetime, moment: dt.datetime, *, overdue: bool, due_today: bool) -> str:
    """A deadline counted in clock hours (a 24-hour limit) told in hours from `moment`: 剩 17 小时,
    今日到期,剩 5 小时, 今日到期,已超时 40 分钟, 逾期 30 小时. Its status is its due day's like every
    other deadline's (`domain.report.judge`): the words agree with the status column."""
    if due_at.tzinfo is not None:
        from ..clock import CST

        due_at = due_at.astimezone(CST).replace(tzinfo=None)
    seconds = (due_at - moment).total_seconds()
    if overdue:
        return f"逾期 {_span(max(-seconds, 0))}"
    rest = f"剩 {_span(seconds)}" if seconds >= 0 else f"已超时 {_span(-seconds)}"
    return f"今日到期,{rest}" if due_today else rest


def _clock_hours(due_at) -> dt.datetime | None:
    """The due moment of a deadline counted in clock hours (due at a time other than the end of
    its day), else None."""
    if isinstance(due_at, str):
        due_at = dt.datetime.fromisoformat(due_at)
    if due_at is None or due_at.time() == dt.time(23, 59, 59):
        return None
    return due_at


PROVISIONAL_MARK = " [临时]"


def _marked(text: str, d: dict) -> str:
    """An overdue count that runs over a provisional day is marked [临时] (`left_provisional`),
    unless its due date is marked already (`provisional`: the row says [临时] once)."""
    return text + PROVISIONAL_MARK if d.get("left_provisional") and not d.get("provisional") else text


def item_left_zh(item: dict, as_of: dt.date) -> str:
    """What is left of a deadline report's (or `kefu today`'s) item: working days, or hours for a
    deadline counted in clock hours; the words agree with the status column (the bucket)."""
    st, due_at = item["status"], _clock_hours(item["due_at"])
    if st != "paused" and due_at is not None:
        return hours_left_zh(due_at, judged_moment(as_of), overdue=st == "overdue", due_today=st == "due_today")
    left = left_zh(
        item["working_days_left"], overdue=st == "overdue", paused=st == "paused", due_today=st == "due_today"
    )
    return _marked(left, item)


def next_left_zh(n: dict, as_of: dt.date) -> str:
    """What is left of a case's next deadline as lists and search show it (services/deadline_query
    `next_view`): told as the deadline report tells the same deadline."""
    due_at = _clock_hours(n.get("due_at"))
    if not n.get("paused") and due_at is not None:
        return hours_left_zh(due_at, judged_moment(as_of), overdue=bool(n.get("overdue")), due_today=n["due"] == as_of)
    left = left_zh(
        n["working_days_left"], overdue=n.get("overdue"), paused=n.get("paused"), due_today=n["due"] == as_of
    )
    return _marked(left, n)


def deadline_left_zh(d: dict, as_of: dt.date | None = None) -> str:
    """What is left of an open deadline of a case's view (services/deadlines.py deadline_view),
    judged on `as_of` (default today): working days, or hours for a clock-hour rule."""
    moment = judged_moment(as_of)
    if d.get("unit") == "hours":
        return hours_left_zh(d["due_at"], moment, overdue=d["late"], due_today=d["due"] == moment.date())
    return _marked(left_zh(d["working_days_left"], overdue=d["late"], due_today=d["due"] == moment.date()), d)
