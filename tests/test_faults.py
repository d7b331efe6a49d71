"""Faults: a damaged file, a full disk, a long import next to a clerk, a held write lock.

Each ends as one sentence and exit 3 with nothing half-written; imports commit in chunks so
other writers get the lock between them, and a killed import finishes when run again.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from conftest import Kefu, init_db
from kefu_cli.services import imports
from kefu_cli.store import db as store_db
from kefu_cli.store import engine as store_engine
from kefu_cli.store import faults as store_faults
from kefu_cli.store import schema as store_schema

HEADER = "受理时间,受理方式,投诉类别,投诉人,联系电话,与消费者关系,保单号,投诉内容,机构,经办人,材料齐全,监管转办编号,监管报告期限"
ADD = ["complaint", "add", "--received", "2026-11-20T10:00", "--channel", "电话", "--category", "服务"]


def rows_csv(path: Path, n: int, seed: int = 1, extra: list[str] | None = None) -> Path:
    """n distinct complaint rows (received in October 2026, complete materials)."""
    lines = [HEADER]
    for i in range(n):
        day, hour, minute = 1 + (i // 600) % 28, 8 + i % 10, (i // 10) % 60
        lines.append(
            f"2026-10-{day:02d} {hour:02d}:{minute:02d},电话,理赔,客户{seed}-{i},139{seed:02d}{i:06d},本人,"
            f"P{seed}-{i},理赔拒付,朝阳支公司,李娜,是,,"
        )
    lines += extra or []
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def count(db: str, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def one_sentence(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def kefu_command() -> list[str]:
    exe = Path(sys.executable).with_name("kefu")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("kefu")
    return [found] if found else [sys.executable, "-m", "kefu_cli"]


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("KEFU_DB", "FORCE_COLOR")}
    return {**out, "CI": "true", "KEFU_CLERK": "tester", "PYTHONIOENCODING": "utf-8"}


@pytest.fixture
def fast_chunks(monkeypatch):
    """Small chunks and no pause, so in-process tests see several chunks quickly."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 4)
    monkeypatch.setattr(imports, "PAUSE_SECONDS", 0)


# --- 1. a damaged database refuses writes ----------------------------------------------------
def damaged_copy(source: str, dest: Path) -> tuple[Path, int]:
    """A consistent copy of `source` with one page in the middle overwritten (not the header).

    The page is a leaf of an audit-event index where SQLite can say so (dbstat), so that the
    reads below do not touch it; quick_check must report it.
    """
    with sqlite3.connect(source) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    with sqlite3.connect(dest) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        try:
            leaves = [
                r[0]
                for r in conn.execute(
                    "SELECT pageno FROM dbstat WHERE name = 'ix_audit_entity_at' AND pagetype = 'leaf'"
                )
            ]
        except sqlite3.OperationalError:  # no dbstat in this SQLite build
            leaves = []
    page = min(leaves, key=lambda p: abs(p - pages // 2)) if leaves else pages // 2
    assert 1 < page < pages
    with open(dest, "r+b") as f:
        f.seek((page - 1) * page_size)
        f.write(b"\xff" * page_size)
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok", "the copy must be damaged"
    return dest, page


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_database_refuses_writes_and_backups_but_still_reads(kefu, tmp_path, monkeypatch):
    kefu.ok("import", "complaints", str(rows_csv(tmp_path / "c.csv", 120)), "--at", "2026-11-20T18:00", "--json")
    first = kefu.ok("complaint", "list", "--json")["items"][0]["id"]
    bad, _ = damaged_copy(kefu.db, tmp_path / "damaged.sqlite")
    before = digest(bad)
    damaged = Kefu(str(bad))

    for command in (
        [*ADD, "--name", "王建国", "--phone", "13812345678"],
        ["complaint", "accept", first],
        ["import", "complaints", str(rows_csv(tmp_path / "more.csv", 3, seed=9))],
    ):
        r = damaged(*command)
        assert r.code == 3, r.err
        assert "数据库检查未通过" in r.err and "kefu db check" in r.err and "kefu db backup 的副本" in r.err
        one_sentence(r.err)
    assert digest(bad) == before, "nothing was written into the damaged file"
    wal = Path(str(bad) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert not Path(str(bad) + store_faults.CHECK_STAMP_SUFFIX).exists()

    # Reads still work (a clerk can look cases up and export what is readable) …
    listed = damaged("complaint", "list", "--json")
    assert listed.code == 0, listed.err
    assert listed.json()["count"] == 120

    # … but a backup of damage would pass for a good copy: refused, nothing written.
    r = damaged("db", "backup", str(tmp_path / "backup.sqlite"))
    assert r.code == 3 and "不做备份" in r.err and "数据库检查未通过" in r.err
    one_sentence(r.err)
    assert not (tmp_path / "backup.sqlite").exists() and not list(tmp_path.glob("*.part"))

    r = damaged("db", "check", "--json")
    assert r.code == 3 and r.json()["ok"] is False
    assert digest(bad) == before


def test_the_full_check_runs_again_only_when_the_file_changed(kefu, tmp_path, monkeypatch):
    url = store_db.resolve_url(kefu.db)
    calls: list[Path] = []
    real = store_faults.quick_check
    monkeypatch.setattr(store_faults, "quick_check", lambda path: calls.append(path) or real(path))

    store_schema.release(url)  # as a new process would see it
    Path(kefu.db + store_faults.CHECK_STAMP_SUFFIX).unlink(missing_ok=True)
    kefu.ok(*ADD, "--name", "王建国", "--phone", "13812345678")
    assert len(calls) == 1  # no record of a check yet: the full check
    store_schema.release(url)  # what the process does at exit: close (SQLite checkpoints) …
    store_faults.record_check(url, True)  # … and stamp the file as it is now
    kefu.ok(*ADD, "--name", "陈丽华", "--phone", "13998765432")
    assert len(calls) == 1  # the file is as kefu left it: header checks only
    store_schema.release(url)
    stat = os.stat(kefu.db)
    os.utime(kefu.db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # someone else wrote
    kefu.ok(*ADD, "--name", "赵德明", "--phone", "13700001111")
    assert len(calls) == 2


# --- 2. a full disk: one sentence, exit 3, nothing half-written --------------------------------
@pytest.fixture
def page_limit(kefu):
    """`limit(extra)`: the write engine may grow the file by `extra` pages at most (SQLITE_FULL after)."""
    url = store_db.resolve_url(kefu.db)
    engine = store_engine.engine_for(url, write=True)
    listeners = []

    def limit(extra: int) -> None:
        with sqlite3.connect(kefu.db) as conn:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]

        def cap(dbapi_conn, _record):
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages + extra}")

        store_schema.release(url)
        event.listen(engine, "connect", cap)
        listeners.append(cap)

    yield limit
    for cap in listeners:
        event.remove(engine, "connect", cap)
    store_schema.release(url)


def test_a_full_database_is_one_sentence_and_leaves_no_half_case(kefu, page_limit):
    kefu.ok(*ADD, "--name", "王建国", "--phone", "13812345678")
    page_limit(0)
    saved = 1
    for i in range(40):  # the last pages fill up after a complaint or two
        r = kefu(*ADD, "--name", f"客户{i}", "--phone", f"1370000{i:04d}")
        if r.code != 0:
            break
        saved += 1
    else:
        pytest.fail("max_page_count never filled up")
    assert r.code == 3, r.err
    assert "磁盘空间不足" in r.err and "没有保存任何内容" in r.err
    one_sentence(r.err)
    # the failed complaint left nothing: no case row, no deadline, no audit event
    assert count(kefu.db, "complaint") == saved
    assert count(kefu.db, "deadline") == 3 * saved
    with sqlite3.connect(kefu.db) as conn:
        registered = conn.execute("SELECT count(*) FROM audit_event WHERE action = 'register'").fetchone()[0]
    assert registered == saved


def test_a_full_disk_during_an_import_is_not_no_such_savepoint(kefu, tmp_path, page_limit):
    """SQLite undoes the whole transaction on SQLITE_FULL, so SQLAlchemy's ROLLBACK TO SAVEPOINT
    for the failed row used to fail with "no such savepoint", hiding the cause."""
    audit = count(kefu.db, "audit_event")
    page_limit(0)
    r = kefu("import", "complaints", str(rows_csv(tmp_path / "c.csv", 40)), "--at", "2026-11-20T18:00")
    assert r.code == 3, r.err
    assert "磁盘空间不足" in r.err and "savepoint" not in r.err.lower()
    one_sentence(r.err)
    assert count(kefu.db, "complaint") == 0 and count(kefu.db, "audit_event") == audit


def test_a_full_disk_between_chunks_keeps_whole_chunks_and_a_rerun_finishes(kefu, tmp_path, page_limit, fast_chunks):
    f = rows_csv(tmp_path / "c.csv", 30)
    page_limit(25)  # room for a few chunks of 4 rows, not for 30 rows
    r = kefu("import", "complaints", str(f), "--at", "2026-11-20T18:00")
    assert r.code == 3, r.err
    assert "磁盘空间不足" in r.err and "重新运行同一命令" in r.err
    one_sentence(r.err)
    saved = count(kefu.db, "complaint")
    assert 0 < saved < 30 and saved % 4 == 0, "only whole chunks were committed"
    with sqlite3.connect(kefu.db) as conn:
        registered = conn.execute("SELECT count(*) FROM audit_event WHERE action = 'register'").fetchone()[0]
    assert registered == saved and count(kefu.db, "deadline") == 3 * saved
    page_limit(10_000)  # space freed
    again = kefu.ok("import", "complaints", str(f), "--at", "2026-11-20T18:00", "--json")
    assert again["created"] == 30 - saved and len(again["skipped"]) == saved
    assert count(kefu.db, "complaint") == 30


def test_a_full_disk_on_an_export_is_one_sentence_and_leaves_no_part_file(kefu, tmp_path, monkeypatch):
    kefu.ok(*ADD, "--name", "王建国", "--phone", "13812345678")
    out = tmp_path / "exports"
    out.mkdir()

    def full(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    import kefu_cli.io.files as files

    monkeypatch.setattr(files.os, "fsync", full)
    r = kefu("export", "complaints", str(out / "投诉.csv"))
    assert r.code == 3, r.err
    assert "磁盘空间不足" in r.err and "未留下不完整的文件" in r.err
    one_sentence(r.err)
    assert list(out.iterdir()) == []


def test_explain_finds_the_cause_behind_no_such_savepoint():
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError("no such savepoint: sa_savepoint_2") from None
    except sqlite3.OperationalError as exc:
        assert exc.__context__ is not None
        known = store_db.explain(exc)
    assert known is not None and str(known) == store_db.FULL_MESSAGE
    alone = store_db.explain(sqlite3.OperationalError("no such savepoint: sa_savepoint_1"))
    assert alone is not None and "没有保存任何内容" in str(alone)


# --- 3. imports commit in chunks ---------------------------------------------------------------
def test_a_bad_row_anywhere_imports_nothing_even_across_chunks(kefu, tmp_path, fast_chunks):
    bad = "2026-10-09 09:00,pigeon,理赔,王五,13700001111,本人,P-bad,,,,是,,"
    f = rows_csv(tmp_path / "c.csv", 20, extra=[bad])
    r = kefu("import", "complaints", str(f))
    assert r.code == 2 and "第 22 行" in r.err and "pigeon" in r.err and "整个文件未导入" in r.err
    assert count(kefu.db, "complaint") == 0 and count(kefu.db, "audit_event") == 0


def test_dry_run_and_duplicates_across_chunks_match_the_real_import(kefu, tmp_path, fast_chunks):
    f = rows_csv(tmp_path / "c.csv", 10)
    lines = f.read_text(encoding="utf-8").splitlines()
    f.write_text("\r\n".join([*lines, lines[2]]) + "\r\n", encoding="utf-8")  # file line 3 (the 2nd row) again, in a later chunk
    dry = kefu.ok("import", "complaints", str(f), "--dry-run", "--json")
    assert dry["created"] == 10 and [s["line"] for s in dry["skipped"]] == [12]
    assert count(kefu.db, "complaint") == 0 and count(kefu.db, "audit_event") == 0
    real = kefu.ok("import", "complaints", str(f), "--at", "2026-11-20T18:00", "--json")
    assert real["created"] == 10 and [s["line"] for s in real["skipped"]] == [12]
    # numbered in file order, whatever the chunks: 2026-10-01 rows 1..10
    assert real["ids"] == [f"TS-20261001-{i:04d}" for i in range(1, 11)]
    assert real["skipped"][0]["id"] == real["ids"][1]
    with sqlite3.connect(kefu.db) as conn:
        registered = conn.execute("SELECT count(*) FROM audit_event WHERE action = 'register'").fetchone()[0]
    assert registered == 10


def test_phones_written_with_spaces_or_dashes_are_found_again_on_a_rerun(kefu, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(f"{HEADER}\r\n2026-10-09 09:00,电话,理赔,王五,137-0000 1111,本人,P1,,,,是,,\r\n", encoding="utf-8")
    kefu.ok("import", "complaints", str(f), "--json")
    again = kefu.ok("import", "complaints", str(f), "--json")
    assert again["created"] == 0 and len(again["skipped"]) == 1
    assert count(kefu.db, "complaint") == 1


def wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def complaints_in(db: str) -> int:
    try:
        return count(db, "complaint")
    except sqlite3.OperationalError:  # locked for an instant by a checkpoint
        return 0


N_CONCURRENT = 30_000  # long enough to be still running on a fast machine (imports run ~20,000 rows/s)


def test_a_clerk_adds_a_complaint_while_a_big_import_runs(tmp_path):
    db = init_db(str(tmp_path / "shared.sqlite"))
    f = rows_csv(tmp_path / "big.csv", N_CONCURRENT)
    kefu = kefu_command()
    importer = subprocess.Popen(
        [*kefu, "--db", db, "import", "complaints", str(f), "--at", "2026-11-20T18:00", "--json"],
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        note = Path(db + store_db.WRITER_NOTE_SUFFIX)
        wait_for(note.exists, 60, "the import to take the write lock")
        holder = json.loads(note.read_text(encoding="utf-8"))
        assert holder["pid"] == importer.pid
        assert holder["command"].startswith("kefu import complaints ") and holder["command"].endswith("big.csv")
        started = time.monotonic()
        add = subprocess.run(
            [*kefu, "--db", db, *ADD, "--name", "王建国", "--phone", "13812345678", "--json"],
            env=env(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
        waited = time.monotonic() - started
        assert add.returncode == 0, add.stderr
        assert waited < 10, f"the clerk waited {waited:.1f} s"
        assert importer.poll() is None, "the import was still running while the clerk's add went through"
        out, err = importer.communicate(timeout=600)
    finally:
        importer.kill()
    assert importer.returncode == 0, err
    assert json.loads(out)["created"] == N_CONCURRENT
    assert count(db, "complaint") == N_CONCURRENT + 1
    assert not Path(db + store_db.WRITER_NOTE_SUFFIX).exists()
    check = subprocess.run([*kefu, "--db", db, "db", "check", "--json"], env=env(), capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["rows"]["complaint"] == N_CONCURRENT + 1


N_KILLED = 30_000  # several chunks (at most imports.CHUNK_ROWS rows each)


def test_a_killed_import_finishes_without_duplicates_when_run_again(tmp_path):
    db = init_db(str(tmp_path / "shared.sqlite"))
    f = rows_csv(tmp_path / "big.csv", N_KILLED)
    command = [*kefu_command(), "--db", db, "import", "complaints", str(f), "--at", "2026-11-20T18:00", "--json"]
    importer = subprocess.Popen(command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: complaints_in(db) > 0, 120, "the first chunk to be committed")
    finally:
        importer.kill()  # SIGKILL: no clean-up of any kind
        importer.wait()
    saved = count(db, "complaint")
    assert 0 < saved < N_KILLED, "killed after the first chunk, before the last"

    again = subprocess.run(command, env=env(), capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert result["created"] + len(result["skipped"]) == N_KILLED
    assert len(result["skipped"]) >= saved  # the committed chunks (and any chunk still in flight) skipped
    with sqlite3.connect(db) as conn:
        total, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT received_at || phone || policy_no) FROM complaint"
        ).fetchone()
        registered = conn.execute("SELECT count(*) FROM audit_event WHERE action = 'register'").fetchone()[0]
    assert total == distinct == registered == N_KILLED
    check = subprocess.run([*kefu_command(), "--db", db, "db", "check"], env=env(), capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


# --- 4. a lock that times out names its holder -------------------------------------------------
@pytest.fixture
def short_busy_timeout(kefu, monkeypatch):
    monkeypatch.setenv("KEFU_BUSY_TIMEOUT_MS", "300")
    store_schema.release(store_db.resolve_url(kefu.db))  # new connections take the short timeout
    yield
    store_schema.release(store_db.resolve_url(kefu.db))


def write_note(db: str, pid: int, command: str = "kefu import complaints 大文件.csv") -> None:
    from kefu_cli import clock

    since = dt.datetime.combine(clock.today(), dt.time(10, 31), tzinfo=clock.CST)  # today, by the set clock
    note = {"pid": pid, "host": socket.gethostname(), "command": command, "since": since.isoformat()}
    Path(db + store_db.WRITER_NOTE_SUFFIX).write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")


def test_a_lock_timeout_names_the_kefu_process_that_holds_it(kefu, short_busy_timeout):
    holder = sqlite3.connect(kefu.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = kefu(*ADD, "--name", "王建国", "--phone", "13812345678")
        assert r.code == 3, r.err
        assert "另一个程序占用写锁" in r.err and "请稍后重试" in r.err and "没有保存任何内容" in r.err
        one_sentence(r.err)

        write_note(kefu.db, os.getpid())  # a live process: this one stands in for the import
        r = kefu(*ADD, "--name", "王建国", "--phone", "13812345678")
        assert r.code == 3, r.err
        assert f"另一个 kefu 进程(pid {os.getpid()}, kefu import complaints 大文件.csv, 自 10:31 起)占用写锁" in r.err
        assert "请等它结束后重试" in r.err
        one_sentence(r.err)

        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        write_note(kefu.db, gone.pid)  # left behind by a killed process: not believed
        r = kefu(*ADD, "--name", "王建国", "--phone", "13812345678")
        assert r.code == 3 and "另一个程序占用写锁" in r.err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert count(kefu.db, "complaint") == 0
    kefu.ok(*ADD, "--name", "王建国", "--phone", "13812345678")  # the lock is free: it works, note replaced
    assert not Path(kefu.db + store_db.WRITER_NOTE_SUFFIX).exists()


def test_the_writer_note_exists_only_while_the_write_lock_is_held(kefu):
    from kefu_cli.services.context import unit_of_work

    note = Path(kefu.db + store_db.WRITER_NOTE_SUFFIX)
    with unit_of_work(kefu.db, write=False):
        assert not note.exists()
    with unit_of_work(kefu.db):
        data = json.loads(note.read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid() and data["host"] == socket.gethostname()
    assert not note.exists()
    with pytest.raises(RuntimeError), unit_of_work(kefu.db):
        raise RuntimeError("boom")
    assert not note.exists()


def test_the_note_names_the_command_but_no_personal_data():
    summary = store_db._command_summary
    argv = ["/x/bin/kefu", "--db", "b.sqlite", "complaint", "add", "--name", "王建国", "--phone", "13812345678"]
    assert summary(argv) == "kefu complaint add"
    assert summary(["kefu", "import", "complaints", "投诉.csv", "--at", "2026-11-20"]) == "kefu import complaints 投诉.csv"
    assert summary(["kefu", "complaint", "note", "TS-1", "客户说…"]) == "kefu complaint note TS-1"
