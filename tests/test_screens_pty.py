"""Screens that fit a terminal: the daily commands run in a real pseudo-terminal of 80×24 and
120×40 (COLUMNS not set: the width comes from the terminal itself) on a copy of the demo database.
No line is wider than the terminal in display columns, and every case number the command lists
(as its --json says) appears whole. Each size runs all the commands in one subprocess, its clock
set to the tests' moment (tests/conftest.py FIXED_NOW)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest

from conftest import FIXED_NOW, copy_db, run_cli
from kefu_cli.render.layout import CASE_NUMBER, text_width

DAILY = [
    ["report", "deadlines"],
    ["complaint", "list"],
    ["callback", "list"],
    ["claim", "list"],
    ["request", "list"],
    ["search", "张"],
    ["search", "2026"],
]
# tables and lines of other screens: they fit too
OTHERS = [
    ["complaint", "show", "TS-20261020-0001"],
    ["callback", "show", "HF-20261116-0006"],
    ["claim", "show", "BA-20261119-0001"],
    ["request", "show", "SQ-20261120-0001"],
    ["handler", "list"],
    ["branch", "list"],
    ["policy", "list"],
]

# Runs each command of argv[2] (JSON) against the database argv[1], the clock at FIXED_NOW, each
# output after a marker line.
_RUNNER = """
import datetime, json, sys
from kefu_cli.services import clock
clock.set_now(datetime.datetime.fromisoformat(sys.argv[3]))
from kefu_cli.cli.app import main
db, commands = sys.argv[1], json.loads(sys.argv[2])
for args in commands:
    sys.stdout.write("=== " + " ".join(args) + "\\n")
    sys.stdout.flush()
    sys.argv = ["kefu", "--db", db, *args]
    try:
        main()
    except SystemExit:
        pass
    sys.stdout.flush()
"""

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def run_in_pty(argv: list[str], columns: int, rows: int, env: dict | None = None) -> str:
    """Run `argv` with a pseudo-terminal of `columns`×`rows` as stdin, stdout and stderr; its output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "CI", "PAGER")}
    environ.update({"TERM": "xterm", **(env or {})})
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=environ, close_fds=True)
    os.close(slave)
    out = b""
    poller = select.poll()  # not select(): the suite may hold more than 1024 descriptors by now
    poller.register(master, select.POLLIN)
    try:
        while True:
            if not poller.poll(60_000):
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed (Linux: EIO)
                break
            if not data:
                break
            out += data
    finally:
        proc.wait(timeout=60)
        os.close(master)
    return out.decode("utf-8", "replace").replace("\r\n", "\n")


def run_daily(db, commands, columns: int, rows: int, env: dict | None = None) -> dict[str, str]:
    argv = [sys.executable, "-c", _RUNNER, str(db), json.dumps(commands), FIXED_NOW.isoformat()]
    text = run_in_pty(argv, columns, rows, env)
    parts = re.split(r"^=== (.*)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def listed_ids(db, args: list[str]) -> set[str]:
    code, out, err = run_cli("--db", db, *args, "--json")
    assert code == 0, err
    data = json.loads(out)
    ids = {i.get("case_id") or i.get("id") for i in data["items"]} if "items" in data else {data.get("id")}
    return {i for i in ids if i and CASE_NUMBER.fullmatch(i)}


@pytest.fixture(scope="module")
def demo_copy(demo, tmp_path_factory):
    return copy_db(demo, tmp_path_factory.mktemp("screens"))


@pytest.mark.parametrize("columns,rows", [(80, 24), (120, 40)])
def test_daily_commands_fit_the_terminal(demo_copy, columns, rows):
    outputs = run_daily(demo_copy, DAILY + OTHERS, columns, rows, {"PAGER": "cat"})
    assert set(outputs) == {" ".join(a) for a in DAILY + OTHERS}
    for args in DAILY + OTHERS:
        text = _ANSI.sub("", outputs[" ".join(args)])
        assert "Traceback" not in text, text
        wide = [line for line in text.split("\n") if text_width(line) > columns]
        assert not wide, f"kefu {' '.join(args)} at {columns} columns: lines too wide:\n" + "\n".join(wide)
        ids = listed_ids(demo_copy, args)
        shown = set(CASE_NUMBER.findall(text))
        assert ids <= shown, f"kefu {' '.join(args)} at {columns} columns: not shown whole: {sorted(ids - shown)}"
    # the demo lists something in each command but `search 张` (no customer is called 张)
    assert listed_ids(demo_copy, ["complaint", "list"]) and listed_ids(demo_copy, ["report", "deadlines"])
