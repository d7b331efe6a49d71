"""`kefu claim|request|callback undo`: the last step of any case type taken back by a compensating
event, with the limits and the output of `complaint undo` (services/undo.py, one implementation).
Every undo is checked against the case as it was before the step (row and deadlines) and ends
with `db verify`: the rows are still what their events fold to."""

from __future__ import annotations

import sqlite3

from test_claims import policy, report
from test_requests import register, surrender

UNDO_KEYS = {"case_type", "id", "notices_sent", "undone", "status", "reason", "deadlines", "callbacks", "complaints",
             "at"}  # fmt: skip
VOLATILE = ("updated_at", "events", "deadlines")


def deadlines(view: dict) -> list[tuple]:
    return [(d["kind"], d["status"], d["due"], d["breached"]) for d in view["deadlines"] if d["status"] != "void"]


def case(kefu, case_type: str, cid: str) -> dict:
    """The case as `show --json` has it, without what every write changes (its deadlines as
    kind/status/due/breach, the voided ones left out)."""
    view = kefu.ok(case_type, "show", cid, "--json")
    out = {k: v for k, v in view.items() if k not in VOLATILE}
    if "deadlines" in view:
        out["deadlines"] = deadlines(view)
    return out


def undo(kefu, case_type: str, cid: str, at: str, reason: str = "误操作") -> dict:
    out = kefu.ok(case_type, "undo", cid, "--reason", reason, "--at", at, "--json")
    assert set(out) == UNDO_KEYS
    assert kefu.ok("db", "verify", "--json")["ok"]
    return out


def verified(kefu) -> bool:
    return kefu.ok("db", "verify", "--json")["ok"]


# --- claims -------------------------------------------------------------------------------------------------------


def test_claim_undo_of_each_step_restores_the_claim_and_its_deadlines(kefu):
    policy(kefu)
    cid = report(kefu, "--deaths", "2").json()["id"]
    steps = [
        ("escalate", "--to", "总公司理赔部"),
        ("apply", "--type", "accident", "--received", "保险单正本"),  # incomplete: applying
        ("materials", "--received", "all"),  # complete: the handover deadline starts
        ("materials", "--remove", "事故证明"),  # not complete again: it no longer applies
        ("materials", "--received", "事故证明"),  # complete again: a new handover deadline
        ("handover", "--to", "示例人寿理赔部"),  # meets it
        ("close", "--result", "paid", "--amount", "8000"),  # schedules the claim callback
    ]
    for hour, (action, *args) in enumerate(steps, start=10):
        before = case(kefu, "claim", cid)
        kefu.ok("claim", action, cid, *args, "--at", f"2026-11-23T{hour}:00")
        assert case(kefu, "claim", cid) != before
        out = undo(kefu, "claim", cid, f"2026-11-23T{hour}:20")
        assert out["undone"]["action"] == action and out["status"] == before["status"]
        assert case(kefu, "claim", cid) == before, action
        kefu.ok("claim", action, cid, *args, "--at", f"2026-11-23T{hour}:40")  # the step taken again
    shown = kefu.ok("claim", "show", cid)
    assert "撤销上一步“结案”(原因: 误操作)" in shown and "撤销上一步“向总部呈报”" in shown
    assert verified(kefu)


def test_claim_undo_of_a_closing_voids_its_callback_and_names_what_came_back(kefu):
    policy(kefu)
    cid = report(kefu).json()["id"]
    kefu.ok("claim", "apply", cid, "--type", "accident", "--received", "all", "--at", "2026-11-20T10:00")
    kefu.ok("claim", "handover", cid, "--at", "2026-11-20T11:00")
    closed = kefu.ok("claim", "close", cid, "--result", "paid", "--at", "2026-11-24T10:00", "--json")
    callback = closed["callback_id"]
    text = kefu.ok("claim", "undo", cid, "--reason", "保险公司尚未结案", "--at", "2026-11-24T11:00")
    assert f"已撤销理赔报案 {cid} 的“结案”(2026-11-24 10:00,操作人 tester),原因: 保险公司尚未结案" in text
    assert "当前状态: 已移交保险公司" in text
    assert f"回访 {callback} 的期限 回访: 恢复为 作废(由该步骤产生)" in text
    assert f"该步骤安排的回访 {callback} 已作废" in text
    view = kefu.ok("claim", "show", cid, "--json")
    assert (view["status"], view["closed_at"], view["result"], view["callback_id"]) == ("handed_over", None, None, None)
    assert kefu.ok("callback", "show", callback, "--json")["voided_at"] is not None
    assert verified(kefu)
    # nothing left but the handover and the application: two more undos, then registration only
    undo(kefu, "claim", cid, "2026-11-24T12:00")
    undo(kefu, "claim", cid, "2026-11-24T12:10")
    r = kefu("claim", "undo", cid, "--reason", "x", "--at", "2026-11-24T12:20")
    assert r.code == 2 and "没有可撤销的办理步骤" in r.err and f"kefu claim void {cid}" in r.err
    assert case(kefu, "claim", cid)["status"] == "reported"


def test_claim_undo_refusals_change_nothing(kefu, db_path):
    policy(kefu)
    cid = report(kefu).json()["id"]
    kefu.ok("claim", "apply", cid, "--type", "accident", "--received", "all", "--at", "2026-11-20T10:00")
    kefu.ok("claim", "handover", cid, "--at", "2026-11-20T11:00")
    callback = kefu.ok("claim", "close", cid, "--result", "paid", "--at", "2026-11-24T10:00", "--json")["callback_id"]
    # a later step on the linked case: the callback was already made
    kefu.ok(
        "callback", "attempt", callback, "--method", "electronic", "--result", "no_answer", "--at", "2026-11-25T10:00"
    )
    with sqlite3.connect(db_path) as con:
        events = con.execute("SELECT count(*) FROM audit_event").fetchone()
    r = kefu("claim", "undo", cid, "--reason", "x", "--at", "2026-11-25T11:00")
    assert r.code == 2 and f"回访 {callback} 已有回访记录,不能撤销这一步" in r.err and "Traceback" not in r.err
    # an undo dated before the last step
    r = kefu("claim", "undo", cid, "--reason", "x", "--at", "2026-11-24T09:00")
    assert r.code == 2 and "早于上一次登记的步骤" in r.err
    r = kefu("claim", "undo", cid, "--at", "2026-11-25T11:00")
    assert r.code == 2 and "--reason" in r.err
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM audit_event").fetchone() == events
    # a voided claim
    kefu.ok("claim", "void", cid, "--reason", "测试数据", "--at", "2026-11-25T12:00")
    r = kefu("claim", "undo", cid, "--reason", "x", "--at", "2026-11-25T13:00")
    assert r.code == 2 and "已作废" in r.err
    assert verified(kefu)


def test_claim_undo_of_a_major_marking_voids_the_deadline_it_started(kefu):
    policy(kefu)
    cid = report(kefu).json()["id"]
    before = case(kefu, "claim", cid)
    kefu.ok("claim", "major", cid, "--dispute", "媒体", "--at", "2026-11-23T14:00")
    out = undo(kefu, "claim", cid, "2026-11-23T15:00")
    assert [(d["kind"], d["to"]) for d in out["deadlines"]] == [("major_case_report", "void")]
    assert case(kefu, "claim", cid) == before and before["major"] is False


# --- service requests -----------------------------------------------------------------------------------------------


def test_request_undo_reopens_a_closed_request(kefu):
    register(kefu)
    rid = surrender(kefu).json()["id"]
    r = kefu("request", "undo", rid, "--reason", "x", "--at", "2026-11-19T11:30")
    assert r.code == 2 and "没有可撤销的办理步骤" in r.err and f"kefu request void {rid}" in r.err
    before = case(kefu, "request", rid)
    kefu.ok("request", "close", rid, "--note", "已办结", "--at", "2026-11-19T12:00")
    text = kefu.ok("request", "undo", rid, "--reason", "客户尚未签字", "--at", "2026-11-19T12:30")
    assert f"已撤销保全请求 {rid} 的“办结”" in text and "当前状态: 待办理" in text
    assert case(kefu, "request", rid) == before
    assert "撤销上一步“办结”(原因: 客户尚未签字)" in kefu.ok("request", "show", rid)
    assert verified(kefu)
    done = kefu.ok("request", "close", rid, "--result", "已转保险公司办理", "--at", "2026-11-20T10:00", "--json")
    assert done["status"] == "referred" and verified(kefu)
    out = undo(kefu, "request", rid, "2026-11-20T10:30")
    assert (out["status"], out["deadlines"], out["callbacks"], out["complaints"]) == ("open", [], [], [])
    kefu.ok("request", "void", rid, "--reason", "重复登记", "--at", "2026-11-20T11:00")
    r = kefu("request", "undo", rid, "--reason", "x", "--at", "2026-11-20T12:00")
    assert r.code == 2 and "已作废" in r.err


# --- callbacks -------------------------------------------------------------------------------------------------------


def add_callback(kefu, *args, at="2026-09-21T09:00"):
    return kefu.ok("callback", "add", "--name", "王小明", "--phone", "13812345678", *args, "--at", at, "--json")["id"]


def attempt(kefu, cid, method, result, at, *extra):
    return kefu.ok("callback", "attempt", cid, "--method", method, "--result", result, "--at", at, *extra, "--json")


def test_callback_undo_of_a_reply_opens_the_problem_and_its_deadline_again(kefu):
    cid = add_callback(kefu, "--kind", "new_policy", "--receipt-date", "2026-09-20")
    attempt(kefu, cid, "phone", "success", "2026-09-30T10:00", "--recording", "REC-9", "--problem", "投保人未亲笔签名")
    before = case(kefu, "callback", cid)
    kefu.ok("callback", "resolve", cid, "--reply", "已安排重新签名", "--at", "2026-10-12T15:00")
    out = undo(kefu, "callback", cid, "2026-10-12T16:00")
    assert out["undone"]["action"] == "resolve" and [d["to"] for d in out["deadlines"]] == ["open"]
    after = case(kefu, "callback", cid)
    assert after == before and after["followups"][0]["reply"] is None
    kefu.ok("callback", "resolve", cid, "--reply", "已重新签名", "--at", "2026-10-13T10:00")
    assert verified(kefu)


def test_callback_undo_of_an_ending_or_a_new_time(kefu):
    cid = add_callback(kefu, "--kind", "claim", "--closed-date", "2026-09-18")
    attempt(kefu, cid, "phone", "wrong_number", "2026-09-22T10:00", "--recording", "R1")
    attempt(kefu, cid, "letter", "no_answer", "2026-09-23T10:00", "--note", "信函被退回")
    for n, (action, *args) in enumerate([("unreachable", "--reason", "电话空号且信函被退回"),
                                         ("cancel", "--reason", "犹豫期内退保"),
                                         ("reschedule", "--to", "2026-09-30T10:00", "--reason", "客户要求")]):  # fmt: skip
        before = case(kefu, "callback", cid)
        kefu.ok("callback", action, cid, *args, "--at", f"2026-09-2{4 + n}T10:00")
        assert case(kefu, "callback", cid) != before
        out = undo(kefu, "callback", cid, f"2026-09-2{4 + n}T11:00")
        assert out["undone"]["action"] == action and out["status"] == "open"
        assert case(kefu, "callback", cid) == before, action
    text = kefu.ok("callback", "show", cid)
    assert "撤销上一步“无法联系”" in text and "撤销上一步“改约回访时间”" in text
    # after the undone reschedule the case can still end and be verified
    kefu.ok("callback", "unreachable", cid, "--reason", "电话空号且信函被退回", "--at", "2026-09-28T10:00")
    assert verified(kefu)


def test_callback_undo_refuses_an_attempt_a_voided_callback_and_a_callback_without_steps(kefu, db_path):
    cid = add_callback(kefu, "--kind", "satisfaction", "--due", "2026-10-20")
    r = kefu("callback", "undo", cid, "--reason", "x", "--at", "2026-09-21T10:00")
    assert r.code == 2 and "没有可撤销的办理步骤" in r.err
    kefu.ok(
        "callback", "reschedule", cid, "--to", "2026-09-25T10:00", "--reason", "客户要求", "--at", "2026-09-21T10:00"
    )
    attempt(kefu, cid, "electronic", "success", "2026-09-22T10:00")
    with sqlite3.connect(db_path) as con:
        events = con.execute("SELECT count(*) FROM audit_event").fetchone()
    r = kefu("callback", "undo", cid, "--reason", "x", "--at", "2026-09-22T11:00")
    assert r.code == 2 and "上一步是“回访”" in r.err and "不能撤销" in r.err and "Traceback" not in r.err
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM audit_event").fetchone() == events
    other = add_callback(kefu, "--kind", "satisfaction", "--due", "2026-10-20")
    kefu.ok("callback", "void", other, "--reason", "重复登记", "--at", "2026-09-21T10:00")
    r = kefu("callback", "undo", other, "--reason", "x", "--at", "2026-09-21T11:00")
    assert r.code == 2 and "已作废" in r.err


# --- one implementation: the same output for every case type ----------------------------------------------------------


def test_every_undo_has_chinese_help_and_the_same_json_keys_as_complaint_undo(kefu):
    for group in ("complaint", "claim", "request", "callback"):
        r = kefu(group, "undo", "--help")
        assert r.code == 0 and "撤销" in r.out and "--reason" in r.out
    cid = kefu.ok("complaint", "add", "--received", "2026-11-02T09:00", "--channel", "电话", "--category", "服务",
                  "--name", "何文静", "--phone", "13100007777", "--at", "2026-11-02T09:00", "--json")["id"]  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    out = undo(kefu, "complaint", cid, "2026-11-03T11:00")
    assert (out["complaints"], out["status"]) == ([cid], "registered")


def test_undo_walks_back_step_by_step_past_a_step_already_undone(kefu):
    cid = kefu.ok("complaint", "add", "--received", "2026-11-02T09:00", "--channel", "电话", "--category", "服务",
                  "--name", "何文静", "--phone", "13100007777", "--at", "2026-11-02T09:00", "--json")["id"]  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    accepted = case(kefu, "complaint", cid)
    kefu.ok("complaint", "pause", cid, "--reason", "伤残鉴定", "--at", "2026-11-05T10:00")
    paused = case(kefu, "complaint", cid)
    kefu.ok("complaint", "resume", cid, "--at", "2026-11-12T10:00")
    # the resume and then the pause: the decision period the pause stopped comes back as it was
    undo(kefu, "complaint", cid, "2026-11-12T11:00")
    assert case(kefu, "complaint", cid) == paused
    out = undo(kefu, "complaint", cid, "2026-11-12T11:10")
    assert out["undone"]["action"] == "pause"
    assert case(kefu, "complaint", cid) == accepted
    # a deadline changed after the step by something other than an undone step still refuses
    kefu.ok("complaint", "pause", cid, "--reason", "伤残鉴定", "--at", "2026-11-13T10:00")
    kefu.ok("complaint", "edit", cid, "--received", "2026-11-01T09:00", "--reason", "登记簿抄录日期错误",
            "--at", "2026-11-13T11:00")  # fmt: skip
    r = kefu("complaint", "undo", cid, "--reason", "x", "--at", "2026-11-13T12:00")
    assert r.code == 2 and "又有变动" in r.err
    assert verified(kefu)
