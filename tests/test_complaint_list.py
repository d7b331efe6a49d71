"""`kefu complaint add` duplicate hint, and `kefu complaint list` filters and outputs."""

from __future__ import annotations

import csv
import io

import pytest


def add(kefu, received, phone, category="claims", *extra):
    return kefu.ok(
        "complaint", "add", "--received", received, "--channel", "phone", "--category", category,
        "--name", "李雷", "--phone", phone, *extra, "--json",
    )  # fmt: skip


def test_duplicate_hint_on_add(kefu):
    first = add(kefu, "2026-09-21T09:00", "13812345678", "claims", "--policy", "P-1")["id"]
    # Same phone + same category → hint; JSON lists the earlier number; stderr names it.
    r = kefu("complaint", "add", "--received", "2026-09-22T09:00", "--channel", "phone", "--category", "理赔",
             "--name", "李雷", "--phone", "13812345678", "--json")  # fmt: skip
    assert r.code == 0
    assert r.json()["duplicates"] == [first]
    assert first in r.err and "重复" in r.err
    # Same policy, other phone and category → hint.
    assert add(kefu, "2026-09-22T10:00", "13000000000", "service", "--policy", "P-1")["duplicates"] == [first]
    # Same phone, other category, no policy → no hint.
    r = kefu("complaint", "add", "--received", "2026-09-22T11:00", "--channel", "phone", "--category", "sales",
             "--name", "李雷", "--phone", "13812345679")  # fmt: skip
    assert r.code == 0 and "提示" not in r.err
    # A withdrawn complaint no longer counts.
    kefu.ok("complaint", "withdraw", first, "--at", "2026-09-23T09:00")
    assert add(kefu, "2026-09-24T09:00", "13999999999", "other", "--policy", "P-1")["duplicates"] == [
        "TS-20260922-0002"
    ]


def test_list_filters_json_csv_and_masking(kefu):
    a = add(kefu, "2026-09-21T09:00", "13800000001", "claims", "--branch", "朝阳", "--handler", "甲")["id"]
    b = add(kefu, "2026-09-28T09:00", "13800000002", "service", "--branch", "海淀", "--handler", "乙")["id"]
    c = kefu.ok("complaint", "add", "--received", "2026-10-09T09:00", "--channel", "在线", "--category", "产品",
                "--name", "韩梅梅", "--phone", "13800000003", "--branch", "朝阳", "--incomplete", "--json")["id"]  # fmt: skip
    kefu.ok("complaint", "accept", a, "--at", "2026-09-22T09:00")

    def ids(*args):
        return [i["id"] for i in kefu.ok("complaint", "list", *args, "--json")["items"]]

    assert ids() == [a, b, c]
    assert ids("--status", "accepted") == [a]
    assert ids("--status", "待补充材料") == [c]
    assert ids("--branch", "朝阳") == [a, c]
    assert ids("--handler", "乙") == [b]
    assert ids("--category", "服务") == [b]
    assert ids("--channel", "online") == [c]
    assert ids("--from", "2026-09-28", "--to", "2026-10-08") == [b]
    # Overdue = an open deadline whose due day is before --as-of.
    # As of Mon 09-28: a's initial investigation (due 09-22 09:00) was met by the acceptance at
    # exactly 09:00; its decision runs to 10-08 (15 日 from receipt 09-21, rolled off National Day). b's investigation is due 09-29. Nothing overdue.
    assert ids("--overdue", "--as-of", "2026-09-28") == []
    # As of Wed 09-30: b's 24-hour initial investigation (due 09-29 09:00) was never started.
    assert ids("--overdue", "--as-of", "2026-09-30") == [b]
    # As of Tue 10-20: a's decision (due 10-08) is overdue; b and c still
    # have their initial investigations open.
    assert ids("--overdue", "--as-of", "2026-10-20") == [a, b, c]

    data = kefu.ok("complaint", "list", "--as-of", "2026-10-13", "--json")
    first = data["items"][0]
    assert first["phone"] == "138****0001"
    # Overdue by the working days in (10-08, 10-13]: 10-09, Sat 10-10 (make-up), 10-12, 10-13 = 4.
    assert first["next_deadline"] == {
        "kind": "decision",
        "due": "2026-10-08",
        "due_at": "2026-10-08T23:59:59+08:00",
        "provisional": False,
        "paused": False,
        "overdue": True,
        "working_days_left": -4,
        "left_provisional": False,
    }
    assert kefu.ok("complaint", "list", "--json", "--unmask")["items"][0]["phone"] == "13800000001"

    out = kefu.ok("complaint", "list", "--csv", "--as-of", "2026-10-13")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in table] == [a, b, c]
    # b: the earliest open deadline is its never-started 24-hour investigation (due 09-29).
    assert table[1]["next_kind"] == "initial_investigation" and table[1]["next_due"] == "2026-09-29"
    # Overdue by the working days in (09-29, 10-13]: 09-30, 10-08, 10-09, Sat 10-10, 10-12, 10-13 = 6.
    assert table[1]["working_days_left"] == "-6"
    assert table[1]["phone"] == "138****0002"

    human = kefu.ok("complaint", "list", "--as-of", "2026-10-13")
    assert a in human and "已受理" in human and "138****0001" in human and "13800000001" not in human

    r = kefu("complaint", "list", "--status", "lost")
    assert r.code == 2 and "--status" in r.err and "accepted" in r.err


@pytest.mark.parametrize(
    "command",
    [("complaint", "list"), ("claim", "list"), ("request", "list"), ("report", "stats"), ("report", "deadlines")],
)
def test_json_and_csv_together_is_one_sentence(kefu, command):
    r = kefu(*command, "--json", "--csv")
    assert r.code == 2
    assert f"--json 与 --csv 只能选一个,例如 kefu {' '.join(command)} --json" in r.err
    assert r.out == ""


def test_an_empty_list_is_a_sentence(kefu):
    r = kefu("complaint", "list", "--phone", "0000")
    assert r.code == 0
    assert r.out.startswith("没有符合条件的投诉(截至 ") and "编号" not in r.out


@pytest.mark.parametrize(
    "args",
    [
        ("complaint", "list", "--from", "2026-11-30", "--to", "2026-11-01"),
        ("complaint", "list", "--due-from", "2026-12-31", "--due-to", "2026-11-01"),
        ("callback", "list", "--due-from", "2026-11-30", "--due-to", "2026-11-01"),
        ("claim", "list", "--from", "2026-11-20", "--to", "2026-11-01"),
        ("request", "list", "--from", "2026-11-20", "--to", "2026-11-01"),
        ("callback", "stats", "--from", "2026-11-20", "--to", "2026-11-01"),
        ("report", "stats", "--from", "2026-11-20", "--to", "2026-11-01"),
    ],
)
def test_a_reversed_date_range_is_one_sentence(kefu, args):
    """Never a silently empty list: the same sentence in every command with a range."""
    r = kefu(*args)
    assert r.code == 2 and r.out == ""
    assert f"{args[-4]}({args[-3]})晚于 {args[-2]}({args[-1]}): 请给出先后正确的日期范围" in r.err


def test_status_as_a_chinese_input_method_types_it_and_overdue_pointed_to_its_option(kefu):
    a = add(kefu, "2026-11-20T09:00", "13800000001")
    kefu.ok("complaint", "accept", a["id"], "--at", "2026-11-20T10:00", "--json")
    got = kefu.ok("complaint", "list", "--status", "已受理（处理中）", "--json")
    assert [i["id"] for i in got["items"]] == [a["id"]]
    r = kefu("complaint", "list", "--status", "逾期")
    assert r.code == 2 and "请用 --overdue" in r.err
    r = kefu("complaint", "list", "--status", "xx")
    assert r.code == 2 and "可选: 待补充材料(awaiting_materials)、" in r.err


def test_a_voided_complaint_is_marked_in_the_list_with_all(kefu):
    a = add(kefu, "2026-11-20T09:00", "13800000002")
    kefu.ok("complaint", "void", a["id"], "--reason", "重复登记", "--json")
    assert a["id"] not in kefu("complaint", "list").out
    line = next(x for x in kefu("complaint", "list", "--all").out.splitlines() if a["id"] in x)
    assert "已作废(待受理)" in line


def test_a_list_cut_by_limit_says_so(kefu):
    for n in range(3):
        add(kefu, f"2026-11-2{n}T09:00", f"1380000010{n}")
    assert "只列出最早的 2 件,更多请加 --limit" in kefu.ok("complaint", "list", "--limit", "2")
    assert "只列出" not in kefu.ok("complaint", "list", "--limit", "5")
    assert "只列出最新的 2 件" in kefu.ok("search", "李雷", "--limit", "2")
