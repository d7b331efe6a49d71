"""`kefu workday add | count | check | import | coverage` through the CLI (DESIGN.md contract).

Dates are worked out by hand beside each expectation; 2026 per the State Council notice
(Mid-Autumn Fri 09-25 and 国庆 10-01..07 off, Sun 09-20 and Sat 10-10 make-up working days).
tests/data/calendar_2027_notice.csv is a TEST FIXTURE in the notice's format, not the real
2027 notice: 元旦 2027-01-01 (Fri)..01-03 off, 春节 02-06..02-13 off with Sun 01-31 and
Sat 02-20 worked, and so on — 28 days off, 6 make-up days, 34 rows.

A file is a partial import unless `--complete-year` says it is the whole notice of its years
(tests/test_calendar_partial.py has the partial cases); the tests below that rely on the unlisted
days of 2027 being settled import the fixture with `--complete-year`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
NOTICE = DATA / "calendar_2027_notice.csv"
NOTICE_ROWS, NOTICE_OFF, NOTICE_WORK = 34, 28, 6


def _one_sentence_error(r, *needles: str) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr that names the problem."""
    assert r.code == 2, (r.code, r.out, r.err)
    assert r.out == ""
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1, r.err
    assert "Traceback" not in r.err
    for n in needles:
        assert n in lines[0], (n, lines[0])


def _coverage(kefu) -> dict[int, dict]:
    return {row["year"]: row for row in kefu.ok("workday", "coverage", "--json")["years"]}


# --- add ------------------------------------------------------------------------------------


def test_add_json_contract(kefu):
    # Fri 09-18 + 10 working days: Sun 09-20 counted, Fri 09-25 and 10-01..07 skipped → Fri 10-09.
    assert kefu.ok("workday", "add", "2026-09-18", "10", "--json") == {
        "start": "2026-09-18",
        "n": 10,
        "due": "2026-10-09",
        "provisional": False,
    }


def test_add_accepts_the_other_date_spellings(kefu):
    for spelling in ("2026/09/18", "20260918", "2026年9月18日"):
        assert kefu.ok("workday", "add", spelling, "10", "--json")["due"] == "2026-10-09"


def test_add_human_output_is_chinese(kefu):
    r = kefu("workday", "add", "2026-09-18", "10")
    assert r.code == 0
    assert r.out.strip() == "2026-09-18 之后第 10 个工作日: 2026-10-09(星期五)"
    assert r.err == ""


def test_add_into_2027_is_provisional_without_a_traceback(kefu):
    # Fri 2026-12-25: 12-28..31 are 1..4, Fri 2027-01-01 is 5 under the Mon–Fri provisional rule.
    assert kefu.ok("workday", "add", "2026-12-25", "5", "--json") == {
        "start": "2026-12-25",
        "n": 5,
        "due": "2027-01-01",
        "provisional": True,
    }
    r = kefu("workday", "add", "2026-12-25", "5")
    assert r.code == 0
    assert "2027-01-01(星期五)" in r.out and "[临时]" in r.out
    assert "kefu workday import" in r.err  # the warning tells the clerk what to do


def test_add_n_zero(kefu):
    # N = 0 is the start day itself, even a holiday.
    assert kefu.ok("workday", "add", "2026-10-01", "0", "--json")["due"] == "2026-10-01"


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("2026-13-01", "3"), ("起算日", "2026-13-01", "2026-11-21")),
        (("tomorrow", "3"), ("起算日", "tomorrow")),
        (("2026-11-23", "-3"), ("不能为负数", "-3")),
        (("2026-11-23", "ten"), ("整数", "ten")),
        (("1999-12-31", "3"), ("1999-12-31", "2000-01-01")),
        (("2099-12-25", "10"), ("2099-12-31",)),
    ],
)
def test_add_bad_input_exits_2_with_one_sentence(kefu, args, needles):
    _one_sentence_error(kefu("workday", "add", *args, "--json"), *needles)


# --- count ------------------------------------------------------------------------------------


def test_count_json_contract(kefu):
    # (09-30, 10-12]: 10-08, 10-09, Sat 10-10 (make-up), Mon 10-12 → 4.
    assert kefu.ok("workday", "count", "2026-09-30", "2026-10-12", "--json") == {
        "start": "2026-09-30",
        "end": "2026-10-12",
        "working_days": 4,
        "provisional": False,
    }


def test_count_same_day_reversed_and_provisional(kefu):
    assert kefu.ok("workday", "count", "2026-10-10", "2026-10-10", "--json")["working_days"] == 0
    assert kefu.ok("workday", "count", "2026-10-12", "2026-09-30", "--json")["working_days"] == -4
    # (2026-12-31, 2027-01-08]: Mon–Fri rule → 01-01 (Fri), 01-04..08 → 6, provisional.
    out = kefu.ok("workday", "count", "2026-12-31", "2027-01-08", "--json")
    assert (out["working_days"], out["provisional"]) == (6, True)


def test_count_human_output_is_chinese(kefu):
    out = kefu.ok("workday", "count", "2026-09-30", "2026-10-12")
    assert out.strip() == "2026-09-30 之后至 2026-10-12(含)共有 4 个工作日"


def test_count_bad_date(kefu):
    _one_sentence_error(kefu("workday", "count", "2026-09-30", "2026-10-32"), "结束日", "2026-10-32")


# --- check ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2026-10-10", {"workday": True, "kind": "makeup_workday", "name": "国庆节", "source": "official"}),
        ("2026-09-20", {"workday": True, "kind": "makeup_workday", "name": "国庆节", "source": "official"}),
        ("2026-09-25", {"workday": False, "kind": "holiday", "name": "中秋节", "source": "official"}),
        ("2026-10-05", {"workday": False, "kind": "holiday", "name": "国庆节", "source": "official"}),
        ("2026-11-21", {"workday": False, "kind": "weekend", "name": None, "source": "official"}),
        ("2026-11-23", {"workday": True, "kind": "workday", "name": None, "source": "official"}),
        ("2026-02-28", {"workday": True, "kind": "makeup_workday", "name": "春节", "source": "official"}),
        ("2027-01-01", {"workday": True, "kind": "workday", "name": None, "source": "provisional"}),
        ("2027-01-02", {"workday": False, "kind": "weekend", "name": None, "source": "provisional"}),
    ],
)
def test_check_json_contract(kefu, date, expected):
    assert kefu.ok("workday", "check", date, "--json") == {"date": date, **expected}


def test_check_human_output_is_chinese(kefu):
    out = kefu.ok("workday", "check", "2026-10-10")
    assert out.strip() == "2026-10-10 星期六: 工作日 — 调休上班日(国庆节),数据来源: 官方数据"
    out = kefu.ok("workday", "check", "2027-01-01")
    assert "临时规则" in out


def test_check_out_of_range_and_bad_date(kefu):
    _one_sentence_error(kefu("workday", "check", "2100-01-01", "--json"), "2100-01-01", "2099-12-31")
    _one_sentence_error(kefu("workday", "check", "2026-02-29"), "2026-02-29")


# --- coverage -----------------------------------------------------------------------------------


def test_coverage_before_any_import(kefu):
    cov = _coverage(kefu)
    assert all(cov[y]["source"] == "official" for y in range(2004, 2027))
    assert cov[2027]["source"] == "provisional"
    assert cov[2027]["override_days"] == 0
    assert min(cov) == 2004
    out = kefu.ok("workday", "coverage")
    assert "官方数据" in out and "临时规则" in out


# --- import -------------------------------------------------------------------------------------


def test_import_a_complete_2027_notice_and_answers_follow_it(kefu):
    before = kefu.ok("workday", "add", "2026-12-25", "5", "--json")
    assert (before["due"], before["provisional"]) == ("2027-01-01", True)

    result = kefu.ok("workday", "import", str(NOTICE), "--complete-year", "--json", "--at", "2026-11-25T10:00")
    assert (result["years"], result["days"], result["holidays"], result["workdays"]) == (
        [2027],
        NOTICE_ROWS,
        NOTICE_OFF,
        NOTICE_WORK,
    )
    assert result["complete_year"] is True
    assert result["year_status"] == [
        {"year": 2027, "status": "complete", "override_days": NOTICE_ROWS, "provisional_days": 0}
    ]
    assert result["recomputed"] == []  # no deadlines in this database

    # From Fri 2026-12-25: 1..4 = 12-28..31; 2027-01-01..03 off (file); 5 = Mon 2027-01-04.
    assert kefu.ok("workday", "add", "2026-12-25", "5", "--json") == {
        "start": "2026-12-25",
        "n": 5,
        "due": "2027-01-04",
        "provisional": False,
    }
    assert kefu.ok("workday", "check", "2027-01-01", "--json") == {
        "date": "2027-01-01",
        "workday": False,
        "kind": "holiday",
        "name": "元旦",
        "source": "override",
    }
    # Sat 2027-02-20 is a make-up day in the file; Fri 02-19 + 1 working day = that Saturday.
    assert kefu.ok("workday", "check", "2027-02-20", "--json")["kind"] == "makeup_workday"
    assert kefu.ok("workday", "add", "2027-02-19", "1", "--json")["due"] == "2027-02-20"
    # From Fri 02-05: 02-06..13 off (file), Sun 02-14 weekend, 1 = Mon 02-15.
    assert kefu.ok("workday", "add", "2027-02-05", "1", "--json")["due"] == "2027-02-15"
    # A day the file does not list: Mon–Fri rule, but the whole notice is loaded, so not provisional.
    assert kefu.ok("workday", "check", "2027-03-03", "--json")["source"] == "override"
    # Mon 2027-04-26 + 5: 04-27..30 are 1..4, 05-01..05 off (file), 5 = Thu 05-06 — all settled.
    assert kefu.ok("workday", "add", "2027-04-26", "5", "--json") == {
        "start": "2027-04-26",
        "n": 5,
        "due": "2027-05-06",
        "provisional": False,
    }
    # 2028 is still provisional: an answer reaching into it says so.
    assert kefu.ok("workday", "add", "2027-12-30", "2", "--json")["provisional"] is True

    cov = _coverage(kefu)
    assert cov[2027]["source"] == "override"
    assert (cov[2027]["status"], cov[2027]["provisional"], cov[2027]["provisional_days"]) == ("complete", False, 0)
    assert cov[2027]["override_days"] == NOTICE_ROWS
    assert cov[2027]["file"] == NOTICE.name
    assert cov[2027]["loaded_by"] == "tester"
    assert cov[2027]["loaded_at"] == "2026-11-25T10:00:00+08:00"
    assert (cov[2026]["source"], cov[2026]["status"], cov[2026]["provisional"]) == ("official", "official", False)
    out = kefu.ok("workday", "coverage")
    assert "管理员导入(完整)" in out


def test_import_human_output_is_chinese(kefu):
    r = kefu("workday", "import", str(NOTICE))
    assert r.code == 0, r.err
    assert f"已导入: {NOTICE_ROWS} 天({NOTICE_OFF} 天放假, {NOTICE_WORK} 天调休上班),年份 2027(部分日期)" in r.out
    assert "没有需要重算的未完成期限" in r.out
    # Without --complete-year the clerk is told the rest of the year stays provisional, and how to settle it.
    assert "[临时]" in r.err and "--complete-year" in r.err
    assert f"2027 年其余 {365 - NOTICE_ROWS} 天" in r.err


def test_import_human_output_complete_year(kefu):
    r = kefu("workday", "import", str(NOTICE), "--complete-year")
    assert r.code == 0, r.err
    assert f"已导入: {NOTICE_ROWS} 天({NOTICE_OFF} 天放假, {NOTICE_WORK} 天调休上班),年份 2027(完整安排)" in r.out
    assert r.err == ""


def test_import_help_explains_partial_and_complete_year(kefu):
    out = kefu.ok("workday", "import", "--help")
    assert "--complete-year" in out
    assert "部分导入" in out and "临时" in out


def test_import_dry_run_imports_nothing(kefu):
    result = kefu.ok("workday", "import", str(NOTICE), "--dry-run", "--complete-year", "--json")
    assert (result["days"], result["dry_run"], result["complete_year"]) == (NOTICE_ROWS, True, True)
    assert _coverage(kefu)[2027]["source"] == "provisional"
    assert _coverage(kefu)[2027]["status"] == "provisional"
    assert kefu.ok("workday", "check", "2027-01-01", "--json")["source"] == "provisional"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_import_excel_encodings(kefu, tmp_path, encoding):
    text = NOTICE.read_text(encoding="utf-8")
    path = tmp_path / f"notice_{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    raw = path.read_bytes()
    if encoding == "gb18030":  # really not UTF-8, so the decoder must fall back
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    else:
        assert raw.startswith(b"\xef\xbb\xbf")
    result = kefu.ok("workday", "import", str(path), "--json")
    assert (result["days"], result["holidays"], result["workdays"]) == (NOTICE_ROWS, NOTICE_OFF, NOTICE_WORK)
    # The Chinese names and kinds came through the encoding intact.
    assert kefu.ok("workday", "check", "2027-01-01", "--json")["name"] == "元旦"
    assert kefu.ok("workday", "check", "2027-10-09", "--json")["kind"] == "makeup_workday"
    assert kefu.ok("workday", "check", "2027-10-09", "--json")["name"] == "国庆节"


def test_import_english_kind_words_without_header(kefu):
    result = kefu.ok("workday", "import", str(DATA / "calendar_2027_english.csv"), "--json")
    assert (result["days"], result["holidays"], result["workdays"]) == (4, 3, 1)
    info = kefu.ok("workday", "check", "2027-01-01", "--json")
    assert (info["workday"], info["name"]) == (False, "New Year's Day")
    assert kefu.ok("workday", "check", "2027-01-31", "--json")["kind"] == "makeup_workday"


@pytest.mark.parametrize(
    ("name", "needles"),
    [
        ("calendar_2027_bad_date.csv", ("第 5 行", "2027-02-30")),
        ("calendar_2027_bad_kind.csv", ("第 5 行", "放半天", "休", "班")),
        ("calendar_2027_duplicate.csv", ("第 6 行", "第 3 行", "2027-01-01")),
    ],
)
def test_malformed_import_exits_2_names_the_row_and_imports_nothing(kefu, name, needles):
    _one_sentence_error(kefu("workday", "import", str(DATA / name)), *needles)
    # The good rows before the bad one were not kept.
    assert kefu.ok("workday", "check", "2027-01-01", "--json")["source"] == "provisional"
    assert kefu.ok("workday", "check", "2027-01-02", "--json")["kind"] == "weekend"
    cov = _coverage(kefu)
    assert (cov[2027]["source"], cov[2027]["override_days"], cov[2027]["file"]) == ("provisional", 0, None)
    assert cov[2027]["status"] == "provisional"


def test_import_rejects_a_date_outside_the_calendar_span(kefu, tmp_path):
    path = tmp_path / "far.csv"
    path.write_text("日期,类型,名称\n2027-01-01,休,元旦\n2100-01-01,休,元旦\n", encoding="utf-8")
    _one_sentence_error(kefu("workday", "import", str(path), "--complete-year"), "第 3 行", "2100-01-01")
    assert _coverage(kefu)[2027]["source"] == "provisional"


def test_import_missing_or_empty_file(kefu, tmp_path):
    _one_sentence_error(kefu("workday", "import", str(tmp_path / "none.csv")), "不存在")
    empty = tmp_path / "empty.csv"
    empty.write_text("日期,类型,名称\n", encoding="utf-8")
    _one_sentence_error(kefu("workday", "import", str(empty)), "没有数据行")


def test_import_of_a_complete_notice_recomputes_open_deadlines_that_touched_2027(kefu, db_path):
    from sqlmodel import select

    from kefu_cli.domain.deadlines import DeadlineStatus
    from kefu_cli.services.context import unit_of_work
    from kefu_cli.services.deadlines import close_deadline, start_deadline
    from kefu_cli.store.models import AuditEvent, Deadline

    kefu.ok("db", "init")
    # The deadlines start on 2026-12-25; the writing transaction itself is dated in the past.
    with unit_of_work(db_path, clerk="tester", at=dt.datetime(2026, 11, 20, 10, 0)) as uow:
        # callback.claim = 5 working days. From Fri 2026-12-25 → provisional Fri 2027-01-01.
        reaching = start_deadline(
            uow,
            case_type="test",
            case_id="T-1",
            kind="callback",
            start_at=dt.datetime(2026, 12, 25, 10),
            rule="callback.claim",
        )
        # Same rule from Mon 2026-11-02 → Mon 11-09, all in 2026: must not change.
        inside = start_deadline(
            uow,
            case_type="test",
            case_id="T-2",
            kind="callback",
            start_at=dt.datetime(2026, 11, 2, 10),
            rule="callback.claim",
        )
        # Reaches into 2027 but already met: closed rows are history, never recomputed.
        met = start_deadline(
            uow,
            case_type="test",
            case_id="T-3",
            kind="callback",
            start_at=dt.datetime(2026, 12, 25, 11),
            rule="callback.claim",
        )
        close_deadline(uow, met, DeadlineStatus.MET, dt.datetime(2026, 12, 28, 9))
        ids = (reaching.id, inside.id, met.id)
        assert (reaching.due, reaching.provisional) == (dt.date(2027, 1, 1), True)
        assert (inside.due, inside.provisional) == (dt.date(2026, 11, 9), False)

    result = kefu.ok("workday", "import", str(NOTICE), "--complete-year", "--json")
    assert result["recomputed"] == [
        {
            "case_type": "test",
            "case_id": "T-1",
            "kind": "callback",
            "due_before": "2027-01-01",
            "due": "2027-01-04",  # 2027-01-01..03 off in the file → Mon 01-04
            "provisional": False,
        }
    ]

    with unit_of_work(db_path, write=False) as uow:
        rows = {i: uow.session.get(Deadline, i) for i in ids}
        assert (rows[ids[0]].due, rows[ids[0]].provisional) == (dt.date(2027, 1, 4), False)
        assert rows[ids[0]].due_at == dt.datetime(2027, 1, 4, 23, 59, 59)
        assert (rows[ids[1]].due, rows[ids[1]].provisional) == (dt.date(2026, 11, 9), False)
        assert (rows[ids[2]].due, rows[ids[2]].provisional, rows[ids[2]].status) == (
            dt.date(2027, 1, 1),
            True,
            "met",
        )
        events = uow.session.exec(
            select(AuditEvent).where(AuditEvent.entity == "deadline", AuditEvent.action == "recompute")
        ).all()
        assert [e.entity_id for e in events] == [str(ids[0])]
        details = json.loads(events[0].details)
        assert (details["due_before"], details["due_after"]) == ("2027-01-01", "2027-01-04")
        assert (details["provisional_before"], details["provisional_after"]) == (True, False)
        assert details["case"] == "test:T-1"
        loads = uow.session.exec(
            select(AuditEvent).where(AuditEvent.entity == "calendar", AuditEvent.action == "load_notice")
        ).all()
        assert [(e.entity_id, e.clerk) for e in loads] == [("2027", "tester")]


def test_import_human_output_lists_the_recomputed_deadlines(kefu, db_path):
    from kefu_cli.services.context import unit_of_work
    from kefu_cli.services.deadlines import start_deadline

    # The deadlines start on 2026-12-25; the writing transaction itself is dated in the past.
    with unit_of_work(db_path, clerk="tester", at=dt.datetime(2026, 11, 20, 10, 0)) as uow:
        start_deadline(
            uow,
            case_type="test",
            case_id="T-9",
            kind="callback",
            start_at=dt.datetime(2026, 12, 25, 10),
            rule="callback.claim",
        )
    # A partial import still recomputes: 2027-01-01..03 are now known rest days, so the due
    # date moves to Mon 01-04 — a day the file does not list, hence still provisional (是).
    out = kefu.ok("workday", "import", str(NOTICE))
    assert "重算的未完成期限 1 项" in out
    assert "T-9" in out and "2027-01-01" in out and "2027-01-04" in out
    row = next(ln for ln in out.splitlines() if "T-9" in ln)
    assert "是" in row
