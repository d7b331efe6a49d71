"""`kefu report annual --year Y`: the yearly disclosure (2020 rule Art. 26), with real dates.

The year is China time: a complaint received 2026-01-01 00:05 and one received 2026-12-31 23:55
are the year's, one received 2027-01-01 00:05 is the next year's. The on-time figures of the
acceptance and decision periods are checked against cases counted by hand; the .xlsx and .docx
open and hold the same figures.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kefu_cli.services import clock


def _add(kefu, received: str, *more: str, name: str = "王小明", phone: str = "13812345678", category="理赔",
         channel="电话", branch="朝阳支公司") -> str:  # fmt: skip
    return kefu.ok(
        "complaint", "add", "--received", received, "--channel", channel, "--category", category, "--name", name,
        "--phone", phone, "--branch", branch, "--handler", "李娜", "--summary", "理赔款未到", "--at", received, *more,
        "--json",
    )["id"]  # fmt: skip


def test_the_year_is_china_time_from_new_year_to_new_year(kefu):
    clock.set_now(dt.datetime(2027, 1, 2, 10, 0))
    _add(kefu, "2026-01-01T00:05", "--dispute", "理赔纠纷", "--line", "medical", category="服务", channel="信函")
    _add(kefu, "2026-12-31T23:55", "--dispute", "sales", phone="13812345679", branch="海淀支公司")
    _add(kefu, "2027-01-01T00:05", phone="13812345670", category="销售")
    _add(kefu, "2025-12-31T23:55", phone="13812345671", category="产品")
    out = kefu.ok("report", "annual", "--year", "2026", "--json")
    assert (out["year"], out["from"], out["to"], out["title"]) == (
        2026,
        "2026-01-01",
        "2026-12-31",
        "2026年度消费投诉情况",
    )
    cp = out["complaints"]
    assert cp["total"] == 2
    assert {r["code"]: r["count"] for r in cp["by_category"]} == {"claims": 1, "service": 1}
    assert {r["code"]: r["count"] for r in cp["by_source"]} == {"phone": 1, "letter": 1}
    assert {r["branch"]: r["count"] for r in cp["by_branch"]} == {"朝阳支公司": 1, "海淀支公司": 1}
    # the regulator's coding: every code listed, zeros too; a complaint not coded is 未分类
    disputes = {r["code"]: r["count"] for r in cp["by_dispute_type"]}
    assert disputes == {"sales": 1, "claims": 1, "surrender": 0, "underwriting": 0, "servicing": 0, "renewal": 0,
                        "other": 0, "unclassified": 0}  # fmt: skip
    lines = {r["label"]: r["count"] for r in cp["by_product_line"] if r["count"]}
    assert lines == {"医疗保险": 1, "未分类": 1}
    nxt = kefu.ok("report", "annual", "--year", "2027", "--json")["complaints"]
    assert (nxt["total"], [r["code"] for r in nxt["by_category"]]) == (1, ["sales"])
    # the same complaints as `report stats` for the same days
    stats = kefu.ok("report", "stats", "--from", "2026-01-01", "--to", "2026-12-31", "--json")["complaints"]
    assert (stats["total"], stats["by_category"]) == (cp["total"], cp["by_category"])


@pytest.fixture
def year_of_cases(kefu):
    """Seven complaints of 2026 and what became of their periods, judged on Tue 2026-12-01.

    acceptance: 10 working days from complete materials (here: receipt); decision: 15 日 from receipt.
    A  Mon 11-02: accepted 11-03, decided 11-10 (due 11-17)            → acceptance on time, decision on time
    B  Mon 10-12: accepted 10-13, decided 11-02 (due 10-27)            → on time, late
    C  Tue 11-03: accepted 11-04, not decided (due 11-18)              → on time, overdue
    D  Wed 11-04: rejected 11-05 (not the company's)                   → on time, not applicable
    E  Wed 11-25: accepted 11-26, not decided (due 12-10)              → on time, pending
    F  Thu 11-05: withdrawn 11-06 before acceptance                    → not applicable, not applicable
    G  Mon 10-12: accepted Mon 11-02 (due Mon 10-26), not decided (10-27) → late, overdue
    A's decision is reviewed: asked 11-20, changed 11-25; B's review asked 11-24, not yet decided.
    """
    ids = {}
    for n, (key, received) in enumerate(
        [("A", "2026-11-02T09:00"), ("B", "2026-10-12T09:00"), ("C", "2026-11-03T09:00"), ("D", "2026-11-04T09:00"),
         ("E", "2026-11-25T09:00"), ("F", "2026-11-05T09:00"), ("G", "2026-10-12T09:30")]
    ):  # fmt: skip
        ids[key] = _add(kefu, received, name=f"客户{key}", phone=f"1381234560{n}")
    for key, at in (("A", "2026-11-03T10:00"), ("B", "2026-10-13T10:00"), ("C", "2026-11-04T10:00"),
                    ("E", "2026-11-26T10:00"), ("G", "2026-11-02T10:00")):  # fmt: skip
        kefu.ok("complaint", "accept", ids[key], "--at", at)
    kefu.ok("complaint", "decide", ids["A"], "--result", "按合同赔付", "--at", "2026-11-10T10:00")
    kefu.ok("complaint", "decide", ids["B"], "--result", "按合同赔付", "--at", "2026-11-02T15:00")
    kefu.ok("complaint", "reject", ids["D"], "--reason", "not_company", "--at", "2026-11-05T10:00")
    kefu.ok("complaint", "withdraw", ids["F"], "--at", "2026-11-06T10:00")
    kefu.ok("complaint", "review", ids["A"], "--received", "2026-11-20T10:00", "--at", "2026-11-20T11:00")
    kefu.ok("complaint", "review-decide", ids["A"], "--result", "changed", "--at", "2026-11-25T10:00")
    kefu.ok("complaint", "review", ids["B"], "--received", "2026-11-24T10:00", "--at", "2026-11-24T11:00")
    return ids


def test_on_time_figures_are_the_hand_counted_ones(kefu, year_of_cases):
    out = kefu.ok("report", "annual", "--year", "2026", "--json")
    assert out["as_of"] == "2026-12-01"
    acceptance, decision = out["on_time"]
    assert acceptance == {"kind": "acceptance", "on_time": 5, "late": 1, "overdue": 0, "not_applicable": 1,
                          "pending": 0, "rate": 83.33}  # fmt: skip
    assert decision == {"kind": "decision", "on_time": 1, "late": 1, "overdue": 2, "not_applicable": 2,
                        "pending": 1, "rate": 25.0}  # fmt: skip
    assert out["reviews"] == {"asked": 2, "decided": 1, "upheld": 0, "changed": 1, "open": 1}
    assert out["withdrawn"] == 1
    assert out["rejected"]["total"] == 1
    assert {r["reason"]: r["count"] for r in out["rejected"]["by_reason"] if r["count"]} == {"not_company": 1}
    # judged on a later day, E's decision (due 12-10) is overdue too
    later = kefu.ok("report", "annual", "--year", "2026", "--as-of", "2026-12-11", "--json")["on_time"][1]
    assert (later["overdue"], later["pending"]) == (3, 0)
    text = kefu.ok("report", "annual", "--year", "2026")
    assert "2026年度消费投诉情况" in text and "83.33" in text and "变更原处理决定" in text


def test_a_past_day_is_read_as_the_records_stood_then(kefu, year_of_cases):
    """As of Thu 11-05: E is not registered yet, A's and C's decisions and F's periods are not yet
    due, B was decided late, G's acceptance was late and its decision is overdue; no review yet."""
    out = kefu.ok("report", "annual", "--year", "2026", "--as-of", "2026-11-05", "--json")
    assert (out["history"], out["complaints"]["total"], out["withdrawn"]) == (True, 6, 0)
    acceptance, decision = out["on_time"]
    assert acceptance == {"kind": "acceptance", "on_time": 4, "late": 1, "overdue": 0, "not_applicable": 0,
                          "pending": 1, "rate": 80.0}  # fmt: skip
    assert decision == {"kind": "decision", "on_time": 0, "late": 1, "overdue": 1, "not_applicable": 1,
                        "pending": 3, "rate": 0.0}  # fmt: skip
    assert out["reviews"] == {"asked": 0, "decided": 0, "upheld": 0, "changed": 0, "open": 0}
    # A coded on 11-26: counted so from then on, 未分类 before
    kefu.ok("complaint", "edit", year_of_cases["A"], "--dispute", "理赔纠纷", "--reason", "补录纠纷类型",
            "--at", "2026-11-26T12:00")  # fmt: skip
    as_of_11_20 = kefu.ok("report", "annual", "--year", "2026", "--as-of", "2026-11-20", "--json")
    now = kefu.ok("report", "annual", "--year", "2026", "--json")
    for doc, claims, uncoded in ((as_of_11_20, 0, 6), (now, 1, 6)):  # E is registered on 11-25
        coded = {r["code"]: r["count"] for r in doc["complaints"]["by_dispute_type"]}
        assert (coded["claims"], coded["unclassified"]) == (claims, uncoded)
    assert as_of_11_20["reviews"] == {"asked": 1, "decided": 0, "upheld": 0, "changed": 0, "open": 1}
    assert as_of_11_20["withdrawn"] == 1


def test_the_workbook_has_a_sheet_per_breakdown_with_numbers(kefu, year_of_cases, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "2026年报.xlsx"
    kefu.ok("report", "annual", "--year", "2026", "-o", str(path))
    wb = load_workbook(path)
    assert wb.sheetnames == ["按投诉类别", "按投诉来源(受理方式)", "按机构", "按纠纷类型", "按险种",
                             "受理与处理决定按时情况", "核查(复核)", "撤回与不予受理", "说明"]  # fmt: skip
    ws = wb["受理与处理决定按时情况"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["期限", "按时完成", "超时完成", "逾期未完成", "不适用", "未到期", "按时率(%)"]
    assert rows[1] == ["受理决定", 5, 1, 0, 1, 0, 83.33]
    assert rows[2] == ["处理决定", 1, 1, 2, 2, 1, 25]
    assert ws.cell(2, 7).number_format == "0.00"
    assert [[c.value for c in r] for r in wb["按投诉类别"].iter_rows()][1] == ["理赔", 7, 100]
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
    assert "2026-01-01 至 2026-12-31" in wb["说明"]["B2"].value


def test_the_document_is_plain_word_in_chinese(kefu, year_of_cases, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    path = tmp_path / "2026年报.docx"
    kefu.ok("report", "annual", "--year", "2026", "-o", str(path))
    doc = Document(str(path))
    assert doc.paragraphs[0].text == "2026年度消费投诉情况"
    assert doc.core_properties.title == "2026年度消费投诉情况" and doc.core_properties.language == "zh-CN"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    periods = [[c.text for c in row.cells] for row in doc.tables[5].rows]
    assert periods[1] == ["受理决定", "5", "1", "0", "1", "0", "83.33"]
    assert periods[2] == ["处理决定", "1", "1", "2", "2", "1", "25.00"]
    again = tmp_path / "again.docx"
    kefu.ok("report", "annual", "--year", "2026", "-o", str(again))
    assert again.read_bytes() == path.read_bytes()  # the same report, the same bytes


@pytest.mark.parametrize("args", [[], ["--year", "1999"], ["--year", "2100"], ["--year", "2026", "-o", "x.xls"]])
def test_a_bad_year_or_file_is_one_sentence(kefu, args, tmp_path):
    r = kefu("report", "annual", *args)
    assert r.code == 2 and "Traceback" not in r.err
    assert "--year" in r.err or ".xlsx" in r.err


def test_every_deadline_basis_names_its_source(kefu):
    cid = _add(kefu, "2026-11-02T09:00")
    show = kefu.ok("complaint", "show", cid, "--json")
    basis = {d["kind"]: d["basis"] for d in show["deadlines"]}
    assert basis["decision"] == "《银行业保险业消费投诉处理管理办法》第十八条 15日"
    assert basis["acceptance"] == "客户服务管理规定 第十六条 10个工作日"
    assert basis["initial_investigation"] == "保险公司客户投诉应急预案 4.3 24小时"
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    out = kefu.ok("complaint", "extend", cid, "--level", "complex", "--at", "2026-11-05T10:00", "--json")
    [ext] = [d for d in out["deadlines"] if d["kind"] == "decision" and d["status"] == "open"]
    assert (
        ext["basis"]
        == "《银行业保险业消费投诉处理管理办法》第十八条 30日;情况复杂延期,自原期限起算 2026-11-02 09:00 起"
    )
    assert "依据: 《银行业保险业消费投诉处理管理办法》第十八条 30日;情况复杂延期" in kefu.ok("complaint", "show", cid)
    rules = {r["key"]: r["source"] for r in kefu.ok("policy", "list", "--json")["rules"]}
    assert rules["complaint.decision_complex"] == "《银行业保险业消费投诉处理管理办法》第十八条"
    assert not [k for k, s in rules.items() if s.startswith("同上")]
