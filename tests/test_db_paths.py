"""Which database a command uses, and that kefu never invents one or writes over one.

- An explicit `--db PATH` / `KEFU_DB` that does not exist is exit 3 with one sentence naming
  the path and `kefu db init`; nothing is created (a typo must not give a nightly job an empty
  database and a clean report). Only `db init` and the per-user default create a file.
- No output (export, report --output, import --errors, db backup) may land on the database
  in use or its -wal/-shm/-journal companions: exit 2, nothing written, database intact.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app
from kefu_cli.store import db as store_db
from kefu_cli.store import schema as store_schema

ADD = [
    "complaint", "add", "--received", "2026-11-02T09:00", "--channel", "phone", "--category", "claims",
    "--name", "王建国", "--phone", "13812345678", "--branch", "朝阳支公司", "--at", "2026-11-02T09:00",
]  # fmt: skip


def run(*args: str, env: dict[str, str] | None = None):
    r = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def kefu_command() -> list[str]:
    exe = Path(sys.executable).with_name("kefu")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("kefu")
    return [found] if found else [sys.executable, "-m", "kefu_cli"]


def proc(*args: str, env_extra: dict[str, str] | None = None, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_DB", "FORCE_COLOR")}
    env.update({"CI": "true", "KEFU_CLERK": "cron", "PYTHONIOENCODING": "utf-8", **(env_extra or {})})
    return subprocess.run(
        [*kefu_command(), *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, cwd=cwd
    )


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- no silent new database -------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["complaint", "list", "--json"],
        ["report", "deadlines", "--json"],
        ADD,
        ["workday", "check", "2026-10-10"],
        ["db", "backup", "b.sqlite"],
    ],
)
def test_a_mistyped_db_path_is_exit_3_and_creates_nothing(tmp_path, monkeypatch, command):
    monkeypatch.delenv("KEFU_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "kefu.sqllite"
    code, out, err = run("--db", str(typo), *command)
    assert code == 3, err
    assert f"数据库文件不存在: {typo}" in err
    assert f"kefu --db {typo} db init" in err and "--db 参数" in err
    assert "Traceback" not in err and out == ""
    assert len(err.strip().splitlines()) == 1
    assert names(tmp_path) == set(), "no database, -wal, -shm or backup file was created"


def test_a_mistyped_kefu_db_is_exit_3_and_names_the_variable(tmp_path, monkeypatch):
    typo = tmp_path / "kefu-prod.sqlite"
    monkeypatch.setenv("KEFU_DB", str(typo))
    code, _, err = run("complaint", "list")
    assert code == 3
    assert str(typo) in err and "db init" in err and "KEFU_DB" in err
    assert not typo.exists() and names(tmp_path) == set()


def test_a_missing_parent_folder_is_the_same_error_and_no_folder_is_made(tmp_path, monkeypatch):
    monkeypatch.delenv("KEFU_DB", raising=False)
    target = tmp_path / "no" / "such" / "kefu.sqlite"
    code, _, err = run("--db", str(target), *ADD)
    assert code == 3
    assert f"数据库文件不存在: {target}" in err and "db init" in err and str(target.parent) in err
    assert not (tmp_path / "no").exists()


def test_db_init_creates_the_file_even_in_a_new_folder_and_then_commands_work(tmp_path, monkeypatch):
    monkeypatch.delenv("KEFU_DB", raising=False)
    monkeypatch.setenv("KEFU_CLERK", "tester")
    target = tmp_path / "branch" / "kefu.sqlite"
    code, _, err = run("--db", str(target), "db", "init")
    assert code == 0, err
    assert target.is_file()
    code, out, err = run("--db", str(target), *ADD, "--json")
    assert code == 0, err
    assert sqlite3.connect(target).execute("SELECT count(*) FROM complaint").fetchone() == (1,)


def test_db_init_through_kefu_db_creates_the_file(tmp_path, monkeypatch):
    target = tmp_path / "env.sqlite"
    monkeypatch.setenv("KEFU_DB", str(target))
    code, _, err = run("db", "init")
    assert code == 0, err
    assert target.is_file()
    code, _, err = run("complaint", "list")
    assert code == 0, err


def test_the_per_user_default_database_is_still_created_on_first_use(tmp_path, monkeypatch):
    monkeypatch.delenv("KEFU_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "data"))
    default = store_db.default_db_path()
    assert str(default).startswith(str(tmp_path))
    code, out, err = run("complaint", "list", "--json")
    assert code == 0, err
    assert default.is_file()


def test_nightly_job_against_a_typo_does_not_pass(tmp_path):
    """The cron line `kefu --db … report deadlines --fail-on-overdue` must not exit 0 on a typo."""
    typo = tmp_path / "kefu.sqlit"
    p = proc("--db", str(typo), "report", "deadlines", "--fail-on-overdue", "--json")
    assert p.returncode == 3, p.stderr
    assert p.stdout == ""
    assert str(typo) in p.stderr and "db init" in p.stderr and "Traceback" not in p.stderr
    assert names(tmp_path) == set()
    # the same through KEFU_DB, as a crontab usually sets it
    p = proc("report", "deadlines", "--fail-on-overdue", env_extra={"KEFU_DB": str(typo)})
    assert p.returncode == 3 and "KEFU_DB" in p.stderr and str(typo) in p.stderr
    assert names(tmp_path) == set()


# --- the database is never an output -----------------------------------------------------


@pytest.fixture
def filled(kefu, db_path, tmp_path):
    """The fixture database with one complaint, connections closed (so the file is settled)."""
    kefu.ok(*ADD)
    store_schema.release(store_db.resolve_url(db_path))
    bad = tmp_path / "bad.csv"
    bad.write_text("受理时间,受理方式,投诉类别,投诉人,联系电话\n2026-13-40,电话,理赔,王建国,13812345678\n", "utf-8")
    return kefu


def snapshot(db: str) -> tuple[bytes, list[str]]:
    path = Path(db)
    con = sqlite3.connect(path)
    try:
        dump = list(con.iterdump())
    finally:
        con.close()
    return path.read_bytes(), dump


def outputs(tmp_path: Path) -> dict[str, list[str]]:
    bad = str(tmp_path / "bad.csv")
    return {
        "export complaints": ["export", "complaints", "{}"],
        "export callbacks": ["export", "callbacks", "{}"],
        "report deadlines": ["report", "deadlines", "--as-of", "2026-11-20", "--output", "{}", "--fail-on-overdue"],
        "report deadlines csv": ["report", "deadlines", "--as-of", "2026-11-20", "--csv", "--output", "{}"],
        "report stats": ["report", "stats", "--to", "2026-11-20", "--json", "--output", "{}"],
        "import errors": ["import", "complaints", bad, "--errors", "{}"],
        "db backup": ["db", "backup", "{}"],
    }


KINDS = list(outputs(Path(".")))


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_output_may_overwrite_the_database_or_its_companions(filled, db_path, tmp_path, kind, suffix):
    target = db_path + suffix
    existed = Path(target).exists()
    before_bytes = Path(target).read_bytes() if existed else None
    db_before = snapshot(db_path)
    args = [a.replace("{}", target) for a in outputs(tmp_path)[kind]]

    r = filled(*args)

    assert r.code == 2, f"{kind} → {target}: exit {r.code}: {r.err or r.out}"
    assert "正在使用的数据库" in r.err and target in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    if existed:
        assert Path(target).read_bytes() == before_bytes
    store_schema.release(store_db.resolve_url(db_path))
    assert snapshot(db_path) == db_before, "the database file is byte-for-byte unchanged"
    if not existed:
        assert not Path(target).exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")], "no temp file left behind"
    check = filled.ok("db", "check", "--json")
    assert check["ok"] is True and check["rows"]["complaint"] == 1


@pytest.mark.parametrize("kind", ["export complaints", "report deadlines", "import errors", "db backup"])
def test_a_symlink_or_a_relative_or_home_path_to_the_database_is_refused_too(
    filled, db_path, tmp_path, monkeypatch, kind
):
    link = tmp_path / "report.csv"
    link.symlink_to(db_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    db_before = snapshot(db_path)
    for target in (str(link), "kefu.sqlite", "./sub/../kefu.sqlite-wal", "~/kefu.sqlite"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        args = [a.replace("{}", target) for a in outputs(tmp_path)[kind]]
        r = filled(*args)
        assert r.code == 2, f"{kind} → {target}: exit {r.code}: {r.err or r.out}"
        assert "正在使用的数据库" in r.err
    assert link.is_symlink() and Path(os.readlink(link)) == Path(db_path)
    store_schema.release(store_db.resolve_url(db_path))
    assert snapshot(db_path) == db_before


def test_outputs_next_to_the_database_still_work(filled, db_path, tmp_path):
    """The check is exact: a file merely named like the database is fine."""
    out = tmp_path / "kefu.sqlite.csv"
    assert filled("export", "complaints", str(out)).code == 0 and out.exists()
    backup = tmp_path / "kefu.sqlite-backup"
    assert filled("db", "backup", str(backup)).code == 0
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM complaint").fetchone() == (1,)


def test_backup_onto_the_live_file_or_into_its_own_folder_is_refused(filled, db_path, tmp_path):
    db_before = snapshot(db_path)
    for dest in (db_path, str(tmp_path)):  # a folder means <folder>/<database name>: the live file
        r = filled("db", "backup", dest)
        assert r.code == 2, r.err
        assert "备份文件" in r.err and "正在使用的数据库" in r.err
    store_schema.release(store_db.resolve_url(db_path))
    assert snapshot(db_path) == db_before


def test_a_fresh_process_refuses_before_reading_anything(db_path, tmp_path):
    """In a new process the root option alone protects the file: the import's CSV is never read."""
    store_schema.release(store_db.resolve_url(db_path))  # this process lets go of the file
    before = snapshot(db_path)
    p = proc("--db", db_path, "import", "complaints", str(tmp_path / "missing.csv"), "--errors", db_path)
    assert p.returncode == 2, p.stderr
    assert "正在使用的数据库" in p.stderr and "文件不存在" not in p.stderr
    p = proc("report", "deadlines", "--output", db_path + "-wal", "--fail-on-overdue", env_extra={"KEFU_DB": db_path})
    assert p.returncode == 2, p.stderr
    assert "正在使用的数据库" in p.stderr
    assert snapshot(db_path) == before
    assert not Path(db_path + "-wal").exists()
    p = proc("--db", db_path, "db", "check", "--json")
    assert p.returncode == 0, p.stderr
