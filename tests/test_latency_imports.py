"""Start-up: what each command imports, and the fast paths that avoid the database stack.

- `kefu --help`, `kefu workday …`, `kefu policy list` and `kefu report deadlines --json` on a
  SQLite file never import SQLAlchemy, SQLModel or pydantic (checked in a fresh interpreter:
  this test process has them loaded already);
- the root help lists every command group from a table, without importing any group module,
  and the table says what each module's own help says;
- the calendar loads from the precomputed table `domain/calendar_data.py`, which is exactly
  what the installed chinese-calendar holds;
- the fast paths (plain sqlite3: store/quick.py) give the same answers as the SQLAlchemy path,
  which every database other than a current SQLite file still takes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kefu_cli.cli.app import COMMANDS

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "chinese_calendar")
DATA = Path(__file__).parent / "data"

PROBE = """
import json, sys
sys.argv = ["kefu", *json.loads(sys.argv[1])]
from kefu_cli.cli.app import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in HEAVY})
groups = sorted(m for m in sys.modules if m.startswith("kefu_cli.cli.") and m.rsplit(".", 1)[1] not in
                ("app", "common", "zh_click", "help_format", "help_examples"))
print(json.dumps({"code": code, "heavy": loaded, "groups": groups}), file=sys.stderr)
""".replace("HEAVY", repr(HEAVY))


def probe(*args: str, env: dict | None = None) -> dict:
    """Run `kefu ARGS` in a fresh interpreter; what it imported (and its exit code)."""
    environ = {**os.environ, "KEFU_CLERK": "tester", **(env or {})}
    environ.pop("KEFU_DB", None)
    r = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))], capture_output=True, text=True, env=environ
    )
    report = json.loads(r.stderr.strip().splitlines()[-1])
    report["out"] = r.stdout
    return report


def test_the_workday_cli_module_imports_no_database_stack():
    r = subprocess.run(
        [sys.executable, "-c", f"import sys, kefu_cli.cli.workday; print([m for m in {HEAVY!r} if m in sys.modules])"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_root_help_imports_no_command_group_and_lists_them_all():
    r = probe("--help")
    assert r["code"] == 0
    assert r["heavy"] == [] and r["groups"] == []
    for name, _module, _attribute, _help in COMMANDS:
        assert f"  {name} " in r["out"]
    for name in ("complaint", "callback", "report", "import", "export", "workday", "policy", "db", "demo", "search"):
        assert name in {c[0] for c in COMMANDS}
    assert {"branch", "handler"} <= {c[0] for c in COMMANDS}


@pytest.mark.parametrize(
    "args",
    [
        ("workday", "add", "2026-09-30", "10", "--json"),
        ("workday", "count", "2026-09-30", "2026-10-12", "--json"),
        ("workday", "check", "2026-10-10", "--json"),
        ("workday", "add", "2026-09-30", "10"),
        ("policy", "list", "--json"),
        ("report", "deadlines", "--json"),
        ("report", "stats", "--from", "2026-09-01", "--json"),
        ("search", "张", "--json"),
        ("complaint", "list", "--json"),
        ("complaint", "list", "--overdue"),
    ],
)
def test_light_commands_import_no_database_stack(db_path, args):
    r = probe("--db", db_path, *args)
    assert r["code"] == 0
    assert r["heavy"] == [], f"kefu {' '.join(args)} imported {r['heavy']}"
    group = f"kefu_cli.cli.{args[0]}"
    # its own group (with the commands every case type shares and the words they share), and of its
    # own group's modules only the one the command is in (`complaint list`: cli/complaint_list.py)
    own = {m for m in r["groups"] if m.startswith(f"{group}_")}
    assert len(own) <= 1, own
    assert group in r["groups"] and set(r["groups"]) <= {group, *own, "kefu_cli.cli.casework", "kefu_cli.cli.labels"}


def test_a_database_command_imports_only_its_own_group(db_path):
    r = probe("--db", db_path, "complaint", "list", "--json")
    assert r["code"] == 0
    assert "kefu_cli.cli.complaint" in r["groups"]
    assert not {"kefu_cli.cli.report", "kefu_cli.cli.workday", "kefu_cli.cli.demo"} & set(r["groups"])


def _first_paragraph(text: str) -> str:
    return inspect.cleandoc(text).split("\n\n")[0].replace("\n", " ").strip()


@pytest.mark.parametrize(("name", "module", "attribute", "help_line"), COMMANDS)
def test_the_help_table_says_what_each_module_says(name, module, attribute, help_line):
    target = getattr(importlib.import_module(module), attribute)
    own = target.info.help if isinstance(target, typer.Typer) else inspect.getdoc(target)
    assert _first_paragraph(own) == help_line


# --- the calendar table ------------------------------------------------------------------------


def test_the_calendar_table_is_the_installed_chinese_calendar():
    from kefu_cli.domain import calendar_data, official_days

    assert official_days._shipped_table() == official_days._chinese_calendar_tables()
    # regenerating it (`python -m kefu_cli.domain.calendar_data`) would change nothing
    assert calendar_data.render() == Path(calendar_data.__file__).read_text(encoding="utf-8")


def test_another_chinese_calendar_is_read_itself(monkeypatch):
    """After an upgrade of chinese-calendar (say, next year's data) the table is not used."""
    from kefu_cli.domain import calendar_data, official_days

    monkeypatch.setattr(calendar_data, "SOURCE_SIZE", calendar_data.SOURCE_SIZE + 1)
    assert official_days._shipped_table() is None
    monkeypatch.setattr(official_days, "_official", None)
    itself = official_days.official_data()  # read from chinese_calendar
    monkeypatch.undo()
    assert itself == official_days.official_data()


# --- the fast paths give the same answers ---------------------------------------------------------


@pytest.fixture
def cases(kefu):
    """The data set of tests/test_report_e2e.py, plus a paused case, a policy change and a
    partial notice of 2027."""
    from test_report_e2e import build

    ids = build(kefu)
    out = kefu.ok(
        "complaint", "add", "--received", "2026-09-21T10:00", "--at", "2026-09-21T10:00", "--category", "claims",
        "--channel", "phone", "--name", "客户P", "--phone", "13700000000", "--branch", "朝阳", "--handler", "张三",
        "--json",
    )  # fmt: skip
    kefu.ok("complaint", "accept", out["id"], "--at", "2026-09-22T10:00", "--json")
    kefu.ok("complaint", "pause", out["id"], "--reason", "伤残鉴定", "--at", "2026-09-29T15:00", "--json")
    kefu.ok("policy", "set", "report.due_soon_workdays", "4", "--json")
    kefu.ok("workday", "import", str(DATA / "calendar_2027_notice.csv"), "--json")
    return ids


def _both(db: str, fn):
    """fn(source) through a read-only unit of work and through the fast path."""
    from kefu_cli.services.context import unit_of_work
    from kefu_cli.services.report_source import QuickSource, report_source

    with unit_of_work(db, write=False) as uow:
        slow = fn(uow)
    with report_source(db) as src:
        assert isinstance(src, QuickSource)
        fast = fn(src)
    return slow, fast


def _doc(report: dict) -> dict:
    from kefu_cli.render.output import dumps_json

    return json.loads(dumps_json({**report, "items": list(report["items"])}))


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"branch": "朝阳"},
        {"handler": "王五"},
        {"kind": "decision"},
        {"status": "overdue"},
        {"status": "paused"},
        {"within": 0},
        {"within": 30, "branch": "海淀", "kind": "callback"},
    ],
)
@pytest.mark.parametrize("as_of", ["2026-10-09", "2026-10-20", "today"])
def test_the_deadline_report_is_the_same_either_way(kefu, cases, args, as_of):
    from kefu_cli.services.clock import today as today_cst
    from kefu_cli.services.reports import deadline_report

    day = today_cst() if as_of == "today" else dt.date.fromisoformat(as_of)
    slow, fast = _both(kefu.db, lambda src: _doc(deadline_report(src, day, history=day < today_cst(), **args)))
    assert slow == fast
    if as_of == "today" and not args:
        assert slow["items"] and slow["summary"]["paused"] == 1


@pytest.mark.parametrize(
    "args",
    [
        {"date_from": "2026-09-01", "date_to": "2026-10-31", "as_of": "today"},
        {"date_from": "2026-09-01", "date_to": "2026-10-31", "as_of": "2026-10-09"},
        {"date_from": "2026-09-01", "date_to": "2026-10-31", "as_of": "2026-10-20", "branch": "朝阳"},
        {"date_from": "2026-01-01", "date_to": "2026-12-31", "as_of": "today", "branch": "海淀"},
    ],
)
def test_the_stats_report_is_the_same_either_way(kefu, cases, args):
    """One SQL text, bound by sqlite3 itself or through SQLAlchemy: the same figures (datetime
    bounds are bound as text differently; the report must not see it)."""
    from kefu_cli.render.output import dumps_json
    from kefu_cli.services.clock import today as today_cst
    from kefu_cli.services.stats import stats_report

    day = today_cst() if args["as_of"] == "today" else dt.date.fromisoformat(args["as_of"])
    frm, to = (dt.date.fromisoformat(args[k]) for k in ("date_from", "date_to"))
    branch = args.get("branch")
    slow, fast = _both(
        kefu.db, lambda src: json.loads(dumps_json(stats_report(src, frm, to, day, branch, history=day < today_cst())))
    )
    assert slow == fast
    assert slow["complaints"]["total"] > 0 and slow["callbacks"]["due"] > 0


@pytest.mark.parametrize("text", ["客户", "TS-2026", "0000", "13700000000", "朝阳", "1370000", "x%_"])
def test_search_is_the_same_either_way(kefu, cases, text):
    """The search box's SQL text, bound by sqlite3 itself or through SQLAlchemy: the same items,
    with datetimes and dates as the ORM gives them."""
    from kefu_cli.render.output import dumps_json
    from kefu_cli.services.search import search

    slow, fast = _both(kefu.db, lambda src: dumps_json(search(src, text, limit=200)))
    assert slow == fast


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"all": True},
        {"status": "已受理"},
        {"branch": "朝阳", "handler": "张三"},
        {"overdue": True, "as_of": dt.date(2026, 10, 20)},
        {"phone": "0000"},
        {"name": "客户", "policy_no": "P"},
        {"due_from": dt.date(2026, 10, 1), "due_to": dt.date(2026, 10, 31)},
        {"received_from": dt.date(2026, 9, 21), "received_to": dt.date(2026, 9, 30), "limit": 2},
        {"category": "claims", "channel": "phone"},
    ],
)
def test_the_complaint_list_is_the_same_either_way(kefu, cases, monkeypatch, args):
    """`complaint list` reads one SQL text through the report source: plain sqlite3 on a current
    file, SQLAlchemy elsewhere (forced here by a source that is never quick): the same list."""
    from kefu_cli.render.output import dumps_json
    from kefu_cli.services.complaint_list import list_
    from kefu_cli.store import quick

    fast = dumps_json(list_(kefu.db, **args))
    monkeypatch.setattr(quick, "_open", lambda db: None)  # the ordinary way: a read-only unit of work
    slow = dumps_json(list_(kefu.db, **args))
    assert slow == fast


def test_the_deadline_report_command_writes_the_same_document(kefu, cases):
    from kefu_cli.cli.report import ITEM_KEYS
    from kefu_cli.render.output import csv_text, dumps_json
    from kefu_cli.services.clock import today as today_cst
    from kefu_cli.services.context import unit_of_work
    from kefu_cli.services.reports import deadline_report

    with unit_of_work(kefu.db, write=False) as uow:
        report = deadline_report(uow, today_cst())
    expected = dumps_json(report) + "\n"
    r = kefu("report", "deadlines", "--json")
    assert r.code == 0 and r.out == expected
    csv = csv_text(ITEM_KEYS, ([i[k] for k in ITEM_KEYS] for i in report["items"]))
    assert kefu("report", "deadlines", "--csv").out == csv.replace("\r\n", "\n")


def test_check_of_filter_names_is_the_same_either_way(kefu, cases):
    from kefu_cli.domain.errors import InputError
    from kefu_cli.services.report_source import check_filter_names

    def attempt(src):
        try:
            check_filter_names(src, branch="朝杨", handler="张三")
        except InputError as exc:
            return str(exc)
        return None

    slow, fast = _both(kefu.db, attempt)
    assert slow == fast
    assert slow is not None and "朝杨" in slow  # refused, not silently passed, on both paths


def test_a_filter_name_is_checked_against_the_deadlines_while_the_lists_are_empty(kefu, cases):
    """No branch or handler list set up: a name no deadline carries is refused all the same
    (with a suggestion), a name the deadlines carry passes."""
    import sqlite3

    from kefu_cli.domain.errors import InputError
    from kefu_cli.services.report_source import check_filter_names

    with sqlite3.connect(kefu.db) as conn:
        conn.execute("DELETE FROM handler")
        conn.execute("DELETE FROM branch")

    def attempt(branch, handler=None):
        def run(src):
            try:
                check_filter_names(src, branch=branch, handler=handler)
            except InputError as exc:
                return str(exc)
            return None

        slow, fast = _both(kefu.db, run)
        assert slow == fast
        return slow

    assert attempt("朝阳") is None
    said = attempt("朝杨")
    assert said is not None and "朝阳" in said and "kefu branch add" in said
    assert "张三" in attempt("朝阳", handler="张")


def test_the_sql_of_the_on_time_verdict_is_domain_verdict():
    """`_OUTCOME_SQL` (the on-time counts of a case's deadlines: the yearly report) says what
    `domain.report.verdict` says, for every status, breach flag and due day around the as-of day."""
    import sqlite3

    from kefu_cli.domain.deadlines import DeadlineStatus
    from kefu_cli.domain.report import verdict
    from kefu_cli.services.deadline_query import _OUTCOME_SQL

    as_of = dt.date(2026, 11, 20)
    conn = sqlite3.connect(":memory:")
    for status in DeadlineStatus:
        for breached in (False, True):
            for delta in (-1, 0, 1):
                due = as_of + dt.timedelta(days=delta)
                (got,) = conn.execute(
                    f"SELECT {_OUTCOME_SQL} FROM (SELECT :status AS status, :b AS breached, :due AS due) AS t",
                    {"status": status.value, "b": breached, "due": due.isoformat(), "as_of": as_of.isoformat(),
                     "breached": True},
                ).fetchone()  # fmt: skip
                assert (got or None) == verdict(status.value, breached, due, as_of), (status, breached, delta)


def test_the_on_time_counts_are_domain_verdict():
    """`on_time_counts` (the on-time counts of both report paths) says what `domain.report.verdict`
    says, for every status, breach flag and due day before, on and after the as-of day."""
    import sqlite3

    from kefu_cli.domain.deadlines import DeadlineStatus
    from kefu_cli.domain.report import verdict
    from kefu_cli.services.deadline_query import filter_sql, on_time_counts
    from kefu_cli.services.report_source import QuickSource

    as_of = dt.date(2026, 11, 20)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE deadline (status, due, kind, breached, branch, handler)")
    for status in DeadlineStatus:
        for breached in (False, True):
            for delta in (-1, 0, 1):
                due = as_of + dt.timedelta(days=delta)
                conn.execute("DELETE FROM deadline")
                conn.execute("INSERT INTO deadline VALUES (?, ?, 'decision', ?, '', '')",
                             (status.value, due.isoformat(), breached))  # fmt: skip
                got = on_time_counts(QuickSource(conn), due, due, as_of, filter_sql(), by_kind=True)
                want = verdict(status.value, breached, due, as_of)
                assert got == ({"decision": {want: 1}} if want else {}), (status, breached, delta)


def test_policy_and_calendar_are_the_same_either_way(kefu, cases):
    from kefu_cli.services.calendar import calendar_of
    from kefu_cli.services.context import unit_of_work
    from kefu_cli.services.policy import rules, rules_of

    with unit_of_work(kefu.db, write=False) as uow:
        slow_rules, slow_cal = rules(uow), uow.calendar
    assert rules_of(kefu.db) == slow_rules
    fast_cal = calendar_of(kefu.db)
    days = [dt.date(2026, 12, 20) + dt.timedelta(days=i) for i in range(120)]
    assert [fast_cal.day(d) for d in days] == [slow_cal.day(d) for d in days]
    assert fast_cal.coverage(range(2024, 2029)) == slow_cal.coverage(range(2024, 2029))


def test_a_database_to_upgrade_or_missing_takes_the_ordinary_way(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from kefu_cli.cli.app import app

    monkeypatch.delenv("KEFU_DB", raising=False)
    old = tmp_path / "old.sqlite"
    shutil.copy(DATA / "kefu_schema_0001.sqlite", old)
    r = CliRunner().invoke(app, ["--db", str(old), "workday", "add", "2026-09-30", "10", "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["due"] == "2026-10-20"
    from kefu_cli.store import quick

    assert quick.read(str(old), ["SELECT 1"]) == [[(1,)]]  # upgraded: the fast path takes it now
    missing = tmp_path / "nowhere.sqlite"
    r = CliRunner().invoke(app, ["--db", str(missing), "policy", "list", "--json"])
    assert r.exit_code == 3 and "数据库文件不存在" in r.stderr and not missing.exists()


def test_the_running_deadlines_are_read_from_their_covering_index_in_order(kefu, cases):
    """`report deadlines` on SQLite reads the running rows from `ix_deadline_running` alone, in
    the order it lists them: no look-up in the table per row, no sort (migration 0009)."""
    import sqlite3

    from kefu_cli.services import deadline_query
    from kefu_cli.store.models import RUNNING_WHERE

    assert RUNNING_WHERE == deadline_query.RUNNING_SQL  # the index is partial on the report's own condition
    con = sqlite3.connect(kefu.db)
    try:
        for where in ("", " AND branch = '朝阳'", " AND branch = '朝阳' AND handler = '张三'"):
            plan = " ".join(
                r[-1]
                for r in con.execute(
                    "EXPLAIN QUERY PLAN SELECT branch, handler, substr(due, 1, 10), case_type, case_id, kind, id,"
                    f" due_at, status, {deadline_query.PAUSED_ON_SQL}, provisional, breached FROM deadline INDEXED BY"
                    f" ix_deadline_running WHERE {deadline_query.RUNNING_SQL}{where}"
                    " ORDER BY branch, handler, due, case_type, case_id, kind, id"
                )
            )
            assert "COVERING INDEX ix_deadline_running" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        con.close()


def test_today_for_the_operator_imports_no_database_stack(kefu):
    """`kefu today` without --handler finds the operator (KEFU_CLERK, the setting, the OS user)
    without the unit of work: who is typing is read from the per-user settings module."""
    kefu.ok("handler", "add", "tester", "--json")
    r = probe("--db", kefu.db, "today", "--as-of", "2026-12-01", "--json")
    assert r["code"] == 0, r["out"]
    assert json.loads(r["out"])["handler"] == "tester"
    assert r["heavy"] == [], f"kefu today imported {r['heavy']}"
