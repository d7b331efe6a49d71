"""The events are the record, for callbacks too: every callback row equals, column by column, the
fold of its audit events (domain/callback.py `apply`, the fold the core writes the row with), its
attempt and follow-up rows the fold `db verify` rebuilds them with (domain/rows.py), and its write
times (created_at, updated_at) the ones its events carry (`row_time`) — on the demo database and
after every kind of callback step."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from sqlmodel import col, select

from conftest import copy_db as copy
from conftest import run_cli as run
from kefu_cli.domain.rows import Rows
from kefu_cli.domain.timeutil import comparable
from kefu_cli.services import casework, claim_steps, complaint_steps, core, undo
from kefu_cli.services.context import unit_of_work
from kefu_cli.store.callback_models import CallbackAttempt, CallbackFollowup
from kefu_cli.store.models import AuditEvent

# Columns no event carries as a column: the key, who created the row and the write times (checked apart)
BOOKKEEPING = {"id", "created_at", "created_by", "updated_at"}
# Callback events another service writes itself, without the rows' write time
AROUND_THE_CORE = {"edit", "undo"}


def _diff(row: dict, folded: dict) -> dict:
    return {k: (row[k], folded[k]) for k in row if k in folded and comparable(row[k]) != comparable(folded[k])}


def assert_callbacks_are_their_folds(db) -> dict[str, int]:
    fold = core.fold_of("callback")
    folds: dict[str, dict] = {}
    times: dict[str, list] = {}
    rows = Rows()
    with unit_of_work(str(db), write=False) as uow:
        events = uow.session.exec(
            select(AuditEvent).where(col(AuditEvent.entity).in_(["callback", "deadline"])).order_by(col(AuditEvent.id))
        ).all()
        for e in events:
            details = json.loads(e.details or "{}")
            rows.apply(e.model_dump(), details)
            if e.entity != "callback":
                continue
            folds[e.entity_id] = fold(folds.get(e.entity_id, {}), e.action, e.at, e.clerk, e.to_status, details)
            times.setdefault(e.entity_id, []).append((e.action, details.get("row_time")))
        callbacks = {r.id: core.state_of(r) for r in uow.session.exec(select(core.model_of("callback"))).all()}
        attempts = {a.id: a.model_dump() for a in uow.session.exec(select(CallbackAttempt)).all()}
        followups = {f.id: f.model_dump() for f in uow.session.exec(select(CallbackFollowup)).all()}

    assert set(folds) == set(callbacks)
    for key, row in callbacks.items():
        folded = folds[key]
        missing = set(row) - set(folded) - BOOKKEEPING
        assert not missing, (key, sorted(missing))  # every column is folded: a forged one would be seen
        assert not _diff(row, folded), (key, _diff(row, folded))
        # the write times: created_at that of its registration, updated_at that of one of its steps
        carried = times[key]
        # every callback event the core writes carries it (an edit and an undo are written by
        # services/corrections.py and services/undo.py, not through the core yet)
        assert all(t for a, t in carried if a not in AROUND_THE_CORE), (key, carried)
        assert comparable(row["created_at"]) == comparable(carried[0][1]), key
        if all(t for _, t in carried):
            assert comparable(row["updated_at"]) in {comparable(t) for _, t in carried}, key
    for table, stored in (("callback_attempt", attempts), ("callback_followup", followups)):
        built = rows.tables[table]
        assert set(built) == set(stored), table
        for key, row in stored.items():
            assert set(row) == set(built[key]), (table, key)
            assert not _diff(row, built[key]), (table, key, _diff(row, built[key]))
    return {"callback": len(callbacks), "callback_attempt": len(attempts), "callback_followup": len(followups)}


def test_every_demo_callback_is_the_fold_of_its_events(demo):
    counts = assert_callbacks_are_their_folds(demo)
    assert counts["callback"] >= 5 and counts["callback_attempt"] >= 1 and counts["callback_followup"] >= 1


def _first(db, sql: str) -> str:
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchone()[0]


def _ok(db, *args, at: dt.datetime) -> dict:
    code, out, err = run("--db", db, "callback", *args, "--at", at.strftime("%Y-%m-%dT%H:%M"), "--json")
    assert code == 0, (args, err)
    return json.loads(out)


def _add(db, *args, at: dt.datetime) -> str:
    return _ok(db, "add", "--name", "王小明", "--phone", "13812345678", "--branch", "回访测试支公司", "--new-branch",
               "--handler", "回访专员甲", "--new-handler", *args, at=at)["id"]  # fmt: skip


def test_callbacks_stay_their_folds_through_every_kind_of_step(demo, tmp_path):
    db = str(copy(demo, tmp_path))
    at = dt.datetime(2026, 11, 30, 10, 0)
    step = dt.timedelta(minutes=5)
    accepted = _first(db, "SELECT id FROM complaint WHERE status = 'accepted' AND extension_level IS NULL ORDER BY id")
    claim = _first(db, "SELECT id FROM claim WHERE status = 'complete' AND NOT major ORDER BY id")

    # scheduled by other cases: a complaint's decision, a claim's closing
    complaint_steps.decide(db, accepted, result="同意赔付 5000 元", at=at)
    claim_steps.handover(db, claim, to="保险公司理赔部", at=at)
    claim_steps.close(db, claim, result="paid", amount="12000", at=at + step)
    # added: every kind of start
    ladder = _add(db, "--kind", "new_policy", "--receipt-date", "2026-11-20", "--product", "安心保", at=at)
    cancelled = _add(db, "--kind", "claim", "--closed-date", "2026-11-27", at=at)
    problem = _add(db, "--kind", "satisfaction", "--due", "2026-12-10", at=at)
    voided = _add(db, "--kind", "other", "--due", "2026-12-10", at=at)

    # the method ladder to unreachable: electronic, phone (wrong number), letter, then unreachable
    _ok(db, "attempt", ladder, "--method", "electronic", "--result", "no_answer", at=at + step)
    _ok(
        db, "attempt", ladder, "--method", "phone", "--result", "wrong_number", "--recording", "REC-1", at=at + 2 * step
    )
    _ok(db, "attempt", ladder, "--method", "letter", "--result", "no_answer", at=at + 3 * step)
    _ok(db, "unreachable", ladder, "--reason", "电话空号且信函被退回", at=at + 4 * step)
    # cancel (撤退保)
    _ok(db, "cancel", cancelled, "--reason", "犹豫期内已退保", at=at + step)
    # reschedule, assign, note, edit, a success with a problem, the reply, its undo and the reply again
    _ok(db, "reschedule", problem, "--to", "2026-12-02T10:00", "--reason", "客户要求周三回电", at=at + step)
    casework.assign(db, "callback", problem, handler="回访专员乙", new_handler=True, at=at + 2 * step)
    casework.note(db, "callback", problem, "客户来电确认时间", contact="phone", at=at + 3 * step)
    code, _, err = run("--db", db, "callback", "edit", problem, "--name", "王晓明", "--reason", "姓名录错",
                       "--at", (at + 4 * step).strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    assert code == 0, err
    _ok(db, "attempt", problem, "--method", "electronic", "--result", "success", "--note", "本人确认",
        "--problem", "投保人未亲笔签名", at=at + 5 * step)  # fmt: skip
    _ok(db, "resolve", problem, "--reply", "已核实并重新签名", at=at + 6 * step)
    undo.undo(db, "callback", problem, reason="答复录错", at=at + 7 * step)
    _ok(db, "resolve", problem, "--reply", "已核实并由投保人重新亲笔签名", at=at + 8 * step)
    # void: one by itself, and the callbacks of a voided complaint / claim with it
    casework.void(db, "callback", voided, reason="重复登记", at=at + step)
    casework.void(db, "complaint", accepted, reason="误登记", at=at + 2 * step)
    casework.void(db, "claim", claim, reason="误登记", at=at + 3 * step)

    counts = assert_callbacks_are_their_folds(db)
    assert counts["callback_followup"] >= 2
    with sqlite3.connect(db) as con:
        statuses = dict(
            con.execute("SELECT id, status FROM callback WHERE id IN (?, ?, ?)", (ladder, cancelled, problem))
        )
        linked = con.execute("SELECT count(*) FROM callback WHERE complaint_id = ? AND voided_at IS NULL", (accepted,))
        assert linked.fetchone()[0] == 0
    assert (statuses[ladder], statuses[cancelled], statuses[problem]) == ("unreachable", "cancelled", "success")
    code, out, _ = run("--db", db, "db", "verify", "--json")
    assert code == 0, json.loads(out)["problems"]


def test_a_callback_step_writes_its_row_once_with_its_event(demo, tmp_path):
    """`callback add` stays one insert of the row and one of its event (no update after them)."""
    from sqlalchemy import event

    from kefu_cli.services import callbacks

    db = str(copy(demo, tmp_path))
    statements: list[tuple[str, str]] = []
    with unit_of_work(db, at=dt.datetime(2026, 11, 30, 10, 0)) as uow:
        engine = uow.session.get_bind()

        def seen(conn, cursor, statement, *args):
            words = statement.split()
            statements.append((words[0], words[2] if words[0] == "INSERT" else words[1]))

        event.listen(engine, "before_cursor_execute", seen)
        try:
            data = callbacks.NewCallback(kind="satisfaction", name="王小明", phone="13812345678",
                                         due=dt.date(2026, 12, 10))  # fmt: skip
            callbacks.add_callback(uow, data)
            uow.session.flush()
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert statements.count(("INSERT", "callback")) == 1, statements
    assert ("UPDATE", "callback") not in statements, statements
