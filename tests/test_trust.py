"""Deadlines and reports a compliance officer can trust, through the CLI on real 2026 dates:
paused clocks, point-in-time reports, breaches that stay, steps in order, the decision period
in calendar days from receipt.

Calendar facts (State Council notice for 2026): Mid-Autumn Fri 09-25 off; National Day
10-01..07 off; Sun 09-20 and Sat 10-10 are make-up working days; Sat 10-24 / Sun 10-25 rest.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from kefu_cli.services.clock import now as now_cst
from kefu_cli.services.clock import today as today_cst


def add(kefu, received, *extra, phone="13812345678", branch="朝阳支公司", handler="李娜"):
    return kefu.ok(
        "complaint", "add", "--received", received, "--channel", "电话", "--category", "理赔",
        "--name", "王建国", "--phone", phone, "--branch", branch, "--handler", handler, *extra, "--json",
    )  # fmt: skip


def dl(data, kind, status=None):
    rows = [d for d in data["deadlines"] if d["kind"] == kind and (status is None or d["status"] == status)]
    assert rows, f"no {kind} deadline with status {status} in {data['deadlines']}"
    return rows[-1]


def table(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def everything(db):
    return [table(db, f"SELECT * FROM {t} ORDER BY 1") for t in ("complaint", "deadline", "audit_event", "callback")]


# --- 7. the decision period: 15/30/60 calendar days from receipt ------------------------------


def test_decision_period_is_calendar_days_from_receipt_worked_example(kefu):
    # RULES.md §2: received Thu 2026-09-24 → decision due Fri 2026-10-09 (a working day).
    out = add(kefu, "2026-09-24T10:00")
    dec = dl(out, "decision", "open")
    assert (dec["due"], dec["unit"], dec["amount"], dec["start_at"]) == (
        "2026-10-09",
        "days",
        15,
        "2026-09-24T10:00:00+08:00",
    )
    assert dec["basis"] == "《银行业保险业消费投诉处理管理办法》第十八条 15日"
    # "complex" → 30 days → Sat 2026-10-24 rolls to Mon 2026-10-26.
    kefu.ok("complaint", "accept", out["id"], "--at", "2026-09-25T10:00")
    ext = kefu.ok("complaint", "extend", out["id"], "--level", "complex", "--at", "2026-09-30T10:00", "--json")
    assert dl(ext, "decision", "open")["due"] == "2026-10-26"
    # "especially complex" with a named approver → 60 days → Mon 2026-11-23.
    ext = kefu.ok(
        "complaint", "extend", out["id"], "--level", "special", "--approver", "王总", "--at", "2026-10-20T10:00", "--json"
    )  # fmt: skip
    assert dl(ext, "decision", "open")["due"] == "2026-11-23"


def test_incomplete_materials_do_not_hold_back_the_decision_clock(kefu):
    # Received Mon 09-21, materials incomplete: the decision still runs from receipt (10-06, a
    # National Day holiday → Thu 10-08); the acceptance starts only with complete materials.
    out = add(kefu, "2026-09-21T09:00", "--incomplete")
    assert dl(out, "decision", "open")["due"] == "2026-10-08"
    assert [d for d in out["deadlines"] if d["kind"] == "acceptance"] == []
    out = kefu.ok("complaint", "materials", out["id"], "--complete", "--at", "2026-09-28T10:00", "--json")
    # Acceptance 10 working days after Mon 09-28: 29 30, 10-08 09, Sat 10, 12 13 14 15 16 → 10-16.
    assert dl(out, "acceptance", "open")["due"] == "2026-10-16"
    assert [d["due"] for d in out["deadlines"] if d["kind"] == "decision"] == ["2026-10-08"]


def test_policy_unit_and_start_apply_to_deadlines_started_after_the_change(kefu):
    before = add(kefu, "2026-09-24T10:00")
    kefu.ok("policy", "set", "complaint.decision", "15", "--unit", "workdays", "--from", "complete")
    after = add(kefu, "2026-09-24T11:00", "--incomplete", phone="13900000001")
    # The earlier case keeps the rule it started under; its basis says which.
    kept = kefu.ok("complaint", "show", before["id"], "--json")
    assert (dl(kept, "decision")["due"], dl(kept, "decision")["unit"]) == ("2026-10-09", "days")
    # The new one has no decision clock until its materials are complete…
    assert [d for d in after["deadlines"] if d["kind"] == "decision"] == []
    out = kefu.ok("complaint", "materials", after["id"], "--complete", "--at", "2026-09-28T10:00", "--json")
    # …then 15 working days after Mon 09-28: 29 30, 10-08 09 10 (5), 12–16 (10), 19–23 (15) → 10-23.
    dec = dl(out, "decision", "open")
    assert (dec["due"], dec["unit"]) == ("2026-10-23", "workdays")
    assert dec["basis"] == "《银行业保险业消费投诉处理管理办法》第十八条 15个工作日;自材料齐全起算"
    assert dl(kept, "decision")["basis"] == "《银行业保险业消费投诉处理管理办法》第十八条 15日"


# --- 1. paused deadlines ---------------------------------------------------------------------


@pytest.fixture
def paused_case(kefu):
    """Received Thu 09-24 (decision due Fri 10-09), accepted 09-25, paused Mon 09-28 09:00."""
    cid = add(kefu, "2026-09-24T10:00")["id"]
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-25T10:00")
    kefu.ok("complaint", "pause", cid, "--reason", "委托第三方医学鉴定", "--at", "2026-09-28T09:00")
    return cid


def test_a_paused_case_is_never_overdue(kefu, paused_case):
    cid = paused_case
    # As of Mon 10-12 the decision (10-09) would be overdue; paused, it is not.
    rep = kefu.ok("report", "deadlines", "--as-of", "2026-10-12", "--json")
    assert rep["summary"]["overdue"] == 0 and rep["summary"]["paused"] == 1
    item = [i for i in rep["items"] if i["case_id"] == cid][0]
    # Frozen as it stood on 09-28: working days in (09-28, 10-09]: 29, 30, 10-08, 10-09 = 4.
    assert (item["status"], item["working_days_left"], item["breached"]) == ("paused", 4, False)
    # The same today, long after the due date: still paused, still 4, still not overdue.
    today = kefu.ok("report", "deadlines", "--json")
    assert [(i["status"], i["working_days_left"]) for i in today["items"] if i["case_id"] == cid] == [("paused", 4)]
    assert kefu("report", "deadlines", "--fail-on-overdue", "--json").code == 0
    assert kefu.ok("complaint", "list", "--overdue", "--json")["items"] == []
    assert [i["id"] for i in kefu.ok("complaint", "list", "--status", "paused", "--json")["items"]] == [cid]
    assert [i["id"] for i in kefu.ok("complaint", "list", "--status", "中止(外部鉴定中)", "--json")["items"]] == [cid]
    assert [i["id"] for i in kefu.ok("complaint", "list", "--status", "中止(鉴定、调解等)", "--json")["items"]] == [cid]
    only = kefu.ok("report", "deadlines", "--status", "paused", "--json")
    assert [(i["case_id"], i["kind"]) for i in only["items"]] == [(cid, "decision")]
    assert kefu.ok("report", "deadlines", "--status", "暂停", "--json")["items"] == only["items"]
    assert kefu.ok("report", "deadlines", "--status", "overdue", "--json")["items"] == []
    # Human output: 暂停 with the frozen count; show says the same.
    human = kefu.ok("report", "deadlines", "--as-of", "2026-10-12")
    assert "暂停 1" in human and "暂停(剩 4 个工作日,冻结)" in human
    shown = kefu.ok("complaint", "show", cid, "--as-of", "2026-11-20")
    assert "暂停(自 2026-09-28 起,剩余 4 个工作日冻结)" in shown
    # Stats: a paused deadline is pending, not overdue.
    stats = kefu.ok("report", "stats", "--from", "2026-09-01", "--to", "2026-10-31", "--json")
    decision = [r for r in stats["on_time"] if r["kind"] == "decision"][0]
    assert (decision["overdue"], decision["pending"]) == (0, 1)


def test_resume_adds_the_paused_time_in_the_rules_own_unit(kefu, paused_case):
    # Paused Mon 09-28 → resumed Mon 10-12: 14 calendar days, added before the §203 roll:
    # 09-24 + 15 + 14 = Fri 10-23.
    out = kefu.ok("complaint", "resume", paused_case, "--at", "2026-10-12T09:00", "--json")
    dec = dl(out, "decision", "open")
    assert (dec["due"], dec["paused_days"], dec["breached"]) == ("2026-10-23", 14, True)  # judged today, 12-01
    then = kefu.ok("complaint", "show", paused_case, "--as-of", "2026-10-12", "--json")
    assert dl(then, "decision", "open")["breached"] is False  # in time on the day it was resumed
    # A working-day rule gets the paused working days instead: decision as 15 workdays.
    kefu.ok("policy", "set", "complaint.decision", "15", "--unit", "workdays")
    cid = add(kefu, "2026-09-24T11:00", phone="13900000002")["id"]
    # 15 working days after Thu 09-24: 28 29 30, 10-08 09 10 (6), 12–16 (11), 19–22 (15) → 10-22.
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-25T10:00")
    kefu.ok("complaint", "pause", cid, "--reason", "鉴定", "--at", "2026-09-28T09:00")
    out = kefu.ok("complaint", "resume", cid, "--at", "2026-10-12T09:00", "--json")
    # Paused working days in (09-28, 10-12]: 29, 30, 10-08, 09, Sat 10, 12 = 6 → 21st working day: 10-30.
    dec = dl(out, "decision", "open")
    assert (dec["due"], dec["extra_workdays"]) == ("2026-10-30", 6)


def test_pause_of_a_regulator_case_keeps_the_regulators_date_running(kefu):
    out = kefu.ok(
        "complaint", "add", "--received", "2026-09-24T10:00", "--channel", "regulator", "--category", "理赔",
        "--name", "孙玉梅", "--phone", "13600002222", "--regulator-ref", "京金转〔2026〕1号",
        "--regulator-due", "2026-10-10", "--json",
    )  # fmt: skip
    kefu.ok("complaint", "accept", out["id"], "--at", "2026-09-25T10:00")
    out = kefu.ok("complaint", "pause", out["id"], "--reason", "鉴定", "--at", "2026-09-28T09:00", "--json")
    status = {d["kind"]: d["status"] for d in out["deadlines"]}
    assert status["decision"] == "paused" and status["regulator_report"] == "open"


# --- 3. a breach stays a breach ----------------------------------------------------------------


def test_an_extension_after_the_deadline_is_refused_unless_late_and_the_miss_stays(kefu):
    cid = add(kefu, "2026-09-24T10:00")["id"]  # decision due Fri 10-09
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-25T10:00")
    before = everything(kefu.db)
    r = kefu("complaint", "extend", cid, "--level", "complex", "--at", "2026-10-12T10:00")
    assert r.code == 2 and "2026-10-09" in r.err and "--late" in r.err and "Traceback" not in r.err
    assert everything(kefu.db) == before
    out = kefu.ok("complaint", "extend", cid, "--level", "complex", "--late", "--at", "2026-10-12T10:00", "--json")
    rows = [(d["status"], d["due"], d["breached"]) for d in out["deadlines"] if d["kind"] == "decision"]
    assert rows[0] == ("superseded", "2026-10-09", True)
    assert rows[1][:2] == ("open", "2026-10-26")
    ext = [e for e in kefu.ok("complaint", "show", cid, "--json")["events"] if e["action"] == "extend"]
    assert ext[0]["details"]["late"] is True
    # Decided on time for the extended period, the October figures still count one miss.
    kefu.ok("complaint", "decide", cid, "--result", "同意赔付", "--at", "2026-10-20T10:00")
    stats = kefu.ok("report", "stats", "--from", "2026-09-01", "--to", "2026-10-31", "--json")
    decision = [r for r in stats["on_time"] if r["kind"] == "decision"][0]
    assert (decision["on_time"], decision["late"], decision["overdue"]) == (1, 1, 0)
    # Shown as such to a clerk.
    assert "已被替代(此前已逾期)" in kefu.ok("complaint", "show", cid, "--all")  # replaced deadlines: with --all


def test_a_pause_after_the_deadline_is_refused_unless_late_and_stays_breached(kefu):
    cid = add(kefu, "2026-09-24T10:00")["id"]  # decision due Fri 10-09
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-25T10:00")
    before = everything(kefu.db)
    r = kefu("complaint", "pause", cid, "--reason", "鉴定", "--at", "2026-10-12T10:00")
    assert r.code == 2 and "2026-10-09" in r.err and "--late" in r.err
    assert everything(kefu.db) == before
    out = kefu.ok("complaint", "pause", cid, "--reason", "鉴定", "--late", "--at", "2026-10-12T10:00", "--json")
    dec = dl(out, "decision")
    assert (dec["status"], dec["breached"]) == ("paused", True)
    # Resumed and decided later: the deadline is met, but late.
    kefu.ok("complaint", "resume", cid, "--at", "2026-10-14T10:00")
    out = kefu.ok("complaint", "decide", cid, "--result", "x", "--at", "2026-10-15T10:00", "--json")
    dec = dl(out, "decision", "met")
    assert dec["breached"] is True
    assert "逾期完成" in kefu.ok("complaint", "show", cid)


def test_a_late_reply_to_a_callback_problem_is_shown_as_late(kefu):
    cid = kefu.ok(
        "callback", "add", "--kind", "other", "--name", "林志远", "--phone", "13811110001", "--due", "2026-11-20",
        "--at", "2026-09-21T09:00", "--json",
    )["id"]  # fmt: skip
    kefu.ok(
        "callback", "attempt", cid, "--method", "phone", "--result", "success", "--recording", "R1",
        "--problem", "投保单非本人签名", "--at", "2026-09-22T10:00",
    )  # fmt: skip
    # Reply due 5 working days after Tue 09-22: 23 24 28 29 30 → 09-30; replied 10-09.
    out = kefu.ok("callback", "resolve", cid, "--reply", "已重新签名", "--at", "2026-10-09T10:00", "--json")
    assert out["late"] is True
    shown = kefu.ok("callback", "show", cid, "--json")
    reply = [d for d in shown["deadlines"] if d["kind"] == "callback_reply"][0]
    assert (reply["status"], reply["due"], reply["breached"]) == ("met", "2026-09-30", True)
    assert "逾期完成" in kefu.ok("callback", "show", cid)


# --- 2. point-in-time reports -------------------------------------------------------------------


@pytest.fixture
def history(kefu):
    """A: received Mon 09-21 (decision 10-08), accepted 09-22, decided 10-13 (late).
    B: received Tue 10-13, after the as-of day. C: received 09-24 (decision 10-09), accepted
    09-25, paused 10-12 — after the as-of day."""
    a = add(kefu, "2026-09-21T09:00")["id"]
    kefu.ok("complaint", "accept", a, "--at", "2026-09-22T10:00")
    c = add(kefu, "2026-09-24T10:00", phone="13900000003", handler="王强")["id"]
    kefu.ok("complaint", "accept", c, "--at", "2026-09-25T10:00")
    kefu.ok("complaint", "pause", c, "--reason", "鉴定", "--late", "--at", "2026-10-12T09:00")
    kefu.ok("complaint", "decide", a, "--result", "已解释条款", "--at", "2026-10-13T10:00")
    b = add(kefu, "2026-10-13T11:00", phone="13900000004")["id"]
    return a, b, c


def test_as_of_is_that_days_truth(kefu, history):
    a, b, c = history
    rep = kefu.ok("report", "deadlines", "--as-of", "2026-10-09", "--json")
    assert rep["as_of"] == "2026-10-09" and rep["history"] is True
    items = {(i["case_id"], i["kind"]): i for i in rep["items"]}
    assert b not in {cid for cid, _ in items}  # registered later: absent
    # A's decision was met on 10-13, after the as-of day: open (overdue since 10-08) there.
    assert (items[(a, "decision")]["status"], items[(a, "decision")]["working_days_left"]) == ("overdue", -1)
    # C's pause started 10-12: not a pause on 10-09; its decision is due that day.
    assert items[(c, "decision")]["status"] == "due_today"
    assert rep["summary"]["paused"] == 0
    # Seen today, A is decided, C paused, B present.
    now = kefu.ok("report", "deadlines", "--json")
    assert now["history"] is False
    keys = {(i["case_id"], i["kind"]): i["status"] for i in now["items"]}
    assert (a, "decision") not in keys and keys[(c, "decision")] == "paused" and (b, "decision") in keys
    # The human report says which as-of it used.
    assert "截至 2026-10-09(星期五)日终" in kefu.ok("report", "deadlines", "--as-of", "2026-10-09")


def test_stats_to_a_past_day_is_that_days_history(kefu, history):
    a, b, c = history
    then = kefu.ok("report", "stats", "--from", "2026-09-01", "--to", "2026-10-09", "--json")
    assert then["as_of"] == "2026-10-09" and then["history"] is True
    assert then["complaints"]["total"] == 2  # B was received 10-13
    assert then["durations"]["to_decision"]["count"] == 0  # A was decided 10-13
    decision = [r for r in then["on_time"] if r["kind"] == "decision"][0]
    assert (decision["overdue"], decision["pending"], decision["late"]) == (1, 1, 0)
    now = kefu.ok("report", "stats", "--from", "2026-09-01", "--to", "2026-10-09", "--as-of", str(today_cst()), "--json")
    assert now["history"] is False and now["durations"]["to_decision"]["count"] == 1
    decision = [r for r in now["on_time"] if r["kind"] == "decision"][0]
    # A met late (10-13 > 10-08); C paused after its due day: a miss, counted late.
    assert (decision["late"], decision["overdue"]) == (2, 0)


def test_todays_report_equals_the_fold_of_the_events(kefu, history):
    """The projection (deadline rows) and the fold of the events agree for today."""
    from kefu_cli.services.context import unit_of_work
    from kefu_cli.services.reports import deadline_report
    from kefu_cli.services.stats import stats_report

    today = today_cst()
    with unit_of_work(kefu.db, write=False) as uow:
        rows = deadline_report(uow, today, history=False)
        folded = deadline_report(uow, today, history=True)
        s_rows = stats_report(uow, dt.date(2026, 9, 1), today, today, history=False)
        s_folded = stats_report(uow, dt.date(2026, 9, 1), today, today, history=True)
    rows.pop("history"), folded.pop("history"), s_rows.pop("history"), s_folded.pop("history")
    assert rows["items"] and rows == folded
    assert s_rows == s_folded
    assert kefu.ok("report", "deadlines", "--json") == kefu.ok("report", "deadlines", "--as-of", str(today), "--json")


# --- 4. steps in order ---------------------------------------------------------------------------


def test_steps_are_refused_out_of_order_in_the_future_or_out_of_range(kefu):
    cid = add(kefu, "2026-09-21T09:00")["id"]
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-23T10:00")
    before = everything(kefu.db)
    future = (now_cst() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    cases = [
        (["complaint", "decide", cid, "--result", "x", "--at", "2026-09-22T10:00"], "早于上一次"),
        (["complaint", "decide", cid, "--result", "x", "--at", future], "晚于现在"),
        (["complaint", "decide", cid, "--result", "x", "--at", f"{now_cst().year + 1}-03-01T10:00"], "晚于现在"),
        (["complaint", "decide", cid, "--result", "x", "--at", "0001-01-01T10:00"], "2000-01-01"),
        (["complaint", "decide", cid, "--result", "x", "--at", "9999-12-31"], "2099-12-31"),
        (["complaint", "add", "--received", "1999-12-31T10:00", "--channel", "phone", "--category", "claims",
          "--name", "甲", "--phone", "13812345678"], "2000-01-01"),  # fmt: skip
        (["complaint", "add", "--received", future, "--channel", "phone", "--category", "claims",
          "--name", "甲", "--phone", "13812345678"], "--received"),  # fmt: skip
        (["callback", "add", "--kind", "other", "--name", "甲", "--phone", "13812345678", "--due", "9999-12-31"],
         "2099-12-31"),  # fmt: skip
        (["callback", "add", "--kind", "claim", "--name", "甲", "--phone", "13812345678", "--closed-date",
          "0001-01-01"], "2000-01-01"),  # fmt: skip
        (["report", "deadlines", "--as-of", "9999-12-31"], "2099-12-31"),
    ]
    for args, word in cases:
        r = kefu(*args)
        assert r.code == 2, (args, r.out, r.err)
        assert word in r.err and "Traceback" not in r.err, (args, r.err)
        assert len(r.err.strip().splitlines()) == 1, r.err
    assert everything(kefu.db) == before
    # Every report still runs.
    assert kefu("report", "deadlines", "--json").code == 0
    assert kefu("report", "stats", "--json").code == 0


def test_a_callback_attempt_before_the_callback_existed_is_refused(kefu):
    cid = kefu.ok(
        "callback", "add", "--kind", "other", "--name", "林", "--phone", "13811110001", "--due", "2026-10-20",
        "--at", "2026-09-21T09:00", "--json",
    )["id"]  # fmt: skip
    r = kefu("callback", "attempt", cid, "--method", "electronic", "--result", "success", "--at", "2026-09-20T10:00")
    assert r.code == 2 and "早于上一次" in r.err


def test_a_date_without_a_time_means_nine_in_the_morning(kefu):
    out = add(kefu, "2026-09-21")
    assert out["received_at"] == "2026-09-21T09:00:00+08:00"
    acc = kefu.ok("complaint", "accept", out["id"], "--at", "2026-09-22", "--json")
    assert acc["accepted_at"] == "2026-09-22T09:00:00+08:00"
    assert "09:00" in kefu.ok("complaint", "accept", "--help")


def test_the_record_of_all_these_steps_verifies(kefu, history):
    """Pauses, late pauses, extensions, decisions: every row is still the fold of its events."""
    a, b, c = history
    kefu.ok("complaint", "resume", c, "--at", "2026-10-20T09:00")
    kefu.ok("complaint", "extend", c, "--level", "complex", "--late", "--at", "2026-10-21T09:00")
    kefu.ok("complaint", "withdraw", b, "--at", "2026-10-22T09:00")
    result = kefu.ok("db", "verify", "--json")
    assert result["ok"] and result["checked"]["complaint"] == 3, result["problems"]
