"""Every acceptance outcome, merge, withdrawal, regulator transfer and forbidden transition,
through the CLI (exit code, message, and that a refusal changes nothing).

Dates worked out by hand on the 2026 calendar (Mid-Autumn Fri 09-25 off; Sun 09-20 and
Sat 10-10 make-up workdays; National Day 10-01..07 off).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest


def add(kefu, *extra, received="2026-09-21T09:00", phone="13812345678", category="claims", name="张三"):
    args = ["complaint", "add", "--received", received, "--channel", "phone", "--category", category]
    args += ["--name", name, "--phone", phone, *extra, "--json"]
    return kefu.ok(*args)


def rows(data, kind):
    return [(d["status"], d["due"]) for d in data["deadlines"] if d["kind"] == kind]


def audit_count(kefu) -> int:
    with sqlite3.connect(kefu.db) as conn:
        return conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]


def snapshot(kefu):
    with sqlite3.connect(kefu.db) as conn:
        return (
            conn.execute("SELECT * FROM complaint ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM deadline ORDER BY id").fetchall(),
            conn.execute("SELECT count(*) FROM audit_event").fetchone(),
        )


@pytest.mark.parametrize(
    "code,label",
    [
        ("not_consumer", "非消费者本人或其受托人提出"),
        ("duplicate_open", "同一投诉已受理且在处理期限内,无新事实或新理由"),
        ("duplicate_decided", "同一投诉已作出处理决定,无新事实或新理由"),
        ("not_company", "属于投诉但不属本公司处理"),
        ("not_complaint", "不属于投诉"),
    ],
)
def test_every_reject_code(kefu, code, label):
    cid = add(kefu)["id"]
    out = kefu.ok(
        "complaint", "reject", cid, "--reason", code, "--note", "见记录", "--at", "2026-09-23T10:00", "--json"
    )
    assert out["status"] == "rejected"
    assert (out["reject_reason"], out["reject_note"]) == (code, "见记录")
    assert out["rejected_at"] == "2026-09-23T10:00:00+08:00"
    # Acceptance 10 工作日 after Mon 09-21: 22, 23, 24, [25-27 off], 28, 29, 30 (6), [10-01..07 off],
    # 10-08, 09, Sat 10 make-up, Mon 12 (10) → 2026-10-12; met. Nothing stays open.
    assert rows(out, "acceptance") == [("met", "2026-10-12")]
    assert [s for s, _ in rows(out, "decision")] == ["not_applicable"]
    assert [d for d in out["deadlines"] if d["status"] == "open"] == []
    human = kefu.ok("complaint", "show", cid)
    assert "不予受理" in human
    # The Chinese label is accepted as well.
    cid2 = add(kefu, phone="13900000000")["id"]
    r = kefu("complaint", "reject", cid2, "--reason", label)
    assert r.code == 0, r.err
    assert label in r.out


def test_reject_needs_a_valid_reason_and_changes_nothing(kefu):
    cid = add(kefu)["id"]
    before = snapshot(kefu)
    r = kefu("complaint", "reject", cid)
    assert r.code == 2 and "--reason" in r.err and "not_consumer" in r.err
    r = kefu("complaint", "reject", cid, "--reason", "bored")
    assert r.code == 2 and "'bored'" in r.err and "not_complaint" in r.err
    assert snapshot(kefu) == before
    assert "Traceback" not in r.err


def test_transfer_external_and_internal(kefu):
    a = add(kefu)["id"]
    out = kefu.ok("complaint", "transfer", a, "--to", "某银行信用卡中心", "--at", "2026-09-22T10:00", "--json")
    assert (out["status"], out["transfer_to"], out["transfer_internal"]) == ("transferred", "某银行信用卡中心", False)
    assert rows(out, "acceptance") == [("met", "2026-10-12")]  # see test_every_reject_code
    assert [s for s, _ in rows(out, "decision")] == ["not_applicable"]
    b = add(kefu, phone="13900000001")["id"]
    out = kefu.ok("complaint", "transfer", b, "--to", "保全部", "--internal", "--json")
    assert (out["transfer_to"], out["transfer_internal"]) == ("保全部", True)
    assert out["transferred_at"] is not None


def test_merge_with_new_facts_restarts_the_decision_clock(kefu):
    # First complaint received Mon 09-21: decision 15 日 from receipt: 09-21 + 15 = Tue 10-06
    # (National Day) → next working day Thu 2026-10-08.
    first = add(kefu, "--policy", "P-9")["id"]
    kefu.ok("complaint", "accept", first, "--at", "2026-09-22T10:00")
    # The repeat arrives Fri 10-09 10:00 with new facts and complete materials.
    second = add(kefu, "--policy", "P-9", received="2026-10-09T10:00")
    assert second["duplicates"] == [first]
    out = kefu.ok(
        "complaint", "merge", second["id"], "--into", first, "--new-facts", "--at", "2026-10-09T15:00", "--json"
    )
    assert (out["status"], out["merged_into"]) == ("merged", first)
    assert [d for d in out["deadlines"] if d["status"] == "open"] == []
    # Its own 15 days from 10-09 (same dates as the restart below), replaced by the restart.
    assert rows(out, "decision") == [("superseded", "2026-10-26")]
    # The first case's decision restarts from the new materials (10-09 10:00):
    # 10-09 + 15 = Sat 10-24 → Mon 2026-10-26.
    target = kefu.ok("complaint", "show", first, "--json")
    assert target["status"] == "accepted"
    assert rows(target, "decision") == [("superseded", "2026-10-08"), ("open", "2026-10-26")]
    # The first period had already run out on 10-08: the restart does not undo that miss.
    seen = kefu.ok("complaint", "show", first, "--as-of", "2026-10-09", "--json")
    assert [d["breached"] for d in seen["deadlines"] if d["kind"] == "decision"] == [True, False]
    new_row = [d for d in target["deadlines"] if d["kind"] == "decision"][-1]
    assert new_row["start_at"] == "2026-10-09T10:00:00+08:00"
    assert second["id"] in new_row["basis"] and "新事实" in new_row["basis"]
    merge_in = [e for e in target["events"] if e["action"] == "merge_in"]
    assert merge_in[0]["details"]["source"] == second["id"]


def test_merge_without_new_facts_rejects_as_duplicate_open_or_decided(kefu):
    first = add(kefu, "--policy", "P-1")["id"]
    kefu.ok("complaint", "accept", first, "--at", "2026-09-22T10:00")
    repeat = add(kefu, "--policy", "P-1", received="2026-09-24T10:00")["id"]
    out = kefu.ok("complaint", "merge", repeat, "--into", first, "--at", "2026-09-24T11:00", "--json")
    assert (out["status"], out["reject_reason"]) == ("rejected", "duplicate_open")
    assert first in out["reject_note"]
    # The first case is untouched: its decision row is the original one.
    assert rows(kefu.ok("complaint", "show", first, "--json"), "decision") == [("open", "2026-10-08")]

    kefu.ok("complaint", "decide", first, "--result", "已解释条款", "--at", "2026-09-28T10:00")
    again = add(kefu, "--policy", "P-1", received="2026-09-29T10:00")
    assert again["duplicates"] == [first]  # the rejected repeat is not counted as a duplicate
    out = kefu.ok("complaint", "merge", again["id"], "--into", first, "--json")
    assert (out["status"], out["reject_reason"]) == ("rejected", "duplicate_decided")


def test_merge_refusals(kefu):
    first = add(kefu)["id"]
    kefu.ok("complaint", "accept", first, "--at", "2026-09-22T10:00")
    other = add(kefu, phone="13900000002")["id"]
    before = snapshot(kefu)
    r = kefu("complaint", "merge", other, "--into", other, "--new-facts")
    assert r.code == 2 and "自身" in r.err
    r = kefu("complaint", "merge", other, "--into", "TS-20990101-0001", "--new-facts")
    assert r.code == 2 and "TS-20990101-0001" in r.err
    kefu.ok("complaint", "pause", first, "--reason", "鉴定", "--at", "2026-09-23T10:00")
    before = snapshot(kefu)
    r = kefu("complaint", "merge", other, "--into", first, "--new-facts")
    assert r.code == 2 and "中止(鉴定、调解等)" in r.err and "resume" in r.err
    assert snapshot(kefu) == before


def test_withdrawal_closes_open_deadlines_as_not_applicable(kefu):
    cid = add(kefu, "--incomplete")["id"]
    out = kefu.ok("complaint", "withdraw", cid, "--at", "2026-09-22T16:00", "--json")
    assert out["status"] == "withdrawn" and out["withdrawn_at"] == "2026-09-22T16:00:00+08:00"
    assert {d["kind"]: d["status"] for d in out["deadlines"]} == {
        "supplement_notice": "not_applicable",
        "decision": "not_applicable",  # runs from receipt, materials or not
        "initial_investigation": "not_applicable",
    }
    # A paused complaint can be withdrawn too; its decision deadline no longer applies.
    b = add(kefu, phone="13900000003")["id"]
    kefu.ok("complaint", "accept", b, "--at", "2026-09-22T10:00")
    kefu.ok("complaint", "pause", b, "--reason", "鉴定", "--at", "2026-09-23T10:00")
    out = kefu.ok("complaint", "withdraw", b, "--at", "2026-09-24T10:00", "--json")
    assert rows(out, "decision") == [("not_applicable", "2026-10-08")]
    assert out["paused_at"] is None
    r = kefu("complaint", "withdraw", b)
    assert r.code == 2 and "已撤回" in r.err


def test_regulator_transferred_complaint(kefu):
    # Received Mon 09-28. Default report deadline 15 工作日: 29, 30, 10-08, 09, Sat 10 (5),
    # 12..16 (10), 19..23 (15) → 2026-10-23.
    out = kefu.ok(
        "complaint", "add", "--received", "2026-09-28T09:00", "--channel", "监管转办", "--category", "销售",
        "--name", "钱七", "--phone", "13600001111", "--regulator-ref", "京金诉〔2026〕88号", "--json",
    )  # fmt: skip
    cid = out["id"]
    assert out["regulator_ref"] == "京金诉〔2026〕88号"
    reg = [d for d in out["deadlines"] if d["kind"] == "regulator_report"]
    assert [(d["status"], d["due"], d["rule"]) for d in reg] == [("open", "2026-10-23", "complaint.regulator_report")]
    with sqlite3.connect(kefu.db) as conn:
        cbs = conn.execute("SELECT kind, complaint_id FROM callback").fetchall()
        cb_due = conn.execute("SELECT due FROM callback").fetchone()[0]
    assert cbs == [("regulator", cid)]  # a 100% callback, no later than the report deadline
    assert cb_due <= "2026-10-23"

    # The regulator's own date wins.
    fixed = kefu.ok(
        "complaint", "add", "--received", "2026-09-28T09:00", "--channel", "regulator", "--category", "sales",
        "--name", "孙八", "--phone", "13600002222", "--regulator-ref", "R-2", "--regulator-due", "2026-10-09", "--json",
    )  # fmt: skip
    reg = [d for d in fixed["deadlines"] if d["kind"] == "regulator_report"][0]
    assert (reg["due"], reg["rule"]) == ("2026-10-09", "fixed")

    # Rejecting it leaves the report to the regulator open; regulator-report meets it.
    out = kefu.ok("complaint", "reject", cid, "--reason", "not_company", "--at", "2026-09-29T10:00", "--json")
    assert rows(out, "regulator_report") == [("open", "2026-10-23")]
    out = kefu.ok("complaint", "regulator-report", cid, "--at", "2026-10-26T10:00", "--json")
    reg = [d for d in out["deadlines"] if d["kind"] == "regulator_report"][0]
    assert (reg["status"], reg["late"]) == ("met", True)  # met late, and kept as late
    r = kefu("complaint", "regulator-report", cid)
    assert r.code == 2 and "监管报告" in r.err


def test_regulator_options_are_checked(kefu):
    base = ["complaint", "add", "--received", "2026-09-28T09:00", "--category", "销售", "--name", "钱七"]
    r = kefu(*base, "--phone", "13600001111", "--channel", "监管转办")
    assert r.code == 2 and "--regulator-ref" in r.err
    r = kefu(*base, "--phone", "13600001111", "--channel", "phone", "--regulator-ref", "X")
    assert r.code == 2 and "--channel regulator" in r.err
    r = kefu(
        *base,
        "--phone",
        "13600001111",
        "--channel",
        "regulator",
        "--regulator-ref",
        "X",
        "--regulator-due",
        "2026-09-01",
    )
    assert r.code == 2 and "早于接收日" in r.err
    with sqlite3.connect(kefu.db) as conn:
        assert conn.execute("SELECT count(*) FROM complaint").fetchone()[0] == 0


FORBIDDEN = [
    # (set-up steps, action, current status label, a word from the allowed list)
    (["reject:not_complaint"], ["decide", "--result", "x"], "不予受理", "regulator-report"),
    (["accept"], ["accept"], "已受理(处理中)", "decide"),
    (["accept"], ["resume"], "已受理(处理中)", "pause"),
    ([], ["resume"], "待受理", "accept"),
    ([], ["pause", "--reason", "鉴定"], "待受理", "accept"),
    ([], ["decide", "--result", "x"], "待受理", "reject"),
    ([], ["materials", "--complete"], "待受理", "accept"),
    ([], ["extend", "--level", "complex"], "待受理", "accept"),
    (["accept", "decide"], ["withdraw"], "已作出处理决定", "regulator-report"),
    (["accept", "decide"], ["reject", "--reason", "not_consumer"], "已作出处理决定", "regulator-report"),
    (["withdraw"], ["accept"], "已撤回", "无(案件已办结)"),
    (["transfer"], ["accept"], "已转办", "regulator-report"),
]


@pytest.mark.parametrize("setup,action,status_zh,allowed", FORBIDDEN)
def test_forbidden_transitions(kefu, setup, action, status_zh, allowed):
    cid = add(kefu)["id"]
    for step in setup:
        if step.startswith("reject:"):
            kefu.ok("complaint", "reject", cid, "--reason", step.split(":")[1], "--at", "2026-09-22T10:00")
        elif step == "decide":
            kefu.ok("complaint", "decide", cid, "--result", "ok", "--at", "2026-09-23T10:00")
        elif step == "transfer":
            kefu.ok("complaint", "transfer", cid, "--to", "其他单位", "--at", "2026-09-22T10:00")
        else:
            kefu.ok("complaint", step, cid, "--at", "2026-09-22T10:00")
    before = snapshot(kefu)
    r = kefu("complaint", action[0], cid, *action[1:], "--at", "2026-09-24T10:00")
    assert r.code == 2, r.out
    assert f"当前状态为“{status_zh}”" in r.err, r.err
    assert allowed in r.err
    assert "Traceback" not in r.err
    assert snapshot(kefu) == before


def test_accept_on_incomplete_materials_is_refused(kefu):
    cid = add(kefu, "--incomplete")["id"]
    r = kefu("complaint", "accept", cid)
    assert r.code == 2 and "待补充材料" in r.err and "materials --complete" in r.err


def test_extension_rules(kefu):
    cid = add(kefu)["id"]
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    r = kefu("complaint", "extend", cid, "--level", "special")
    assert r.code == 2 and "--approver" in r.err
    r = kefu("complaint", "extend", cid, "--level", "huge")
    assert r.code == 2 and "complex" in r.err
    kefu.ok("complaint", "extend", cid, "--level", "complex", "--at", "2026-10-08T10:00")
    r = kefu("complaint", "extend", cid, "--level", "complex")
    assert r.code == 2 and "重复" in r.err
    out = kefu.ok(
        "complaint", "extend", cid, "--level", "special", "--approver", "王总", "--at", "2026-10-20T10:00", "--json"
    )
    assert (out["extension_level"], out["extension_approver"]) == ("special", "王总")
    decisions = [(d["status"], d["rule"]) for d in out["deadlines"] if d["kind"] == "decision"]
    assert decisions == [
        ("superseded", "complaint.decision"),
        ("superseded", "complaint.decision_complex"),
        ("open", "complaint.decision_special"),
    ]
    # All from receipt Mon 09-21: 15 日 → 10-06 (National Day) → 10-08; complex 30 日 → Wed 10-21;
    # special 60 日 → Fri 11-20. Each extension was asked for before the running period ran out.
    dues = [d["due"] for d in out["deadlines"] if d["kind"] == "decision"]
    assert dues == ["2026-10-08", "2026-10-21", "2026-11-20"]
    then = kefu.ok("complaint", "show", cid, "--as-of", "2026-10-20", "--json")  # a step's JSON is judged today
    assert not any(d["breached"] for d in then["deadlines"] if d["kind"] == "decision")
    r = kefu("complaint", "extend", cid, "--level", "special", "--approver", "王总")
    assert r.code == 2 and "不能再延期" in r.err


def test_notify_and_investigate_meet_their_deadlines(kefu):
    cid = add(kefu, "--incomplete", received="2026-09-17T10:00")["id"]
    out = kefu.ok("complaint", "investigate", cid, "--at", "2026-09-17T16:00", "--json")
    inv = [d for d in out["deadlines"] if d["kind"] == "initial_investigation"][0]
    assert (inv["status"], inv["late"]) == ("met", False)
    r = kefu("complaint", "investigate", cid)
    assert r.code == 2 and "初步调查" in r.err
    # Supplement notice 5 工作日 after Thu 09-17 → Wed 09-23 (Sun 09-20 is a make-up day);
    # told on Thu 09-24 → met late.
    out = kefu.ok("complaint", "notify", cid, "--at", "2026-09-24T10:00", "--json")
    note = [d for d in out["deadlines"] if d["kind"] == "supplement_notice"][0]
    assert (note["due"], note["status"], note["late"]) == ("2026-09-23", "met", True)
    assert out["status"] == "awaiting_materials"
    r = kefu("complaint", "notify", cid)
    assert r.code == 2 and "重复" in r.err


def test_at_before_receipt_and_unknown_number_are_refused(kefu):
    cid = add(kefu)["id"]
    r = kefu("complaint", "accept", cid, "--at", "2026-09-20T10:00")
    assert r.code == 2 and "早于" in r.err
    r = kefu("complaint", "accept", "TS-20260101-9999")
    assert r.code == 2 and "TS-20260101-9999" in r.err and "kefu complaint list" in r.err
    # Lower-case numbers typed on the phone are found.
    assert kefu.ok("complaint", "accept", cid.lower(), "--at", "2026-09-22T10:00", "--json")["status"] == "accepted"


def test_bad_inputs_on_add(kefu):
    base = ["complaint", "add", "--received", "2026-09-21T09:00", "--name", "张三"]
    r = kefu(*base, "--channel", "pigeon", "--category", "claims", "--phone", "13812345678")
    assert r.code == 2 and "--channel" in r.err and "电话(phone)" in r.err
    r = kefu(*base, "--channel", "phone", "--category", "claims", "--phone", "call me")
    assert r.code == 2 and "--phone" in r.err
    r = kefu(*base, "--channel", "phone", "--category", "claims", "--phone", "13812345678", "--relation", "朋友")
    assert r.code == 2 and "--relation" in r.err
    r = kefu(
        "complaint",
        "add",
        "--received",
        "tomorrow",
        "--name",
        "x",
        "--channel",
        "phone",
        "--category",
        "claims",
        "--phone",
        "13812345678",
    )
    assert r.code == 2 and "--received" in r.err
    with sqlite3.connect(kefu.db) as conn:
        assert conn.execute("SELECT count(*) FROM complaint").fetchone()[0] == 0


def test_a_receipt_time_after_the_registration_is_refused(kefu):
    """A typo like 2026-12-20 for 2026-11-20 would start every deadline a month late."""
    r = kefu(
        "complaint", "add", "--received", "2026-12-20T10:00", "--channel", "phone", "--category", "claims",
        "--name", "张三", "--phone", "13812345678", "--at", "2026-11-20T10:00",
    )  # fmt: skip
    assert r.code == 2
    assert "--received" in r.err and "2026-12-20 10:00" in r.err and "Traceback" not in r.err
    assert kefu.ok("complaint", "list", "--json")["count"] == 0
    # without --at the registration time defaults to the receipt time: the clock bounds it
    from kefu_cli.services import clock

    future = (clock.now() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    r = kefu(
        "complaint", "add", "--received", future, "--channel", "phone", "--category", "claims",
        "--name", "张三", "--phone", "13812345678",
    )  # fmt: skip
    assert r.code == 2 and "--received" in r.err
    assert kefu.ok("complaint", "list", "--json")["count"] == 0
