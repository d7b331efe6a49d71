"""Questions instead of option lists: on a terminal a registration with required values missing
asks for each (numbered choices for codes, checked as typed, asked again on a mistake), shows the
result and asks 确认登记?; a likely duplicate asks 仍要登记? before anything is written. Off a
terminal nothing is asked: one run names every missing required option at once, exit 2."""

from __future__ import annotations

import codecs
import json
import os
import pty
import re
import select
import sys
import time

import pytest

from conftest import init_db, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")


class Terminal:
    """`kefu ARGS…` run in a child process on a pseudo-terminal (stdin and stdout are a TTY), the
    test's clock (tests/conftest.py) inherited by the fork: answers are written as prompts appear."""

    def __init__(self, *args: str) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: kefu on the terminal, then out without running pytest's teardown
            code = 70
            try:  # the terminal's streams, not pytest's captured ones
                sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                from kefu_cli.cli.app import app

                app([*args], prog_name="kefu")
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                sys.stdout.flush(), sys.stderr.flush()
                os._exit(code)
        self.pid, self.fd, self.seen = pid, fd, ""
        self.decode = codecs.getincrementaldecoder("utf-8")("replace").decode  # a character may span reads

    def expect(self, text: str, timeout: float = 30) -> str:
        """Read until the prompt `text` appears (after what was read before), its default in
        brackets and its colon; what came until then."""
        end = time.monotonic() + timeout
        pattern = re.compile(re.escape(text) + r"(\[[^\]\n]*\])?[:?]")
        while not pattern.search(self.seen):
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {text!r} on the terminal; it shows:\n{self.seen}")
            poller = select.poll()  # not select(): the suite may hold more than 1024 descriptors
            poller.register(self.fd, select.POLLIN)
            if poller.poll(left * 1000):
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"kefu ended before {text!r}; it shows:\n{self.seen}")
                self.seen += self.decode(chunk)
        m = pattern.search(self.seen)
        before, self.seen = self.seen[: m.end()], self.seen[m.end() :]
        return before

    def answer(self, prompt: str, text: str) -> str:
        shown = self.expect(prompt)
        os.write(self.fd, text.encode("utf-8") + b"\r")
        return shown

    def wait(self) -> tuple[int, str]:
        """The exit code and the rest of what was shown."""
        while True:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.seen += self.decode(chunk)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status), self.seen


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("KEFU_CLERK", "李娜")
    monkeypatch.setenv("NO_COLOR", "1")
    return init_db(str(tmp_path / "kefu.sqlite"))


def _complaints(db: str) -> list[dict]:
    code, out, err = run_cli("--db", db, "complaint", "list", "--json")
    assert code == 0, err
    return json.loads(out)["items"]


def test_the_questions_of_complaint_add_register_the_complaint(db):
    t = Terminal("--db", db, "complaint", "add", "--at", "2026-11-30T10:00")
    shown = t.answer("受理方式", "9")  # not one of the choices: asked again
    assert "1) 电话" in shown and "7) 监管转办" in shown
    t.answer("受理方式", "1")
    assert "1) 理赔" in t.answer("类别", "服务")  # a label is taken as typed
    t.answer("投诉人姓名", "王小明")
    t.answer("联系电话", "12ab")  # refused by the same check as --phone, asked again
    shown = t.answer("联系电话", "138 1234 5678")
    assert "--phone" in shown  # the option's own sentence
    t.answer("接收时间", "")  # default: now (--at)
    t.answer("保单号", "P2026110001")
    t.answer("投诉内容摘要", "理赔款逾期未到账")
    t.answer("机构", "")
    shown = t.answer("确认登记", "y")
    assert "将登记以下投诉" in shown and "受理方式: 电话" in shown and "类别: 服务" in shown
    code, rest = t.wait()
    assert code == 0, rest
    assert "已登记投诉 TS-20261130-" in rest
    [c] = _complaints(db)
    assert (c["channel"], c["category"], c["policy_no"], c["summary"]) == (
        "phone", "service", "P2026110001", "理赔款逾期未到账",
    )  # fmt: skip


def test_a_likely_duplicate_is_asked_about_before_anything_is_written(db):
    args = ["--db", db, "complaint", "add", "--channel", "电话", "--category", "服务", "--name", "王小明"]
    code, _, err = run_cli(*args, "--phone", "13812345678", "--at", "2026-11-30T10:00")
    assert code == 0, err
    # ↑ Enter on a terminal: the same complaint again; asked first, "no" (the default) writes nothing
    t = Terminal(*args, "--phone", "13812345678", "--at", "2026-11-30T10:05")
    shown = t.answer("仍要登记", "")
    joined = re.sub(r"\r?\n *", "", shown)  # the sentence as read, wrapped to the terminal's width
    assert "TS-20261130-0001" in joined and "可能是重复投诉" in joined
    code, rest = t.wait()
    assert code == 1 and "未登记" in rest
    assert len(_complaints(db)) == 1
    t = Terminal(*args, "--phone", "13812345678", "--at", "2026-11-30T10:06")
    t.answer("仍要登记", "y")
    code, rest = t.wait()
    assert code == 0 and "已登记投诉 TS-20261130-0002" in rest
    assert len(_complaints(db)) == 2


def test_declining_the_review_writes_nothing(db):
    t = Terminal(
        "--db", db, "complaint", "add", "--channel", "phone", "--category", "sales", "--at", "2026-11-30T10:00"
    )
    t.answer("投诉人姓名", "王小明")
    t.answer("联系电话", "13812345678")
    for prompt in ("接收时间", "保单号", "投诉内容摘要", "机构"):
        t.answer(prompt, "")
    t.answer("确认登记", "n")
    code, rest = t.wait()
    assert code == 1 and "未登记" in rest
    assert _complaints(db) == []


@pytest.mark.parametrize(
    ("command", "given", "named"),
    [
        (["complaint", "add"], ["--name", "张三"], ["--channel", "--category", "--phone"]),
        (["complaint", "add", "--json"], [], ["--channel", "--category", "--name", "--phone"]),
        (["callback", "add"], [], ["--kind", "--name", "--phone"]),
        (["claim", "report"], [], ["--incident", "--reporter", "--reporter-phone"]),
        (["request", "add"], [], ["--type", "--policy"]),
    ],
)
def test_off_a_terminal_every_missing_option_is_named_at_once(db, command, given, named):
    code, out, err = run_cli("--db", db, *command, *given)
    assert code == 2 and out == ""
    assert "缺少必填项" in err and err.count("错误") == 1
    for option in named:
        assert f"{option} " in err
    assert "张三" not in err.split("例如 kefu")[0] or given  # only the missing ones are named


def test_callback_add_asks_what_its_kind_needs(db):
    t = Terminal(
        "--db", db, "callback", "add", "--name", "王小明", "--phone", "13812345678", "--at", "2026-11-30T10:00"
    )
    assert "1) 新契约" in t.answer("回访类型", "1")
    t.answer("回执签收日期", "2026-11-20")  # asked because a new-policy callback counts from the receipt
    for prompt in ("保单号", "机构"):
        t.answer(prompt, "")
    shown = t.answer("确认登记", "")
    assert "回访类型: 新契约" in shown
    code, rest = t.wait()
    assert code == 0, rest
    code, out, err = run_cli("--db", db, "callback", "list", "--json")
    [k] = json.loads(out)["items"]
    assert k["kind"] == "new_policy"


def test_the_configured_branch_is_the_default_of_a_complaint(db):
    code, _, err = run_cli("--db", db, "config", "set", "branch", "朝阳支公司")
    args = ["--channel", "电话", "--category", "服务", "--name", "王小明", "--phone", "13812345678", "--json"]
    code, out, err = run_cli("--db", db, "complaint", "add", *args, "--at", "2026-11-30T10:00")
    assert code == 0, err
    assert json.loads(out)["branch"] == "朝阳支公司"
