"""Dates and times as people type them, on the command line and in every import.

Year first, in any of the forms Chinese Excel and clerks write: 2026-10-09, 2026/10/9,
2026.10.09, 2026年10月9日, 20261009, each with a time after a space (9:30, 09:30:00, 9时30分).
An impossible date (2026-02-30) or an ambiguous one (10/9/2026, 26-10-9, 2026109) is one
sentence naming the field (and in an import the row and column) with a correct example.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kefu_cli.domain.timeutil import InputError, parse_date, parse_datetime

D = dt.datetime


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026/10/9 9:30", D(2026, 10, 9, 9, 30)),
        ("2026-10-9 9:30", D(2026, 10, 9, 9, 30)),
        ("2026年10月9日 9:30", D(2026, 10, 9, 9, 30)),
        ("2026年10月9日9时30分", D(2026, 10, 9, 9, 30)),
        ("2026.10.09 09:30:15", D(2026, 10, 9, 9, 30, 15)),
        ("2026-10-09T09:30", D(2026, 10, 9, 9, 30)),
        ("2026-10-09 09:30:00.000000", D(2026, 10, 9, 9, 30)),
        ("2026-10-09T09:30:00+08:00", D(2026, 10, 9, 9, 30)),
        ("2026-10-09T01:30:00Z", D(2026, 10, 9, 9, 30)),  # converted to China time
        ("20261009T0930", D(2026, 10, 9, 9, 30)),
        ("２０２６／１０／９　９：３０", D(2026, 10, 9, 9, 30)),  # full-width, as an IME types it
        # a bare date is 09:00, the start of the working day
        ("2026.10.09", D(2026, 10, 9, 9, 0)),
        ("2026年10月9日", D(2026, 10, 9, 9, 0)),
        ("20261009", D(2026, 10, 9, 9, 0)),
        (" 2026/10/9 ", D(2026, 10, 9, 9, 0)),
    ],
)
def test_datetime_forms(text, expected):
    assert parse_datetime(text, "受理时间") == expected


@pytest.mark.parametrize(
    "text", ["2026-10-09", "2026/10/9", "2026.10.09", "2026年10月9日", "20261009", "2026/10/9 0:00", "2026-10-09 00:00:00"]
)
def test_date_forms(text):
    assert parse_date(text, "监管报告期限") == dt.date(2026, 10, 9)


@pytest.mark.parametrize(
    "text, words",
    [
        ("2026-02-30", ["2026-02-30", "不存在", "2 月只有 28 天", "2026-11-21"]),
        ("2028-02-30 10:00", ["不存在", "2 月只有 29 天"]),
        ("2026-13-01", ["不存在", "13 月"]),
        ("2026/13/1", ["2026/13/1", "不存在", "13 月"]),
        ("2026年2月30日", ["2026年2月30日", "不存在", "2 月只有 28 天"]),
        ("2026-04-31", ["4 月只有 30 天"]),
        ("2026-10-09 25:00", ["时间", "不存在", "09:30"]),
        ("2026-10-09 09:61", ["不存在"]),
        ("10/9/2026", ["无法确定是哪一天", "年份应写在最前", "2026-11-21"]),
        ("26-10-9 9:30", ["无法确定是哪一天", "年份应写四位"]),
        ("2026109", ["无法确定是哪一天", "8 位"]),
        ("明天", ["无法识别", "2026-11-21"]),
        ("1999-12-31", ["超出可用范围"]),
    ],
)
def test_impossible_and_ambiguous_dates_are_one_sentence_with_an_example(text, words):
    with pytest.raises(InputError) as err:
        parse_datetime(text, "受理时间")
    message = str(err.value)
    assert message.startswith("受理时间") and "\n" not in message
    for w in words:
        assert w in message, (w, message)


def test_a_date_field_refuses_a_time():
    with pytest.raises(InputError) as err:
        parse_date("2026-10-09 09:30", "--due")
    assert "不含时间" in str(err.value) and "2026-11-21" in str(err.value)


# --- on the command line -----------------------------------------------------------------------
ADD = ["complaint", "add", "--channel", "电话", "--category", "理赔", "--name", "王建国", "--phone", "13812345678"]


@pytest.mark.parametrize("text", ["2026/10/9 9:30", "2026-10-9 9:30", "2026年10月9日 9:30", "2026-10-09T09:30"])
def test_the_command_line_takes_the_same_forms(kefu, text):
    out = kefu.ok(*ADD, "--received", text, "--at", "2026年10月9日 10:00", "--json")
    assert out["received_at"] == "2026-10-09T09:30:00+08:00"


def test_a_bad_date_on_the_command_line_changes_nothing(kefu):
    r = kefu(*ADD, "--received", "2026-02-30 09:00")
    assert r.code == 2 and "Traceback" not in r.err
    assert "--received" in r.err and "2026-02-30" in r.err and "不存在" in r.err and "2026-11-21" in r.err
    assert kefu.ok("complaint", "list", "--json")["count"] == 0
    r = kefu("workday", "add", "2026.10.09", "3", "--json")
    assert r.code == 0 and r.json()["due"] == "2026-10-13"  # 10-10 is a make-up Saturday


# --- in an import ------------------------------------------------------------------------------
HEADER = "受理时间,受理方式,投诉类别,投诉人,联系电话,保单号,监管转办编号,监管报告期限"


def csv_file(tmp_path, rows, name="c.csv"):
    f = tmp_path / name
    f.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8-sig"))
    return f


def test_every_form_in_a_csv_import(kefu, tmp_path):
    forms = ["2026/10/9 9:30", "2026-10-9 9:31", "2026年10月9日 9:32", "2026.10.09", "20261009 9:34"]
    rows = [f"{when},电话,理赔,客户{i},1381234560{i},P{i},," for i, when in enumerate(forms)]
    rows.append("2026/10/9 9:35,监管转办,服务,客户9,13812345609,P9,京金转〔2026〕9号,2026年10月30日")
    out = kefu.ok("import", "complaints", str(csv_file(tmp_path, rows)), "--at", "2026-10-09 18:00", "--json")
    assert out["created"] == 6
    listed = {i["policy_no"]: i for i in kefu.ok("complaint", "list", "--json")["items"]}
    assert [listed[f"P{i}"]["received_at"][11:16] for i in range(5)] == ["09:30", "09:31", "09:32", "09:00", "09:34"]
    assert listed["P9"]["regulator_due"] == "2026-10-30"


def test_an_impossible_date_in_an_import_names_row_and_column(kefu, tmp_path):
    rows = ["2026/10/9 9:30,电话,理赔,客户1,13812345601,P1,,", "2026-02-30 9:30,电话,理赔,客户2,13812345602,P2,,"]
    r = kefu("import", "complaints", str(csv_file(tmp_path, rows)))
    assert r.code == 2 and "Traceback" not in r.err
    assert "第 3 行" in r.err and "受理时间(A 列)" in r.err and "不存在" in r.err and "2026-11-21" in r.err
    assert kefu.ok("complaint", "list", "--json")["count"] == 0
    rows = ["10/9/2026 9:30,电话,理赔,客户1,13812345601,P1,,"]
    r = kefu("import", "complaints", str(csv_file(tmp_path, rows)))
    assert r.code == 2 and "第 2 行" in r.err and "年份应写在最前" in r.err


def test_policy_receipt_dates_as_typed(kefu, tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("保单号,投保人,联系电话,回执签收日期\r\nP1,王,13812345678,2026年11月2日\r\nP2,李,13812345679,2026/11/2\r\n",
                 encoding="utf-8")  # fmt: skip
    out = kefu.ok("import", "policies", str(f), "--at", "2026-11-20T18:00", "--json")
    assert out["created"] == 2
    dues = {i["policy_no"]: i["due"] for i in kefu.ok("callback", "list", "--json")["items"]}
    assert dues == {"P1": "2026-11-17", "P2": "2026-11-17"}
