"""schedule_complaint_callback: the callback a complaint decision or a regulator transfer needs.

The complaint rows are inserted directly (the complaint commands are another module); the
callback, its deadline row and its audit event are then read back through `kefu callback show`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from kefu_cli.services.callbacks import schedule_complaint_callback
from kefu_cli.services.context import unit_of_work
from kefu_cli.services.deadlines import start_deadline
from kefu_cli.store.complaint_models import Complaint
from kefu_cli.store.models import AuditEvent, Deadline


def _complaint(cid: str, received: dt.datetime, **kw) -> Complaint:
    return Complaint(
        id=cid,
        received_at=received,
        channel=kw.pop("channel", "regulator"),
        category="sales",
        name="王小明",
        phone="13812345678",
        policy_no="P-001",
        branch="朝阳支公司",
        handler="李娜",
        status=kw.pop("status", "registered"),
        created_at=received,
        created_by="tester",
        updated_at=received,
        **kw,
    )


@pytest.fixture
def db(kefu):
    return kefu.db


def test_complaint_callback_after_decision(kefu, db):
    # Decision Wed 2026-09-30 15:00; callback.complaint = 5 工作日 after the decision day:
    # 10-01..07 National Day off, 10-08 (1), 10-09 (2), Sat 10-10 make-up (3), 10-12 (4), 10-13 (5).
    decided = dt.datetime(2026, 9, 30, 15, 0)
    with unit_of_work(db, clerk="tester", at=decided) as uow:
        c = _complaint("TS-20260901-0001", dt.datetime(2026, 9, 1, 9), channel="phone", decided_at=decided)
        uow.session.add(c)
        uow.session.flush()
        row = schedule_complaint_callback(uow, c, "complaint")
        again = schedule_complaint_callback(uow, c, "complaint")
        assert again.id == row.id  # idempotent: one callback per complaint and kind
        cid = row.id
    assert cid == "HF-20260930-0001"
    shown = kefu.ok("callback", "show", cid, "--json")
    assert shown["kind"] == "complaint"
    assert shown["complaint_id"] == "TS-20260901-0001"
    assert shown["due"] == "2026-10-13"
    assert [(d["kind"], d["due"], d["status"]) for d in shown["deadlines"]] == [("callback", "2026-10-13", "open")]
    assert [e["action"] for e in shown["events"]] == ["add"]
    assert shown["branch"] == "朝阳支公司" and shown["handler"] == "李娜"


def test_regulator_callback_capped_by_report_deadline(kefu, db):
    # Received Fri 2026-09-18. callback.regulator = 15 工作日: Sun 09-20 make-up (1), 09-21..24 (2-5),
    # 09-25 Mid-Autumn off, 09-28..30 (6-8), 10-01..07 off, 10-08 (9), 10-09 (10), Sat 10-10 (11),
    # 10-12..15 (12-15) → 2026-10-15. The regulator set its report for 2026-10-09, earlier: the
    # callback must be done by then.
    received = dt.datetime(2026, 9, 18, 10, 0)
    with unit_of_work(db, clerk="tester", at=received) as uow:
        capped = _complaint(
            "TS-20260918-0001", received, regulator_ref="京银保监转 12", regulator_due=dt.date(2026, 10, 9)
        )
        free = _complaint("TS-20260918-0002", received, regulator_ref="京银保监转 13")
        by_row = _complaint("TS-20260918-0003", received, regulator_ref="京银保监转 14")
        uow.session.add_all([capped, free, by_row])
        uow.session.flush()
        # The third complaint carries its report limit only as an open deadline row (10 工作日:
        # 09-20, 21, 22, 23, 24, 28, 29, 30, 10-08, 10-09 → 2026-10-09).
        start_deadline(
            uow,
            case_type="complaint",
            case_id=by_row.id,
            kind="regulator_report",
            start_at=received,
            amount=10,
            unit="workdays",
            rule="complaint.regulator_report",
        )
        ids = [schedule_complaint_callback(uow, c, "regulator").id for c in (capped, free, by_row)]
    dues = [kefu.ok("callback", "show", i, "--json")["due"] for i in ids]
    assert dues == ["2026-10-09", "2026-10-15", "2026-10-09"]
    with unit_of_work(db, write=False) as uow:
        rows = uow.session.exec(select(Deadline).where(Deadline.case_type == "callback")).all()
        assert sorted((r.case_id, r.due.isoformat(), r.rule) for r in rows) == [
            (ids[0], "2026-10-09", "fixed"),
            (ids[1], "2026-10-15", "callback.regulator"),
            (ids[2], "2026-10-09", "fixed"),
        ]
        events = uow.session.exec(select(AuditEvent).where(AuditEvent.entity == "callback")).all()
        assert sorted(e.entity_id for e in events) == sorted(ids)


def test_schedule_rejects_other_kinds(kefu, db):
    with unit_of_work(db, clerk="tester") as uow:
        c = _complaint("TS-20260918-0009", dt.datetime(2026, 9, 18, 10))
        with pytest.raises(ValueError):
            schedule_complaint_callback(uow, c, "claim")


def test_add_from_complaint_through_cli(kefu, db):
    # A decided complaint (decision Wed 2026-09-30 → due 2026-10-13, see above) and an
    # undecided, non-regulator one.
    with unit_of_work(db, clerk="tester", at=dt.datetime(2026, 9, 30, 15)) as uow:
        uow.session.add(_complaint("TS-20260901-0002", dt.datetime(2026, 9, 1, 9), channel="phone", decided_at=uow.at))
        uow.session.add(_complaint("TS-20260901-0003", dt.datetime(2026, 9, 1, 9), channel="phone"))
    out = kefu.ok("callback", "add", "--kind", "投诉处理", "--complaint", "ts-20260901-0002", "--json")
    assert out["deadlines"] == [{"kind": "callback", "due": "2026-10-13", "provisional": False}]
    r = kefu("callback", "add", "--kind", "complaint", "--complaint", "TS-20260901-0003")
    assert r.code == 2 and "尚未作出处理决定" in r.err
    r = kefu("callback", "add", "--kind", "regulator", "--complaint", "TS-20260901-0002")
    assert r.code == 2 and "不是监管转办投诉" in r.err
