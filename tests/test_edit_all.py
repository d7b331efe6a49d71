"""One edit for every case type (services/edit.py) and undo by folding: `kefu request edit` (the
fields, the reason, the void guard, the JSON of `claim edit`), and after each edit and each undo
of a complaint, callback, claim and request the row equals the fold of its events column by column."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from sqlmodel import col, select

from conftest import copy_db as copy
from conftest import run_cli as run
from kefu_cli.domain.timeutil import comparable
from kefu_cli.services import callback_steps as callback_service
from kefu_cli.services import casework, claim_steps, claims, complaint_steps, core, corrections, edit, requests, undo
from kefu_cli.services.context import unit_of_work
from kefu_cli.store.models import AuditEvent
from test_claims import policy, report
from test_requests import register, surrender

BOOKKEEPING = {"id", "policy_no", "created_at", "updated_at"}

# --- kefu request edit ------------------------------------------------------------------------------------------


def _surrender(kefu) -> str:
    register(kefu)
    return surrender(kefu, "--reason-note", "家中急需用钱").json()["id"]


def test_request_edit_corrects_its_fields_and_keeps_old_and_new_values_with_the_reason(kefu):
    rid = _surrender(kefu)
    data = kefu.ok("request", "edit", rid, "--phone", "13900001111", "--surrender-reason", "product",
                   "--channel", "visit", "--reason", "电话记错一位", "--at", "2026-11-19T12:00", "--json")  # fmt: skip
    # the keys of `claim edit`: the case as `show` has it, and the changes
    shown = kefu.ok("request", "show", rid, "--json")
    assert set(data) == (set(shown) - {"events", "next"}) | {"changes"}  # `next`: the show's 下一步
    assert [c["field"] for c in data["changes"]] == ["phone", "channel", "reason"]
    assert all(set(c) == {"field", "before", "after"} for c in data["changes"])
    phone = next(c for c in data["changes"] if c["field"] == "phone")
    assert phone == {"field": "phone", "before": "136****4444", "after": "139****1111"}  # masked in the JSON too
    assert (data["reason"], data["channel"], data["phone"]) == ("product", "visit", "139****1111")
    with sqlite3.connect(kefu.db) as con:
        row = con.execute("SELECT phone, reason, channel FROM service_request WHERE id = ?", (rid,)).fetchone()
        details = json.loads(con.execute("SELECT details FROM audit_event WHERE entity = 'request' AND action = 'edit'")
                             .fetchone()[0])  # fmt: skip
    assert row == ("13900001111", "product", "visit")
    assert details["reason"] == "电话记错一位"
    assert details["before"] == {"phone": "13633334444", "reason": "hardship", "channel": "phone"}
    assert details["after"] == {"phone": "13900001111", "reason": "product", "channel": "visit"}
    text = kefu.ok("request", "edit", rid, "--name", "马小丽", "--relation", "agent", "--reason", "受托人办理",
                   "--at", "2026-11-19T12:05")  # fmt: skip
    assert text.startswith(f"已更正保全请求 {rid}: 客户姓名已更正;与投保人关系: self → agent")
    assert "马小丽" not in text
    assert "更正登记信息" in kefu.ok("request", "show", rid)
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_request_edit_refusals_change_nothing(kefu):
    rid = _surrender(kefu)
    with sqlite3.connect(kefu.db) as con:
        count = con.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    cases = [
        (("--phone", "13900001111"), "缺少选项 '--reason'"),  # no reason at all
        (("--phone", "13900001111", "--reason", " "), "--reason 更正原因 不能为空"),
        (("--reason", "记错"), "请给出要更正的项目"),
        (("--phone", "12", "--reason", "记错"), "--phone"),
        (("--content", "变更地址", "--reason", "记错"), "--content 批改内容只用于批改"),
        (("--surrender-reason", "hardship", "--reason", "记错"), "这些项目与所填相同"),
        (("--name", " ", "--reason", "记错"), "--name 客户姓名不能为空"),
    ]
    for args, message in cases:
        r = kefu("request", "edit", rid, *args, "--at", "2026-11-19T12:00")
        assert r.code == 2, (args, r.code, r.err)
        assert message in r.err, (args, r.err)
    r = kefu("request", "edit", rid, "--phone", "13900001111", "--reason", "记错", "--at", "2026-11-19T10:00")
    assert r.code == 2 and "早于保全请求" in r.err  # dated before the receipt
    kefu.ok("request", "void", rid, "--reason", "重复登记", "--at", "2026-11-19T12:00")
    r = kefu("request", "edit", rid, "--phone", "13900001111", "--reason", "记错", "--at", "2026-11-19T12:10")
    assert r.code != 0 and "已作废" in r.err
    with sqlite3.connect(kefu.db) as con:
        assert con.execute("SELECT count(*) FROM audit_event").fetchone()[0] == count + 1  # the void only
        assert con.execute("SELECT phone FROM service_request").fetchone()[0] == "13633334444"
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_an_endorsement_corrects_its_content_and_not_a_surrender_reason(kefu):
    register(kefu)
    rid = kefu.ok("request", "add", "--type", "批改", "--policy", "P2019120808", "--content", "变更联系地址",
                  "--at", "2026-11-19T11:00", "--json")["id"]  # fmt: skip
    r = kefu("request", "edit", rid, "--surrender-reason", "hardship", "--reason", "记错", "--at", "2026-11-19T12:00")
    assert r.code == 2 and "--surrender-reason 退保原因只用于退保" in r.err
    data = kefu.ok("request", "edit", rid, "--content", "变更受益人为配偶", "--reason", "内容记错",
                   "--at", "2026-11-19T12:00", "--json")  # fmt: skip
    assert data["content"] == "变更受益人为配偶"
    assert data["changes"] == [{"field": "content", "before": "变更联系地址", "after": "变更受益人为配偶"}]
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_every_case_type_declares_one_edit_and_claim_edit_keeps_its_output(kefu):
    assert {t: edit.spec_of(t).case_type for t in edit.EDITS} == {t: t for t in edit.EDITS}
    policy(kefu)
    cid = report(kefu).json()["id"]
    data = kefu.ok("claim", "edit", cid, "--hospital", "北京朝阳医院", "--reason", "医院记错",
                   "--at", "2026-11-20T10:00", "--json")  # fmt: skip
    assert data["changes"] == [{"field": "hospital", "before": data["changes"][0]["before"], "after": "北京朝阳医院"}]
    assert kefu.ok("db", "verify", "--json")["ok"]


# --- every row the fold of its events, after each edit and each undo --------------------------------------------


def _copy(demo, tmp_path) -> str:
    return str(copy(demo, tmp_path))


def assert_row_is_its_fold(db: str, case_type: str, key: str) -> None:
    """The case's row equals the fold of its events (the case type's domain `apply`), every column
    the fold carries."""
    with unit_of_work(db, write=False) as uow:
        events = uow.session.exec(
            select(AuditEvent).where(AuditEvent.entity == case_type, AuditEvent.entity_id == key)
            .order_by(col(AuditEvent.id))
        ).all()  # fmt: skip
        state: dict = {}
        for e in events:
            if case_type == "callback":
                from kefu_cli.domain import callback as cb

                state = cb.apply(state, e.action, e.at, e.to_status, json.loads(e.details or "{}"))
            else:
                state = core.fold_of(case_type)(state, e.action, e.at, e.clerk, e.to_status,
                                                json.loads(e.details or "{}"))  # fmt: skip
        row = core.state_of(core.get(uow, case_type, key))
    assert events, (case_type, key)
    # every column but the bookkeeping is carried (a callback's fold does not carry who added it yet)
    missing = set(row) - set(state) - BOOKKEEPING - ({"created_by"} if case_type == "callback" else set())
    assert not missing, (case_type, key, sorted(missing))
    diff = {k: (row[k], state[k]) for k in row if k in state and comparable(row[k]) != comparable(state[k])}
    assert not diff, (case_type, key, diff)


def _first(db, sql: str) -> str:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchone()[0]


def test_after_each_edit_and_undo_of_each_case_type_the_row_is_its_fold(demo, tmp_path):
    db = _copy(demo, tmp_path)
    at = dt.datetime(2026, 11, 30, 10, 0)
    m = dt.timedelta(minutes=5)
    accepted = _first(db, "SELECT id FROM complaint WHERE status = 'accepted' ORDER BY id")
    regulator = _first(db, "SELECT id FROM complaint WHERE channel = 'regulator' AND voided_at IS NULL ORDER BY id")
    claim = _first(db, "SELECT id FROM claim WHERE status = 'complete' AND NOT major ORDER BY id")
    request = _first(db, "SELECT id FROM service_request WHERE status = 'open' ORDER BY id")
    new_policy = _first(db, "SELECT id FROM callback WHERE kind = 'new_policy' AND status = 'open' ORDER BY id")
    claim_cb = _first(db, "SELECT id FROM callback WHERE kind = 'claim' AND status = 'open' ORDER BY id")
    complaint_cb = _first(db, "SELECT id FROM callback WHERE kind = 'complaint' AND status = 'open' ORDER BY id")

    steps = [
        # complaints: plain fields, a moved receipt time (deadlines recomputed), a branch, out of 监管转办; undo
        ("complaint", accepted, lambda t: corrections.edit_complaint(db, accepted, {"name": "王大明", "summary": "改"},
                                                                     reason="录错", at=t)),
        ("complaint", accepted, lambda t: corrections.edit_complaint(
            db, accepted, {"received": _received(db, accepted) - dt.timedelta(hours=1)}, reason="时间录错", at=t)),
        ("complaint", accepted, lambda t: corrections.edit_complaint(db, accepted, {"handler": "新来的"},
                                                                     new_handler=True, reason="派错", at=t)),
        ("complaint", regulator, lambda t: corrections.edit_complaint(db, regulator, {"channel": "phone"},
                                                                      reason="不是监管转办", at=t)),
        ("complaint", accepted, lambda t: casework.note(db, "complaint", accepted, text="联系客户", at=t)),
        # callbacks: a receipt date and a cooling-off period (its due recomputed), a closing date, a phone; undo
        ("callback", new_policy, lambda t: corrections.edit_callback(
            db, new_policy, {"receipt_date": _date(db, new_policy, "receipt_date") - dt.timedelta(days=1),
                             "cooling_off": 20}, reason="签收日录错", at=t)),
        ("callback", claim_cb, lambda t: corrections.edit_callback(
            db, claim_cb, {"closed_date": _date(db, claim_cb, "closed_date") - dt.timedelta(days=1)},
            reason="结案日录错", at=t)),
        ("callback", complaint_cb, lambda t: corrections.edit_callback(db, complaint_cb, {"phone": "13900001111"},
                                                                       reason="电话录错", at=t)),
        ("callback", new_policy, lambda t: _reschedule(db, new_policy, t)),
        ("callback", new_policy, lambda t: undo.undo(db, "callback", new_policy, reason="误操作", at=t)),
        # claims: an edit, a step, its undo
        ("claim", claim, lambda t: claims.edit(db, claim, {"hospital": "北京协和医院", "reporter_phone": "13900002222"},
                                               reason="记错", at=t)),
        ("claim", claim, lambda t: claim_steps.handover(db, claim, to="保险公司理赔部", at=t)),
        ("claim", claim, lambda t: undo.undo(db, "claim", claim, reason="误操作", at=t)),
        # requests: an edit, a close, its undo, another edit
        ("request", request, lambda t: requests.edit(db, request, {"phone": "13900003333", "channel": "letter"},
                                                     reason="记错", at=t)),
        ("request", request, lambda t: requests.close(db, request, result="completed", at=t)),
        ("request", request, lambda t: undo.undo(db, "request", request, reason="误操作", at=t)),
        ("request", request, lambda t: requests.edit(db, request, {"name": "林大"}, reason="姓名记错", at=t)),
    ]  # fmt: skip
    # the complaint's last step first (a decision) so that undo has one to take back
    complaint_steps.decide(db, accepted, result="同意赔付 5000 元", at=at)
    assert_row_is_its_fold(db, "complaint", accepted)
    undo.undo(db, "complaint", accepted, reason="误操作", at=at + m)
    assert_row_is_its_fold(db, "complaint", accepted)
    for i, (case_type, key, action) in enumerate(steps, start=2):
        action(at + i * m)
        assert_row_is_its_fold(db, case_type, key)
    for case_type, key in {(t, k) for t, k, _ in steps}:
        assert_row_is_its_fold(db, case_type, key)
    code, out, _ = run("--db", db, "db", "verify", "--json")
    assert code == 0, json.loads(out)["problems"]


def _received(db, complaint_id) -> dt.datetime:
    with unit_of_work(db, write=False) as uow:
        return core.get(uow, "complaint", complaint_id).received_at


def _date(db, callback_id, column) -> dt.date:
    with unit_of_work(db, write=False) as uow:
        return getattr(core.get(uow, "callback", callback_id), column)


def _reschedule(db, callback_id, at):
    with unit_of_work(db, at=at) as uow:
        return callback_service.reschedule(uow, callback_id, at + dt.timedelta(days=1), "客户要求")


def test_a_moved_receipt_corrects_the_complaint_callbacks_due_by_its_own_edit_event(demo, tmp_path):
    db = _copy(demo, tmp_path)
    complaint, callback = _first(db, "SELECT c.id || ' ' || b.id FROM complaint c JOIN callback b ON b.complaint_id = c.id"
                                     " WHERE c.channel = 'regulator' AND b.status = 'open' ORDER BY c.id").split()  # fmt: skip
    due = _date(db, callback, "due")
    corrections.edit_complaint(db, complaint, {"received": _received(db, complaint) - dt.timedelta(days=1)},
                               reason="接收时间录错", at=dt.datetime(2026, 11, 30, 10, 0))  # fmt: skip
    assert _date(db, callback, "due") < due
    assert_row_is_its_fold(db, "callback", callback)
    assert_row_is_its_fold(db, "complaint", complaint)
    with sqlite3.connect(db) as con:
        (details,) = con.execute("SELECT details FROM audit_event WHERE entity = 'callback' AND entity_id = ? "
                                 "AND action = 'edit'", (callback,)).fetchone()  # fmt: skip
    assert json.loads(details)["after"] == {"due": _date(db, callback, "due").isoformat()}
    code, out, _ = run("--db", db, "db", "verify", "--json")
    assert code == 0, json.loads(out)["problems"]
