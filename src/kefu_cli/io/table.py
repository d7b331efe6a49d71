"""One reader for the imports: a CSV file or a workbook (.xlsx, .ods, .xls), chosen by the extension.

Either way the rows keep their line (CSV) or row (workbook) number and the header as written in
the file, so that an error names the row and the column as the clerk sees them ("第 5 行
受理时间(A 列)"), and the `--errors` file repeats the file's own headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .csvfile import CsvRow
from .workbook import is_workbook
from .xlsxfile import column_letter


@dataclass
class Table:
    path: str
    headers: list[str]  # as written in the file
    keys: list[str]  # the same columns after the aliases (English field names)
    rows: list[CsvRow]  # values by key: text for a CSV file, typed cells for a workbook
    workbook: bool  # typed cells (.xlsx, .ods, .xls) rather than CSV text

    @property
    def xlsx(self) -> bool:  # the name of `workbook` when .xlsx was the only workbook read
        return self.workbook

    def column(self, key: str) -> str:
        """The column of `key` as the file names it, with its letter: '受理时间(A 列)'."""
        if key in self.keys:
            i = self.keys.index(key)
            return f"{self.headers[i] or key}({column_letter(i)} 列)"
        return key


def read_table(path: str | Path, aliases: dict[str, str]) -> Table:
    if is_workbook(path):
        from .workbook import read_rows

        headers, keys, rows = read_rows(path, aliases)
        return Table(str(path), headers, keys, [CsvRow(n, v) for n, v in rows], True)
    from .csvfile import read_table as read_csv

    headers, keys, rows = read_csv(path, aliases=aliases)
    return Table(str(path), headers, keys, rows, False)
