"""An overdue count that runs into a year whose holidays are not published is provisional: the
due date is certain, the number of working days since is not — every human output marks it [临时].
2098 is made a known year here (imported as complete); 2099 stays unknown."""

from __future__ import annotations

import datetime as dt

from kefu_cli.services import clock


def _setup(kefu, tmp_path) -> str:
    clock.set_now(dt.datetime(2099, 1, 6, 10, 0, tzinfo=clock.CST))  # a Tuesday of an unknown year
    year = tmp_path / "2098.csv"
    year.write_text("2098-10-01,休,国庆节\n", encoding="utf-8")
    kefu.ok("workday", "import", str(year), "--complete-year", "--at", "2099-01-05T10:00")
    kefu.ok("handler", "add", "李娜", "--json")
    cid = kefu.ok(
        "complaint", "add", "--received", "2098-12-01T09:00", "--channel", "phone", "--category", "service",
        "--name", "王小明", "--phone", "13912345678", "--handler", "李娜", "--at", "2098-12-01T09:00", "--json",
    )["id"]  # fmt: skip
    kefu.ok("complaint", "investigate", cid, "--at", "2098-12-01T10:00")
    return cid


def _line(out: str, *words: str) -> str:
    return next(line for line in out.splitlines() if all(w in line for w in words))


def test_overdue_count_into_an_unknown_year_is_marked(kefu, tmp_path):
    cid = _setup(kefu, tmp_path)
    # acceptance: 10 working days from Mon 2098-12-01 (known year) -> Mon 2098-12-15, not provisional
    show = kefu.ok("complaint", "show", cid, "--json")
    acceptance = next(d for d in show["deadlines"] if d["kind"] == "acceptance")
    assert acceptance["due"] == "2098-12-15" and acceptance["provisional"] is False
    assert acceptance["left_provisional"] is True
    assert "[临时]" in _line(kefu.ok("complaint", "show", cid), "受理决定")
    assert _line(kefu.ok("complaint", "list"), cid).rstrip().endswith("个工作日 [临时])")
    assert "个工作日 [临时]" in _line(kefu.ok("report", "deadlines"), cid, "受理决定")
    assert "个工作日 [临时]" in _line(kefu.ok("today", "--handler", "李娜"), cid, "受理决定")
    report = kefu.ok("report", "deadlines", "--json")
    item = next(i for i in report["items"] if i["case_id"] == cid and i["kind"] == "acceptance")
    assert item["left_provisional"] is True and item["provisional"] is False


def test_overdue_count_within_known_days_is_not_marked(kefu, tmp_path):
    cid = _setup(kefu, tmp_path)
    # seen on Wed 2098-12-31: every day counted is of 2098, a known year
    assert "[临时]" not in _line(kefu.ok("complaint", "list", "--as-of", "2098-12-31"), cid)
    line = _line(kefu.ok("report", "deadlines", "--as-of", "2098-12-31"), cid, "受理决定")
    assert "逾期 12 个工作日" in line and "[临时]" not in line
