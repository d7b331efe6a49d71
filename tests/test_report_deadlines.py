"""`kefu report deadlines` on deadline rows made through the service layer.

Every due date below is computed by the real services (start_deadline + the official
calendar) from a start day; the comment beside each states the hand count. 2026 facts:
Mid-Autumn Fri 09-25 off; National Day 10-01..07 off; Sun 09-20 and Sat 10-10 are make-up
working days.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kefu_cli.domain.deadlines import DeadlineStatus
from kefu_cli.services.context import unit_of_work
from kefu_cli.services.deadlines import close_deadline, start_deadline

AS_OF = "2026-09-30"  # a Wednesday, the last working day before National Day


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def build(db: str, order: int = 1) -> None:
    """The fixed data set; `order=-1` inserts the same rows in reverse order."""
    specs = [
        # D1 acceptance, 10 wd from Mon 09-14: 15 16 17 18, Sun 20 (make-up), 21 22 23 24,
        # (25 Mid-Autumn off), 28 → due Mon 09-28. On 09-30: overdue by 29, 30 = 2 working days.
        dict(
            case_type="complaint",
            case_id="TS-20260914-0001",
            kind="acceptance",
            start_at=at("2026-09-14T09:00"),
            rule="complaint.acceptance",
            branch="朝阳",
            handler="张三",
        ),
        # D2 acceptance, 10 wd from Wed 09-16: 17 18 20 21 22 23 24 28 29 30 → due 09-30 = today.
        dict(
            case_type="complaint",
            case_id="TS-20260916-0001",
            kind="acceptance",
            start_at=at("2026-09-16T15:00"),
            rule="complaint.acceptance",
            branch="朝阳",
            handler="李四",
        ),
        # D3 decision under a 15-working-day rule (the unit given explicitly; the policy default
        # is now 15 calendar days), from Mon 09-21: 22 23 24 28 29 30 (6), 10-08 09 10 (9),
        # 12 13 14 15 16 (14), 19 (15) → due 10-19; on 09-30: 8 9 10 12 13 14 15 16 19 = 9 left.
        dict(
            case_type="complaint",
            case_id="TS-20260921-0002",
            kind="decision",
            start_at=at("2026-09-21T10:00"),
            rule="complaint.decision",
            unit="workdays",
            branch="海淀",
            handler="王五",
        ),
        # D4 claim callback, 5 wd from Fri 09-25 (a holiday; the start day never counts):
        # 28 29 30, 10-08, 10-09 → due Fri 10-09: 9 calendar days away but 2 working days left.
        dict(
            case_type="callback",
            case_id="HF-20260925-0001",
            kind="callback",
            start_at=at("2026-09-25T11:00"),
            rule="callback.claim",
            branch="海淀",
            handler="王五",
        ),
        # D5 regulator report, fixed due Sat 10-10 (make-up working day): 10-08 09 10 = 3 left.
        dict(
            case_type="complaint",
            case_id="TS-20260922-0003",
            kind="regulator_report",
            start_at=at("2026-09-22T09:00"),
            fixed_due=dt.date(2026, 10, 10),
            branch="朝阳",
            handler="张三",
        ),
        # D6 new-policy callback, 15 calendar days from 12-20 → 2027-01-04 (a Monday). 2027 has
        # no official data (chinese-calendar 1.11 knows up to 2026): provisional. The working
        # days left on 09-30 are counted in test_whole_report_json.
        dict(
            case_type="callback",
            case_id="HF-20261220-0001",
            kind="callback",
            start_at=at("2026-12-20T10:00"),
            rule="callback.new_policy_cooling_off",
            branch="海淀",
            handler="赵六",
        ),
    ]
    with unit_of_work(db, clerk="tester", at=at("2026-09-30T08:00")) as uow:
        for spec in specs[::order]:
            start_deadline(uow, **spec)
        # Closed rows never appear in the list but count for the month's on-time rate:
        # due 09-14 (10 wd from 08-31) met 09-10 → on time; due 09-15 met 09-16 → late;
        # due 09-17, not applicable from 09-16 (before it was due) → not judged at all.
        on_time = start_deadline(
            uow,
            case_type="complaint",
            case_id="TS-20260831-0001",
            kind="acceptance",
            start_at=at("2026-08-31T09:00"),
            rule="complaint.acceptance",
            branch="朝阳",
            handler="张三",
        )
        late = start_deadline(
            uow,
            case_type="complaint",
            case_id="TS-20260901-0001",
            kind="acceptance",
            start_at=at("2026-09-01T09:00"),
            rule="complaint.acceptance",
            branch="海淀",
            handler="王五",
        )
        gone = start_deadline(
            uow,
            case_type="complaint",
            case_id="TS-20260903-0001",
            kind="acceptance",
            start_at=at("2026-09-03T09:00"),
            rule="complaint.acceptance",
            branch="海淀",
            handler="王五",
        )
        assert (on_time.due, late.due, gone.due) == (dt.date(2026, 9, 14), dt.date(2026, 9, 15), dt.date(2026, 9, 17))
        close_deadline(uow, on_time, DeadlineStatus.MET, at("2026-09-10T16:00"))
        close_deadline(uow, late, DeadlineStatus.MET, at("2026-09-16T10:00"))
        close_deadline(uow, gone, DeadlineStatus.NOT_APPLICABLE, at("2026-09-16T12:00"))


@pytest.fixture
def data(kefu, db_path):
    build(db_path)
    return kefu


def test_whole_report_json(data):
    rep = data.ok("report", "deadlines", "--as-of", AS_OF, "--json")
    assert rep["as_of"] == AS_OF and rep["within"] == 3
    assert rep["summary"] == {
        "overdue": 1,
        "due_today": 1,
        "due_soon": 2,
        "later": 2,
        "paused": 0,
        "open": 6,
        "provisional": 1,
    }
    assert rep["history"] is True  # 09-30 is before today: read from the events as they stood then
    # Sorted by branch, handler, due: 朝阳 before 海淀 (code point order, deterministic).
    got = [
        (i["branch"], i["handler"], i["case_id"], i["due"], i["status"], i["working_days_left"]) for i in rep["items"]
    ]
    assert got[:5] == [
        ("朝阳", "张三", "TS-20260914-0001", "2026-09-28", "overdue", -2),
        ("朝阳", "张三", "TS-20260922-0003", "2026-10-10", "due_soon", 3),
        ("朝阳", "李四", "TS-20260916-0001", "2026-09-30", "due_today", 0),
        ("海淀", "王五", "HF-20260925-0001", "2026-10-09", "due_soon", 2),
        ("海淀", "王五", "TS-20260921-0002", "2026-10-19", "later", 9),
    ]
    last = rep["items"][5]
    assert (last["case_id"], last["due"], last["status"], last["provisional"]) == (
        "HF-20261220-0001",
        "2027-01-04",
        "later",
        True,
    )
    # Working days in (2026-09-30, 2027-01-04]: October 10-08 09, Sat 10-10 (make-up),
    # 12–16, 19–23, 26–30 = 18 (10-01..07 off, Sat 10-31 rests); November (Sun 11-01):
    # 2–6, 9–13, 16–20, 23–27, 30 = 21; December (Tue 12-01): 1–4, 7–11, 14–18, 21–25,
    # 28–31 = 23 → 62; then Fri 2027-01-01 and Mon 01-04 under the provisional Mon–Fri rule
    # (no official 2027 data, so New Year's Day is not known as a holiday yet) → 64.
    assert last["working_days_left"] == 64
    assert all(not i["provisional"] for i in rep["items"][:5])
    assert rep["items"][3]["case_type"] == "callback" and rep["items"][3]["kind"] == "callback"
    assert rep["items"][0]["due_at"] == "2026-09-28T23:59:59+08:00"
    zero = {"paused": 0}
    assert rep["groups"] == [
        {"branch": "朝阳", "handler": "张三", "overdue": 1, "due_today": 0, "due_soon": 1, "later": 0, **zero, "open": 2},
        {"branch": "朝阳", "handler": "李四", "overdue": 0, "due_today": 1, "due_soon": 0, "later": 0, **zero, "open": 1},
        {"branch": "海淀", "handler": "王五", "overdue": 0, "due_today": 0, "due_soon": 1, "later": 1, **zero, "open": 2},
        {"branch": "海淀", "handler": "赵六", "overdue": 0, "due_today": 0, "due_soon": 0, "later": 1, **zero, "open": 1},
    ]
    # September up to 09-30: due 09-14 met on time, due 09-15 met late, due 09-28 still open
    # (overdue), due 09-30 open but due today (pending); the not-applicable row is not judged.
    assert rep["on_time"] == {
        "from": "2026-09-01",
        "to": "2026-09-30",
        "on_time": 1,
        "late": 1,
        "overdue": 1,
        "pending": 1,
        "rate": 33.33,
    }


def test_same_data_same_bytes_whatever_the_insert_order(kefu, db_path, tmp_path):
    build(db_path)
    other = str(tmp_path / "other.sqlite")
    type(kefu)(other).ok("db", "init")
    build(other, order=-1)
    a = kefu("report", "deadlines", "--as-of", AS_OF, "--json")
    b = kefu("report", "deadlines", "--as-of", AS_OF, "--json")
    c = type(kefu)(other)("report", "deadlines", "--as-of", AS_OF, "--json")
    assert a.code == b.code == c.code == 0
    assert a.out == b.out
    # The other file has its own history (its audit chain head differs); the report is the same.
    ja, jc = a.json(), c.json()
    assert ja.pop("chain_head") != jc.pop("chain_head")
    assert ja == jc


def test_as_of_moves_the_view(data):
    # On Fri 10-09 (after the holiday): D2 (due 09-30) is overdue by 10-08, 10-09 = 2 working
    # days; D4 (due 10-09) is due today; D5 (due Sat 10-10) is 1 left; D3 (10-19) is 10-10 12 13
    # 14 15 16 19 = 7 left.
    rep = data.ok("report", "deadlines", "--as-of", "2026-10-09", "--json")
    left = {i["case_id"]: (i["status"], i["working_days_left"]) for i in rep["items"]}
    assert left["TS-20260916-0001"] == ("overdue", -2)
    assert left["TS-20260914-0001"] == ("overdue", -4)  # due 09-28: 29 30, 10-08 09
    assert left["HF-20260925-0001"] == ("due_today", 0)
    assert left["TS-20260922-0003"] == ("due_soon", 1)
    assert left["TS-20260921-0002"] == ("later", 7)
    # The on-time window is now October 1–9: nothing was due in it except D4 (due today, pending).
    assert rep["on_time"]["pending"] == 1 and rep["on_time"]["rate"] is None


def test_filters(data):
    rep = data.ok("report", "deadlines", "--as-of", AS_OF, "--branch", "海淀", "--json")
    assert {i["branch"] for i in rep["items"]} == {"海淀"} and rep["summary"]["open"] == 3
    assert rep["filters"] == {"branch": "海淀", "handler": None, "kind": None, "status": None}
    # 海淀's September: due 09-15 met late; the rest is not yet due → 0 %.
    assert (rep["on_time"]["late"], rep["on_time"]["rate"]) == (1, 0.0)

    rep = data.ok("report", "deadlines", "--as-of", AS_OF, "--handler", "张三", "--json")
    assert [i["case_id"] for i in rep["items"]] == ["TS-20260914-0001", "TS-20260922-0003"]

    # --kind takes the code or the Chinese name.
    a = data.ok("report", "deadlines", "--as-of", AS_OF, "--kind", "callback", "--json")
    b = data.ok("report", "deadlines", "--as-of", AS_OF, "--kind", "回访", "--json")
    assert a == b and [i["case_id"] for i in a["items"]] == ["HF-20260925-0001", "HF-20261220-0001"]

    # --within 2: D5 (3 working days left) drops from "soon" to "later".
    rep = data.ok("report", "deadlines", "--as-of", AS_OF, "--within", "2", "--json")
    assert rep["summary"]["due_soon"] == 1 and rep["summary"]["later"] == 3

    rep = data.ok("report", "deadlines", "--as-of", AS_OF, "--overdue", "--json")
    assert [i["case_id"] for i in rep["items"]] == ["TS-20260914-0001"]


def test_bad_input_is_one_sentence_exit_2(data):
    r = data("report", "deadlines", "--kind", "nonsense")
    assert r.code == 2 and "--kind" in r.err and "decision" in r.err and "Traceback" not in r.err
    r = data("report", "deadlines", "--as-of", "2026-13-01")
    assert r.code == 2 and "--as-of" in r.err
    r = data("report", "deadlines", "--within", "-1")
    assert r.code == 2 and "--within" in r.err
    r = data("report", "deadlines", "--json", "--csv")
    assert r.code == 2


def test_csv(data):
    out = data.ok("report", "deadlines", "--as-of", AS_OF, "--csv")
    lines = out.splitlines()
    assert lines[0] == (
        "case_id,case_type,kind,due,due_at,status,working_days_left,provisional,branch,handler,breached,major"
    )
    assert (
        lines[1]
        == "TS-20260914-0001,complaint,acceptance,2026-09-28,2026-09-28T23:59:59+08:00,overdue,-2,False,朝阳,张三,True,"
        "False"
    )
    assert len([ln for ln in lines if ln]) == 7


def test_human_output_plain_when_piped(data):
    out = data.ok("report", "deadlines", "--as-of", AS_OF)
    assert "\x1b" not in out
    assert "已逾期 1  今日到期 1  即将到期 2" in out
    assert "逾期 2 个工作日" in out and "今日到期" in out and "临时" in out
    assert "星期三" in out  # 2026-09-30


def test_fail_on_overdue_and_atomic_output(data, tmp_path):
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text("old report")
    r = data("report", "deadlines", "--as-of", AS_OF, "--json", "--output", str(target), "--fail-on-overdue")
    assert r.code == 1  # overdue items exist; the file is written first
    assert r.out == ""
    rep = json.loads(target.read_text(encoding="utf-8"))
    assert rep["summary"]["overdue"] == 1
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temp file left
    # No overdue in 海淀 → exit 0.
    r = data("report", "deadlines", "--as-of", AS_OF, "--branch", "海淀", "--fail-on-overdue", "--json")
    assert r.code == 0 and r.json()["summary"]["overdue"] == 0
    # CSV to a file is UTF-8 with a BOM (Excel on Chinese Windows).
    csv_file = tmp_path / "out" / "report.csv"
    data.ok("report", "deadlines", "--as-of", AS_OF, "--csv", "--output", str(csv_file))
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbfcase_id,")


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path, monkeypatch):
    from kefu_cli.io import files

    target = tmp_path / "r.json"
    target.write_text("old")

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError):
        files.write_atomic(str(target), "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_runs_as_cron_would(db_path, tmp_path):
    """A real process, no TTY, CI=true: no escape codes anywhere, exit 1 with --fail-on-overdue."""
    build(db_path)
    env = {**os.environ, "CI": "true", "KEFU_CLERK": "cron"}
    env.pop("KEFU_DB", None)
    env.pop("FORCE_COLOR", None)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    base = [sys.executable, "-m", "kefu_cli", "--db", db_path, "report", "deadlines", "--as-of", AS_OF]
    for extra in ([], ["--json"], ["--csv"]):
        p = subprocess.run(
            [*base, *extra, "--fail-on-overdue"], capture_output=True, stdin=subprocess.DEVNULL, env=env, timeout=60
        )
        assert p.returncode == 1, p.stderr.decode("utf-8", "replace")
        assert b"\x1b" not in p.stdout and b"\x1b" not in p.stderr
        assert p.stdout  # the report was printed before the exit code was set
    p = subprocess.run(
        [*base, "--branch", "海淀", "--fail-on-overdue", "--json"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=60,
    )
    assert p.returncode == 0 and json.loads(p.stdout)["summary"]["overdue"] == 0


def test_the_output_file_name_chooses_the_format_and_a_spreadsheet_name_is_refused(kefu, tmp_path):
    import json

    r = kefu("report", "stats", "-o", str(tmp_path / "s.xlsx"))
    assert r.code == 2 and "报表不能写成 .xlsx 文件" in r.err and "kefu export deadlines" in r.err
    assert not (tmp_path / "s.xlsx").exists()
    assert kefu("report", "stats", "-o", str(tmp_path / "s.csv")).code == 0
    assert (tmp_path / "s.csv").read_text(encoding="utf-8-sig").startswith("section,key,label,count,value")
    assert kefu("report", "deadlines", "-o", str(tmp_path / "d.json")).code in (0, 1)
    assert "summary" in json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
