"""Personal data: private files, masking in every output, an audit trail of every --unmask,
no personal data in error messages, no partial files after a failure or Ctrl-C."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app
from kefu_cli.services.exports import _complaint_rows as REAL_COMPLAINT_ROWS

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX (no-op on Windows)")

NAME, PHONE = "王小明", "13812345678"
MASKED_NAME, MASKED_PHONE = "王*明", "138****5678"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def add_complaint(kefu, name=NAME, phone=PHONE, *extra) -> str:
    return kefu.ok(
        "complaint", "add", "--received", "2026-09-21T09:00", "--channel", "phone", "--category", "claims",
        "--name", name, "--phone", phone, "--branch", "朝阳支公司", *extra, "--json",
    )["id"]  # fmt: skip


def add_callback(kefu, name=NAME, phone=PHONE) -> str:
    return kefu.ok(
        "callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", name, "--phone", phone,
        "--branch", "朝阳支公司", "--at", "2026-09-21T09:00", "--json",
    )["id"]  # fmt: skip


def privacy_events(db) -> list[tuple[str, str, str, dict]]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT clerk, entity_id, action, details FROM audit_event WHERE entity = 'privacy' ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [(c, e, a, json.loads(d)) for c, e, a, d in rows]


def table_counts(db) -> tuple[int, ...]:
    con = sqlite3.connect(db)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("complaint", "callback", "deadline", "audit_event")
        )
    finally:
        con.close()


def csv_rows(path: Path, encoding="utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


# --- file modes ------------------------------------------------------------------------------


@posix_only
def test_database_and_its_new_folder_are_private(tmp_path, monkeypatch):
    monkeypatch.setenv("KEFU_CLERK", "tester")
    old = os.umask(0o022)  # a typical umask would make 0644 files and 0755 folders
    try:
        db = tmp_path / "new" / "kefu.sqlite"
        r = CliRunner().invoke(app, ["--db", str(db), "db", "init"], catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
        assert mode(db) == 0o600
        assert mode(db.parent) == 0o700
        r = CliRunner().invoke(
            app,
            ["--db", str(db), "complaint", "add", "--channel", "phone", "--category", "claims",
             "--name", NAME, "--phone", PHONE, "--received", "2026-09-21T09:00"],
            catch_exceptions=False,
        )  # fmt: skip
        assert r.exit_code == 0, r.stderr
        for companion in ("-wal", "-shm"):  # SQLite gives its companions the main file's mode
            assert mode(str(db) + companion) == 0o600, companion
    finally:
        os.umask(old)


@posix_only
def test_an_existing_folder_keeps_its_mode(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    r = CliRunner().invoke(app, ["--db", str(folder / "k.sqlite"), "db", "init"], catch_exceptions=False)
    assert r.exit_code == 0
    assert mode(folder) == 0o755 and mode(folder / "k.sqlite") == 0o600


@posix_only
def test_the_per_user_default_database_is_private(tmp_path, monkeypatch):
    monkeypatch.delenv("KEFU_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("KEFU_CLERK", "tester")
    old = os.umask(0o022)
    try:
        r = CliRunner().invoke(app, ["complaint", "list", "--json"], catch_exceptions=False)
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.stderr
    db = tmp_path / "xdg" / "kefu" / "kefu.sqlite"
    assert mode(db) == 0o600 and mode(db.parent) == 0o700


@posix_only
def test_backup_export_report_and_errors_files_are_private(kefu, tmp_path):
    add_complaint(kefu)
    old = os.umask(0o022)
    try:
        backup = tmp_path / "backup.sqlite"
        kefu.ok("db", "backup", str(backup))
        export = tmp_path / "export.csv"
        kefu.ok("export", "complaints", str(export))
        callbacks = tmp_path / "callbacks.csv"
        kefu.ok("export", "callbacks", str(callbacks))
        report = tmp_path / "report.csv"
        kefu.ok("report", "deadlines", "--as-of", "2026-09-30", "--csv", "--output", str(report))
        bad = tmp_path / "bad.csv"
        bad.write_text("受理时间,受理方式,投诉类别,投诉人,联系电话\n2026-09-21 09:00,电话,理赔,王,abc\n", "utf-8")
        errors = tmp_path / "errors.csv"
        r = kefu("import", "complaints", str(bad), "--errors", str(errors))
        assert r.code == 2
    finally:
        os.umask(old)
    for path in (backup, export, callbacks, report, errors):
        assert path.exists(), path
        assert mode(path) == 0o600, path
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*.part"))


@posix_only
def test_an_export_over_a_public_file_makes_it_private(kefu, tmp_path):
    dest = tmp_path / "out.csv"
    dest.write_text("old", "utf-8")
    os.chmod(dest, 0o644)
    kefu.ok("export", "complaints", str(dest))
    assert mode(dest) == 0o600 and dest.read_bytes().startswith(b"\xef\xbb\xbf")


# --- masking in every output -------------------------------------------------------------------


def test_complaint_outputs_mask_name_and_phone(kefu):
    cid = add_complaint(kefu)
    for args in (("complaint", "show", cid), ("complaint", "list")):
        out = kefu.ok(*args)
        assert MASKED_NAME in out and MASKED_PHONE in out, args
        assert NAME not in out and PHONE not in out, args
    shown = kefu.ok("complaint", "show", cid, "--json")
    assert (shown["name"], shown["phone"]) == (MASKED_NAME, MASKED_PHONE)
    # nothing in the timeline carries them in full either
    assert NAME not in json.dumps(shown, ensure_ascii=False) and PHONE not in json.dumps(shown)
    listed = kefu.ok("complaint", "list", "--json")["items"][0]
    assert (listed["name"], listed["phone"]) == (MASKED_NAME, MASKED_PHONE)
    rows = list(csv.DictReader(io.StringIO(kefu.ok("complaint", "list", "--csv"))))
    assert (rows[0]["name"], rows[0]["phone"]) == (MASKED_NAME, MASKED_PHONE)
    r = kefu("complaint", "add", "--received", "2026-09-21T10:00", "--channel", "phone", "--category", "claims",
             "--name", NAME, "--phone", "13912345678", "--json")  # fmt: skip
    assert r.code == 0 and "13912345678" not in r.out and NAME not in r.out


def test_complaint_outputs_unmasked_on_request(kefu):
    cid = add_complaint(kefu)
    assert kefu.ok("complaint", "show", cid, "--json", "--unmask")["phone"] == PHONE
    assert kefu.ok("complaint", "show", cid, "--json", "--unmask")["name"] == NAME
    out = kefu.ok("complaint", "list", "--unmask")
    assert NAME in out and PHONE in out
    rows = list(csv.DictReader(io.StringIO(kefu.ok("complaint", "list", "--csv", "--unmask"))))
    assert (rows[0]["name"], rows[0]["phone"]) == (NAME, PHONE)


def test_callback_outputs_mask_name_and_phone(kefu):
    r = kefu("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", NAME, "--phone", PHONE,
             "--at", "2026-09-21T09:00")  # fmt: skip
    assert r.code == 0 and MASKED_NAME in r.out and NAME not in r.out
    cid = add_callback(kefu)
    for args in (("callback", "show", cid), ("callback", "list")):
        out = kefu.ok(*args)
        assert MASKED_NAME in out and MASKED_PHONE in out, args
        assert NAME not in out and PHONE not in out, args
    shown = kefu.ok("callback", "show", cid, "--json")
    assert (shown["name"], shown["phone"]) == (MASKED_NAME, MASKED_PHONE)
    item = kefu.ok("callback", "list", "--json")["items"][0]
    assert (item["name"], item["phone"]) == (MASKED_NAME, MASKED_PHONE)
    # --unmask: the full values, in JSON and for people
    assert kefu.ok("callback", "show", cid, "--json", "--unmask")["name"] == NAME
    assert kefu.ok("callback", "list", "--json", "--unmask")["items"][0]["phone"] == PHONE
    assert NAME in kefu.ok("callback", "show", cid, "--unmask")
    r = kefu("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", NAME, "--phone", PHONE,
             "--at", "2026-09-21T09:00", "--unmask")  # fmt: skip
    assert r.code == 0 and NAME in r.out


def test_exports_mask_names_and_phones_unless_unmask(kefu, tmp_path):
    add_complaint(kefu)
    add_callback(kefu)
    for what, name_col, phone_col in (("complaints", "投诉人", "联系电话"), ("callbacks", "客户", "联系电话")):
        dest = tmp_path / f"{what}.csv"
        r = kefu("export", what, str(dest))
        assert r.code == 0 and "打码" in r.out
        rows = list(csv.DictReader(io.StringIO(dest.read_bytes().decode("utf-8-sig"))))
        assert (rows[0][name_col], rows[0][phone_col]) == (MASKED_NAME, MASKED_PHONE), what
        full = tmp_path / f"{what}-full.csv"
        out = kefu.ok("export", what, str(full), "--unmask", "--json")
        assert out["masked"] is False
        rows = list(csv.DictReader(io.StringIO(full.read_bytes().decode("utf-8-sig"))))
        assert (rows[0][name_col], rows[0][phone_col]) == (NAME, PHONE), what


# --- an audit event for every unmasked output ----------------------------------------------------


def test_every_unmask_writes_one_audit_event(kefu, tmp_path):
    cid = add_complaint(kefu)
    add_complaint(kefu, "李雷", "13900000000")
    hf = add_callback(kefu)
    # masked outputs leave no trace
    kefu.ok("complaint", "show", cid)
    kefu.ok("complaint", "list", "--json")
    kefu.ok("callback", "list")
    kefu.ok("export", "complaints", str(tmp_path / "m.csv"))
    assert privacy_events(kefu.db) == []

    kefu.ok("complaint", "show", cid, "--unmask")
    kefu.ok("complaint", "list", "--unmask", "--json")
    kefu.ok("complaint", "list", "--unmask", "--csv")
    kefu.ok("callback", "show", hf, "--unmask", "--json")
    kefu.ok("callback", "list", "--unmask")
    kefu.ok("export", "complaints", str(tmp_path / "c.csv"), "--unmask")
    kefu.ok("export", "callbacks", str(tmp_path / "h.csv"), "--unmask")
    kefu.ok(
        "complaint", "add", "--received", "2026-09-22T09:00", "--channel", "phone", "--category", "claims",
        "--name", "韩梅梅", "--phone", "13700000000", "--unmask", "--json", "--clerk", "张三",
    )  # fmt: skip
    events = privacy_events(kefu.db)
    got = [(e[2], e[3]["command"], e[3]["rows"]) for e in events]
    assert got == [
        ("unmask", "complaint show", 1),
        ("unmask", "complaint list", 2),
        ("unmask", "complaint list", 2),
        ("unmask", "callback show", 1),
        ("unmask", "callback list", 1),
        ("unmask", "export complaints", 2),
        ("unmask", "export callbacks", 1),
        ("unmask", "complaint add", 1),
    ]
    assert events[0][1] == cid and events[3][1] == hf
    assert events[5][3]["file"] == str(tmp_path / "c.csv")
    assert {e[0] for e in events[:-1]} == {"tester"} and events[-1][0] == "张三"


# --- error messages never echo personal data -----------------------------------------------------

# Each contains the fragment 97773, which no correct example in a message contains.
BAD_PHONES = ["1597773123x", "15977731234567890123456", "15977 73²21", "+86-159-abcd-97773", "159777\x1b[2J31"]


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_a_rejected_phone_is_not_echoed(kefu, phone):
    before = table_counts(kefu.db)
    r = kefu("complaint", "add", "--channel", "phone", "--category", "claims", "--name", NAME, "--phone", phone)
    assert r.code == 2 and "--phone" in r.err and "例如" in r.err and "Traceback" not in r.err
    assert "97773" not in r.err and "9777" not in r.err
    r = kefu("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", NAME, "--phone", phone)
    assert r.code == 2 and "--phone" in r.err and "9777" not in r.err
    assert table_counts(kefu.db) == before


def test_import_row_errors_do_not_echo_the_phone(kefu, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(
        "受理时间,受理方式,投诉类别,投诉人,联系电话\n"
        "2026-09-21 09:00,电话,理赔,王小明,13812345678\n"
        "2026-09-21 10:00,电话,理赔,李雷,1390000ABCD\n",
        "utf-8",
    )
    r = kefu("import", "complaints", str(f), "--json")
    assert r.code == 2 and "第 3 行" in r.err and "电话号码" in r.err
    assert "1390000ABCD" not in r.err and "1390000ABCD" not in r.out
    assert table_counts(kefu.db)[0] == 0


# --- no partial files ----------------------------------------------------------------------------


def _explode_after(n: int, exc: BaseException):
    """The export's row iterator, raising `exc` before row `n` (0-based)."""

    def rows(*args, **kwargs):
        for i, row in enumerate(REAL_COMPLAINT_ROWS(*args, **kwargs)):
            if i == n:
                raise exc
            yield row

    return rows


def test_an_interrupted_export_leaves_no_part_file(kefu, tmp_path, monkeypatch):
    from kefu_cli.services import exports

    for i in range(3):
        add_complaint(kefu, phone=f"1380000000{i}")
    dest = tmp_path / "out.csv"
    monkeypatch.setattr(exports, "_complaint_rows", _explode_after(2, KeyboardInterrupt()))
    r = kefu("export", "complaints", str(dest))
    assert r.code == 130 and "中断" in r.err
    assert not dest.exists()
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_a_failing_export_keeps_the_old_file_and_leaves_no_part(kefu, tmp_path, monkeypatch):
    from kefu_cli.services import exports

    for i in range(3):
        add_complaint(kefu, phone=f"1380000000{i}")
    dest = tmp_path / "out.csv"
    dest.write_text("previous export", "utf-8")
    monkeypatch.setattr(exports, "_complaint_rows", _explode_after(1, RuntimeError("disk on fire")))
    with pytest.raises(RuntimeError):
        kefu("export", "complaints", str(dest))
    assert dest.read_text("utf-8") == "previous export"
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []
    # an unmasked export that never finished is not audited as shown
    monkeypatch.setattr(exports, "_complaint_rows", _explode_after(1, KeyboardInterrupt()))
    assert kefu("export", "complaints", str(dest), "--unmask").code == 130
    assert privacy_events(kefu.db) == []


def test_an_interrupted_backup_leaves_no_part_file(kefu, tmp_path, monkeypatch):
    import sqlite3 as sqlite_module

    add_complaint(kefu)
    real_connect = sqlite_module.connect

    class Interrupting:
        """The source connection of `backup_sqlite`, interrupted (Ctrl-C) in the middle of the copy."""

        def __init__(self, con):
            self._con = con

        def backup(self, target, *args, **kwargs):
            target.execute("CREATE TABLE half (x)")  # something is in the .part file by now
            raise KeyboardInterrupt

        def __getattr__(self, name):
            return getattr(self._con, name)

    def connect(path, *args, **kwargs):
        con = real_connect(path, *args, **kwargs)
        caller = sys._getframe(1).f_code.co_name
        return Interrupting(con) if caller == "backup_sqlite" and str(path) == str(kefu.db) else con

    dest = tmp_path / "b.sqlite"
    monkeypatch.setattr(sqlite_module, "connect", connect)
    r = kefu("db", "backup", str(dest))
    assert r.code == 130
    assert not dest.exists() and not Path(str(dest) + ".part").exists()


def test_report_output_to_a_missing_folder_leaves_nothing(kefu, tmp_path):
    r = kefu("report", "deadlines", "--csv", "--output", str(tmp_path / "nope" / "r.csv"))
    assert r.code == 2 and "目录不存在" in r.err
    assert not (tmp_path / "nope").exists()
