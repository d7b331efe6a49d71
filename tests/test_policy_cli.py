"""`kefu policy list|set`: value, unit and start of each rule — stored, shown, audited, bounded."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kefu_cli.domain.policy import DEFAULTS, Policy, Start, Unit, parse_start, parse_unit, validate_setting
from kefu_cli.domain.timeutil import InputError


def rules(kefu) -> dict[str, dict]:
    return {r["key"]: r for r in kefu.ok("policy", "list", "--json")["rules"]}


def audit(kefu) -> list[tuple[str, str, dict]]:
    con = sqlite3.connect(kefu.db)
    try:
        rows = con.execute(
            "SELECT clerk, entity_id, details FROM audit_event WHERE entity = 'policy' ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [(clerk, key, json.loads(details)) for clerk, key, details in rows]


def test_list_shows_decision_as_15_calendar_days_from_receipt(kefu):
    table = kefu.ok("policy", "list")
    line = next(ln for ln in table.splitlines() if ln.startswith("complaint.decision "))
    assert "15" in line and "自然日" in line and "自收到投诉" in line
    acceptance = next(ln for ln in table.splitlines() if ln.startswith("complaint.acceptance "))
    assert "工作日" in acceptance and "自材料齐全" in acceptance
    head = table.splitlines()[1] if "规则表" in table.splitlines()[0] else table.splitlines()[0]
    assert "单位" in head and "起算" in head

    r = rules(kefu)
    assert r["complaint.decision"] == {
        "key": "complaint.decision",
        "value": 15,
        "unit": "days",
        "start": "received",
        "default": 15,
        "default_unit": "days",
        "default_start": "received",
        "label": DEFAULTS["complaint.decision"].label,
        "source": DEFAULTS["complaint.decision"].source,
    }
    assert r["callback.claim"]["start"] is None and r["callback.claim"]["default_start"] is None
    assert r["callback.success_rate_min"]["unit"] == "percent"


def test_set_unit_and_start_is_stored_listed_and_audited(kefu):
    out = kefu.ok(
        "policy", "set", "complaint.decision", "10", "--unit", "workdays", "--from", "complete",
        "--clerk", "管理员", "--at", "2026-11-02T09:00", "--json",
    )  # fmt: skip
    assert out == {
        "key": "complaint.decision",
        "value": 10,
        "unit": "workdays",
        "start": "complete",
        "before": 15,
        "before_unit": "days",
        "before_start": "received",
    }
    r = rules(kefu)["complaint.decision"]
    assert (r["value"], r["unit"], r["start"]) == (10, "workdays", "complete")
    assert (r["default"], r["default_unit"], r["default_start"]) == (15, "days", "received")
    line = next(ln for ln in kefu.ok("policy", "list").splitlines() if ln.startswith("complaint.decision "))
    assert "工作日" in line and "自材料齐全" in line

    assert audit(kefu) == [
        (
            "管理员",
            "complaint.decision",
            {
                "before": 15,
                "after": 10,
                "before_unit": "days",
                "after_unit": "workdays",
                "before_start": "received",
                "after_start": "complete",
            },
        )
    ]
    con = sqlite3.connect(kefu.db)
    stored = con.execute("SELECT value, unit, start FROM policy_setting WHERE key = 'complaint.decision'").fetchone()
    con.close()
    assert stored == (10, "workdays", "complete")


def test_set_unit_only_keeps_value_and_start(kefu):
    kefu.ok("policy", "set", "complaint.initial_investigation", "24", "--unit", "workdays", "--json")
    r = rules(kefu)["complaint.initial_investigation"]
    assert (r["value"], r["unit"], r["start"]) == (24, "workdays", "received")
    # a later value-only change keeps the stored unit and is bounded by it
    kefu.ok("policy", "set", "complaint.initial_investigation", "2", "--json")
    r = rules(kefu)["complaint.initial_investigation"]
    assert (r["value"], r["unit"]) == (2, "workdays")
    bad = kefu("policy", "set", "complaint.initial_investigation", "300")
    assert bad.code == 2 and "1 到 250" in bad.err
    [_, second] = audit(kefu)
    assert second[2]["before_unit"] == second[2]["after_unit"] == "workdays"


def test_value_only_change_is_audited_with_unit_and_start(kefu):
    out = kefu.ok("policy", "set", "complaint.acceptance", "8", "--json")
    assert out["before"] == 10 and out["value"] == 8 and out["unit"] == "workdays" and out["start"] == "complete"
    [(_, key, details)] = audit(kefu)
    assert key == "complaint.acceptance"
    assert details == {
        "before": 10,
        "after": 8,
        "before_unit": "workdays",
        "after_unit": "workdays",
        "before_start": "complete",
        "after_start": "complete",
    }


@pytest.mark.parametrize(
    ("unit", "start", "want_unit", "want_start"),
    [
        ("工作日", "自材料齐全", "workdays", "complete"),
        ("自然日", "收到投诉", "days", "received"),
        ("小时", "材料齐全", "hours", "complete"),
        ("DAYS", "自收到投诉", "days", "received"),
    ],
)
def test_chinese_labels_are_accepted(kefu, unit, start, want_unit, want_start):
    kefu.ok("policy", "set", "complaint.acceptance", "12", "--unit", unit, "--from", start, "--json")
    r = rules(kefu)["complaint.acceptance"]
    assert (r["value"], r["unit"], r["start"]) == (12, want_unit, want_start)


def test_human_output_is_chinese(kefu):
    out = kefu.ok("policy", "set", "complaint.decision", "20", "--unit", "工作日")
    assert "15 自然日 自收到投诉" in out and "20 工作日 自收到投诉" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["complaint.decision", "0"], "1 到 366"),
        (["complaint.decision", "100000"], "1 到 366"),
        (["complaint.decision", "99999999999999999999"], "1 到 366"),
        (["complaint.acceptance", "251"], "1 到 250"),
        (["complaint.initial_investigation", "721"], "1 到 720"),
        (["complaint.decision", "100000", "--unit", "hours"], "1 到 720"),
        (["callback.phone_attempts", "0"], "1 到 20"),
        (["callback.phone_attempts", "21"], "1 到 20"),
        (["callback.success_rate_min", "101"], "0 到 100"),
        (["report.due_soon_workdays", "31"], "0 到 30"),
        (["complaint.nonexistent", "3"], "complaint.acceptance"),
        (["callback.success_rate_min", "50", "--unit", "days"], "--unit"),
        (["callback.phone_attempts", "3", "--unit", "hours"], "--unit"),
        (["callback.claim", "5", "--from", "received"], "--from"),
        (["callback.new_policy_cooling_off", "15", "--from", "complete"], "--from"),
        (["report.due_soon_workdays", "3", "--unit", "days"], "工作日"),
        (["complaint.decision", "15", "--unit", "weeks"], "--unit"),
        (["complaint.decision", "15", "--from", "yesterday"], "--from"),
    ],
)
def test_bad_settings_exit_2_and_change_nothing(kefu, args, needle):
    before = rules(kefu)
    r = kefu("policy", "set", *args)
    assert r.code == 2, r.err
    assert needle in r.err
    assert "Traceback" not in r.err + r.out and "OverflowError" not in r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    assert rules(kefu) == before
    assert audit(kefu) == []


def test_bounds_message_names_key_value_range_and_example(kefu):
    r = kefu("policy", "set", "complaint.decision", "100000")
    assert r.code == 2
    assert "complaint.decision" in r.err and "100000" in r.err and "1 到 366" in r.err and "例如" in r.err


def test_edge_values_are_accepted(kefu):
    kefu.ok("policy", "set", "report.due_soon_workdays", "0", "--json")
    kefu.ok("policy", "set", "callback.letter_visit_max", "0", "--json")
    kefu.ok("policy", "set", "complaint.decision", "366", "--json")
    kefu.ok("policy", "set", "complaint.initial_investigation", "720", "--json")
    r = rules(kefu)
    assert r["report.due_soon_workdays"]["value"] == 0 and r["complaint.decision"]["value"] == 366


# --- pure domain ---------------------------------------------------------------------------


def test_policy_rule_returns_stored_unit_and_start():
    p = Policy(
        {"complaint.decision": 10, "callback.claim": 3},
        {"complaint.decision": "workdays", "callback.claim": None},
        {"complaint.decision": "complete", "callback.claim": "received"},
    )
    r = p.rule("complaint.decision")
    assert (r.value, r.unit, r.start) == (10, Unit.WORKDAYS, Start.COMPLETE)
    c = p.rule("callback.claim")
    assert (c.value, c.unit, c.start) == (3, Unit.WORKDAYS, None), "a callback rule has no start"
    d = Policy().rule("complaint.decision")
    assert (d.value, d.unit, d.start) == (15, Unit.DAYS, Start.RECEIVED)


def test_parse_unit_and_start():
    assert (
        parse_unit("工作日") is Unit.WORKDAYS and parse_unit("days") is Unit.DAYS and parse_unit("小时") is Unit.HOURS
    )
    assert parse_start("自收到投诉") is Start.RECEIVED and parse_start("收到投诉") is Start.RECEIVED
    assert parse_start("自材料齐全") is Start.COMPLETE and parse_start("材料齐全") is Start.COMPLETE
    assert parse_start("complete") is Start.COMPLETE
    with pytest.raises(InputError):
        parse_unit("percent")  # not a period
    with pytest.raises(InputError):
        parse_start("decided")


def test_validate_setting():
    assert validate_setting("complaint.decision", 15) is None
    assert validate_setting("complaint.decision", 720, Unit.HOURS) is None
    assert "1 到 366" in validate_setting("complaint.decision", 10**30)
    assert "1 到 250" in validate_setting("complaint.decision", -1, Unit.WORKDAYS)
    assert validate_setting("complaint.acceptance", 10, start=Start.RECEIVED) is None
    assert "--from" in validate_setting("callback.reply", 5, start=Start.RECEIVED)
    assert "--unit" in validate_setting("callback.letter_visit_max", 5, Unit.DAYS)
