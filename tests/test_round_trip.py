"""Round trips keep the case (issue 21, item 2): an export carries each complaint's number, state and
steps, and `kefu import complaints` of it into an empty database replays the steps at their times —
the same numbers, states, step times and deadlines; importing it again changes nothing; a head
office's sheet of its history comes in as cases in their real state."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Kefu, copy_db, init_db

# What differs between two databases holding the same cases: row ids and write times, who wrote the
# rows (the importer), the callbacks' numbers (scheduled by the decisions, numbered in another order).
DROP = {"id", "created_at", "updated_at", "created_by", "recorded_at", "clerk", "row_time", "callbacks"}


def _same(value):
    if isinstance(value, dict):
        out = {k: _same(v) for k, v in value.items() if k not in DROP}
        if out.get("entity") == "deadline":  # a deadline event names its row by id
            out.pop("entity_id", None)
        return out
    if isinstance(value, list):
        return [_same(v) for v in value]
    return value


def _shown(kefu: Kefu, ids: list[str]) -> dict[str, dict]:
    return {cid: _same(kefu.ok("complaint", "show", cid, "--json", "--unmask")) for cid in ids}


def _head(db) -> tuple:
    return sqlite3.connect(db).execute("SELECT hash, events FROM audit_head").fetchone()


def _count(db, table: str) -> int:
    return sqlite3.connect(db).execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def source(demo, tmp_path) -> Kefu:
    return Kefu(str(copy_db(demo, tmp_path)))


@pytest.fixture
def empty(tmp_path) -> Kefu:
    return Kefu(init_db(str(tmp_path / "empty.sqlite")))


def _ids(kefu: Kefu) -> list[str]:
    return [i["id"] for i in kefu.ok("complaint", "list", "--all", "--json")["items"]]


def test_the_demo_complaints_come_back_the_same_through_a_workbook(source, empty, tmp_path):
    ids = _ids(source)
    assert len(ids) == 17  # 14, the review and the mediation pause of the issue-22 block, its major group complaint
    book = tmp_path / "投诉.xlsx"
    source.ok("export", "complaints", str(book), "--unmask")
    out = empty.ok("import", "complaints", str(book), "--json")
    assert sorted(out["ids"]) == sorted(ids) and out["errors"] == []
    # every case as `complaint show` has it: columns, deadlines, and each event with its time and values
    assert _shown(empty, ids) == _shown(source, ids)
    assert "核验通过" in empty.ok("db", "verify")
    # the counter continues after the imported numbers
    added = empty.ok(
        "complaint", "add", "--received", "2026-11-19T18:00", "--channel", "电话", "--category", "理赔",
        "--name", "王小明", "--phone", "13812340000", "--at", "2026-11-30T10:00", "--json",
    )  # fmt: skip
    assert added["id"] == "TS-20261119-0003"


def test_importing_the_same_export_again_changes_nothing(source, empty, tmp_path):
    book = tmp_path / "投诉.xlsx"
    source.ok("export", "complaints", str(book), "--unmask")
    head = _head(empty.db)
    dry = empty.ok("import", "complaints", str(book), "--dry-run", "--json")
    assert dry["summary"]["new"] == 17 and _head(empty.db) == head and _count(empty.db, "complaint") == 0
    empty.ok("import", "complaints", str(book))
    head = _head(empty.db)
    again = empty.ok("import", "complaints", str(book), "--json")
    assert again["summary"] == {"new": 0, "unchanged": 17, "skipped": 0}
    assert _head(empty.db) == head and _count(empty.db, "complaint") == 17
    # and into the database it came from
    head = _head(source.db)
    assert source.ok("import", "complaints", str(book), "--json")["summary"]["unchanged"] == 17
    assert _head(source.db) == head


def test_a_csv_export_comes_back_too(source, empty, tmp_path):
    ids = _ids(source)
    f = tmp_path / "投诉.csv"
    source.ok("export", "complaints", str(f), "--unmask", "--encoding", "gb18030")
    empty.ok("import", "complaints", str(f))
    assert _shown(empty, ids) == _shown(source, ids)


def test_a_case_there_in_another_state_is_refused_and_nothing_is_imported(source, empty, tmp_path):
    f = tmp_path / "投诉.csv"
    source.ok("export", "complaints", str(f), "--unmask")
    empty.ok("import", "complaints", str(f))
    empty.ok("complaint", "accept", "TS-20261113-0001", "--at", "2026-11-30T10:00")
    text = f.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    basics = ("受理方式", "投诉类别", "投诉人", "与消费者关系", "机构", "经办人")
    new = dict.fromkeys(rows[0], "") | {k: rows[0][k] for k in basics}
    new |= {"接收时间": "2026-11-25 09:00:00", "联系电话": "13911112222", "保单号": "P9"}  # a new case
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows([*rows, new])
    g = tmp_path / "more.csv"
    g.write_text(buf.getvalue(), encoding="utf-8-sig")
    head, n = _head(empty.db), _count(empty.db, "complaint")
    r = empty("import", "complaints", str(g))
    assert r.code == 2
    assert "TS-20261113-0001 已在数据库中,状态为“已受理(处理中)”" in r.err and "“待受理”" in r.err
    assert "整个文件未导入" in r.err
    assert _head(empty.db) == head and _count(empty.db, "complaint") == n


HISTORY = [
    "接收时间,受理方式,投诉类别,投诉人,联系电话,保单号,机构,经办人,材料齐全时间,受理时间,不予受理时间,不予受理原因,"
    "中止时间,中止原因,恢复时间,处理决定时间,处理结果,撤回时间,状态",
    # accepted, paused and resumed, decided
    "2026-09-18 09:30,电话,理赔,王一,13812345671,P1,朝阳支公司,李娜,2026-09-18 09:30,2026-09-22 10:00,,,"
    "2026-09-24 09:00,伤残鉴定,2026-10-12 09:00,2026-10-20 16:00,同意赔付,,已作出处理决定",
    # incomplete, complete later, accepted, withdrawn
    "2026-10-09 10:05,信函,服务,王二,13812345672,P2,丰台营业部,刘洋,2026-10-16 14:00,2026-10-20 10:00,,,,,,,,"
    "2026-10-23 15:00,已撤回",
    # rejected
    "2026-11-02 09:00,电话,产品,王三,13812345673,,海淀支公司,张敏,2026-11-02 09:00,,2026-11-03 10:00,不属本公司,"
    ",,,,,,不予受理",
    # still paused
    "2026-11-03 10:00,电话,理赔,王四,13812345674,P4,海淀支公司,张敏,2026-11-03 10:00,2026-11-05 10:00,,,"
    "2026-11-10 09:00,司法鉴定,,,,,",
]


def test_a_head_offices_sheet_of_history_comes_in_as_cases_in_their_real_state(empty, tmp_path):
    f = tmp_path / "历史.csv"
    f.write_bytes("\r\n".join(HISTORY).encode("gb18030") + b"\r\n")
    out = empty.ok("import", "complaints", str(f), "--json")
    assert out["ids"] == ["TS-20260918-0001", "TS-20261009-0001", "TS-20261102-0001", "TS-20261103-0001"]
    shown = {cid: empty.ok("complaint", "show", cid, "--json") for cid in out["ids"]}
    first, second, third, fourth = shown.values()
    assert first["status"] == "decided" and first["paused_workdays"] == 7
    assert first["accepted_at"] == "2026-09-22T10:00:00+08:00" and first["decided_at"] == "2026-10-20T16:00:00+08:00"
    decision = next(d for d in first["deadlines"] if d["kind"] == "decision")
    # received 09-18 + 15 days + 18 days paused = 10-21; met on time at the decision
    assert (decision["due"], decision["status"], decision["breached"]) == ("2026-10-21", "met", False)
    assert [e["at"][:16] for e in first["events"] if e["entity"] == "complaint"] == [
        "2026-09-18T09:30", "2026-09-22T10:00", "2026-09-24T09:00", "2026-10-12T09:00", "2026-10-20T16:00",
    ]  # fmt: skip
    assert second["status"] == "withdrawn" and second["materials_complete_at"] == "2026-10-16T14:00:00+08:00"
    assert third["status"] == "rejected" and third["reject_reason"] == "not_company"
    assert fourth["status"] == "paused" and fourth["pause_reason"] == "司法鉴定"
    assert not any(d["status"] in ("open", "overdue") for s in shown.values() for d in s["deadlines"])
    assert "核验通过" in empty.ok("db", "verify")
    # a sheet whose state its steps do not reach is refused, naming the row
    bad = tmp_path / "错.csv"
    bad.write_bytes("\r\n".join([HISTORY[0], HISTORY[1].replace(",2026-10-20 16:00,同意赔付,", ",,,")]).encode("utf-8"))
    r = Kefu(init_db(str(tmp_path / "other.sqlite")))("import", "complaints", str(bad))
    assert r.code == 2 and "第 2 行" in r.err and "重建的状态为“已受理(处理中)”" in r.err


def test_older_files_name_the_receipt_受理时间(empty, tmp_path):
    f = tmp_path / "旧.csv"
    f.write_bytes(
        "受理时间,受理方式,投诉类别,投诉人,联系电话\r\n2026-11-02 09:00,电话,理赔,王,13812345678\r\n".encode()
    )
    out = empty.ok("import", "complaints", str(f), "--at", "2026-11-20T10:00", "--json")
    shown = empty.ok("complaint", "show", out["ids"][0], "--json")
    assert shown["received_at"] == "2026-11-02T09:00:00+08:00" and shown["status"] == "registered"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_re_saved_by_libreoffice_comes_back_the_same(source, empty, tmp_path):
    ids = _ids(source)
    book = tmp_path / "投诉.xlsx"
    source.ok("export", "complaints", str(book), "--unmask")
    out_dir = tmp_path / "lo"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), str(book)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = Path(out_dir) / book.name
    empty.ok("import", "complaints", str(saved))
    assert _shown(empty, ids) == _shown(source, ids)


def test_steps_taken_twice_a_void_and_a_regulator_report_come_back(source, empty, tmp_path):
    source.ok("complaint", "void", "TS-20261113-0001", "--reason", "重复登记", "--at", "2026-11-30T10:00")
    source.ok("complaint", "resume", "TS-20261103-0001", "--at", "2026-11-20T10:00")
    source.ok(
        "complaint",
        "pause",
        "TS-20261103-0001",
        "--reason",
        "双方同意调解",
        "--kind",
        "调解",
        "--at",
        "2026-11-25T10:00",
    )
    source.ok("complaint", "extend", "TS-20260928-0001", "--level", "special", "--approver", "王总", "--late",
              "--at", "2026-11-30T13:00")  # fmt: skip
    source.ok("complaint", "regulator-report", "TS-20261020-0001", "--note", "已书面报告", "--at", "2026-11-30T14:00")
    ids = _ids(source)
    book = tmp_path / "投诉.xlsx"
    source.ok("export", "complaints", str(book), "--unmask")
    empty.ok("import", "complaints", str(book))
    assert _shown(empty, ids) == _shown(source, ids)
    assert empty.ok("complaint", "show", "TS-20261113-0001", "--json")["void_reason"] == "重复登记"
    assert empty.ok("complaint", "show", "TS-20261103-0001", "--json")["pause_kind"] == "mediation"
    assert "核验通过" in empty.ok("db", "verify")


def test_a_number_kefu_does_not_write_is_refused_by_row(empty, tmp_path):
    f = tmp_path / "编号.csv"
    f.write_bytes(
        "投诉编号,接收时间,受理方式,投诉类别,投诉人,联系电话\r\nTS-2026-7,2026-11-02 09:00,电话,理赔,王,13812345678\r\n".encode()
    )
    r = empty("import", "complaints", str(f))
    assert r.code == 2 and "第 2 行" in r.err and "TS-2026-7" in r.err and "TS-20261121-0007" in r.err
    assert _count(empty.db, "complaint") == 0


def test_an_export_of_an_older_release_without_step_times_is_refused_not_flattened(source, empty, tmp_path):
    f = tmp_path / "new.csv"
    source.ok("export", "complaints", str(f), "--unmask")
    rows = list(csv.reader(io.StringIO(f.read_bytes().decode("utf-8-sig"))))
    old = [r[: r.index("是否逾期") + 1] if i == 0 else r for i, r in enumerate(rows)]
    width = len(old[0])
    old = [r[:width] for r in old]
    old[0][old[0].index("接收时间")] = "受理时间"  # as older releases named the receipt
    g = tmp_path / "old.csv"
    buf = io.StringIO()
    csv.writer(buf).writerows(old)
    g.write_text(buf.getvalue(), encoding="utf-8-sig")
    r = empty("import", "complaints", str(g))
    assert r.code == 2 and "延期(S 列) 已填写,延期时间 也必须填写" in r.err and "整个文件未导入" in r.err
    assert _count(empty.db, "complaint") == 0


def test_a_step_before_the_receipt_or_into_an_unknown_case_is_refused_by_row_and_column(empty, tmp_path):
    f = tmp_path / "h.csv"
    f.write_bytes(
        "接收时间,受理方式,投诉类别,投诉人,联系电话,受理时间\r\n"
        "2026-11-02 09:00,电话,理赔,李,13812345679,2026-11-01 09:00\r\n".encode()
    )
    r = empty("import", "complaints", str(f))
    assert r.code == 2 and "第 2 行 受理时间(F 列) 2026-11-01 09:00 早于接收时间(A 列)" in r.err
    g = tmp_path / "m.csv"
    g.write_bytes(
        "接收时间,受理方式,投诉类别,投诉人,联系电话,合并时间,并入投诉\r\n"
        "2026-11-02 09:00,电话,理赔,王,13812345678,2026-11-03 09:00,TS-20261101-0001\r\n".encode()
    )
    r = empty("import", "complaints", str(g))
    assert r.code == 2 and "并入投诉(G 列)" in r.err and "TS-20261101-0001" in r.err
    assert _count(empty.db, "complaint") == 0


def test_the_review_of_a_decision_comes_back_too(source, empty, tmp_path):
    # 核查 (2020 rule Art. 20): one review decided, one asked for and running
    source.ok("complaint", "review", "TS-20261026-0001", "--received", "2026-11-25T10:00", "--at", "2026-11-25T10:00")
    source.ok("complaint", "review-decide", "TS-20261026-0001", "--result", "维持", "--at", "2026-11-30T15:00")
    source.ok("complaint", "review", "TS-20260918-0001", "--received", "2026-11-16T09:30", "--at", "2026-11-16T09:30")
    ids = _ids(source)
    f = tmp_path / "投诉.csv"
    source.ok("export", "complaints", str(f), "--unmask")
    rows = {r["投诉编号"]: r for r in csv.DictReader(io.StringIO(f.read_bytes().decode("utf-8-sig")))}
    reviewed = rows["TS-20261026-0001"]
    assert (reviewed["核查申请时间"], reviewed["核查决定时间"], reviewed["核查结果"]) == (
        "2026-11-25 10:00:00", "2026-11-30 15:00:00", "维持原处理决定",
    )  # fmt: skip
    empty.ok("import", "complaints", str(f))
    shown = _shown(empty, ids)
    assert shown == _shown(source, ids)
    assert shown["TS-20261026-0001"]["status"] == "reviewed" and shown["TS-20260918-0001"]["status"] == "reviewing"
    # a review decided without its result is refused, naming the column
    text = f.read_bytes().decode("utf-8-sig").replace(",维持原处理决定", ",")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text.encode("utf-8-sig"))
    r = Kefu(init_db(str(tmp_path / "other.sqlite")))("import", "complaints", str(bad))
    assert r.code == 2 and "核查结果" in r.err


def test_the_missing_materials_come_back_with_the_steps_that_listed_them(kefu, empty, tmp_path):
    """A list given at registration and a list given again later (materials --missing), one case
    still awaiting materials and one whose materials came in: the same lists, the same events."""
    add = ("complaint", "add", "--channel", "电话", "--category", "理赔", "--name", "王小明", "--phone", "13912345678",
           "--incomplete")  # fmt: skip
    first = kefu.ok(*add, "--missing", "授权委托书原件、受托人身份证复印件", "--received", "2026-11-20T09:30",
                    "--at", "2026-11-20T09:30", "--json")["id"]  # fmt: skip
    second = kefu.ok(*add, "--missing", "病历", "--received", "2026-11-23T10:00", "--at", "2026-11-23T10:00",
                     "--json")["id"]  # fmt: skip
    kefu.ok("complaint", "materials", second, "--missing", "出院小结、费用清单", "--at", "2026-11-24T10:00")
    kefu.ok("complaint", "materials", second, "--missing", "费用清单", "--at", "2026-11-25T10:00")
    kefu.ok("complaint", "materials", first, "--complete", "--at", "2026-11-26T10:00")
    book = tmp_path / "out.xlsx"
    kefu.ok("export", "complaints", str(book), "--unmask")
    rows = list(load_workbook(book).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    cells = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert cells[first]["登记时缺少的材料"] == "授权委托书原件、受托人身份证复印件"
    assert cells[second]["补登的缺少材料"] == "出院小结、费用清单\n费用清单"
    assert cells[second]["补登缺少材料时间"] == "2026-11-24 10:00:00;2026-11-25 10:00:00"
    empty.ok("import", "complaints", str(book))
    ids = [first, second]
    assert _shown(empty, ids) == _shown(kefu, ids)
    assert empty.ok("complaint", "show", second, "--json")["missing_materials"] == ["费用清单"]
    assert empty.ok("complaint", "show", first, "--json")["missing_materials"] == []
    assert empty.ok("db", "verify", "--json")["ok"]


def test_a_review_comes_back_with_its_notes_and_when_it_was_entered(kefu, empty, tmp_path):
    cid = kefu.ok(
        "complaint", "add", "--channel", "电话", "--category", "理赔", "--name", "王小明", "--phone", "13912345678",
        "--received", "2026-11-02T09:30", "--at", "2026-11-02T09:30", "--json",
    )["id"]  # fmt: skip
    kefu.ok("complaint", "accept", cid, "--at", "2026-11-03T10:00")
    kefu.ok("complaint", "decide", cid, "--result", "维持理赔结论", "--at", "2026-11-10T16:00")
    # the written request came on Fri 11-20 and was entered on Mon 11-23
    kefu.ok("complaint", "review", cid, "--received", "2026-11-20T10:00", "--note", "对免责条款的解释有异议",
            "--at", "2026-11-23T09:00")  # fmt: skip
    kefu.ok("complaint", "review-decide", cid, "--result", "维持", "--note", "经核查维持原处理决定",
            "--at", "2026-11-27T15:00")  # fmt: skip
    book = tmp_path / "out.xlsx"
    kefu.ok("export", "complaints", str(book), "--unmask")
    empty.ok("import", "complaints", str(book))
    assert _shown(empty, [cid]) == _shown(kefu, [cid])
    events = empty.ok("complaint", "show", cid, "--json")["events"]
    notes = [e for e in events if e["action"] in ("review", "review_decide")]
    assert [(e["at"][:16], e["details"].get("note")) for e in notes] == [
        ("2026-11-23T09:00", "对免责条款的解释有异议"), ("2026-11-27T15:00", "经核查维持原处理决定")
    ]  # fmt: skip
    again = empty.ok("import", "complaints", str(book), "--json")
    assert again["summary"] == {"new": 0, "unchanged": 1, "skipped": 0}
