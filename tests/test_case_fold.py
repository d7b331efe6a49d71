"""The events are the record: every complaint, claim, request and register row equals, column by
column, the fold of its audit events (domain `apply`, the same fold the core writes rows with),
on the demo database and after every kind of step; and `db verify` names a later-step column
forged on a case whose step has not happened."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from sqlmodel import col, select

from conftest import copy_db as copy
from conftest import run_cli as run
from kefu_cli.domain.timeutil import comparable
from kefu_cli.services import (
    casework,
    claim_steps,
    claim_views,
    claims,
    complaint_steps,
    complaint_views,
    complaints,
    core,
    corrections,
    policy_register,
    requests,
    undo,
)
from kefu_cli.services.context import unit_of_work
from kefu_cli.store.models import AuditEvent

CASE_TYPES = ("complaint", "claim", "request", "policy_record")
# Columns no event carries: the key and the write times
BOOKKEEPING = {"id", "policy_no", "created_at", "updated_at"}


def folds_and_rows(db) -> dict[str, tuple[dict, dict]]:
    """case type -> ({key: fold of its events}, {key: row columns})."""
    out = {}
    with unit_of_work(str(db), write=False) as uow:
        for case_type in CASE_TYPES:
            fold, model = core.fold_of(case_type), core.model_of(case_type)
            key = core.CASES[case_type].key
            folds: dict[str, dict] = {}
            events = uow.session.exec(
                select(AuditEvent).where(AuditEvent.entity == case_type).order_by(col(AuditEvent.id))
            ).all()
            for e in events:
                folds[e.entity_id] = fold(folds.get(e.entity_id, {}), e.action, e.at, e.clerk, e.to_status,
                                          json.loads(e.details or "{}"))  # fmt: skip
            rows = {getattr(r, key): core.state_of(r) for r in uow.session.exec(select(model)).all()}
            out[case_type] = (folds, rows)
    return out


def assert_rows_are_their_folds(db) -> dict[str, int]:
    counts = {}
    for case_type, (folds, rows) in folds_and_rows(db).items():
        assert set(folds) == set(rows), case_type
        for key, row in rows.items():
            folded = folds[key]
            # every column an event carries is folded (a forged one would be seen) ...
            missing = set(row) - set(folded) - BOOKKEEPING
            assert not missing, (case_type, key, sorted(missing))
            # ... and equals the row
            diff = {k: (row[k], folded[k]) for k in row if k in folded and comparable(row[k]) != comparable(folded[k])}
            assert not diff, (case_type, key, diff)
        counts[case_type] = len(rows)
    return counts


def test_every_demo_row_is_the_fold_of_its_events(demo):
    counts = assert_rows_are_their_folds(demo)
    assert counts["complaint"] >= 10 and counts["claim"] >= 3 and counts["request"] >= 2
    assert counts["policy_record"] >= 10


def _first(db, sql: str) -> str:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchone()[0]


def test_rows_stay_their_folds_through_every_kind_of_step(demo, tmp_path):
    db = str(copy(demo, tmp_path))
    at = dt.datetime(2026, 11, 30, 10, 0)
    step = dt.timedelta(minutes=5)
    accepted = _first(db, "SELECT id FROM complaint WHERE status = 'accepted' AND extension_level IS NULL ORDER BY id")
    registered = _first(db, "SELECT id FROM complaint WHERE status = 'registered' ORDER BY id")
    claim = _first(db, "SELECT id FROM claim WHERE status = 'complete' AND NOT major ORDER BY id")
    applying = _first(db, "SELECT id FROM claim WHERE status = 'applying' ORDER BY id")
    policy = _first(db, "SELECT policy_no FROM policy_record ORDER BY policy_no")

    # complaints: assign, extend, pause, resume, decide, undo, edit, void; a new one registered and rejected
    casework.assign(db, "complaint", accepted, handler="新来的", new_handler=True, at=at)
    complaint_steps.extend(db, accepted, level="complex", late=True, at=at + step)
    complaint_steps.pause(db, accepted, reason="伤残鉴定", late=True, at=at + 2 * step)
    complaint_steps.resume(db, accepted, at=at + 3 * step)
    complaint_steps.decide(db, accepted, result="同意赔付 5000 元", at=at + 4 * step)
    corrections.undo_complaint(db, accepted, reason="误操作", at=at + 5 * step)
    corrections.edit_complaint(db, accepted, {"name": "王大明"}, reason="姓名录错", at=at + 6 * step)
    complaint_steps.transfer(db, registered, to="北京分公司理赔部", internal=True, at=at + 7 * step)
    new = complaints.add(
        db, channel="phone", category="claims", name="赵六", phone="13800001111", received=at, at=at + 8 * step,
        incomplete=True, branch="", handler="",
    )["id"]  # fmt: skip
    complaint_steps.reject(db, new, reason="not_company", note="不属本公司", at=at + 9 * step)
    casework.void(db, "complaint", new, reason="重复登记", at=at + 10 * step)
    # claims: major, escalate, edit, handover, close, materials, undo, assign, void
    claim_steps.mark_major(db, claim, dispute="media", at=at + step)
    claim_steps.escalate(db, claim, to="总公司理赔部", at=at + 2 * step)
    claims.edit(db, claim, {"hospital": "北京协和医院"}, reason="医院记错", at=at + 3 * step)
    claim_steps.handover(db, claim, to="保险公司理赔部", at=at + 4 * step)
    claim_steps.close(db, claim, result="paid", amount="12000", at=at + 5 * step)
    claim_steps.materials(db, applying, received=["全部"], at=at + step)
    claim_steps.materials(db, applying, remove=["claim_form"], at=at + 2 * step)
    undo.undo(db, "claim", applying, reason="误操作", at=at + 2 * step)
    casework.assign(db, "claim", applying, handler="新来的", new_handler=True, at=at + 3 * step)
    casework.void(db, "claim", claim, reason="误登记", at=at + 6 * step)
    # requests: a new one closed, undone and closed again, another voided
    for i, (what, then) in enumerate((("surrender", "close"), ("surrender", "void"))):
        r = requests.add(db, type=what, policy_no=policy, reason="hardship", received=at, at=at + i * step)["id"]
        if then == "close":
            requests.close(db, r, result="referred", note="已转保险公司", at=at + (i + 1) * step)
            undo.undo(db, "request", r, reason="误操作", at=at + (i + 2) * step)
            requests.close(db, r, result="completed", at=at + (i + 3) * step)
        else:
            casework.void(db, "request", r, reason="重复登记", at=at + (i + 1) * step)
    # the register: a correction
    policy_register.add(db, {"policy": policy, "product": "更正后的险种"}, update=True, reason="险种录错", at=at)

    assert_rows_are_their_folds(db)
    code, out, _ = run("--db", db, "db", "verify", "--json")
    assert code == 0, json.loads(out)["problems"]


# A later step's column forged on a complaint whose step has not happened (accepted, never
# rejected, transferred, merged, extended or voided): `db verify` names the case and the column.
FORGED = {
    "reject_reason": ("'not_company'", "不予受理理由"),
    "reject_note": ("'伪造'", "不予受理说明"),
    "transfer_to": ("'外单位'", "transfer_to"),
    "merged_into": ("'TS-20261001-0001'", "合并至"),
    "extension_approver": ("'王总'", "延期批准人"),
    "void_reason": ("'伪造'", "作废原因"),
    "decided_at": ("'2026-11-20 10:00:00.000000'", "处理决定时间"),
}


@pytest.mark.parametrize("column", sorted(FORGED))
def test_verify_names_a_forged_later_step_column(demo, tmp_path, column):
    db = copy(demo, tmp_path)
    cid = _first(db, "SELECT id FROM complaint WHERE status = 'accepted' AND extension_level IS NULL ORDER BY id")
    value, name = FORGED[column]
    with sqlite3.connect(db) as con:
        con.execute(f"UPDATE complaint SET {column} = {value} WHERE id = ?", (cid,))
    code, out, _ = run("--db", db, "db", "verify", "--json")
    result = json.loads(out)
    assert code == 1 and not result["ok"]
    assert any(cid in p and name in p for p in result["problems"]), result["problems"]


def test_the_complaint_fold_starts_every_later_column_empty():
    from kefu_cli.domain import complaint as sm

    at = dt.datetime(2026, 11, 2, 9, 0)
    state = sm.apply({}, "register", at, "张三", "registered", {"received_at": at, "incomplete": False})
    for column in ("reject_reason", "transfer_to", "merged_into", "extension_approver", "void_reason", "accepted_at"):
        assert column in state and state[column] is None
    assert state["paused_workdays"] == 0 and state["materials_complete_at"] == at


def test_one_lookup_one_void_guard_and_one_order_check_for_every_case_type(demo, tmp_path):
    from kefu_cli.domain.errors import InputError, NotFoundError, RuleError

    db = str(copy(demo, tmp_path))
    for case_type, show in (
        ("complaint", complaint_views.show),
        ("claim", claim_views.show),
        ("request", requests.show),
    ):
        ct = core.CASES[case_type]
        number = ct.example[:3] + "20990101-0009"
        with pytest.raises(NotFoundError) as e:
            show(db, number.lower())
        assert (
            str(e.value)
            == f"没有编号为 '{number.lower()}' 的{ct.zh}。请用 `{ct.finder}` 或 `kefu search` 查找,编号形如 {ct.example}"
        )
    with pytest.raises(NotFoundError, match="保单登记簿中没有保单 'P-NONE'"):
        policy_register.show(db, "P-NONE")

    at = dt.datetime(2026, 11, 30, 10, 0)
    registered = _first(db, "SELECT id FROM complaint WHERE status = 'registered' ORDER BY id")
    claim = _first(db, "SELECT id FROM claim WHERE status = 'complete' ORDER BY id")
    request = _first(db, "SELECT id FROM service_request WHERE status = 'open' ORDER BY id")
    early = dt.datetime(2026, 1, 5, 9, 0)  # before every receipt of the demo
    with pytest.raises(InputError, match=f"早于投诉 {registered} 的接收时间"):
        complaint_steps.accept(db, registered, at=early)
    with pytest.raises(InputError, match=f"早于报案 {claim} 的报案时间"):
        claim_steps.handover(db, claim, at=early)
    with pytest.raises(InputError, match=f"早于保全请求 {request} 的接收时间"):
        requests.close(db, request, at=early)

    for case_type, number, step in (
        ("complaint", registered, lambda: complaint_steps.accept(db, registered, at=at + dt.timedelta(hours=1))),
        ("claim", claim, lambda: claim_steps.handover(db, claim, at=at + dt.timedelta(hours=1))),
        ("request", request, lambda: requests.close(db, request, at=at + dt.timedelta(hours=1))),
    ):
        casework.void(db, case_type, number, reason="重复登记", at=at)
        said = f"{core.CASES[case_type].zh} {number} 已作废(重复登记),不能再办理或更改"
        with pytest.raises(RuleError) as e:
            step()
        assert str(e.value) == said
        with pytest.raises(RuleError) as e:
            casework.note(db, case_type, number, "补记", at=at + dt.timedelta(hours=1))
        assert str(e.value) == said


def test_the_effect_tables_name_deadline_kinds_and_closing_effects():
    from kefu_cli.domain import claims as cl
    from kefu_cli.domain import complaint as sm
    from kefu_cli.domain.deadlines import DeadlineKind

    for table in (sm.EFFECTS, cl.EFFECTS):
        for effects in table.values():
            for effect, kinds in effects.items():
                assert effect in (*sm.CLOSING, "paused", "resumed")
                assert kinds is None or all(k in set(DeadlineKind) for k in kinds)
    # the 24-hour initial investigation is met by every handling step
    handling = {a for a, e in sm.EFFECTS.items() if DeadlineKind.INITIAL_INVESTIGATION in (e.get("met") or ())}
    assert handling == {sm.Action.NOTIFY, sm.Action.INVESTIGATE, sm.Action.ACCEPT, sm.Action.REJECT,
                        sm.Action.TRANSFER, sm.Action.MERGE, sm.Action.PAUSE, sm.Action.DECIDE}  # fmt: skip
