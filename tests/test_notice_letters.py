"""Letters a branch can send (issue 21, item 6): the letter names the case's handler (or the
branch's service desk), never the account running kefu; a notice for a step the case has left
behind is refused unless re-issued with a reason; the documents are Chinese (zh-CN) with the
branch as author and the notice as title; an internal note stays out of the letter."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from test_notices import BRANCH, LETTERHEAD, add, audit_count, docx_text


def notices_of(db: str, cid: str) -> list[dict]:
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT details FROM audit_event WHERE entity = 'complaint' AND entity_id = ? AND action = 'notice'", (cid,)
        ).fetchall()
    return [json.loads(d) for (d,) in rows]


def unassigned(kefu, received: str = "2026-09-21T09:00") -> str:
    doc = kefu.ok("complaint", "add", "--received", received, "--at", received, "--channel", "电话", "--category",
                  "理赔", "--name", "王建国", "--phone", "13812345678", "--branch", "朝阳支公司", "--json")  # fmt: skip
    return doc["id"]


def test_a_letter_names_the_handler_or_the_service_desk_never_the_os_account(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = unassigned(kefu)
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    r = kefu("notice", cid, "--type", "acceptance", "--at", "2026-09-23T09:00", "--clerk", "root")
    assert r.code == 0, r.err
    assert "请与本公司客服柜面联系" in r.out and "root" not in r.out and "tester" not in r.out
    out = tmp_path / "a.docx"
    kefu.ok("notice", cid, "--type", "acceptance", "--out", str(out), "--at", "2026-09-23T09:00", "--clerk", "root")
    assert "root" not in docx_text(out)
    before = audit_count(kefu.db)
    r = kefu("notice", cid, "--type", "acceptance", "--issue", "--out", str(out), "--at", "2026-09-23T09:00")
    assert r.code == 2 and r.err.count("\n") == 1 and "没有指定处理人" in r.err
    assert audit_count(kefu.db) == before
    # the case's handler, whoever runs kefu
    other = add(kefu, "2026-09-21T10:00", name="李四", phone="13900000001")
    kefu.ok("complaint", "accept", other, "--at", "2026-09-22T10:00")
    doc = kefu.ok("notice", other, "--type", "acceptance", "--at", "2026-09-23T09:00", "--clerk", "root", "--json")
    assert doc["fields"]["handler"] == "李娜" and doc["fields"]["contact"] == "经办人李娜"
    assert "请与经办人李娜联系" in doc["text"] and "root" not in doc["text"]


@pytest.fixture
def left_behind(kefu):
    """A complaint paused and resumed, one paused, resumed and decided, one accepted and decided."""
    kefu.ok(*BRANCH)
    c = {}
    c["resumed"] = add(kefu, "2026-09-21T09:00")
    c["paused_decided"] = add(kefu, "2026-09-21T10:00", name="李四", phone="13900000001")
    c["decided"] = add(kefu, "2026-09-21T11:00", name="张三", phone="13900000002")
    for cid in c.values():
        kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    for cid in (c["resumed"], c["paused_decided"]):
        kefu.ok("complaint", "pause", cid, "--reason", "委托第三方医学鉴定", "--at", "2026-09-24T10:00")
    kefu.ok("complaint", "resume", c["resumed"], "--at", "2026-09-28T10:00")
    kefu.ok("complaint", "resume", c["paused_decided"], "--at", "2026-09-28T11:00")  # a decision follows a resume
    kefu.ok("complaint", "decide", c["paused_decided"], "--result", "同意赔付", "--at", "2026-09-29T10:00")
    kefu.ok("complaint", "decide", c["decided"], "--result", "维持原理赔结论", "--at", "2026-09-29T10:00")
    return kefu, c


@pytest.mark.parametrize(
    ("case", "kind"), [("resumed", "pause"), ("paused_decided", "pause"), ("decided", "acceptance")]
)
def test_a_notice_for_a_step_left_behind_is_refused(left_behind, tmp_path, case, kind):
    kefu, c = left_behind
    cid = c[case]
    before = audit_count(kefu.db)
    out = tmp_path / "x.docx"
    for extra in ([], ["--out", str(out)], ["--issue", "--out", str(out)]):
        r = kefu("notice", cid, "--type", kind, "--at", "2026-09-30T09:00", *extra)
        assert r.code == 2, (extra, r.out)
        assert r.err.count("\n") == 1 and "--reissue --reason" in r.err and "Traceback" not in r.err
    assert not out.exists() and audit_count(kefu.db) == before
    # --reissue without its reason: refused too
    r = kefu("notice", cid, "--type", kind, "--reissue", "--issue", "--out", str(out), "--at", "2026-09-30T09:00")
    assert r.code == 2 and "--reason" in r.err and audit_count(kefu.db) == before
    # with the reason: issued, and the reason recorded with it
    doc = kefu.ok("notice", cid, "--type", kind, "--reissue", "--reason", "投诉人称未收到原件", "--issue",
                  "--out", str(out), "--at", "2026-09-30T09:00", "--json")  # fmt: skip
    assert doc["issued"] and doc["reissue"] == "投诉人称未收到原件"
    assert notices_of(kefu.db, cid)[-1]["reissue"] == "投诉人称未收到原件"
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_a_current_notice_needs_no_reissue(left_behind):
    kefu, c = left_behind
    fresh = add(kefu, "2026-09-25T09:00", name="赵六", phone="13900000003")
    kefu.ok("complaint", "accept", fresh, "--at", "2026-09-25T10:00")
    kefu.ok("complaint", "pause", fresh, "--reason", "委托第三方医学鉴定", "--at", "2026-09-26T10:00")
    for kind in ("acceptance", "pause"):  # paused: the acceptance and the pause both stand
        r = kefu("notice", fresh, "--type", kind, "--at", "2026-09-27T09:00")
        assert r.code == 0, (kind, r.err)
    r = kefu("notice", c["decided"], "--type", "decision", "--at", "2026-09-30T09:00")
    assert r.code == 0, r.err


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def test_documents_are_chinese_with_the_branch_as_author_and_the_notice_as_title(kefu, tmp_path):
    from docx import Document

    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    out = tmp_path / "a.docx"
    kefu.ok("notice", cid, "--type", "acceptance", "--out", str(out), "--at", "2026-09-23T09:00")
    parts = _parts(out)
    assert re.search(r'<w:docDefaults>.*<w:lang w:val="zh-CN" w:eastAsia="zh-CN"', parts["word/styles.xml"], re.S)
    assert '<w:themeFontLang w:val="zh-CN" w:eastAsia="zh-CN"/>' in parts["word/settings.xml"]
    assert "en-US" not in parts["word/styles.xml"] and "ja-JP" not in parts["word/settings.xml"]
    props = Document(str(out)).core_properties
    assert (props.title, props.author, props.last_modified_by) == ("投诉受理通知书", LETTERHEAD, LETTERHEAD)
    assert props.language == "zh-CN" and props.comments == "" and props.keywords == ""
    meta = parts["docProps/core.xml"] + parts["docProps/app.xml"]
    assert "make_templates" not in meta and "Microsoft" not in meta and "Macintosh" not in meta
    assert "<Application>kefu</Application>" in parts["docProps/app.xml"]
    # the built-in templates are tagged the same way
    from kefu_cli.notices import builtin_template

    tpl = _parts(builtin_template("decision"))
    assert '<w:lang w:val="zh-CN" w:eastAsia="zh-CN"' in tpl["word/styles.xml"]
    assert "make_templates" not in tpl["docProps/core.xml"] and "Macintosh" not in tpl["docProps/app.xml"]


def test_the_internal_note_of_a_rejection_stays_out_of_the_letter(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "reject", cid, "--reason", "not_company", "--note", "客户情绪激动,疑似职业索赔人",
            "--at", "2026-09-22T10:00")  # fmt: skip
    out = tmp_path / "r.docx"
    kefu.ok("notice", cid, "--type", "rejection", "--out", str(out), "--at", "2026-09-23T09:00")
    text = docx_text(out)
    assert "职业索赔" not in text and "补充说明" not in text and "不属于本公司负责处理的范围" in text
    doc = kefu.ok("notice", cid, "--type", "rejection", "--note-for-customer", "--issue", "--out", str(out),
                  "--at", "2026-09-23T09:00", "--json")  # fmt: skip
    assert "补充说明：客户情绪激动" in docx_text(out) and doc["fields"]["reject_advice"].endswith("疑似职业索赔人。")
    assert notices_of(kefu.db, cid)[-1]["note_for_customer"] is True


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def _writer_missing() -> str | None:
    if SOFFICE is None:
        return "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
    if PDFTOTEXT is None:
        return "pdftotext is not installed: apt-get install poppler-utils"
    if not Path("/usr/lib/libreoffice/program/libswlo.so").exists() and shutil.which("lowriter") is None:
        return "LibreOffice Writer is not installed: apt-get install libreoffice-writer-nogui"
    return None


@pytest.mark.skipif(_writer_missing() is not None, reason=str(_writer_missing()))
def test_libreoffice_renders_a_notice_to_pdf_with_its_text(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T09:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    kefu.ok("complaint", "decide", cid, "--result", "同意按合同约定赔付 5,000 元", "--at", "2026-09-30T14:00")
    out = tmp_path / "decision.docx"
    kefu.ok("notice", cid, "--type", "decision", "--issue", "--out", str(out), "--at", "2026-10-09T10:00")
    r = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert r.returncode == 0 and (tmp_path / "decision.pdf").exists(), r.stderr + r.stdout
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(tmp_path / "decision.pdf"), "-"], capture_output=True, text=True, timeout=60
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for phrase in (LETTERHEAD, "投诉处理决定告知书", cid, "王建国", "同意按合同约定赔付5,000元", "2026年10月9日",
                   "请与经办人李娜联系", "仲裁", "诉讼"):  # fmt: skip
        assert re.sub(r"\s+", "", phrase) in flat, phrase
    info = subprocess.run(["pdfinfo", str(tmp_path / "decision.pdf")], capture_output=True, text=True).stdout
    assert "投诉处理决定告知书" in info and LETTERHEAD in info  # title and author carried into the PDF


@pytest.mark.skipif(_writer_missing() is not None, reason=str(_writer_missing()))
def test_libreoffice_renders_every_notice_type_of_the_demo(demo, tmp_path):
    """The demo's notices (one of each type, `kefu demo`) converted to PDF: each shows its title, the
    branch, the case number and its contact, no placeholder left; the PDF's title and author are the notice's."""
    from kefu_cli.domain.notices import TITLES, NoticeType

    folder = demo.parent / f"{demo.stem}-告知书"
    files = sorted(folder.glob("*.docx"))
    assert {f.stem.split("-", 3)[-1] for f in files} == {k.value for k in NoticeType}
    r = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    for f in files:
        kind = NoticeType(f.stem.split("-", 3)[-1])
        pdf = tmp_path / f"{f.stem}.pdf"
        flat = re.sub(r"\s+", "", subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True).stdout)
        case_id = f.stem.rsplit("-", 1)[0]
        assert TITLES[kind] in flat and case_id in flat and "股份有限公司" in flat, (kind, flat[:200])
        assert "{{" not in flat and "}}" not in flat and "root" not in flat
        assert ("经办人" in flat or "联系人" in flat) and "电话" in flat
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert TITLES[kind] in info and "股份有限公司" in info  # title and the branch as author
