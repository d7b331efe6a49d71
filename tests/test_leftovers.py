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
