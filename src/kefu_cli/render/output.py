"""Output for people and for scripts.

- `--json`: exactly one JSON document on stdout (English keys, ISO dates); nothing else.
- otherwise Chinese text: rich tables on a terminal, plain aligned columns when piped,
  never colour or escape codes when stdout is not a terminal.
- messages (warnings, hints, errors) go to stderr.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ..domain.timeutil import iso_datetime

_stdout_console = None
_stderr_console = None


def _prepare_streams() -> None:
    """UTF-8 when piped (scripts read UTF-8); never crash on a GBK terminal."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if not stream.isatty() and not os.environ.get("PYTHONIOENCODING"):
                reconfigure(encoding="utf-8", errors="replace")
            else:
                reconfigure(errors="replace")
        except (ValueError, OSError):  # pragma: no cover - exotic streams
            pass


def is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (ValueError, AttributeError):
        return False


def console(stderr: bool = False):
    """A rich console on stdout/stderr, created for the current streams."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty() if hasattr(stream, "isatty") else False
    return Console(
        file=stream,
        highlight=False,
        soft_wrap=not tty,
        no_color=not tty or bool(os.environ.get("NO_COLOR")),
        force_terminal=tty,
        emoji=False,
        width=None if tty else 200,
    )


def message(text: str, style: str | None = None) -> None:
    """A line for the person on stderr (kept out of JSON/CSV on stdout)."""
    c = console(stderr=True)
    c.print(text, style=style if c.is_terminal else None, markup=False)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):  # datetime is a date too
        return to_jsonable(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps_json(data: Any) -> str:
    """Indented JSON; dates and datetimes converted as they are met (no copy of the document)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def print_json(data: Any) -> None:
    sys.stdout.write(dumps_json(data) + "\n")


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if v is None else to_jsonable(v) for v in row])
    return buf.getvalue()


def print_table(title: str | None, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from rich import box
    from rich.table import Table

    c = console()
    table = Table(
        title=title,
        box=box.SIMPLE_HEAVY if c.is_terminal else None,
        show_edge=c.is_terminal,
        pad_edge=False,
        title_justify="left",
    )
    for h in headers:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    c.print(table)


def print_lines(lines: Iterable[str]) -> None:
    c = console()
    for line in lines:
        c.print(line, markup=False)


def mask_phone(phone: str | None) -> str:
    """138****5678: keep the first 3 and last 4 digits of a phone number."""
    if not phone:
        return ""
    p = phone.strip()
    if len(p) >= 11:
        return p[:3] + "*" * (len(p) - 7) + p[-4:]
    if len(p) > 4:
        return "*" * (len(p) - 4) + p[-4:]
    return "*" * len(p)


def mask_name(name: str | None) -> str:
    """张*明 / 王*: keep the family name (and the last character of longer names)."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(text: str | None) -> str:
    """An ID number with only its first 6 and last 4 characters shown."""
    if not text:
        return ""
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


class _Progress:
    """A progress bar on stderr for long work — only when a person is watching."""

    def __init__(self, description: str, total: int | None) -> None:
        self.description, self.total = description, total
        self._bar = None
        self._task = None

    def __enter__(self):
        if sys.stderr.isatty() and not os.environ.get("CI"):
            from rich.progress import Progress

            self._bar = Progress(console=console(stderr=True), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.description, total=self.total)
        return self

    def update(self, done: int, total: int | None = None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total or self.total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def progress(description: str, total: int | None = None) -> _Progress:
    """`with progress("导入", n) as p: ... p.update(i)` — silent when not on a terminal or in CI."""
    return _Progress(description, total)
