"""Tab completion through the protocol the installed scripts speak (Typer's: _KEFU_COMPLETE=
complete_bash with COMP_WORDS/COMP_CWORD; complete_zsh, complete_fish and complete_powershell with
_TYPER_COMPLETE_ARGS): commands, options, code values in English and Chinese, case numbers, handlers
and branches read from the database; and `--show-completion` / `--install-completion`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import copy_db
from kefu_cli.cli.app import app


@pytest.fixture
def db(demo, tmp_path):
    return copy_db(demo, tmp_path)


def complete(words: str, db=None, shell: str = "bash") -> list[str]:
    """What `kefu` offers for the last word of `words` (a trailing space: a new, empty word)."""
    env = {"_KEFU_COMPLETE": f"complete_{shell}", "KEFU_DB": str(db) if db else None}
    if shell == "bash":
        parts = words.split(" ")
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    elif shell == "powershell":
        env |= {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_WORD_TO_COMPLETE": words.split(" ")[-1]}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    r = CliRunner().invoke(app, [], env=env, prog_name="kefu")
    assert r.exit_code == 0, r.output
    lines = [line for line in r.stdout.splitlines() if line]
    if shell == "zsh":  # _arguments '*: :(("value":"help" …))'
        return [line.removeprefix("_arguments '*: :((").split('":"', 1)[0].strip('"') for line in lines]
    if shell == "powershell":
        return [line.split(":::", 1)[0] for line in lines]
    return [line.split("\t", 1)[0] for line in lines]


def test_commands_and_options():
    assert complete("kefu comp") == ["complaint"]
    assert {"complaint", "callback", "claim", "notice", "workday"} <= set(complete("kefu "))
    assert complete("kefu complaint a") == ["add", "accept", "assign"]
    options = complete("kefu complaint add --")
    assert options[:4] == ["--channel", "--category", "--name", "--phone"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_code_values_in_english_and_chinese(shell):
    values = complete("kefu complaint add --channel ", shell=shell)
    assert {"phone", "电话", "letter", "信函", "regulator", "监管转办"} <= set(values)
    assert complete("kefu complaint add --category 理", shell=shell) == ["理赔"]
    assert complete("kefu complaint add --category cl", shell=shell) == ["claims"]


def test_code_values_of_other_commands():
    assert "重复(处理中)" in complete("kefu complaint reject TS-1 --reason ")
    assert set(complete("kefu callback attempt HF-1 --result ")) >= {"success", "成功", "no_answer", "未接通"}
    assert complete("kefu claim close BA-1 --result 赔") == ["赔付"]
    assert complete("kefu complaint list --phone ") == []  # free text: nothing offered


def test_code_values_whose_help_names_them_another_way():
    """Options whose help lists only Chinese labels, "维持(upheld)" or one example complete from
    the table they are parsed with (completion.OPTION_TABLES)."""
    assert set(complete("kefu complaint pause TS-1 --kind ")) >= {"mediation", "调解", "appraisal", "鉴定"}
    assert complete("kefu complaint review-decide TS-1 --result 变") == ["变更原处理决定"]
    assert complete("kefu complaint review-decide TS-1 --result u") == ["upheld"]
    assert "已受理(处理中)" in complete("kefu complaint list --status ")
    assert set(complete("kefu callback list --status ")) >= {"open", "success", "unreachable"}
    assert complete("kefu report deadlines --status 今") == ["今日到期"]
    assert "initial_investigation" in complete("kefu report deadlines --kind i")
    assert complete("kefu claim checklist BA-1 --type ") != []
    assert "--kind" in complete("kefu complaint pause TS-1 --")


def test_every_completed_table_parses_its_values():
    """Every value a table offers is one its command accepts (the code and the label alike)."""
    import importlib

    from kefu_cli.cli.completion import OPTION_TABLES, table_values
    from kefu_cli.domain.codes import parse_code

    for ref in set(OPTION_TABLES.values()):
        values = table_values(ref)
        assert values, ref
        module, name = ref.split(":")
        table = getattr(importlib.import_module(f"kefu_cli.domain.{module}"), name)
        codes = {str(k): (v if isinstance(v, tuple) else (v, ())) for k, v in table.items()}
        for value, _ in values:
            assert parse_code(codes, value, "--x") in codes, (ref, value)


def test_case_numbers_from_the_database(db):
    numbers = complete("kefu complaint show TS-202611", db)
    assert numbers and all(n.startswith("TS-202611") for n in numbers)
    assert numbers == sorted(numbers, reverse=True)  # newest first
    assert complete("kefu complaint show ts－2026111", db) == [n for n in numbers if n.startswith("TS-2026111")]
    assert complete("kefu callback show HF-20261020", db) == ["HF-20261020-0001"]
    assert complete("kefu claim show BA-20261119", db) == ["BA-20261119-0001"]
    assert complete("kefu request show SQ-2026112", db) == ["SQ-20261120-0001"]
    assert complete("kefu notice make TS-20261119-000", db) == ["TS-20261119-0002", "TS-20261119-0001"]
    assert complete("kefu complaint merge TS-20261119-0001 --into TS-2026092", db) == ["TS-20260928-0001"]
    assert len(complete("kefu complaint show ", db)) <= 50


def test_handlers_and_branches_from_the_database(db):
    assert complete("kefu complaint list --handler 李", db) == ["李娜"]
    assert complete("kefu report deadlines --branch 朝", db) == ["朝阳支公司"]
    assert "王强" in complete("kefu handler retire ", db)


def test_without_a_database_nothing_is_offered_and_nothing_fails(tmp_path):
    assert complete("kefu complaint show TS-", tmp_path / "missing.sqlite") == []
    assert not (tmp_path / "missing.sqlite").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_show_completion_prints_the_script_of_each_shell(shell, monkeypatch):
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")  # the shell named, not detected
    r = CliRunner().invoke(app, ["--show-completion", shell], prog_name="kefu")
    assert r.exit_code == 0, r.output
    assert "_KEFU_COMPLETE" in r.stdout and f"complete_{shell}" in r.stdout


def test_install_completion_for_bash_writes_the_script_and_says_so_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    r = CliRunner().invoke(app, ["--install-completion", "bash"], prog_name="kefu")
    assert r.exit_code == 0, r.output
    assert "已为 bash 安装 Tab 补全" in r.stdout
    assert "_KEFU_COMPLETE=complete_bash" in (tmp_path / ".bash_completions" / "kefu.sh").read_text()
    assert ".bash_completions/kefu.sh" in (tmp_path / ".bashrc").read_text()


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_bash_script_completes_in_a_real_shell(db, tmp_path):
    """The script `--show-completion bash` prints, sourced in bash, completes a case number."""
    kefu = shutil.which("kefu") or os.path.join(os.path.dirname(sys.executable), "kefu")
    env = {**os.environ, "KEFU_DB": str(db), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    script = subprocess.run([kefu, "--show-completion", "bash"], capture_output=True, text=True, env=env).stdout
    probe = tmp_path / "probe.sh"
    probe.write_text(
        f'{script}\nPATH="{os.path.dirname(kefu)}:$PATH"\n'
        'COMP_WORDS=(kefu callback show HF-20261020); COMP_CWORD=3\n_kefu_completion kefu\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    r = subprocess.run(["bash", str(probe)], capture_output=True, text=True, env=env)
    assert r.stdout.split() == ["HF-20261020-0001"], r.stderr
