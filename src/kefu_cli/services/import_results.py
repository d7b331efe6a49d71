"""The result of an import (`ImportResult`, each bad row a `RowError`), the error that says
nothing was imported (`RowsError`), and the errors file `--errors FILE` writes (the bad rows
with the file's own headers, 行号 and 错误, for Excel). The imports: services/imports.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.errors import InputError


@dataclass
class RowError:
    line: int
    message: str
    values: dict[str, str]
    column: str | None = None  # "受理时间(A 列)"

    def sentence(self) -> str:
        if self.column and self.message.startswith(self.column):  # "第 3 行 受理时间(A 列) 的日期 … 不存在"
            return f"第 {self.line} 行 {self.message}"
        where = f" {self.column}" if self.column else ""
        return f"第 {self.line} 行{where}: {self.message}"


@dataclass
class ImportResult:
    file: str
    kind: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    # every row not imported: {"line", "id", "reason", "unchanged"}; unchanged: the database
    # already holds this very row; otherwise skipped (repeated in the file, or different there)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    planned: int | None = None  # --dry-run: how many rows would be new
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header as written, key)

    def counts(self) -> dict[str, int]:
        unchanged = sum(1 for s in self.skipped if s.get("unchanged"))
        new = self.planned if self.planned is not None else len(self.created)
        return {"new": new, "unchanged": unchanged, "skipped": len(self.skipped) - unchanged}

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "created": counts["new"],
            "ids": self.created,
            "summary": counts,
            "skipped": self.skipped,
            "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in self.errors],
            "dry_run": self.dry_run,
        }


class RowsError(InputError):
    """Some rows are bad: nothing was imported (or, if a row that passed the check fails when
    written, only the whole chunks before it). Carries the result with every row's error."""

    def __init__(self, result: ImportResult, message: str) -> None:
        super().__init__(message)
        self.result = result


# --- the errors file ----------------------------------------------------------------------------
def write_error_report(result: ImportResult, dest: str | Path) -> Path:
    """The bad rows with the input's own headers plus 行号 and 错误: an .xlsx workbook when
    `dest` ends in .xlsx, else a UTF-8 (BOM) CSV for Excel."""
    from ..io.xlsxfile import Column, is_xlsx

    columns = list(result.columns)
    known = {k for _, k in columns}
    for e in result.errors:  # columns of the rows that the header did not name (should not happen)
        columns += [(k, k) for k in e.values if k not in known and not known.add(k)]
    headers = ["行号", "错误", *(h or k for h, k in columns)]
    rows = [[e.line, e.sentence(), *(e.values.get(k, "") for _, k in columns)] for e in result.errors]
    if is_xlsx(dest):
        from ..io.xlsxfile import INT, write_xlsx_atomic

        kinds = [Column("行号", INT), Column("错误"), *(Column(h) for h in headers[2:])]
        notes = [("文件", result.file), ("说明", "出错的行及原因;整个文件未导入,请在原文件中改正这些行后重新导入")]
        write_xlsx_atomic(dest, "导入错误", kinds, rows, notes)
    else:
        from ..io.csvfile import write_csv_atomic

        write_csv_atomic(dest, headers, rows)
    return Path(dest)


def rows_error(result: ImportResult) -> RowsError:
    """The refusal of a whole file: its first bad row in one sentence, how many others."""
    result.errors.sort(key=lambda e: e.line)
    first = result.errors[0]
    more = f"(另有 {len(result.errors) - 1} 行有误)" if len(result.errors) > 1 else ""
    return RowsError(result, f"{first.sentence()}{more}。整个文件未导入,请改正后重新导入")
