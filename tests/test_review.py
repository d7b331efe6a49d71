"""The review (核查) of a decision (2020 rule Art. 20; RULES.md §6), with real dates.

Decided and told Fri 2026-10-16: the written request may come within 30 日 of receiving the
decision, 10-16 + 30 = Sun 11-15, a rest day, so the last day is Mon 11-16 (民法典 §203); a request
received Tue 11-17 is refused. The review is decided within 30 日 of the request: received Fri
11-13, 11-13 + 30 = Sun 12-13, so it is due Mon 12-14.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kefu_cli.services import clock


@pytest.fixture
def decided(kefu):
    out = kefu.ok(
        "complaint", "add", "--received", "2026-10-09T10:00", "--channel", "电话", "--category", "理赔",
        "--name", "王小明", "--phone", "13812345678", "--branch", "朝阳支公司", "--handler", "李娜",
        "--summary", "理赔款未到", "--json",
    )  # fmt: skip
    cid = out["id"]
    kefu.ok("complaint", "accept", cid, "--at", "2026-10-10T09:00")  # Sat 10-10: a make-up working day
    kefu.ok("complaint", "decide", cid, "--result", "按合同赔付", "--at", "2026-10-16T15:00")
    return cid


def _review_deadline(out: dict) -> dict:
    [d] = [d for d in out["deadlines"] if d["kind"] == "review"]
    return d


def test_a_request_on_the_last_day_rolled_past_a_sunday_is_taken(kefu, decided):
    clock.set_now(dt.datetime(2026, 11, 16, 17, 0))
    out = kefu.ok("complaint", "review", decided, "--received", "2026-11-16T16:00", "--note", "对赔付金额有异议",
                  "--json")  # fmt: skip
    assert out["status"] == "reviewing" and out["review_received_at"] == "2026-11-16T16:00:00+08:00"
    review = _review_deadline(out)
    assert (review["status"], review["due"], review["rule"]) == ("open", "2026-12-16", "complaint.review")
    assert review["basis"] == "《银行业保险业消费投诉处理管理办法》第二十条 30日"
    assert "核验通过" in kefu.ok("db", "verify")


def test_a_request_the_day_after_is_refused_and_nothing_changes(kefu, decided, db_path):
    clock.set_now(dt.datetime(2026, 11, 17, 17, 0))
    before = kefu.ok("complaint", "show", decided, "--json")
    r = kefu("complaint", "review", decided, "--received", "2026-11-17T09:00")
    assert r.code == 2
    assert "处理决定已于 2026-10-16 告知" in r.err and "至 2026-11-16" in r.err and "第二十条" in r.err
    assert kefu.ok("complaint", "show", decided, "--json") == before


def test_the_review_deadline_ending_on_a_sunday_rolls_to_monday_and_is_met_by_the_decision(kefu, decided):
    clock.set_now(dt.datetime(2026, 11, 13, 11, 0))
    out = kefu.ok("complaint", "review", decided, "--received", "2026-11-13T10:00", "--json")
    assert _review_deadline(out)["due"] == "2026-12-14"  # 11-13 + 30 = Sun 12-13
    report = kefu.ok("report", "deadlines", "--as-of", "2026-11-13", "--json")
    assert [(i["case_id"], i["kind"], i["due"]) for i in report["items"] if i["kind"] == "review"] == [
        (decided, "review", "2026-12-14")
    ]
    clock.set_now(dt.datetime(2026, 12, 11, 11, 0))
    done = kefu.ok("complaint", "review-decide", decided, "--result", "维持", "--note", "经核查维持原处理决定",
                   "--at", "2026-12-11T10:00", "--json")  # fmt: skip
    assert (done["status"], done["review_result"]) == ("reviewed", "upheld")
    review = _review_deadline(done)
    assert (review["status"], review["late"]) == ("met", False)
    text = kefu.ok("complaint", "show", decided)
    assert "已作出核查(复核)决定" in text
    assert "核验通过" in kefu.ok("db", "verify")
    # one undo takes the review decision back: the review deadline runs again
    undone = kefu.ok("complaint", "undo", decided, "--reason", "结果录错", "--json")
    assert undone["status"] == "reviewing"
    assert "核验通过" in kefu.ok("db", "verify")


def test_review_needs_a_decision_and_a_known_result(kefu, decided):
    clock.set_now(dt.datetime(2026, 11, 2, 11, 0))
    r = kefu("complaint", "review-decide", decided, "--result", "维持")
    assert r.code == 2 and "核查(复核)中" not in r.err and "不能作出核查(复核)决定" in r.err
    kefu.ok("complaint", "review", decided, "--received", "2026-11-02T10:00")
    r = kefu("complaint", "review-decide", decided, "--result", "撤销")
    assert r.code == 2 and "--result 核查结果 的值 '撤销' 无效" in r.err
    r = kefu("complaint", "review", decided, "--received", "2026-11-02T10:00")
    assert r.code == 2 and "核查(复核)中" in r.err  # asked once; the status says so
