"""Exports a branch can print and read (issue 21, items 4 and 5): landscape A4 one page wide,
the header row and the case number on every page, 说明 on one page, widths by display width;
Chinese values in every cell, one header per meaning shared by export and import."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import run_cli

AS_OF = "2026-12-01"
EXPORTS = {"complaints": "投诉编号", "callbacks": "回访编号", "deadlines": "案件编号"}


@pytest.fixture(scope="module")
def workbooks(demo, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for what in EXPORTS:
        dest = folder / f"{what}.xlsx"
        extra = ["--unmask"] if what != "deadlines" else []
        code, _, err = run_cli("--db", demo, "export", what, dest, "--as-of", AS_OF, *extra)
        assert code == 0, err
        out[what] = dest
    return out


@pytest.mark.parametrize("what", EXPORTS)
def test_every_export_prints_landscape_a4_one_page_wide_with_titles_on_every_page(workbooks, what):
    wb = load_workbook(workbooks[what])
    ws, notes = wb.worksheets
    setup = ws.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)  # one page wide, as many down as needed
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A"
    assert ws.cell(1, 1).value == EXPORTS[what] and ws.freeze_panes == "B2"  # the case number, frozen
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    if what in ("complaints", "callbacks"):  # printed up to 是否逾期: the step columns (a round trip's data) are not
        last = ws.print_area.split(":")[1].split("$")[1]  # 'complaints'!$A$1:$AB$1048576 -> AB
        assert ws.print_area.endswith("$1048576") and ws[f"{last}1"].value == "是否逾期"
    else:
        assert not ws.print_area
    # 说明: on one page
    assert notes.title == "说明" and notes.sheet_properties.pageSetUpPr.fitToPage is True
    assert (int(notes.page_setup.fitToWidth), int(notes.page_setup.fitToHeight), int(notes.page_setup.paperSize)) == (
        1,
        1,
        9,
    )


def test_column_widths_follow_the_display_width(workbooks):
    from kefu_cli.io.xlsxfile import MAX_WIDTH, text_width

    assert text_width("投诉编号") == 8 and text_width("TS-1") == 4 and text_width("（）：") == 6
    ws = load_workbook(workbooks["complaints"]).worksheets[0]
    header = [c.value for c in ws[1]]
    for i, name in enumerate(header, start=1):
        letter = ws.cell(1, i).column_letter
        values = [ws.cell(r, i).value for r in range(1, ws.max_row + 1)]
        if any(isinstance(v, dt.date) for v in values):
            assert ws.column_dimensions[letter].width >= 12, name  # a date or time shows whole
            continue
        if not all(v is None or isinstance(v, str) for v in values):  # a number: at least its header
            assert ws.column_dimensions[letter].width >= text_width(name) + 2, name
            continue
        widest = max(text_width(line) for v in values if v for line in v.split("\n"))
        assert ws.column_dimensions[letter].width == min(widest + 2, MAX_WIDTH), name


@pytest.mark.parametrize("what", EXPORTS)
def test_every_cell_a_person_reads_is_chinese_never_a_code(workbooks, what):
    ws = load_workbook(workbooks[what]).worksheets[0]
    codes = {
        (ws.cell(1, c.column).value, c.value)
        for row in ws.iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, str) and re.fullmatch(r"[a-z_]+", c.value)
    }
    assert codes == set()
    if what == "deadlines":
        types = {r[1].value for r in ws.iter_rows(min_row=2)}
        assert "理赔报案" in types and types <= {"投诉", "回访", "理赔报案", "保全请求"}


def test_one_header_per_meaning_shared_by_export_and_import():
    from kefu_cli.io.columns import CALLBACK, COMPLAINT
    from kefu_cli.services.callback_import import CALLBACK_COLUMNS
    from kefu_cli.services.complaint_import import COMPLAINT_COLUMNS
    from kefu_cli.services.exports import CALLBACK_HEADERS, COMPLAINT_HEADERS

    # the receipt is 接收时间 (as complaint list says); 受理 is acceptance: 受理时间 is the acceptance's time
    # (the step columns of issue 21's round trips), never the receipt's
    assert COMPLAINT["received"].header == "接收时间" and COMPLAINT["accepted_at"].header == "受理时间"
    assert COMPLAINT_HEADERS.count("受理时间") == 1
    assert COMPLAINT_HEADERS[:2] == ["投诉编号", "接收时间"]
    # every column an import reads is written by the export under the same header, first among its names
    for names, headers in ((COMPLAINT_COLUMNS, COMPLAINT_HEADERS), (CALLBACK_COLUMNS, CALLBACK_HEADERS)):
        for key, spellings in names.items():
            assert spellings[0] in headers, key
    # no header means two things in one table
    for table in (COMPLAINT, CALLBACK):
        seen: dict[str, str] = {}
        for f in table.values():
            for name in (f.header, *f.aliases):
                assert seen.setdefault(name, f.key) == f.key, name
    # a file written before issue 21 (受理时间 for the receipt) still imports: 受理时间 is the receipt
    # only in a file without 接收时间
    from kefu_cli.services.complaint_import import COMPLAINT_LEGACY

    assert COMPLAINT_LEGACY == {"受理时间": "received"} and "受理时间" not in COMPLAINT_COLUMNS["received"]


def test_an_old_export_header_still_imports(kefu, tmp_path):
    old = tmp_path / "old.csv"
    old.write_text(
        "投诉编号,受理时间,受理方式,投诉类别,投诉人,联系电话\nTS-20261102-0001,2026-11-02 09:30,电话,理赔,王建国,13812345678\n",
        "utf-8",
    )
    doc = kefu.ok("import", "complaints", str(old), "--at", "2026-11-20T10:00", "--json")
    assert doc["created"] == 1 and doc["errors"] == []
    shown = kefu.ok("complaint", "list", "--all", "--json")
    assert [c["received_at"][:16] for c in shown["items"]] == ["2026-11-02T09:30"]
    assert [c["id"] for c in shown["items"]] == ["TS-20261102-0001"]  # its number kept (issue 21's round trips)
    # a sheet with both: 接收时间 is the receipt, 受理时间 the acceptance (not read as the receipt)
    both = tmp_path / "both.csv"
    both.write_text(
        "受理时间,接收时间,受理方式,投诉类别,投诉人,联系电话\n2026-11-05 10:00,2026-11-03 09:30,电话,理赔,李四,13900000001\n",
        "utf-8",
    )
    assert kefu.ok("import", "complaints", str(both), "--at", "2026-11-20T10:00", "--json")["created"] == 1
    shown = kefu.ok("complaint", "list", "--all", "--json")
    assert sorted(c["received_at"][:16] for c in shown["items"]) == ["2026-11-02T09:30", "2026-11-03T09:30"]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
NO_CALC = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"


def soffice(tmp_path: Path, src: Path, to: str) -> Path:
    """`soffice --headless --convert-to TO` of `src` into tmp_path (its own profile: tests may run in parallel)."""
    r = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to", to,
         "--outdir", str(tmp_path), str(src)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = tmp_path / f"{src.stem}.{to.split(':')[0]}"
    assert r.returncode == 0 and out.exists(), r.stderr + r.stdout
    return out


def _shown(v) -> str:
    """A cell as LibreOffice shows it under kefu's number formats (yyyy-mm-dd, yyyy-mm-dd hh:mm)."""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time() else v.strftime("%Y-%m-%d %H:%M")
    return "" if v is None else str(v)


@pytest.mark.skipif(SOFFICE is None, reason=NO_CALC)
@pytest.mark.parametrize("what", EXPORTS)
def test_libreoffice_reads_the_same_values_as_kefu_wrote(workbooks, tmp_path, what):
    """Each export opened by LibreOffice and saved as CSV (UTF-8): the cells openpyxl reads, as shown."""
    src = tmp_path / f"{what}.xlsx"
    shutil.copy(workbooks[what], src)
    got = list(csv.reader(soffice(tmp_path, src, "csv:Text - txt - csv (StarCalc):44,34,76,1").open(encoding="utf-8")))
    want = [[_shown(c.value) for c in row] for row in load_workbook(src).worksheets[0].iter_rows()]
    assert len(got) == len(want) > 1
    assert got == want


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason=NO_CALC + "; pdftotext: apt-get install poppler-utils")
def test_libreoffice_prints_the_header_and_the_case_number_on_every_page(kefu, tmp_path):
    """300 complaints printed by LibreOffice: landscape pages one page wide, each with the header row
    and the case numbers; 说明 whole on the last page."""
    lines = ["接收时间,受理方式,投诉类别,投诉人,联系电话,投诉内容,机构"]
    start = dt.datetime(2026, 9, 1, 9, 0)
    for i in range(300):
        at = start + dt.timedelta(hours=5 * i)
        lines.append(f"{at:%Y-%m-%d %H:%M},电话,理赔,客户{i},139{i:08d},理赔款到账时间比承诺晚一周,朝阳支公司")
    src = tmp_path / "c.csv"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    kefu.ok("branch", "add", "朝阳支公司")
    assert kefu.ok("import", "complaints", str(src), "--at", "2026-11-30T18:00", "--json")["created"] == 300
    dest = tmp_path / "投诉.xlsx"
    kefu.ok("export", "complaints", str(dest), "--as-of", AS_OF)
    pdf = soffice(tmp_path, dest, "pdf")
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    texts = [
        subprocess.run(
            [PDFTOTEXT, "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        for n in range(1, pages + 1)
    ]
    data, notes = texts[:-1], texts[-1]
    assert len(data) >= 2  # 300 rows do not fit one page: the point of repeating the titles
    numbers = set()
    for page in data:
        head = page.strip().splitlines()[0]
        assert "投诉编号" in head and "接收时间" in head and "是否逾期" in head, head  # the whole header, one page wide
        assert "登记时间" not in head and "中止类型" not in head, head  # the step columns are not printed
        numbers |= set(re.findall(r"TS-\d{8}-\d{4}", page))
        assert "页,共" in page
    assert len(numbers) == 300  # every row printed with its case number, none cut off to another page
    assert "数据截至" in notes and "筛选条件" in notes and "个人信息" in notes  # 说明 on one page
