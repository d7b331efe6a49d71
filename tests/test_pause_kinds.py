"""Pauses by kind (RULES.md §6; 2020 rule Art. 18: appraisal, testing, valuation; Art. 23: mediation).

Every kind stops the clocks the same way; the kind is kept on the case (`pause_kind`), named in
show, in the basis of the resumed deadline and in `report stats`, and checked by `db verify`.

Real dates, across National Day 2026: received Mon 2026-09-21 10:00, materials complete; the
decision period, 15 calendar days, ends 10-06 (a holiday) and rolls to Thu 10-08. Paused Mon
09-28 10:00, resumed Fri 10-09 10:00: 11 calendar days are added, 09-21 + 26 = Sat 10-17, an
ordinary rest day, so the decision is due Mon 2026-10-19.
"""

from __future__ import annotations

import pytest

RECEIVED = "2026-09-21T10:00"


def _register(kefu, name: str) -> str:
    out = kefu.ok(
        "complaint", "add", "--received", RECEIVED, "--channel", "电话", "--category", "理赔", "--name", name,
        "--phone", "13812345678", "--branch", "朝阳支公司", "--handler", "李四", "--summary", "理赔款未到", "--json",
    )  # fmt: skip
    kefu.ok("complaint", "accept", out["id"], "--at", "2026-09-22T09:00")
    return out["id"]


def _decision(out: dict) -> dict:
    [d] = [d for d in out["deadlines"] if d["kind"] == "decision" and d["status"] in ("open", "paused")]
    return d


@pytest.mark.parametrize("kind,zh", [("mediation", "调解"), ("调解", "调解"), ("appraisal", "鉴定"), ("检测", "检测")])
def test_every_kind_stops_the_decision_clock_across_national_day(kefu, kind, zh):
    cid = _register(kefu, "王小明")
    assert _decision(kefu.ok("complaint", "show", cid, "--json"))["due"] == "2026-10-08"
    paused = kefu.ok("complaint", "pause", cid, "--kind", kind, "--reason", "双方同意由调解组织调解",
                     "--at", "2026-09-28T10:00", "--json")  # fmt: skip
    code = {"调解": "mediation", "鉴定": "appraisal", "检测": "testing"}[zh]
    assert (paused["status"], paused["pause_kind"]) == ("paused", code)
    assert _decision(paused)["status"] == "paused"
    # National Day passes while paused: nothing is overdue on 10-08
    report = kefu.ok("report", "deadlines", "--as-of", "2026-10-08", "--json")
    assert not [i for i in report["items"] if i["case_id"] == cid and i["status"] == "overdue"]
    assert [i["status"] for i in report["items"] if i["case_id"] == cid and i["kind"] == "decision"] == ["paused"]

    resumed = kefu.ok("complaint", "resume", cid, "--at", "2026-10-09T10:00", "--json")
    decision = _decision(resumed)
    assert (decision["due"], decision["paused_days"]) == ("2026-10-19", 11)
    # the resume's effect on the decision says what the pause was
    events = kefu.ok("complaint", "show", cid, "--json")["events"]
    [why] = [e["details"]["reason"] for e in events if e["entity"] == "deadline" and e["action"] == "resume"]
    basis = "调解中止" if zh == "调解" else f"外部{zh}中止"
    assert why == f"{basis} 2026-09-28 至 2026-10-09: 双方同意由调解组织调解"
    shown = kefu.ok("complaint", "show", cid)
    assert f"曾中止({zh})" in shown
    assert "核验通过" in kefu.ok("db", "verify")


def test_the_kind_is_counted_in_stats_and_shown_while_paused(kefu):
    a, b, c = (_register(kefu, n) for n in ("甲", "乙", "丙"))
    kefu.ok("complaint", "pause", a, "--kind", "调解", "--reason", "调解", "--at", "2026-09-28T10:00")
    kefu.ok("complaint", "pause", b, "--kind", "valuation", "--reason", "财产损失评估", "--at", "2026-09-28T11:00")
    kefu.ok("complaint", "pause", c, "--reason", "伤残鉴定", "--at", "2026-09-28T12:00")  # default: appraisal
    assert "中止(调解): 自 2026-09-28 10:00,原因: 调解" in kefu.ok("complaint", "show", a)
    stats = kefu.ok("report", "stats", "--from", "2026-09-01", "--to", "2026-09-30", "--json")
    assert stats["complaints"]["paused_by_kind"] == [
        {"kind": "appraisal", "count": 1},
        {"kind": "testing", "count": 0},
        {"kind": "valuation", "count": 1},
        {"kind": "mediation", "count": 1},
    ]
    # as of a day before the pauses: none paused yet
    before = kefu.ok("report", "stats", "--from", "2026-09-01", "--to", "2026-09-30", "--as-of", "2026-09-27", "--json")
    assert all(r["count"] == 0 for r in before["complaints"]["paused_by_kind"])
    text = kefu.ok("report", "stats", "--from", "2026-09-01", "--to", "2026-09-30")
    assert "中止(鉴定、检测、评估、调解期间不计入期限)" in text


def test_an_unknown_kind_is_one_sentence_and_changes_nothing(kefu, db_path):
    cid = _register(kefu, "王小明")
    r = kefu("complaint", "pause", cid, "--kind", "仲裁", "--reason", "x", "--at", "2026-09-28T10:00")
    assert r.code == 2
    assert "--kind 中止类型 的值 '仲裁' 无效" in r.err and "调解(mediation)" in r.err
    assert kefu.ok("complaint", "show", cid, "--json")["status"] == "accepted"
