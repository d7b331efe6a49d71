"""The audit log as evidence: hash chain, append-only triggers, `kefu db verify` naming each of
five direct edits made with the sqlite3 shell, and the chain head in the nightly report."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import copy_db as copy
from conftest import run_cli as run
from kefu_cli.domain.chain import GENESIS, event_hash


def verify(db):
    code, out, err = run("--db", db, "db", "verify", "--json")
    return code, json.loads(out)


def test_a_clean_database_verifies_and_prints_its_chain_head(demo, tmp_path):
    db = copy(demo, tmp_path)
    code, result = verify(db)
    assert code == 0 and result["ok"] and result["problems"] == []
    # the demo's issue-22 block: 2 complaints (a review, whose decision scheduled a callback; a mediation
    # pause), 2 policies of two insured named 王芳, 1 claim outside the limitation period, 1 major group complaint; 4 day counters
    assert result["checked"] == {"complaint": 17, "callback": 15, "deadline": result["checked"]["deadline"],
                                 "claim": 4, "service_request": 2, "policy_record": 14, "callback_attempt": 11,
                                 "callback_followup": 1, "branch": 3, "handler": 4, "calendar_override": 0,
                                 "calendar_notice": 0, "policy_setting": 0, "counter": 29}  # fmt: skip
    assert result["checked"]["deadline"] > 50
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, at, recorded_at, clerk, entity, entity_id, action, from_status, to_status,"
                           " details, prev_hash, hash FROM audit_event ORDER BY id").fetchall()  # fmt: skip
        head = con.execute("SELECT hash, events FROM audit_head").fetchone()
    # Recompute the chain independently of kefu's walk: each hash covers the previous one.
    keys = ("at", "recorded_at", "clerk", "entity", "entity_id", "action", "from_status", "to_status", "details")
    prev = GENESIS
    for r in rows:
        assert r[10] == prev
        prev = event_hash(prev, dict(zip(keys, r[1:10], strict=True)))
        assert r[11] == prev
    assert head == (prev, len(rows)) and result["chain"]["head"] == prev
    assert result["chain"]["head_event_id"] == rows[-1][0]
    code, out, _ = run("--db", db, "db", "verify")
    assert code == 0 and "核验通过" in out and prev in out
    # the text names every table it rebuilt, with the count the JSON gives
    checked = result["checked"]
    assert f"回访记录 {checked['callback_attempt']} 条" in out and f"编号计数 {checked['counter']} 个" in out
    # The nightly report pins the same head.
    code, out, _ = run("--db", db, "report", "deadlines", "--json")
    assert json.loads(out)["chain_head"] == {"event_id": rows[-1][0], "hash": prev}


def test_the_audit_table_refuses_update_and_delete(demo, tmp_path):
    db = copy(demo, tmp_path)
    with sqlite3.connect(db) as con:
        for sql in ("UPDATE audit_event SET clerk = 'x' WHERE id = 1", "DELETE FROM audit_event WHERE id = 1"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)


TAMPER = {
    # a forged decision on the overdue sales complaint (c2)
    "forged_decision": (
        "UPDATE complaint SET status = 'decided', result = '同意全额赔付', decided_at = '2026-11-19 10:00:00.000000'"
        " WHERE id = 'TS-20260928-0001'",
        "投诉 TS-20260928-0001 的记录与其办理历史不符(状态",
    ),
    # audit rows deleted (the append-only trigger dropped first)
    "deleted_audit_rows": (
        "DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event WHERE id IN (50, 51)",
        "审计事件 #52 的前一哈希与上一条事件不符",
    ),
    # a clerk's name changed in the history
    "changed_clerk": (
        "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET clerk = '冒名者' WHERE id = 60",
        "审计事件 #60 的内容与其哈希不符",
    ),
    # a late acceptance back-dated into its 10 working days (c5 accepted 11-12, due 11-09)
    "backdated_acceptance": (
        "UPDATE complaint SET accepted_at = '2026-10-28 10:00:00.000000' WHERE id = 'TS-20261026-0001'",
        "投诉 TS-20261026-0001 的记录与其办理历史不符(受理时间",
    ),
    # the overdue decision deadline of c2 deleted
    "deleted_deadline": (
        "DELETE FROM deadline WHERE case_id = 'TS-20260928-0001' AND status = 'open'",
        "(TS-20260928-0001 处理决定)在审计事件中存在,但已从表中删除",
    ),
    # the same deadline quietly marked met in time
    "deadline_marked_met": (
        "UPDATE deadline SET status = 'met', met_at = due_at, closed_at = due_at"
        " WHERE case_id = 'TS-20260928-0001' AND status = 'open'",
        "(TS-20260928-0001 处理决定)与其审计事件不符",
    ),
    # the newest events cut off and the head row rewritten to match nothing
    "tail_cut": (
        "DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event WHERE id > (SELECT max(id) - 3 FROM audit_event)",
        "最新的审计事件被删除",
    ),
}


@pytest.mark.parametrize("name", sorted(TAMPER))
def test_verify_names_each_direct_edit(demo, tmp_path, name):
    db = copy(demo, tmp_path)
    sql, expected = TAMPER[name]
    with sqlite3.connect(db) as con:
        con.executescript(sql)
    code, result = verify(db)
    assert code == 1 and not result["ok"]
    assert expected in result["problems"][0], result["problems"]
    code, out, err = run("--db", db, "db", "verify")
    assert code == 1 and "第一处" in out and expected in out


def test_an_upgraded_database_gets_its_chain_and_verifies(tmp_path):
    fixture = Path(__file__).parent / "data" / "kefu_schema_0001.sqlite"
    db = tmp_path / "old.sqlite"
    shutil.copy(fixture, db)
    with sqlite3.connect(db) as con:
        before = con.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    code, result = verify(db)  # any command upgrades; verify reads the chain the migration built
    assert code == 0, result["problems"]
    assert result["chain"]["events"] >= before > 0
    # New events continue the chain.
    code, _, err = run("--db", db, "policy", "set", "complaint.acceptance", "9")
    assert code == 0, err
    code, result2 = verify(db)
    assert code == 0 and result2["chain"]["events"] > result["chain"]["events"]


def test_the_callback_fold_rebuilds_every_column_of_a_callback_and_its_attempts(kefu, tmp_path):
    """A callback's whole life (add, reschedule, assign, note, attempts with a problem, resolve,
    edit): every column of its row, attempts and follow-up is what the events produce; a column
    forged back to an earlier value, or set on a step that has not happened, is named."""
    new = kefu.ok("callback", "add", "--kind", "satisfaction", "--name", "王小明", "--phone", "13812345678",
                  "--due", "2026-10-20", "--branch", "朝阳支公司", "--handler", "李娜", "--product", "安心保",
                  "--at", "2026-10-08T09:00", "--json")  # fmt: skip
    cid = new["id"]
    kefu.ok(
        "callback", "reschedule", cid, "--to", "2026-10-12T10:00", "--reason", "客户要求", "--at", "2026-10-09T09:00"
    )
    kefu.ok("callback", "assign", cid, "--handler", "王强", "--at", "2026-10-09T10:00")
    kefu.ok("callback", "note", cid, "客户来电", "--at", "2026-10-09T11:00")
    kefu.ok("callback", "attempt", cid, "--method", "electronic", "--result", "no_answer", "--at", "2026-10-10T09:00")
    kefu.ok("callback", "attempt", cid, "--method", "phone", "--result", "success", "--recording", "REC-1",
            "--note", "本人接听", "--problem", "投保人未亲笔签名", "--at", "2026-10-12T10:00")  # fmt: skip
    kefu.ok("callback", "resolve", cid, "--reply", "已重新签名", "--at", "2026-10-13T10:00")
    kefu.ok("callback", "edit", cid, "--name", "王晓明", "--reason", "姓名录错", "--at", "2026-10-14T10:00")
    assert kefu.ok("db", "verify", "--json")["ok"]

    forgeries = [
        ("callback", "handler", "李娜", "回访"),  # back to the handler before the assignment
        ("callback", "name", "王小明", "回访"),  # back to the name before the correction
        ("callback", "void_reason", "伪造", "回访"),  # a step that has not happened
        ("callback", "outcome_method", "letter", "回访"),
        ("callback", "scheduled_at", "2026-10-13 10:00:00.000000", "回访"),
        ("callback_attempt", "problem", "伪造的问题", "callback_attempt"),
        ("callback_followup", "reply", "伪造的答复", "callback_followup"),
        ("callback_followup", "resolved_by", "伪造", "callback_followup"),
    ]
    for i, (table, column, value, name) in enumerate(forgeries):
        db = tmp_path / f"forged-{i}.sqlite"
        src, dst = sqlite3.connect(kefu.db), sqlite3.connect(db)
        with dst:
            src.backup(dst)
        src.close()
        where = "id = ?" if table == "callback" else "callback_id = ? AND id = (SELECT max(id) FROM " + table + ")"
        with dst:
            dst.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value, cid))
        dst.close()
        code, result = verify(db)
        assert code != 0 and not result["ok"], (table, column)
        assert any(name in p for p in result["problems"]), (table, column, result["problems"])


def test_an_old_callback_add_event_is_completed_from_its_deadline_and_complaint():
    """Events are never rewritten: an `add` written before it carried the registration is read
    with its deadline's open event and the complaint's fold; what they do not tell stays out."""
    from kefu_cli.domain import callback as cb

    opened = {"amount": 15, "state": {"branch": "朝阳支公司", "handler": "李娜", "start_at": "2026-10-01T00:00:00"}}
    old = {"kind": "new_policy", "complaint_id": None, "policy_no": "P1", "due": "2026-10-16"}
    s = cb.apply({}, "add", "2026-10-02T09:00:00", "open", cb.old_add_details(old, opened, None))
    assert (s["branch"], s["handler"], s["receipt_date"], s["cooling_off_days"]) == (
        "朝阳支公司",
        "李娜",
        "2026-10-01",
        15,
    )
    assert "name" not in s and "phone" not in s and "product" not in s  # unchecked: no event tells them
    assert s["closed_date"] is None and s["voided_at"] is None and s["outcome_method"] is None
    linked = {"kind": "complaint", "complaint_id": "TS-1", "policy_no": "", "due": "2026-10-20"}
    s = cb.apply({}, "add", "2026-10-02T09:00:00", "open",
                 cb.old_add_details(linked, opened, {"name": "王小明", "phone": "13812345678"}))  # fmt: skip
    assert (s["name"], s["phone"], s["product"], s["receipt_date"]) == ("王小明", "13812345678", "", None)
