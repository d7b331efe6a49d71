"""Every reader of a deadline says the same thing about it on the same day (issue 19, part 5).

On the demo database, for two explicit as-of days (never today), each running deadline is
judged once by `domain.report.judge` over the rows read here with sqlite3 — the one verdict — and
every reader is compared with it: the deadline report, complaint/claim list, search, complaint
and claim show, the deadline/complaint/callback exports and the overdue counts of report stats.
A reader that shows no deadline field is skipped where it comes up, with the reason.

The demo's events end on 2026-11-20, so a day from then on reads the same rows whether a reader
folds the history up to that day or reads today's rows: the result does not depend on the clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app
from kefu_cli.domain.report import BUCKET_ZH, Bucket, judge
from kefu_cli.services.reports import QuickSource

SAMPLE = Path(__file__).parents[1] / "sample_data"
DAYS = ("2026-11-20", "2026-12-07")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    target = tmp_path_factory.mktemp("readers") / "demo.sqlite"
    r = CliRunner().invoke(app, ["demo", "--data", str(SAMPLE), "--to", str(target)], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return target


def run(db: Path, *args: str):
    r = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert r.exit_code == 0, f"kefu {' '.join(args)} exited {r.exit_code}: {r.stderr or r.stdout}"
    return json.loads(r.stdout) if "--json" in args else r.stdout


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def truth(db: Path, day: dt.date, within: int) -> dict[tuple[str, str], list[dict]]:
    """{(case_type, case_id): its running deadlines in next-deadline order, each judged}."""
    conn = sqlite3.connect(db)
    cal = QuickSource(conn).calendar
    rows = conn.execute(
        "SELECT id, case_type, case_id, kind, status, due, due_at, breached, paused_at FROM deadline"
        " WHERE status IN ('open', 'paused') ORDER BY due, due_at, id"
    ).fetchall()
    conn.close()
    out: dict[tuple[str, str], list[dict]] = {}
    for _id, case_type, case_id, kind, status, due, due_at, breached, paused_at in rows:
        due_day = dt.date.fromisoformat(due[:10])
        at = dt.datetime.fromisoformat(due_at[:19])
        paused = dt.datetime.fromisoformat(paused_at[:19]) if paused_at else None
        j = judge(cal, day, status, due_day, at, bool(breached), paused, within)
        out.setdefault((case_type, case_id), []).append(
            {
                "kind": kind,
                "due": due_day.isoformat(),
                "paused": status == "paused",
                "bucket": j.bucket.value,
                "overdue": j.overdue,
                "breached": j.breached,
                "left": j.working_days_left,
            }
        )
    return out


@pytest.mark.parametrize("day", DAYS)
def test_every_reader_agrees_with_the_one_verdict(demo, tmp_path, day):
    as_of = dt.date.fromisoformat(day)
    report = run(demo, "report", "deadlines", "--as-of", day, "--json")
    want = truth(demo, as_of, report["within"])
    assert want, "the demo has running deadlines"

    # the deadline report: every running deadline, with its bucket, days left and breach
    seen = {}
    for i in report["items"]:
        seen.setdefault((i["case_type"], i["case_id"]), []).append(
            {
                "kind": i["kind"],
                "due": i["due"],
                "paused": i["status"] == "paused",
                "bucket": i["status"],
                "overdue": i["status"] == "overdue",
                "breached": i["breached"],
                "left": i["working_days_left"],
            }
        )
    key = lambda d: (d["due"], d["kind"], d["left"])  # noqa: E731
    assert {k: sorted(v, key=key) for k, v in seen.items()} == {k: sorted(v, key=key) for k, v in want.items()}

    def next_of(case_type: str, case_id: str) -> dict | None:
        rows = want.get((case_type, case_id))
        return rows[0] if rows else None

    def check_next(case_type: str, case_id: str, shown: dict | None, where: str) -> None:
        exp = next_of(case_type, case_id)
        if exp is None:
            assert shown is None, f"{where}: {case_id} shows a next deadline it does not have"
            return
        assert shown is not None, f"{where}: {case_id} shows no next deadline"
        got = {"kind": shown["kind"], "due": shown["due"], "overdue": shown["overdue"]}
        got["left"] = shown["working_days_left"]
        assert got == {k: exp[k] for k in got}, f"{where}: {case_id}"
        if "paused" in shown:
            assert shown["paused"] == exp["paused"], f"{where}: {case_id}"
        if "breached" in shown:
            assert shown["breached"] == exp["breached"], f"{where}: {case_id}"

    # complaint list and claim list: each case's next running deadline
    complaints = run(demo, "complaint", "list", "--all", "--as-of", day, "--json")["items"]
    for c in complaints:
        check_next("complaint", c["id"], c["next_deadline"], "complaint list")
    claims = run(demo, "claim", "list", "--all", "--as-of", day, "--json")["items"]
    assert claims
    for c in claims:
        check_next("claim", c["id"], c["next_deadline"], "claim list")

    # the overdue filters: the cases (deadlines) with an overdue running deadline
    def overdue_cases(case_type: str) -> list[str]:
        return sorted(k[1] for k, v in want.items() if k[0] == case_type and any(d["overdue"] for d in v))

    for case_type in ("complaint", "claim"):
        listed = run(demo, case_type, "list", "--all", "--overdue", "--as-of", day, "--json")["items"]
        assert sorted(c["id"] for c in listed) == overdue_cases(case_type), f"{case_type} list --overdue"
    late = run(demo, "report", "deadlines", "--overdue", "--as-of", day, "--json")["items"]
    assert sorted((i["case_id"], i["kind"]) for i in late) == sorted(
        (k[1], d["kind"]) for k, v in want.items() for d in v if d["overdue"]
    )

    # callback list: an item shows the callback's own visit due date, no deadline state — only
    # that date is compared, with the running visit deadline where there is one
    for c in run(demo, "callback", "list", "--json")["items"]:
        visit = [d for d in want.get(("callback", c["id"]), []) if d["kind"] == "callback"]
        if visit:
            assert c["due"] == visit[0]["due"], c["id"]
    # request list: service requests have no deadlines, nothing to compare (skipped)

    # search: every case number of the demo contains "2026"; each case's next deadline
    found = run(demo, "search", "2026", "--limit", "200", "--as-of", day, "--json")
    assert found["count"] < 200
    cases = {(i["case_type"], i["id"]) for i in found["items"]}
    assert {k for k in want if k[0] in ("complaint", "claim")} <= cases
    for i in found["items"]:
        if i["case_type"] in ("complaint", "callback", "claim"):
            check_next(i["case_type"], i["id"], i["next_deadline"], "search")

    # show: every running deadline of a case, judged on the day
    for case_type, items in (("complaint", complaints), ("claim", claims)):
        for c in items:
            shown = run(demo, case_type, "show", c["id"], "--as-of", day, "--json")["deadlines"]
            got = [
                {"kind": d["kind"], "due": d["due"], "paused": d["status"] == "paused", "overdue": d["late"],
                 "breached": d["breached"], "left": d["working_days_left"]}
                for d in shown if d["status"] in ("open", "paused")
            ]  # fmt: skip
            exp = [{k: d[k] for k in got[0]} for d in want.get((case_type, c["id"]), [])] if got else []
            assert sorted(got, key=key) == sorted(exp, key=key), f"{case_type} show {c['id']}"
    # callback show has no --as-of (it judges a breach at the present moment): its running
    # deadlines' due dates are compared, their state is not
    for (case_type, case_id), rows in want.items():
        if case_type == "callback":
            shown = run(demo, "callback", "show", case_id, "--json")["deadlines"]
            running = sorted((d["kind"], d["due"]) for d in shown if d["status"] in ("open", "paused"))
            assert running == sorted((d["kind"], d["due"]) for d in rows), case_id

    # export deadlines: the report's rows, the overdue column the bucket's
    path = tmp_path / "deadlines.csv"
    run(demo, "export", "deadlines", str(path), "--as-of", day)
    zh = {v: k.value for k, v in BUCKET_ZH.items()}
    exported = {}
    for r in read_csv(path):
        case_type = {"投诉": "complaint", "回访": "callback"}.get(r["案件类型"], r["案件类型"])
        exported.setdefault((case_type, r["案件编号"]), []).append(
            (r["到期日"], zh[r["状态"]], int(r["剩余工作日"]), r["是否逾期"] == "是")
        )
    assert {k: sorted(v) for k, v in exported.items()} == {
        k: sorted((d["due"], d["bucket"], d["left"], d["overdue"]) for d in v) for k, v in want.items()
    }

    # export complaints / callbacks: the next deadline's days left, overdue if any running one is
    for what, case_type, id_col in (("complaints", "complaint", "投诉编号"), ("callbacks", "callback", "回访编号")):
        path = tmp_path / f"{what}.csv"
        run(demo, "export", what, str(path), "--as-of", day)
        rows = read_csv(path)
        assert rows
        for r in rows:
            running = want.get((case_type, r[id_col]), [])
            left = str(running[0]["left"]) if running else ""
            overdue = "是" if any(d["overdue"] for d in running) else "否"
            assert (r["剩余工作日"], r["是否逾期"]) == (left, overdue), f"export {what}: {r[id_col]}"

    # report stats: the overdue count of each deadline kind (deadlines due in the period)
    stats = run(demo, "report", "stats", "--from", "2026-01-01", "--to", day, "--as-of", day, "--json")
    for row in stats["on_time"]:
        n = sum(
            1
            for v in want.values()
            for d in v
            if d["kind"] == row["kind"] and d["bucket"] == Bucket.OVERDUE and d["due"] <= day
        )
        assert row["overdue"] == n, row["kind"]


def test_the_measured_disagreements(demo, tmp_path):
    """The two cases of the issue: a 24-hour deadline due at 14:00 is due today on its day in
    every reader (breached, not overdue); a callback's overdue problem reply makes it overdue in
    the callbacks export as in the deadline report."""
    report = run(demo, "report", "deadlines", "--as-of", "2026-11-20", "--json")
    inv = [i for i in report["items"] if i["case_id"] == "TS-20261119-0001" and i["kind"] == "initial_investigation"]
    assert [(i["status"], i["breached"]) for i in inv] == [("due_today", True)]
    path = tmp_path / "d.csv"
    run(demo, "export", "deadlines", str(path), "--as-of", "2026-11-20")
    row = [r for r in read_csv(path) if r["案件编号"] == "TS-20261119-0001" and r["期限类型"] == "初步调查"]
    assert [(r["状态"], r["是否逾期"]) for r in row] == [(BUCKET_ZH[Bucket.DUE_TODAY], "否")]

    report = run(demo, "report", "deadlines", "--as-of", "2026-12-07", "--json")
    reply = [i for i in report["items"] if i["case_id"] == "HF-20261116-0006" and i["kind"] == "callback_reply"]
    assert [i["status"] for i in reply] == ["overdue"]
    path = tmp_path / "c.csv"
    run(demo, "export", "callbacks", str(path), "--as-of", "2026-12-07")
    row = [r for r in read_csv(path) if r["回访编号"] == "HF-20261116-0006"]
    assert [r["是否逾期"] for r in row] == ["是"]


def test_judge_one_verdict_for_every_unit():
    """The verdict itself: the due day decides bucket, overdue flag and days left; the due moment
    decides the breach, at the end of the as-of day."""
    from kefu_cli.domain.calendar import official_calendar

    cal = official_calendar()
    fri = dt.date(2026, 11, 20)  # a Friday, a working day
    hours = dt.datetime(2026, 11, 20, 14, 0)  # a 24-hour deadline due at 14:00
    j = judge(cal, fri, "open", fri, hours)
    assert (j.bucket, j.overdue, j.breached, j.working_days_left) == (Bucket.DUE_TODAY, False, True, 0)
    j = judge(cal, fri - dt.timedelta(days=1), "open", fri, hours, within=3)
    assert (j.bucket, j.overdue, j.breached, j.working_days_left) == (Bucket.DUE_SOON, False, False, 1)
    sat = fri + dt.timedelta(days=1)  # past its day, no working day since
    j = judge(cal, sat, "open", fri, hours)
    assert (j.bucket, j.overdue, j.breached, j.working_days_left) == (Bucket.OVERDUE, True, True, 0)
    # a whole-day rule is due at the end of its day: not breached on it
    j = judge(cal, fri, "open", fri, dt.datetime(2026, 11, 20, 23, 59, 59))
    assert (j.bucket, j.overdue, j.breached) == (Bucket.DUE_TODAY, False, False)
    # paused: never overdue, days left frozen on the pause day, a breach before the pause kept
    j = judge(cal, dt.date(2026, 12, 7), "paused", fri, hours, True, dt.datetime(2026, 11, 19, 9, 0))
    assert (j.bucket, j.overdue, j.breached, j.working_days_left) == (Bucket.PAUSED, False, True, 1)
    # ended: no bucket, no days left; met late stays breached
    j = judge(cal, sat, "met", fri, hours, True)
    assert (j.bucket, j.overdue, j.breached, j.working_days_left) == (None, False, True, None)
