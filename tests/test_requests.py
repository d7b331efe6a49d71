"""Service requests (seed 002 第五条 退保, 第六条 批改): registration with the reason codes or the
endorsement's content, the documents the customer is guided to, closing, lists, surrender
reasons in `report stats`, `db verify` on request rows — through the CLI."""

from __future__ import annotations

import sqlite3

from kefu_cli.domain import requests as rq


def register(kefu):
    kefu.ok("policy-register", "add", "--policy", "P2019120808", "--product", "定期寿险", "--line", "life",
            "--holder", "马丽", "--phone", "13633334444", "--insured", "马丽", "--id-number", "110102198205080025",
            "--start", "2019-12-08", "--end", "2039-12-07", "--branch", "丰台营业部",
            "--at", "2026-01-01T09:00")  # fmt: skip


def surrender(kefu, *extra, reason="经济困难", at="2026-11-19T11:00"):
    args = ["request", "add", "--type", "退保", "--policy", "P2019120808", "--at", at]
    if reason:
        args += ["--reason", reason]
    return kefu(*args, *extra, "--json")


def test_a_surrender_takes_its_reason_and_the_policy_from_the_register(kefu):
    register(kefu)
    data = surrender(kefu, "--reason-note", "家中急需用钱").json()
    assert data["id"].startswith("SQ-20261119-") and data["status"] == "open"
    assert (data["type"], data["reason"], data["product"], data["branch"]) == ("surrender", "hardship", "定期寿险", "丰台营业部")
    assert data["name"] == "马*" and data["phone"] == "136****4444"  # the holder, masked
    assert data["documents"] == list(rq.REQUEST_DOCUMENTS["surrender"])
    text = kefu.ok("request", "show", data["id"])
    assert "退保原因: 经济困难(家中急需用钱)" in text and "保险合同(保单)原件" in text and "13633334444" not in text
    assert "13633334444" in kefu.ok("request", "show", data["id"], "--unmask")


def test_required_fields_by_type(kefu, db_path):
    register(kefu)
    r = surrender(kefu, reason=None)
    assert r.code == 2 and "缺少必填项 1 项: --reason 退保原因" in r.err and "销售误导" in r.err
    r = surrender(kefu, reason="不想要了")
    assert r.code == 2 and "--reason 退保原因" in r.err
    r = kefu("request", "add", "--type", "endorsement", "--policy", "P2019120808", "--reason", "other")
    assert r.code == 2 and "只用于 --type surrender" in r.err
    r = kefu("request", "add", "--type", "批单", "--policy", "P2019120808")
    assert r.code == 2 and "--content" in r.err
    r = surrender(kefu, "--content", "改地址")
    assert r.code == 2 and "--content 批改内容只用于" in r.err
    r = kefu("request", "add", "--type", "surrender", "--policy", "P404", "--reason", "other")
    assert r.code == 2 and "--name" in r.err  # not in the register: the customer must be named
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM service_request").fetchone() == (0,)
    ok = kefu("request", "add", "--type", "surrender", "--policy", "P404", "--reason", "other", "--name", "王五",
              "--phone", "13700000000", "--json")  # fmt: skip
    assert ok.code == 0 and "不在保单登记簿中" in ok.err


def test_endorsement_and_closing(kefu):
    register(kefu)
    e = kefu.ok("request", "add", "--type", "endorsement", "--policy", "P2019120808", "--content", "变更联系地址",
                "--channel", "信函", "--at", "2026-11-19T10:00", "--json")  # fmt: skip
    assert (e["type"], e["channel"], e["content"]) == ("endorsement", "letter", "变更联系地址")
    assert e["documents"][0].startswith("批改申请书")
    r = kefu("request", "close", e["id"], "--at", "2026-11-19T09:00")
    assert r.code == 2 and "早于" in r.err
    done = kefu.ok("request", "close", e["id"], "--result", "已转保险公司办理", "--note", "已指引至柜面", "--at",
                   "2026-11-19T10:30", "--json")  # fmt: skip
    assert (done["status"], done["close_note"]) == ("referred", "已指引至柜面")
    r = kefu("request", "close", e["id"], "--at", "2026-11-19T11:00")
    assert r.code == 2 and "不能重复办结" in r.err
    lst = kefu.ok("request", "list", "--type", "批改", "--json")
    assert lst["count"] == 1 and lst["items"][0]["status"] == "referred"
    assert kefu.ok("request", "list", "--status", "open", "--json")["count"] == 0
    text = kefu.ok("request", "list")
    assert "批改" in text and "已转保险公司办理" in text and "马*" in text


def test_a_surrender_points_at_the_open_new_policy_callback_and_a_mis_selling_complaint(kefu):
    register(kefu)
    cb = kefu.ok("callback", "add", "--kind", "new_policy", "--name", "马丽", "--phone", "13633334444", "--policy",
                 "P2019120808", "--receipt-date", "2026-11-10", "--at", "2026-11-10T10:00", "--json")["id"]  # fmt: skip
    r = surrender(kefu, reason="销售误导")
    assert r.code == 0
    assert f"kefu callback cancel {cb}" in r.err and "kefu complaint add --category sales" in r.err
    # someone else than the holder, said to be the holder
    r = surrender(kefu, "--name", "王五", "--phone", "13700000000", at="2026-11-19T12:00")
    assert r.code == 0 and "不是登记的投保人" in r.err


def test_surrender_reasons_in_report_stats(kefu):
    register(kefu)
    for reason, at in (("经济困难", "2026-11-02T10:00"), ("hardship", "2026-11-03T10:00"), ("销售误导", "2026-11-04T10:00"),
                       ("服务不满意", "2026-10-30T10:00")):  # fmt: skip
        surrender(kefu, reason=reason, at=at)
    kefu.ok("request", "add", "--type", "批改", "--policy", "P2019120808", "--content", "改地址", "--at", "2026-11-05T10:00")
    voided = surrender(kefu, reason="其他", at="2026-11-06T10:00").json()["id"]
    kefu.ok("request", "void", voided, "--reason", "重复登记", "--at", "2026-11-09T11:00")
    rep = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2026-11-29", "--json")
    rq = rep["requests"]
    assert rq["total"] == 4
    assert {r["code"]: r["count"] for r in rq["by_type"]} == {"surrender": 3, "endorsement": 1}
    assert [(r["reason"], r["count"]) for r in rq["surrender_reasons"]] == [
        ("hardship", 2), ("product", 0), ("mis_selling", 1), ("service", 0), ("other", 0)]  # fmt: skip
    # as the history stood before the void (11-09): the voided request still counted
    before = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-06", "--as-of", "2026-11-06", "--json")
    assert before["requests"]["total"] == 5
    text = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2026-11-29")
    assert "退保原因" in text and "经济困难" in text and "66.67%" in text
    csv = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2026-11-29", "--csv")
    assert "surrender_reasons,mis_selling,销售误导,1," in csv


def test_verify_names_a_forged_request_row(kefu, db_path):
    register(kefu)
    rid = surrender(kefu).json()["id"]
    assert kefu.ok("db", "verify", "--json")["checked"]["service_request"] == 1
    with sqlite3.connect(db_path) as con:
        con.execute(f"UPDATE service_request SET reason = 'service' WHERE id = '{rid}'")  # noqa: S608
    r = kefu("db", "verify", "--json")
    assert r.code == 1
    assert any(p.startswith(f"保全请求 {rid} 的记录与其办理历史不符(退保原因)") for p in r.json()["problems"])


def test_verify_names_a_close_or_void_written_without_its_event(kefu, db_path):
    register(kefu)
    rid = surrender(kefu).json()["id"]
    with sqlite3.connect(db_path) as con:
        con.execute(f"UPDATE service_request SET voided_at = '2026-11-20 10:00:00.000000', void_reason = '重复'"  # noqa: S608
                    f" WHERE id = '{rid}'")  # fmt: skip
    r = kefu("db", "verify", "--json")
    assert r.code == 1
    assert r.json()["problems"] == [f"保全请求 {rid} 的记录与其办理历史不符(作废时间、作废原因): 被直接改动过"]


def test_list_filters_and_the_timeline(kefu):
    register(kefu)
    a = surrender(kefu, at="2026-11-18T10:00").json()["id"]
    b = surrender(kefu, at="2026-11-19T16:00").json()["id"]
    kefu.ok("request", "close", b, "--at", "2026-11-19T17:00")
    days = kefu.ok("request", "list", "--from", "2026-11-19", "--to", "2026-11-19", "--json")
    assert [i["id"] for i in days["items"]] == [b]
    assert [i["id"] for i in kefu.ok("request", "list", "--to", "2026-11-18", "--json")["items"]] == [a]
    assert kefu.ok("request", "list", "--branch", "丰台营业部", "--policy", "1208", "--json")["count"] == 2
    assert "没有符合条件的保全请求" in kefu.ok("request", "list", "--from", "2026-11-20")
    events = kefu.ok("request", "show", b, "--json")["events"]
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events] == [
        ("add", None, "open"), ("close", "open", "completed")]  # fmt: skip
    assert events[1]["at"] == "2026-11-19T17:00:00+08:00"
