"""True confirmations: a step's confirmation names the case and counts from today (the clock), not
from --at, says overdue and late; a 24-hour deadline has one status everywhere and is told in
hours; a provisional date is marked [临时] in every human output."""

from __future__ import annotations

import datetime as dt

from kefu_cli.services import clock

ADD = ["complaint", "add", "--channel", "电话", "--category", "服务", "--name", "王小明", "--phone", "13812345678"]


def test_a_complaint_entered_three_weeks_late_is_confirmed_as_overdue(kefu):
    # Received Mon 2026-11-02, entered today Tue 2026-12-01: acceptance was due 11-16 (10 working days)
    out = kefu.ok(*ADD, "--at", "2026-11-02T10:00")
    assert "剩 10 个工作日" not in out
    assert "受理决定: 2026-11-16 前 — 逾期 11 个工作日" in out  # 11-17 … 12-01: 11 working days
    assert "补录: 本步骤发生于 2026-11-02 10:00,今天 2026-12-01 登记" in out
    cid = out.split()[1]
    shown = kefu.ok("complaint", "show", cid)
    assert "受理决定: 2026-11-16 前 — 逾期 11 个工作日" in shown  # the confirmation and show agree
    # a step names the case and says what it completed late
    out = kefu.ok("complaint", "investigate", cid, "--at", "2026-11-20T10:00")
    assert f"已记录开始初步调查: 投诉 {cid}" in out
    assert "初步调查 逾期完成(期限 2026-11-03 10:00 前,完成于 2026-11-20 10:00)" in out
    # the step's JSON reads as show does today
    data = kefu.ok("complaint", "accept", cid, "--at", "2026-11-21T10:00", "--json")
    [decision] = [d for d in data["deadlines"] if d["kind"] == "decision" and d["status"] == "open"]
    shown = kefu.ok("complaint", "show", cid, "--json")
    assert decision == [d for d in shown["deadlines"] if d["id"] == decision["id"]][0]


def test_a_24_hour_deadline_due_tomorrow_has_one_status_and_is_told_in_hours(kefu):
    # Friday 2026-12-04 10:00; received 03:42 today: the initial investigation is due Sat 12-05 03:42
    # (no working day before it: 0 working days left, but it is not due today).
    clock.set_now(dt.datetime(2026, 12, 4, 10, 0))
    out = kefu.ok(*ADD, "--received", "2026-12-04T03:42")
    assert "初步调查: 2026-12-05 03:42 前 — 剩 17 小时" in out
    cid = out.split()[1]
    assert "初步调查: 2026-12-05 03:42 前 — 剩 17 小时" in kefu.ok("complaint", "show", cid)
    report = kefu.ok("report", "deadlines", "--kind", "initial_investigation", "--json")
    [item] = report["items"]
    assert item["status"] == "due_soon" and report["summary"]["due_today"] == 0 and report["summary"]["due_soon"] == 1
    human = kefu.ok("report", "deadlines", "--kind", "initial_investigation")
    row = [line for line in human.splitlines() if cid in line][0]
    assert "即将到期" in row and "剩 17 小时" in row and "今日到期" not in row
    assert cid in kefu.ok("report", "deadlines", "--status", "即将到期")
    assert "没有" in kefu.ok("report", "deadlines", "--status", "今日到期") or cid not in kefu.ok(
        "report", "deadlines", "--status", "今日到期"
    )
    # on its due day, past its hour: due today by its day, and the hours say it is past
    clock.set_now(dt.datetime(2026, 12, 5, 9, 0))
    assert "初步调查: 2026-12-05 03:42 前 — 今日到期,已超时 5 小时" in kefu.ok("complaint", "show", cid)
    clock.set_now(dt.datetime(2026, 12, 7, 9, 0))
    assert "初步调查: 2026-12-05 03:42 前 — 逾期 2 天 5 小时" in kefu.ok("complaint", "show", cid)


def test_every_provisional_date_is_marked(kefu):
    # 2099: a year whose official holidays are not known: every date counted through it is provisional
    clock.set_now(dt.datetime(2099, 11, 20, 10, 0))
    cid = kefu.ok(*ADD, "--json")["id"]
    kefu.ok("complaint", "accept", cid)
    out = kefu.ok("complaint", "decide", cid, "--result", "同意赔付")
    [callback_line] = [line for line in out.splitlines() if "回访,期限" in line]
    assert "[临时]" in callback_line
    callback_id = callback_line.split()[0]
    listed = [line for line in kefu.ok("callback", "list").splitlines() if callback_id in line]
    assert listed and "[临时]" in listed[0]
    header = kefu.ok("callback", "show", callback_id).splitlines()[:4]
    assert any("回访期限" in line and "[临时]" in line for line in header)
    cid2 = kefu.ok(*ADD[:-1], "13812345679", "--json")["id"]
    kefu.ok("complaint", "investigate", cid2)  # the 24-hour deadline met: next is a day-counted one
    listed = [line for line in kefu.ok("complaint", "list").splitlines() if cid2 in line]
    assert listed and "[临时]" in listed[0]


def test_a_callback_confirmation_counts_from_today(kefu):
    # closed 2026-11-10: the claim callback was due 11-17 (5 working days); scheduled today, 12-01
    out = kefu.ok("callback", "add", "--kind", "理赔", "--name", "李四", "--phone", "13900000000",
                  "--closed-date", "2026-11-10")  # fmt: skip
    assert "回访期限 2026-11-17(逾期 10 个工作日)" in out
    out = kefu.ok("callback", "add", "--kind", "满意度", "--name", "李四", "--phone", "13900000001",
                  "--due", "2026-12-15", "--at", "2026-11-20T10:00")  # fmt: skip
    assert "回访期限 2026-12-15(剩 10 个工作日)" in out  # from today 12-01, not from --at 11-20
