"""Hostile input, generated: every command and every CSV column gets arbitrary text (control
characters, escape sequences, huge and odd numbers, very long strings, dates out of range).

The contract checked for each run: exit 0 or 2 only, never a traceback; a refused command (exit
2) changes nothing in the database; a run that succeeds leaves a database `db verify` accepts.
The number of inputs tried is printed (pytest -s) so the closing note can quote it.
"""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import init_db
from kefu_cli.cli.app import app

TRIED = {"commands": 0, "csv": 0}

# Text a clerk, a script or an attacker might type: any unicode, control characters and escape
# sequences, digits of other scripts, very long runs, numbers far out of range, odd dates.
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x9F), max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "王\x00五",
            "\x1b[31m红\x1b[0m",
            "\x1b]0;title\x07",
            "\r\n",
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "１３８１２３４５６７８",
            "¹³⁸¹²³⁴⁵⁶⁷⁸",
            "١٣٨١٢٣٤٥٦٧٨",
            "99999999999999999999",
            "-99999999999999999999",
            "1e309",
            "NaN",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "2026-13-01",
            "2026-11-21T25:00",
            "2026/10/9 9:30",
            "x" * 5000,
            "名" * 200,
            "TS-20261121-0001'; DROP TABLE complaint; --",
        ]
    ),
)

# Commands with one slot ({}) for the hostile value; the other arguments are valid.
COMMANDS = [
    ["complaint", "add", "--received", "{}", "--channel", "电话", "--category", "理赔", "--name", "王", "--phone",
     "13812345678"],
    ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "{}", "--category", "理赔", "--name", "王",
     "--phone", "13812345678"],
    ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "电话", "--category", "{}", "--name", "王",
     "--phone", "13812345678"],
    ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "电话", "--category", "理赔", "--name", "{}",
     "--phone", "13812345678"],
    ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "电话", "--category", "理赔", "--name", "王",
     "--phone", "{}"],
    ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "电话", "--category", "理赔", "--name", "王",
     "--phone", "13812345678", "--summary", "{}"],
    ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "电话", "--category", "理赔", "--name", "王",
     "--phone", "13812345678", "--relation", "{}"],
    ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "电话", "--category", "理赔", "--name", "王",
     "--phone", "13812345678", "--clerk", "{}"],
    ["complaint", "accept", "{}"],
    ["complaint", "accept", "TS-20261120-0001", "--at", "{}"],
    ["complaint", "reject", "TS-20261120-0001", "--reason", "{}"],
    ["complaint", "reject", "TS-20261120-0001", "--reason", "not_company", "--note", "{}"],
    ["complaint", "transfer", "TS-20261120-0001", "--to", "{}"],
    ["complaint", "extend", "TS-20261120-0001", "--level", "{}"],
    ["complaint", "pause", "TS-20261120-0001", "--reason", "{}"],
    ["complaint", "decide", "TS-20261120-0001", "--result", "{}"],
    ["complaint", "merge", "TS-20261120-0001", "--into", "{}"],
    ["complaint", "show", "{}"],
    ["complaint", "list", "--status", "{}"],
    ["complaint", "list", "--limit", "{}"],
    ["complaint", "list", "--from", "{}"],
    ["callback", "add", "--kind", "{}", "--name", "林", "--phone", "13811110001", "--due", "2026-12-20"],
    ["callback", "add", "--kind", "other", "--name", "{}", "--phone", "13811110001", "--due", "2026-12-20"],
    ["callback", "add", "--kind", "other", "--name", "林", "--phone", "{}", "--due", "2026-12-20"],
    ["callback", "add", "--kind", "other", "--name", "林", "--phone", "13811110001", "--due", "{}"],
    ["callback", "add", "--kind", "new_policy", "--name", "林", "--phone", "13811110001", "--receipt-date",
     "2026-11-20", "--cooling-off", "{}"],
    ["callback", "add", "--kind", "claim", "--name", "林", "--phone", "13811110001", "--closed-date", "{}"],
    ["callback", "attempt", "HF-20261120-0001", "--method", "{}", "--result", "success"],
    ["callback", "attempt", "HF-20261120-0001", "--method", "phone", "--result", "{}", "--recording", "R"],
    ["callback", "attempt", "HF-20261120-0001", "--method", "phone", "--result", "success", "--recording", "{}"],
    ["callback", "attempt", "HF-20261120-0001", "--method", "electronic", "--result", "success", "--note", "{}"],
    ["callback", "list", "--status", "{}"],
    ["report", "deadlines", "--as-of", "{}"],
    ["report", "deadlines", "--within", "{}"],
    ["report", "deadlines", "--kind", "{}"],
    ["report", "deadlines", "--status", "{}"],
    ["report", "deadlines", "--branch", "{}"],
    ["report", "stats", "--from", "{}"],
    ["report", "stats", "--to", "{}"],
    ["workday", "add", "{}", "10"],
    ["workday", "add", "2026-09-18", "{}"],
    ["workday", "count", "{}", "2026-10-09"],
    ["workday", "check", "{}"],
    ["policy", "set", "{}", "10"],
    ["policy", "set", "complaint.acceptance", "{}"],
    ["policy", "set", "complaint.decision", "15", "--unit", "{}"],
]  # fmt: skip


def fingerprint(db: str) -> str:
    """Everything a command could change, as one hash."""
    h = hashlib.sha256()
    with sqlite3.connect(db) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(row).encode())
    return h.hexdigest()


def invoke(db: str, args: list[str]):
    r = CliRunner().invoke(app, ["--db", db, *args])
    return r


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A database with one open complaint and one open callback for the slots to act on."""
    db = init_db(str(tmp_path_factory.mktemp("fuzz") / "kefu.sqlite"))
    for args in (
        ["complaint", "add", "--received", "2026-11-20T09:00", "--channel", "电话", "--category", "理赔",
         "--name", "王建国", "--phone", "13812345678", "--at", "2026-11-20T09:05"],
        ["callback", "add", "--kind", "other", "--name", "林志远", "--phone", "13811110001", "--due", "2026-12-20",
         "--at", "2026-11-20T10:00"],
    ):  # fmt: skip
        r = invoke(db, args)
        assert r.exit_code == 0, r.stderr
    return db


def check(db: str, args: list[str]) -> None:
    before = fingerprint(db)
    r = invoke(db, args)
    shown = " ".join(repr(a) if len(a) < 80 else repr(a[:80]) + "…" for a in args)
    assert r.exception is None or isinstance(r.exception, SystemExit), f"kefu {shown}: {r.exception!r}"
    assert r.exit_code in (0, 2), f"kefu {shown} exited {r.exit_code}: {r.stderr}"
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    if r.exit_code == 2:
        assert fingerprint(db) == before, f"kefu {shown} was refused but changed the database"
        assert r.stderr.strip(), f"kefu {shown} refused without a message"
        assert "\x1b" not in r.stderr and "\x00" not in r.stderr


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,  # the same inputs every CI run: a failure is reproducible, never a flaky landing
)
@given(template=st.sampled_from(COMMANDS), value=HOSTILE)
def test_every_command_takes_hostile_values(base, template, value):
    args = [value if a == "{}" else a for a in template]
    TRIED["commands"] += 1
    check(base, args)


CSV_HEADER = ["受理时间", "受理方式", "投诉类别", "投诉人", "联系电话", "与消费者关系", "保单号", "投诉内容", "机构",
              "经办人", "材料齐全", "监管转办编号", "监管报告期限"]  # fmt: skip
CSV_ROW = ["2026-11-18 08:50", "电话", "销售", "许家豪", "15900008888", "本人", "P2026090909", "未告知犹豫期",
           "朝阳支公司", "王强", "是", "", ""]  # fmt: skip
POLICY_HEADER = ["保单号", "投保人", "联系电话", "险种", "回执签收日期", "犹豫期天数", "机构", "经办人"]
POLICY_ROW = ["P2026110001", "林志远", "13811110001", "终身寿险", "2026-11-02", "15", "朝阳支公司", "李娜"]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,  # the same inputs every CI run: a failure is reproducible, never a flaky landing
)
@given(
    which=st.sampled_from(["complaints", "policies"]),
    column=st.integers(min_value=0, max_value=12),
    value=HOSTILE,
    encoding=st.sampled_from(["utf-8-sig", "gb18030", "utf-8"]),
)
def test_every_csv_column_takes_hostile_values(base, tmp_path_factory, which, column, value, encoding):
    header, row = (CSV_HEADER, CSV_ROW) if which == "complaints" else (POLICY_HEADER, POLICY_ROW)
    row = list(row)
    row[column % len(row)] = value
    path = Path(tmp_path_factory.mktemp("csv")) / "in.csv"
    try:
        with open(path, "w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows([header, row])
    except UnicodeEncodeError:  # not representable in GB18030: a file Excel could not have written
        return
    TRIED["csv"] += 1
    check(base, ["import", which, str(path), "--at", "2026-11-21T10:00"])


NASTY = ["¹⁵", "١٥", "\x00", "\x1b]0;x\x07", "=1+1", "99999999999999999999", "2026-02-30", "x" * 3000]


@pytest.mark.parametrize("which", ["complaints", "policies"])
def test_every_csv_column_with_each_nasty_value(base, tmp_path, which):
    """Deterministic complement to the generated runs: every column × a fixed list of values."""
    header, good = (CSV_HEADER, CSV_ROW) if which == "complaints" else (POLICY_HEADER, POLICY_ROW)
    n = 0
    for column in range(len(header)):
        for value in NASTY:
            row = list(good)
            row[column] = value
            path = tmp_path / f"{which}-{column}-{n}.csv"
            with open(path, "w", encoding="utf-8-sig", newline="") as f:
                csv.writer(f).writerows([header, row])
            check(base, ["import", which, str(path), "--at", "2026-11-21T10:00"])
            n += 1
    TRIED["csv"] += n


def test_a_fuzzed_database_still_verifies(base):
    """Whatever the generated runs did, the database they leave holds together (run after them)."""
    r = invoke(base, ["db", "verify", "--json"])
    assert r.exit_code == 0, r.stdout
    print(f"\nfuzz: {TRIED['commands']} command inputs, {TRIED['csv']} CSV files tried")

