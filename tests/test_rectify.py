"""Root cause and rectification (溯源整改, 2020 rule Art. 26; RULES.md §6), with real dates.

Complaints received Fri 2026-10-09 and decided Fri 2026-10-16 name their root cause with the
decision (`--cause`, Chinese or English code). A rectification opened on 2026-12-01 is due at the
end of Thu 2026-12-31 (the day given, held by its owner); done on Mon 2027-01-04 it is late.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kefu_cli.services import clock


def _decided(kefu, name: str, phone: str, cause: str | None = None) -> str:
    cid = kefu.ok(
        "complaint", "add", "--received", "2026-10-09T10:00", "--channel", "电话", "--category", "理赔",
        "--name", name, "--phone", phone, "--branch", "朝阳支公司", "--handler", "李娜",
        "--summary", "理赔款未到", "--json",
    )["id"]  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-10-10T09:00")  # Sat 10-10: a make-up working day
    extra = ("--cause", cause) if cause else ()
    kefu.ok("complaint", "decide", cid, "--result", "按合同赔付", *extra, "--at", "2026-10-16T15:00")
    return cid


@pytest.fixture
def decided(kefu):
    return _decided(kefu, "王小明", "13812345678", "理赔服务")


def _rectification_deadline(out: dict) -> dict:
    [d] = [d for d in out["deadlines"] if d["kind"] == "rectification" and d["status"] != "void"]
    return d


def test_decide_names_the_cause_in_chinese_or_english(kefu, decided):
    assert kefu.ok("complaint", "show", decided, "--json")["cause"] == "claims_service"
    other = _decided(kefu, "李小红", "13900001111", "sales_conduct")
    shown = kefu.ok("complaint", "show", other, "--json")
    assert (shown["cause"], shown["rectification"]) == ("sales_conduct", None)
    assert "根本原因: 销售行为" in kefu.ok("complaint", "show", other)
    # a decision without a cause stays valid (as before)
    plain = _decided(kefu, "张三", "13700002222")
    assert kefu.ok("complaint", "show", plain, "--json")["cause"] is None
    assert "核验通过" in kefu.ok("db", "verify")


def test_a_bad_cause_is_refused_with_the_list_and_nothing_changes(kefu):
    cid = kefu.ok(
        "complaint", "add", "--received", "2026-10-09T10:00", "--channel", "电话", "--category", "理赔",
        "--name", "王小明", "--phone", "13812345678", "--summary", "理赔款未到", "--json",
    )["id"]  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-10-10T09:00")
    before = kefu.ok("complaint", "show", cid, "--json")
    r = kefu("complaint", "decide", cid, "--result", "按合同赔付", "--cause", "天气", "--at", "2026-10-16T15:00")
    assert r.code == 2
    assert "--cause 根本原因 的值 '天气' 无效" in r.err
    for choice in ("产品设计(product_design)", "销售行为(sales_conduct)", "理赔服务(claims_service)",
                   "服务质量(service_quality)", "系统与设施(systems)", "制度流程(process)", "其他(other)"):  # fmt: skip
        assert choice in r.err
    assert kefu.ok("complaint", "show", cid, "--json") == before


def test_edit_corrects_the_cause_of_a_decided_complaint_only(kefu, decided):
    out = kefu.ok("complaint", "edit", decided, "--cause", "process", "--reason", "原因分析有误", "--json")
    assert [(c["field"], c["before"], c["after"]) for c in out["changes"]] == [("cause", "claims_service", "process")]
    assert kefu.ok("complaint", "show", decided, "--json")["cause"] == "process"
    open_one = kefu.ok(
        "complaint", "add", "--received", "2026-11-30T10:00", "--channel", "电话", "--category", "服务",
        "--name", "赵六", "--phone", "13600003333", "--summary", "服务态度差", "--json",
    )["id"]  # fmt: skip
    r = kefu("complaint", "edit", open_one, "--cause", "服务质量", "--reason", "补记")
    assert r.code == 2 and "尚未作出处理决定" in r.err
    assert "核验通过" in kefu.ok("db", "verify")


def test_rectify_opens_a_deadline_on_the_day_given_held_by_the_owner(kefu, decided):
    out = kefu.ok("complaint", "rectify", decided, "--action", "修订理赔时效考核办法", "--owner", "理赔部王强",
                  "--due", "2026-12-31", "--json")  # fmt: skip
    assert out["status"] == "decided"  # the status is the decision's
    assert out["rectification"] == {"action": "修订理赔时效考核办法", "owner": "理赔部王强", "due": "2026-12-31",
                                     "done_at": None}  # fmt: skip
    d = _rectification_deadline(out)
    assert (d["status"], d["due"], d["rule"]) == ("open", "2026-12-31", "fixed")
    report = kefu.ok("report", "deadlines", "--as-of", "2026-12-01", "--json")
    assert [
        (i["case_id"], i["handler"], i["branch"], i["due"]) for i in report["items"] if i["kind"] == "rectification"
    ] == [(decided, "理赔部王强", "朝阳支公司", "2026-12-31")]
    assert "整改" in kefu.ok("report", "deadlines", "--as-of", "2026-12-01")
    text = kefu.ok("complaint", "show", decided)
    assert "整改: 修订理赔时效考核办法(责任人 理赔部王强,2026-12-31 前完成;未完成)" in text
    assert "kefu complaint rectified " + decided in text  # 下一步
    # one rectification per complaint: a second one is refused while it is open
    r = kefu("complaint", "rectify", decided, "--action", "再培训", "--owner", "李娜", "--due", "2027-01-15")
    assert r.code == 2 and "已有进行中的整改" in r.err and "每件投诉登记一项整改" in r.err
    assert "核验通过" in kefu.ok("db", "verify")


def test_rectify_is_refused_before_the_decision_and_after_void(kefu):
    cid = kefu.ok(
        "complaint", "add", "--received", "2026-11-30T10:00", "--channel", "电话", "--category", "服务",
        "--name", "赵六", "--phone", "13600003333", "--summary", "服务态度差", "--json",
    )["id"]  # fmt: skip
    r = kefu("complaint", "rectify", cid, "--action", "培训", "--owner", "李娜", "--due", "2026-12-31")
    assert r.code == 2 and "不能登记整改(rectify)" in r.err
    r = kefu("complaint", "rectified", cid)
    assert r.code == 2
    withdrawn = kefu.ok(
        "complaint", "add", "--received", "2026-11-30T11:00", "--channel", "电话", "--category", "服务",
        "--name", "钱八", "--phone", "13600005555", "--summary", "服务态度差", "--json",
    )["id"]  # fmt: skip
    kefu.ok("complaint", "withdraw", withdrawn, "--note", "投诉人撤回")
    r = kefu("complaint", "rectify", withdrawn, "--action", "培训", "--owner", "李娜", "--due", "2026-12-31")
    assert r.code == 2 and "“已撤回”" in r.err
    kefu.ok("complaint", "void", cid, "--reason", "误登记")
    r = kefu("complaint", "rectify", cid, "--action", "培训", "--owner", "李娜", "--due", "2026-12-31")
    assert r.code == 2 and "已作废" in r.err


def test_rectified_after_the_day_is_late_and_counted_so(kefu, decided):
    kefu.ok("complaint", "rectify", decided, "--action", "修订理赔时效考核办法", "--owner", "理赔部王强",
            "--due", "2026-12-31")  # fmt: skip
    # the second, open and past its day on 2027-01-04; the third not yet due
    overdue = _decided(kefu, "李小红", "13900001111", "sales_conduct")
    kefu.ok("complaint", "rectify", overdue, "--action", "销售人员培训", "--owner", "个险部", "--due", "2026-12-15")
    pending = _decided(kefu, "张三", "13700002222", "产品设计")
    kefu.ok("complaint", "rectify", pending, "--action", "修改条款说明", "--owner", "产品部", "--due", "2027-02-26")
    _decided(kefu, "孙七", "13500004444", "claims_service")  # a second 理赔服务, no rectification

    clock.set_now(dt.datetime(2027, 1, 4, 11, 0))  # Mon 2027-01-04
    out = kefu.ok("complaint", "rectified", decided, "--note", "已修订并培训", "--at", "2027-01-04T10:00", "--json")
    assert out["rectification"]["done_at"] == "2027-01-04T10:00:00+08:00"
    d = _rectification_deadline(out)
    assert (d["status"], d["late"]) == ("met", True)
    assert "逾期完成" in kefu.ok("complaint", "show", decided)
    r = kefu("complaint", "rectified", decided)
    assert r.code == 2 and "已于 2027-01-04 10:00 登记完成" in r.err
    # one rectification per complaint: a done one is not opened again
    r = kefu("complaint", "rectify", decided, "--action", "再培训", "--owner", "李娜", "--due", "2027-01-29")
    assert r.code == 2 and "已于 2027-01-04 完成" in r.err and "每件投诉登记一项整改" in r.err

    stats = kefu.ok("report", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2027-01-04", "--json")
    causes = {r["code"]: (r["label"], r["count"]) for r in stats["complaints"]["by_cause"]}
    assert causes == {
        "product_design": ("产品设计", 1), "sales_conduct": ("销售行为", 1), "claims_service": ("理赔服务", 2),
        "service_quality": ("服务质量", 0), "systems": ("系统与设施", 0), "process": ("制度流程", 0),
        "other": ("其他", 0),
    }  # fmt: skip
    assert stats["complaints"]["rectifications"] == {"open": 1, "overdue": 1, "done": 1, "done_late": 1}
    text = kefu.ok("report", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2027-01-04")
    assert "根本原因(溯源整改)" in text and "整改: 逾期未完成" in text
    # a day before: as the history stood then (nothing done yet, the second not yet overdue)
    then = kefu.ok("report", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-12-15", "--json")
    assert then["complaints"]["rectifications"] == {"open": 3, "overdue": 0, "done": 0, "done_late": 0}
    assert "核验通过" in kefu.ok("db", "verify")


def test_undo_of_rectify_reverts_it(kefu, decided):
    before = kefu.ok("complaint", "show", decided, "--json")
    kefu.ok("complaint", "rectify", decided, "--action", "修订理赔时效考核办法", "--owner", "理赔部王强",
            "--due", "2026-12-31")  # fmt: skip
    undone = kefu.ok("complaint", "undo", decided, "--reason", "整改登记错案件", "--json")
    assert undone["undone"]["action"] == "rectify"
    after = kefu.ok("complaint", "show", decided, "--json")
    assert (after["cause"], after["rectification"]) == ("claims_service", None)
    assert [d["status"] for d in after["deadlines"] if d["kind"] == "rectification"] == ["void"]
    assert not [i for i in kefu.ok("report", "deadlines", "--json")["items"] if i["kind"] == "rectification"]
    assert {k: v for k, v in after.items() if k not in ("deadlines", "events", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("deadlines", "events", "updated_at")
    }
    # the rectification can be opened again, and its undone step shows in the timeline
    kefu.ok(
        "complaint", "rectify", decided, "--action", "修订理赔时效考核办法", "--owner", "理赔部", "--due", "2026-12-31"
    )
    timeline = [
        e["action"] for e in kefu.ok("complaint", "show", decided, "--json")["events"] if e["entity"] == "complaint"
    ]
    assert timeline[-3:] == ["rectify", "undo", "rectify"]
    assert "核验通过" in kefu.ok("db", "verify")


def test_the_owner_keeps_the_rectification_through_a_correction_and_an_undo(kefu, decided):
    clock.set_now(dt.datetime(2026, 12, 2, 11, 0))
    kefu.ok("complaint", "rectify", decided, "--action", "修订理赔时效考核办法", "--owner", "理赔部王强",
            "--due", "2026-12-31")  # fmt: skip
    kefu.ok("complaint", "edit", decided, "--handler", "王强", "--new-handler", "--reason", "处理人录错")
    kefu.ok("complaint", "rectified", decided)
    undone = kefu.ok("complaint", "undo", decided, "--reason", "尚未完成", "--json")
    assert undone["undone"]["action"] == "rectified"
    items = kefu.ok("report", "deadlines", "--as-of", "2026-12-02", "--json")["items"]
    assert [(i["kind"], i["handler"]) for i in items if i["case_id"] == decided] == [("rectification", "理赔部王强")]
    assert kefu.ok("complaint", "show", decided, "--json")["rectification"]["done_at"] is None
    assert "核验通过" in kefu.ok("db", "verify")


def test_cause_and_rectification_come_back_through_an_export(kefu, decided, tmp_path):
    import csv
    import io

    from conftest import Kefu, init_db

    kefu.ok("complaint", "rectify", decided, "--action", "修订理赔时效考核办法", "--owner", "理赔部王强",
            "--due", "2026-12-31", "--at", "2026-11-20T09:00")  # fmt: skip
    kefu.ok("complaint", "rectified", decided, "--at", "2026-11-30T16:00")
    running = _decided(kefu, "李小红", "13900001111", "销售行为")
    kefu.ok("complaint", "rectify", running, "--action", "销售人员培训", "--owner", "个险部", "--due", "2026-12-15",
            "--at", "2026-11-25T10:00")  # fmt: skip
    ids = [decided, running]
    f = tmp_path / "投诉.csv"
    kefu.ok("export", "complaints", str(f), "--unmask")
    rows = {r["投诉编号"]: r for r in csv.DictReader(io.StringIO(f.read_bytes().decode("utf-8-sig")))}
    done = rows[decided]
    assert (done["根本原因"], done["整改登记时间"], done["整改措施"], done["整改责任人"], done["整改期限"],
            done["整改完成时间"]) == ("理赔服务", "2026-11-20 09:00:00", "修订理赔时效考核办法", "理赔部王强",
                                      "2026-12-31", "2026-11-30 16:00:00")  # fmt: skip
    other = Kefu(init_db(str(tmp_path / "other.sqlite")))
    out = other.ok("import", "complaints", str(f), "--json")
    assert sorted(out["ids"]) == sorted(ids) and out["errors"] == []
    drop = {"id", "created_at", "updated_at", "created_by", "clerk", "row_time", "callbacks", "events"}

    def same(value):  # without row ids and write times (the rows are the importer's)
        if isinstance(value, dict):
            return {k: same(v) for k, v in value.items() if k not in drop}
        return [same(v) for v in value] if isinstance(value, list) else value

    for cid in ids:
        assert same(kefu.ok("complaint", "show", cid, "--json", "--unmask")) == same(
            other.ok("complaint", "show", cid, "--json", "--unmask")
        )
    assert other.ok("complaint", "show", decided, "--json")["rectification"]["done_at"] == "2026-11-30T16:00:00+08:00"
    assert "核验通过" in other.ok("db", "verify")


def test_db_verify_names_a_forged_rectification(kefu, decided, db_path):
    import sqlite3

    kefu.ok("complaint", "rectify", decided, "--action", "修订理赔时效考核办法", "--owner", "理赔部王强",
            "--due", "2026-12-31")  # fmt: skip
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE complaint SET rectify_due = '2027-03-31', cause = 'other' WHERE id = ?", (decided,))
    r = kefu("db", "verify")
    assert r.code != 0 and "整改期限" in r.out + r.err and "根本原因" in r.out + r.err


def test_the_cause_completes_in_english_and_chinese():
    from test_completion import complete

    assert set(complete("kefu complaint decide TS-1 --cause ")) >= {
        "claims_service",
        "理赔服务",
        "systems",
        "系统与设施",
    }
    assert complete("kefu complaint edit TS-1 --cause 制") == ["制度流程"]
