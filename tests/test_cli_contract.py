"""The command line as scripts and Windows terminals see it: real processes, real pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ESC = "\x1b"


def kefu_proc(db: str, *args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_DB", "NO_COLOR", "FORCE_COLOR")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "kefu_cli", "--db", db, *args], capture_output=True, env=env, timeout=120
    )


def test_python_dash_m_json_is_one_document_and_messages_go_to_stderr(db_path):
    # a subprocess sees the installed calendar data: 2099 is a year no release will know
    r = kefu_proc(db_path, "workday", "add", "2099-03-06", "5", "--json")
    assert r.returncode == 0, r.stderr.decode()
    doc = json.loads(r.stdout.decode("utf-8"))
    # Fri 03-06: Mon 09 … Fri 13 are 1–5 under the provisional Mon–Fri rule
    assert doc == {"start": "2099-03-06", "n": 5, "due": "2099-03-13", "provisional": True}


def test_piped_human_output_is_plain_utf8_without_escape_codes(db_path):
    r = kefu_proc(db_path, "workday", "coverage", env_extra={"CI": "true", "TERM": "xterm-256color"})
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode("utf-8")
    assert "官方数据" in out and "2026" in out
    assert ESC not in out and ESC not in r.stderr.decode("utf-8")


def test_a_gbk_console_does_not_break_output(db_path):
    """Chinese Windows consoles use code page 936: output must encode or degrade, never crash."""
    r = kefu_proc(db_path, "workday", "check", "2026-10-01", env_extra={"PYTHONIOENCODING": "gbk"})
    assert r.returncode == 0, r.stderr.decode("gbk", "replace")
    assert "国庆节" in r.stdout.decode("gbk")


def test_bad_input_is_one_sentence_exit_2_no_traceback(db_path):
    r = kefu_proc(db_path, "workday", "add", "2026-02-30", "3")
    err = r.stderr.decode("utf-8")
    assert r.returncode == 2
    assert "Traceback" not in err
    assert "2026-02-30" in err and "2026-11-21" in err  # names the value and shows a correct one
    assert r.stdout == b""


@pytest.mark.parametrize("group", ["complaint", "callback", "report", "workday", "policy", "db"])
def test_help_is_in_chinese(kefu, group):
    r = kefu(group, "--help")
    assert r.code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.out)


def test_version(kefu):
    from kefu_cli import __version__

    r = kefu("--version")
    assert r.code == 0 and __version__ in r.out


def test_policy_set_is_audited_and_validated(kefu):
    before = kefu.ok("policy", "list", "--json")["rules"]
    assert {r["key"]: r["value"] for r in before}["complaint.acceptance"] == 10
    out = kefu.ok("policy", "set", "complaint.acceptance", "8", "--clerk", "管理员", "--json")
    assert out == {
        "key": "complaint.acceptance",
        "value": 8,
        "unit": "workdays",
        "start": "complete",
        "before": 10,
        "before_unit": "workdays",
        "before_start": "complete",
    }
    after = {r["key"]: r["value"] for r in kefu.ok("policy", "list", "--json")["rules"]}
    assert after["complaint.acceptance"] == 8
    bad = kefu("policy", "set", "complaint.nonexistent", "3")
    assert bad.code == 2 and "complaint.acceptance" in bad.err
    bad = kefu("policy", "set", "callback.success_rate_min", "120")
    assert bad.code == 2 and "0 到 100" in bad.err
    import sqlite3

    rows = (
        sqlite3.connect(kefu.db)
        .execute("SELECT clerk, entity_id, details FROM audit_event WHERE entity = 'policy'")
        .fetchall()
    )
    assert rows == [
        (
            "管理员",
            "complaint.acceptance",
            '{"after": 8, "after_start": "complete", "after_unit": "workdays", '
            '"before": 10, "before_start": "complete", "before_unit": "workdays"}',
        )
    ]
