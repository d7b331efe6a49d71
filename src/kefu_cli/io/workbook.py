"""Reading a workbook for the imports, whichever office suite wrote it: .xlsx/.xlsm (Excel, WPS,
LibreOffice: io/xlsxfile.py), .ods (LibreOffice's own format: io/odsfile.py) and .xls (Excel
97–2003: io/xlsfile.py).

The reader is chosen by what the file holds, not by its name, so a workbook renamed from .xls
to .xlsx (or the other way round) still reads; a file that is none of them — a web page or a
CSV saved under an .xls name, a password-protected workbook — is one sentence. Every reader
gives the same cells (str, int/float, date/datetime, bool, None), which io/xlsxfile.py
`cell_text` turns into the text the import reads, and `read_rows` finds the header and the
rows the same way for all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..domain.timeutil import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls (and of encrypted .xlsx)


def is_workbook(path: str | Path) -> bool:
    """Whether an import reads `path` as a workbook (by its extension) rather than as CSV."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def _format(p: Path) -> str:
    """The format ("xlsx", "ods" or "xls") by the file's content; by its extension when that says nothing."""
    import zipfile

    try:
        with p.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise InputError(f"文件不存在: {p}。请给出 Excel 文件的路径,例如 ./投诉登记表.xlsx") from None
    except IsADirectoryError:
        raise InputError(f"{p} 是一个目录,不是文件: 请给出 Excel 文件的路径") from None
    except OSError as exc:
        raise InputError(f"无法读取文件 {p}: {exc.strerror or exc}") from None
    suffix = p.suffix.lower()
    if head.startswith(_OLE):
        return "xls"
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(p) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "content.xml" in names:
            return "ods"
    if suffix == ".xls" and head:
        # not an Excel 97-2003 file at all: a web page or text that a system saved as "Excel"
        raise InputError(
            f"文件 {p} 不是真正的 Excel 工作簿(可能是网页或文本文件改名为 .xls): "
            "请在 Excel/WPS/LibreOffice 中打开后另存为 Excel 工作簿(.xlsx)或 CSV 再导入"
        )
    return {".ods": "ods", ".xls": "xls"}.get(suffix, "xlsx")


def read_sheet(path: str | Path) -> tuple[list[tuple[int, list[Any]]], str]:
    """(rows as (row number, cell values), sheet title) of the workbook's data sheet."""
    p = Path(path)
    kind = _format(p)
    if kind == "ods":
        from .odsfile import read_sheet as read_ods

        return read_ods(p)
    if kind == "xls":
        from .xlsfile import read_sheet as read_xls

        return read_xls(p)
    from .xlsxfile import read_sheet as read_xlsx

    return read_xlsx(p)


def read_rows(
    path: str | Path, aliases: dict[str, str] | None = None
) -> tuple[list[str], list[str], list[tuple[int, dict[str, Any]]]]:
    """(headers as written, their keys after `aliases`, rows as (row number, {key: cell})).

    The first non-empty row is the header; a row whose first cell starts with "#" is a comment.
    A text cell with a control character (other than a line break or tab) is refused, naming
    the row and column, as in a CSV file.
    """
    from ..domain.text import describe_char
    from .csvfile import bad_char, wider_than_header
    from .xlsxfile import column_letter

    raw, _ = read_sheet(path)
    aliases = aliases or {}
    headers: list[str] | None = None
    header_row = 0
    keys: list[str] = []
    out: list[tuple[int, dict[str, Any]]] = []
    for number, values in raw:
        texts = [v.strip() if isinstance(v, str) else v for v in values]
        if all(v is None or v == "" for v in texts):
            continue
        if isinstance(texts[0], str) and texts[0].startswith("#"):
            continue
        for i, v in enumerate(texts):
            if isinstance(v, str):
                v = v.replace("\r\n", "\n")
                texts[i] = v
                bad = bad_char(v)
                if bad is not None:
                    raise InputError(
                        f"第 {number} 行 {column_letter(i)} 列含有不允许的{describe_char(bad)}: 整个文件未导入,"
                        "请删除这个不可见字符后重新导入(单元格内只允许换行和制表符)"
                    )
        if headers is None:
            headers = ["" if v is None else str(v) for v in texts]
            header_row = number
            keys = [aliases.get(h, aliases.get(h.lower(), h.lower())) for h in headers]
            continue
        if len(texts) > len(keys) and any(v not in (None, "") for v in texts[len(keys) :]):
            raise wider_than_header(number, len(texts), headers, header_row, "请检查表头右侧是否有多余的数据")
        out.append((number, {k: (texts[i] if i < len(texts) else None) for i, k in enumerate(keys)}))
    return headers or [], keys, out
