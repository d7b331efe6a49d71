"""The regulator's coding and quarter (issue 22 item 7; RULES.md §6): `complaint add|edit --dispute
--line`, the columns 纠纷类型 / 险种, and `kefu report regulator`, with hand-computed ratios.

The 2026Q3 complaints of `coded` (received 07-01 00:00 .. 09-30 23:59 China time):
  1. 07-01 00:00 phone      理赔纠纷 医疗保险        (the first moment of the quarter)
  2. 08-10 09:00 监管转办   claims   medical
  3. 09-15 10:00 online     surrender annuity (English codes)
  4. 09-20 11:00 phone      (uncoded: 未分类)
  5. 09-30 23:30 监管转办   销售     分红
outside it: 06-30 23:59 (Q2), 10-01 00:10 (Q4), and a Q3 complaint voided (registered by mistake).
So 5 complaints in all, 2 transferred by the regulator.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kefu_cli.domain import regulator as rg
from kefu_cli.domain.errors import InputError
from kefu_cli.services import clock

PHONES = iter(range(13800000001, 13800009999))


def _add(kefu, received: str, channel: str = "电话", *extra: str) -> str:
    args = ["complaint", "add", "--received", received, "--channel", channel, "--category", "理赔",
            "--name", "王小明", "--phone", str(next(PHONES)), "--json", *extra]  # fmt: skip
    if channel in ("监管转办", "regulator"):
        args += ["--regulator-ref", f"京金转〔2026〕{next(PHONES) % 1000}号"]
    return kefu.ok(*args)["id"]


@pytest.fixture
def coded(kefu):
    ids = [
        _add(kefu, "2026-07-01T00:00", "电话", "--dispute", "理赔纠纷", "--line", "医疗保险"),
        _add(kefu, "2026-08-10T09:00", "监管转办", "--dispute", "claims", "--line", "medical"),
        _add(kefu, "2026-09-15T10:00", "online", "--dispute", "surrender", "--line", "annuity"),
        _add(kefu, "2026-09-20T11:00", "电话"),
        _add(kefu, "2026-09-30T23:30", "监管转办", "--dispute", "销售", "--line", "分红"),
    ]
    _add(kefu, "2026-06-30T23:59", "监管转办", "--dispute", "sales", "--line", "life")
    _add(kefu, "2026-10-01T00:10", "监管转办", "--dispute", "sales", "--line", "life")
    wrong = _add(kefu, "2026-09-01T09:00", "监管转办", "--dispute", "sales", "--line", "life")
    kefu.ok("complaint", "void", wrong, "--reason", "重复登记", "--at", "2026-09-01T09:10")
    return ids


REPORT = ("report", "regulator", "--quarter", "2026Q3")


def _rows(report: dict, key: str) -> dict[str, tuple[int, int]]:
    return {r["label"]: (r["all"], r["regulator"]) for r in report[key]}


def test_ratios_against_hand_computed_figures(kefu, coded):
    r = kefu.ok(*REPORT, "--company-type", "寿险", "--premium", "6亿", "--policies", "40000", "--insured", "50000",
                "--json")  # fmt: skip
    assert r["quarter"] == "2026Q3" and (r["from"], r["to"]) == ("2026-07-01", "2026-09-30")
    assert r["complaints"] == {"all": 5, "regulator": 2, "major": 0}
    # premium 6亿 = 6 亿元; 40000 张 = 4 万张; 50000 人次 = 5 万人次
    # (a) all 5:        5 ÷ 6 = 0.8333 → 0.83;  5 ÷ 4 = 1.25;  5 ÷ 5 = 1.00
    # (b) regulator 2:  2 ÷ 6 = 0.3333 → 0.33;  2 ÷ 4 = 0.50;  2 ÷ 5 = 0.40
    assert r["ratios"] == {
        "all": {"per_100m_premium": 0.83, "per_10k_policies": 1.25, "per_10k_insured": 1.0},
        "regulator": {"per_100m_premium": 0.33, "per_10k_policies": 0.5, "per_10k_insured": 0.4},
    }
    assert r["denominators"] == {"premium": "6亿", "premium_100m_yuan": 6.0, "policies": "40000",
                                 "policies_10k": 4.0, "insured": "50000", "insured_10k": 5.0}  # fmt: skip
    # the latest life medians on file (RULES.md §6): 2023Q1 1.00 / 0.19 / 0.09
    m = r["medians"]
    assert (m["quarter"], m["per_100m_premium"], m["per_10k_policies"], m["per_10k_insured"]) == (
        "2023Q1",
        1.0,
        0.19,
        0.09,
    )
    assert _rows(r, "by_dispute") == {"销售纠纷": (1, 1), "理赔纠纷": (2, 1), "退保纠纷": (1, 0), "承保纠纷": (0, 0),
                                      "保全纠纷": (0, 0), "续期续保纠纷": (0, 0), "其他": (0, 0), "未分类": (1, 0)}  # fmt: skip
    assert _rows(r, "by_line") == {"普通人寿保险": (0, 0), "疾病保险": (0, 0), "医疗保险": (2, 1), "意外伤害保险": (0, 0),
                                   "年金保险": (1, 0), "分红型": (1, 1), "万能型": (0, 0), "投资连结": (0, 0),
                                   "其他": (0, 0), "未分类": (1, 0)}  # fmt: skip


def test_half_up_and_the_premium_in_wan_and_yuan(kefu, coded):
    # 80000万 = 8 亿元: 5 ÷ 8 = 0.625 → 0.63 (half up), 2 ÷ 8 = 0.25; 4万 = 4 万张: 1.25 and 0.50
    for premium in ("80000万", "800000000", "8亿"):
        r = kefu.ok(*REPORT, "--company-type", "property", "--premium", premium, "--policies", "4万", "--json")
        assert r["ratios"]["all"] == {"per_100m_premium": 0.63, "per_10k_policies": 1.25, "per_10k_insured": None}
        assert r["ratios"]["regulator"]["per_100m_premium"] == 0.25
        assert r["denominators"]["premium"] == premium and r["denominators"]["premium_100m_yuan"] == 8.0
    # property: its own lines, then 其他 and 未分类; the life lines coded on these complaints still show
    assert list(_rows(r, "by_line"))[:3] == ["机动车辆保险", "保证保险", "财产险其他"]
    assert _rows(r, "by_line")["医疗保险"] == (2, 1) and "万能型" not in _rows(r, "by_line")
    assert r["medians"]["quarter"] == "2023Q1" and r["medians"]["per_100m_premium"] == 3.66


def test_text_report_prints_the_denominators_as_given_and_the_medians_quarter(kefu, coded):
    out = kefu.ok(*REPORT, "--company-type", "life", "--premium", "6.5亿", "--policies", "40000")
    assert "6.5亿" in out and "40000" in out and "未给出" in out
    assert "行业中位数(2023Q1)" in out and "(a) 全部投诉" in out and "(b) 监管转办" in out
    # 5 ÷ 6.5 = 0.769 → 0.77; 2 ÷ 6.5 = 0.3077 → 0.31
    assert "0.77" in out and "0.31" in out


def test_a_quarter_spanning_the_year_end(kefu):
    clock.set_now(dt.datetime(2027, 1, 2, 10, 0))
    _add(kefu, "2026-12-31T23:30", "监管转办", "--dispute", "理赔", "--line", "车险")
    _add(kefu, "2027-01-01T00:10", "电话", "--dispute", "理赔", "--line", "车险")
    q4 = kefu.ok("report", "regulator", "--quarter", "2026Q4", "--company-type", "财险", "--premium", "1亿",
                 "--policies", "10000", "--json")  # fmt: skip
    assert q4["complaints"] == {"all": 1, "regulator": 1, "major": 0} and q4["to"] == "2026-12-31"
    assert _rows(q4, "by_line")["机动车辆保险"] == (1, 1)
    q1 = kefu.ok("report", "regulator", "--quarter", "2027q1", "--company-type", "财险", "--premium", "1亿",
                 "--policies", "10000", "--json")  # fmt: skip
    assert q1["quarter"] == "2027Q1" and q1["complaints"] == {"all": 1, "regulator": 0, "major": 0}


def test_codes_chinese_and_english_on_add_and_edit(kefu):
    cid = _add(kefu, "2026-11-30T09:00", "电话", "--dispute", "续保", "--line", "投连险")
    shown = kefu.ok("complaint", "show", cid, "--json")
    assert (shown["dispute"], shown["product_line"]) == ("renewal", "unit_linked")
    out = kefu.ok("complaint", "edit", cid, "--dispute", "servicing", "--line", "意外伤害保险", "--reason", "录错")
    assert "纠纷类型: 续期续保纠纷 → 保全纠纷" in out and "险种: 投资连结 → 意外伤害保险" in out
    shown = kefu.ok("complaint", "show", cid, "--json")
    assert (shown["dispute"], shown["product_line"]) == ("servicing", "accident")
    [edit] = [e for e in shown["events"] if e["action"] == "edit"]
    assert edit["details"]["after"] == {"dispute": "servicing", "product_line": "accident"}
    assert "纠纷类型: 保全纠纷  险种: 意外伤害保险" in kefu.ok("complaint", "show", cid)
    assert kefu("db", "verify").code == 0


def test_db_verify_finds_a_coding_written_without_its_event(kefu, db_path):
    import sqlite3

    cid = _add(kefu, "2026-11-30T09:00", "电话", "--dispute", "claims", "--line", "medical")
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE complaint SET dispute = 'sales' WHERE id = ?", (cid,))
    r = kefu("db", "verify")
    assert r.code != 0 and "纠纷类型" in r.out + r.err


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [("--dispute", "吵架", "--dispute 纠纷类型 的值 '吵架' 无效"), ("--line", "carx", "--line 险种 的值 'carx' 无效")],
)
def test_bad_codes_exit_2_and_change_nothing(kefu, option, value, said):
    r = kefu("complaint", "add", "--channel", "电话", "--category", "理赔", "--name", "王小明", "--phone",
             "13812345678", option, value)  # fmt: skip
    assert r.code == 2 and said in r.err
    assert kefu.ok("complaint", "list", "--json")["count"] == 0
    cid = _add(kefu, "2026-11-30T09:00")
    r = kefu("complaint", "edit", cid, option, value, "--reason", "录错")
    assert r.code == 2 and said in r.err
    assert "edit" not in [e["action"] for e in kefu.ok("complaint", "show", cid, "--json")["events"]]


def test_export_and_import_carry_the_coding(kefu, tmp_path, coded):
    dest = tmp_path / "投诉.csv"
    kefu.ok("export", "complaints", dest, "--unmask")
    text = dest.read_text(encoding="utf-8-sig")
    header, *lines = text.splitlines()
    assert "纠纷类型" in header.split(",") and "险种" in header.split(",")
    [first] = [line for line in lines if line.startswith(coded[0])]
    assert "理赔纠纷,医疗保险" in first
    from conftest import Kefu, init_db

    k2 = Kefu(init_db(str(tmp_path / "other.sqlite")))
    k2.ok("import", "complaints", dest)
    got = {(i["received_at"][:16], i.get("dispute"), i.get("product_line"))
           for i in k2.ok("complaint", "list", "--json", "--all")["items"]}  # fmt: skip
    assert ("2026-07-01T00:00", "claims", "medical") in got and ("2026-09-20T11:00", None, None) in got


def test_xlsx_output_has_numeric_cells(kefu, tmp_path, coded):
    from openpyxl import load_workbook

    dest = tmp_path / "监管口径.xlsx"
    kefu.ok(*REPORT, "--company-type", "life", "--premium", "6亿", "--policies", "40000", "--insured", "50000",
            "-o", dest)  # fmt: skip
    wb = load_workbook(dest)
    rows = {(r[0], r[1]): r[2:] for r in wb.worksheets[0].iter_rows(values_only=True)}
    assert rows[("投诉件数", "合计")][:2] == (5, 2)
    assert rows[("比率", "亿元保费投诉量(件/亿元)")] == (0.83, 0.33, 1.0)
    assert rows[("比率", "万张保单投诉量(件/万张)")] == (1.25, 0.5, 0.19)
    assert rows[("比率", "万人次投诉量(件/万人次)")] == (1.0, 0.4, 0.09)
    assert rows[("纠纷类型", "理赔纠纷")][:2] == (2, 1)
    assert all(isinstance(v, int | float) for v in rows[("比率", "亿元保费投诉量(件/亿元)")])
    notes = dict(wb["说明"].iter_rows(values_only=True))
    assert notes["保费收入"].startswith("6亿") and notes["行业中位数"].startswith("2023Q1")


def test_medians_file_replaces_the_shipped_one(kefu, tmp_path, coded):
    f = tmp_path / "中位数.csv"
    f.write_text(
        "# 某季度通报\nquarter,company_type,per_100m_premium,per_10k_policies,per_10k_insured,source\n"
        "2026Q2,寿险,0.80,0.30,0.10,2026Q2 通报\n2026Q4,life,9,9,9,later\n2026Q2,property,5.00,0.50,,财险\n",
        encoding="utf-8",
    )
    r = kefu.ok(*REPORT, "--company-type", "life", "--premium", "6亿", "--policies", "40000", "--medians", f, "--json")
    m = r["medians"]  # the latest not after 2026Q3: 2026Q2, not the later 2026Q4
    assert (m["quarter"], m["per_100m_premium"], m["per_10k_policies"], m["per_10k_insured"]) == (
        "2026Q2",
        0.8,
        0.3,
        0.1,
    )
    assert m["source"] == "2026Q2 通报" and m["file"] == str(f)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            "quarter,company_type,per_100m_premium,per_10k_policies\n2026Q2,life,0.8,0.3\n2026Q3,life,一点,0.3\n",
            "第 3 行 per_100m_premium 列",
        ),
        ("quarter,company_type,per_100m_premium,per_10k_policies\n2026Q2,bank,0.8,0.3\n", "第 2 行 company_type 列"),
        ("quarter,company_type,per_100m_premium,per_10k_policies\n2026-06,life,0.8,0.3\n", "第 2 行 quarter 列"),
        ("# note\nquarter,company_type,per_100m_premium\n", "第 2 行(表头)缺少列: per_10k_policies"),
    ],
)
def test_a_bad_medians_file_exits_2_naming_row_and_column(kefu, tmp_path, content, said):
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    r = kefu(*REPORT, "--company-type", "life", "--premium", "6亿", "--policies", "40000", "--medians", f)
    assert r.code == 2 and said in r.err, r.err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--quarter", "2026Q5"), "YYYYQn"),
        (("--quarter", "2026-09"), "YYYYQn"),
        (("--company-type", "银行"), "--company-type"),
        (("--premium", "六亿"), "例如 --premium 6亿"),
        (("--premium", "0"), "例如 --premium 6亿"),
        (("--policies", "-5"), "--policies"),
        (("--company-type", "property", "--insured", "5000"), "只用于寿险"),
    ],
)
def test_bad_report_input_exits_2(kefu, args, said):
    given = dict(zip(args[::2], args[1::2], strict=True))
    base = {"--quarter": "2026Q3", "--company-type": "life", "--premium": "6亿", "--policies": "40000", **given}
    r = kefu("report", "regulator", *[x for kv in base.items() for x in kv])
    assert r.code == 2 and said in r.err, r.err


def test_domain_arithmetic():
    assert [rg.parse_premium(t) for t in ("6亿", "6.5亿", "60000万", "600000000", "600,000,000元")] == [
        Decimal(6), Decimal("6.5"), Decimal(6), Decimal(6), Decimal(6)]  # fmt: skip
    for bad in ("", "6千", "亿", "-1亿", "nan"):
        with pytest.raises(InputError):
            rg.parse_premium(bad)
    assert rg.parse_count("40000", "--policies", "保单件数", "40000") == Decimal(4)
    assert rg.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert rg.ratio(5, Decimal(8)) == Decimal("0.63") and rg.ratio(1, Decimal(3)) == Decimal("0.33")
    assert rg.ratio(1, None) is None


def test_completion_offers_the_codes():
    from test_completion import complete

    assert set(complete("kefu complaint add --dispute ")) >= {"claims", "理赔纠纷", "renewal", "续期续保纠纷"}
    assert complete("kefu complaint edit TS-1 --line 投") == ["投资连结"]
    assert set(complete("kefu report regulator --company-type ")) >= {"life", "寿险", "property", "财险"}
