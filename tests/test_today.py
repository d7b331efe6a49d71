"""`kefu today` on the demo database, and the 下一步 line every `show` ends with (domain/next_step.py).

The day is always given (`--as-of`) or the test clock's (2026-12-01, tests/conftest.py).
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from kefu_cli.domain import next_step as ns


def _kefu(demo, *args, clerk: str | None = None, monkeypatch=None):
    if monkeypatch is not None:
        if clerk is None:
            monkeypatch.delenv("KEFU_CLERK", raising=False)
        else:
            monkeypatch.setenv("KEFU_CLERK", clerk)
    return run_cli("--db", demo, *args)


def _json(demo, *args):
    code, out, err = run_cli("--db", demo, *args, "--json")
    assert code == 0, err
    return json.loads(out)


# --- kefu today ----------------------------------------------------------------------------------


def test_today_of_a_handler_on_a_past_day(demo):
    data = _json(demo, "today", "--handler", "刘洋", "--as-of", "2026-11-20")
    assert data["as_of"] == "2026-11-20" and data["handler"] == "刘洋" and data["history"] is True
    assert data["summary"] == {"overdue": 1, "due_today": 1, "due_soon": 1}
    got = [(i["status"], i["case_id"], i["kind"], i["command"]) for i in data["items"]]
    assert got == [
        ("overdue", "HF-20261023-0001", "callback", "kefu callback attempt HF-20261023-0001 --method … --result …"),
        ("due_today", "TS-20261119-0001", "initial_investigation", "kefu complaint investigate TS-20261119-0001"),
        ("due_soon", "BA-20261116-0001", "claim_handover", "kefu claim handover BA-20261116-0001"),
    ]
    code, out, _ = run_cli("--db", demo, "today", "--handler", "刘洋", "--as-of", "2026-11-20")
    assert code == 0
    assert "今日待办  经办人: 刘洋  截至 2026-11-20(星期五)" in out
    assert "已逾期 1  今日到期 1  即将到期 1" in out
    assert "  TS-20261119-0001  投诉 初步调查  2026-11-20 14:00 前  今日到期" in out  # 24 hours: its moment
    assert "    kefu claim handover BA-20261116-0001" in out
    assert out.index("已逾期:") < out.index("今日到期:") < out.index("即将到期:")


def test_today_reads_as_the_deadline_report(demo):
    """The same items, statuses and days left as `report deadlines --handler` (one read path)."""
    for day in ("2026-11-20", "2026-12-01"):
        for who in ("李娜", "王强", "张敏", "刘洋"):
            mine = _json(demo, "today", "--handler", who, "--as-of", day)
            report = _json(demo, "report", "deadlines", "--handler", who, "--as-of", day)
            keep = {"overdue", "due_today", "due_soon"}
            want = sorted(
                (i["case_id"], i["kind"], i["status"], i["working_days_left"])
                for i in report["items"]
                if i["status"] in keep
            )
            got = sorted((i["case_id"], i["kind"], i["status"], i["working_days_left"]) for i in mine["items"])
            assert got == want, (who, day)
            assert mine["summary"] == {k: report["summary"][k] for k in keep}
            assert all(i["command"].startswith(f"kefu {i['case_type']} ") for i in mine["items"])


def test_today_of_the_operator_today(demo, monkeypatch):
    """Without --handler: the clerk (KEFU_CLERK here), on today's date (the test clock)."""
    code, out, err = _kefu(demo, "today", "--json", clerk="张敏", monkeypatch=monkeypatch)
    assert code == 0, err
    data = json.loads(out)
    assert data["handler"] == "张敏" and data["as_of"] == "2026-12-01" and data["history"] is False
    assert data == _json(demo, "today", "--handler", "张敏", "--as-of", "2026-12-01") | {"history": False}
    assert data["items"] and data["items"][0]["status"] == "overdue"
    assert {"kind": "decision", "command": "kefu complaint decide TS-20260928-0001 --result …"}.items() <= (
        next(i for i in data["items"] if i["case_id"] == "TS-20260928-0001").items()
    )
    # --clerk names the operator too
    code, out, _ = run_cli("--db", demo, "today", "--clerk", "李娜", "--json")
    assert code == 0 and json.loads(out)["handler"] == "李娜"


def test_today_exit_codes(demo, monkeypatch):
    # an operator who is no handler: one sentence, exit 2
    code, out, err = _kefu(demo, "today", clerk="root", monkeypatch=monkeypatch)
    assert code == 2 and out == ""
    assert "操作人 root 不是经办人" in err and "--handler" in err
    code, _, err = run_cli("--db", demo, "today", "--handler", "李")
    assert code == 2 and "李娜" in err
    code, _, err = run_cli("--db", demo, "today", "--handler", "李娜", "--as-of", "2026-13-01")
    assert code == 2
    # like report deadlines: 1 only with --fail-on-overdue and something overdue, after the output
    code, out, _ = run_cli("--db", demo, "today", "--handler", "李娜", "--as-of", "2026-11-20", "--fail-on-overdue")
    assert code == 1 and "HF-20261020-0001" in out
    code, _, _ = run_cli("--db", demo, "today", "--handler", "李娜", "--as-of", "2026-10-01", "--fail-on-overdue")
    assert code == 0


def test_today_with_nothing_to_do(demo):
    code, out, _ = run_cli("--db", demo, "today", "--handler", "李娜", "--as-of", "2026-10-01")
    assert code == 0 and "没有已逾期、今日到期或即将到期的事项。" in out


def test_every_deadline_kind_has_a_closing_command():
    from kefu_cli.domain.deadlines import DeadlineKind

    assert set(ns.CLOSES) == {k.value for k in DeadlineKind}
    assert ns.closing_command("decision", "TS-1") == "kefu complaint decide TS-1 --result …"
    assert ns.closing_command("callback_reply", "HF-1") == "kefu callback resolve HF-1 --reply …"
    assert ns.closing_command("review", "TS-1") == "kefu complaint review-decide TS-1 --result …"
    assert ns.closing_command("unknown", "X") == ""


# --- the next step of each case type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "running", "action"),
    [
        ("awaiting_materials", ["initial_investigation", "supplement_notice", "decision"], "investigate"),
        ("awaiting_materials", ["supplement_notice", "decision"], "notify"),
        ("awaiting_materials", ["decision"], "materials"),  # decide is not allowed yet
        ("registered", ["acceptance", "decision"], "accept"),
        ("registered", [], "accept"),
        ("accepted", ["decision"], "decide"),
        ("accepted", ["regulator_report", "decision"], "regulator-report"),
        ("paused", ["decision"], "resume"),
        ("decided", [], "none"),
        ("decided", ["regulator_report"], "regulator-report"),
        ("reviewing", ["review"], "review-decide"),
        ("reviewing", [], "review-decide"),
        ("reviewed", [], "none"),
        ("rejected", [], "none"),
        ("withdrawn", [], "none"),
    ],
)
def test_complaint_next(status, running, action):
    step = ns.complaint_next(status, running, "TS-1")
    assert step.action == action
    assert step.line().startswith("下一步: ")
    assert (step.command != "") == (action != "none")
    if action != "none":
        assert step.command.startswith(f"kefu complaint {action} TS-1")


def test_callback_next():
    assert ns.callback_next("open", "electronic", [], "HF-1").command.startswith("kefu callback attempt HF-1")
    assert "--method phone" in ns.callback_next("open", "phone", [], "HF-1").command
    assert ns.callback_next("open", "close_unreachable", [], "HF-1").action == "unreachable"
    # an ended callback with a problem not yet answered is not finished
    step = ns.callback_next("success", "none", [2, 3], "HF-1")
    assert step.action == "resolve" and "--followup 2" in step.command and "已结束" not in step.line()
    assert ns.callback_next("success", "none", [], "HF-1").line() == "下一步: 无(回访已结束)"
    assert ns.callback_next("open", "phone", [], "HF-1", voided=True).line() == "下一步: 无(已作废)"


@pytest.mark.parametrize(
    ("status", "running", "action"),
    [
        ("reported", [], "apply"),
        ("reported", ["major_case_report"], "escalate"),
        ("applying", [], "materials"),
        ("complete", ["claim_handover"], "handover"),
        ("handed_over", [], "close"),
        ("refused", [], "none"),
        ("closed", [], "none"),
    ],
)
def test_claim_next(status, running, action):
    step = ns.claim_next(status, running, "BA-1")
    assert step.action == action
    if action != "none":
        assert step.command.startswith(f"kefu claim {action} BA-1")


def test_a_paused_complaint_resumes_when_its_pause_ends():
    assert ns.complaint_next("paused", ["decision"], "TS-1", pause_kind="mediation").text == "调解结束后恢复处理"
    assert ns.complaint_next("paused", ["decision"], "TS-1").text == "鉴定结束后恢复处理"  # before pauses had kinds


def test_request_next():
    assert ns.request_next("open", "SQ-1").command == "kefu request close SQ-1"
    for st in ("completed", "referred", "withdrawn"):
        assert ns.request_next(st, "SQ-1").action == "none"


# --- show: the 下一步 line, and the clock rows with --all ---------------------------------------


def _last_line(demo, *args) -> str:
    code, out, err = run_cli("--db", demo, *args)
    assert code == 0, err
    return out.rstrip("\n").splitlines()[-1]


def test_show_ends_with_a_true_next_line(demo):
    assert _last_line(demo, "complaint", "show", "TS-20261103-0001") == (
        "下一步: 鉴定结束后恢复处理(kefu complaint resume TS-20261103-0001)"
    )
    assert _last_line(demo, "complaint", "show", "TS-20260928-0001") == (
        "下一步: 作出处理决定(kefu complaint decide TS-20260928-0001 --result …)"
    )
    assert _last_line(demo, "complaint", "show", "TS-20261102-0001") == "下一步: 无(已办结: 不予受理)"
    # a callback ended with a problem found and not yet answered is not 已结束
    line = _last_line(demo, "callback", "show", "HF-20261116-0006")
    assert line == "下一步: 答复回访发现的问题 #1(kefu callback resolve HF-20261116-0006 --followup 1 --reply …)"
    assert _last_line(demo, "callback", "show", "HF-20261116-0001") == "下一步: 无(回访已结束)"
    assert _last_line(demo, "callback", "show", "HF-20261020-0001").startswith(
        "下一步: 电子化回访(kefu callback attempt HF-20261020-0001 --method electronic"
    )
    assert _last_line(demo, "claim", "show", "BA-20261116-0001") == (
        "下一步: 将理赔材料移交保险公司(kefu claim handover BA-20261116-0001)"
    )
    assert _last_line(demo, "claim", "show", "BA-20261104-0001") == "下一步: 无(已结案)"
    assert _last_line(demo, "request", "show", "SQ-20261120-0001").endswith("(kefu request close SQ-20261120-0001)")
    assert _last_line(demo, "request", "show", "SQ-20261119-0001") == "下一步: 无(已办结)"


def test_show_json_adds_next(demo):
    c = _json(demo, "complaint", "show", "TS-20261103-0001")
    assert c["next"] == {
        "action": "resume",
        "text": "鉴定结束后恢复处理",
        "command": "kefu complaint resume TS-20261103-0001",
    }
    assert _json(demo, "claim", "show", "BA-20261116-0001")["next"]["action"] == "handover"
    assert _json(demo, "request", "show", "SQ-20261120-0001")["next"]["action"] == "close"
    cb = _json(demo, "callback", "show", "HF-20261116-0006")
    assert cb["next"] == "none"  # the method ladder's code, as before
    assert cb["next_step"]["action"] == "resolve"
    # the timeline in JSON keeps its deadline rows
    assert any(e["entity"] == "deadline" for e in c["events"])


def test_show_lists_steps_and_the_clock_rows_only_with_all(demo):
    code, short, _ = run_cli("--db", demo, "complaint", "show", "TS-20261103-0001")
    code_all, full, _ = run_cli("--db", demo, "complaint", "show", "TS-20261103-0001", "--all")
    assert code == code_all == 0
    for words in ("开始计时", "暂停计时"):
        assert words not in short and words in full
    for words in ("登记", "开始初步调查", "受理", "中止: 委托司法鉴定机构进行伤残等级鉴定"):
        assert words in short
    assert "待受理 → 待受理" not in full  # a step that keeps the status shows it once
    # the claim show too
    code, short, _ = run_cli("--db", demo, "claim", "show", "BA-20261116-0001")
    _, full, _ = run_cli("--db", demo, "claim", "show", "BA-20261116-0001", "--all")
    assert "开始计时" not in short and "开始计时" in full


def test_superseded_deadlines_only_with_all(kefu):
    cid = kefu.ok(
        "complaint", "add", "--received", "2026-11-20T09:30", "--channel", "phone", "--category", "service",
        "--name", "王小明", "--phone", "13912345678", "--at", "2026-11-20T09:30", "--json",
    )["id"]  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-23T10:00")
    kefu.ok("complaint", "extend", cid, "--level", "complex", "--at", "2026-11-24T10:00")
    short = kefu.ok("complaint", "show", cid)
    full = kefu.ok("complaint", "show", cid, "--all")
    assert "已被替代" not in short and "已被替代" in full
    assert short.count("处理决定:") == 1 and full.count("处理决定:") == 2
