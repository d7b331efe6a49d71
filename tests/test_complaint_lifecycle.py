"""End to end through the CLI: incomplete → materials complete → accept → pause → resume →
extend complex → decide, with every deadline checked against dates worked out by hand.

Calendar facts used (State Council notice for 2026):
- Fri 2026-09-25 is Mid-Autumn (rest); Sat 26 / Sun 27 are weekend;
- Sun 2026-09-20 is a make-up working day;
- 2026-10-01 … 10-07 are National Day (rest); Sat 2026-10-10 is a make-up working day,
  Sun 10-11 rest.
"N 工作日 from day D" is the N-th working day after D (D itself never counts).
"N 日 from day D" is D + N calendar days, a rest day rolled to the next working day (民法典 §203);
the decision period is 15 日 from receipt of the complaint (2020 rule §18), not from complete
materials, and a pause adds its calendar days before the roll.
"""

from __future__ import annotations

import sqlite3


def _open(data, kind):
    rows = [d for d in data["deadlines"] if d["kind"] == kind and d["status"] == "open"]
    assert len(rows) == 1, f"expected one open {kind} deadline, got {rows}"
    return rows[0]


def _rows(data, kind):
    return [d for d in data["deadlines"] if d["kind"] == kind]


def test_full_lifecycle_across_national_day(kefu):
    # 1. Received Thu 2026-09-17 10:00, materials incomplete.
    #    Supplement notice, 5 工作日 after 09-17: Fri 18 (1), Sun 20 make-up (2), Mon 21 (3),
    #    Tue 22 (4), Wed 23 (5) → 2026-09-23.
    #    Initial investigation: 24 clock hours → 2026-09-18 10:00.
    #    Decision, 15 日 from receipt: 09-17 + 15 = Fri 10-02 (National Day) → next working day
    #    Thu 2026-10-08 — running from receipt even though the materials are incomplete.
    out = kefu.ok(
        "complaint", "add", "--received", "2026-09-17T10:00", "--channel", "电话", "--category", "理赔",
        "--name", "张三明", "--phone", "13812345678", "--policy", "P2026-001", "--relation", "本人",
        "--branch", "朝阳支公司", "--handler", "李四", "--summary", "理赔款迟迟未到", "--incomplete", "--json",
    )  # fmt: skip
    cid = out["id"]
    assert cid == "TS-20260917-0001"
    assert out["status"] == "awaiting_materials"
    assert out["duplicates"] == []
    assert {d["kind"]: d["due"] for d in out["deadlines"]} == {
        "supplement_notice": "2026-09-23",
        "decision": "2026-10-08",
        "initial_investigation": "2026-09-18",
    }
    assert _open(out, "initial_investigation")["due_at"] == "2026-09-18T10:00:00+08:00"
    assert all(d["provisional"] is False for d in out["deadlines"])

    # 2. Materials complete Tue 2026-09-22 10:00 (supplement notice met, on time).
    #    Acceptance, 10 工作日 after 09-22: Wed 23 (1), Thu 24 (2), [Fri 25 Mid-Autumn, 26, 27 rest],
    #    Mon 28 (3), Tue 29 (4), Wed 30 (5), [10-01..07 National Day], Thu 10-08 (6), Fri 10-09 (7),
    #    Sat 10-10 make-up (8), [Sun 11], Mon 10-12 (9), Tue 10-13 (10) → 2026-10-13.
    #    The decision period keeps running from receipt: still 2026-10-08, one row.
    out = kefu.ok("complaint", "materials", cid, "--complete", "--at", "2026-09-22T10:00", "--json")
    assert out["status"] == "registered"
    assert out["materials_complete_at"] == "2026-09-22T10:00:00+08:00"
    assert _open(out, "acceptance")["due"] == "2026-10-13"
    assert _open(out, "decision")["due"] == "2026-10-08"
    assert len(_rows(out, "decision")) == 1
    notice = _rows(out, "supplement_notice")[0]
    assert (notice["status"], notice["met_at"], notice["late"]) == ("met", "2026-09-22T10:00:00+08:00", False)
    # Working days left as of the action day 09-22 (`show --as-of`; the step's own result counts from
    # today, as its confirmation does): acceptance 10; decision: 23, 24, 28, 29, 30, 10-08 = 6.
    assert _open(out, "acceptance")["working_days_left"] < 0  # today, 2026-12-01: long overdue
    then = kefu.ok("complaint", "show", cid, "--as-of", "2026-09-22", "--json")
    assert _open(then, "acceptance")["working_days_left"] == 10
    assert _open(then, "decision")["working_days_left"] == 6

    # 3. Accepted Thu 2026-09-24 09:00: acceptance met on time; the initial investigation
    #    (due 09-18 10:00) is met by this first handling step — late, and kept as late.
    out = kefu.ok("complaint", "accept", cid, "--at", "2026-09-24T09:00", "--json")
    assert out["status"] == "accepted" and out["accepted_at"] == "2026-09-24T09:00:00+08:00"
    acc = _rows(out, "acceptance")[0]
    assert (acc["status"], acc["late"]) == ("met", False)
    inv = _rows(out, "initial_investigation")[0]
    assert (inv["status"], inv["met_at"], inv["late"]) == ("met", "2026-09-24T09:00:00+08:00", True)
    assert _open(out, "decision")["due"] == "2026-10-08"

    # 4. Paused Tue 2026-09-29 15:00 for an external appraisal, resumed Fri 2026-10-09.
    #    While paused the decision deadline is `paused`: as of 10-09 it would be overdue (due
    #    10-08) but is not; its working days left stay as on 09-29: 30, 10-08 = 2.
    #    On resume the 10 calendar days paused (09-29 → 10-09) are added before the roll:
    #    09-17 + 15 + 10 = Mon 2026-10-12, a working day. The complaint still records the
    #    3 working days paused (30, 10-08, 10-09) for the clerk.
    out = kefu.ok("complaint", "pause", cid, "--reason", "伤残鉴定", "--at", "2026-09-29T15:00", "--json")
    assert out["status"] == "paused" and out["pause_reason"] == "伤残鉴定"
    dec = [d for d in out["deadlines"] if d["kind"] == "decision"][0]
    assert (dec["status"], dec["due"], dec["paused_at"]) == ("paused", "2026-10-08", "2026-09-29T15:00:00+08:00")
    shown = kefu.ok("complaint", "show", cid, "--as-of", "2026-10-09", "--json")
    dec = [d for d in shown["deadlines"] if d["kind"] == "decision"][0]
    assert (dec["status"], dec["working_days_left"], dec["breached"]) == ("paused", 2, False)
    out = kefu.ok("complaint", "resume", cid, "--at", "2026-10-09T10:00", "--json")
    assert out["status"] == "accepted"
    assert out["paused_workdays"] == 3
    assert out["paused_at"] is None
    dec = _open(out, "decision")
    assert (dec["due"], dec["paused_days"], dec["extra_workdays"]) == ("2026-10-12", 10, 0)
    then = kefu.ok("complaint", "show", cid, "--as-of", "2026-10-09", "--json")
    assert _open(then, "decision")["breached"] is False  # in time on the day it was resumed (today it is past)

    # 5. Extended as complex on Mon 2026-10-12 10:00 (the due day: still in time): 30 + 10 paused
    #    days from receipt: 09-17 + 40 = Tue 2026-10-27.
    out = kefu.ok("complaint", "extend", cid, "--level", "complex", "--at", "2026-10-12T10:00", "--json")
    assert out["extension_level"] == "complex"
    decisions = _rows(out, "decision")
    assert [(d["status"], d["due"]) for d in decisions] == [("superseded", "2026-10-12"), ("open", "2026-10-27")]
    assert [d["breached"] for d in decisions] == [False, True]  # the open one judged today, 12-01
    assert decisions[1]["rule"] == "complaint.decision_complex"
    assert decisions[1]["start_at"] == "2026-09-17T10:00:00+08:00"
    # As of 10-12: working days in (10-12, 10-27]: Oct 13-16 (4), 19-23 (5), 26, 27 (2) → 11.
    then = kefu.ok("complaint", "show", cid, "--as-of", "2026-10-12", "--json")
    assert [(d["working_days_left"], d["breached"]) for d in _rows(then, "decision")] == [(None, False), (11, False)]

    # 6. Decided Mon 2026-10-26: the decision deadline is met on time; nothing stays open
    #    on the complaint itself.
    out = kefu.ok("complaint", "decide", cid, "--result", "同意赔付 12,000 元", "--at", "2026-10-26T10:00", "--json")
    assert out["status"] == "decided" and out["decided_at"] == "2026-10-26T10:00:00+08:00"
    final = _rows(out, "decision")[-1]
    assert (final["status"], final["met_at"], final["late"]) == ("met", "2026-10-26T10:00:00+08:00", False)
    assert [d for d in out["deadlines"] if d["status"] == "open"] == []

    # The decision scheduled the complaint callback (callbacks service), in the same transaction.
    with sqlite3.connect(kefu.db) as conn:
        cb = conn.execute("SELECT kind, complaint_id FROM callback").fetchall()
    assert cb == [("complaint", cid)]

    # show: the whole timeline, in order, with clerk and from → to.
    shown = kefu.ok("complaint", "show", cid, "--json", "--unmask")
    actions = [(e["action"], e["from_status"], e["to_status"]) for e in shown["events"] if e["entity"] == "complaint"]
    assert actions == [
        ("register", None, "awaiting_materials"),
        ("materials_complete", "awaiting_materials", "registered"),
        ("accept", "registered", "accepted"),
        ("pause", "accepted", "paused"),
        ("resume", "paused", "accepted"),
        ("extend", "accepted", "accepted"),
        ("decide", "accepted", "decided"),
    ]
    assert {e["clerk"] for e in shown["events"]} == {"tester"}
    assert shown["events"][0]["at"] == "2026-09-17T10:00:00+08:00"
    assert shown["phone"] == "13812345678"
    resumed = [e for e in shown["events"] if e["entity"] == "deadline" and e["action"] == "resume"]
    assert len(resumed) == 1
    assert (resumed[0]["details"]["due_before"], resumed[0]["details"]["due_after"]) == ("2026-10-08", "2026-10-12")
    assert (resumed[0]["details"]["added"], resumed[0]["details"]["unit"]) == (10, "days")


def test_show_human_output_masks_and_lists_deadlines(kefu):
    cid = kefu.ok(
        "complaint", "add", "--received", "2026-09-30T16:00", "--channel", "phone", "--category", "service",
        "--name", "王小明", "--phone", "13912345678", "--json",
    )["id"]  # fmt: skip
    out = kefu.ok("complaint", "show", cid, "--as-of", "2026-09-30")
    assert "139****5678" in out and "13912345678" not in out
    assert "王*明" in out
    # Acceptance 10 工作日 after Wed 09-30: 10-08 (1), 09 (2), Sat 10 make-up (3), 12 (4), 13 (5),
    # 14 (6), 15 (7), 16 (8), 19 (9), 20 (10) → 2026-10-20; decision 15 日 from receipt: Thu 2026-10-15.
    assert "受理决定: 2026-10-20" in out
    assert "处理决定: 2026-10-15" in out
    assert "办理记录" in out and "登记" in out and "开始计时" in out and "register" not in out
    unmasked = kefu.ok("complaint", "show", cid, "--unmask")
    assert "13912345678" in unmasked
    js = kefu.ok("complaint", "show", cid, "--json")
    assert js["phone"] == "139****5678"


def test_add_defaults_received_to_now_and_human_output(kefu):
    from kefu_cli.services import clock

    before = clock.today()
    out = kefu(
        "complaint", "add", "--channel", "在线", "--category", "产品", "--name", "赵六", "--phone", "13700001111"
    )
    after = clock.today()
    assert out.code == 0, out.err
    # Numbered by the day received, China time (before/after guard a midnight in between).
    assert any(f"已登记投诉 TS-{d:%Y%m%d}-0001" in out.out for d in (before, after)), out.out
    assert "受理决定" in out.out and "处理决定" in out.out and "初步调查" in out.out
