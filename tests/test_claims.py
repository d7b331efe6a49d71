"""Claims intake (seed 002 第四条): the policy register, the report with its search, identity and
first checks, major cases (24 clock hours to head office), the materials checklist, the handover
(3 working days), the closing with its claim callback (5 working days), `db verify` on claim rows,
search — through the CLI, on real calendar dates.

Calendar facts used (official 2026 data, RULES.md §5): 2026-10-01..07 off, Sat 10-10 a make-up
working day; Sat 2026-02-28 a make-up working day (Spring Festival). 2027 is provisional in
chinese-calendar 1.11 (weekends only) until a notice is loaded; the Spring Festival 2027 notice
used here is the test fixture tests/data/calendar_2027_notice.csv (02-06..02-13 off).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kefu_cli.domain import claim_checks as ck
from kefu_cli.domain import claims as cl

DATA = Path(__file__).parent / "data"

# Valid resident ID numbers (GB 11643 check digits), invented people.
ID_A = "110105197503120034"
TODAY = dt.date(2026, 12, 1)  # the day an ID number's date of birth may not be after
ID_B = "110108199007210047"
ID_C = "310104198801010015"


def policy(kefu, no="P2026110001", *extra, insured="林志远", id_number=ID_A, start="2026-01-01", end="2045-12-31",
           line="life", sum_insured="30万"):  # fmt: skip
    args = ["policy-register", "add", "--policy", no, "--product", "终身寿险", "--line", line, "--holder", insured,
            "--phone", "13811110001", "--insured", insured, "--start", start, "--end", end,
            "--sum-insured", sum_insured, "--at", "2026-01-01T09:00"]  # fmt: skip
    if id_number:
        args += ["--id-number", id_number]
    return kefu.ok(*args, *extra, "--json")


def report(kefu, *extra, policy_no="P2026110001", incident="2026-11-19T18:30", received="2026-11-20T09:00"):
    args = ["claim", "report", "--incident", incident, "--reporter", "林小红", "--reporter-phone", "13900001111",
            "--relation", "配偶", "--received", received, "--at", received]  # fmt: skip
    if policy_no:
        args += ["--policy", policy_no]
    return kefu(*args, *extra, "--json")


def count(db, table="claim") -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - test


@pytest.fixture
def clock(monkeypatch):
    """Move "now" (steps may not be dated in the future): for the 2027/2028 dates."""

    from kefu_cli.services import clock as seam

    return seam.set_now  # tests/conftest.py sets the clock back after each test


# --- pure rules -----------------------------------------------------------------------------------


def test_id_number_check_digit_and_mask():
    assert ck.check_id_number("11010519491231002x", "--id-number", TODAY) == "11010519491231002X"
    assert ck.check_id_number("１１０１０５１９７５０３１２００３４", "--id-number", TODAY) == ID_A  # full-width digits
    assert ck.mask_id_number(ID_A) == "110***********0034"
    for bad, why in (
        ("110105197503120035", "校验位不符"),
        ("11010519750312003", "应为 18 位"),
        ("110105750312003", "15 位的旧身份证"),
        ("110105197513120034", "出生日期"),
        ("990105197503120034", "行政区划"),
        ("1101051975031200A4", "只能是数字"),
    ):
        with pytest.raises(ck.InputError, match=why) as e:
            ck.check_id_number(bad, "--id-number", TODAY)
        assert bad not in str(e.value) and ck.ID_EXAMPLE in str(e.value)  # never echoed; an example given


def test_limitation_counts_years_to_the_corresponding_day():
    cal = __import__("kefu_cli.domain.calendar", fromlist=["official_calendar"]).official_calendar()
    # 保险法 §26: 2 years (5 for life); 民法典 §202: the corresponding day, or the month's last day
    assert ck.corresponding_day(dt.date(2026, 2, 28), 2) == dt.date(2028, 2, 28)
    assert ck.corresponding_day(dt.date(2026, 3, 1), 2) == dt.date(2028, 3, 1)
    assert ck.corresponding_day(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    assert ck.corresponding_day(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert ck.limitation_years("life") == 5 and ck.limitation_years("health") == 2
    # 2026-02-28 is a Saturday but a make-up working day (Spring Festival): no roll
    assert ck.limitation_end(dt.date(2024, 2, 29), 2, cal.next_workday) == dt.date(2026, 2, 28)
    # 2026-10-01 (National Day) rolls to the next working day, Thu 10-08 (民法典 §203)
    assert ck.limitation_end(dt.date(2024, 10, 1), 2, cal.next_workday) == dt.date(2026, 10, 8)


def test_major_case_criteria():
    assert cl.major_reasons() == []
    assert cl.major_reasons(deaths=1) == []
    assert cl.major_reasons(deaths=2) == ["一次事故导致 2 人死亡"]
    assert cl.major_reasons(estimate=500_000) == []  # "超过" 50 万: more than
    assert cl.major_reasons(estimate=500_001)
    assert cl.major_reasons(sum_insured=800_000) == []  # only with the outcome still uncertain
    assert cl.major_reasons(sum_insured=800_000, uncertain=True)
    assert cl.major_reasons(dispute="media") == ["争议已向媒体投诉"]
    assert cl.major_reasons(litigation=True)
    assert [ck.parse_amount(x, "--estimate") for x in ("600000", "60万", "1.5万元", "600,000元", "")] == [
        600000, 600000, 15000, 600000, None]  # fmt: skip
    with pytest.raises(ck.InputError, match="整元"):
        ck.parse_amount("100.5", "--estimate")


def test_checklists_by_claim_type():
    base = list(cl.BASE_MATERIALS)
    assert cl.checklist([]) == base
    assert cl.checklist(["medical"]) == base + ["medical_records", "medical_receipts"]
    assert cl.checklist(["death", "accident"]) == base + ["accident_proof", "death_certificate"]
    assert cl.missing(cl.checklist(["burn"]), ["claim_form"])[-1] == "burn_proof"


# --- the policy register ------------------------------------------------------------------------------


def test_policy_register_masks_the_id_number_and_refuses_a_wrong_check_digit(kefu, db_path):
    data = policy(kefu)
    assert data["insured_id"] == "110***********0034" and data["insured_name"] == "林*远"
    assert data["limitation_years"] == 5 and data["sum_insured"] == 300000
    out = kefu.ok("policy-register", "show", "P2026110001")
    assert ID_A not in out and "110***********0034" in out and "人寿保险" in out
    full = kefu.ok("policy-register", "show", "P2026110001", "--unmask", "--json")
    assert full["insured_id"] == ID_A
    r = kefu("policy-register", "add", "--policy", "P2", "--id-number", "110105197503120035")
    assert r.code == 2 and "校验位不符" in r.err and "例如 --id-number 11010519491231002X" in r.err
    assert count(db_path, "policy_record") == 1
    # a second add with other values is refused unless --update (the old values kept in the event)
    r = kefu("policy-register", "add", "--policy", "P2026110001", "--end", "2046-12-31")
    assert r.code == 2 and "--update" in r.err
    r = kefu("policy-register", "add", "--policy", "P2026110001", "--end", "2046-12-31", "--update")
    assert r.code == 2 and "--reason" in r.err
    changed = kefu.ok("policy-register", "add", "--policy", "P2026110001", "--end", "2046-12-31", "--update",
                      "--reason", "续保", "--json")  # fmt: skip
    assert changed["changes"] == {"period_end": {"before": "2045-12-31", "after": "2046-12-31"}}
    # the line is guessed from the product name when not given
    guessed = kefu.ok("policy-register", "add", "--policy", "P3", "--product", "重大疾病保险", "--json")
    assert guessed["line"] == "health" and guessed["limitation_years"] == 2


# --- the report -----------------------------------------------------------------------------------------


def test_a_major_case_is_reported_to_head_office_within_24_clock_hours(kefu):
    policy(kefu)
    data = report(kefu, "--deaths", "2", "--handler", "王强", "--new-handler").json()
    assert data["status"] == "reported" and data["major"] and "2 人死亡" in data["major_reasons"]
    (d,) = data["deadlines"]
    assert (d["kind"], d["due_at"], d["provisional"]) == ("major_case_report", "2026-11-21T09:00:00+08:00", False)
    assert data["reporter_name"] == "林*红" and data["reporter_phone"] == "139****1111"  # masked in JSON
    assert data["insured_id"] == "110***********0034"
    cid = data["id"]
    assert cid.startswith("BA-20261120-")
    # the deadline report lists it as a claim, in Chinese
    items = kefu.ok("report", "deadlines", "--as-of", "2026-11-20", "--json")["items"]
    assert [(i["case_type"], i["kind"], i["due"]) for i in items] == [("claim", "major_case_report", "2026-11-21")]
    assert "理赔报案" in kefu.ok("report", "deadlines", "--as-of", "2026-11-20")
    # 25 hours later: met late, the breach stays
    late = kefu.ok("claim", "escalate", cid, "--to", "总公司理赔部", "--at", "2026-11-21T10:00", "--json")
    assert late["late"] is True and late["escalated_to"] == "总公司理赔部"
    assert late["deadlines"][0]["status"] == "met" and late["deadlines"][0]["breached"] is True
    r = kefu("claim", "escalate", cid, "--to", "总部", "--at", "2026-11-21T11:00")
    assert r.code == 2 and "不需要重复呈报" in r.err
    out = kefu.ok("claim", "show", cid)
    assert "向总公司理赔部呈报(逾期)" in out and "逾期完成" in out


def test_a_major_case_learned_later_counts_24_hours_from_then(kefu):
    policy(kefu)
    cid = report(kefu).json()["id"]
    r = kefu("claim", "escalate", cid, "--to", "总部", "--at", "2026-11-20T10:00")
    assert r.code == 2 and "不是重大案件" in r.err
    r = kefu("claim", "major", cid, "--estimate", "50万", "--at", "2026-11-20T10:00")
    assert r.code == 2 and "不构成重大案件" in r.err
    data = kefu.ok("claim", "major", cid, "--dispute", "媒体", "--at", "2026-11-23T14:00", "--json")
    assert data["major_reasons"] == "争议已向媒体投诉"
    assert data["deadlines"][0]["due_at"] == "2026-11-24T14:00:00+08:00"
    # sum insured over 500,000 with the outcome uncertain
    policy(kefu, "P2026110002", sum_insured="80万", insured="宋雨桐", id_number=ID_B)
    big = report(kefu, "--uncertain", policy_no="P2026110002").json()
    assert big["major"] and "保险金额 80万元" in big["major_reasons"]


def test_a_reported_incident_is_not_registered_twice(kefu, db_path):
    policy(kefu)
    first = report(kefu).json()["id"]
    # same insured (found by name, then by ID number), same incident day: told the progress, nothing written
    for extra in (["--insured", "林志远"], ["--id-number", ID_A]):
        r = report(kefu, *extra, policy_no="", received="2026-11-20T11:00", incident="2026-11-19")
        assert r.code == 2 and f"该事故已报案: {first}" in r.err and "已报案" in r.err and "--new-incident" in r.err
    assert count(db_path) == 1
    # another incident of the same policy: registered, with a hint about the earlier report
    other = report(kefu, incident="2026-11-10", received="2026-11-20T12:00")
    assert other.code == 0 and first in other.err
    again = report(kefu, "--new-incident", received="2026-11-20T13:00")
    assert again.code == 0 and count(db_path) == 3


def test_no_policy_same_name_and_identity_mismatch_are_told_at_once(kefu, db_path):
    r = report(kefu, "--insured", "张三", policy_no="")
    assert r.code == 2 and "未查到与出险人 张* 相关的任何保险合同" in r.err and "立即告知报案人" in r.err
    r = report(kefu, policy_no="P404")
    assert r.code == 2 and "没有保单 P404" in r.err and "立即告知报案人" in r.err
    # two insured named 林志远: identity first
    policy(kefu, "P1", id_number=ID_A)
    policy(kefu, "P2", id_number=ID_C)
    r = report(kefu, "--insured", "林志远", policy_no="")
    assert r.code == 2 and "2 位同名被保险人" in r.err and "--id-number" in r.err
    assert ID_A not in r.err and "110***********0034" in r.err
    ok = report(kefu, "--insured", "林志远", "--id-number", ID_C, policy_no="").json()
    assert ok["policy_no"] == "P2"
    # the policy's insured is someone else
    r = report(kefu, "--id-number", ID_C, policy_no="P1", received="2026-11-20T10:00")
    assert r.code == 2 and "证件号码与报案所说的不符" in r.err
    r = report(kefu, "--insured", "王五", policy_no="P1", received="2026-11-20T10:00")
    assert r.code == 2 and "核实出险人身份" in r.err
    r = report(kefu, "--id-number", "310104198801010016", policy_no="P1")
    assert r.code == 2 and "校验位不符" in r.err
    assert count(db_path) == 1


def test_first_checks_refuse_in_writing_with_the_reason(kefu):
    policy(kefu, "P-H", line="health", start="2025-01-01", end="2025-12-31")
    out = report(kefu, policy_no="P-H", incident="2026-01-02")
    data = out.json()
    assert data["status"] == "refused" and not data["check_period"] and data["check_limitation"]
    assert "不在保险期间(2025-01-01 至 2025-12-31)内" in data["refusal_reason"]
    assert data["deadlines"] == []
    text = kefu.ok("claim", "show", data["id"])
    assert "初审不予受理" in text
    r = kefu("claim", "apply", data["id"], "--type", "medical", "--at", "2026-11-21T09:00")
    assert r.code == 2 and "初审不予受理" in r.err
    # the clerk's judgement of the cover, with its reason
    cover = report(kefu, "--not-covered", "既往症,属责任免除", policy_no="P-H", incident="2025-12-30",
                   received="2026-11-20T10:00").json()  # fmt: skip
    assert cover["status"] == "refused" and not cover["check_cover"] and "既往症" in cover["refusal_reason"]
    human = report(kefu, "--not-covered", "既往症", "--new-incident", policy_no="P-H", incident="2025-12-30",
                   received="2026-11-20T11:00")  # fmt: skip
    # --json was given by the helper; the plain output is checked on a fresh call below
    assert human.code == 0
    args = ["claim", "report", "--policy", "P-H", "--incident", "2025-12-30", "--reporter", "林小红",
            "--reporter-phone", "13900001111", "--not-covered", "既往症", "--new-incident", "--at", "2026-11-20T12:00"]  # fmt: skip
    text = kefu.ok(*args)
    assert "初审未通过(不予受理)" in text and "请书面告知客户不予受理的原因" in text


def test_limitation_two_years_for_health_five_for_life_with_the_makeup_saturday(kefu):
    # known 2024-02-29 (leap day) + 2 years: 2026-02-28, a Saturday that is a make-up working day
    policy(kefu, "P-H", line="health", start="2024-01-01", end="2024-12-31", insured="宋雨桐", id_number=ID_B)
    ok = report(kefu, policy_no="P-H", incident="2024-02-29", received="2026-02-28T10:00").json()
    assert (ok["limitation_end"], ok["check_limitation"], ok["status"]) == ("2026-02-28", True, "reported")
    late = report(kefu, "--new-incident", policy_no="P-H", incident="2024-02-29", received="2026-03-02T10:00").json()
    assert late["status"] == "refused" and "已超过索赔时效" in late["refusal_reason"]
    # the same dates on a life policy: 5 years, to 2029-02-28
    policy(kefu, "P-L", line="life", start="2024-01-01", end="2054-12-31", insured="韦东", id_number=ID_C)
    life = report(kefu, policy_no="P-L", incident="2024-02-29", received="2026-03-02T10:00").json()
    assert (life["limitation_years"], life["limitation_end"], life["status"]) == (5, "2029-02-28", "reported")
    # the claimant learned of the incident later: the period starts then
    known = report(kefu, "--known", "2024-06-01", "--new-incident", policy_no="P-H", incident="2024-02-29",
                   received="2026-03-02T11:00").json()  # fmt: skip
    assert (known["limitation_end"], known["status"]) == ("2026-06-01", "reported")
    r = report(kefu, "--known", "2024-01-01", policy_no="P-H", incident="2024-02-29")
    assert r.code == 2 and "--known" in r.err


def test_limitation_ending_around_leap_day_2028(kefu, clock):
    clock(dt.datetime(2028, 3, 10, 12, 0))
    policy(kefu, "P-H", line="health", start="2026-01-01", end="2026-12-31")
    # known 2026-02-28: last day 2028-02-28 (Mon) — a claim on the leap day 2028-02-29 is late
    late = report(kefu, policy_no="P-H", incident="2026-02-28", received="2028-02-29T10:00").json()
    assert late["limitation_end"] == "2028-02-28" and late["status"] == "refused"
    # known 2026-03-01: last day 2028-03-01 — in time on 03-01, late on 03-02
    ok = report(kefu, policy_no="P-H", incident="2026-03-01", received="2028-03-01T16:00").json()
    assert (ok["limitation_end"], ok["status"]) == ("2028-03-01", "reported")
    no = report(kefu, "--new-incident", policy_no="P-H", incident="2026-03-01", received="2028-03-02T09:00").json()
    assert no["status"] == "refused"


# --- materials, handover, closing ---------------------------------------------------------------------------


def test_materials_handover_across_national_day_and_the_claim_callback(kefu, db_path):
    policy(kefu, "P-M", line="health", start="2026-01-01", end="2026-12-31")
    cid = report(kefu, policy_no="P-M", incident="2026-09-25", received="2026-09-28T10:00").json()["id"]
    data = kefu.ok("claim", "apply", cid, "--type", "medical", "--received", "保险单正本,理赔申请书",
                   "--applicant", "林小红", "--applicant-phone", "13900002222", "--at", "2026-09-28T11:00", "--json")  # fmt: skip
    assert data["status"] == "applying"
    assert data["missing"] == ["premium_receipt", "insured_id", "beneficiary_id", "medical_records", "medical_receipts"]
    text = kefu.ok("claim", "materials", cid, "--received", "保费收据", "--at", "2026-09-29T10:00")
    assert "请告知客户补充以下 4 项: 被保险人身份证件、受益人身份证件" in text
    r = kefu("claim", "materials", cid, "--received", "死亡证明", "--at", "2026-09-29T10:05")
    assert r.code == 2 and "不在本案的材料清单中" in r.err
    r = kefu("claim", "handover", cid, "--at", "2026-09-29T10:06")
    assert r.code == 2 and "材料还不齐全" in r.err
    # complete on Wed 09-30: 3 working days → Oct 1–7 off, Thu 10-08, Fri 10-09, Sat 10-10 (make-up day)
    done = kefu.ok("claim", "materials", cid, "--received", "all", "--at", "2026-09-30T15:00", "--json")
    assert done["status"] == "complete" and done["missing"] == []
    (h,) = [d for d in done["deadlines"] if d["kind"] == "claim_handover"]
    assert (h["due"], h["status"]) == ("2026-10-10", "open")
    r = kefu("claim", "close", cid, "--result", "paid", "--at", "2026-10-09T10:00")
    assert r.code == 2 and "移交保险公司后" in r.err
    handed = kefu.ok("claim", "handover", cid, "--to", "示例人寿理赔部", "--at", "2026-10-10T16:00", "--json")
    assert handed["late"] is False and handed["status"] == "handed_over"
    r = kefu("claim", "close", cid, "--result", "declined", "--at", "2026-10-20T10:00")
    assert r.code == 2 and "拒赔必须写明原因" in r.err
    closed = kefu.ok("claim", "close", cid, "--result", "paid", "--amount", "12800", "--at", "2026-10-20T16:00", "--json")
    assert closed["status"] == "closed" and closed["paid_amount"] == 12800
    k = closed["callback"]
    assert k["due"] == "2026-10-27" and closed["callback_id"] == k["id"]  # 5 working days after Tue 10-20
    assert "结案: 2026-10-20 16:00 赔付 12,800元" in kefu.ok("claim", "show", cid)
    cb = kefu.ok("callback", "show", k["id"], "--unmask", "--json")
    assert (cb["kind"], cb["closed_date"], cb["phone"], cb["policy_no"]) == ("claim", "2026-10-20", "13900002222", "P-M")
    # voiding the claim voids its callback too
    v = kefu.ok("claim", "void", cid, "--reason", "测试数据", "--at", "2026-10-21T09:00", "--json")
    assert v["callbacks"] == [k["id"]]
    assert kefu.ok("claim", "list", "--json")["count"] == 0 and kefu.ok("claim", "list", "--all", "--json")["count"] == 1


def test_taking_an_item_back_or_adding_a_type_reopens_the_checklist(kefu):
    policy(kefu)
    cid = report(kefu).json()["id"]
    data = kefu.ok("claim", "apply", cid, "--type", "accident", "--received", "all", "--at", "2026-11-20T10:00", "--json")
    assert data["status"] == "complete"
    back = kefu.ok("claim", "materials", cid, "--remove", "事故证明", "--at", "2026-11-20T11:00", "--json")
    assert back["status"] == "applying" and back["missing"] == ["accident_proof"]
    assert [d["status"] for d in back["deadlines"] if d["kind"] == "claim_handover"] == ["not_applicable"]
    kefu.ok("claim", "materials", cid, "--received", "accident_proof", "--at", "2026-11-20T12:00")
    more = kefu.ok("claim", "apply", cid, "--type", "disability", "--at", "2026-11-23T10:00", "--json")
    assert more["claim_types"] == ["disability", "accident"] and more["missing"] == ["disability_proof"]
    r = kefu("claim", "materials", cid, "--received", "事故证明", "--at", "2026-11-23T10:30")
    assert r.code == 2 and "不需要重复登记" in r.err
    # a withdrawn claim: the open handover deadline no longer applies, no callback
    kefu.ok("claim", "materials", cid, "--received", "残疾证明", "--at", "2026-11-24T10:00")
    w = kefu.ok("claim", "close", cid, "--result", "撤案", "--at", "2026-11-25T10:00", "--json")
    assert w["callback"] is None and w["deadlines"][-1]["status"] == "not_applicable"
    r = kefu("claim", "materials", cid, "--received", "all", "--at", "2026-11-25T11:00")
    assert r.code == 2 and "已结案" in r.err


def test_steps_are_checked_against_the_previous_step(kefu):
    policy(kefu)
    cid = report(kefu).json()["id"]
    kefu.ok("claim", "apply", cid, "--type", "medical", "--at", "2026-11-23T10:00")
    r = kefu("claim", "materials", cid, "--received", "all", "--at", "2026-11-22T10:00")
    assert r.code == 2 and "早于上一次登记的步骤" in r.err
    r = report(kefu, incident="2026-11-21", received="2026-11-20T09:00")
    assert r.code == 2 and "晚于报案时间" in r.err
    r = kefu("claim", "show", "BA-19990101-0001")
    assert r.code == 2 and "kefu claim list" in r.err


def test_spring_festival_2027_handover_is_provisional_until_the_notice(kefu, clock):
    clock(dt.datetime(2027, 2, 5, 18, 0))
    policy(kefu, "P-A", line="accident", start="2026-06-01", end="2027-05-31")
    # reported the day before Spring Festival 2027 (Fri 02-05); clock hours know no calendar
    data = report(kefu, "--deaths", "3", policy_no="P-A", incident="2027-02-05T07:00", received="2027-02-05T09:30").json()
    assert data["deadlines"][0]["due_at"] == "2027-02-06T09:30:00+08:00"
    full = kefu.ok("claim", "apply", data["id"], "--type", "accident", "--type", "death", "--received", "all",
                   "--at", "2027-02-05T16:00", "--json")  # fmt: skip
    (h,) = [d for d in full["deadlines"] if d["kind"] == "claim_handover"]
    assert (h["due"], h["provisional"]) == ("2027-02-10", True)  # weekends only: Mon 8, Tue 9, Wed 10
    out = kefu.ok("claim", "show", data["id"])
    assert "[临时]" in out
    # the notice: 02-06..02-13 off → Mon 15, Tue 16, Wed 17
    kefu.ok("workday", "import", str(DATA / "calendar_2027_notice.csv"), "--complete-year", "--at", "2027-02-05T17:00")
    h = [d for d in kefu.ok("claim", "show", data["id"], "--json")["deadlines"] if d["kind"] == "claim_handover"][0]
    assert (h["due"], h["provisional"]) == ("2027-02-17", False)


# --- lists, search, JSON, verify ------------------------------------------------------------------------------


def test_list_show_and_search_in_chinese_masked(kefu, db_path):
    policy(kefu)
    cid = report(kefu, "--deaths", "2", "--place", "朝阳区", "--cause", "交通事故").json()["id"]
    out = kefu.ok("claim", "list", "--as-of", "2026-11-20")
    assert cid in out and "已报案 重大" in out and "林*远" in out and "139****1111" in out and "13900001111" not in out
    assert kefu.ok("claim", "list", "--major", "--json")["count"] == 1
    assert "重大案件上报 2026-11-21 09:00 前" in out  # a clock-hour deadline: the moment, once
    assert kefu.ok("claim", "list", "--status", "已结案", "--json")["count"] == 0
    assert "没有符合条件的理赔报案" in kefu.ok("claim", "list", "--status", "已结案")
    csv = kefu.ok("claim", "list", "--csv")
    assert csv.splitlines()[0].startswith("id,status,reported_at")
    show = kefu.ok("claim", "show", cid, "--as-of", "2026-11-20")
    for text in ("交通事故", "朝阳区", "重大案件上报", "报案登记", "林*红(配偶)"):
        assert text in show
    # search by the last 4 of the ID number, by the reporter's name, by policy; policies too
    found = kefu.ok("search", "0034", "--json")["items"]
    assert {(i["case_type"], i["id"]) for i in found} == {("claim", cid), ("policy", "P2026110001")}
    assert all(i["id_number"] == "110***********0034" for i in found)
    assert [i["id"] for i in kefu.ok("search", "林小红", "--json")["items"]] == [cid]
    text = kefu.ok("search", "P2026110001")
    assert "理赔报案" in text and "保单" in text and "保险期间内" in text
    unmasked = kefu.ok("search", "0034", "--unmask", "--json")["items"]
    assert {i["id_number"] for i in unmasked} == {ID_A}
    events = kefu.ok("claim", "show", cid, "--json")["events"]
    report_event = next(e for e in events if e["action"] == "report")
    assert report_event["details"]["insured_id"] == "110***********0034"
    assert report_event["details"]["reporter_phone"] == "139****1111"


def test_note_and_assign_are_shared_case_steps(kefu):
    policy(kefu)
    cid = report(kefu, "--deaths", "2", "--handler", "李娜", "--new-handler").json()["id"]
    kefu.ok("handler", "add", "王强", "--at", "2026-11-20T09:10")
    kefu.ok("claim", "note", cid, "客户来电询问进度", "--at", "2026-11-20T10:00")
    moved = kefu.ok("claim", "assign", cid, "--handler", "王强", "--at", "2026-11-20T10:05", "--json")
    assert moved["deadlines"] == ["major_case_report"]
    items = kefu.ok("report", "deadlines", "--as-of", "2026-11-20", "--json")["items"]
    assert items[0]["handler"] == "王强"
    assert "客户来电询问进度" in kefu.ok("claim", "show", cid)


def test_verify_names_a_forged_claim_row(kefu, db_path):
    policy(kefu)
    cid = report(kefu, "--deaths", "2").json()["id"]
    kefu.ok("claim", "escalate", cid, "--to", "总部", "--at", "2026-11-20T10:00")
    kefu.ok("claim", "apply", cid, "--type", "death", "--received", "all", "--at", "2026-11-20T11:00")
    ok = kefu.ok("db", "verify", "--json")
    assert ok["ok"] and ok["checked"]["claim"] == 1 and ok["checked"]["policy_record"] == 1
    with sqlite3.connect(db_path) as con:  # a clerk "moves" the claim onto another person and marks it handed over
        con.execute(f"UPDATE claim SET insured_id = '{ID_C}', status = 'handed_over' WHERE id = '{cid}'")  # noqa: S608
        con.execute("UPDATE policy_record SET sum_insured = 5000000")
    r = kefu("db", "verify", "--json")
    assert r.code == 1
    problems = r.json()["problems"]
    assert any(p.startswith(f"理赔报案 {cid} 的记录与其办理历史不符(") and "被保险人证件号码" in p and "状态" in p
               for p in problems)  # fmt: skip
    assert any("保单登记簿中的保单 P2026110001" in p and "保险金额" in p for p in problems)
    # a claim row inserted outside kefu
    with sqlite3.connect(db_path) as con:
        con.execute(
            "INSERT INTO claim SELECT 'BA-20261120-0999', status, reported_at, channel, policy_no, product, line, holder,"
            " insured_name, insured_id, period_start, period_end, sum_insured, incident_at, incident_place, cause,"
            " course, injury, measures, present_state, hospital, reporter_name, reporter_phone, reporter_address,"
            " reporter_relation, known_date, limitation_years, limitation_end, check_period, check_cover,"
            " check_limitation, refusal_reason, deaths, estimate, dispute, litigation, outcome_uncertain, major,"
            " major_reasons, major_at, escalated_at, escalated_to, claim_types, materials_required,"
            " materials_received, applicant_name, applicant_phone, applied_at, complete_at, handed_over_at,"
            " handed_over_to, closed_at, result, result_reason, paid_amount, callback_id, branch, handler,"
            f" registered_at, voided_at, void_reason, created_at, created_by, updated_at FROM claim WHERE id = '{cid}'"  # noqa: S608
        )
    problems = kefu("db", "verify", "--json").json()["problems"]
    assert "理赔报案 BA-20261120-0999 没有登记事件: 不是由 kefu 登记的" in problems


def test_verify_names_a_step_written_without_its_event(kefu, db_path):
    """A column only a later step sets (handover, close) is checked before that step too."""
    policy(kefu)
    cid = report(kefu).json()["id"]
    with sqlite3.connect(db_path) as con:
        con.execute(f"UPDATE claim SET handed_over_at = '2026-11-21 10:00:00.000000', handed_over_to = '保险公司',"  # noqa: S608
                    f" paid_amount = 9000 WHERE id = '{cid}'")  # fmt: skip
    r = kefu("db", "verify", "--json")
    assert r.code == 1
    assert r.json()["problems"] == [f"理赔报案 {cid} 的记录与其办理历史不符(移交时间、移交单位、赔付金额): 被直接改动过"]


def test_bad_input_is_one_sentence_and_writes_nothing(kefu, db_path):
    policy(kefu)
    cases = [
        (["--channel", "监管转办"], "--channel"),
        (["--relation", "朋友"], "--relation"),
        (["--dispute", "网络"], "--dispute"),
        (["--estimate", "很多"], "--estimate"),
        (["--deaths", "-1"], "--deaths"),
        (["--known", "2026-13-01"], "--known"),
    ]
    for extra, field in cases:
        r = report(kefu, *extra)
        assert r.code == 2 and field in r.err and "Traceback" not in r.err, (extra, r.err)
    r = kefu("claim", "report", "--incident", "上周", "--reporter", "x", "--reporter-phone", "13900001111", "--policy",
             "P2026110001")  # fmt: skip
    assert r.code == 2 and "--incident" in r.err
    r = kefu("claim", "report", "--incident", "2026-11-19", "--reporter", "x", "--reporter-phone", "123", "--policy",
             "P2026110001")  # fmt: skip
    assert r.code == 2 and "--reporter-phone" in r.err and "太短" in r.err
    r = kefu("claim", "checklist", "--type", "旅游")
    assert r.code == 2 and "--type" in r.err
    assert count(db_path) == 0
    text = kefu.ok("claim", "checklist", "--type", "身故", "--type", "意外")
    assert "事故证明" in text and "身故证明" in text and "理赔申请书" in text


def test_import_policies_fills_the_register(kefu, tmp_path, db_path):
    head = "保单号,投保人,联系电话,险种,回执签收日期,被保险人,被保险人证件号码,保险期间起,保险期间止,保额,险种类型\n"
    good = f"P-1,林志远,13811110001,终身寿险,2026-11-02,林志远,{ID_A},2026-11-02,2046-11-01,60万,人寿保险\n"
    bad = f"P-2,宋雨桐,13811110002,医疗保险,2026-11-03,宋雨桐,{ID_B[:-1]}8,2026-11-03,2027-11-02,20万,健康保险\n"
    f = tmp_path / "保单.csv"
    f.write_text(head + good + bad, encoding="utf-8-sig")
    r = kefu("import", "policies", str(f), "--at", "2026-11-16T18:00")
    assert r.code == 2 and "第 3 行" in r.err and "被保险人证件号码(G 列)" in r.err and "校验位不符" in r.err
    assert count(db_path, "policy_record") == 0  # the whole file refused
    f.write_text(head + good, encoding="utf-8-sig")
    kefu.ok("import", "policies", str(f), "--at", "2026-11-16T18:00")
    p = kefu.ok("policy-register", "show", "P-1", "--unmask", "--json")
    assert (p["insured_id"], p["period_end"], p["sum_insured"], p["line"]) == (ID_A, "2046-11-01", 600000, "life")
    # an older file without the insured's columns first, then the full one: the empty fields are filled
    old = tmp_path / "旧.csv"
    old.write_text("保单号,投保人,联系电话,险种,回执签收日期\nP-3,韦东,13811110003,意外险,2026-11-04\n", encoding="utf-8-sig")
    kefu.ok("import", "policies", str(old), "--at", "2026-11-16T18:10")
    assert kefu.ok("policy-register", "show", "P-3", "--json")["period_start"] is None
    new = tmp_path / "新.csv"
    new.write_text(head + f"P-3,韦东,13811110003,意外险,2026-11-04,韦东,{ID_C},2026-11-04,2027-11-03,30万,意外伤害保险\n",
                   encoding="utf-8-sig")  # fmt: skip
    kefu.ok("import", "policies", str(new), "--at", "2026-11-16T18:20")
    p3 = kefu.ok("policy-register", "show", "P-3", "--json")
    assert (p3["period_start"], p3["line"], p3["insured_id"]) == ("2026-11-04", "accident", "310***********0015")
    # a claim on the imported policy, by the insured's ID number
    data = report(kefu, "--id-number", ID_C, policy_no="", incident="2026-11-18", received="2026-11-20T09:00").json()
    assert data["policy_no"] == "P-3" and data["limitation_years"] == 2
    assert kefu.ok("db", "verify", "--json")["ok"]


def test_a_correction_keeps_the_old_value_and_the_reason(kefu, db_path):
    policy(kefu)
    cid = report(kefu).json()["id"]
    r = kefu("claim", "edit", cid, "--reason", "记错", "--at", "2026-11-20T10:00")
    assert r.code == 2 and "请给出要更正的项目" in r.err
    data = kefu.ok("claim", "edit", cid, "--reporter-phone", "13900002222", "--hospital", "北京朝阳医院", "--reason",
                   "报案人电话记错一位", "--at", "2026-11-20T10:00", "--json")  # fmt: skip
    assert data["reporter_phone"] == "139****2222" and data["hospital"] == "北京朝阳医院"
    show = kefu.ok("claim", "show", cid)
    assert "更正登记信息: 就诊医院、报案人电话(原因: 报案人电话记错一位)" in show and "13900002222" not in show
    assert kefu.ok("claim", "show", cid, "--unmask", "--json")["reporter_phone"] == "13900002222"
    assert kefu.ok("db", "verify", "--json")["ok"]
