"""Reading CSV files as they come from Excel on Chinese Windows.

Excel saves "CSV" as GB18030/GBK (the ANSI code page 936) or, for "CSV UTF-8", as UTF-8
with a byte-order mark. Both are accepted, as is plain UTF-8; the delimiter may be a comma,
a tab or a semicolon. Rows keep their line numbers so errors can name them.

Hostile cells: a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (or a tab / carriage
return before one) as a formula — `=HYPERLINK(...)` in a customer's name would run on the
clerk's machine. Every CSV kefu writes goes through `neutralise` (io/cells.py: a `'` in front, which Excel
shows as text), and the reader undoes it with `restore`, so an export imports back unchanged.
A cell longer than the csv module's limit, or with control characters, is one sentence naming
the row, never a traceback.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..domain.timeutil import InputError
from .cells import restore

ENCODINGS = ("utf-8-sig", "gb18030")



# Every character `domain.text.find_control_char(…, multiline=True)` refuses (C0/C1 controls but
# line feed and tab, and the line/paragraph separators and bidirectional overrides), as one
# pattern: a file without any of them needs no cell-by-cell check.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def bad_char(text: str) -> str | None:
    """The first character not allowed in a (multi-line) cell, or None."""
    if _BAD_CHARS.search(text) is None:
        return None
    from ..domain.text import find_control_char

    return find_control_char(text, multiline=True)


_control_char = bad_char


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # 1-based line number in the file
    values: dict[str, str]


def decode(data: bytes, path: str = "") -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) first, then GB18030."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InputError(f"文件 {path} 的编码无法识别: 请另存为 “CSV UTF-8” 或 GB18030/GBK 编码的 CSV")


def read_text(path: str | Path) -> tuple[str, str]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"文件不存在: {p}。请给出 CSV 文件的路径,例如 ./2027年节假日.csv") from None
    except IsADirectoryError:
        raise InputError(f"{p} 是一个目录,不是文件: 请给出 CSV 文件的路径") from None
    except OSError as exc:
        raise InputError(f"无法读取文件 {p}: {exc.strerror}") from None
    return decode(data, str(p))


def read_rows(
    path: str | Path, fieldnames: list[str] | None = None, aliases: dict[str, str] | None = None
) -> tuple[list[str], list[CsvRow]]:
    """Rows of a CSV file.

    With `fieldnames`, the file has no header of its own unless its first row matches one of
    the known names (after `aliases`, e.g. Chinese header → English field); rows are mapped to
    `fieldnames` by position. Without, the first row is the header.
    """
    _, keys, rows = read_table(path, fieldnames, aliases)
    return keys, rows


def read_table(
    path: str | Path, fieldnames: list[str] | None = None, aliases: dict[str, str] | None = None
) -> tuple[list[str], list[str], list[CsvRow]]:
    """(headers as written in the file, their keys after `aliases`, rows) — see `read_rows`."""
    text, _ = read_text(path)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    if text.endswith("\x1a"):  # the end-of-file mark of old DOS/Windows tools
        text = text[:-1]
    reader = csv.reader(io.StringIO(text), dialect)
    aliases = aliases or {}
    rows: list[CsvRow] = []
    header: list[str] | None = None
    written: list[str] = []
    header_line = 0  # the line of the header (0: the caller's fieldnames)
    # Most files have no control character at all: one search instead of one per cell.
    suspect = _BAD_CHARS.search(text.replace("\r\n", "\n")) is not None
    while True:
        start = reader.line_num + 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                problem = f"有一个单元格超过 {csv.field_size_limit()} 个字符(可能是引号没有配对)"
            else:
                problem = f"无法按 CSV 读取({exc})"
            raise InputError(
                f"第 {start} 行{problem}: 整个文件未导入,请在 Excel 中检查这一行后另存为 CSV 再导入"
            ) from None
        lineno = reader.line_num
        cells = [c.replace("\r\n", "\n").strip() if "\r" in c else c.strip() for c in raw]
        cells = [restore(c) if c[:1] == "'" else c for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        for i, c in enumerate(cells if suspect else ()):
            bad = _control_char(c)
            if bad is not None:
                from ..domain.text import describe_char

                raise InputError(
                    f"第 {start} 行第 {i + 1} 列含有不允许的{describe_char(bad)}: 整个文件未导入,"
                    "请删除这个不可见字符后重新导入(单元格内只允许换行和制表符)"
                )
        if header is None:
            named = [aliases.get(c, aliases.get(c.lower(), c.lower())) for c in cells]
            if fieldnames is None or any(n in fieldnames for n in named):
                header, written, header_line = named, cells, lineno
                continue
            header = list(fieldnames)
        values = {header[i]: cells[i] if i < len(cells) else "" for i in range(len(header))}
        if len(cells) > len(header) and any(cells[len(header) :]):
            raise wider_than_header(lineno, len(cells), written or header, header_line, "请检查是否有多余的逗号")
        rows.append(CsvRow(lineno, values))
    keys = header or list(fieldnames or [])
    return written or list(keys), keys, rows


def wider_than_header(line: int, cells: int, headers: list[str], header_line: int, usual: str) -> InputError:
    """A row with more cells than the header (CSV and workbook alike). A header of one cell is
    most likely a title row ("投诉登记表", merged across the columns) above the real header."""
    if header_line and sum(1 for h in headers if h) == 1:
        usual = f"第 {header_line} 行只有一个单元格,像是标题而不是表头: 请删除表头上方的标题行,让表头成为第一行"
    return InputError(f"第 {line} 行的列数({cells})多于表头({len(headers)}): {usual}")


EXCEL_ENCODINGS = {
    "utf-8-sig": "utf-8-sig",
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "gb18030": "gb18030",
    "gbk": "gb18030",
}


def excel_encoding(name: str) -> str:
    """The encoding to write for Excel: UTF-8 with BOM (default) or GB18030."""
    enc = EXCEL_ENCODINGS.get((name or "").strip().lower())
    if enc is None:
        raise InputError(f"--encoding 的值 '{name}' 无效,可选 utf-8(带 BOM,默认)或 gb18030")
    return enc


def write_csv_atomic(dest: str | Path, headers, rows, encoding: str = "utf-8-sig") -> int:
    """Stream rows into a CSV file Excel opens correctly (CRLF; BOM or GB18030), atomically.

    Returns the number of data rows written.
    """
    from ..render.output import csv_cells
    from .files import atomic_writer

    n = 0
    with atomic_writer(dest, encoding) as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(csv_cells(headers))
        for row in rows:
            w.writerow(csv_cells(row))
            n += 1
    return n
