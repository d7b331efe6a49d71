"""Written notices (告知书): `kefu notice …` fills a Word template from a case, previews it,
writes it, records its issue; templates can be exported, edited and checked.

Every document is read back with python-docx: each field filled, no placeholder left."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from conftest import Kefu, init_db
from kefu_cli.cli.app import app
from kefu_cli.domain import notices as nd

BRANCH = ["branch", "add", "朝阳支公司", "--full-name", "示例人寿保险股份有限公司北京朝阳支公司",
          "--address", "北京市朝阳区建国路88号", "--phone", "010-65001234", "--at", "2026-09-01T09:00"]  # fmt: skip
LETTERHEAD = "示例人寿保险股份有限公司北京朝阳支公司"
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
REASONS = ("not_consumer", "duplicate_open", "duplicate_decided", "not_company", "not_complaint")


def add(kefu: Kefu, received: str, *extra: str, name: str = "王建国", phone: str = "13812345678") -> str:
    doc = kefu.ok("complaint", "add", "--received", received, "--at", received, "--channel", "电话", "--category",
                  "理赔", "--name", name, "--phone", phone, "--policy", "P2025110001", "--summary",
                  "住院医疗理赔被拒付", "--branch", "朝阳支公司", "--handler", "李娜", *extra, "--json")  # fmt: skip
    return doc["id"]


def docx_text(path: str | Path) -> str:
    """All text of a .docx as python-docx reads it: body paragraphs, tables, footers."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    parts += [p.text for s in doc.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def audit_count(db: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """One database with a case in every state a notice needs (read-only for the tests using it)."""
    db = init_db(str(tmp_path_factory.mktemp("notices") / "kefu.sqlite"))
    kefu = Kefu(db)
    kefu.ok(*BRANCH)
    c = {}
    c["supplement"] = add(kefu, "2026-09-21T09:00", "--incomplete")
    c["acceptance"] = add(kefu, "2026-09-21T10:00")
    kefu.ok("complaint", "accept", c["acceptance"], "--at", "2026-09-22T10:00")
    c["transfer"] = add(kefu, "2026-09-21T11:00")
    kefu.ok("complaint", "transfer", c["transfer"], "--to", "核保部", "--internal", "--at", "2026-09-22T11:00")
    c["transfer_out"] = add(kefu, "2026-09-21T11:30")
    kefu.ok("complaint", "transfer", c["transfer_out"], "--to", "某某银行北京分行", "--at", "2026-09-22T11:30")
    c["extension"] = add(kefu, "2026-09-21T12:00")
    kefu.ok("complaint", "accept", c["extension"], "--at", "2026-09-22T12:00")
    kefu.ok("complaint", "extend", c["extension"], "--level", "complex", "--at", "2026-09-29T12:00")
    c["special"] = add(kefu, "2026-09-21T12:30")
    kefu.ok("complaint", "accept", c["special"], "--at", "2026-09-22T12:30")
    kefu.ok("complaint", "extend", c["special"], "--level", "special", "--approver", "王总", "--at", "2026-09-29T12:30")
    c["pause"] = add(kefu, "2026-09-21T13:00")
    kefu.ok("complaint", "accept", c["pause"], "--at", "2026-09-22T13:00")
    kefu.ok("complaint", "pause", c["pause"], "--reason", "委托第三方医学鉴定", "--at", "2026-09-24T13:00")
    c["decision"] = add(kefu, "2026-09-21T14:00")
    kefu.ok("complaint", "accept", c["decision"], "--at", "2026-09-22T14:00")
    kefu.ok("complaint", "decide", c["decision"], "--result", "同意按合同约定赔付 5,000 元", "--at", "2026-09-30T14:00")
    c["regulator_report"] = add(kefu, "2026-09-21T15:00", "--channel", "监管转办", "--regulator-ref",
                                "京金转〔2026〕1234号", "--regulator-due", "2026-10-20")  # fmt: skip
    kefu.ok("complaint", "accept", c["regulator_report"], "--at", "2026-09-22T15:00")
    c["review_decision"] = add(kefu, "2026-09-21T16:00")  # decided 09-30, review asked 10-08, upheld 10-09
    kefu.ok("complaint", "accept", c["review_decision"], "--at", "2026-09-22T16:00")
    kefu.ok("complaint", "decide", c["review_decision"], "--result", "同意按合同约定赔付", "--at", "2026-09-30T16:00")
    kefu.ok("complaint", "review", c["review_decision"], "--received", "2026-10-08T09:00", "--at", "2026-10-08T09:00")
    kefu.ok("complaint", "review-decide", c["review_decision"], "--result", "维持", "--at", "2026-10-09T09:00")
    for i, code in enumerate(REASONS):
        cid = add(kefu, f"2026-09-23T{9 + i:02d}:00", name=f"客户{i}", phone=f"1390000000{i}")
        note = ["--note", "已告知向代销银行反映"] if code == "not_company" else []
        kefu.ok("complaint", "reject", cid, "--reason", code, *note, "--at", f"2026-09-24T{9 + i:02d}:00")
        c[f"rejection:{code}"] = cid
    c["rejection"] = c["rejection:not_company"]
    return kefu, c


# --- every type, read back --------------------------------------------------------------------
@pytest.mark.parametrize("kind", [k.value for k in nd.NoticeType])
def test_each_type_renders_for_a_real_case_with_every_field_filled(cases, kind, tmp_path):
    kefu, c = cases
    out = tmp_path / f"{kind}.docx"
    extra = {"supplement": ["--materials", "授权委托书原件、受托人身份证复印件"],
             "regulator_report": ["--recipient", "国家金融监督管理总局北京监管局"]}.get(kind, [])  # fmt: skip
    doc = kefu.ok("notice", c[kind], "--type", kind, "--out", str(out), "--at", "2026-10-09T10:00", *extra, "--json")
    assert doc["file"] == str(out) and doc["issued"] is False and doc["warnings"] == []
    text = docx_text(out)
    assert not PLACEHOLDER.search(text), text
    assert "未登记" not in text
    # every field the template uses is in the document, filled
    used = [f for f in nd.fields_for(kind) if "{{ " + f + " }}" in _template_text(kind)]
    assert nd.missing_required(kind, set(used)) == []  # an entry "a|b" by either field
    for field in used:
        value = doc["fields"][field]
        assert value.strip(), field
        assert value in text, (field, value)
    assert nd.TITLES[nd.NoticeType(kind)] in text
    assert LETTERHEAD in text and "2026年10月9日" in text and c[kind] in text
    # the preview is the same document as text
    assert doc["text"].count(LETTERHEAD) == text.count(LETTERHEAD)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == doc["sha256"]


def _template_text(kind: str) -> str:
    from kefu_cli.notices import builtin_template

    return docx_text(builtin_template(kind))


def test_the_preview_prints_the_letter_in_chinese_and_writes_nothing(cases, tmp_path, monkeypatch):
    kefu, c = cases
    monkeypatch.chdir(tmp_path)
    r = kefu("notice", c["decision"], "--type", "处理决定", "--at", "2026-10-09T10:00")
    assert r.code == 0, r.err
    assert "投诉处理决定告知书" in r.out and "同意按合同约定赔付 5,000 元。" in r.out  # a clerk's 5,000 stays
    assert "向本公司上一级机构书面申请核查" in r.out and "调解" in r.out and "仲裁" in r.out and "诉讼" in r.out
    assert "2026年9月30日作出处理决定" in r.out
    assert "预览" in r.err and "--issue" in r.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "code, says",
    [
        ("not_consumer", ["不是由保险消费者本人或者其受托人提出", "授权委托书"]),
        ("duplicate_open", ["已经受理您就同一事项提出的投诉", "仍在处理期限内", "没有新的事实和理由", "合并处理"]),
        ("duplicate_decided", ["已经就同一事项", "作出投诉处理决定", "没有新的事实和理由", "申请核查"]),
        ("not_company", ["属于保险消费投诉，但不属于本公司负责处理的范围", "补充说明：已告知向代销银行反映。"]),
        ("not_complaint", ["不属于保险消费投诉，也不属于本公司其他部门负责处理的事项"]),
    ],
)
def test_the_rejection_notice_states_each_reason_in_plain_chinese(cases, code, says, tmp_path):
    kefu, c = cases
    out = tmp_path / "r.docx"
    shown = ["--note-for-customer"] if code == "not_company" else []  # the clerk's note, meant for the customer
    kefu.ok(
        "notice", c[f"rejection:{code}"], "--type", "rejection", "--out", str(out), "--at", "2026-10-09T10:00", *shown
    )
    text = docx_text(out)
    reason = nd.REJECT_REASON_TEXT[code].format(ref="")
    assert f"经审查，{reason}。" in text
    assert "本公司于2026年9月24日决定对该投诉不予受理。" in text
    for phrase in says:
        assert phrase in text, (code, phrase)
    assert code not in text  # the code itself never reaches the complainant


def test_a_duplicate_merged_without_new_facts_names_the_first_complaint(kefu, tmp_path):
    kefu.ok(*BRANCH)
    first = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", first, "--at", "2026-09-22T09:00")
    again = add(kefu, "2026-09-25T09:00")
    kefu.ok("complaint", "merge", again, "--into", first, "--at", "2026-09-25T10:00")
    doc = kefu.ok("notice", again, "--type", "rejection", "--at", "2026-09-25T11:00", "--json")
    assert f"（投诉编号 {first}）" in doc["fields"]["reject_reason"]
    assert "重复" not in doc["fields"]["reject_advice"]  # the clerk's "与 … 重复" is not repeated


def test_transfer_extension_and_pause_wording(cases):
    kefu, c = cases
    inside = kefu.ok("notice", c["transfer"], "--type", "transfer", "--at", "2026-10-09T10:00", "--json")["fields"]
    assert "不属于保险消费投诉，但属于本公司核保部的职责范围" in inside["transfer_text"]
    outside = kefu.ok("notice", c["transfer_out"], "--type", "transfer", "--at", "2026-10-09T10:00", "--json")["fields"]
    assert "不属于本公司负责处理，本公司已于2026年9月22日将其转至某某银行北京分行处理" in outside["transfer_text"]
    ext = kefu.ok("notice", c["extension"], "--type", "extension", "--at", "2026-10-09T10:00", "--json")["fields"]
    # received Mon 09-21: 15 days -> 10-06 (National Day) rolls to Thu 10-08; extended to 30 days -> Wed 10-21
    assert ext["extension_reason"].endswith("处理期限延长至自收到投诉之日起30日") and ext["approver"] == "无需审批"
    assert ext["decision_due"] == "2026年10月21日" and ext["previous_due"] == "2026年10月8日"
    sp = kefu.ok("notice", c["special"], "--type", "延期", "--reason", "需调取外地医院病历",
                 "--at", "2026-10-09T10:00", "--json")["fields"]  # fmt: skip
    assert sp["extension_reason"].startswith("需调取外地医院病历，经本公司高级管理人员王总审批")
    assert sp["extension_reason"].endswith("处理期限再次延长至自收到投诉之日起60日")
    pause = kefu.ok("notice", c["pause"], "--type", "pause", "--at", "2026-10-09T10:00", "--json")["fields"]
    assert pause["appraisal"] == "委托第三方医学鉴定" and pause["paused_date"] == "2026年9月24日"
    assert pause["decision_due"] == "2026年10月8日"  # the due date when the clock stopped


def test_a_notice_that_does_not_fit_the_case_is_refused_in_one_sentence(cases, tmp_path):
    kefu, c = cases
    for cid, kind, words in [
        (c["acceptance"], "rejection", "不是不予受理"),
        (c["acceptance"], "decision", "尚未作出处理决定"),
        (c["acceptance"], "supplement", "材料已经齐全"),
        (c["supplement"], "acceptance", "kefu complaint accept"),
        (c["decision"], "extension", "没有延期"),
        (c["acceptance"], "regulator_report", "不是监管转办"),
    ]:
        r = kefu("notice", cid, "--type", kind, "--out", str(tmp_path / "x.docx"))
        assert r.code == 2, (kind, r.out)
        assert words in r.err and r.err.count("\n") == 1, r.err
        assert "Traceback" not in r.err
    assert not (tmp_path / "x.docx").exists()
    r = kefu("notice", c["acceptance"], "--type", "letter")
    assert r.code == 2 and "--type" in r.err
    r = kefu("notice", "TS-20990101-0001", "--type", "acceptance")
    assert r.code == 2 and "没有编号为" in r.err


# --- issuing ----------------------------------------------------------------------------------
def test_issuing_records_the_hash_and_complaint_show_lists_it_and_verify_passes(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    out = tmp_path / "受理.docx"
    doc = kefu.ok("notice", cid, "--type", "acceptance", "--issue", "--via", "信函", "--out", str(out),
                  "--at", "2026-09-23T09:00", "--clerk", "李娜", "--json")  # fmt: skip
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert doc["sha256"] == digest and doc["issued"] and doc["via"] == "letter"
    # the acceptance deadline (10 working days from complete materials) was met by accept; the
    # writing went out within it
    assert doc["deadline"] == {"kind": "acceptance", "due": "2026-10-12", "on_time": True}
    shown = kefu.ok("complaint", "show", cid, "--json")
    notice = [e for e in shown["events"] if e["action"] == "notice"]
    assert len(notice) == 1 and notice[0]["details"]["sha256"] == digest and notice[0]["clerk"] == "李娜"
    assert notice[0]["details"]["type"] == "acceptance" and notice[0]["details"]["via"] == "letter"
    text = kefu.ok("complaint", "show", cid)
    assert f"发出告知书: 受理通知书(信函, sha256 {digest[:12]})" in text
    # the deadline rows are unchanged by the notice: accept met acceptance before
    acc = next(d for d in shown["deadlines"] if d["kind"] == "acceptance")
    assert acc["status"] == "met" and acc["met_at"].startswith("2026-09-22T10:00")
    v = kefu.ok("db", "verify", "--json")
    assert v["ok"], v["problems"]


def test_issuing_the_supplement_notice_meets_the_supplement_deadline(kefu, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00", "--incomplete")
    doc = kefu.ok("notice", cid, "--type", "supplement", "--materials", "授权委托书原件", "--issue",
                  "--at", "2026-09-23T09:00", "--json")  # fmt: skip
    assert doc["step"] == "notify" and doc["deadline"]["on_time"] is True
    assert Path(doc["file"]).name == f"{cid}-supplement.docx" and (tmp_path / f"{cid}-supplement.docx").exists()
    shown = kefu.ok("complaint", "show", cid, "--json")
    sup = next(d for d in shown["deadlines"] if d["kind"] == "supplement_notice")
    assert sup["status"] == "met" and sup["met_at"].startswith("2026-09-23T09:00")
    assert [e["action"] for e in shown["events"] if e["entity"] == "complaint"] == ["register", "notify", "notice"]
    # sent again (by e-mail): recorded, the deadline stays met once
    again = kefu.ok("notice", cid, "--type", "supplement", "--materials", "授权委托书原件", "--issue", "--via", "email",
                    "--at", "2026-09-24T09:00", "--json")  # fmt: skip
    assert again["step"] is None and len(again["issued_before"]) == 1
    # a clerk who told by phone first (`complaint notify`) still issues the written notice
    other = add(kefu, "2026-09-21T10:00", "--incomplete", name="李四", phone="13900000009")
    kefu.ok("complaint", "notify", other, "--at", "2026-09-22T09:00")
    late = kefu.ok("notice", other, "--type", "supplement", "--materials", "病历", "--issue",
                   "--at", "2026-09-30T09:00", "--json")  # fmt: skip
    assert late["step"] is None and late["deadline"]["on_time"] is False  # due 09-28; the writing went out late
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_issuing_the_regulator_report_meets_the_regulators_date(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00", "--channel", "监管转办", "--regulator-ref", "京金转〔2026〕1号",
              "--regulator-due", "2026-10-20")  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    doc = kefu.ok("notice", cid, "--type", "regulator_report", "--issue", "--out", str(tmp_path / "r.docx"),
                  "--recipient", "国家金融监督管理总局北京监管局", "--at", "2026-09-25T09:00", "--json")  # fmt: skip
    assert doc["step"] == "regulator_report"
    text = docx_text(tmp_path / "r.docx")
    assert "国家金融监督管理总局北京监管局：" in text and "京金转〔2026〕1号" in text
    assert "2026年9月22日予以受理" in text and "要求于2026年10月20日前报告办理情况" in text
    shown = kefu.ok("complaint", "show", cid, "--json")
    rr = next(d for d in shown["deadlines"] if d["kind"] == "regulator_report")
    assert rr["status"] == "met"
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_an_issue_dated_before_the_previous_step_changes_nothing(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    before = audit_count(kefu.db)
    out = tmp_path / "a.docx"
    r = kefu("notice", cid, "--type", "acceptance", "--issue", "--out", str(out), "--at", "2026-09-22T09:00")
    assert r.code == 2 and "--at" in r.err
    assert not out.exists() and audit_count(kefu.db) == before
    r = kefu("notice", cid, "--type", "acceptance", "--via", "email")
    assert r.code == 2 and "--issue" in r.err


def test_the_output_file_is_never_the_database(kefu):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    size = Path(kefu.db).stat().st_size
    for target in (kefu.db, kefu.db + "-wal"):
        r = kefu("notice", cid, "--type", "acceptance", "--out", target)
        assert r.code == 2 and "数据库" in r.err
    assert Path(kefu.db).stat().st_size == size
    r = kefu("notice", cid, "--type", "acceptance", "--out", str(Path(kefu.db).with_name("a.txt")))
    assert r.code == 2 and ".docx" in r.err


# --- letterhead ---------------------------------------------------------------------------------
def test_a_branch_without_letterhead_renders_with_marks_and_can_not_be_issued(kefu, tmp_path):
    kefu.ok("branch", "add", "丰台营业部", "--at", "2026-09-01T09:00")  # a name only
    doc = kefu.ok("complaint", "add", "--received", "2026-09-21T09:00", "--at", "2026-09-21T09:00", "--channel",
                  "电话", "--category", "服务", "--name", "赵六", "--phone", "13700001111", "--branch", "丰台营业部",
                  "--json")  # fmt: skip
    cid = doc["id"]
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    r = kefu("notice", cid, "--type", "acceptance", "--at", "2026-09-23T09:00")
    assert r.code == 0
    assert "丰台营业部（盖章）" in r.out  # the letterhead falls back to the branch's name
    assert "（未登记地址）" in r.out and "（未登记客服电话）" in r.out
    assert "没有登记全称" in r.err and "kefu branch add 丰台营业部" in r.err
    assert "投诉受理通知书" in r.out and "未登记" not in r.out.replace("（未登记地址）", "").replace(
        "（未登记客服电话）", ""
    )
    # summary and policy missing: sensible words, never a blank
    assert "服务方面的问题" in r.out and "保单号：未提供" in r.out
    before = audit_count(kefu.db)
    r = kefu(
        "notice", cid, "--type", "acceptance", "--issue", "--out", str(tmp_path / "a.docx"), "--at", "2026-09-23T09:00"
    )
    assert r.code == 2 and "地址" in r.err and "客服电话" in r.err and "kefu branch add" in r.err
    assert audit_count(kefu.db) == before and not (tmp_path / "a.docx").exists()
    kefu.ok("branch", "add", "丰台营业部", "--address", "北京市丰台区丰台路18号", "--phone", "010-63009876")
    issue = ("notice", cid, "--type", "acceptance", "--issue", "--out", str(tmp_path / "a.docx"),
             "--at", "2026-09-23T09:00")  # fmt: skip
    r = kefu(*issue)  # the full name is the letterhead and the signature: still missing
    assert r.code == 2 and "全称" in r.err and "--full-name" in r.err and r.err.count("\n") == 1
    kefu.ok("branch", "add", "丰台营业部", "--full-name", "示例人寿保险股份有限公司北京丰台营业部")
    before = audit_count(kefu.db)
    r = kefu(*issue)  # no handler: the letter would name the service desk, not a person to ask for
    assert r.code == 2 and "处理人" in r.err and f"kefu complaint assign {cid} --handler" in r.err
    assert audit_count(kefu.db) == before and not (tmp_path / "a.docx").exists()
    kefu.ok("complaint", "assign", cid, "--handler", "周强", "--new-handler", "--at", "2026-09-22T11:00")
    kefu.ok(*issue)
    assert "请与经办人周强联系" in docx_text(tmp_path / "a.docx")


# --- templates -----------------------------------------------------------------------------------
def _edit(path: Path, old: str | None = None, new: str | None = None, append: str | None = None) -> None:
    """Change a template as an administrator would in Word (python-docx)."""
    doc = Document(str(path))
    if old is not None:
        hits = [p for p in doc.paragraphs if old in p.text]
        assert hits, old
        for p in hits:
            text = p.text.replace(old, new or "")
            for run in p.runs[1:]:
                run.text = ""
            p.runs[0].text = text
    if append is not None:
        doc.add_paragraph(append)
    doc.save(str(path))


def test_an_exported_and_edited_template_is_used(cases, tmp_path, monkeypatch):
    kefu, c = cases
    folder = tmp_path / "模板"
    r = kefu("notice", "templates", "export", str(folder))
    assert r.code == 0, r.err
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{k.value}.docx" for k in nd.NoticeType] + ["字段说明.txt"]
    )
    notes = (folder / "字段说明.txt").read_text(encoding="utf-8-sig")
    assert "{{ reject_reason }}" in notes and "* {{ routes }}" in notes
    _edit(
        folder / "acceptance.docx",
        "特此通知。",
        "特此通知，顺祝商祺！",
        append="（本通知书由 {{ branch_name }} 客服中心出具）",
    )
    assert kefu("notice", "templates", "check", str(folder)).code == 0
    out = tmp_path / "a.docx"
    kefu.ok("notice", c["acceptance"], "--type", "acceptance", "--templates", str(folder), "--out", str(out))
    text = docx_text(out)
    assert "特此通知，顺祝商祺！" in text and f"（本通知书由 {LETTERHEAD} 客服中心出具）" in text
    # the same through KEFU_TEMPLATES; a type the folder lacks falls back to the built-in one
    (folder / "decision.docx").unlink()
    monkeypatch.setenv("KEFU_TEMPLATES", str(folder))
    doc = kefu.ok("notice", c["acceptance"], "--type", "acceptance", "--json")
    assert "顺祝商祺" in doc["text"] and doc["template"] == str(folder / "acceptance.docx")
    r = kefu("notice", c["decision"], "--type", "decision")
    assert r.code == 0 and "内置模板" in r.err
    # exporting again does not overwrite an administrator's edits
    r = kefu("notice", "templates", "export", str(folder))
    assert r.code == 2 and "--force" in r.err
    assert "顺祝商祺" in docx_text(folder / "acceptance.docx")


@pytest.mark.parametrize(
    "kind, change, says",
    [
        ("acceptance", {"append": "您的保单 {{ policy_number }} 已登记"}, "policy_number"),
        ("rejection", {"old": "经审查，{{ reject_reason }}。", "new": "经审查，不予受理。"}, "reject_reason"),
        ("decision", {"old": "{{ routes }}", "new": ""}, "routes"),
        ("acceptance", {"append": "编号 {{ case_no "}, "占位符写法有误"),
        ("acceptance", {"append": "编号 {case_no}"}, "两层花括号"),
        ("acceptance", {"append": "{{ complainant.__class__ }}"}, "不允许"),
    ],
)
def test_a_broken_template_is_refused_with_the_field_named_and_nothing_is_written(cases, tmp_path, kind, change, says):
    kefu, c = cases
    folder = tmp_path / "t"
    kefu.ok("notice", "templates", "export", str(folder))
    _edit(folder / f"{kind}.docx", **change)
    out = tmp_path / "out.docx"
    cid = c[kind]
    before = audit_count(kefu.db)
    r = kefu(
        "notice",
        cid,
        "--type",
        kind,
        "--templates",
        str(folder),
        "--out",
        str(out),
        "--issue",
        "--at",
        "2026-10-09T10:00",
    )
    assert r.code == 2, r.out
    assert says in r.err and "未生成任何文件" in r.err and "Traceback" not in r.err, r.err
    assert not out.exists() and audit_count(kefu.db) == before
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]
    r = kefu("notice", "templates", "check", str(folder), "--json")
    assert r.code == 2
    bad = [i for i in json.loads(r.out)["items"] if not i["ok"]]
    assert [i["type"] for i in bad] == [kind] and says in bad[0]["problem"]


def test_a_file_that_is_not_a_word_document_is_refused(cases, tmp_path):
    kefu, c = cases
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "acceptance.docx").write_text("这不是 Word 文件", encoding="utf-8")
    r = kefu("notice", c["acceptance"], "--type", "acceptance", "--templates", str(folder))
    assert r.code == 2 and "不是有效的 Word 文档" in r.err
    r = kefu("notice", c["acceptance"], "--type", "acceptance", "--templates", str(tmp_path / "nowhere"))
    assert r.code == 2 and "不存在(--templates)" in r.err and "templates export" in r.err
    r = kefu("notice", c["acceptance"], "--type", "acceptance", "--templates", str(folder / "acceptance.docx"))
    assert r.code == 2 and "是一个文件,不是模板目录(--templates)" in r.err and r.err.count("\n") == 1, r.err
    r = kefu("notice", "templates", "check", str(tmp_path / "nowhere"))
    assert r.code == 2 and "--templates" not in r.err and "templates check 的参数" in r.err


def test_the_builtin_templates_pass_their_own_check_and_match_the_generator(tmp_path):
    from kefu_cli.notices import TEMPLATE_DIR
    from kefu_cli.notices.make_templates import write_all
    from kefu_cli.services.notice_templates import check_templates

    r = check_templates(None)
    assert r["ok"], [i["problem"] for i in r["items"] if not i["ok"]]
    # the committed .docx files are what make_templates.py writes (regenerate after a wording change)
    for path in write_all(tmp_path):
        assert path.read_bytes() == (TEMPLATE_DIR / path.name).read_bytes(), (
            f"{path.name} differs: run `python -m kefu_cli.notices.make_templates`"
        )


# --- batch ----------------------------------------------------------------------------------------
def test_batch_writes_the_notices_due_within_n_working_days(kefu, tmp_path):
    kefu.ok(*BRANCH)
    accepted = add(kefu, "2026-09-21T09:00")  # acceptance due 10-12 (10 working days, National Day)
    kefu.ok("complaint", "accept", accepted, "--at", "2026-09-22T10:00")
    rejected = add(kefu, "2026-09-28T09:00", name="张三", phone="13900000001")  # acceptance due 10-16
    kefu.ok("complaint", "reject", rejected, "--reason", "not_complaint", "--at", "2026-09-29T10:00")
    incomplete = add(kefu, "2026-10-08T09:00", "--incomplete", name="李四", phone="13900000002")  # supplement 10-14
    registered = add(kefu, "2026-09-29T10:00", name="王五", phone="13900000003")  # nothing to tell yet
    out = tmp_path / "今日告知书"
    doc = kefu.ok("notice", "batch", "--due-within", "2", "--as-of", "2026-10-09", "--out", str(out), "--json")
    got = {(i["case_id"], i["type"]): i for i in doc["items"]}
    # 10-09 (Fri) + 2 working days = 10-10 (Sat, a make-up working day) and 10-12 (Mon)
    assert set(got) == {(accepted, "acceptance")}
    assert (
        got[(accepted, "acceptance")]["due"] == "2026-10-12" and got[(accepted, "acceptance")]["working_days_left"] == 2
    )
    assert sorted(p.name for p in out.iterdir()) == [f"{accepted}-acceptance.docx"]
    doc = kefu.ok("notice", "batch", "--due-within", "10", "--as-of", "2026-10-09", "--out", str(out), "--json")
    got = {(i["case_id"], i["type"]): i for i in doc["items"]}
    assert set(got) == {(accepted, "acceptance"), (rejected, "rejection"), (incomplete, "supplement")}
    assert f"kefu notice {incomplete} --type 补正 --materials" in got[(incomplete, "supplement")]["skipped"]
    assert doc["written"] == 2 and doc["skipped"] == 1 and registered not in {k[0] for k in got}
    for (cid, kind), item in got.items():
        if item["file"]:
            assert Path(item["file"]).name == f"{cid}-{kind}.docx"
            text = docx_text(item["file"])
            assert not PLACEHOLDER.search(text) and "2026年10月9日" in text
    # issued the same day from the same facts: the same document, the same SHA-256
    issued = kefu.ok("notice", accepted, "--type", "acceptance", "--issue", "--out", str(tmp_path / "x.docx"),
                     "--at", "2026-10-09T15:00", "--json")  # fmt: skip
    assert issued["sha256"] == got[(accepted, "acceptance")]["sha256"]
    doc = kefu.ok("notice", "batch", "--due-within", "10", "--as-of", "2026-10-09", "--out", str(out), "--json")
    assert (accepted, "acceptance") not in {(i["case_id"], i["type"]) for i in doc["items"]}
    # the table a clerk reads
    r = kefu("notice", "batch", "--due-within", "10", "--as-of", "2026-10-09", "--out", str(out))
    assert r.code == 0 and "不予受理通知书" in r.out and "跳过" in r.out and "已写入 1 份" in r.out


def test_batch_with_a_broken_template_writes_nothing(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    folder = tmp_path / "t"
    kefu.ok("notice", "templates", "export", str(folder))
    _edit(folder / "acceptance.docx", append="{{ nonsense }}")
    out = tmp_path / "out"
    r = kefu(
        "notice", "batch", "--due-within", "5", "--as-of", "2026-10-09", "--out", str(out), "--templates", str(folder)
    )
    assert r.code == 2 and "nonsense" in r.err
    assert not out.exists()


# --- the pure parts ------------------------------------------------------------------------------
def test_chinese_dates_and_punctuation():
    import datetime as dt

    assert nd.zh_date(dt.date(2026, 10, 9)) == "2026年10月9日"
    assert nd.zh_date(dt.datetime(2026, 1, 31, 23, 59)) == "2026年1月31日"
    assert nd.zh_punct("如有疑问,请致电: 95500(工作日);谢谢") == "如有疑问，请致电：95500（工作日）；谢谢"
    assert (
        nd.missing_required("transfer", {"case_no", "complainant", "notice_date", "branch_name", "transfer_to"}) == []
    )
    assert nd.missing_required("decision", {"case_no", "result"}) == [
        "complainant",
        "notice_date",
        "branch_name",
        "routes",
    ]


def test_help_lists_the_notice_commands():
    runner = CliRunner()
    r = runner.invoke(app, ["--help"])
    assert "notice" in r.stdout and "告知书" in r.stdout
    r = runner.invoke(app, ["notice", "--help"])
    assert r.exit_code == 0 and all(w in r.stdout for w in ("make", "batch", "templates"))
    r = runner.invoke(app, ["notice", "make", "--help"])
    assert "--issue" in r.stdout and "--via" in r.stdout


def test_batch_since_leaves_out_old_cases(kefu, tmp_path):
    kefu.ok(*BRANCH)
    old = add(kefu, "2026-09-01T09:00")
    kefu.ok("complaint", "accept", old, "--at", "2026-09-02T10:00")
    kefu.ok("complaint", "decide", old, "--result", "已赔付", "--at", "2026-09-10T10:00")
    new = add(kefu, "2026-09-28T09:00", name="张三", phone="13900000001")
    kefu.ok("complaint", "reject", new, "--reason", "not_consumer", "--at", "2026-09-29T10:00")
    out = tmp_path / "out"
    doc = kefu.ok("notice", "batch", "--due-within", "10", "--as-of", "2026-10-09", "--out", str(out), "--json")
    assert {(i["case_id"], i["type"]) for i in doc["items"]} == {(old, "decision"), (new, "rejection")}
    doc = kefu.ok("notice", "batch", "--due-within", "10", "--as-of", "2026-10-09", "--since", "2026-10-01",
                  "--out", str(out), "--json")  # fmt: skip
    assert {(i["case_id"], i["type"]) for i in doc["items"]} == {(new, "rejection")}


def test_batch_regulator_report_takes_the_recipient_it_names_in_its_warning(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00", "--channel", "监管转办", "--regulator-ref", "京金转〔2026〕2号",
              "--regulator-due", "2026-10-12")  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    args = ("notice", "batch", "--due-within", "2", "--as-of", "2026-10-09", "--json")
    plain = kefu.ok(*args, "--out", str(tmp_path / "a"))
    item = next(i for i in plain["items"] if i["type"] == "regulator_report")
    assert any("--recipient" in w for w in item["warnings"]) and "监管部门：" in docx_text(item["file"])
    named = kefu.ok(*args, "--out", str(tmp_path / "b"), "--recipient", "国家金融监督管理总局北京监管局")
    item = next(i for i in named["items"] if i["type"] == "regulator_report")
    assert item["warnings"] == [] and "国家金融监督管理总局北京监管局：" in docx_text(item["file"])


def test_batch_and_make_measure_extension_and_pause_against_the_same_due_date(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    kefu.ok("complaint", "extend", cid, "--level", "complex", "--at", "2026-09-23T10:00")
    kefu.ok("complaint", "pause", cid, "--reason", "委托第三方医学鉴定", "--at", "2026-09-24T10:00")
    doc = kefu.ok("notice", "batch", "--due-within", "250", "--as-of", "2026-09-25", "--out", str(tmp_path), "--json")
    due = {i["type"]: i["due"] for i in doc["items"]}
    # the extension notice answers the period promised before it (15 days from 09-21, moved past
    # the National Day holiday), the pause notice the extended decision date as it stood when the
    # clock stopped (30 days)
    assert due["extension"] == "2026-10-08" and due["pause"] == "2026-10-21"
    for kind in ("extension", "pause"):
        made = kefu.ok("notice", cid, "--type", kind, "--at", "2026-09-25T09:00", "--json")
        assert made["deadline"]["due"] == due[kind]


def test_each_notice_names_the_limit_it_answers_in_chinese():
    from kefu_cli.domain import notices as nd

    names = {k.value: nd.answered_limit_zh(k) for k in nd.NoticeType}
    assert names["acceptance"] == names["rejection"] == "受理决定期限" and names["decision"] == "处理决定期限"
    assert names["extension"] == "延期前的处理期限" and names["pause"] == "中止时的处理期限"
    assert not any(c.isascii() and c.isalpha() for n in names.values() for c in n)  # no English code leaks


def test_the_extension_notice_states_the_period_the_policy_table_sets(kefu):
    kefu.ok(*BRANCH)
    kefu.ok("policy", "set", "complaint.decision_complex", "45")
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    kefu.ok("complaint", "extend", cid, "--level", "complex", "--at", "2026-09-23T10:00")
    f = kefu.ok("notice", cid, "--type", "extension", "--at", "2026-09-24T09:00", "--json")["fields"]
    assert f["extension_reason"].endswith("处理期限延长至自收到投诉之日起45日") and "30日" not in f["extension_reason"]
    assert f["decision_due"] == "2026年11月5日"  # 09-21 + 45 days


def test_an_empty_batch_says_so_in_one_chinese_sentence(kefu, tmp_path):
    kefu.ok(*BRANCH)
    r = kefu("notice", "batch", "--due-within", "0", "--as-of", "2026-10-09", "--out", str(tmp_path / "o"))
    assert r.code == 0 and r.out.strip() == "截至 2026-10-09,没有今天到期或已逾期、尚未发出的告知书。"
    r = kefu("notice", "batch", "--since", "2026-11-01", "--as-of", "2026-10-09", "--out", str(tmp_path / "o"))
    assert "没有 3 个工作日内到期或已逾期" in r.out and "(只看 2026-11-01 及以后到期的)" in r.out
    assert not (tmp_path / "o").exists()


def test_the_hint_after_writing_a_file_is_in_chinese_and_runs_as_given(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    r = kefu("notice", cid, "--type", "acceptance", "--out", str(tmp_path / "a.docx"), "--at", "2026-09-23T09:00")
    hint = f"kefu notice {cid} --type 受理通知书 --issue --via 信函"
    assert r.code == 0 and hint in r.err, r.err
    doc = kefu.ok(*hint.split()[1:], "--out", str(tmp_path / "a.docx"), "--at", "2026-09-23T09:00", "--json")
    assert doc["issued"] and doc["type"] == "acceptance" and doc["via"] == "letter"


def test_an_undone_pause_or_extension_is_neither_told_nor_owed(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    for hour, (step, extra) in enumerate((("pause", ("--reason", "鉴定")), ("extend", ("--level", "complex")))):
        kefu.ok("complaint", step, cid, *extra, "--at", f"2026-09-23T1{2 * hour}:00")
        kefu.ok("complaint", "undo", cid, "--reason", "误操作", "--at", f"2026-09-23T1{2 * hour + 1}:00")
    for kind in ("pause", "extension"):
        r = kefu("notice", cid, "--type", kind, "--at", "2026-09-24T09:00")
        assert r.code == 2 and "不能发出" in r.err, (kind, r.err)
    doc = kefu.ok("notice", "batch", "--due-within", "250", "--as-of", "2026-09-24", "--out", str(tmp_path), "--json")
    assert [i["type"] for i in doc["items"]] == ["acceptance"]
    assert kefu.ok("db", "verify", "--json")["ok"]
