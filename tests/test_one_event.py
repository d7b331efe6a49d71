"""A user action is one event: the deadlines it opens, meets, supersedes, pauses or voids are
effects carried inside it (domain/effects.py), not audit events of their own.

Checked on the demo database (every step of the demo script), on single steps through the CLI,
and for the one exception: a calendar import moves the due dates of open deadlines in cases
that have no event in it, so those moves stay `deadline` events of their own.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from conftest import copy_db
from kefu_cli.domain.effects import carrier_of, deadline_changes, effect, own_details
from kefu_cli.services import clock


def _events(path) -> list[dict]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM audit_event ORDER BY id")]
    con.close()
    return rows


def _deadlines(path) -> list[dict]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM deadline ORDER BY id")]
    con.close()
    return rows


def test_the_demo_has_no_deadline_events_and_every_deadline_is_an_effect_of_its_case(demo, tmp_path):
    path = copy_db(demo, tmp_path)
    events = _events(path)
    assert events and not [e for e in events if e["entity"] == "deadline"]
    carried: dict[int, list[tuple[str, str, str]]] = {}
    for e in events:
        for fx in json.loads(e["details"]).get("effects", []):
            assert fx["case"] == f"{e['entity']}:{e['entity_id']}"  # carried by its own case's event
            carried.setdefault(fx["deadline"], []).append((fx["action"], fx["from"], fx["to"]))
    rows = _deadlines(path)
    assert sorted(carried) == [d["id"] for d in rows]
    for d in rows:
        changes = carried[d["id"]]
        assert changes[0] == ("open", None, "open")
        assert changes[-1][2] == d["status"]  # the last effect leaves the row's status


def test_one_step_writes_one_event_with_its_effects(kefu, db_path):
    out = kefu.ok(
        "complaint", "add", "--received", "2026-11-23T10:00", "--channel", "电话", "--category", "理赔",
        "--name", "张三明", "--phone", "13812345678", "--branch", "朝阳支公司", "--handler", "李四",
        "--summary", "理赔款迟迟未到", "--json",
    )  # fmt: skip
    cid = out["id"]
    events = _events(db_path)
    assert [(e["entity"], e["action"]) for e in events] == [("complaint", "register")]
    opened = json.loads(events[0]["details"])["effects"]
    assert sorted(fx["kind"] for fx in opened) == ["acceptance", "decision", "initial_investigation"]
    assert {(fx["action"], fx["to"]) for fx in opened} == {("open", "open")}

    kefu.ok("complaint", "accept", cid, "--at", "2026-11-24T09:00")
    events = _events(db_path)
    assert [(e["entity"], e["action"]) for e in events] == [("complaint", "register"), ("complaint", "accept")]
    met = json.loads(events[1]["details"])["effects"]
    assert sorted((fx["kind"], fx["action"], fx["from"], fx["to"]) for fx in met) == [
        ("acceptance", "close", "open", "met"),
        ("initial_investigation", "close", "open", "met"),
    ]
    # the show's timeline gives each change right after the step that made it
    shown = kefu.ok("complaint", "show", cid, "--json")["events"]
    assert [(e["entity"], e["action"]) for e in shown] == [("complaint", "register")] + [("deadline", "open")] * 3 + [
        ("complaint", "accept"), ("deadline", "close"), ("deadline", "close"),
    ]  # fmt: skip
    assert "effects" not in shown[0]["details"]
    assert "核验通过" in kefu.ok("db", "verify")


def test_a_calendar_import_moves_open_deadlines_as_deadline_events_of_their_own(kefu, db_path, tmp_path):
    # Mon 2026-12-28: acceptance 10 working days reaches into 2027, which the calendar here does not
    # know (provisional Mon–Fri): 12-29, 30, 31, 01-01 (Fri), 04, 05, 06, 07, 08, 11 → 2027-01-11.
    clock.set_now(dt.datetime(2026, 12, 28, 11, 0))
    out = kefu.ok(
        "complaint", "add", "--received", "2026-12-28T10:00", "--channel", "电话", "--category", "理赔",
        "--name", "张三明", "--phone", "13812345678", "--json",
    )  # fmt: skip
    acceptance = next(d for d in out["deadlines"] if d["kind"] == "acceptance")
    assert (acceptance["due"], acceptance["provisional"]) == ("2027-01-11", True)
    notice = tmp_path / "2027元旦.csv"
    notice.write_text("日期,类型,名称\n2027-01-01,休,元旦\n", encoding="utf-8")
    clock.set_now(dt.datetime(2026, 12, 29, 9, 0))
    result = kefu.ok("workday", "import", str(notice), "--json")
    assert [(r["case_id"], r["kind"], r["due_before"], r["due"]) for r in result["recomputed"]] == [
        (out["id"], "acceptance", "2027-01-11", "2027-01-12")
    ]
    moved = [e for e in _events(db_path) if e["entity"] == "deadline"]
    assert [(e["action"], e["entity_id"]) for e in moved] == [("recompute", str(acceptance["id"]))]
    assert json.loads(moved[0]["details"])["state"]["due"] == "2027-01-12"
    assert "核验通过" in kefu.ok("db", "verify")
    # the show reads the move from the calendar's own deadline event
    shown = kefu.ok("complaint", "show", out["id"], "--json")
    assert [e["action"] for e in shown["events"] if e["entity"] == "deadline"][-1] == "recompute"
    # and the report as of that day folds it: the acceptance is due 01-12 from then on
    report = kefu.ok("report", "deadlines", "--as-of", "2026-12-29", "--json")
    due = {(i["case_id"], i["kind"]): i["due"] for i in report["items"]}
    assert due[(out["id"], "acceptance")] == "2027-01-12"


def test_carrier_is_the_nearest_event_of_the_same_case():
    pending = [("complaint", "A"), ("callback", "B"), ("complaint", "A")]
    assert carrier_of("complaint:A", pending, 0) == 0  # recorded before any event: the next one of its case
    assert carrier_of("complaint:A", pending, 2) == 0  # the nearest one before it
    assert carrier_of("complaint:A", pending, 3) == 2
    assert carrier_of("callback:B", pending, 0) == 1
    assert carrier_of("claim:C", pending, 3) is None  # no event of its case: an event of its own


def test_deadline_changes_read_both_forms():
    event = {"id": 5, "entity": "complaint", "entity_id": "A", "action": "accept", "from_status": "r",
             "to_status": "a", "at": "t"}  # fmt: skip
    details = {"note": "x", "effects": [effect(9, "close", "open", "met", {"kind": "acceptance", "state": {}})]}
    [(change, d)] = deadline_changes(event, details)
    assert (change["entity"], change["entity_id"], change["action"], change["id"]) == ("deadline", "9", "close", 5)
    assert (change["from_status"], change["to_status"], d) == ("open", "met", {"kind": "acceptance", "state": {}})
    assert own_details(details) == {"note": "x"}
    old = {**event, "entity": "deadline", "entity_id": "9", "action": "open"}
    assert list(deadline_changes(old, {"state": {}})) == [(old, {"state": {}})]
