"""Major and group complaints (2020 rule Art. 12, 29; the emergency plan, seed 003) and recusal
(Art. 17), with real dates.

A group of 25 complains in person on Thu 2026-12-03 at 22:30: 20 or more people make it major
from the receipt, and its report to the complaint emergency group (投诉应急处理领导小组) is due
24 clock hours later, across midnight, Fri 2026-12-04 22:30 (policy `complaint.major_report`,
hours: no working-day roll). Escalated at 23:00 that Friday, it is met late.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from kefu_cli.services import clock

GROUP = (
    "complaint", "add", "--received", "2026-12-03T22:30", "--channel", "现场", "--category", "理赔",
    "--name", "王小明", "--phone", "13812345678", "--branch", "朝阳支公司", "--handler", "李娜",
    "--summary", "暴雨受灾集中理赔", "--people", "25", "--representatives", "甲,乙，丙、丁",
)  # fmt: skip
ONE = (
    "complaint", "add", "--received", "2026-12-01T09:00", "--channel", "phone", "--category", "claims",
    "--name", "张三", "--phone", "13912345678", "--branch", "朝阳支公司", "--handler", "李娜",
)  # fmt: skip


def _major_deadline(out: dict) -> dict:
    [d] = [d for d in out["deadlines"] if d["kind"] == "major_complaint_report"]
    return d


@pytest.fixture
def group(kefu):
    clock.set_now(dt.datetime(2026, 12, 5, 10, 0))
    return kefu.ok(*GROUP, "--json")


def test_a_group_of_25_is_major_from_receipt_and_due_24_hours_later_across_midnight(kefu, group):
    assert (group["major"], group["major_reason"], group["people"]) == (True, "group", 25)
    assert group["representatives"] == ["甲*", "乙*", "丙*", "丁*"]  # names of the complainants: masked
    shown = kefu.ok("complaint", "show", group["id"], "--json", "--unmask")
    assert shown["representatives"] == ["甲", "乙", "丙", "丁"]
    assert group["major_at"] == "2026-12-03T22:30:00+08:00"
    assert (group["escalated_at"], group["escalated_to"]) == (None, None)
    d = _major_deadline(group)
    assert (d["status"], d["due"], d["due_at"], d["rule"]) == (
        "open", "2026-12-04", "2026-12-04T22:30:00+08:00", "complaint.major_report"
    )  # fmt: skip
    assert (
        d["basis"] == "保险公司客户投诉应急预案 3.1、4.3 24小时"
    )  # the emergency plan (seed 003): the group, 24 hours
    report = kefu.ok("report", "deadlines", "--as-of", "2026-12-04", "--json")
    [item] = [i for i in report["items"] if i["kind"] == "major_complaint_report"]
    assert (item["case_id"], item["due"], item["major"]) == (group["id"], "2026-12-04", True)


def test_escalating_after_the_24_hours_is_recorded_late(kefu, group):
    cid = group["id"]
    r = kefu("complaint", "escalate", cid, "--to", "投诉应急处理领导小组", "--at", "2026-12-04T23:00")
    assert r.code == 0, r.err
    assert "已逾期" in r.out and "投诉应急处理领导小组" in r.out
    out = kefu.ok("complaint", "show", cid, "--json")
    assert (out["escalated_at"], out["escalated_to"]) == ("2026-12-04T23:00:00+08:00", "投诉应急处理领导小组")
    d = _major_deadline(out)
    assert (d["status"], d["met_at"], d["breached"], d["late"]) == ("met", "2026-12-04T23:00:00+08:00", True, True)
    assert [e["action"] for e in out["events"] if e["entity"] == "complaint"][-1] == "escalate"
    # once reported, not again; the status is the case's own
    again = kefu("complaint", "escalate", cid, "--at", "2026-12-05T09:00")
    assert again.code == 2 and "已于 2026-12-04 23:00 上报" in again.err
    assert out["status"] == "registered"
    assert "核验通过" in kefu.ok("db", "verify")


def test_escalating_in_time_is_on_time_and_undo_reopens_the_deadline(kefu, group):
    cid = group["id"]
    out = kefu.ok("complaint", "escalate", cid, "--at", "2026-12-04T08:00", "--json")
    d = _major_deadline(out)
    assert (d["status"], d["breached"]) == ("met", False)
    kefu.ok("complaint", "undo", cid, "--reason", "上报时间录错")
    back = kefu.ok("complaint", "show", cid, "--json")
    assert (back["escalated_at"], back["escalated_to"], back["major"]) == (None, None, True)
    assert _major_deadline(back)["status"] == "open"
    assert "核验通过" in kefu.ok("db", "verify")


def test_fewer_than_20_people_is_a_group_but_not_major(kefu):
    out = kefu.ok(*ONE, "--people", "19", "--representatives", "张三、李四", "--json")
    assert (out["major"], out["major_reason"], out["people"], out["representatives"]) == (
        False, None, 19, ["张*", "李*"]
    )  # fmt: skip
    assert not [d for d in out["deadlines"] if d["kind"] == "major_complaint_report"]
    r = kefu("complaint", "escalate", out["id"])
    assert r.code == 2 and "不是重大投诉" in r.err and f"kefu complaint major {out['id']}" in r.err


def test_complaint_major_on_an_existing_case_opens_24_hours_from_that_step(kefu):
    cid = kefu.ok(*ONE, "--json")["id"]
    kefu.ok("complaint", "accept", cid, "--at", "2026-12-01T09:10")
    out = kefu.ok("complaint", "major", cid, "--reason", "媒体", "--at", "2026-12-01T09:30", "--json")
    assert (out["major"], out["major_reason"], out["major_at"], out["status"]) == (
        True, "media", "2026-12-01T09:30:00+08:00", "accepted"
    )  # fmt: skip
    d = _major_deadline(out)
    assert (d["due_at"], d["basis"]) == (
        "2026-12-02T09:30:00+08:00", "保险公司客户投诉应急预案 3.1、4.3 24小时"
    )  # fmt: skip
    twice = kefu("complaint", "major", cid, "--reason", "disaster", "--at", "2026-12-01T09:40")
    assert twice.code == 2 and "已于 2026-12-01 09:30 认定为重大投诉(原因: 媒体)" in twice.err
    done = kefu.ok("complaint", "escalate", cid, "--at", "2026-12-01T09:50", "--json")
    assert (_major_deadline(done)["status"], _major_deadline(done)["breached"]) == ("met", False)
    assert "核验通过" in kefu.ok("db", "verify")


@pytest.mark.parametrize(("given", "code"), [("public_health", "public_health"), ("公共卫生", "public_health"),
                                             ("监管指定", "regulator"), ("安全事故", "accident"), ("群体", "group")])  # fmt: skip
def test_major_reasons_in_english_and_chinese(kefu, given, code):
    cid = kefu.ok(*ONE, "--json")["id"]
    assert kefu.ok("complaint", "major", cid, "--reason", given, "--json")["major_reason"] == code


def test_an_unknown_reason_is_refused(kefu):
    cid = kefu.ok(*ONE, "--json")["id"]
    r = kefu("complaint", "major", cid, "--reason", "天气")
    assert r.code == 2 and "--reason" in r.err
    assert kefu.ok("complaint", "show", cid, "--json")["major"] is False


@pytest.mark.parametrize("names", ["甲,乙,丙,丁,戊,己", "甲、乙、丙、丁、戊、己", "甲，乙，丙，丁，戊，己"])
def test_six_representatives_are_refused_and_nothing_is_written(kefu, names):
    r = kefu(*ONE, "--people", "30", "--representatives", names)
    assert r.code == 2
    assert r.err.count("\n") <= 1 and "最多推选 5 名代表" in r.err and "第十二条" in r.err
    assert kefu.ok("complaint", "list", "--json")["count"] == 0


def test_the_person_complained_about_may_not_handle_it(kefu):
    refused = kefu(*ONE[:-2], "--handler", "赵六", "--about", "赵六")
    assert refused.code == 2 and refused.err.startswith("错误: 经办人不能是被投诉人(第十七条)：")
    assert kefu.ok("complaint", "list", "--json")["count"] == 0
    out = kefu.ok(*ONE, "--about", "赵六", "--json")
    cid = out["id"]
    assert (out["about"], out["handler"]) == ("赵六", "李娜")
    before = kefu.ok("complaint", "show", cid, "--json")
    for args in (
        ("complaint", "assign", cid, "--handler", "赵六", "--new-handler"),
        ("complaint", "edit", cid, "--handler", "赵六", "--new-handler", "--reason", "改派"),
        ("complaint", "edit", cid, "--about", "李娜", "--reason", "被投诉人录错"),
    ):
        r = kefu(*args)
        assert r.code == 2 and "经办人不能是被投诉人(第十七条)：" in r.err, args
    assert kefu.ok("complaint", "show", cid, "--json") == before
    assert "赵六" not in kefu.ok("handler", "list")
    # a correction of whom it is about, to someone else, is taken
    kefu.ok("complaint", "edit", cid, "--about", "钱七", "--reason", "被投诉人录错")
    assert kefu.ok("complaint", "show", cid, "--json")["about"] == "钱七"
    assert "核验通过" in kefu.ok("db", "verify")


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [("people", 3, "投诉人数"), ("representatives", "甲", "代表"), ("about", "某人", "被投诉人"),
     ("major_reason", "media", "重大投诉原因"), ("escalated_to", "总经理", "上报至"),
     ("major_at", "2026-12-03 23:30:00.000000", "认定重大投诉时间")],
)  # fmt: skip
def test_a_forged_major_column_is_named_by_verify(kefu, group, db_path, column, value, named):
    kefu.ok("complaint", "escalate", group["id"], "--at", "2026-12-04T08:00")
    with sqlite3.connect(db_path) as con:
        con.execute(f"UPDATE complaint SET {column} = ? WHERE id = ?", (value, group["id"]))  # noqa: S608
    r = kefu("db", "verify")
    assert r.code != 0
    assert group["id"] in r.out + r.err and named in r.out + r.err


def test_show_and_list_mark_a_major_complaint(kefu, group):
    kefu.ok(*ONE, "--about", "赵六")
    text = kefu.ok("complaint", "show", group["id"])
    assert f"投诉 {group['id']}  状态: 待受理  重大投诉" in text
    assert "投诉人数: 25  代表: 甲*、乙*、丙*、丁*" in text
    assert "重大投诉: 群体(自 2026-12-03 22:30),尚未上报投诉应急处理领导小组" in text
    listed = kefu.ok("complaint", "list")
    [line] = [ln for ln in listed.splitlines() if group["id"] in ln]
    assert "重大" in line
    assert [ln for ln in listed.splitlines() if "张*" in ln and "重大" in ln] == []
    rows = kefu.ok("complaint", "list", "--json")["items"]
    assert [(r["id"][-4:], r["major"]) for r in rows] == [("0001", False), ("0001", True)]
    csv = kefu.ok("complaint", "list", "--csv").splitlines()
    assert csv[0].endswith(",major") and csv[2].endswith(",True")


def test_report_stats_counts_major_complaints_and_their_report(kefu, group):
    kefu.ok(*ONE)  # not major
    media = kefu.ok(*ONE[:3], "2026-12-02T09:00", *ONE[4:], "--json")["id"]
    kefu.ok("complaint", "major", media, "--reason", "media", "--at", "2026-12-02T10:00")
    late = kefu.ok(*ONE[:3], "2026-12-02T11:00", *ONE[4:], "--json")["id"]
    kefu.ok("complaint", "major", late, "--reason", "灾害", "--at", "2026-12-02T11:00")
    kefu.ok("complaint", "escalate", late, "--at", "2026-12-03T12:00")  # due 12-03 11:00: late
    kefu.ok("complaint", "escalate", group["id"], "--at", "2026-12-04T20:00")  # due 12-04 22:30: on time
    rep = kefu.ok("report", "stats", "--from", "2026-12-01", "--to", "2026-12-05", "--json")
    m = rep["complaints"]["major"]
    assert (m["count"], m["escalated_on_time"], m["escalated_late"], m["open"], m["overdue"]) == (3, 1, 1, 0, 1)
    assert {r["reason"]: r["count"] for r in m["by_reason"]} == {
        "group": 1, "disaster": 1, "accident": 0, "public_health": 0, "regulator": 0, "media": 1
    }  # fmt: skip
    # as the history stood at the end of 12-02: the group not yet registered, the late one not yet escalated
    then = kefu.ok("report", "stats", "--from", "2026-12-01", "--to", "2026-12-05", "--as-of", "2026-12-02", "--json")
    m = then["complaints"]["major"]
    assert (m["count"], m["escalated_on_time"], m["escalated_late"], m["open"], m["overdue"]) == (2, 0, 0, 2, 0)
    text = kefu.ok("report", "stats", "--from", "2026-12-01", "--to", "2026-12-05")
    assert "重大投诉(上报投诉应急处理领导小组)" in text and "重大投诉逾期上报" in text
    # the regulator's quarter and the yearly disclosure flag them too: 3 major of the 4 received
    quarter = ("report", "regulator", "--quarter", "2026Q4", "--company-type", "寿险", "--premium", "6亿",
               "--policies", "40000")  # fmt: skip
    assert kefu.ok(*quarter, "--json")["complaints"] == {"all": 4, "regulator": 0, "major": 3}
    assert "重大投诉 3" in kefu.ok(*quarter)
    assert kefu.ok("report", "annual", "--year", "2026", "--json")["complaints"]["major"] == 3
    assert "(其中重大投诉 3 件)" in kefu.ok("report", "annual", "--year", "2026")


def test_an_export_keeps_the_group_the_person_complained_about_and_the_major_steps(kefu, group, tmp_path):
    from conftest import Kefu, init_db

    kefu.ok("complaint", "escalate", group["id"], "--at", "2026-12-04T23:00")
    other = kefu.ok(*ONE[:3], "2026-12-02T09:00", *ONE[4:], "--about", "赵六", "--people", "3", "--json")["id"]
    kefu.ok("complaint", "major", other, "--reason", "监管指定", "--at", "2026-12-02T10:00")
    book = tmp_path / "投诉.xlsx"
    kefu.ok("export", "complaints", str(book), "--unmask")
    empty = Kefu(init_db(str(tmp_path / "empty.sqlite")))
    out = empty.ok("import", "complaints", str(book), "--json")
    assert sorted(out["ids"]) == sorted([group["id"], other]) and out["errors"] == []

    def kept(k, cid):
        s = k.ok("complaint", "show", cid, "--json", "--unmask")
        keys = ("people", "representatives", "about", "major", "major_reason", "major_at", "escalated_at",
                "escalated_to", "status")  # fmt: skip
        return {k_: s[k_] for k_ in keys}, [
            (d["kind"], d["status"], d["due_at"], d["breached"]) for d in s["deadlines"]
        ]

    for cid in (group["id"], other):
        assert kept(empty, cid) == kept(kefu, cid)
    assert kept(empty, other)[0]["major_reason"] == "regulator"
    assert "核验通过" in empty.ok("db", "verify")
    # a plain sheet of registrations reads the group and whom it is about too
    sheet = tmp_path / "登记.csv"
    sheet.write_text(
        "接收时间,受理方式,投诉类别,投诉人,联系电话,投诉人数,代表,被投诉人\n"
        "2026-12-01 08:00,现场,理赔,孙八,13700000000,22,甲、乙,周九\n",
        encoding="utf-8",
    )
    new = empty.ok("import", "complaints", str(sheet), "--json")["ids"]
    s = empty.ok("complaint", "show", new[0], "--json", "--unmask")
    assert (s["people"], s["representatives"], s["about"], s["major_reason"]) == (22, ["甲", "乙"], "周九", "group")
    assert _major_deadline(s)["due_at"] == "2026-12-02T08:00:00+08:00"


def test_the_guided_entry_asks_for_the_number_of_people_of_a_complaint_in_person(tmp_path, monkeypatch):
    import json
    import sys

    if sys.platform == "win32":
        pytest.skip("a POSIX pseudo-terminal")
    from conftest import init_db, run_cli
    from test_guided_entry import Terminal

    monkeypatch.setenv("NO_COLOR", "1")
    db = init_db(str(tmp_path / "kefu.sqlite"))
    t = Terminal("--db", db, "complaint", "add", "--at", "2026-11-30T10:00", "--category", "理赔")
    t.answer("受理方式", "现场")
    t.answer("投诉人姓名", "王小明")
    t.answer("联系电话", "13812345678")
    for prompt in ("接收时间", "保单号", "投诉内容摘要", "机构"):
        t.answer(prompt, "")
    t.answer("共同投诉人数(群体投诉)", "三十")  # refused by the same check as --people, asked again
    shown = t.answer("共同投诉人数(群体投诉)", "30")
    assert "--people" in shown
    assert "投诉人数: 30" in t.answer("确认登记", "y")
    code, rest = t.wait()
    assert code == 0, rest
    code, out, _ = run_cli("--db", db, "complaint", "list", "--json")
    [c] = json.loads(out)["items"]
    assert (c["people"], c["major_reason"]) == (30, "group")


def test_the_major_reason_completes_in_english_and_chinese():
    from test_completion import complete

    assert set(complete("kefu complaint major TS-1 --reason ")) >= {"public_health", "公共卫生", "media", "媒体"}
    assert complete("kefu complaint major TS-1 --reason 监") == ["监管指定"]


def test_a_past_day_s_deadline_report_flags_only_what_was_major_then(kefu):
    cid = kefu.ok(*ONE, "--json")["id"]
    clock.set_now(dt.datetime(2026, 12, 2, 10, 0))
    kefu.ok("complaint", "major", cid, "--reason", "媒体", "--at", "2026-12-02T09:30")
    for day, major in (("2026-12-01", False), ("2026-12-02", True)):
        items = kefu.ok("report", "deadlines", "--as-of", day, "--json")["items"]
        assert items and {i["major"] for i in items} == {major}, day
    then = kefu.ok("complaint", "show", cid, "--as-of", "2026-12-01", "--json")
    assert (then["major"], then["major_reason"]) == (False, None)
