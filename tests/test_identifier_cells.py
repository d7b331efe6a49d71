"""Identifiers are text: policy numbers, phones, ID numbers and case numbers read from number cells
are taken only when nothing was lost, and refused otherwise by row and column (nothing imported);
.ods (odfpy) and .xls workbooks read like .xlsx. LibreOffice as the real client: test_libreoffice_imports.py."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kefu_cli.domain.errors import InputError
from kefu_cli.io.identifiers import identifier_text
from kefu_cli.io.workbook import read_sheet

AT = "2026-11-20T18:00"
HEADER = ["受理时间", "受理方式", "投诉类别", "投诉人", "联系电话", "保单号"]


def count(db: str, table: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize(
    ("value", "phone", "text"),
    [
        (13812345678, True, "13812345678"),
        (13812345678.0, True, "13812345678"),  # a whole float: its digits, never "13812345678.0"
        (123, False, "123"),  # a policy number: exact, taken as written (its leading zeros can't be known)
        (95511.0, True, "95511"),
        (4008001234, True, "4008001234"),
        (999999999999999, False, "999999999999999"),  # 15 digits: exact
        ("P0001", False, "P0001"),
        ("02166668888", True, "02166668888"),
        ("010-88889999", True, "010-88889999"),
        (None, True, ""),
    ],
)
def test_exact_identifiers_are_taken_as_text(value, phone, text):
    assert identifier_text(value, "保单号(F 列)", phone=phone) == text


@pytest.mark.parametrize(
    ("value", "phone", "reason"),
    [
        (
            8.86020123456789e18,
            False,
            "超过 15 位的数字已被 Excel 改写(现为 8.86020123456789E+18)",
        ),  # 8860201234567890123
        (1234567890123460, False, "超过 15 位"),  # Excel's rounding of 1234567890123456
        (1234567890123456.0, False, "超过 15 位"),
        (110101199003071234, False, "超过 15 位"),  # an 18-digit ID number
        (float(2**60), False, "超过 15 位"),
        (float("inf"), False, "不是完整的编号"),
        (12.5, False, "含小数"),
        (-5, False, "负数"),
        (True, False, "逻辑值"),
        (dt.datetime(2026, 1, 2), False, "日期"),
        (2166668888, True, "丢失了开头的 0"),  # 021-66668888
        (1088889999.0, True, "丢失了开头的 0"),  # 010-88889999
        (75512345678, True, "丢失了开头的 0"),  # 0755-12345678
        ("2166668888", True, "缺少开头的 0"),  # a CSV cell that Excel wrote without its zero
        ("8.86020123456789E+18", False, "科学计数法"),  # as Excel writes a long number into a CSV
        ("8.86020123456789E+018", False, "科学计数法"),  # as LibreOffice does
        ("1.10101E+17", False, "科学计数法"),
    ],
)
def test_changed_identifiers_are_refused_with_the_reason(value, phone, reason):
    with pytest.raises(InputError) as caught:
        identifier_text(value, "保单号(F 列)", phone=phone)
    message = str(caught.value)
    assert message.startswith("保单号(F 列) ") and reason in message, message
    assert "e+" not in message  # never Python's float text


def test_a_phone_that_is_wrong_for_another_reason_goes_to_the_phone_check():
    assert identifier_text(12345, "联系电话", phone=True) == "12345"  # the phone check then says what is wrong
    assert identifier_text(13812345678, "联系电话", phone=True) == "13812345678"


def _workbook(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_number_cells_in_a_workbook_are_refused_by_row_and_column_and_nothing_is_imported(kefu, tmp_path):
    when = dt.datetime(2026, 10, 9, 9, 30)
    path = _workbook(
        tmp_path / "登记表.xlsx",
        [
            [when, "电话", "理赔", "王一", 13812345671, 8.86020123456789e18],  # policy: 8860201234567890123
            [when, "电话", "理赔", "王二", 2166668888, "P2"],  # phone: 02166668888
            [when, "电话", "理赔", "王三", 13812345673, 123],  # exact: fine
            [0, "电话", "理赔", "王四", 13812345674, 1234567890123460],  # no date, and a rounded policy
        ],
    )
    errors = tmp_path / "错误.xlsx"
    r = kefu("import", "complaints", str(path), "--errors", str(errors))
    assert r.code == 2
    assert "第 2 行 保单号(F 列) 是数字格式的单元格,超过 15 位的数字已被 Excel 改写" in r.err
    assert "请把该列设为文本后重新输入" in r.err and "(另有 2 行有误)" in r.err and "整个文件未导入" in r.err
    assert count(kefu.db, "complaint") == 0
    rows = list(load_workbook(errors).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("行号", "错误", *HEADER)
    assert [row[0] for row in rows[1:]] == [2, 3, 5]
    assert "联系电话(E 列) 是数字格式的单元格,丢失了开头的 0" in rows[2][1]
    assert rows[2][6] == "2166668888" and rows[1][7] == "8.86020123456789E+18"  # as the spreadsheet shows them
    # two cells of one row: both reasons, the row once
    assert "受理时间(A 列) 的数字 0 不是日期" in rows[3][1] and "保单号(F 列)" in rows[3][1]


def test_exact_number_cells_import_as_their_digits(kefu, tmp_path):
    path = _workbook(
        tmp_path / "登记表.xlsx",
        [
            [dt.datetime(2026, 10, 9, 9, 30), "电话", "理赔", "王一", 13812345671.0, 123],
            [dt.datetime(2026, 10, 9, 0, 0), "电话", "理赔", "王二", "021-66668888", 999999999999999],
        ],
    )
    load = load_workbook(path)
    load.active["A3"].number_format = "yyyy-mm-dd hh:mm"  # a date-and-time cell at midnight
    load.save(path)
    out = kefu.ok("import", "complaints", str(path), "--at", AT, "--json")
    assert out["created"] == 2
    items = {i["name"]: i for i in kefu.ok("complaint", "list", "--json", "--unmask")["items"]}
    assert (items["王一"]["phone"], items["王一"]["policy_no"]) == ("13812345671", "123")
    assert (items["王二"]["phone"], items["王二"]["policy_no"]) == ("02166668888", "999999999999999")
    assert items["王二"]["received_at"] == "2026-10-09T00:00:00+08:00"


def test_a_csv_as_excel_saves_long_numbers_is_refused(kefu, tmp_path):
    """Excel writes a long number of a "General" column into a CSV in scientific notation, and a
    landline without its zero: both are refused, in policies (ID numbers too) as in complaints."""
    policies = tmp_path / "保单.csv"
    policies.write_bytes(
        (
            "保单号,投保人,联系电话,回执签收日期,被保险人,被保险人证件号码\r\n"
            "8.86020123456789E+18,王一,13812345671,2026-11-02,王一,\r\n"
            "P2,王二,2166668888,2026-11-02,王二,\r\n"
            "P3,王三,13812345673,2026-11-02,王三,1.10101E+17\r\n"
            "P4,王四,13812345674,2026-11-02,王四,\r\n"
        ).encode("gb18030")
    )
    errors = tmp_path / "错误.csv"
    r = kefu("import", "policies", str(policies), "--errors", str(errors))
    assert r.code == 2 and "第 2 行 保单号(A 列) 是科学计数法 8.86020123456789E+18" in r.err
    text = errors.read_text(encoding="utf-8-sig")
    assert "第 3 行 联系电话(C 列) 的号码缺少开头的 0" in text
    assert "第 4 行 被保险人证件号码(F 列) 是科学计数法 1.10101E+17" in text
    assert count(kefu.db, "callback") == 0


def test_a_number_cell_for_an_id_number_is_refused_in_a_policies_workbook(kefu, tmp_path):
    header = ["保单号", "投保人", "联系电话", "回执签收日期", "被保险人", "被保险人证件号码"]
    path = _workbook(
        tmp_path / "保单.xlsx",
        [["P1", "王一", 13812345671, dt.date(2026, 11, 2), "王一", 1.10101199003071e17]],
        header,
    )
    r = kefu("import", "policies", str(path))
    assert r.code == 2 and "第 2 行 被保险人证件号码(F 列) 是数字格式的单元格,超过 15 位" in r.err
    assert count(kefu.db, "callback") == 0


# --- .ods without LibreOffice: a sheet written with odfpy as LibreOffice lays one out ---------------
def _ods(path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import LineBreak, P, S

    from kefu_cli.io.odsfile import NUMBER

    doc = OpenDocumentSpreadsheet()
    # a date-and-time number style, given to column A: a midnight date-value there is a datetime
    from odf.element import Element

    timed = Element(qname=(NUMBER, "date-style"), attributes={"name": "N1"})
    for part in ("year", "month", "day", "hours", "minutes"):
        timed.addElement(Element(qname=(NUMBER, part)))
    doc.automaticstyles.addElement(timed)
    cell_style = Style(name="ce1", family="table-cell", datastylename="N1")
    doc.automaticstyles.addElement(cell_style)

    def text(value: str, repeat: int = 1) -> TableCell:
        cell = TableCell(valuetype="string", numbercolumnsrepeated=repeat)
        cell.addElement(P(text=value))
        return cell

    def number(value: str) -> TableCell:
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=value))
        return cell

    def date(value: str) -> TableCell:
        cell = TableCell(valuetype="date", datevalue=value)
        cell.addElement(P(text=value))
        return cell

    notes = Table(name="说明")  # a notes sheet first: the data sheet is the first other one
    row = TableRow()
    row.addElement(text("说明"))
    notes.addElement(row)
    doc.spreadsheet.addElement(notes)

    table = Table(name="登记表")
    table.addElement(TableColumn(defaultcellstylename="ce1"))
    table.addElement(TableColumn(numbercolumnsrepeated=1023))
    header = TableHeaderRows()
    row = TableRow()
    for name in [*HEADER, "投诉内容"]:
        row.addElement(text(name))
    row.addElement(TableCell(numbercolumnsrepeated=1017))  # the empty rest of the row
    header.addElement(row)
    table.addElement(header)

    row = TableRow()
    row.addElement(date("2026-10-09T09:30:00"))
    row.addElement(text("电话"))
    row.addElement(text("理赔"))
    row.addElement(text("王一"))
    row.addElement(number("13812345671"))
    row.addElement(number("123"))
    summary = TableCell(valuetype="string")
    paragraph = P(text="两个")
    paragraph.addElement(S(c=2))
    paragraph.addText("空格")
    paragraph.addElement(LineBreak())
    paragraph.addText("第二行")
    summary.addElement(paragraph)
    row.addElement(summary)
    table.addElement(row)

    row = TableRow(numberrowsrepeated=3)  # empty rows between the records
    row.addElement(TableCell(numbercolumnsrepeated=1024))
    table.addElement(row)

    row = TableRow()
    row.addElement(date("2026-10-09"))  # midnight, in the date-and-time column
    for value in ("电话", "理赔", "王二", "021-66668888", "P2"):
        row.addElement(text(value))
    row.addElement(CoveredTableCell())  # part of a merged cell: empty
    table.addElement(row)

    row = TableRow(numberrowsrepeated=1048570)  # the empty rest of the sheet
    row.addElement(TableCell(numbercolumnsrepeated=1024))
    table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_an_ods_sheet_reads_like_a_workbook(kefu, tmp_path):
    path = _ods(tmp_path / "登记表.ods")
    rows, title = read_sheet(path)
    assert title == "登记表"
    assert [n for n, _ in rows] == [1, 2, 6]
    assert rows[1][1][:6] == [dt.datetime(2026, 10, 9, 9, 30), "电话", "理赔", "王一", 13812345671, 123]
    assert rows[1][1][6] == "两个  空格\n第二行"
    assert rows[2][1][0] == dt.datetime(2026, 10, 9, 0, 0)
    out = kefu.ok("import", "complaints", str(path), "--at", AT, "--json")
    assert out["created"] == 2
    items = {i["name"]: i for i in kefu.ok("complaint", "list", "--json", "--unmask")["items"]}
    assert items["王一"]["policy_no"] == "123" and items["王一"]["phone"] == "13812345671"
    assert items["王二"]["received_at"] == "2026-10-09T00:00:00+08:00" and items["王二"]["phone"] == "02166668888"


def test_files_that_are_no_workbook_are_one_sentence(kefu, tmp_path):
    page = tmp_path / "导出.xls"  # what many web systems call an Excel export
    page.write_text("<html><table><tr><td>受理时间</td></tr></table></html>", encoding="utf-8")
    r = kefu("import", "complaints", str(page))
    assert r.code == 2 and "不是真正的 Excel 工作簿" in r.err and "Traceback" not in r.err
    fake = tmp_path / "假的.ods"
    fake.write_text("受理时间,受理方式\n", encoding="utf-8")
    r = kefu("import", "complaints", str(fake))
    assert r.code == 2 and "不是有效的 OpenDocument 表格" in r.err
    broken = tmp_path / "坏的.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    r = kefu("import", "complaints", str(broken))
    assert r.code == 2 and "不是有效的旧版 Excel 工作簿" in r.err and "Traceback" not in r.err
    r = kefu("import", "complaints", str(tmp_path / "没有.ods"))
    assert r.code == 2 and "文件不存在" in r.err
    assert count(kefu.db, "complaint") == 0


def test_a_workbook_under_the_wrong_extension_still_reads(kefu, tmp_path):
    """The reader goes by the content: an .xlsx renamed .xls (or .ods) is read as what it is."""
    path = _workbook(
        tmp_path / "a.xlsx", [[dt.datetime(2026, 10, 9, 9, 30), "电话", "理赔", "王一", 13812345671, "P1"]]
    )
    renamed = path.rename(tmp_path / "登记表.xls")
    out = kefu.ok("import", "complaints", str(renamed), "--at", AT, "--json")
    assert out["created"] == 1
    ods = _ods(tmp_path / "b.ods").rename(tmp_path / "登记表2.xlsx")
    assert read_sheet(ods)[1] == "登记表"


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("2166668888", True), ("1088889999", True), ("75512345678", True), (" 2166668888 ", True),
        ("8.86020123456789E+18", False), ("8.86020123456789E+018", True), ("9E+18", False),
    ],
)  # fmt: skip
def test_the_csv_fast_path_looks_at_every_text_that_can_be_refused(text, phone):
    """A CSV cell is handed to `identifier_text` only when `suspect` matches it: each refused text must."""
    from kefu_cli.io.identifiers import suspect

    with pytest.raises(InputError):
        identifier_text(text, "x", phone=phone)
    assert suspect(phone).fullmatch(text)
    assert not suspect(phone).fullmatch("13812345678") and not suspect(False).fullmatch("2166668888")
