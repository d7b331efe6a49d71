"""The same code on PostgreSQL, for head offices that outgrow one SQLite file.

Starts a throwaway PostgreSQL server (Debian's postgresql package: initdb + pg_ctl, on a
Unix socket in a temp folder, no TCP) and runs the whole demo script on it; both reports
must give the same JSON as on SQLite. Set KEFU_TEST_PG_URL to use an existing server instead.
Skipped, with the reason, where neither is available.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app
from kefu_cli.cli.demo import run_script

SAMPLE = Path(__file__).parents[1] / "sample_data"


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


@pytest.fixture(scope="module")
def pg_url():
    if os.environ.get("KEFU_TEST_PG_URL"):
        yield os.environ["KEFU_TEST_PG_URL"]
        return
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'kefu[postgres]')")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("no PostgreSQL server binaries (initdb/pg_ctl) on this machine")
    as_user: list[str] = []
    folder = tempfile.mkdtemp(prefix="kefu-pg-")
    if os.geteuid() == 0:  # initdb refuses to run as root
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, port = os.path.join(folder, "data"), "54329"
    subprocess.run([*as_user, initdb, "-D", data, "-A", "trust", "-U", "kefu"], check=True, capture_output=True)
    opts = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
    subprocess.run([*as_user, pg_ctl, "-D", data, "-o", opts, "-l", os.path.join(folder, "log"), "-w", "start"],
                   check=True, capture_output=True)  # fmt: skip
    try:
        for _ in range(50):
            ok = subprocess.run(["psql", "-h", folder, "-p", port, "-U", "kefu", "-d", "postgres", "-c",
                                 "CREATE DATABASE kefu"], capture_output=True)  # fmt: skip
            if ok.returncode == 0:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"PostgreSQL did not accept connections: {ok.stderr.decode()}")
        yield f"postgresql+psycopg://kefu@/kefu?host={folder}&port={port}"
    finally:
        from kefu_cli.store import schema as store_schema

        for url in list(store_schema._checked):
            if url.startswith("postgresql"):
                store_schema.release(url)
        subprocess.run([*as_user, pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def cli_json(db: str, *args: str) -> dict:
    r = CliRunner().invoke(app, ["--db", db, *args, "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def report_json(db: str, *args: str) -> dict:
    r = CliRunner().invoke(app, ["--db", db, "report", *args, "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_demo_on_postgresql_gives_the_same_reports_as_sqlite(pg_url, tmp_path):
    sqlite = str(tmp_path / "demo.sqlite")
    assert run_script(pg_url, SAMPLE) == run_script(sqlite, SAMPLE)
    for args in (["deadlines", "--as-of", "2026-11-20"], ["stats", "--from", "2026-09-01", "--to", "2026-11-30",
                                                            "--as-of", "2026-11-20"],
                 ["annual", "--year", "2026", "--as-of", "2026-11-20"], ["annual", "--year", "2026"]):  # fmt: skip
        pg, lite = report_json(pg_url, *args), report_json(sqlite, *args)
        # each database has its own audit chain (recorded times differ); the reports agree
        assert (pg.pop("chain_head", None) is None) == (lite.pop("chain_head", None) is None)
        assert pg == lite
    # The commands that read one SQL text through the report source (plain sqlite3 on SQLite,
    # SQLAlchemy here): the same documents.
    for args in (["complaint", "list"], ["complaint", "list", "--all", "--phone", "5678"],
                 ["complaint", "list", "--name", "王", "--overdue"], ["search", "王"], ["search", "5678"],
                 ["search", "P2025"], ["callback", "stats"], ["callback", "stats", "--branch", "朝阳支公司"]):  # fmt: skip
        pg, lite = cli_json(pg_url, *args), cli_json(sqlite, *args)
        for doc in (pg, lite):  # when each database's run wrote its rows
            for item in doc.get("items", []):
                item.pop("created_at", None), item.pop("updated_at", None)
        assert pg == lite, args
    # One read path (tests/test_readers_agree.py): every reader of deadlines gives the same
    # due dates, buckets, days left and overdue flags on PostgreSQL as on SQLite, on explicit days.
    for day in ("2026-11-20", "2026-12-07"):
        for args in (["report", "deadlines"], ["complaint", "list", "--all"], ["claim", "list", "--all"],
                     ["search", "2026", "--limit", "200"]):  # fmt: skip
            pg, lite = cli_json(pg_url, *args, "--as-of", day), cli_json(sqlite, *args, "--as-of", day)
            for doc in (pg, lite):
                doc.pop("chain_head", None)
                # when each database's run wrote its rows (a register policy's date without a period)
                doc["items"] = [i for i in doc["items"] if i.get("case_type") != "policy"]
                for item in doc["items"]:
                    item.pop("created_at", None), item.pop("updated_at", None)
            assert pg == lite, (args, day)
        for case_type, case_id in (("complaint", "TS-20261119-0001"), ("claim", "BA-20261116-0001")):
            pg, lite = (
                cli_json(db, case_type, "show", case_id, "--as-of", day)["deadlines"] for db in (pg_url, sqlite)
            )
            assert pg == lite, (case_id, day)
        for what in ("deadlines", "complaints", "callbacks"):
            files = [tmp_path / f"{what}-{day}-{n}.csv" for n in ("pg", "lite")]
            for db, dest in zip((pg_url, sqlite), files, strict=True):
                r = CliRunner().invoke(app, ["--db", db, "export", what, str(dest), "--as-of", day])
                assert r.exit_code == 0, r.stderr
            pg, lite = (
                [row[:17] + row[18:] for row in csv.reader(f.read_text(encoding="utf-8-sig").splitlines())]
                for f in files
            )  # a callback's 登记时间 (column 18) is when each run wrote it; a complaint has no column there
            assert pg == lite, (what, day)
    # The audit chain, its append-only trigger and the fold hold on PostgreSQL too.
    r = CliRunner().invoke(app, ["--db", pg_url, "db", "verify", "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.stdout
    assert json.loads(r.stdout)["checked"]["complaint"] == 17
    import psycopg

    with (
        psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as con,
        pytest.raises(psycopg.errors.RaiseException, match="append-only"),
    ):
        con.execute("DELETE FROM audit_event WHERE id = 1")
    r = CliRunner().invoke(app, ["--db", pg_url, "db", "check", "--json"], catch_exceptions=False)
    from kefu_cli.store.schema import SCHEMA_HEAD

    check = json.loads(r.stdout)
    assert r.exit_code == 0 and check["ok"] is True and check["schema"] == SCHEMA_HEAD
    assert check["rows"]["complaint"] == 17
    # case numbers stay unique through the upsert counter on PostgreSQL too
    r = CliRunner().invoke(app, ["--db", pg_url, "complaint", "list", "--json"], catch_exceptions=False)
    ids = [c["id"] for c in json.loads(r.stdout)["items"]]
    assert len(ids) == len(set(ids)) == 17
    # A past as-of day on a database with later steps (tests/test_readers_agree.py): the readers
    # fold the history up to the end of the day on PostgreSQL as on SQLite.
    for db in (pg_url, sqlite):
        for args in (
            ("complaint", "decide", "TS-20261105-0001", "--result", "退还保费", "--at", "2026-11-23T10:00"),
            ("complaint", "assign", "TS-20261113-0001", "--handler", "张敏", "--branch", "海淀支公司",
             "--at", "2026-11-24T09:00"),
        ):  # fmt: skip
            r = CliRunner().invoke(app, ["--db", db, *args], catch_exceptions=False)
            assert r.exit_code == 0, r.stderr
    for args in (["complaint", "list", "--all"], ["complaint", "list", "--handler", "刘洋"], ["claim", "list"],
                 ["search", "2026", "--limit", "200"]):  # fmt: skip
        pg, lite = (cli_json(db, *args, "--as-of", "2026-11-20") for db in (pg_url, sqlite))
        for doc in (pg, lite):
            doc["items"] = [i for i in doc["items"] if i.get("case_type") != "policy"]
            for item in doc["items"]:
                item.pop("created_at", None), item.pop("updated_at", None)
        assert pg == lite, args
    shown = [cli_json(db, "complaint", "show", "TS-20261105-0001", "--as-of", "2026-11-20") for db in (pg_url, sqlite)]
    assert [(s["status"], s["decided_at"]) for s in shown] == [("accepted", None)] * 2
    assert shown[0]["deadlines"] == shown[1]["deadlines"]
    # the past day's stats count the complaint reassigned later under its branch then, on both
    stats = [report_json(db, "stats", "--from", "2026-11-01", "--to", "2026-11-20") for db in (pg_url, sqlite)]
    for doc in stats:
        doc.pop("chain_head", None)
    assert stats[0] == stats[1] and stats[0]["history"] is True
    now = report_json(sqlite, "stats", "--from", "2026-11-01", "--to", "2026-11-20", "--as-of", "2026-12-01")
    was, is_ = ({r["branch"]: r["count"] for r in s["complaints"]["by_branch"]} for s in (stats[0], now))
    assert was["丰台营业部"] == is_["丰台营业部"] + 1
    # callback show of a past day: the callback, its attempts, follow-ups and deadlines then, on both
    shown = [cli_json(db, "callback", "show", "HF-20261116-0006", "--as-of", "2026-11-18") for db in (pg_url, sqlite)]
    assert shown[0] == shown[1] and (shown[0]["status"], shown[0]["attempts"]) == ("open", [])
