"""`kefu callback …` through the CLI: scheduling, attempts, escalation, problems, refusals.

Calendar facts used (State Council notices for 2026): Spring Festival 02-15..23 off with Sat
02-14 and Sat 02-28 worked; Mid-Autumn Fri 09-25 off; National Day 10-01..07 off; Sun 09-20 and
Sat 10-10 worked.
"""

from __future__ import annotations

import json as jsonlib
import sqlite3

AT = "2026-09-21T09:00"


def add(kefu, *args, at=AT):
    return kefu.ok("callback", "add", "--name", "王小明", "--phone", "13812345678", *args, "--at", at, "--json")


def attempt(kefu, cid, method, result, at, *extra):
    return kefu.ok("callback", "attempt", cid, "--method", method, "--result", result, "--at", at, *extra, "--json")


def counts(db_path) -> tuple[int, int, int, int]:
    """(callbacks, attempts, deadlines, audit events): to prove a refusal changed nothing."""
    con = sqlite3.connect(db_path)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("callback", "callback_attempt", "deadline", "audit_event")
        )
    finally:
        con.close()


# --- scheduling -------------------------------------------------------------------------


def test_new_policy_due_rolls_past_national_day(kefu):
    # Receipt signed Sun 2026-09-20; 15 calendar days → Mon 2026-10-05, a National Day holiday;
    # 10-06 and 10-07 are holidays too, so the due date rolls to Thu 2026-10-08 (民法典 §203).
    out = add(kefu, "--kind", "new_policy", "--receipt-date", "2026-09-20", "--policy", "P-1")
    assert set(out) == {"id", "kind", "status", "deadlines", "warnings"}
    assert out["kind"] == "new_policy" and out["status"] == "open"
    assert out["warnings"] == [], "registered 09-21, due 10-08: not late"
    assert out["deadlines"] == [{"kind": "callback", "due": "2026-10-08", "provisional": False}]
    assert out["id"] == "HF-20260921-0001"


def test_cooling_off_period_other_lengths(kefu):
    # 10 days: 09-20 + 10 = Wed 09-30, a working day: stays.
    ten = add(kefu, "--kind", "新契约", "--receipt-date", "2026-09-20", "--cooling-off", "10")
    assert ten["deadlines"][0]["due"] == "2026-09-30"
    # 20 days: 09-20 + 20 = Sat 10-10, a make-up working day: no roll.
    twenty = add(kefu, "--kind", "new_policy", "--receipt-date", "2026/09/20", "--cooling-off", "20")
    assert twenty["deadlines"][0]["due"] == "2026-10-10"
    # 15 days from 2026-02-01 = Mon 02-16, Spring Festival; rest until Mon 02-23 → Tue 02-24.
    spring = add(kefu, "--kind", "new_policy", "--receipt-date", "20260201", at="2026-02-02T09:00")
    assert spring["deadlines"][0]["due"] == "2026-02-24"


def test_claim_callback_five_working_days(kefu):
    # Claim closed Fri 2026-02-13: Sat 02-14 is a make-up working day (1), 02-15..23 off,
    # 02-24 (2), 02-25 (3), 02-26 (4), 02-27 (5) → 2026-02-27.
    out = add(kefu, "--kind", "claim", "--closed-date", "2026-02-13", at="2026-02-13T17:00")
    assert out["deadlines"] == [{"kind": "callback", "due": "2026-02-27", "provisional": False}]


def test_satisfaction_with_explicit_due_and_show(kefu):
    out = add(kefu, "--kind", "满意度", "--due", "2026-10-20", "--branch", "东城", "--handler", "张")
    shown = kefu.ok("callback", "show", out["id"], "--json")
    assert shown["due"] == "2026-10-20" and shown["kind"] == "satisfaction"
    assert shown["phone"] == "138****5678"
    assert kefu.ok("callback", "show", out["id"], "--json", "--unmask")["phone"] == "13812345678"
    assert shown["next"] == "electronic"
    assert [e["action"] for e in shown["events"]] == ["add"]
    human = kefu.ok("callback", "show", out["id"])
    assert "满意度回访" in human and "138****5678" in human and "13812345678" not in human


def test_add_refuses_bad_input_and_changes_nothing(kefu, db_path):
    add(kefu, "--kind", "other", "--due", "2026-10-20")
    before = counts(db_path)
    cases = [
        (["--kind", "new_policy"], "--receipt-date"),  # receipt date missing
        (["--kind", "claim", "--receipt-date", "2026-09-20"], "--receipt-date"),  # option of another kind
        (["--kind", "new_policy", "--receipt-date", "2026-09-30"], "晚于今天"),  # receipt in the future
        (["--kind", "new_policy", "--receipt-date", "2026-09-20", "--cooling-off", "0"], "--cooling-off"),
        (["--kind", "satisfaction"], "--due"),
        (["--kind", "satisfaction", "--due", "2026-09-01"], "早于今天"),
        (["--kind", "holiday", "--due", "2026-10-20"], "--kind"),
        (["--kind", "complaint", "--complaint", "TS-20260101-0001"], "不存在"),
    ]
    for args, word in cases:
        r = kefu("callback", "add", "--name", "王小明", "--phone", "13812345678", *args, "--at", AT)
        assert r.code == 2, (args, r.out, r.err)
        assert word in r.err, (args, r.err)
        assert "Traceback" not in r.err
    r = kefu("callback", "add", "--kind", "other", "--due", "2026-10-20", "--phone", "abc", "--name", "王", "--at", AT)
    assert r.code == 2 and "--phone" in r.err
    assert counts(db_path) == before


# --- attempts and escalation ---------------------------------------------------------------


def _next_of(kefu, cid):
    items = kefu.ok("callback", "list", "--next", "--json")["items"]
    return {i["id"]: i["next"] for i in items}.get(cid)


def test_escalation_electronic_phone_letter_with_receipt(kefu):
    cid = add(kefu, "--kind", "new_policy", "--receipt-date", "2026-09-20")["id"]
    assert _next_of(kefu, cid) == "electronic"
    r = attempt(kefu, cid, "electronic", "no_answer", "2026-09-21T10:00")
    assert r["status"] == "open" and r["next"] == "phone"
    assert _next_of(kefu, cid) == "phone"
    # callback.phone_attempts = 3 failed phone attempts before letter/visit
    for i, day in enumerate(["2026-09-22T10:00", "2026-09-23T10:00", "2026-09-24T10:00"], start=1):
        r = attempt(kefu, cid, "电话", "未接通", day, "--recording", f"REC-{i}")
        assert r["next"] == ("letter_or_visit" if i == 3 else "phone"), i
    assert _next_of(kefu, cid) == "letter_or_visit"
    human = kefu.ok("callback", "list", "--next")
    assert "信函或上门" in human
    r = attempt(kefu, cid, "letter", "success", "2026-09-28T10:00", "--receipt")
    assert r["status"] == "success" and r["next"] == "none"
    assert _next_of(kefu, cid) is None  # ended cases leave the --next list
    shown = kefu.ok("callback", "show", cid, "--json")
    assert [(a["method"], a["result"]) for a in shown["attempts"]] == [
        ("electronic", "no_answer"),
        ("phone", "no_answer"),
        ("phone", "no_answer"),
        ("phone", "no_answer"),
        ("letter", "success"),
    ]
    assert shown["outcome_method"] == "letter"
    assert shown["deadlines"][0]["status"] == "met"
    assert shown["deadlines"][0]["met_at"] == "2026-09-28T10:00:00+08:00"
    # every attempt is an audit event, and the last one records the status change
    attempts = [e for e in shown["events"] if e["action"] == "attempt"]
    assert len(attempts) == 5
    assert (attempts[-1]["from_status"], attempts[-1]["to_status"]) == ("open", "success")


def test_phone_attempts_count_comes_from_policy(kefu):
    kefu.ok("policy", "set", "callback.phone_attempts", "1", "--json")
    cid = add(kefu, "--kind", "other", "--due", "2026-10-20")["id"]
    r = attempt(kefu, cid, "phone", "no_answer", "2026-09-22T10:00", "--recording", "R1")
    assert r["next"] == "letter_or_visit"


def test_wrong_number_on_phone_opens_letter_or_visit(kefu):
    cid = add(kefu, "--kind", "other", "--due", "2026-10-20")["id"]
    r = attempt(kefu, cid, "phone", "wrong_number", "2026-09-22T10:00", "--recording", "R1")
    assert r["next"] == "letter_or_visit"
    r = attempt(kefu, cid, "visit", "success", "2026-09-23T10:00", "--receipt")
    assert r["status"] == "success"


def test_phone_attempt_without_recording_is_refused(kefu, db_path):
    cid = add(kefu, "--kind", "new_policy", "--receipt-date", "2026-09-20")["id"]
    before = counts(db_path)
    r = kefu("callback", "attempt", cid, "--method", "phone", "--result", "success", "--at", "2026-09-22T10:00")
    assert r.code == 2
    assert "录音" in r.err and "--recording" in r.err
    assert r.out == ""
    assert counts(db_path) == before


def test_rule_refusals(kefu, db_path):
    cid = add(kefu, "--kind", "other", "--due", "2026-10-20")["id"]
    before = counts(db_path)
    refusals = [
        (["--method", "letter", "--result", "success", "--receipt"], "信函/上门"),  # before phone ×3
        (["--method", "electronic", "--result", "success", "--receipt"], "--receipt"),
        (["--method", "electronic", "--result", "no_answer", "--problem", "x"], "没有联系到客户"),
        (["--method", "fax", "--result", "success"], "--method"),
        (["--method", "electronic", "--result", "maybe"], "--result"),
    ]
    for args, word in refusals:
        r = kefu("callback", "attempt", cid, *args, "--at", "2026-09-22T10:00")
        assert r.code == 2 and word in r.err, (args, r.err)
    r = kefu("callback", "attempt", "HF-20990101-0001", "--method", "electronic", "--result", "success")
    assert r.code == 2 and "不存在" in r.err
    assert counts(db_path) == before
    # letter success without a signed receipt, once letters are allowed
    attempt(kefu, cid, "phone", "wrong_number", "2026-09-22T10:00", "--recording", "R1")
    r = kefu("callback", "attempt", cid, "--method", "letter", "--result", "success", "--at", "2026-09-23T10:00")
    assert r.code == 2 and "签名回执" in r.err
    # attempts are recorded in time order
    r = kefu("callback", "attempt", cid, "--method", "letter", "--result", "no_answer", "--at", "2026-09-21T10:00")
    assert r.code == 2 and "早于上一次" in r.err
    # an ended case takes no more attempts
    attempt(kefu, cid, "visit", "refused", "2026-09-24T10:00")
    r = kefu("callback", "attempt", cid, "--method", "visit", "--result", "success", "--receipt")
    assert r.code == 2 and "已结束" in r.err


def test_cancelled_before_callback_makes_deadline_not_applicable(kefu):
    cid = add(kefu, "--kind", "new_policy", "--receipt-date", "2026-09-20")["id"]
    r = attempt(kefu, cid, "electronic", "撤退保", "2026-09-22T10:00", "--note", "犹豫期内退保")
    assert r["status"] == "cancelled"
    shown = kefu.ok("callback", "show", cid, "--json")
    assert shown["deadlines"][0]["status"] == "not_applicable"
    assert shown["outcome_reason"] == "犹豫期内退保"


def test_unreachable_only_after_every_method(kefu):
    cid = add(kefu, "--kind", "claim", "--closed-date", "2026-09-18")["id"]
    r = kefu("callback", "unreachable", cid, "--reason", "电话空号", "--at", "2026-09-22T10:00")
    assert r.code == 2 and "还有未尝试的方式" in r.err
    attempt(kefu, cid, "phone", "wrong_number", "2026-09-22T10:00", "--recording", "R1")
    r = kefu("callback", "unreachable", cid, "--reason", "电话空号", "--at", "2026-09-22T11:00")
    assert r.code == 2  # letter/visit not tried yet
    attempt(kefu, cid, "letter", "no_answer", "2026-09-23T10:00", "--note", "信函被退回")
    assert _next_of(kefu, cid) == "close_unreachable"
    r = kefu("callback", "unreachable", cid, "--reason", " ", "--at", "2026-09-29T10:00")
    assert r.code == 2 and "--reason" in r.err
    out = kefu.ok(
        "callback", "unreachable", cid, "--reason", "电话空号且信函被退回", "--at", "2026-09-29T10:00", "--json"
    )
    assert out == {"id": cid, "status": "unreachable", "reason": "电话空号且信函被退回"}
    shown = kefu.ok("callback", "show", cid, "--json")
    assert shown["events"][-1]["action"] == "unreachable"
    assert shown["events"][-1]["details"] == {"reason": "电话空号且信函被退回"}


# --- problems found in a callback -------------------------------------------------------------


def test_problem_opens_five_working_day_followup(kefu, db_path):
    cid = add(kefu, "--kind", "new_policy", "--receipt-date", "2026-09-20", "--branch", "东城", "--handler", "张")["id"]
    # Problem found Wed 2026-09-30: 10-01..07 off, 10-08 (1), 10-09 (2), Sat 10-10 make-up (3),
    # 10-12 (4), 10-13 (5) → reply due 2026-10-13.
    r = attempt(
        kefu, cid, "phone", "success", "2026-09-30T10:00", "--recording", "REC-9", "--problem", "投保人未亲笔签名"
    )
    assert r["status"] == "success" and r["followup_id"] is not None
    assert r["deadlines"] == [{"kind": "callback_reply", "due": "2026-10-13", "provisional": False}]
    con = sqlite3.connect(db_path)
    row = con.execute(
        "SELECT status, due, branch, handler FROM deadline WHERE case_id = ? AND kind = 'callback_reply'", (cid,)
    ).fetchone()
    con.close()
    assert row == ("open", "2026-10-13", "东城", "张")  # the deadline report reads this row
    # resolve: reply recorded, deadline met
    out = kefu.ok("callback", "resolve", cid, "--reply", "已安排投保人重新签名", "--at", "2026-10-12T15:00", "--json")
    assert out["followup_id"] == r["followup_id"] and out["open_followups"] == []
    shown = kefu.ok("callback", "show", cid, "--json")
    reply = [d for d in shown["deadlines"] if d["kind"] == "callback_reply"]
    assert reply[0]["status"] == "met" and reply[0]["met_at"] == "2026-10-12T15:00:00+08:00"
    assert shown["followups"][0]["reply"] == "已安排投保人重新签名"
    assert [e["action"] for e in shown["events"]] == ["add", "attempt", "problem", "resolve"]
    # nothing left to resolve
    r2 = kefu("callback", "resolve", cid, "--reply", "again")
    assert r2.code == 2 and "没有待答复的问题" in r2.err


def test_refused_with_problem_and_two_followups(kefu):
    cid = add(kefu, "--kind", "other", "--due", "2026-10-20")["id"]
    r = attempt(kefu, cid, "electronic", "refused", "2026-09-22T10:00", "--problem", "反映销售误导")
    assert r["status"] == "refused"
    r = kefu("callback", "resolve", cid, "--reply", "x", "--followup", "999")
    assert r.code == 2 and "999" in r.err
    r = kefu("callback", "resolve", cid, "--reply", "", "--at", "2026-09-23T10:00")
    assert r.code == 2 and "--reply" in r.err
    out = kefu.ok("callback", "resolve", cid, "--reply", "已调查", "--at", "2026-09-23T10:00", "--json")
    assert out["open_followups"] == []


# --- list -------------------------------------------------------------------------------------


def test_list_filters_and_masking(kefu):
    a = add(kefu, "--kind", "new_policy", "--receipt-date", "2026-09-20", "--branch", "东城")["id"]
    b = add(kefu, "--kind", "other", "--due", "2026-10-20", "--branch", "西城")["id"]
    attempt(kefu, b, "electronic", "success", "2026-09-22T10:00")
    all_ = kefu.ok("callback", "list", "--json")
    assert [i["id"] for i in all_["items"]] == [a, b]  # by due date
    assert all(i["phone"] == "138****5678" for i in all_["items"])
    assert kefu.ok("callback", "list", "--json", "--unmask")["items"][0]["phone"] == "13812345678"
    assert [i["id"] for i in kefu.ok("callback", "list", "--status", "待回访", "--json")["items"]] == [a]
    assert [i["id"] for i in kefu.ok("callback", "list", "--branch", "西城", "--json")["items"]] == [b]
    assert [i["id"] for i in kefu.ok("callback", "list", "--due-to", "2026-10-08", "--json")["items"]] == [a]
    text = kefu.ok("callback", "list")
    assert "新契约" in text and "13812345678" not in text
    assert jsonlib.loads(kefu("callback", "list", "--kind", "claim", "--json").out)["count"] == 0
