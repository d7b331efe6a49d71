"""Imports of files that a real office suite wrote: LibreOffice (headless) opens CSV files of
complaints and policies as a clerk's would — identifiers in "General" columns become numbers,
dates become date cells — and saves them as .xlsx, .ods, .xls and a GB18030 CSV. Each is imported:
the identifiers that lost digits or their leading zero are refused by row and column, nothing
imported; the others arrive exactly, dates included.

LibreOffice comes from Debian's packages (`apt-get install libreoffice-calc-nogui`, as .ci/run
does); without it these tests are skipped, saying so. All conversions run once per module, a
few soffice calls, with a profile of their own (-env:UserInstallation) so parallel runs don't clash.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import Kefu, init_db

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui (as .ci/run does)",
)

AT = "2026-11-20T18:00"
# LibreOffice's CSV import: comma, double quote, UTF-8 (76), from line 1, standard columns, system
# language, quoted fields not forced to text, "detect special numbers" on (date-and-time cells).
CSV_IN = "CSV:44,34,76,1,,0,false,true"
GB18030_OUT = "csv:Text - txt - csv (StarCalc):44,34,85"  # 85: GB18030 in LibreOffice's numbering

COMPLAINT_HEADER = "受理时间,受理方式,投诉类别,投诉人,联系电话,保单号,监管转办编号,监管报告期限"
GOOD = [  # every identifier exact: imported as written, dates as they were
    "2026-10-09 09:30,电话,理赔,王一,13812345671,123,,",
    "2026-10-09 00:00,电话,理赔,王二,010-66668888,P0002,,",
    "2026-10-12,监管转办,服务,王三,13812345673,999999999999999,京金转〔2026〕3号,2026-10-30",
    "2026/10/13 9:40,信函,其他,王四,4008001234,P0004,,",
]
BAD = [
    "2026-10-09 09:30,电话,理赔,王一,13812345671,8860201234567890123,,",  # 19 digits: 8.86020123456789E+18
    "2026-10-09 09:40,电话,理赔,王二,02166668888,P2,,",  # a landline: 2166668888
    "2026-10-09 09:50,电话,理赔,王三,13812345673,1234567890123456,,",  # 16 digits
    "2026-10-09 10:00,电话,理赔,王四,13812345674,000123,,",  # 123: can't be known, taken
]
POLICY_HEADER = "保单号,投保人,联系电话,回执签收日期,被保险人,被保险人证件号码"
POLICIES = [
    "P1,王一,13812345671,2026-11-02,王一,",
    "P2,王二,13812345672,2026-11-02,王二,110101199003071234",  # an ID number: 1.10101199003071E+17
]
FORMATS = ("xlsx", "ods", "xls", "csv")


def count(db: str, table: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _soffice(profile: Path, outdir: Path, target: str, files: list[Path], infilter: str | None = None) -> None:
    args = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        args.append(f"--infilter={infilter}")
    args += ["--convert-to", target, "--outdir", str(outdir), *map(str, files)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    suffix = target.split(":")[0]
    missing = [f.name for f in files if not (outdir / f"{f.stem}.{suffix}").exists()]
    assert not missing, f"soffice did not write {missing}: {r.returncode} {r.stdout} {r.stderr}"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """{format: {"good"|"bad"|"policies": file LibreOffice wrote}}: four soffice calls in all."""
    base = tmp_path_factory.mktemp("libreoffice")
    profile = base / "profile"
    sources = base / "csv"
    sources.mkdir()
    files = []
    for name, header, rows in (
        ("good", COMPLAINT_HEADER, GOOD),
        ("bad", COMPLAINT_HEADER, BAD),
        ("policies", POLICY_HEADER, POLICIES),
    ):
        path = sources / f"{name}.csv"
        path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
        files.append(path)
    out: dict[str, dict[str, Path]] = {}
    for fmt in ("xlsx", "ods", "xls"):
        folder = base / fmt
        _soffice(profile, folder, fmt, files, CSV_IN)
        out[fmt] = {f.stem: folder / f"{f.stem}.{fmt}" for f in files}
    # a CSV as LibreOffice saves a sheet in GB18030 (what a Chinese Windows clerk's CSV is)
    folder = base / "gb18030"
    _soffice(profile, folder, GB18030_OUT, list(out["ods"].values()))
    out["csv"] = {f.stem: folder / f"{f.stem}.csv" for f in files}
    return out


def test_libreoffice_stored_the_identifiers_as_numbers(office):
    """What the other tests rely on: the files hold numbers where the CSV held identifiers."""
    ws = load_workbook(office["xlsx"]["bad"]).worksheets[0]
    row2, row3 = ([c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=3))
    assert row2[5] == 8.86020123456789e18 and isinstance(row2[5], float)
    assert row3[4] == 2166668888
    data = office["csv"]["bad"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gb18030")
    assert text.startswith("受理时间,") and "E+018" in text and ",2166668888," in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_changed_identifiers_are_refused_by_row_and_column(kefu, tmp_path, office, fmt):
    errors = tmp_path / "错误.xlsx"
    r = kefu("import", "complaints", str(office[fmt]["bad"]), "--errors", str(errors))
    assert r.code == 2, r.err
    assert "第 2 行 保单号(F 列)" in r.err and "请把该列设为文本" in r.err and "整个文件未导入" in r.err
    assert count(kefu.db, "complaint") == 0
    rows = list(load_workbook(errors).worksheets[0].iter_rows(values_only=True))
    reasons = {row[0]: row[1] for row in rows[1:]}
    lost = "科学计数法" if fmt == "csv" else "超过 15 位的数字已被 Excel 改写"
    assert reasons[2].startswith("第 2 行 保单号(F 列)") and lost in reasons[2]
    assert reasons[3].startswith("第 3 行 联系电话(E 列)") and "开头的 0" in reasons[3]
    if fmt == "csv":  # LibreOffice wrote all 16 digits it kept in the .ods: text, taken as written
        assert sorted(reasons) == [2, 3]
    else:  # a number cell of 16 digits (Excel keeps 15: 1234567890123460 in the .xlsx)
        assert sorted(reasons) == [2, 3, 4]
        assert reasons[4].startswith("第 4 行 保单号(F 列)") and "超过 15 位" in reasons[4]
    assert not any("e+" in str(cell) for row in rows for cell in row)  # never Python's float text


@pytest.mark.parametrize("fmt", FORMATS)
def test_exact_identifiers_and_dates_arrive_as_written(kefu, office, fmt):
    path = office[fmt]["good"]
    out = kefu.ok("import", "complaints", str(path), "--at", AT, "--json")
    assert out["created"] == 4
    items = {i["name"]: i for i in kefu.ok("complaint", "list", "--json", "--unmask")["items"]}
    assert (items["王一"]["phone"], items["王一"]["policy_no"]) == ("13812345671", "123")
    assert items["王一"]["received_at"] == "2026-10-09T09:30:00+08:00"
    assert (items["王二"]["phone"], items["王二"]["policy_no"]) == ("01066668888", "P0002")
    assert items["王二"]["received_at"] == "2026-10-09T00:00:00+08:00"  # midnight stays midnight
    assert items["王三"]["policy_no"] == "999999999999999" and items["王三"]["regulator_due"] == "2026-10-30"
    assert items["王三"]["received_at"] == "2026-10-12T09:00:00+08:00"  # a date alone: 09:00, as when typed
    assert items["王三"]["regulator_ref"] == "京金转〔2026〕3号"
    assert items["王四"]["phone"] == "4008001234" and items["王四"]["received_at"] == "2026-10-13T09:40:00+08:00"
    again = kefu.ok("import", "complaints", str(path), "--at", AT, "--json")
    assert again["summary"] == {"new": 0, "unchanged": 4, "skipped": 0}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_id_number_in_a_number_cell_is_refused(tmp_path, office, fmt):
    kefu = Kefu(init_db(str(tmp_path / f"{fmt}.sqlite")))
    r = kefu("import", "policies", str(office[fmt]["policies"]))
    assert r.code == 2 and "第 3 行 被保险人证件号码(F 列)" in r.err and "设为文本" in r.err, r.err
    assert count(kefu.db, "callback") == 0
