"""Corrections by audited events: edit a registration (dates that depend on it move), undo the
last step (a compensating event; the history keeps both), reschedule a callback. Every test
ends with `db verify`: the rows are still what their events fold to."""

from __future__ import annotations

import datetime as dt


def add(kefu, received="2026-11-13T13:15", at=None, **extra):
    args = ["complaint", "add", "--received", received, "--channel", "电话", "--category", "服务",
            "--name", "何文静", "--phone", "13100007777", "--branch", "丰台营业部", "--handler", "刘洋"]  # fmt: skip
    for k, v in extra.items():
        args += [f"--{k.replace('_', '-')}", v]
    return kefu.ok(*args, "--at", at or received, "--json")["id"]


def dues(kefu, cid):
    return {d["kind"]: d["due"] for d in kefu.ok("complaint", "show", cid, "--json")["deadlines"] if d["status"] != "void"}


def test_editing_the_receipt_time_moves_the_deadlines_that_run_from_it(kefu):
    # received Friday 2026-09-25 (before National Day, Oct 1-7 off, Saturday 10-10 a make-up
    # working day): decision 15 calendar days → Saturday 10-10, a working day, so no roll;
    # acceptance 10 working days from receipt (complete on receipt) crosses the holiday → 10-15
    cid = add(kefu, received="2026-09-25T10:00")
    before = dues(kefu, cid)
    assert before == {"acceptance": "2026-10-15", "decision": "2026-10-10", "initial_investigation": "2026-09-26"}
    out = kefu.ok("complaint", "edit", cid, "--received", "2026-09-24T10:00", "--reason", "登记簿抄录日期错误",
                  "--at", "2026-09-28T09:00", "--json")  # fmt: skip
    moved = {m["kind"]: (m["due_before"], m["due_after"]) for m in out["moved"]}
    # 09-24 + 15 calendar days = 10-09 (the worked example of RULES §2); the acceptance does not
    # move: 09-25 is the Mid-Autumn holiday, so 10 working days from either day end on 10-15
    assert moved["decision"] == ("2026-10-10", "2026-10-09")
    assert "acceptance" not in moved
    assert moved["initial_investigation"] == ("2026-09-26", "2026-09-25")
    assert dues(kefu, cid) == {**before, **{k: v[1] for k, v in moved.items()}}
    show = kefu.ok("complaint", "show", cid, "--json")
    assert show["received_at"].startswith("2026-09-24T10:00") and show["materials_complete_at"].startswith("2026-09-24")
    edit = [e for e in show["events"] if e["action"] == "edit"][0]
    assert edit["details"]["before"]["received_at"].startswith("2026-09-25T10:00")
    assert edit["details"]["reason"] == "登记簿抄录日期错误"
    text = kefu.ok("complaint", "edit", cid, "--category", "理赔", "--reason", "类别选错")
    assert "服务 → 理赔" in text
    assert "随更正重算" in kefu.ok("complaint", "show", cid, "--all")  # deadline rows: with --all
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_an_edit_can_not_make_a_breach_disappear_nor_move_receipt_after_a_step(kefu):
    # a letter dated 11-02 registered from the paper log on 11-09
    cid = add(kefu, received="2026-11-02T09:00", at="2026-11-09T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-20T10:00")  # acceptance was due 11-16: late
    late = [d for d in kefu.ok("complaint", "show", cid, "--json")["deadlines"] if d["kind"] == "acceptance"][0]
    assert late["breached"]
    r = kefu("complaint", "edit", cid, "--received", "2026-11-21T09:00", "--reason", "x", "--at", "2026-11-21T10:00")
    assert r.code == 2 and "晚于本案已登记的步骤" in r.err
    r = kefu("complaint", "edit", cid, "--received", "2026-11-10T09:00", "--reason", "x", "--at", "2026-11-21T10:00")
    assert r.code == 2 and "2026-11-09" in r.err  # not after its registration
    kefu.ok("complaint", "edit", cid, "--received", "2026-11-06T09:00", "--reason", "实际收到日", "--at", "2026-11-21T10:00")
    now = [d for d in kefu.ok("complaint", "show", cid, "--json")["deadlines"] if d["kind"] == "acceptance"][0]
    assert now["due"] == "2026-11-20" and now["breached"], "a recorded breach stays recorded"
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_edit_refuses_bad_input_with_one_sentence_and_changes_nothing(kefu):
    cid = add(kefu)
    before = kefu.ok("complaint", "show", cid, "--json")
    for args, words in [
        (["--reason", "x"], "没有要更正的字段"),
        (["--phone", "12345", "--reason", "x"], "--phone"),
        (["--category", "天气", "--reason", "x"], "--category"),
        (["--channel", "监管转办", "--reason", "x"], "--regulator-ref"),
        (["--name", "何文静", "--reason", "x"], "没有需要更正"),
        (["--phone", "13100001111"], "--reason"),
        (["--received", "2026-02-30", "--reason", "x"], "--received"),
    ]:
        r = kefu("complaint", "edit", cid, *args)
        assert r.code == 2, (args, r.out, r.err)
        assert words in r.err, (args, r.err)
        assert "Traceback" not in r.err
    after = kefu.ok("complaint", "show", cid, "--json")
    assert after == before


def test_channel_corrected_to_regulator_starts_the_report_deadline_and_callback(kefu):
    cid = add(kefu, received="2026-11-02T09:00")
    out = kefu.ok("complaint", "edit", cid, "--channel", "监管转办", "--regulator-ref", "京金转〔2026〕9号",
                  "--regulator-due", "2026-11-30", "--reason", "实为监管转办", "--at", "2026-11-03T09:00", "--json")  # fmt: skip
    assert [m["kind"] for m in out["moved"]] == ["regulator_report"]
    show = kefu.ok("complaint", "show", cid, "--json")
    assert [k["kind"] for k in show["callbacks"]] == ["regulator"]
    back = kefu.ok("complaint", "edit", cid, "--channel", "电话", "--reason", "改回", "--at", "2026-11-03T10:00", "--json")
    assert [(m["kind"], m["due_after"]) for m in back["moved"]] == [("regulator_report", None)]
    show = kefu.ok("complaint", "show", cid, "--json")
    assert show["regulator_ref"] is None and show["callbacks"][0]["voided"]
    last_edit = [e for e in show["events"] if e["action"] == "edit"][-1]["details"]
    assert last_edit["before"]["regulator_ref"] == "京金转〔2026〕9号", "the old reference is kept in the event"
    assert last_edit["before"]["regulator_due"] == "2026-11-30" and last_edit["after"]["regulator_ref"] is None
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_undo_reverses_the_last_step_with_a_compensating_event(kefu):
    cid = add(kefu, received="2026-11-02T09:00")
    before = kefu.ok("complaint", "show", cid, "--json")
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    out = kefu.ok("complaint", "undo", cid, "--reason", "受理错了案件", "--at", "2026-11-03T11:00", "--json")
    assert out["undone"]["action"] == "accept" and out["status"] == "registered"
    after = kefu.ok("complaint", "show", cid, "--json")
    assert after["status"] == "registered" and after["accepted_at"] is None
    strip = ("id", "status", "due", "met_at", "closed_at", "breached")
    assert [{k: d[k] for k in strip} for d in after["deadlines"]] == [{k: d[k] for k in strip} for d in before["deadlines"]]
    actions = [e["action"] for e in after["events"] if e["entity"] == "complaint"]
    assert actions == ["register", "accept", "undo"], "the history keeps both the step and its undo"
    # the right case gets accepted now; nothing to undo twice
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-04T10:00")
    assert kefu.ok("db", "verify", "--json")["ok"]
    # as of the day in between, the report shows the acceptance open again
    kefu.ok("complaint", "undo", cid, "--reason", "再试", "--at", "2026-11-04T11:00")
    assert "撤销上一步“受理”" in kefu.ok("complaint", "show", cid)
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_undoing_a_decision_voids_the_callback_it_scheduled_and_reopens_the_period(kefu):
    cid = add(kefu, received="2026-11-02T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    kefu.ok("complaint", "decide", cid, "--result", "同意赔付", "--at", "2026-11-10T10:00")
    show = kefu.ok("complaint", "show", cid, "--json")
    callback = show["callbacks"][0]["id"]
    out = kefu.ok("complaint", "undo", cid, "--reason", "决定尚未批准", "--at", "2026-11-10T11:00", "--json")
    assert out["callbacks"] == [callback]
    show = kefu.ok("complaint", "show", cid, "--json")
    assert show["status"] == "accepted" and show["result"] is None and show["decided_at"] is None
    decision = [d for d in show["deadlines"] if d["kind"] == "decision"][0]
    assert decision["status"] == "open"
    assert kefu.ok("callback", "show", callback, "--json")["voided_at"] is not None
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_undo_of_a_resume_takes_the_added_pause_back(kefu):
    cid = add(kefu, received="2026-11-02T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    kefu.ok("complaint", "pause", cid, "--reason", "伤残鉴定", "--at", "2026-11-05T10:00")
    paused = dues(kefu, cid)
    kefu.ok("complaint", "resume", cid, "--at", "2026-11-12T10:00")
    assert dues(kefu, cid)["decision"] > paused["decision"]
    kefu.ok("complaint", "undo", cid, "--reason", "鉴定尚未结束", "--at", "2026-11-12T11:00")
    show = kefu.ok("complaint", "show", cid, "--json")
    assert show["status"] == "paused" and show["paused_at"].startswith("2026-11-05")
    assert dues(kefu, cid) == paused
    kefu.ok("complaint", "resume", cid, "--at", "2026-11-16T10:00")
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_undo_refuses_a_case_without_steps_and_a_voided_case(kefu):
    cid = add(kefu)
    r = kefu("complaint", "undo", cid, "--reason", "x")
    assert r.code == 2 and "void" in r.err
    kefu.ok("complaint", "void", cid, "--reason", "测试数据")
    r = kefu("complaint", "undo", cid, "--reason", "x")
    assert r.code == 2 and "已作废" in r.err


def test_callback_reschedule_keeps_the_rule_deadline_and_flags_a_late_appointment(kefu):
    from kefu_cli.services import clock

    today = clock.today()
    cb = kefu.ok("callback", "add", "--kind", "satisfaction", "--name", "李明", "--phone", "13900112233",
                 "--due", str(today + dt.timedelta(days=3)), "--json")["id"]  # fmt: skip
    ok = kefu.ok("callback", "reschedule", cb, "--to", str(today + dt.timedelta(days=2)), "--reason", "客户要求", "--json")
    assert ok["late"] is False
    r = kefu("callback", "reschedule", cb, "--to", str(today + dt.timedelta(days=10)), "--reason", "客户出差")
    assert r.code == 0 and "逾期" in r.err
    view = kefu.ok("callback", "show", cb, "--json")
    assert view["due"] == str(today + dt.timedelta(days=3))
    assert view["scheduled_at"].startswith(str(today + dt.timedelta(days=10)))
    r = kefu("callback", "reschedule", cb, "--to", "2020-01-01", "--reason", "x")
    assert r.code == 2 and "早于现在" in r.err
    assert "改约回访时间" in kefu.ok("callback", "show", cb)
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_callback_edit_recomputes_the_cooling_off_deadline(kefu):
    cb = kefu.ok("callback", "add", "--kind", "new_policy", "--name", "林志远", "--phone", "13811110001",
                 "--policy", "P2026090001", "--receipt-date", "2026-09-20", "--at", "2026-09-21T09:00", "--json")  # fmt: skip
    assert kefu.ok("callback", "show", cb["id"], "--json")["due"] == "2026-10-08"  # 10-05 in National Day → 10-08
    # 09-16 + 15 = 10-01, in the holiday too: rolled to the same 10-08, nothing moves
    out = kefu.ok("callback", "edit", cb["id"], "--receipt-date", "2026-09-16", "--reason", "回执日期看错",
                  "--at", "2026-09-22T09:00", "--json")  # fmt: skip
    assert out["moved"] == [] and kefu.ok("callback", "show", cb["id"], "--json")["due"] == "2026-10-08"
    # 09-10 + 15 = Friday 09-25, the Mid-Autumn Festival: rolled past the weekend to Monday 09-28
    out = kefu.ok("callback", "edit", cb["id"], "--receipt-date", "2026-09-10", "--reason", "回执日期看错",
                  "--at", "2026-09-22T10:00", "--json")  # fmt: skip
    assert [(m["due_before"], m["due_after"]) for m in out["moved"]] == [("2026-10-08", "2026-09-28")]
    assert kefu.ok("callback", "show", cb["id"], "--json")["due"] == "2026-09-28"
    r = kefu("callback", "edit", cb["id"], "--closed-date", "2026-09-16", "--reason", "x")
    assert r.code == 2 and "理赔" in r.err
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_second_new_policy_callback_needs_again_and_an_overdue_receipt_is_said(kefu):
    args = ["callback", "add", "--kind", "new_policy", "--name", "林志远", "--phone", "13811110001",
            "--policy", "P2026110001", "--receipt-date", "2026-10-02"]  # fmt: skip
    first = kefu(*args, "--json")
    assert first.code == 0 and first.json()["warnings"], "a receipt 2 months ago: the callback is overdue at once"
    assert "已逾期" in first.json()["warnings"][0]
    r = kefu(*args)
    assert r.code == 2 and "--again" in r.err
    assert kefu(*args, "--again").code == 0


def test_a_correction_made_outside_kefu_is_detected(kefu, db_path):
    import sqlite3

    cid = add(kefu)
    kefu.ok("complaint", "edit", cid, "--phone", "010-88889999", "--reason", "核对原件")
    assert kefu.ok("db", "verify", "--json")["ok"]
    with sqlite3.connect(db_path) as con:  # the row changed back by hand, no event
        con.execute("UPDATE complaint SET phone = '13100007777' WHERE id = ?", (cid,))
    r = kefu("db", "verify", "--json")
    assert r.code == 1 and any("电话" in p and cid in p for p in r.json()["problems"])


def test_undo_after_a_notice_went_out_says_the_letter_stays_sent(kefu, tmp_path):
    kefu.ok("branch", "add", "丰台营业部", "--full-name", "示例人寿保险股份有限公司北京丰台营业部",
            "--address", "北京市丰台区丰台路 18 号", "--phone", "010-63009876")  # fmt: skip
    cid = add(kefu, received="2026-11-02T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    kefu.ok("notice", cid, "--type", "acceptance", "--issue", "--out", str(tmp_path / "n.docx"), "--at", "2026-11-03T11:00")
    r = kefu("complaint", "undo", cid, "--reason", "受理错了", "--at", "2026-11-03T12:00")
    assert r.code == 0 and "已发出告知书" in r.err and "受理" in r.err
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_a_deadline_brought_back_by_undo_is_held_by_the_cases_handler_now(kefu):
    first = add(kefu, received="2026-11-02T09:00")
    kefu.ok("complaint", "accept", first, "--at", "2026-11-03T10:00")
    second = add(kefu, received="2026-11-04T09:00")
    kefu.ok("complaint", "merge", second, "--into", first, "--new-facts", "--at", "2026-11-04T10:00")
    kefu.ok("complaint", "edit", first, "--handler", "王强", "--reason", "改由王强负责", "--at", "2026-11-04T11:00")
    kefu.ok("complaint", "undo", first, "--reason", "合并错了", "--at", "2026-11-04T12:00")
    running = [d for d in kefu.ok("complaint", "show", first, "--json")["deadlines"] if d["status"] == "open"]
    assert running, "the decision period before the merge runs again"
    report = kefu.ok("report", "deadlines", "--handler", "王强", "--json")
    assert {i["case_id"] for i in report["items"]} == {first}
    assert all(i["case_id"] != first for i in kefu.ok("report", "deadlines", "--handler", "刘洋", "--json")["items"])
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_undo_of_a_merge_says_whose_deadlines_came_back(kefu):
    first = add(kefu, received="2026-11-02T09:00")
    kefu.ok("complaint", "accept", first, "--at", "2026-11-03T10:00")
    second = add(kefu, received="2026-11-04T09:00")
    kefu.ok("complaint", "merge", second, "--into", first, "--new-facts", "--at", "2026-11-04T10:00")
    out = kefu.ok("complaint", "undo", first, "--reason", "合并错了", "--at", "2026-11-04T12:00")
    lines = [x.strip() for x in out.splitlines() if "恢复为" in x]
    assert any(x.startswith(f"投诉 {second} 的期限 ") for x in lines), out
    assert any(x.startswith("期限 ") for x in lines), out  # the undone case's own, unnamed
    assert all(x.startswith(("期限 ", f"投诉 {second} 的期限 ")) for x in lines), out
