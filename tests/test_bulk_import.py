"""The bulk complaint import (services/bulk.py) writes exactly what `register` writes one by one.

The same file is imported both ways into two fresh databases, with the same --at and clerk,
and every complaint, deadline, callback and counter row and every audit event (its details
JSON byte for byte, its place in the chain) are compared; both databases pass `db verify`.
Only the write times differ (created_at/updated_at/recorded_at, and so the hashes).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import init_db
from kefu_cli.cli.app import app
from kefu_cli.services import complaint_import, imports
from kefu_cli.services.import_results import RowsError

HEADER = "受理时间,受理方式,投诉类别,投诉人,联系电话,与消费者关系,保单号,投诉内容,机构,经办人,材料齐全,监管转办编号,监管报告期限"
ROWS = [
    # every date form, complete and incomplete materials, every relation
    "2026/9/28 9:30,电话,理赔,王建国,13812345678,本人,P1,理赔拒付,朝阳支公司,李娜,是,,",
    "2026-9-28 10:05,online,sales,陈丽华,138 1234 5679,self,P2,销售误导,海淀支公司,张敏,否,,",
    "2026年9月29日 14:00,信函,服务,赵德明,010-88889999,受托人,P3,保全超时,丰台营业部,刘洋,是,,",
    "2026.09.30,现场,产品,孙丽,(010) 8888 9998,法定代理人,,产品条款不清,朝阳支公司,李娜,否,,",
    "20260930,电话,理赔,钱多多,010-88889999 转 123,继承人,P5,身故理赔,朝阳支公司,,是,,",
    # duplicate hints: the same phone and category as row 1, the same policy as row 2
    "2026-10-08 09:00,电话,理赔,王建国,13812345678,本人,P9,再次投诉理赔,朝阳支公司,李娜,是,,",
    "2026-10-08 09:10,电话,销售,陈丽华,13900000001,本人,P2,同一保单,海淀支公司,张敏,是,,",
    # transferred by the regulator (its callback scheduled), with and without a report date
    "2026-10-09 09:00,监管转办,服务,周强,13700001111,本人,P7,监管转来,丰台营业部,刘洋,是,京金转〔2026〕1号,2026-10-30",
    "2026-10-09 09:30,电话,理赔,吴芳,13700002222,本人,P8,节后来电,朝阳支公司,李娜,否,,",
    "2026-10-09 10:00,监管,理赔,郑丽,13700003333,本人,,监管转来,,,是,京金转〔2026〕2号,",
    # National Day week and a make-up Saturday
    "2026-10-03 11:00,在线,其他,冯雪,+86 137 0000 4444,其他,P10,国庆期间,海淀支公司,张敏,是,,",
    "2026-10-10 11:00,在线,其他,陈晨,13700005555,本人,P11,调休上班日,海淀支公司,张敏,是,,",
    # the same row again (skipped), and one more after it
    "2026-10-08 09:00,电话,理赔,王建国,13812345678,本人,P9,再次投诉理赔,朝阳支公司,李娜,是,,",
    "2026-11-02 16:45,电话,理赔,褚卫,13700006666,本人,P12,,朝阳支公司,李娜,是,,",
]
AT = "2026-11-20T18:00"


def write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig"))
    return path


def kefu(db: str, *args: str):
    r = CliRunner().invoke(app, ["--db", db, *args], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr or r.stdout
    return json.loads(r.stdout) if "--json" in args else r.stdout


WRITE_TIMES = {"created_at", "updated_at", "recorded_at", "prev_hash", "hash"}


def dump(db: str) -> dict:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        out = {}
        for table, order in (
            ("complaint", "id"),
            ("deadline", "id"),
            ("callback", "id"),
            ("audit_event", "id"),
            ("counter", "key"),
        ):
            rows = con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            out[table] = [{k: r[k] for k in r.keys() if k not in WRITE_TIMES} for r in rows]  # noqa: SIM118 - sqlite3.Row
        out["audit_head"] = [tuple(r) for r in con.execute("SELECT events FROM audit_head")]
        return out
    finally:
        con.close()


def both_ways(tmp_path: Path, monkeypatch, rows: list[str], setup=()) -> tuple[dict, dict, dict, dict]:
    """Import `rows` in bulk (small chunks and batches) and one by one; the two results and dumps."""
    monkeypatch.setenv("KEFU_CLERK", "tester")
    monkeypatch.setattr(imports, "CHUNK_ROWS", 5)
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    monkeypatch.setattr(imports, "PAUSE_SECONDS", 0)
    f = write(tmp_path / "投诉.csv", rows)
    results, dumps = [], []
    for name, bulk in (("bulk", True), ("one", False)):
        db = init_db(str(tmp_path / f"{name}.sqlite"))
        for command in setup:
            kefu(db, *command)
        at = dt.datetime.fromisoformat(AT)
        results.append(complaint_import.import_complaints(db, f, bulk=bulk, at=at, clerk="导入员").as_dict())
        dumps.append(dump(db))
        assert kefu(db, "db", "verify", "--json")["ok"] is True
    return results[0], results[1], dumps[0], dumps[1]


def assert_same(a: dict, b: dict) -> None:
    for table in a:
        assert len(a[table]) == len(b[table]), table
        for x, y in zip(a[table], b[table], strict=True):
            assert x == y, (table, x, y)


def test_bulk_and_one_by_one_write_the_same_rows_and_events(tmp_path, monkeypatch):
    bulk, one, a, b = both_ways(tmp_path, monkeypatch, ROWS)
    assert bulk["ids"] == one["ids"] and len(bulk["ids"]) == len(ROWS) - 1
    assert bulk["skipped"] == one["skipped"] and [s["line"] for s in bulk["skipped"]] == [14]
    assert bulk["skipped"][0]["id"] == bulk["ids"][5]
    assert_same(a, b)
    # what was compared is what the rules say
    events = a["audit_event"]
    # one event per registration, carrying the deadlines it opens (domain/effects.py)
    assert {e["action"] for e in events if e["entity"] == "complaint"} == {"register"}
    assert not [e for e in events if e["entity"] == "deadline"]
    register = [json.loads(e["details"]) for e in events if e["action"] == "register"]
    assert [(x["action"], x["from"], x["to"]) for x in register[0]["effects"]] == [("open", None, "open")] * 3
    opened = [x["deadline"] for e in events for x in json.loads(e["details"]).get("effects", [])]
    assert sorted(opened) == [d["id"] for d in a["deadline"]]
    assert register[5]["duplicates"] == [bulk["ids"][0]]  # same phone and category as row 1
    assert register[6]["duplicates"] == [bulk["ids"][1]]  # same policy as row 2
    phones = [c["phone"] for c in a["complaint"]]
    assert "01088889999" in phones and "01088889999-123" in phones and "13700004444" in phones
    assert len(a["callback"]) == 2 and {c["kind"] for c in a["callback"]} == {"regulator"}
    assert a["audit_head"] == [(len(events),)]


def test_the_same_with_acceptance_from_receipt_and_master_lists_in_use(tmp_path, monkeypatch):
    setup = [
        ("policy", "set", "complaint.acceptance", "12", "--from", "received", "--at", "2026-09-01T09:00"),
        ("branch", "add", "朝阳支公司", "--at", "2026-09-01T09:00"),
        ("branch", "add", "海淀支公司", "--at", "2026-09-01T09:00"),
        ("branch", "add", "丰台营业部", "--at", "2026-09-01T09:00"),
        ("handler", "add", "李娜", "--branch", "朝阳支公司", "--at", "2026-09-01T09:00"),
        ("handler", "add", "张敏", "--branch", "海淀支公司", "--at", "2026-09-01T09:00"),
        ("handler", "add", "刘洋", "--branch", "丰台营业部", "--at", "2026-09-01T09:00"),
    ]
    bulk, one, a, b = both_ways(tmp_path, monkeypatch, ROWS, setup)
    assert_same(a, b)
    kinds = [d["kind"] for d in a["deadline"] if d["case_id"] == bulk["ids"][1]]
    assert kinds == ["supplement_notice", "acceptance", "decision", "initial_investigation"]


def test_an_unknown_handler_is_refused_by_both(tmp_path, monkeypatch):
    rows = [ROWS[0], ROWS[1].replace("张敏", "张民")]
    for bulk in (True, False):
        db = init_db(str(tmp_path / f"{bulk}.sqlite"))
        kefu(db, "handler", "add", "李娜", "--at", "2026-09-01T09:00")
        kefu(db, "handler", "add", "张敏", "--at", "2026-09-01T09:00")
        f = write(tmp_path / "c.csv", rows)
        with pytest.raises(RowsError) as err:
            complaint_import.import_complaints(db, f, bulk=bulk, at=dt.datetime.fromisoformat(AT))
        assert "第 3 行" in str(err.value) and "张民" in str(err.value) and "张敏" in str(err.value)
        assert dump(db)["complaint"] == []


@pytest.mark.parametrize("bulk", [True, False])
def test_every_bad_row_is_reported_and_nothing_written(tmp_path, bulk):
    rows = [
        ROWS[0],
        ROWS[1].replace("online", "pigeon"),
        ROWS[2].replace("2026年9月29日 14:00", "2026-02-30 14:00"),
        ROWS[3].replace("孙丽", ""),
        ROWS[4].replace("钱多多", "钱" * 51),
        ROWS[5].replace(",是,,", ",也许,,"),
    ]
    db = init_db(str(tmp_path / "kefu.sqlite"))
    f = write(tmp_path / "c.csv", rows)
    with pytest.raises(RowsError) as err:
        complaint_import.import_complaints(db, f, bulk=bulk, at=dt.datetime.fromisoformat(AT))
    errors = err.value.result.errors
    assert [e.line for e in errors] == [3, 4, 5, 6, 7]
    assert errors[0].column == "受理方式(B 列)" and "pigeon" in errors[0].message
    assert errors[1].column == "受理时间(A 列)" and "不存在" in errors[1].message and "2026-11-21" in errors[1].message
    assert errors[2].column == "投诉人(D 列)" and "不能为空" in errors[2].message
    assert errors[3].column == "投诉人(D 列)" and "太长" in errors[3].message
    assert errors[4].column == "材料齐全(K 列)" and "也许" in errors[4].message  # the column, for the --errors file
    assert str(err.value).startswith("第 3 行 受理方式(B 列): --channel 的值 'pigeon' 无效")
    assert dump(db)["complaint"] == [] and dump(db)["audit_event"] == []


def test_a_rerun_after_part_of_the_file_was_imported_finishes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 4)
    monkeypatch.setattr(imports, "PAUSE_SECONDS", 0)
    db = init_db(str(tmp_path / "kefu.sqlite"))
    at = dt.datetime.fromisoformat(AT)
    complaint_import.import_complaints(db, write(tmp_path / "part.csv", ROWS[:6]), at=at)
    out = complaint_import.import_complaints(db, write(tmp_path / "all.csv", ROWS), at=at).as_dict()
    assert out["summary"] == {"new": 7, "unchanged": 7, "skipped": 0}  # the repeat of row 6 is in the database too
    assert kefu(db, "db", "verify", "--json")["ok"] is True
    assert len(dump(db)["complaint"]) == len(ROWS) - 1


def test_dry_run_counts_without_writing(tmp_path):
    db = init_db(str(tmp_path / "kefu.sqlite"))
    out = kefu(db, "import", "complaints", str(write(tmp_path / "c.csv", ROWS)), "--dry-run", "--json", "--at", AT)
    assert out["dry_run"] is True and out["summary"] == {"new": len(ROWS) - 1, "unchanged": 0, "skipped": 1}
    assert dump(db)["complaint"] == [] and dump(db)["audit_event"] == []


def test_a_thousand_rows_in_bulk_verify_and_match_complaint_show(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "PAUSE_SECONDS", 0)
    monkeypatch.setattr(imports, "BATCH_ROWS", 300)
    rows = [
        f"2026-10-{1 + i % 28:02d} {8 + i % 10:02d}:{i % 60:02d},电话,{['理赔', '服务', '销售'][i % 3]},客户{i},"
        f"139{i % 400:08d},本人,P{i % 250},内容 {i},朝阳支公司,李娜,{'否' if i % 7 == 0 else '是'},,"
        for i in range(1000)
    ]
    db = init_db(str(tmp_path / "kefu.sqlite"))
    out = kefu(db, "import", "complaints", str(write(tmp_path / "c.csv", rows)), "--json", "--at", AT)
    assert out["created"] == 1000
    check = kefu(db, "db", "verify", "--json")
    assert check["ok"] is True and check["checked"]["complaint"] == 1000 and check["checked"]["deadline"] == 3000
    shown = kefu(db, "complaint", "show", out["ids"][-1], "--json", "--unmask")
    assert shown["phone"] == "13900000199" and len(shown["events"]) >= 4
