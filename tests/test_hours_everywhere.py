"""A 24-hour deadline is told in clock hours in every list that shows a case's next deadline
(complaint list, search, kefu today), as the deadline report tells it — not in working days."""

from __future__ import annotations

import datetime as dt

from kefu_cli.services import clock


def _register(kefu) -> str:
    kefu.ok("handler", "add", "李娜", "--json")
    return kefu.ok(
        "complaint", "add", "--received", "2026-12-03T22:30", "--channel", "phone", "--category", "service",
        "--name", "王小明", "--phone", "13912345678", "--handler", "李娜", "--at", "2026-12-03T22:30", "--json",
    )["id"]  # fmt: skip


def _line(out: str, cid: str) -> str:
    return next(line for line in out.splitlines() if cid in line)


def test_due_tomorrow_night_told_in_hours_everywhere(kefu):
    clock.set_now(dt.datetime(2026, 12, 4, 10, 0, tzinfo=clock.CST))  # a Friday
    cid = _register(kefu)
    report = _line(kefu.ok("report", "deadlines"), cid)
    assert "今日到期,剩 12 小时" in report
    assert "初步调查 2026-12-04(今日到期,剩 12 小时)" in _line(kefu.ok("complaint", "list"), cid)
    assert "初步调查 2026-12-04(今日到期,剩 12 小时)" in _line(kefu.ok("search", "王小明"), cid)
    today = kefu.ok("today", "--handler", "李娜")
    assert "2026-12-04 22:30 前  今日到期,剩 12 小时" in today


def test_overdue_told_in_hours_everywhere(kefu):
    clock.set_now(dt.datetime(2026, 12, 5, 10, 0, tzinfo=clock.CST))  # Saturday, 11.5 hours late
    cid = _register(kefu)
    for args in (("complaint", "list"), ("search", "王小明")):
        assert "初步调查 2026-12-04(逾期 11 小时)" in _line(kefu.ok(*args), cid), args
    assert "逾期 11 小时" in _line(kefu.ok("report", "deadlines"), cid)
    assert "逾期 11 小时" in kefu.ok("today", "--handler", "李娜")
