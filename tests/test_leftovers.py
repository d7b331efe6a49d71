"""Leftovers of the claims and notices issues (issue 22, item 10): the missing materials recorded on a
complaint and listed by its supplement notice (one and in a batch), the claims section of `report
stats`, and what the demo shows (a review, a mediation pause, two insured sharing a name, a claim
reported outside the limitation period)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from test_notices import BRANCH, PLACEHOLDER, docx_text


def _add(kefu, received: str, *extra: str, name: str = "王芳", phone: str = "13900000011") -> dict:
    return kefu.ok("complaint", "add", "--received", received, "--at", received, "--channel", "电话", "--category",
                   "理赔", "--name", name, "--phone", phone, "--policy", "P2026090001", "--summary", "理赔材料不全",
                   "--branch", "朝阳支公司", "--handler", "李娜", "--new-handler", *extra, "--json")  # fmt: skip


# --- missing materials -------------------------------------------------------------------------
def test_missing_materials_are_recorded_shown_in_the_notice_and_cleared(kefu, tmp_path):
    kefu.ok(*BRANCH)
    doc = _add(kefu, "2026-09-21T09:00", "--incomplete", "--missing", "授权委托书原件，受托人身份证复印件、 病历 ,病历")
    cid = doc["id"]
    assert doc["status"] == "awaiting_materials"
    # separators , ， 、; a repeat once
    assert doc["missing_materials"] == ["授权委托书原件", "受托人身份证复印件", "病历"]
    shown = kefu.ok("complaint", "show", cid)
    assert "缺少的材料: 授权委托书原件、受托人身份证复印件、病历" in shown
    assert kefu.ok("complaint", "show", cid, "--json")["missing_materials"] == doc["missing_materials"]

    # the supplement notice lists them without --materials
    out = tmp_path / "补正.docx"
    notice = kefu.ok("notice", cid, "--type", "补正", "--out", str(out), "--at", "2026-09-22T10:00", "--json")
    text = docx_text(out)
    assert "授权委托书原件、受托人身份证复印件、病历" in text and not PLACEHOLDER.search(text)
    assert notice["fields"]["materials"] == "授权委托书原件、受托人身份证复印件、病历"

    # `materials --missing` replaces the list (its own event, status kept)
    again = kefu.ok("complaint", "materials", cid, "--missing", "病历", "--at", "2026-09-23T10:00", "--json")
    assert again["missing_materials"] == ["病历"] and again["status"] == "awaiting_materials"
    events = kefu.ok("complaint", "show", cid, "--json")["events"]
    assert [e["action"] for e in events][-1] == "materials_missing"
    # undo gives the earlier list back
    kefu.ok("complaint", "undo", cid, "--reason", "误操作", "--at", "2026-09-23T10:05")
    assert kefu.ok("complaint", "show", cid, "--json")["missing_materials"] == doc["missing_materials"]
    kefu.ok("complaint", "materials", cid, "--missing", "病历", "--at", "2026-09-23T10:10")

    # complete materials clear it; the fold agrees (db verify)
    done = kefu.ok("complaint", "materials", cid, "--complete", "--at", "2026-09-24T10:00", "--json")
    assert done["missing_materials"] == [] and done["status"] == "registered"
    assert "缺少的材料:" not in kefu.ok("complaint", "show", cid)
    assert "核验通过" in kefu.ok("db", "verify")
    con = sqlite3.connect(kefu.db)
    assert con.execute("SELECT missing_materials FROM complaint WHERE id = ?", (cid,)).fetchone() == (None,)
    con.close()


def test_missing_materials_refusals_change_nothing(kefu):
    kefu.ok(*BRANCH)
    r = kefu("complaint", "add", "--channel", "电话", "--category", "理赔", "--name", "王芳", "--phone", "13900000011",
             "--branch", "朝阳支公司", "--missing", "病历", "--received", "2026-11-30T09:00")  # fmt: skip
    assert r.code == 2 and "--incomplete" in r.err
    assert kefu.ok("complaint", "list", "--json")["items"] == []
    cid = _add(kefu, "2026-11-30T09:00")["id"]  # complete materials: no list to record
    r = kefu("complaint", "materials", cid, "--missing", "病历", "--at", "2026-11-30T10:00")
    assert r.code == 2 and "待受理" in r.err
    cid = _add(kefu, "2026-11-30T09:30", "--incomplete", phone="13900000012")["id"]
    for args in (("--missing", " 、 "), ("--missing", "病历", "--complete"), ()):
        r = kefu("complaint", "materials", cid, *args, "--at", "2026-11-30T10:00")
        assert r.code == 2 and r.err.strip(), args
    assert kefu.ok("complaint", "show", cid, "--json")["missing_materials"] == []


def test_notice_batch_writes_every_due_supplement_notice_with_its_list(kefu, tmp_path):
    kefu.ok(*BRANCH)
    listed = _add(kefu, "2026-10-08T09:00", "--incomplete", "--missing", "身份证复印件、保单原件")["id"]
    later = _add(kefu, "2026-10-08T10:00", "--incomplete", name="李四", phone="13900000012")["id"]
    kefu.ok("complaint", "materials", later, "--missing", "医院诊断证明", "--at", "2026-10-08T11:00")
    unlisted = _add(kefu, "2026-10-08T11:30", "--incomplete", name="张三", phone="13900000013")["id"]
    out = tmp_path / "今日告知书"
    doc = kefu.ok("notice", "batch", "--due-within", "10", "--as-of", "2026-10-09", "--out", str(out), "--json")
    got = {(i["case_id"], i["type"]): i for i in doc["items"]}
    assert set(got) == {(listed, "supplement"), (later, "supplement"), (unlisted, "supplement")}
    assert doc["written"] == 2 and doc["skipped"] == 1
    assert f"kefu complaint materials {unlisted} --missing" in got[(unlisted, "supplement")]["skipped"]
    assert Path(got[(listed, "supplement")]["file"]).name == f"{listed}-supplement.docx"
    assert "身份证复印件、保单原件" in docx_text(got[(listed, "supplement")]["file"])
    assert "医院诊断证明" in docx_text(got[(later, "supplement")]["file"])
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{listed}-supplement.docx", f"{later}-supplement.docx"])


@pytest.mark.parametrize("text", ["a" * 101, "病历\x07"])
def test_a_bad_missing_list_is_one_sentence(kefu, text):
    kefu.ok(*BRANCH)
    cid = _add(kefu, "2026-11-30T09:30", "--incomplete")["id"]
    r = kefu("complaint", "materials", cid, "--missing", text, "--at", "2026-11-30T10:00")
    assert r.code == 2 and "--missing" in r.err


# --- report stats: the claims section ----------------------------------------------------------
def _claim(kefu, no: str, received: str, *extra: str) -> str:
    kefu.ok("policy-register", "add", "--policy", no, "--product", "终身寿险", "--line", "life", "--holder", "林志远",
            "--phone", "13811110001", "--insured", "林志远", "--start", "2026-01-01", "--end", "2045-12-31",
            "--sum-insured", "30万", "--at", "2026-01-01T09:00")  # fmt: skip
    return kefu.ok("claim", "report", "--policy", no, "--incident", received[:10], "--reporter", "林小红",
                   "--reporter-phone", "13900001111", "--received", received, "--at", received, *extra, "--json")["id"]  # fmt: skip


def _complete(kefu, cid: str, at: str) -> None:
    kefu.ok("claim", "apply", cid, "--type", "medical", "--received", "all", "--at", at)


@pytest.fixture
def claims(kefu):
    """Claims with hand-counted figures for November 2026 (handover: 3 working days from complete
    materials; a major case: 24 clock hours to head office)."""
    a = _claim(kefu, "P-A", "2026-11-02T09:00", "--deaths", "2")  # major, escalated in time, handed over in time, paid
    kefu.ok("claim", "escalate", a, "--to", "总公司理赔部", "--at", "2026-11-02T15:00")
    _complete(kefu, a, "2026-11-02T16:00")
    kefu.ok("claim", "handover", a, "--at", "2026-11-03T10:00")
    kefu.ok("claim", "close", a, "--result", "赔付", "--amount", "12000", "--at", "2026-11-09T10:00")
    b = _claim(kefu, "P-B", "2026-11-03T09:00", "--deaths", "2")  # major, escalated 25 h later, handed over late
    kefu.ok("claim", "escalate", b, "--to", "总公司理赔部", "--at", "2026-11-04T10:00")
    _complete(kefu, b, "2026-11-04T11:00")  # handover due Mon 11-09
    kefu.ok("claim", "handover", b, "--at", "2026-11-16T10:00")
    kefu.ok("claim", "close", b, "--result", "拒赔", "--reason", "不在保险责任范围内", "--at", "2026-11-20T10:00")
    _claim(kefu, "P-C", "2026-11-05T09:00", "--deaths", "2")  # major, never escalated: overdue
    d = _claim(kefu, "P-D", "2026-11-10T09:00")  # complete, handover due Fri 11-13, not handed over
    _complete(kefu, d, "2026-11-10T10:00")
    e = _claim(kefu, "P-E", "2026-11-30T09:00")  # complete, handover due Thu 12-03: open, not yet due
    _complete(kefu, e, "2026-11-30T10:00")
    f = _claim(kefu, "P-F", "2026-11-12T09:00")  # withdrawn
    kefu.ok("claim", "close", f, "--result", "撤案", "--at", "2026-11-13T09:00")
    g = _claim(kefu, "P-G", "2026-10-30T09:00", "--deaths", "2")  # October: not in the period
    kefu.ok("claim", "escalate", g, "--to", "总公司理赔部", "--at", "2026-10-30T10:00")
    h = _claim(kefu, "P-H", "2026-11-11T09:00")  # registered by mistake: in no figure
    kefu.ok("claim", "void", h, "--reason", "重复登记", "--at", "2026-11-11T10:00")
    return kefu


def test_report_stats_has_a_claims_section_hand_counted(claims):
    kefu = claims
    got = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2026-12-01", "--json")
    assert "requests" in got  # beside the requests section
    cl = got["claims"]
    assert (cl["reported"], cl["major"]) == (6, 3)
    assert cl["escalated"] == {"on_time": 1, "late": 1, "open": 1, "overdue": 1}
    assert cl["handed_over"] == {"on_time": 1, "late": 1, "open": 2, "overdue": 1}
    assert cl["closed"] == {"total": 3, "by_result": [{"code": "paid", "label": "赔付", "count": 1},
                                                      {"code": "declined", "label": "拒赔", "count": 1},
                                                      {"code": "withdrawn", "label": "撤案", "count": 1}]}  # fmt: skip
    text = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2026-12-01")
    assert "理赔报案 6 件,其中重大案件 3 件" in text
    assert "重大案件上报: 按时 1、超时 1、未完成 1(其中已逾期 1)" in text
    assert "材料移交: 按时 1、超时 1、未完成 2(其中已逾期 1)" in text
    assert "已结案 3 件: 赔付 1、拒赔 1、撤案 1" in text
    csv = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2026-12-01", "--csv")
    assert "claims,handed_over.open,材料移交未完成,2," in csv and "claims_closed,declined,结案: 拒赔,1," in csv
    # a branch that has none: zeros
    kefu.ok(*BRANCH)
    other = kefu.ok("report", "stats", "--to", "2026-11-30", "--branch", "朝阳支公司", "--json")["claims"]
    assert (other["reported"], other["escalated"]["open"], other["closed"]["total"]) == (0, 0, 0)


def test_the_claims_section_as_it_stood_on_a_past_day(claims):
    kefu = claims
    # the end of Tue 11-10: A–D reported (H later); B's handover due 11-09 not done yet; D's due 11-13
    cl = kefu.ok("report", "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--as-of", "2026-11-10", "--json")
    assert got_history(cl)
    cl = cl["claims"]
    assert (cl["reported"], cl["major"]) == (4, 3)
    assert cl["escalated"] == {"on_time": 1, "late": 1, "open": 1, "overdue": 1}
    assert cl["handed_over"] == {"on_time": 1, "late": 0, "open": 2, "overdue": 1}
    assert cl["closed"]["total"] == 1 and cl["closed"]["by_result"][0] == {"code": "paid", "label": "赔付", "count": 1}


def got_history(report: dict) -> bool:
    return report["history"] is True and report["as_of"] == "2026-11-10"


# --- the demo ----------------------------------------------------------------------------------
def test_the_demo_shows_a_review_a_mediation_pause_two_insured_of_one_name_and_a_late_claim(demo):
    from conftest import Kefu

    kefu = Kefu(str(demo))
    # the review (2020 rule Art. 20): decided 10-23, asked for 11-02, decided (upheld) 11-16 within its 30 days
    c15 = kefu.ok("complaint", "show", "TS-20261013-0001", "--as-of", "2026-11-20", "--json")
    assert (c15["status"], c15["review_result"]) == ("reviewed", "upheld")
    assert c15["review_received_at"].startswith("2026-11-02T10:00")
    (review,) = [d for d in c15["deadlines"] if d["kind"] == "review"]
    assert (review["status"], review["breached"]) == ("met", False)
    # the mediation pause (Art. 23): paused on the report day, its decision clock stopped
    c16 = kefu.ok("complaint", "show", "TS-20261109-0001", "--as-of", "2026-11-20", "--json")
    assert (c16["status"], c16["pause_kind"]) == ("paused", "mediation")
    assert [d["status"] for d in c16["deadlines"] if d["kind"] == "decision"] == ["paused"]
    # two insured named 王芳 with different ID numbers: a report by the name alone must choose
    found = kefu.ok("search", "王芳", "--as-of", "2026-11-20", "--json")["items"]
    people = {i["id_number"] for i in found if i["case_type"] == "policy"}
    assert len(people) == 2, found
    r = kefu("claim", "report", "--insured", "王芳", "--incident", "2026-11-19", "--reporter", "王芳",
             "--reporter-phone", "13655556666", "--at", "2026-11-20T10:00")  # fmt: skip
    assert r.code == 2 and "2 位同名被保险人" in r.err
    # the claim reported outside the limitation period (保险法 §26, health: 2 years): its warning
    (claim,) = [i for i in found if i["case_type"] == "claim"]
    b4 = kefu.ok("claim", "show", claim["id"], "--json")
    assert b4["check_limitation"] is False and b4["status"] == "refused"
    assert "已超过索赔时效" in kefu.ok("claim", "show", claim["id"])
    # the whole demo still verifies
    assert "核验通过" in kefu.ok("db", "verify")
