"""Partial calendar imports through the CLI: a file that lists only some days of a year.

The files here are test fixtures in the notice's format, not the real 2027 notice:
春节 Sat 2027-02-06..Fri 02-12 off and Sat 02-20 worked (8 rows); 劳动节 Sat 05-01..Wed 05-05 off
and Sat 05-08 worked (6 rows). Weekdays checked: 2027-01-01 is a Friday, 02-08 and 05-03 Mondays.

Without `--complete-year` only the listed days are known; every other day of 2027 stays
provisional ([临时], `provisional: true`). With `--complete-year` the file is the whole notice of
each year it touches and the year stops being provisional.
"""

from __future__ import annotations

import datetime as dt
import json

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from kefu_cli.domain.calendar import DayOverride, WorkCalendar

SPRING = "日期,类型,名称\n" + "".join(f"2027-02-{d:02d},休,春节\n" for d in range(6, 13)) + "2027-02-20,班,春节\n"
LABOUR = "日期,类型,名称\n" + "".join(f"2027-05-{d:02d},休,劳动节\n" for d in range(1, 6)) + "2027-05-08,班,劳动节\n"
SPRING_ROWS, LABOUR_ROWS = 8, 6


@pytest.fixture
def spring(tmp_path):
    path = tmp_path / "2027春节.csv"
    path.write_text(SPRING, encoding="utf-8")
    return path


@pytest.fixture
def labour(tmp_path):
    path = tmp_path / "2027劳动节.csv"
    path.write_text(LABOUR, encoding="utf-8")
    return path


def _coverage(kefu) -> dict[int, dict]:
    return {row["year"]: row for row in kefu.ok("workday", "coverage", "--json")["years"]}


def test_partial_import_keeps_the_unlisted_days_provisional(kefu, spring):
    result = kefu.ok("workday", "import", str(spring), "--json", "--at", "2026-11-25T10:00")
    assert (result["years"], result["days"], result["holidays"], result["workdays"]) == ([2027], 8, 7, 1)
    assert result["complete_year"] is False
    assert result["year_status"] == [
        {"year": 2027, "status": "partial", "override_days": SPRING_ROWS, "provisional_days": 365 - SPRING_ROWS}
    ]

    # A listed day: source override, known.
    assert kefu.ok("workday", "check", "2027-02-08", "--json") == {
        "date": "2027-02-08",
        "workday": False,
        "kind": "holiday",
        "name": "春节",
        "source": "override",
    }
    assert kefu.ok("workday", "check", "2027-02-20", "--json")["kind"] == "makeup_workday"
    # Mon 2027-05-03 (probably 劳动节) is not in the file: still the provisional Mon–Fri rule.
    assert kefu.ok("workday", "check", "2027-05-03", "--json") == {
        "date": "2027-05-03",
        "workday": True,
        "kind": "workday",
        "name": None,
        "source": "provisional",
    }
    out = kefu.ok("workday", "check", "2027-05-03")
    assert "临时规则" in out and "只导入了部分日期" in out

    # Mon 04-26 + 5: 04-27..30 are 1..4, Mon 05-03 is 5 — touches the unlisted May days.
    assert kefu.ok("workday", "add", "2027-04-26", "5", "--json") == {
        "start": "2027-04-26",
        "n": 5,
        "due": "2027-05-03",
        "provisional": True,
    }
    r = kefu("workday", "add", "2027-04-26", "5")
    assert "[临时]" in r.out and "--complete-year" in r.err
    # Fri 02-05 + 1: 02-06..12 off (file), the unlisted weekend 02-13/14, Mon 02-15 — provisional.
    assert kefu.ok("workday", "add", "2027-02-05", "1", "--json") == {
        "start": "2027-02-05",
        "n": 1,
        "due": "2027-02-15",
        "provisional": True,
    }
    # (02-06, 02-12]: every day listed, all off → 0 working days, known.
    assert kefu.ok("workday", "count", "2027-02-06", "2027-02-12", "--json") == {
        "start": "2027-02-06",
        "end": "2027-02-12",
        "working_days": 0,
        "provisional": False,
    }


def test_coverage_shows_a_partial_year(kefu, spring):
    kefu.ok("workday", "import", str(spring), "--at", "2026-11-25T10:00")
    cov = _coverage(kefu)
    row = cov[2027]
    assert (row["source"], row["status"], row["provisional"]) == ("provisional", "partial", True)
    assert (row["override_days"], row["provisional_days"]) == (SPRING_ROWS, 365 - SPRING_ROWS)
    assert (row["file"], row["loaded_by"], row["loaded_at"]) == (spring.name, "tester", "2026-11-25T10:00:00+08:00")
    assert (cov[2026]["status"], cov[2026]["provisional"], cov[2026]["provisional_days"]) == ("official", False, 0)
    out = kefu.ok("workday", "coverage")
    assert "部分导入" in out and str(365 - SPRING_ROWS) in out
    assert "管理员导入(完整)" not in out


def test_complete_year_import_settles_the_year(kefu, spring):
    result = kefu.ok("workday", "import", str(spring), "--complete-year", "--json")
    assert result["year_status"] == [{"year": 2027, "status": "complete", "override_days": 8, "provisional_days": 0}]
    # The file is the whole notice: unlisted days follow Mon–Fri for certain.
    assert kefu.ok("workday", "check", "2027-05-03", "--json")["source"] == "override"
    assert kefu.ok("workday", "add", "2027-04-26", "5", "--json") == {
        "start": "2027-04-26",
        "n": 5,
        "due": "2027-05-03",
        "provisional": False,
    }
    row = _coverage(kefu)[2027]
    assert (row["source"], row["status"], row["provisional"], row["provisional_days"]) == (
        "override",
        "complete",
        False,
        0,
    )
    assert "管理员导入(完整)" in kefu.ok("workday", "coverage")


def test_partial_imports_add_up_and_a_later_complete_import_settles(kefu, spring, labour):
    kefu.ok("workday", "import", str(spring))
    kefu.ok("workday", "import", str(labour))
    row = _coverage(kefu)[2027]
    assert (row["status"], row["override_days"]) == ("partial", SPRING_ROWS + LABOUR_ROWS)
    # The Spring Festival rows are still there after the second file.
    assert kefu.ok("workday", "check", "2027-02-08", "--json")["source"] == "override"
    # Mon 04-26 + 5: 04-27..30 are 1..4, 05-01..05 off (file), Thu 05-06 is 5 — still provisional
    # because 04-26..30 and 05-06 are not listed.
    assert kefu.ok("workday", "add", "2027-04-26", "5", "--json") == {
        "start": "2027-04-26",
        "n": 5,
        "due": "2027-05-06",
        "provisional": True,
    }
    # Then the administrator says the last file was the complete notice.
    kefu.ok("workday", "import", str(labour), "--complete-year")
    assert _coverage(kefu)[2027]["status"] == "complete"
    assert kefu.ok("workday", "add", "2027-04-26", "5", "--json")["provisional"] is False


def test_a_partial_correction_leaves_a_complete_year_complete(kefu, spring, tmp_path):
    kefu.ok("workday", "import", str(spring), "--complete-year")
    fix = tmp_path / "更正.csv"
    fix.write_text("日期,类型,名称\n2027-03-01,休,更正\n", encoding="utf-8")
    r = kefu("workday", "import", str(fix))
    assert r.code == 0 and r.err == ""  # no "rest stays provisional" warning: the year is complete
    row = _coverage(kefu)[2027]
    assert (row["status"], row["override_days"], row["provisional"]) == ("complete", SPRING_ROWS + 1, False)
    assert kefu.ok("workday", "check", "2027-03-02", "--json")["source"] == "override"


def test_partial_import_recomputes_open_deadlines_and_audits(kefu, db_path, spring):
    from sqlmodel import select

    from kefu_cli.services.context import unit_of_work
    from kefu_cli.services.deadlines import start_deadline
    from kefu_cli.store.admin_models import CalendarNotice
    from kefu_cli.store.models import AuditEvent, Deadline

    kefu.ok("db", "init")
    with unit_of_work(db_path, clerk="tester", at=dt.datetime(2026, 11, 20, 10, 0)) as uow:
        # callback.claim = 5 working days from Fri 2027-02-05: provisional Mon–Fri → Fri 02-12.
        row = start_deadline(
            uow,
            case_type="test",
            case_id="P-1",
            kind="callback",
            start_at=dt.datetime(2027, 2, 5, 10),
            rule="callback.claim",
        )
        row_id = row.id
        assert (row.due, row.provisional) == (dt.date(2027, 2, 12), True)

    result = kefu.ok("workday", "import", str(spring), "--json")
    # 02-06..12 off (file), weekend 02-13/14, then Mon 02-15..Fri 02-19 are 1..5 → 02-19, still
    # provisional: 02-15..19 are not in the file.
    assert result["recomputed"] == [
        {
            "case_type": "test",
            "case_id": "P-1",
            "kind": "callback",
            "due_before": "2027-02-12",
            "due": "2027-02-19",
            "provisional": True,
        }
    ]
    with unit_of_work(db_path, write=False) as uow:
        stored = uow.session.get(Deadline, row_id)
        assert (stored.due, stored.provisional) == (dt.date(2027, 2, 19), True)
        events = uow.session.exec(
            select(AuditEvent).where(AuditEvent.entity == "deadline", AuditEvent.action == "recompute")
        ).all()
        assert [e.entity_id for e in events] == [str(row_id)]
        details = json.loads(events[0].details)
        assert (details["due_before"], details["due_after"]) == ("2027-02-12", "2027-02-19")
        # The year is recorded as a partial load, and no notice row marks it complete.
        loads = uow.session.exec(select(AuditEvent).where(AuditEvent.entity == "calendar")).all()
        year_events = [e for e in loads if e.entity_id == "2027"]
        assert [e.action for e in year_events] == ["load_partial"]
        d = json.loads(year_events[0].details)
        assert (d["complete"], d["status_before"], d["status_after"], d["days"]) == (
            False,
            "provisional",
            "partial",
            SPRING_ROWS,
        )
        assert sum(e.action == "override" for e in loads) == SPRING_ROWS
        assert uow.session.exec(select(CalendarNotice)).all() == []

    # Loading the same file as the complete notice settles the deadline's flag (same due date).
    result = kefu.ok("workday", "import", str(spring), "--complete-year", "--json")
    assert [(r["case_id"], r["due_before"], r["due"], r["provisional"]) for r in result["recomputed"]] == [
        ("P-1", "2027-02-19", "2027-02-19", False)
    ]


# --- the per-day provisional flag against a brute-force reference ------------------------------------

_SPRING_DAYS = [DayOverride(dt.date(2027, 2, d), False, "春节") for d in range(6, 13)] + [
    DayOverride(dt.date(2027, 2, 20), True, "春节")
]
PARTIAL = WorkCalendar.official(_SPRING_DAYS)
window = st.dates(min_value=dt.date(2026, 12, 1), max_value=dt.date(2028, 1, 31))


@settings(max_examples=300)
@given(window, window)
def test_touches_provisional_is_any_provisional_day_between(a, b):
    lo, hi = min(a, b), max(a, b)
    days = (lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1))
    expected = any(d.year != 2026 and d not in PARTIAL.overrides for d in days)
    assert PARTIAL.touches_provisional(a, b) is expected
