"""A branch clerk's day at the terminal, on the demo database, in Chinese: the morning report, a
phone call about last week's complaint, a typo, a colleague on leave, a customer who wants to be
called on Friday, a step entered on the wrong case, a new colleague. Every human output is
Chinese (no internal codes); at the end the records still verify."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from conftest import Kefu

SAMPLE = str(Path(__file__).resolve().parents[1] / "sample_data")
# Internal codes that must never reach a clerk's screen (they may appear in --json).
CODES = re.compile(
    r"\b(register|registered|accepted|awaiting_materials|open|met|superseded|not_applicable|new_policy|"
    r"claims|phone|acceptance|decision|initial_investigation|undo|edit|reschedule|assign|note|void)\b"
)


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.setenv("KEFU_CLERK", "刘洋")
    path = tmp_path / "demo.sqlite"
    r = Kefu(str(tmp_path / "unused.sqlite"))("demo", "--data", SAMPLE, "--to", str(path))
    assert r.code == 0, r.err
    return Kefu(str(path))


def human(kefu, *args) -> str:
    r = kefu(*args)
    assert r.code in (0, 1), f"kefu {' '.join(args)}: {r.err}"
    text = r.out + r.err
    found = CODES.findall(re.sub(r"(TS|HF)-\d{8}-\d{4}|--[a-z-]+|`[^`]*`|\d{4}-\d{2}-\d{2}", "", text))
    assert not found, f"kefu {' '.join(args)} shows internal codes {found}:\n{text}"
    return text


def test_a_day_at_the_desk(desk):
    # 09:00 the morning report
    morning = human(desk, "report", "deadlines", "--as-of", "2026-11-20")
    assert "已逾期" in morning and "暂停" in morning

    # 09:20 a phone call: "my complaint from last week?" — she gives the last 4 digits of her phone
    found = human(desk, "search", "7777")
    assert "TS-20261113-0001" in found
    case = "TS-20261113-0001"
    human(desk, "complaint", "note", case, "客户来电询问进度,已告知正在核实", "--contact", "电话")

    # 09:40 the complaint was copied from the paper log with the wrong day and a wrong phone
    fixed = human(desk, "complaint", "edit", case, "--received", "2026-11-12T13:15", "--phone", "010-88889999",
                  "--reason", "登记簿抄录错误")  # fmt: skip
    assert "接收时间: 2026-11-13 13:15 → 2026-11-12 13:15" in fixed and "随之变动的期限" in fixed
    assert "电话: 已更正" in fixed or "联系电话: 已更正" in fixed

    # 10:00 a colleague is on leave: her cases go to a new colleague, who is not on the list yet
    r = desk("complaint", "assign", case, "--handler", "赵丽")
    assert r.code == 2 and "--new-handler" in r.err
    human(desk, "complaint", "assign", case, "--handler", "赵丽", "--new-handler")
    typo = desk("report", "deadlines", "--handler", "赵莉")
    assert typo.code == 2 and "赵丽" in typo.err

    # 10:30 accepted the wrong case, and undone
    human(desk, "complaint", "accept", "TS-20261119-0001")
    undone = human(desk, "complaint", "undo", "TS-20261119-0001", "--reason", "受理错了案件,应为 TS-20261113-0001")
    assert "已撤销" in undone and "待受理" in undone
    human(desk, "complaint", "accept", case)

    # 11:00 a customer asks to be called on Friday
    moved = human(desk, "callback", "reschedule", "HF-20261113-0001", "--to", "2026-12-04T10:00",
                  "--reason", "客户要求周五上午回电")  # fmt: skip
    assert "改约至 2026-12-04 10:00" in moved

    # 14:00 a decision; the tool says which callback it scheduled
    decided = human(desk, "complaint", "decide", case, "--result", "已核实并致歉,热线增加坐席")
    assert "已安排回访" in decided and "投诉处理回访" in decided

    # 16:00 the case as a supervisor reads it: everything, in Chinese
    show = human(desk, "complaint", "show", case)
    for words in ("更正登记信息", "改派", "备注/联系记录", "依据:", "回访:", "已作出处理决定", "下一步:"):
        assert words in show, words
    assert "随更正重算" not in show  # the clock rows only with --all
    assert "随更正重算" in human(desk, "complaint", "show", case, "--all")
    rejected = human(desk, "complaint", "show", "TS-20261102-0001")
    assert "不予受理: 属于投诉但不属本公司处理" in rejected and "说明: 已告知向代销银行反映" in rejected
    transferred = human(desk, "complaint", "show", "TS-20261106-0001")
    assert "转办至: 核保部" in transferred
    human(desk, "callback", "show", "HF-20261113-0001")
    human(desk, "callback", "list")
    human(desk, "complaint", "list")

    # Chinese both ways: labels accepted for every code option
    assert desk("complaint", "list", "--status", "已受理").code == 0
    assert desk("report", "deadlines", "--status", "逾期", "--kind", "处理决定").code in (0, 1)

    # the evening: the records are what their events say
    verify = desk("db", "verify", "--json")
    assert verify.code == 0 and verify.json()["ok"], verify.out
    with sqlite3.connect(desk.db) as con:
        actions = {a for (a,) in con.execute("SELECT DISTINCT action FROM audit_event WHERE entity = 'complaint'")}
    assert {"edit", "undo", "assign", "note", "accept", "decide"} <= actions
