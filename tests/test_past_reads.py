"""A past as-of day in `callback show` and `report stats` (issue 19, part 5): the case as its events
left it at the end of the day, not today's rows.

The clock is tests/conftest.py's (2026-12-01 10:00 China time); every step is dated by --at.
Calendar facts: 2026-11-10 is a Tuesday; five working days after it end on Tue 11-17.
"""

from __future__ import annotations

D0, D1, D2 = "2026-11-05", "2026-11-10", "2026-11-12"  # before the attempt; the attempt; the reply


def _callback_with_a_problem_answered_then_taken_back(kefu) -> str:
    cid = kefu.ok(
        "callback", "add", "--kind", "new_policy", "--name", "王小明", "--phone", "13812345678",
        "--receipt-date", "2026-11-02", "--branch", "朝阳支公司", "--handler", "李娜", "--new-branch", "--new-handler",
        "--at", "2026-11-02T09:00", "--json",
    )["id"]  # fmt: skip
    kefu.ok("callback", "attempt", cid, "--method", "phone", "--result", "success", "--recording", "REC-1",
            "--problem", "投保人未亲笔签名", "--at", f"{D1}T10:00", "--json")  # fmt: skip
    kefu.ok("callback", "resolve", cid, "--reply", "已安排重新签名", "--at", f"{D2}T15:00", "--json")
    kefu.ok("callback", "undo", cid, "--reason", "答复未送达客户", "--json")  # today: the problem is open again
    return cid


def _reply(shown: dict) -> dict:
    return next(d for d in shown["deadlines"] if d["kind"] == "callback_reply")


def test_callback_show_as_of_a_past_day(kefu):
    cid = _callback_with_a_problem_answered_then_taken_back(kefu)
    today = kefu.ok("callback", "show", cid, "--json")

    # before the attempt: open, no attempt, no follow-up, no reply deadline yet
    before = kefu.ok("callback", "show", cid, "--as-of", D0, "--json")
    assert (before["status"], before["ended_at"], before["outcome_method"]) == ("open", None, None)
    assert (before["attempts"], before["followups"], before["next"]) == ([], [], "electronic")
    assert [(d["kind"], d["status"]) for d in before["deadlines"]] == [("callback", "open")]
    assert [e["action"] for e in before["events"]] == ["add"]

    # the day of the attempt: the problem found, its reply not given yet, the reply deadline open
    d1 = kefu.ok("callback", "show", cid, "--as-of", D1, "--json")
    assert (d1["status"], d1["outcome_method"], d1["next"]) == ("success", "phone", "none")
    assert [(a["result"], a["problem"]) for a in d1["attempts"]] == [("success", "投保人未亲笔签名")]
    assert [(f["problem"], f["reply"], f["resolved_at"]) for f in d1["followups"]] == [("投保人未亲笔签名", None, None)]
    assert [(d["kind"], d["status"]) for d in d1["deadlines"]] == [("callback", "met"), ("callback_reply", "open")]
    assert (_reply(d1)["due"], _reply(d1)["breached"], _reply(d1)["met_at"]) == ("2026-11-17", False, None)
    assert [e["action"] for e in d1["events"]] == ["add", "attempt", "problem"]

    # the day of the reply: given, its deadline met on time; the undo of today not yet made
    d2 = kefu.ok("callback", "show", cid, "--as-of", D2, "--json")
    assert [(f["reply"], f["resolved_at"]) for f in d2["followups"]] == [("已安排重新签名", f"{D2}T15:00:00+08:00")]
    assert (_reply(d2)["status"], _reply(d2)["met_at"], _reply(d2)["late"]) == ("met", f"{D2}T15:00:00+08:00", False)
    assert [e["action"] for e in d2["events"]] == ["add", "attempt", "problem", "resolve"]

    # today: the reply taken back, the problem open again and its deadline overdue
    assert [(f["reply"], f["resolved_at"]) for f in today["followups"]] == [(None, None)]
    assert (_reply(today)["status"], _reply(today)["breached"]) == ("open", True)
    assert today["events"][-1]["action"] == "undo"
    assert {k: v for k, v in d2.items() if k not in ("followups", "deadlines", "events")} == {
        k: v for k, v in today.items() if k not in ("followups", "deadlines", "events")
    }

    # as of today (or later) it is today's show, byte for byte, in JSON and in text
    assert kefu.ok("callback", "show", cid, "--as-of", "2026-12-01", "--json") == today
    assert kefu("callback", "show", cid, "--as-of", "2026-12-01").out == kefu("callback", "show", cid).out
    text = kefu.ok("callback", "show", cid, "--as-of", D1)
    assert "待答复" in text and "已安排重新签名" not in text


def test_callback_show_as_of_a_day_before_its_registration_or_a_bad_day(kefu, db_path):
    import sqlite3

    cid = _callback_with_a_problem_answered_then_taken_back(kefu)
    con = sqlite3.connect(db_path)
    events = con.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    con.close()
    r = kefu("callback", "show", cid, "--as-of", "2026-11-01")
    assert r.code == 2 and f"回访 {cid} 在 2026-11-01 日终尚未登记" in r.err
    r = kefu("callback", "show", cid, "--as-of", "2026-13-01")
    assert r.code == 2 and "--as-of" in r.err
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM audit_event").fetchone()[0] == events
    con.close()


# --- report stats on a past day: the branch (and what else later events change) as it stood --------

D = "2026-11-15"


def _complaint(kefu, received: str, branch: str = "朝阳支公司", handler: str = "李娜") -> str:
    return kefu.ok(
        "complaint", "add", "--channel", "phone", "--category", "service", "--name", "赵六", "--phone", "13700001111",
        "--received", received, "--branch", branch, "--handler", handler, "--at", received, "--json",
    )["id"]  # fmt: skip


def _stats(kefu, *args: str) -> dict:
    return kefu.ok("report", "stats", "--from", "2026-11-01", *args, "--json")


def test_stats_of_a_past_day_count_a_complaint_under_its_branch_then(kefu):
    for branch in ("朝阳支公司", "海淀支公司"):  # on the list: a --branch filter is checked against it
        kefu.ok("branch", "add", branch)
    moved = _complaint(kefu, "2026-11-10T09:00")
    _complaint(kefu, "2026-11-11T09:00", branch="海淀支公司", handler="张敏")
    kefu.ok("complaint", "assign", moved, "--handler", "张敏", "--branch", "海淀支公司", "--at", "2026-11-20T09:00")

    def branches(report: dict) -> dict[str, int]:
        return {r["branch"]: r["count"] for r in report["complaints"]["by_branch"]}

    then = _stats(kefu, "--to", D)
    assert then["history"] is True and branches(then) == {"朝阳支公司": 1, "海淀支公司": 1}
    now = _stats(kefu, "--to", "2026-11-30", "--as-of", "2026-12-01")
    assert now["history"] is False and branches(now) == {"海淀支公司": 2}
    assert branches(_stats(kefu, "--to", "2026-11-30")) == {"海淀支公司": 2}  # history to the 30th: moved by then
    # the branch filter takes the branch then too
    assert _stats(kefu, "--to", D, "--branch", "朝阳支公司")["complaints"]["total"] == 1
    assert _stats(kefu, "--to", D, "--branch", "海淀支公司")["complaints"]["total"] == 1
    assert _stats(kefu, "--to", "2026-11-30", "--branch", "朝阳支公司")["complaints"]["total"] == 0


def test_stats_of_a_past_day_take_a_later_correction_and_undo_back(kefu):
    fixed = _complaint(kefu, "2026-11-10T09:00")
    undone = _complaint(kefu, "2026-11-11T09:00")
    kefu.ok("complaint", "accept", undone, "--at", "2026-11-12T09:00")
    kefu.ok("complaint", "edit", fixed, "--category", "claims", "--received", "2026-10-30T09:00", "--reason", "录入错误",
            "--at", "2026-11-20T09:00")  # fmt: skip
    kefu.ok("complaint", "undo", undone, "--reason", "误操作", "--at", "2026-11-20T10:00")

    then = _stats(kefu, "--to", D)["complaints"]
    assert {r["code"]: r["count"] for r in then["by_category"]} == {"service": 2}
    assert (then["outcomes"]["accepted"], then["outcomes"]["pending"]) == (1, 1)
    assert _stats(kefu, "--to", D)["durations"]["to_acceptance"]["count"] == 1
    now = _stats(kefu, "--to", "2026-11-30", "--as-of", "2026-12-01")["complaints"]
    # corrected: received in October (out of the period), its category claims; the acceptance taken back
    assert (now["total"], now["outcomes"]["accepted"], now["outcomes"]["pending"]) == (1, 0, 1)
    october = kefu.ok(
        "report", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-12-01", "--json"
    )
    assert {r["code"]: r["count"] for r in october["complaints"]["by_category"]} == {"claims": 1}


def test_callback_kpis_and_requests_of_a_past_day_as_they_stood(kefu):
    for branch in ("朝阳支公司", "海淀支公司", "丰台营业部"):
        kefu.ok("branch", "add", branch)

    def callback(due: str) -> str:
        return kefu.ok(
            "callback", "add", "--kind", "other", "--due", due, "--name", "王小明", "--phone", "13812345678",
            "--branch", "朝阳支公司", "--handler", "李娜", "--at", "2026-11-02T09:00", "--json",
        )["id"]  # fmt: skip

    moved, cancelled = callback("2026-11-12"), callback("2026-11-13")
    kefu.ok("callback", "cancel", cancelled, "--reason", "客户已退保", "--at", "2026-11-05T09:00")
    kefu.ok("callback", "assign", moved, "--handler", "张敏", "--branch", "海淀支公司", "--at", "2026-11-20T09:00")
    kefu.ok("callback", "undo", cancelled, "--reason", "误操作", "--at", "2026-11-20T10:00")
    kefu.ok("policy-register", "add", "--policy", "P2019120808", "--product", "定期寿险", "--line", "life",
            "--holder", "马丽", "--phone", "13633334444", "--insured", "马丽", "--id-number", "110102198205080025",
            "--start", "2019-12-08", "--end", "2039-12-07", "--branch", "丰台营业部", "--at", "2026-01-01T09:00")  # fmt: skip
    request = kefu.ok("request", "add", "--type", "退保", "--policy", "P2019120808", "--reason", "经济困难",
                      "--at", "2026-11-10T11:00", "--json")["id"]  # fmt: skip
    kefu.ok("request", "assign", request, "--handler", "张敏", "--branch", "海淀支公司", "--at", "2026-11-20T09:00")

    def kpis(report: dict) -> dict:
        k = report["callbacks"]
        return {
            "by_branch": {g["branch"]: g["due"] for g in k["by_branch"]},
            "cancelled": k["cancelled"],
            "open": k["open"],
        }

    then, now = _stats(kefu, "--to", D), _stats(kefu, "--to", D, "--as-of", "2026-12-01")
    assert kpis(then) == {"by_branch": {"朝阳支公司": 2}, "cancelled": 1, "open": 1}
    assert kpis(now) == {"by_branch": {"朝阳支公司": 1, "海淀支公司": 1}, "cancelled": 0, "open": 2}
    assert _stats(kefu, "--to", D, "--branch", "海淀支公司")["callbacks"]["due"] == 0
    assert _stats(kefu, "--to", D, "--branch", "丰台营业部")["requests"]["total"] == 1
    assert _stats(kefu, "--to", D, "--branch", "海淀支公司")["requests"]["total"] == 0
    now = _stats(kefu, "--to", D, "--branch", "海淀支公司", "--as-of", "2026-12-01")
    assert (now["requests"]["total"], now["callbacks"]["due"]) == (1, 1)


def test_stats_of_a_past_day_count_the_pause_of_a_complaint_reassigned_later(kefu):
    cid = _complaint(kefu, "2026-11-10T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-10T10:00")
    kefu.ok("complaint", "pause", cid, "--kind", "mediation", "--reason", "调解中", "--at", "2026-11-11T09:00")
    kefu.ok("complaint", "assign", cid, "--handler", "张敏", "--branch", "海淀支公司", "--at", "2026-11-20T09:00")
    for args in (("--to", D), ("--to", D, "--as-of", "2026-12-01")):
        paused = {r["kind"]: r["count"] for r in _stats(kefu, *args)["complaints"]["paused_by_kind"]}
        assert paused["mediation"] == 1, args
    assert _stats(kefu, "--to", "2026-11-10")["complaints"]["paused_by_kind"][-1] == {"kind": "mediation", "count": 0}
