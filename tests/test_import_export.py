"""CSV import and export as Excel on Chinese Windows produces and reads them."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

SAMPLE = Path(__file__).parents[1] / "sample_data"

HEADER = "受理时间,受理方式,投诉类别,投诉人,联系电话,与消费者关系,保单号,投诉内容,机构,经办人,材料齐全,监管转办编号,监管报告期限"
ROWS = [
    "2026-09-30 10:00,电话,理赔,王建国,13812345678,本人,P1,理赔拒付,朝阳支公司,李娜,是,,",
    "2026-09-30 11:00,online,sales,陈丽华,13998765432,self,P2,销售误导,海淀支公司,张敏,否,,",
    "2026-10-09 09:00,监管转办,服务,赵德明,13700001111,受托人,P3,保全超时,丰台营业部,刘洋,是,京金转〔2026〕1号,2026-10-30",
]


def write(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def count(db: str, table: str) -> int:
    return sqlite3.connect(db).execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_import_gb18030_complaints_starts_their_deadlines(kefu, tmp_path):
    f = write(tmp_path / "投诉.csv", [HEADER, *ROWS], "gb18030")
    out = kefu.ok("import", "complaints", str(f), "--at", "2026-10-09T18:00", "--json")
    assert out["created"] == 3 and out["errors"] == [] and out["skipped"] == []
    # received Wed 2026-09-30 with complete materials: acceptance is the 10th working day after it;
    # 10-01..07 are National Day, Sat 10-10 is a make-up working day:
    # 10-08, 10-09, 10-10, 10-12, 10-13, 10-14, 10-15, 10-16, 10-19, 10-20 -> 2026-10-20
    first = kefu.ok("complaint", "show", out["ids"][0], "--json")
    due = {d["kind"]: d["due"] for d in first["deadlines"]}
    assert due["acceptance"] == "2026-10-20"
    # the second row came with incomplete materials: only the 5-working-day notice runs
    # 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13 -> 2026-10-13
    second = kefu.ok("complaint", "show", out["ids"][1], "--json")
    kinds = {d["kind"]: d["due"] for d in second["deadlines"] if d["status"] == "open"}
    assert kinds.get("supplement_notice") == "2026-10-13" and "acceptance" not in kinds
    third = kefu.ok("complaint", "show", out["ids"][2], "--json")
    assert {d["kind"]: d["due"] for d in third["deadlines"]}["regulator_report"] == "2026-10-30"


def test_import_utf8_bom_and_english_headers(kefu, tmp_path):
    english = "received,channel,category,name,phone,policy,branch"
    f = write(
        tmp_path / "c.csv", [english, "2026-11-02T09:00,phone,claims,王建国,13812345678,P9,朝阳支公司"], "utf-8-sig"
    )
    out = kefu.ok("import", "complaints", str(f), "--json")
    assert out["created"] == 1


def test_a_bad_row_imports_nothing_and_names_the_row(kefu, tmp_path):
    bad = ROWS[1].replace("online", "pigeon")
    f = write(tmp_path / "c.csv", [HEADER, ROWS[0], bad, ROWS[2]], "gb18030")
    errors = tmp_path / "errors.csv"
    r = kefu("import", "complaints", str(f), "--errors", str(errors))
    assert r.code == 2
    assert "第 3 行" in r.err and "pigeon" in r.err and "电话(phone)" in r.err
    assert "Traceback" not in r.err
    assert count(kefu.db, "complaint") == 0 and count(kefu.db, "deadline") == 0
    report = list(csv.reader(io.StringIO(errors.read_bytes().decode("utf-8-sig"))))
    assert report[0][:2] == ["行号", "错误"] and report[1][0] == "3" and len(report) == 2


def test_dry_run_checks_everything_and_saves_nothing(kefu, tmp_path):
    f = write(tmp_path / "c.csv", [HEADER, *ROWS], "gb18030")
    out = kefu.ok("import", "complaints", str(f), "--dry-run", "--json")
    assert out["dry_run"] is True and out["created"] == 3
    assert count(kefu.db, "complaint") == 0 and count(kefu.db, "audit_event") == 0


def test_importing_the_same_file_twice_skips_what_is_there(kefu, tmp_path):
    f = write(tmp_path / "c.csv", [HEADER, *ROWS], "gb18030")
    kefu.ok("import", "complaints", str(f), "--json")
    again = kefu.ok("import", "complaints", str(f), "--json")
    assert again["created"] == 0 and len(again["skipped"]) == 3
    assert count(kefu.db, "complaint") == 3


def test_missing_required_column_and_missing_file(kefu, tmp_path):
    f = write(tmp_path / "c.csv", ["受理时间,投诉人", "2026-11-02,王"], "utf-8")
    r = kefu("import", "complaints", str(f))
    # the missing columns named as a clerk writes them (no English field names), then an example header
    assert r.code == 2 and "缺少必需的列: 受理方式、投诉类别、联系电话。表头示例" in r.err and "channel" not in r.err
    for empty in ("", "\ufeff\n\n"):  # an empty file says so (not "missing columns")
        (tmp_path / "empty.csv").write_text(empty, encoding="utf-8")
        r = kefu("import", "complaints", str(tmp_path / "empty.csv"))
        assert r.code == 2 and "是空的" in r.err and "缺少必需的列" not in r.err
    r = kefu("import", "complaints", str(tmp_path / "nope.csv"))
    assert r.code == 2 and "文件不存在" in r.err


def test_policies_schedule_new_policy_callbacks(kefu):
    out = kefu.ok("import", "policies", str(SAMPLE / "policies.csv"), "--at", "2026-11-20T18:00", "--json")
    assert out["created"] == 8
    listed = kefu.ok("callback", "list", "--json")
    due = {i["policy_no"]: i["due"] for i in listed["items"]}
    # receipt 2026-11-02 + 15 calendar days = Tue 11-17, a working day
    assert due["P2026110001"] == "2026-11-17"
    # receipt 2026-11-16 + 15 = Tue 12-01
    assert due["P2026110008"] == "2026-12-01"
    # receipt 2026-11-04 with a 20-day period: 11-24, a Tuesday
    assert due["P2026110003"] == "2026-11-24"
    again = kefu.ok("import", "policies", str(SAMPLE / "policies.csv"), "--json")
    assert again["created"] == 0 and len(again["skipped"]) == 8


def test_export_round_trip_masks_phones_unless_asked(kefu, tmp_path):
    f = write(tmp_path / "c.csv", [HEADER, *ROWS], "gb18030")
    kefu.ok("import", "complaints", str(f), "--json")
    dest = tmp_path / "out.csv"
    out = kefu.ok("export", "complaints", str(dest), "--json")
    assert out["rows"] == 3 and out["masked"] is True
    data = dest.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "投诉编号" and rows[1][5] == "138****5678"
    gbk = tmp_path / "gbk.csv"
    kefu.ok("export", "complaints", str(gbk), "--unmask", "--encoding", "gb18030", "--branch", "朝阳支公司", "--json")
    rows = list(csv.reader(io.StringIO(gbk.read_bytes().decode("gb18030"))))
    assert len(rows) == 2 and rows[1][5] == "13812345678"
    # an unmasked export imports back into another database as the same complaints
    other = tmp_path / "other.sqlite"
    from typer.testing import CliRunner

    from kefu_cli.cli.app import app

    full = tmp_path / "full.csv"
    kefu.ok("export", "complaints", str(full), "--unmask", "--json")
    assert CliRunner().invoke(app, ["--db", str(other), "db", "init"]).exit_code == 0
    r = CliRunner().invoke(app, ["--db", str(other), "import", "complaints", str(full), "--json"])
    assert r.exit_code == 0, r.stderr
    assert count(str(other), "complaint") == 3


def test_export_to_a_missing_folder_is_one_sentence(kefu, tmp_path):
    r = kefu("export", "callbacks", str(tmp_path / "no" / "such" / "x.csv"))
    assert r.code == 2 and "目录不存在" in r.err
    r = kefu("export", "callbacks", str(tmp_path / "x.csv"), "--encoding", "latin1")
    assert r.code == 2 and "gb18030" in r.err


def test_export_onto_a_folder_is_a_user_mistake_and_changes_nothing(kefu, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    r = kefu("export", "complaints", str(folder))
    assert r.code == 2 and "是一个目录" in r.err
    assert list(folder.iterdir()) == []
    assert not list(tmp_path.glob(".*.part"))


# --- round trips and the errors file (issue 12) ---------------------------------------------------
def test_the_errors_file_has_the_input_headers_plus_row_and_error(kefu, tmp_path):
    header = "受理时间,受理方式,投诉类别,投诉人,联系电话,备注(不导入)"
    rows = ["2026-10-09 09:00,电话,理赔,王一,13812345671,好", "2026-10-09 09:05,飞鸽,理赔,王二,13812345672,渠道错"]
    f = write(tmp_path / "c.csv", [header, *rows], "gb18030")
    errors = tmp_path / "错误.csv"
    r = kefu("import", "complaints", str(f), "--errors", str(errors))
    assert r.code == 2 and "第 3 行 受理方式(B 列)" in r.err
    report = list(csv.reader(io.StringIO(errors.read_bytes().decode("utf-8-sig"))))
    assert report[0] == ["行号", "错误", *header.split(",")]
    assert report[1][0] == "3" and "飞鸽" in report[1][1] and report[1][2:] == rows[1].split(",")
    english = write(tmp_path / "e.csv", ["received,channel,category,name,phone", "2026-10-09,x,claims,王,13812345678"], "utf-8")
    r = kefu("import", "complaints", str(english), "--errors", str(errors))
    assert r.code == 2
    assert next(csv.reader(io.StringIO(errors.read_bytes().decode("utf-8-sig")))) == [
        "行号", "错误", "received", "channel", "category", "name", "phone",
    ]  # fmt: skip


LANDLINES = [
    "2026-10-09 09:00,电话,理赔,王一,010-88889999,本人,P1,,,,是,,",
    "2026-10-09 09:05,电话,理赔,王二,(0755) 8888-9999,本人,P2,,,,是,,",
    "2026-10-09 09:10,电话,理赔,王三,010-88889999-123,本人,P3,,,,是,,",
    "2026-10-09 09:15,电话,理赔,王四,138 1234 5678,本人,,,,,是,,",
]


def test_landlines_and_extensions_are_not_imported_twice(kefu, tmp_path):
    f = write(tmp_path / "c.csv", [HEADER, *LANDLINES], "gb18030")
    first = kefu.ok("import", "complaints", str(f), "--at", "2026-10-09T18:00", "--json")
    assert first["summary"] == {"new": 4, "unchanged": 0, "skipped": 0}
    again = kefu.ok("import", "complaints", str(f), "--at", "2026-10-09T18:00", "--json")
    assert again["summary"] == {"new": 0, "unchanged": 4, "skipped": 0}
    # the same numbers written another way are the same complaints
    other = [
        LANDLINES[0].replace("010-88889999", "01088889999"),
        LANDLINES[1].replace("(0755) 8888-9999", "0755 88889999"),
        LANDLINES[2].replace("010-88889999-123", "010-88889999 转 123"),
        LANDLINES[3].replace("138 1234 5678", "+86 13812345678"),
    ]
    g = write(tmp_path / "other.csv", [HEADER, *other], "utf-8")
    assert kefu.ok("import", "complaints", str(g), "--at", "2026-10-09T18:00", "--json")["created"] == 0
    # and an unmasked export imports back as nothing new
    full = tmp_path / "full.csv"
    kefu.ok("export", "complaints", str(full), "--unmask")
    back = kefu.ok("import", "complaints", str(full), "--at", "2026-10-09T18:00", "--json")
    assert back["summary"] == {"new": 0, "unchanged": 4, "skipped": 0}
    assert count(kefu.db, "complaint") == 4


def test_a_row_already_there_with_other_values_is_skipped_and_said(kefu, tmp_path):
    f = write(tmp_path / "c.csv", [HEADER, LANDLINES[0]], "utf-8")
    kefu.ok("import", "complaints", str(f), "--at", "2026-10-09T18:00")
    g = write(tmp_path / "d.csv", [HEADER, LANDLINES[0].replace("王一", "王壹")], "utf-8")
    out = kefu.ok("import", "complaints", str(g), "--at", "2026-10-09T18:00", "--json")
    assert out["summary"] == {"new": 0, "unchanged": 0, "skipped": 1}
    assert "投诉人(D 列)" in out["skipped"][0]["reason"] and out["skipped"][0]["unchanged"] is False
    text = kefu.ok("import", "complaints", str(g), "--at", "2026-10-09T18:00")
    assert "跳过 1 行" in text and "投诉人(D 列)" in text


def test_csv_exports_carry_deadlines_and_excel_times(kefu, tmp_path):
    f = write(tmp_path / "c.csv", [HEADER, *ROWS], "gb18030")
    kefu.ok("import", "complaints", str(f), "--at", "2026-10-09T18:00")
    dest = tmp_path / "out.csv"
    kefu.ok("export", "complaints", str(dest), "--as-of", "2026-10-21")
    rows = list(csv.DictReader(io.StringIO(dest.read_bytes().decode("utf-8-sig"))))
    assert rows[0]["接收时间"] == "2026-09-30 10:00:00"  # Excel reads it as a time, not as text
    assert rows[0]["受理时限"] == "2026-10-20" and rows[0]["是否逾期"] == "是"
    assert int(rows[0]["剩余工作日"]) == -11  # the nearest open deadline: the 24-hour investigation, due 10-01
    deadlines = tmp_path / "deadlines.csv"
    out = kefu.ok("export", "deadlines", str(deadlines), "--as-of", "2026-10-21", "--json")
    listed = list(csv.DictReader(io.StringIO(deadlines.read_bytes().decode("utf-8-sig"))))
    assert len(listed) == out["rows"] > 0 and {"案件编号", "到期日", "剩余工作日", "是否逾期"} <= set(listed[0])


def test_exported_callbacks_import_back(kefu, tmp_path):
    kefu.ok("import", "policies", str(SAMPLE / "policies.csv"), "--at", "2026-11-20T18:00")
    dest = tmp_path / "回访.csv"
    kefu.ok("export", "callbacks", str(dest), "--unmask")
    again = kefu.ok("import", "callbacks", str(dest), "--at", "2026-11-20T18:00", "--json")
    assert again["summary"] == {"new": 0, "unchanged": 8, "skipped": 0}
    other = tmp_path / "other.sqlite"
    from typer.testing import CliRunner

    from kefu_cli.cli.app import app

    assert CliRunner().invoke(app, ["--db", str(other), "db", "init"]).exit_code == 0
    r = CliRunner().invoke(app, ["--db", str(other), "import", "callbacks", str(dest), "--at", "2026-11-20T18:00", "--json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["created"] == 8
    mine = {i["policy_no"]: i["due"] for i in kefu.ok("callback", "list", "--json")["items"]}
    r = CliRunner().invoke(app, ["--db", str(other), "callback", "list", "--json"])
    assert {i["policy_no"]: i["due"] for i in json.loads(r.stdout)["items"]} == mine


def test_a_reversed_period_is_refused_not_an_empty_export(kefu, tmp_path):
    for what in ("complaints", "callbacks"):
        dest = tmp_path / f"{what}.csv"
        r = kefu("export", what, str(dest), "--from", "2026-12-01", "--to", "2026-11-01")
        assert r.code == 2 and "晚于 --to" in r.err and not dest.exists()


def test_the_export_time_in_the_notes_is_china_time(kefu, tmp_path):
    import datetime as dt

    from openpyxl import load_workbook

    dest = tmp_path / "c.xlsx"
    kefu.ok("export", "complaints", str(dest))
    notes = dict(load_workbook(dest)["说明"].iter_rows(values_only=True))
    written = dt.datetime.fromisoformat(notes["导出时间"])
    from kefu_cli.services import clock

    assert written == clock.now()  # the clock the command read, China time whatever the machine's zone


def test_a_title_row_above_the_header_is_named_as_such(kefu, tmp_path):
    f = write(tmp_path / "c.csv", ["投诉登记表", "受理时间,受理方式,投诉类别,投诉人,联系电话", "2026-11-02,电话,理赔,王,13812345678"], "utf-8")
    r = kefu("import", "complaints", str(f))
    assert r.code == 2 and "第 1 行只有一个单元格" in r.err and "标题行" in r.err
    f = write(tmp_path / "w.csv", ["受理时间,受理方式,投诉类别,投诉人,联系电话", "2026-11-02,电话,理赔,王,13812345678,多"], "utf-8")
    r = kefu("import", "complaints", str(f))
    assert r.code == 2 and "多余的逗号" in r.err and "标题" not in r.err
    assert count(kefu.db, "complaint") == 0
