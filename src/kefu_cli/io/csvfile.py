"""Reading CSV files as they come from Excel on Chinese Windows.

Excel saves "CSV" as GB18030/GBK (the ANSI code page 936) or, for "CSV UTF-8", as UTF-8
with a byte-order mark. Both are accepted, as is plain UTF-8; the delimiter may be a comma,
a tab or a semicolon. Rows keep their line numbers so errors can name them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..domain.timeutil import InputError

ENCODINGS = ("utf-8-sig", "gb18030")


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
    text, _ = read_text(path)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    aliases = aliases or {}
    rows: list[CsvRow] = []
    header: list[str] | None = None
    for raw in reader:
        lineno = reader.line_num
        cells = [c.strip() for c in raw]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if header is None:
            named = [aliases.get(c, aliases.get(c.lower(), c.lower())) for c in cells]
            if fieldnames is None or any(n in fieldnames for n in named):
                header = named
                continue
            header = list(fieldnames)
        values = {header[i]: cells[i] if i < len(cells) else "" for i in range(len(header))}
        if len(cells) > len(header) and any(cells[len(header) :]):
            raise InputError(f"第 {lineno} 行的列数({len(cells)})多于表头({len(header)}): 请检查是否有多余的逗号")
        rows.append(CsvRow(lineno, values))
    return header or list(fieldnames or []), rows


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
    from ..render.output import to_jsonable
    from .files import atomic_writer

    n = 0
    with atomic_writer(dest, encoding) as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(headers)
        for row in rows:
            w.writerow(["" if v is None else to_jsonable(v) for v in row])
            n += 1
    return n
