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
from kefu_cli.services.report_source import QuickSource

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
    every_reader_agrees(demo, tmp_path, day, report, want)


def every_reader_agrees(demo: Path, tmp_path: Path, day: str, report: dict, want: dict) -> None:
    """Every reader of `demo` on `day` against `want` (`truth` or `truth_at`) and the report."""

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
    # callback show --as-of: its running deadlines, paused and breached as judged on the day (it
    # shows no days left and no overdue flag)
    for (case_type, case_id), rows in want.items():
        if case_type == "callback":
            shown = run(demo, "callback", "show", case_id, "--as-of", day, "--json")["deadlines"]
            running = sorted(
                (d["kind"], d["due"], d["status"] == "paused", d["breached"])
                for d in shown if d["status"] in ("open", "paused")
            )  # fmt: skip
            assert running == sorted((d["kind"], d["due"], d["paused"], d["breached"]) for d in rows), case_id

    # export deadlines: the report's rows, the overdue column the bucket's
    path = tmp_path / "deadlines.csv"
    run(demo, "export", "deadlines", str(path), "--as-of", day)
    zh = {v: k.value for k, v in BUCKET_ZH.items()}
    exported = {}
    for r in read_csv(path):
        case_type = {"投诉": "complaint", "回访": "callback", "理赔报案": "claim", "保全请求": "request"}[r["案件类型"]]
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


# --- a past day on a database with later steps --------------------------------------------------
#
# The demo's events end on 2026-11-20; here steps follow on later days (a decision, an acceptance,
# a handover, an investigation, an assignment, a new complaint), so "as of 2026-11-20" is a past
# that differs from today's rows: every reader must read the case and its deadlines as they stood
# at the end of that day — the fold the deadline report reads — not today's rows.

PAST = "2026-11-20"
DECIDED = "TS-20261105-0001"  # accepted on the 20th, decided on the 23rd
ACCEPTED = "TS-20261119-0001"  # registered on the 20th, accepted on the 23rd
ASSIGNED = "TS-20261113-0001"  # 丰台营业部 刘洋 on the 20th, 海淀支公司 张敏 from the 24th
CLAIM = "BA-20261119-0001"  # 王强 on the 20th, 海淀支公司 张敏 from the 23rd
VOIDED = "BA-20261104-0001"  # a claim voided on the 23rd


@pytest.fixture(scope="module")
def later(demo, tmp_path_factory):
    import shutil

    from kefu_cli.services import clock

    target = tmp_path_factory.mktemp("later") / "later.sqlite"
    shutil.copy(demo, target)
    clock.set_now(dt.datetime(2026, 12, 1, 10, 0))  # as tests/conftest.py: no step is in the future
    for args in (
        ("complaint", "decide", DECIDED, "--result", "退还保费", "--at", "2026-11-23T10:00"),
        ("complaint", "accept", ACCEPTED, "--at", "2026-11-23T11:00"),
        ("complaint", "investigate", "TS-20261118-0001", "--at", "2026-11-23T09:00"),
        ("claim", "assign", CLAIM, "--handler", "张敏", "--branch", "海淀支公司", "--at", "2026-11-23T10:00"),
        ("claim", "void", VOIDED, "--reason", "测试数据", "--at", "2026-11-23T12:00"),
        ("complaint", "assign", ASSIGNED, "--handler", "张敏", "--branch", "海淀支公司", "--at", "2026-11-24T09:00"),
        ("complaint", "add", "--channel", "phone", "--category", "service", "--name", "赵六", "--phone",
         "13700001111", "--received", "2026-11-24T09:00", "--branch", "朝阳支公司", "--handler", "李娜",
         "--at", "2026-11-24T09:10"),
    ):  # fmt: skip
        run(target, *args)
    return target


def truth_at(db: Path, day: dt.date, within: int) -> dict[tuple[str, str], list[dict]]:
    """`truth` from the history: the deadlines as their events left them at the end of `day`
    (services/reports.py `states_at`, the fold of `report deadlines --as-of`), each judged."""
    from kefu_cli.domain.deadlines import RUNNING
    from kefu_cli.services.deadline_query import end_of, next_order, states_at

    conn = sqlite3.connect(db)
    src = QuickSource(conn)
    states = sorted((d for d in states_at(src, end_of(day)) if d.status in RUNNING), key=next_order)
    cal = src.calendar
    conn.close()
    out: dict[tuple[str, str], list[dict]] = {}
    for d in states:
        j = judge(cal, day, d.status, d.due, d.due_at, d.breached, d.paused_at, within)
        out.setdefault((d.case_type, d.case_id), []).append(
            {
                "kind": d.kind,
                "due": d.due.isoformat(),
                "paused": d.status == "paused",
                "bucket": j.bucket.value,
                "overdue": j.overdue,
                "breached": j.breached,
                "left": j.working_days_left,
            }
        )
    return out


def test_a_past_day_reads_the_past_in_every_reader(later, tmp_path):
    report = run(later, "report", "deadlines", "--as-of", PAST, "--json")
    assert report["history"] is True
    want = truth_at(later, dt.date.fromisoformat(PAST), report["within"])
    today = truth(later, dt.date.fromisoformat(PAST), report["within"])
    # the later steps changed the deadlines: a reader of today's rows would disagree here
    assert want[("complaint", DECIDED)] and ("complaint", DECIDED) not in today
    assert want[("complaint", "TS-20261118-0001")] != today[("complaint", "TS-20261118-0001")]
    every_reader_agrees(later, tmp_path, PAST, report, want)


def test_a_case_stepped_later_shows_its_state_then(later, tmp_path):
    past = {c["id"]: c for c in run(later, "complaint", "list", "--all", "--as-of", PAST, "--json")["items"]}
    now = {c["id"]: c for c in run(later, "complaint", "list", "--all", "--json")["items"]}
    new = sorted(set(now) - set(past))
    assert len(new) == 1 and new[0].startswith("TS-20261124-"), "registered later: absent on the day"

    # decided on the 23rd: accepted on the 20th, its decision deadline open (the report's)
    assert (now[DECIDED]["status"], past[DECIDED]["status"]) == ("decided", "accepted")
    assert past[DECIDED]["decided_at"] is None and past[DECIDED]["result"] is None
    assert past[DECIDED]["next_deadline"]["kind"] == "decision"
    assert now[DECIDED]["next_deadline"] is None
    assert (now[ACCEPTED]["status"], past[ACCEPTED]["status"]) == ("accepted", "registered")
    assert (past[ASSIGNED]["branch"], past[ASSIGNED]["handler"]) == ("丰台营业部", "刘洋")
    assert (now[ASSIGNED]["branch"], now[ASSIGNED]["handler"]) == ("海淀支公司", "张敏")

    # the filters apply to the state then
    def listed(*args: str, case: str = "complaint") -> list[str]:
        return [c["id"] for c in run(later, case, "list", "--all", "--as-of", PAST, *args, "--json")["items"]]

    assert DECIDED in listed("--status", "accepted") and DECIDED not in listed("--status", "decided")
    assert ACCEPTED in listed("--status", "registered")
    assert ASSIGNED in listed("--handler", "刘洋") and ASSIGNED not in listed("--handler", "张敏")
    assert ASSIGNED in listed("--branch", "丰台营业部")
    assert DECIDED in listed("--due-from", "2026-12-07", "--due-to", "2026-12-07")
    assert listed("--limit", "3") == listed()[:3]
    claims_then = {c["id"]: c for c in run(later, "claim", "list", "--as-of", PAST, "--json")["items"]}
    claims_now = {c["id"]: c for c in run(later, "claim", "list", "--json")["items"]}
    assert VOIDED in claims_then and VOIDED not in claims_now, "voided later: listed on the day"
    assert (claims_then[CLAIM]["handler"], claims_now[CLAIM]["handler"]) == ("王强", "张敏")
    assert CLAIM in listed("--handler", "王强", case="claim") and CLAIM not in listed("--handler", "张敏", case="claim")
    assert VOIDED not in listed("--status", "closed", case="claim") or claims_then[VOIDED]["status"] == "closed"

    # show: the columns, the deadlines and the timeline then
    shown = run(later, "complaint", "show", DECIDED, "--as-of", PAST, "--json")
    assert (shown["status"], shown["decided_at"]) == ("accepted", None)
    decision = [d for d in shown["deadlines"] if d["kind"] == "decision"]
    assert [(d["status"], d["met_at"]) for d in decision if d["status"] != "superseded"] == [("open", None)]
    assert "met" in [d["status"] for d in run(later, "complaint", "show", DECIDED, "--json")["deadlines"]]
    assert all(e["at"] < "2026-11-21" for e in shown["events"])
    scheduled = {k["id"] for k in run(later, "complaint", "show", DECIDED, "--json")["callbacks"]}
    assert {k["id"] for k in shown["callbacks"]} < scheduled, "the decision's callback is scheduled later"
    assert run(later, "complaint", "show", DECIDED, "--json")["status"] == "decided"
    r = CliRunner().invoke(app, ["--db", str(later), "complaint", "show", new[0], "--as-of", PAST, "--json"])
    assert r.exit_code == 2, r.stdout
    claim = run(later, "claim", "show", VOIDED, "--as-of", PAST, "--json")
    assert claim["voided_at"] is None and claim["events"][-1]["action"] != "void"
    assert run(later, "claim", "show", VOIDED, "--json")["voided_at"] is not None

    # search: the status then, the later case absent
    found = {i["id"]: i for i in run(later, "search", "2026", "--limit", "200", "--as-of", PAST, "--json")["items"]}
    assert found[DECIDED]["status"] == "accepted" and found[ASSIGNED]["handler"] == "刘洋"
    assert new[0] not in found

    # export complaints: the status and decision time then, the later case absent
    path = tmp_path / "c.csv"
    run(later, "export", "complaints", str(path), "--as-of", PAST)
    rows = {r["投诉编号"]: r for r in read_csv(path)}
    assert new[0] not in rows and rows[DECIDED]["处理决定时间"] == ""
    assert rows[ASSIGNED]["经办人"] == "刘洋"
    run(later, "export", "complaints", str(path), "--as-of", PAST, "--branch", "海淀支公司")
    assert ASSIGNED not in {r["投诉编号"] for r in read_csv(path)}


def test_stats_of_the_past_day_count_a_case_under_its_branch_then(later):
    """ASSIGNED moved from 丰台营业部 to 海淀支公司 on the 24th: the figures of the 20th count it
    under 丰台营业部, today's under 海淀支公司, with a --branch filter too."""

    def stats(*args: str) -> dict:
        return run(later, "report", "stats", "--from", "2026-11-01", "--to", PAST, *args, "--json")

    then, now = stats(), stats("--as-of", "2026-12-01")
    assert then["history"] is True and now["history"] is False
    was, is_ = ({r["branch"]: r["count"] for r in s["complaints"]["by_branch"]} for s in (then, now))
    assert was["丰台营业部"] == is_["丰台营业部"] + 1 and was["海淀支公司"] == is_["海淀支公司"] - 1
    assert (
        stats("--branch", "丰台营业部")["complaints"]["total"]
        == stats("--branch", "丰台营业部", "--as-of", "2026-12-01")["complaints"]["total"] + 1
    )
