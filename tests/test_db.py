"""The store: default location, schema upgrades from the first schema, check, backup."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app
from kefu_cli.store import db as store_db
from kefu_cli.store import engine as store_engine
from kefu_cli.store import faults as store_faults
from kefu_cli.store import schema as store_schema

FIXTURE = Path(__file__).parent / "data" / "kefu_schema_0001.sqlite"


def run(*args: str):
    r = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_new_database_is_created_with_wal_and_current_schema(kefu, tmp_path):
    kefu = type(kefu)(str(tmp_path / "new.sqlite"))  # the fixture's database is already initialised
    out = kefu.ok("db", "init", "--json")
    assert out["schema_before"] is None and out["schema"] == store_schema.SCHEMA_HEAD
    check = kefu.ok("db", "check", "--json")
    assert check["ok"] is True and check["integrity"] == "ok"
    assert check["journal_mode"] == "wal"
    assert check["schema"] == store_schema.SCHEMA_HEAD
    again = kefu.ok("db", "init", "--json")
    assert again["schema_before"] == store_schema.SCHEMA_HEAD


def test_schema_head_constant_matches_migration_scripts():
    assert store_schema.script_head() == store_schema.SCHEMA_HEAD


def test_models_match_migrations(tmp_path):
    """The SQLModel classes and the migrations describe the same tables, columns and indexes."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import kefu_cli.store.admin_models  # noqa: F401 - registers the tables
    import kefu_cli.store.callback_models  # noqa: F401
    import kefu_cli.store.claim_models  # noqa: F401
    import kefu_cli.store.complaint_models  # noqa: F401
    import kefu_cli.store.master_models  # noqa: F401
    import kefu_cli.store.models  # noqa: F401

    url = "sqlite:///" + str(tmp_path / "m.sqlite")
    store_schema.ensure_schema(url, create=True)
    with store_engine.engine_for(url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [
            d
            for d in compare_metadata(ctx, SQLModel.metadata)
            if not (d[0] == "remove_table" and d[1].name == "alembic_version")
        ]
    assert diff == []


def test_database_from_first_schema_upgrades_in_place_with_nothing_lost(tmp_path):
    db = tmp_path / "branch.sqlite"
    shutil.copy(FIXTURE, db)
    code, out, err = run("--db", str(db), "db", "check", "--json")
    assert code == 3  # an old schema is a problem until upgraded
    assert '"schema": "0001"' in out

    code, out, err = run("--db", str(db), "db", "init", "--json")
    assert code == 0, err
    assert '"schema_before": "0001"' in out
    backups = list(tmp_path.glob("branch.sqlite.before-*-from-0001.bak"))
    assert len(backups) == 1, "a copy of the old file is kept before upgrading"
    assert sqlite3.connect(backups[0]).execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)

    code, out, _ = run("--db", str(db), "db", "check", "--json")
    assert code == 0 and '"ok": true' in out

    # everything the old database held is still there and still used
    code, out, _ = run("--db", str(db), "policy", "list", "--json")
    assert '"key": "complaint.acceptance",\n      "value": 8' in out
    code, out, _ = run("--db", str(db), "workday", "check", "2026-12-31", "--json")
    assert '"workday": false' in out and '"source": "override"' in out
    code, out, _ = run("--db", str(db), "workday", "coverage", "--json")
    assert '"year": 2027,\n      "source": "override"' in out
    con = sqlite3.connect(db)
    assert con.execute("SELECT case_id, due, branch FROM deadline").fetchall() == [
        ("TS-20261102-0001", "2026-11-12", "朝阳支公司")
    ]
    assert con.execute("SELECT count(*) FROM audit_event WHERE entity = 'policy'").fetchone() == (1,)
    assert con.execute("SELECT value FROM counter WHERE key = 'TS-20261102'").fetchone() == (1,)
    # the new tables exist and are empty
    assert con.execute("SELECT count(*) FROM complaint").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM callback").fetchone() == (0,)


def test_any_command_upgrades_an_old_database(tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, db)
    code, out, err = run("--db", str(db), "workday", "add", "2026-09-18", "10", "--json")
    assert code == 0, err
    assert sqlite3.connect(db).execute("SELECT version_num FROM alembic_version").fetchone() == (
        store_schema.SCHEMA_HEAD,
    )


def test_database_from_a_newer_kefu_is_refused_unchanged(tmp_path):
    db = tmp_path / "newer.sqlite"
    shutil.copy(FIXTURE, db)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE alembic_version SET version_num = '9001'")
    before = list(sqlite3.connect(db).iterdump())
    code, _, err = run("--db", str(db), "workday", "check", "2026-10-10")
    assert code == 3
    assert "9001" in err and "升级 kefu" in err
    assert list(sqlite3.connect(db).iterdump()) == before
    assert not list(tmp_path.glob("*.bak"))


def test_a_file_that_is_not_a_database_is_exit_3_without_traceback(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    code, _, err = run("--db", str(bad), "workday", "check", "2026-10-10")
    assert code == 3
    assert "Traceback" not in err and "数据库" in err


def test_check_of_a_missing_file_is_exit_3(tmp_path):
    code, _, err = run("--db", str(tmp_path / "none.sqlite"), "db", "check")
    assert code == 3 and "kefu db init" in err
    assert not (tmp_path / "none.sqlite").exists()


def test_default_location_is_per_user_and_kefu_db_overrides_it(tmp_path, monkeypatch):
    monkeypatch.delenv("KEFU_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "data"))
    expected = tmp_path / "data" / "kefu" / "kefu.sqlite"
    assert store_db.resolve_url(None) == "sqlite:///" + str(expected.resolve())
    code, _, err = run("db", "init")
    assert code == 0, err
    assert expected.exists()
    monkeypatch.setenv("KEFU_DB", str(tmp_path / "env.sqlite"))
    code, _, err = run("db", "init")
    assert code == 0, err
    assert (tmp_path / "env.sqlite").exists()
    assert store_db.resolve_url("postgresql+psycopg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert store_db.safe_url("postgresql+psycopg://u:secret@h/db") == "postgresql+psycopg://u:***@h/db"


WRITER = textwrap.dedent(
    """
    import sys, time
    from kefu_cli.services.context import unit_of_work
    db, seconds = sys.argv[1], float(sys.argv[2])
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        with unit_of_work(db, clerk="writer") as uow:
            for _ in range(20):
                uow.audit("test", str(n), "write", payload="x" * 200)
                n += 1
    print(n)
    """
)


def test_backup_is_consistent_while_another_process_writes(kefu, db_path, tmp_path):
    kefu.ok("db", "init")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_path, "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        # the writer is running: wait for its first transaction (a loaded machine starts it late)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(db_path) as con:
                if con.execute("SELECT count(*) FROM audit_event WHERE entity = 'test'").fetchone()[0]:
                    break
            time.sleep(0.1)
        counts = []
        for i in range(3):
            dest = tmp_path / f"backup-{i}.sqlite"
            out = kefu.ok("db", "backup", str(dest), "--json")
            assert out["backup"] == str(dest)
            con = sqlite3.connect(dest)
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (store_schema.SCHEMA_HEAD,)
            # whole transactions only: the writer commits 20 events at a time
            (n,) = con.execute("SELECT count(*) FROM audit_event WHERE entity = 'test'").fetchone()
            assert n % 20 == 0
            counts.append(n)
            con.close()
            assert not dest.with_name(dest.name + ".part").exists()
            time.sleep(0.3)
    finally:
        stdout, stderr = writer.communicate(timeout=60)
    assert writer.returncode == 0, stderr
    assert "locked" not in stderr
    written = int(stdout.strip())
    assert counts == sorted(counts) and counts[-1] > 0
    assert written >= counts[-1]


def test_backup_into_a_folder_and_of_a_server_database(kefu, tmp_path):
    kefu.ok("db", "init")
    folder = tmp_path / "backups"
    folder.mkdir()
    out = kefu.ok("db", "backup", str(folder), "--json")
    assert Path(out["backup"]).parent == folder and Path(out["backup"]).exists()


@pytest.mark.parametrize("url", ["postgresql+psycopg://u:p@127.0.0.1:1/none"])
def test_backup_of_a_server_database_says_use_its_tools(url):
    with pytest.raises(store_db.DatabaseError, match="pg_dump"):
        store_faults.backup_sqlite(url, Path("x"))


def test_backup_to_a_missing_folder_is_one_sentence(kefu, tmp_path):
    kefu.ok("db", "init")
    r = kefu("db", "backup", str(tmp_path / "no" / "such" / "b.sqlite"))
    assert r.code == 2 and "备份目录不存在" in r.err and "Traceback" not in r.err


def test_upgrade_to_0004_builds_the_deadline_history_of_existing_rows(tmp_path):
    """A 0003 database with a complaint whose acceptance was met late and whose decision is open:
    the upgrade fills closed_at/breached from the close event and writes the events that
    point-in-time reports fold, so an as-of report before and after the close is right."""
    db = tmp_path / "old3.sqlite"
    shutil.copy(FIXTURE, db)
    url = store_db.resolve_url(str(db))
    store_schema.migrate(url, "0003")
    store_schema.release(url)
    with sqlite3.connect(db) as con:
        con.execute(
            "INSERT INTO complaint (id, received_at, channel, category, name, phone, relation, policy_no, summary,"
            " branch, handler, status, materials_complete_at, accepted_at, paused_workdays, created_at, created_by,"
            " updated_at) VALUES ('TS-20260921-0001', '2026-09-21 09:00:00.000000', 'phone', 'claims', '张三',"
            " '13812345678', 'self', '', '', '朝阳', '李娜', 'accepted', '2026-09-21 09:00:00.000000',"
            " '2026-10-12 10:00:00.000000', 0, '2026-11-01 10:00:00.000000', 'x', '2026-11-01 10:00:00.000000')"
        )
        ids = []
        for kind, due, status in [("acceptance", "2026-10-09", "met"), ("decision", "2026-10-19", "open")]:
            cur = con.execute(
                "INSERT INTO deadline (case_type, case_id, kind, rule, unit, amount, extra_workdays, start_at,"
                " due, due_at, provisional, basis, status, met_at, branch, handler, created_at, updated_at)"
                f" VALUES ('complaint', 'TS-20260921-0001', '{kind}', 'r', 'workdays', 10, 0,"
                f" '2026-09-21 09:00:00.000000', '{due}', '{due} 23:59:59.000000', 0, '', '{status}',"
                f" {'NULL' if status == 'open' else chr(39) + '2026-10-12 10:00:00.000000' + chr(39)}, '朝阳', '李娜',"
                " '2026-11-01 10:00:00.000000', '2026-11-01 10:00:00.000000')"
            )
            ids.append(cur.lastrowid)
        con.execute(
            "INSERT INTO audit_event (at, recorded_at, clerk, entity, entity_id, action, from_status, to_status,"
            " details) VALUES ('2026-09-21 09:00:00.000000', '2026-11-01 10:00:00.000000', 'x', 'complaint',"
            " 'TS-20260921-0001', 'register', NULL, 'registered', '{}'), ('2026-10-12 10:00:00.000000',"
            f" '2026-11-01 10:00:00.000000', 'x', 'deadline', '{ids[0]}', 'close', 'open', 'met', '{{}}')"
        )
    code, out, err = run("--db", str(db), "report", "deadlines", "--as-of", "2026-10-09", "--json")
    assert code == 0, err
    mine = [i for i in json.loads(out)["items"] if i["case_id"] == "TS-20260921-0001"]
    # On 10-09 the acceptance (met 10-12) was still open, due that day.
    assert {(i["kind"], i["status"]) for i in mine} == {("acceptance", "due_today"), ("decision", "later")}
    code, out, err = run("--db", str(db), "report", "deadlines", "--as-of", "2026-10-13", "--json")
    after_close = json.loads(out)
    assert [i["kind"] for i in after_close["items"] if i["case_id"] == "TS-20260921-0001"] == ["decision"]
    assert after_close["on_time"]["late"] == 1  # met 10-12, after its due day 10-09
    with sqlite3.connect(db) as con:
        row = con.execute(f"SELECT closed_at, breached FROM deadline WHERE id = {ids[0]}").fetchone()
        reg = con.execute("SELECT registered_at FROM complaint").fetchone()
    assert row[0].startswith("2026-10-12 10:00:00") and row[1] == 1
    assert reg[0].startswith("2026-09-21 09:00:00")
