"""Screens that fit: the table layout by display width (render/layout.py), --limit with how many
more there are, --overdue on every case list, and the pager (a pseudo-terminal: test_screens_pty.py
has the helpers and the daily commands at 80×24 and 120×40)."""

from __future__ import annotations

import json
import re
import sys

import pytest

from conftest import FIXED_NOW, copy_db, run_cli
from kefu_cli.render.layout import CASE_NUMBER, table_lines, text_width, wrap
from test_screens_pty import _ANSI, _RUNNER, run_in_pty

HEADERS = ["编号", "状态", "接收时间", "临时", "投诉人", "机构", "下一期限"]
ROWS = [
    [
        "TS-20261121-0007",
        "已受理(处理中)",
        "2026-11-21 09:30",
        "",
        "王*国",
        "朝阳支公司",
        "处理决定 2026-12-21(剩 14 个工作日)",
    ],
    ["HF-20261023-0001", "待回访", "2026-10-23 10:00", "", "赵*明", "丰台营业部", "回访 2026-10-30(逾期 27 个工作日)"],
    ["BA-20261119-0001", "待补充材料 重大", "2026-11-19 20:10", "", "高*华", "海淀支公司", ""],
]


def test_display_width_counts_chinese_as_two_columns():
    assert text_width("TS-1") == 4
    assert text_width("投诉") == 4
    assert text_width("已受理(处理中)") == 14  # ASCII brackets one column each
    assert text_width("（全角）") == 8


def test_wrap_keeps_case_numbers_and_words_whole():
    text = "合并到 TS-20261121-0007,原投诉 TS-20261120-0001 已结束"
    for width in (16, 18, 24, 30):
        lines = wrap(text, width)
        assert all(text_width(line) <= width for line in lines)
        assert set(CASE_NUMBER.findall("\n".join(lines))) == {"TS-20261121-0007", "TS-20261120-0001"}
    assert wrap("处理决定 2026-12-21(剩 14 个工作日)", 12) == ["处理决定", "2026-12-21", "(剩 14 个工", "作日)"]


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 200])
def test_a_table_fits_every_width_with_case_numbers_whole(width):
    lines = table_lines("投诉 3 件(截至 2026-12-01)", HEADERS, ROWS, width)
    assert all(text_width(line) <= width for line in lines), "\n".join(lines)
    assert {r[0] for r in ROWS} <= set(CASE_NUMBER.findall("\n".join(lines)))
    assert not any("临时" in line for line in lines)  # empty in every row: dropped
    assert not any("\x1b" in line for line in lines)  # no colour unless asked


def test_a_table_is_one_line_a_row_when_it_fits_and_blocks_when_it_cannot():
    wide = table_lines(None, HEADERS, ROWS, 120)
    assert len(wide) == 2 + len(ROWS)  # header, rule, one line per row
    assert wide[0].split() == [h for h in HEADERS if h != "临时"]
    narrow = table_lines(None, HEADERS, ROWS, 40)
    assert narrow[0] == "编号 TS-20261121-0007"
    assert narrow[1].startswith("  状态:") and "已受理(处理中)" in narrow[1]
    assert "编号 BA-20261119-0001" in narrow
    block = narrow[narrow.index("编号 BA-20261119-0001") :]
    assert not any(line.startswith("  下一期限") for line in block)  # an empty value has no line


def test_a_table_that_fits_only_with_one_column_between_stays_a_table():
    """The deadline report's eight columns at 80: with two spaces between columns the narrowest
    widths need 86; with one they fit, so the rows stay rows (a block would take 8 lines each)."""
    headers = ["机构", "经办人", "案件", "类型", "期限", "到期日", "状态", "剩余"]
    rows = [
        ["丰台营业部", "刘洋", "BA-20261116-0001", "理赔报案", "理赔材料移交", "2026-11-24", "已逾期", "逾期 10 个工作日"],
        ["朝阳支公司", "王强", "TS-20261020-0001", "投诉", "监管转办报告", "2026-11-10", "已逾期", "逾期 20 个工作日"],
    ]  # fmt: skip
    lines = table_lines(None, headers, rows, 80)
    assert lines[0].split() == headers  # one header line: a table, not blocks
    assert all(text_width(line) <= 80 for line in lines)
    assert [line.split()[2] for line in lines if CASE_NUMBER.search(line)] == [r[2] for r in rows]
    assert len(lines) <= 2 + 2 * len(rows)


def test_long_text_wraps_inside_its_column():
    rows = [["TS-20261121-0007", "客户反映理赔款迟迟未到账,多次致电无人回复,要求尽快处理并书面答复。" * 2, "李娜"]]
    lines = table_lines(None, ["编号", "摘要", "处理人"], rows, 60)
    assert len(lines) > 3 and all(text_width(line) <= 60 for line in lines)
    assert lines[2].startswith("TS-20261121-0007  ") and lines[2].rstrip().endswith("李娜")
    assert lines[3].startswith(" " * 18)  # the summary continues in its own column


def test_a_style_colours_its_row_only_when_colour_is_on():
    late = [None, "red", None]
    coloured = table_lines(None, HEADERS, ROWS, 120, late, color=True)
    assert [line for line in coloured if line.startswith("\x1b[31m")] == [coloured[3]]
    assert "HF-20261023-0001" in coloured[3] and "逾期" in coloured[3]
    assert not any("\x1b" in line for line in table_lines(None, HEADERS, ROWS, 120, late, color=False))


@pytest.fixture(scope="module")
def db(demo, tmp_path_factory):
    return copy_db(demo, tmp_path_factory.mktemp("screens"))


def ok(db, *args):
    code, out, err = run_cli("--db", db, *args)
    assert code == 0, err
    return (json.loads(out) if "--json" in args else out), err


@pytest.mark.parametrize(
    "command",
    [["report", "deadlines"], ["complaint", "list"], ["callback", "list"], ["claim", "list"], ["search", "2026"]],
)
def test_limit_shows_the_first_n_and_says_how_many_more(db, command):
    whole, _ = ok(db, *command, "--json")
    cut, err = ok(db, *command, "--json", "--limit", "2")
    assert len(cut["items"]) == 2 and cut["more"] == len(whole["items"]) - 2 > 0
    if command[0] != "search":  # (search takes each table's newest `limit`, policies by number)
        first = [i.get("id") or i.get("case_id") for i in whole["items"][:2]]
        assert [i.get("id") or i.get("case_id") for i in cut["items"]] == first
    assert f"还有 {cut['more']} 条未显示" in err  # JSON stays one document; the note goes to stderr
    text, _ = ok(db, *command, "--limit", "2")
    assert f"还有 {cut['more']} 条未显示" in text


def test_limit_on_csv_and_a_list_that_fits(db):
    out, err = ok(db, "complaint", "list", "--csv", "--limit", "1")
    assert len(out.strip().splitlines()) == 2 and "条未显示" in err
    data, err = ok(db, "request", "list", "--json", "--limit", "50")
    assert data["more"] == 0 and not err


def test_callback_list_overdue_lists_the_cases_with_an_overdue_deadline(db):
    report, _ = ok(db, "report", "deadlines", "--overdue", "--json")
    late = {i["case_id"] for i in report["items"] if i["case_type"] == "callback"}
    data, _ = ok(db, "callback", "list", "--overdue", "--json")
    assert late and {i["id"] for i in data["items"]} == late
    assert all(i["next_deadline"]["overdue"] for i in data["items"])
    text, _ = ok(db, "callback", "list", "--overdue")
    for case_id in late:
        assert "逾期" in next(line for line in text.splitlines() if case_id in line)
    complaints, _ = ok(db, "complaint", "list", "--overdue", "--json")
    assert {i["id"] for i in complaints["items"]} == {
        i["case_id"] for i in report["items"] if i["case_type"] == "complaint"
    }


def _pty(db, commands, columns=80, rows=24, env=None):
    argv = [sys.executable, "-c", _RUNNER, str(db), json.dumps(commands), FIXED_NOW.isoformat()]
    text = run_in_pty(argv, columns, rows, env)
    parts = re.split(r"^=== (.*)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_pager_colour_and_no_pager_on_a_terminal(db):
    commands = [["callback", "list"], ["callback", "list", "--no-pager"], ["request", "list", "--limit", "1"]]
    out = _pty(db, commands, env={"PAGER": "sed s/^/P:/"})
    paged, unpaged, short = (out[" ".join(c)] for c in commands)
    assert all(line.startswith("P:") for line in paged.strip().splitlines())  # longer than the screen: paged
    assert not any(line.startswith("P:") for line in unpaged.splitlines())
    assert "SQ-20261119-0001" in short and "P:" not in short  # fits the screen: printed as it is
    late = [line for line in unpaged.splitlines() if "逾期" in line]
    assert late and all(line.startswith("\x1b[31m") for line in late)  # red on a terminal
    plain = _pty(db, commands[1:2], env={"NO_COLOR": "1"})[" ".join(commands[1])]
    assert "逾期" in plain and "\x1b[31m" not in plain and _ANSI.sub("", plain) == _ANSI.sub("", unpaged)


def test_a_long_line_wraps_under_its_own_text():
    from kefu_cli.render.layout import hanging

    line = "      依据: 收到投诉 2026-10-20 16:45 起 15 自然日(银行业保险业消费投诉处理管理办法 第十八条),见 TS-20261020-0001"
    for width in (40, 60, 80):
        lines = hanging(line, width)
        assert all(text_width(x) <= width for x in lines), lines
        assert lines[0].startswith("      依据:") and all(x.startswith(" " * 8) for x in lines[1:])
        assert "TS-20261020-0001" in "\n".join(lines)
        assert "".join(x.strip() for x in lines).replace(" ", "") == line.replace(" ", "")
    assert hanging("短的一行", 80) == ["短的一行"]
