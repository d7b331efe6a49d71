"""Real Excel workbooks: exports read back with openpyxl cell by cell (types included), and
imports of workbooks as a clerk saves them (date cells, serial numbers, numbers for phones)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from conftest import Kefu, init_db
from kefu_cli.services.exports import CALLBACK_HEADERS, COMPLAINT_HEADERS, DEADLINE_HEADERS

AT = "2026-11-20T18:00"
AS_OF = "2026-11-20"
HEADER = "受理时间,受理方式,投诉类别,投诉人,联系电话,与消费者关系,保单号,投诉内容,机构,经办人,材料齐全,监管转办编号,监管报告期限"
ROWS = [  # in order of receipt, so that a fresh database numbers them the same way
    "2026-09-28 09:30,电话,理赔,王建国,010-88889999,本人,00123,理赔拒付,朝阳支公司,李娜,是,,",
    '2026-09-29 10:05,在线,销售,"=HYPERLINK(""http://x"")",13812345678,受托人,P2,"销售误导\n第二行",海淀支公司,张敏,否,,',
    "2026-10-09 09:00,监管转办,服务,赵德明,010-88889999 转 123,本人,P3,监管转来,丰台营业部,刘洋,是,京金转〔2026〕1号,2026-10-30",
    "2026-11-19 14:00,信函,其他,孙丽,+86 137 0000 1111,其他,,,,,是,,",
]


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8-sig"))
    return path


def count(db: str, table: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def filled(kefu, tmp_path) -> Kefu:
    kefu.ok("import", "complaints", str(write_csv(tmp_path / "c.csv", ROWS)), "--at", AT, "--json")
    return kefu


def cells(path: Path, sheet: int = 0) -> list[list[tuple]]:
    """Every cell of a sheet as (value, data type, number format)."""
    ws = load_workbook(path).worksheets[sheet]
    return [[(c.value, c.data_type, c.number_format) for c in row] for row in ws.iter_rows()]


def test_complaint_export_is_a_real_workbook(filled, tmp_path):
    dest = tmp_path / "投诉.xlsx"
    out = filled.ok("export", "complaints", str(dest), "--unmask", "--as-of", AS_OF, "--json")
    assert out["format"] == "xlsx" and out["rows"] == 4 and out["masked"] is False
    wb = load_workbook(dest)
    assert wb.sheetnames == ["投诉", "说明"]
    ws = wb["投诉"]
    header = [c.value for c in ws[1]]
    assert header == COMPLAINT_HEADERS
    assert {"受理时限", "处理时限", "剩余工作日", "是否逾期"} <= set(header)
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "B2"  # the header row and the case number
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(COMPLAINT_HEADERS))}{1 + 4}"
    for i, name in enumerate(header):
        width = ws.column_dimensions[ws.cell(1, i + 1).column_letter].width
        assert width >= 2 * len(name), name  # a CJK header fits
    col = {name: i for i, name in enumerate(header)}
    first, second, third = (list(r) for r in ws.iter_rows(min_row=2, max_row=4))

    def cell(row, name):
        return row[col[name]]

    # text cells: leading zeros kept, never a formula
    assert (cell(first, "联系电话").value, cell(first, "联系电话").data_type) == ("01088889999", "s")
    assert cell(first, "联系电话").number_format == "@" and cell(first, "保单号").value == "00123"
    assert cell(third, "联系电话").value == "01088889999-123"
    assert cell(second, "投诉人").value == '=HYPERLINK("http://x")' and cell(second, "投诉人").data_type == "s"
    assert cell(second, "投诉内容").value == "销售误导\n第二行"
    # real date and datetime cells
    received = cell(first, "接收时间")
    assert received.value == dt.datetime(2026, 9, 28, 9, 30) and received.is_date and "hh:mm" in received.number_format
    due = cell(third, "监管报告期限")
    assert due.is_date and due.value == dt.datetime(2026, 10, 30) and due.number_format == "yyyy-mm-dd"
    assert cell(first, "受理时限").is_date and cell(first, "处理时限").value == dt.datetime(2026, 10, 13)
    # deadlines as of the as-of date: the first complaint's acceptance ran out on 10-20
    assert cell(first, "是否逾期").value == "是"
    left = cell(first, "剩余工作日")
    assert isinstance(left.value, int) and left.value < 0 and left.data_type == "n"
    notes = {row[0]: row[1] for row in wb["说明"].iter_rows(values_only=True) if row[0] != "说明"}
    assert notes["数据截至"].startswith(AS_OF) and "完整" in notes["个人信息"] and notes["筛选条件"] == "无(全部)"


def test_an_unmasked_workbook_imports_back_without_loss(filled, tmp_path):
    first = tmp_path / "first.xlsx"
    filled.ok("export", "complaints", str(first), "--unmask", "--as-of", AS_OF)
    # into the same database: nothing new
    again = filled.ok("import", "complaints", str(first), "--at", AT, "--json")
    assert again["summary"] == {"new": 0, "unchanged": 4, "skipped": 0}
    assert count(filled.db, "complaint") == 4
    # into a fresh database: the same complaints, the same workbook cell by cell (types included)
    other = Kefu(init_db(str(tmp_path / "other.sqlite")))
    out = other.ok("import", "complaints", str(first), "--at", AT, "--json")
    assert out["created"] == 4
    second = tmp_path / "second.xlsx"
    other.ok("export", "complaints", str(second), "--unmask", "--as-of", AS_OF)
    assert cells(second) == cells(first)
    assert other.ok("db", "verify", "--json")["ok"] is True


def test_a_masked_workbook_is_refused_on_import(filled, tmp_path):
    masked = tmp_path / "masked.xlsx"
    out = filled.ok("export", "complaints", str(masked), "--json")
    assert out["masked"] is True
    notes = {r[0]: r[1] for r in load_workbook(masked)["说明"].iter_rows(values_only=True)}
    assert "打码" in notes["个人信息"]
    other = Kefu(init_db(str(tmp_path / "other.sqlite")))
    r = other("import", "complaints", str(masked))
    assert r.code == 2 and "打码" in r.err and "--unmask" in r.err and "第 2 行" in r.err
    assert count(other.db, "complaint") == 0


def test_a_workbook_as_a_clerk_saves_it(kefu, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "登记表"
    ws.append(["受理时间", "受理方式", "投诉类别", "投诉人", "联系电话", "保单号", "监管转办编号", "监管报告期限"])
    ws.append([dt.datetime(2026, 10, 9, 9, 30), "电话", "理赔", "王一", 13812345671, "P1"])  # a datetime cell
    ws.append([dt.date(2026, 10, 12), "电话", "理赔", "王二", "010-88889999", "P2"])  # a date cell: 09:00
    ws["A3"].number_format = "yyyy/m/d"
    ws.append([46304.395833333, "电话", "理赔", "王三", "13812345673", 123])  # a serial number: 2026-10-09 09:30
    ws.append(["2026/10/9 9:40", "电话", "理赔", "王四", 13812345674.0, "P4"])  # text as typed
    ws.append(["2026年10月9日 9:50", "监管转办", "服务", "王五", "13812345675", "P5", "京金转〔2026〕5号", 46325])
    ws.append([None, None, None, None, None, None])  # an empty row is skipped
    path = tmp_path / "登记表.xlsx"
    wb.save(path)
    out = kefu.ok("import", "complaints", str(path), "--at", AT, "--json")
    assert out["created"] == 5
    items = {i["name"]: i for i in kefu.ok("complaint", "list", "--json", "--unmask")["items"]}
    assert items["王一"]["received_at"] == "2026-10-09T09:30:00+08:00" and items["王一"]["phone"] == "13812345671"
    assert items["王二"]["received_at"] == "2026-10-12T09:00:00+08:00" and items["王二"]["phone"] == "01088889999"
    assert items["王三"]["received_at"] == "2026-10-09T09:30:00+08:00" and items["王三"]["policy_no"] == "123"
    assert items["王四"]["received_at"] == "2026-10-09T09:40:00+08:00" and items["王四"]["phone"] == "13812345674"
    assert items["王五"]["regulator_due"] == "2026-10-30"
    again = kefu.ok("import", "complaints", str(path), "--at", AT, "--json")
    assert again["summary"] == {"new": 0, "unchanged": 5, "skipped": 0}


def test_a_bad_workbook_row_and_the_errors_workbook(kefu, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["受理时间", "受理方式", "投诉类别", "投诉人", "联系电话", "备注"])
    ws.append([dt.datetime(2026, 10, 9, 9, 30), "电话", "理赔", "王一", "13812345671", "好"])
    ws.append(["2026-02-30 9:30", "电话", "理赔", "王二", "13812345672", "日期错"])
    ws.append([dt.datetime(2026, 10, 9, 9, 30), "飞鸽", "理赔", "王三", "13812345673", "渠道错"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    errors = tmp_path / "错误.xlsx"
    r = kefu("import", "complaints", str(path), "--errors", str(errors))
    assert r.code == 2 and "第 3 行 受理时间(A 列)" in r.err and "不存在" in r.err
    assert count(kefu.db, "complaint") == 0
    back = load_workbook(errors)
    rows = list(back.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("行号", "错误", "受理时间", "受理方式", "投诉类别", "投诉人", "联系电话", "备注")
    assert [r[0] for r in rows[1:]] == [3, 4]
    assert "受理时间(A 列)" in rows[1][1] and "受理方式(B 列)" in rows[2][1] and rows[2][7] == "渠道错"
    assert back.sheetnames[-1] == "说明"


def test_callbacks_and_deadlines_workbooks(filled, tmp_path):
    policies = tmp_path / "p.csv"
    policies.write_text("保单号,投保人,联系电话,回执签收日期\r\n0088,王,010-66668888,2026-11-02\r\n", encoding="utf-8")
    filled.ok("import", "policies", str(policies), "--at", AT)
    dest = tmp_path / "回访.xlsx"
    filled.ok("export", "callbacks", str(dest), "--unmask", "--as-of", AS_OF)
    ws = load_workbook(dest).worksheets[0]
    assert [c.value for c in ws[1]] == CALLBACK_HEADERS
    rows = {r[4].value: r for r in ws.iter_rows(min_row=2)}
    assert rows["0088"][3].value == "01066668888" and rows["0088"][8].is_date
    again = filled.ok("import", "callbacks", str(dest), "--at", AT, "--json")
    assert again["created"] == 0 and again["summary"]["unchanged"] == 2  # the policy's and the regulator's
    other = Kefu(init_db(str(tmp_path / "other.sqlite")))
    out = other.ok("import", "callbacks", str(dest), "--at", AT, "--json")
    assert out["created"] == 1 and out["summary"]["skipped"] == 1  # the regulator's needs its complaint
    assert other.ok("callback", "list", "--json")["items"][0]["due"] == "2026-11-17"

    deadlines = tmp_path / "期限.xlsx"
    out = filled.ok("export", "deadlines", str(deadlines), "--as-of", AS_OF, "--json")
    wb = load_workbook(deadlines)
    ws = wb.worksheets[0]
    assert ws.title == "期限" and [c.value for c in ws[1]] == DEADLINE_HEADERS and ws.max_row == out["rows"] + 1
    assert all(r[3].is_date for r in ws.iter_rows(min_row=2))
    notes = [r[1] for r in wb["说明"].iter_rows(values_only=True)]
    assert any(str(n).startswith(AS_OF) for n in notes)


def test_old_and_broken_workbooks_are_one_sentence(kefu, tmp_path):
    r = kefu("import", "complaints", str(tmp_path / "old.xls"))  # .xls is read (io/xlsfile.py): this one is missing
    assert r.code == 2 and "文件不存在" in r.err
    fake = tmp_path / "fake.xlsx"
    fake.write_text("受理时间,受理方式\n", encoding="utf-8")
    r = kefu("import", "complaints", str(fake))
    assert r.code == 2 and "不是有效的 Excel 工作簿" in r.err and "Traceback" not in r.err
    r = kefu("export", "complaints", str(tmp_path / "out.xls"))
    assert r.code == 2 and ".xlsx" in r.err


def _one_row_workbook(path: Path, received, title: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    if title:  # a merged title row above the header, as many registers are laid out
        ws.append(["投诉登记表"])
        ws.merge_cells("A1:E1")
    ws.append(["受理时间", "受理方式", "投诉类别", "投诉人", "联系电话"])
    if received is not None:
        ws.append([received, "电话", "理赔", "王一", "13812345671"])
    wb.save(path)
    return path


@pytest.mark.parametrize("serial", [0, -5, 99999999])
def test_a_number_that_is_no_excel_date_is_one_sentence(kefu, tmp_path, serial):
    r = kefu("import", "complaints", str(_one_row_workbook(tmp_path / "s.xlsx", serial)))
    assert r.code == 2 and f"受理时间(A 列) 的数字 {serial} 不是日期" in r.err and "e+" not in r.err


def test_empty_title_and_header_only_workbooks_are_one_sentence(kefu, tmp_path):
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    r = kefu("import", "complaints", str(empty))
    assert r.code == 2 and "是空的" in r.err
    r = kefu("import", "complaints", str(_one_row_workbook(tmp_path / "h.xlsx", None)))
    assert r.code == 2 and "没有数据行" in r.err
    r = kefu("import", "complaints", str(_one_row_workbook(tmp_path / "t.xlsx", "2026-10-09 9:30", title=True)))
    assert r.code == 2 and "标题行" in r.err and "Traceback" not in r.err
    assert count(kefu.db, "complaint") == 0


def test_a_masked_callbacks_export_is_refused_as_masked(filled, tmp_path):
    """As for complaints: the clerk is told the phones are masked, not that they hold a stray character."""
    policies = tmp_path / "p.csv"
    policies.write_text("保单号,投保人,联系电话,回执签收日期\r\n0088,王,010-66668888,2026-11-02\r\n", encoding="utf-8")
    filled.ok("import", "policies", str(policies), "--at", AT)
    masked = tmp_path / "回访.csv"
    filled.ok("export", "callbacks", str(masked), "--as-of", AS_OF)
    other = Kefu(init_db(str(tmp_path / "other.sqlite")))
    for kind, path in (("callbacks", masked), ("policies", masked)):
        r = other("import", kind, str(path))
        assert r.code == 2 and "打码" in r.err and "--unmask" in r.err, r.err
    assert count(other.db, "callback") == 0


@pytest.mark.parametrize("name", ["x.ods", "x.xlsm", "x.et"])
def test_a_spreadsheet_name_kefu_does_not_write_is_refused_not_filled_with_csv(kefu, tmp_path, name):
    """`export … x.ods` used to write CSV text under the .ods name (LibreOffice then could not open it)."""
    target = tmp_path / name
    for args in (("export", "complaints", str(target)), ("export", "claims", str(target)),
                 ("report", "annual", "--year", "2026", "-o", str(target))):  # fmt: skip
        r = kefu(*args)
        assert r.code == 2 and f"不能写出 {target.suffix} 格式" in r.err and ".xlsx" in r.err, args
        assert not target.exists()
