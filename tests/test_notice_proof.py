"""Proof of telling (2020 rule Art. 21), the review decision notice (Art. 20) and the pause notice
worded by kind (Art. 18, 23), with real dates.

A notice issued with `--via sms --proof REF` is proven; one issued without `--proof` (by any way,
a letter included: a posted letter's proof is its tracking number, one handed over its signed
receipt) is unproven; `notice list`, `complaint show` and `report stats` say so.
"""

from __future__ import annotations

import datetime as dt
import re

from docx import Document

from kefu_cli.services import clock

BRANCH = ["branch", "add", "朝阳支公司", "--full-name", "示例人寿保险股份有限公司北京朝阳支公司",
          "--address", "北京市朝阳区建国路88号", "--phone", "010-65001234", "--at", "2026-09-01T09:00"]  # fmt: skip


def add(kefu, received: str, name: str = "王小明", phone: str = "13812345678") -> str:
    return kefu.ok(
        "complaint", "add", "--received", received, "--at", received, "--channel", "电话", "--category", "理赔",
        "--name", name, "--phone", phone, "--policy", "P2025110001", "--summary", "理赔款未到",
        "--branch", "朝阳支公司", "--handler", "李娜", "--json",
    )["id"]  # fmt: skip


def decided(kefu, received: str = "2026-10-09T10:00", **who) -> str:
    """Received Fri 10-09, accepted Sat 10-10 (a make-up working day), decided Fri 10-16."""
    cid = add(kefu, received, **who)
    kefu.ok("complaint", "accept", cid, "--at", "2026-10-10T09:00")
    kefu.ok("complaint", "decide", cid, "--result", "按合同赔付", "--at", "2026-10-16T15:00")
    return cid


def docx_text(path) -> str:
    return re.sub(r"\s+", "", "\n".join(p.text for p in Document(str(path)).paragraphs))


# --- proof of telling ---------------------------------------------------------------------------
def test_an_sms_with_its_message_id_is_proven_and_one_without_proof_is_not(kefu, tmp_path):
    kefu.ok(*BRANCH)
    a = decided(kefu)
    b = decided(kefu, "2026-10-09T11:00", name="李四", phone="13900000001")
    c = decided(kefu, "2026-10-09T12:00", name="张三", phone="13900000002")
    sms = kefu.ok("notice", a, "--type", "决定", "--issue", "--via", "短信", "--proof", "SMS20261016-0001",
                  "--out", str(tmp_path / "a.docx"), "--at", "2026-10-16T16:00", "--json")  # fmt: skip
    assert (sms["via"], sms["proof"], sms["proven"]) == ("sms", "SMS20261016-0001", True)
    assert not any("凭证" in w for w in sms["warnings"])
    r = kefu("notice", b, "--type", "decision", "--issue", "--via", "email", "--out", str(tmp_path / "b.docx"),
             "--at", "2026-10-16T16:30")  # fmt: skip
    assert r.code == 0, r.err
    assert "电子邮件,无凭证" in r.out and "未记录发出凭证" in r.err and "第二十一条" in r.err
    # no --via: a letter, as before; without its tracking number it is unproven too
    letter = kefu.ok("notice", c, "--type", "decision", "--issue", "--out", str(tmp_path / "c.docx"),
                     "--at", "2026-10-16T17:00", "--json")  # fmt: skip
    assert (letter["via"], letter["proof"], letter["proven"]) == ("letter", None, False)

    listed = kefu.ok("notice", "list", "--json")
    assert [(i["case_id"], i["via"], i["proof"], i["proven"]) for i in listed["items"]] == [
        (a, "sms", "SMS20261016-0001", True),
        (b, "email", None, False),
        (c, "letter", None, False),
    ]
    assert (listed["count"], listed["unproven"]) == (3, 2)
    assert [i["case_id"] for i in kefu.ok("notice", "list", "--unproven", "--json")["items"]] == [b, c]
    one = kefu.ok("notice", "list", a)
    assert "短信" in one and "SMS20261016-0001" in one and "共 1 份,其中无凭证 0 份" in one

    shown = kefu.ok("complaint", "show", b, "--json")
    assert [(n["type"], n["via"], n["proof"], n["proven"]) for n in shown["notices"]] == [
        ("decision", "email", None, False)
    ]
    assert "处理决定告知书(电子邮件,无凭证)" in kefu.ok("complaint", "show", b)
    text = kefu.ok("complaint", "show", a)
    assert "处理决定告知书(短信,凭证 SMS20261016-0001)" in text and "(短信, 凭证 SMS20261016-0001, sha256" in text

    stats = kefu.ok("report", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-12-01",
                    "--json")["notices"]  # fmt: skip
    assert (stats["issued"], stats["proven"], stats["unproven"]) == (3, 1, 2)
    by_via = {r["via"]: (r["issued"], r["proven"], r["unproven"]) for r in stats["by_via"]}
    assert by_via == {"letter": (1, 0, 1), "email": (1, 0, 1), "sms": (1, 1, 0), "phone": (0, 0, 0),
                      "in_person": (0, 0, 0)}  # fmt: skip
    # as of the day before the notices went out: none issued yet
    before = kefu.ok("report", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-10-15",
                     "--json")["notices"]  # fmt: skip
    assert (before["issued"], before["proven"], before["unproven"]) == (0, 0, 0)
    assert "告知书 发出 3 份,有凭证 1,无凭证 2" in kefu.ok(
        "report", "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-12-01"
    )
    assert "核验通过" in kefu.ok("db", "verify")


def test_a_phone_call_with_its_recording_and_proof_refused_without_issue(kefu, tmp_path, db_path):
    kefu.ok(*BRANCH)
    cid = decided(kefu)
    r = kefu("notice", cid, "--type", "decision", "--proof", "R-1")
    assert r.code == 2 and "--proof 只和 --issue 一起使用" in r.err
    r = kefu("notice", cid, "--type", "decision", "--issue", "--via", "电话", "--proof", " ",
             "--out", str(tmp_path / "x.docx"), "--at", "2026-10-16T16:00")  # fmt: skip
    assert r.code == 2 and "通话录音编号" in r.err
    assert kefu.ok("notice", "list", cid, "--json")["items"] == []  # nothing recorded
    r = kefu("notice", cid, "--type", "decision", "--issue", "--via", "信鸽", "--at", "2026-10-16T16:00")
    assert r.code == 2 and "--via" in r.err
    out = kefu.ok("notice", cid, "--type", "decision", "--issue", "--via", "电话", "--proof", "R20261016-0007",
                  "--out", str(tmp_path / "x.docx"), "--at", "2026-10-16T16:00", "--json")  # fmt: skip
    assert (out["via"], out["proven"]) == ("phone", True)
    r = kefu("notice", cid, "--type", "decision", "--issue", "--via", "当面", "--proof", "回执-1",
             "--out", str(tmp_path / "y.docx"), "--at", "2026-10-17T10:00", "--json")  # fmt: skip
    assert r.code == 0, r.err
    again = kefu.ok("notice", cid, "--type", "decision", "--out", str(tmp_path / "z.docx"), "--at",
                    "2026-10-17T11:00", "--json")  # fmt: skip
    assert [(i["via"], i["proof"], i["proven"]) for i in again["issued_before"]] == [
        ("phone", "R20261016-0007", True),
        ("in_person", "回执-1", True),
    ]


# --- the review decision notice ------------------------------------------------------------------
def test_the_review_notice_is_refused_before_the_review_is_decided_and_names_the_routes_after(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = decided(kefu)
    clock.set_now(dt.datetime(2026, 11, 13, 11, 0))
    r = kefu("notice", cid, "--type", "复核决定")
    assert r.code == 2 and "尚未作出核查(复核)决定" in r.err and "复核决定告知书" in r.err
    kefu.ok("complaint", "review", cid, "--received", "2026-11-13T10:00")  # review due Mon 12-14
    r = kefu("notice", cid, "--type", "review_decision", "--issue", "--at", "2026-11-13T11:00")
    assert r.code == 2 and "kefu complaint review-decide" in r.err
    assert kefu.ok("notice", "list", cid, "--json")["items"] == []

    clock.set_now(dt.datetime(2026, 12, 11, 11, 0))
    kefu.ok("complaint", "review-decide", cid, "--result", "维持", "--note", "理赔款已按合同约定计算",
            "--at", "2026-12-11T10:00")  # fmt: skip
    out = tmp_path / "review.docx"
    doc = kefu.ok("notice", cid, "--type", "复核决定", "--issue", "--via", "信函", "--proof", "EMS1234567890CN",
                  "--out", str(out), "--at", "2026-12-11T10:30", "--json")  # fmt: skip
    assert doc["type"] == "review_decision" and doc["title"] == "投诉复核决定告知书"
    assert doc["deadline"] == {"kind": "review", "due": "2026-12-14", "on_time": True}
    text = docx_text(out)
    for phrase in ("投诉复核决定告知书", "维持原处理决定", "理赔款已按合同约定计算", "2026年10月16日",
                   "2026年11月13日", "2026年12月11日", "第二十条", "调解", "仲裁", "诉讼", "不再就同一事项另行核查"):  # fmt: skip
        assert phrase in text, phrase
    assert "申请核查;" not in text and "向本公司上一级机构书面申请核查" not in text  # no second review offered
    assert "{{" not in text
    assert "核验通过" in kefu.ok("db", "verify")


def test_a_changed_decision_and_the_review_notice_owed_in_the_batch(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = decided(kefu)
    clock.set_now(dt.datetime(2026, 11, 13, 11, 0))
    kefu.ok("complaint", "review", cid, "--received", "2026-11-13T10:00")
    clock.set_now(dt.datetime(2026, 11, 13, 12, 0))
    kefu.ok("complaint", "review-decide", cid, "--result", "changed", "--at", "2026-11-13T11:30")
    batch = kefu.ok("notice", "batch", "--out", str(tmp_path / "out"), "--as-of", "2026-11-13", "--due-within",
                    "30", "--json")  # fmt: skip
    assert [(i["case_id"], i["type"]) for i in batch["items"]] == [(cid, "review_decision")]
    assert "变更原处理决定" in docx_text(batch["items"][0]["file"])


# --- the pause notice by kind ------------------------------------------------------------------
def test_a_mediation_pause_notice_says_mediation_and_article_23(kefu, tmp_path):
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T10:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    kefu.ok("complaint", "pause", cid, "--kind", "调解", "--reason", "双方同意由保险纠纷调解委员会调解",
            "--at", "2026-09-28T10:00")  # fmt: skip
    out = tmp_path / "pause.docx"
    doc = kefu.ok("notice", cid, "--type", "中止", "--out", str(out), "--at", "2026-09-28T11:00", "--json")
    assert doc["fields"]["pause_kind"] == "调解"
    text = docx_text(out)
    assert "调解程序" in text and "第二十三条" in text and "调解期间不计入投诉处理期限" in text
    assert "双方同意由保险纠纷调解委员会调解" in text
    assert "鉴定" not in text and "第十八条" not in text


def test_an_appraisal_testing_or_valuation_pause_notice_names_which_and_article_18(kefu, tmp_path):
    kefu.ok(*BRANCH)
    for i, (kind, zh) in enumerate((("testing", "检测"), ("valuation", "评估"), ("appraisal", "鉴定"))):
        cid = add(kefu, f"2026-09-21T1{i}:00", name=f"客户{i}", phone=f"1390000000{i}")
        kefu.ok("complaint", "accept", cid, "--at", f"2026-09-22T1{i}:00")
        kefu.ok("complaint", "pause", cid, "--kind", kind, "--reason", "车辆损失", "--at", f"2026-09-28T1{i}:00")
        out = tmp_path / f"{kind}.docx"
        kefu.ok("notice", cid, "--type", "pause", "--out", str(out), "--at", "2026-09-28T15:00")
        text = docx_text(out)
        assert f"外部机构进行{zh}" in text and f"{zh}期间不计入投诉处理期限" in text and "第十八条" in text, text
        assert "调解" not in text and "第二十三条" not in text


def test_an_older_pause_template_with_the_matter_only_still_works_and_a_mediation_is_warned(kefu, tmp_path):
    """An administrator's pause template from before pauses had kinds ({{ appraisal }}, no {{ pause_text }})."""
    from docx import Document as NewDocument

    folder = tmp_path / "模板"
    folder.mkdir()
    doc = NewDocument()
    doc.add_paragraph("{{ branch_name }} 编号 {{ case_no }} {{ complainant }}:")
    doc.add_paragraph("因外部鉴定(事项: {{ appraisal }}),处理期限中止。{{ notice_date }}")
    doc.save(str(folder / "pause.docx"))
    kefu.ok(*BRANCH)
    cid = add(kefu, "2026-09-21T10:00")
    kefu.ok("complaint", "accept", cid, "--at", "2026-09-22T10:00")
    kefu.ok("complaint", "pause", cid, "--kind", "mediation", "--reason", "调解委员会调解", "--at", "2026-09-28T10:00")
    r = kefu("notice", cid, "--type", "pause", "--templates", str(folder), "--at", "2026-09-28T11:00")
    assert r.code == 0, r.err
    assert "调解委员会调解" in r.out and "没有使用 {{ pause_text }}" in r.err and "第二十三条" in r.err
