"""Output for people and for scripts.

- `--json`: exactly one JSON document on stdout (English keys, ISO dates); nothing else.
- otherwise Chinese text: rich tables on a terminal, plain aligned columns when piped,
  never colour or escape codes when stdout is not a terminal.
- messages (warnings, hints, errors) go to stderr.
- text from the database or the command line never reaches a terminal raw: control characters
  (ESC starts escape sequences that can recolour, retitle or clear a terminal) are shown in a
  visible form such as `\\x1b` (`visible`; every console made here applies it to what it prints).
- CSV cells never start a spreadsheet formula (`csv_cells`, shared with io/csvfile.py).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .jsonout import dumps_json, json_chunks, print_json, to_jsonable, write_json  # noqa: F401 - read from here too
from .left import (  # noqa: F401 - read from here too
    deadline_left_zh,
    hours_left_zh,
    item_left_zh,
    judged_moment,
    left_zh,
    next_left_zh,
)

_stdout_console = None
_stderr_console = None

# C0 controls except newline and tab, DEL, C1 controls (0x9b is a one-byte CSI), the Unicode line
# and paragraph separators and the bidirectional overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with control characters shown as `\\x1b`, `\\u202e`…; newlines and tabs kept."""
    return _UNSAFE.sub(_escape, text)


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


_safe_console_class = None


def safe_console_class():
    """rich's Console, except that every string it renders (printed text, table cells, titles)
    passes through `visible` first: no raw escape sequence from the data reaches the terminal."""
    global _safe_console_class
    if _safe_console_class is None:
        from rich.console import Console

        class SafeConsole(Console):
            def render_str(self, text: str, **kwargs):
                return super().render_str(visible(text), **kwargs)

        _safe_console_class = SafeConsole
    return _safe_console_class


def console(stderr: bool = False):
    """A rich console on stdout/stderr, created for the current streams."""
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty() if hasattr(stream, "isatty") else False
    return safe_console_class()(
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
    if not c.is_terminal:
        c.print(text, markup=False)
        return
    from .layout import hanging

    # wrapped by display width here (a closing punctuation mark stays with its word, a case number
    # whole), not by rich, which would move a long run of Chinese to the line after "错误:"
    lines = [x for line in str(text).split("\n") for x in hanging(line, max(c.width, 20))]
    c.print("\n".join(lines), style=style, markup=False, soft_wrap=True)


def csv_cells(row: Iterable[Any]) -> list[Any]:
    """One CSV row as written by every CSV output (`--csv`, reports, exports, `--errors` files):
    None as empty, dates ISO, and no cell that a spreadsheet would run as a formula
    (io/cells.py `neutralise`; the import reverses it)."""
    from ..io.cells import neutralise

    return [neutralise("" if v is None else to_jsonable(v)) for v in row]


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(csv_cells(headers))
    for row in rows:
        w.writerow(csv_cells(row))
    return buf.getvalue()


def terminal_width() -> int | None:
    """The columns of the terminal stdout is, or None when stdout is not a terminal (a pipe or a
    file: output keeps its fixed layout there). COLUMNS, when set, wins (shutil.get_terminal_size)."""
    if not is_terminal():
        return None
    import shutil

    return max(shutil.get_terminal_size().columns, 20)


def color_on() -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    return is_terminal() and not os.environ.get("NO_COLOR")


def print_table(
    title: str | None,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    styles: Sequence[str | None] | None = None,
    *,
    c=None,
    width: int | None = None,
) -> None:
    """A table for a person. On a terminal (or given `width`): fitted to its display width
    (render/layout.py: case numbers whole, empty columns dropped, text wrapped in its column,
    one block per record when a table cannot fit), each row in its style from `styles` (e.g.
    "red" for an overdue one) when colour is on. Otherwise (a pipe, a file, the console `c`)
    plain aligned columns as always."""
    if c is None and width is None:
        width = terminal_width()
    if width is not None and c is None:
        from .layout import table_lines

        cells = [["" if v is None else visible(str(v)) for v in row] for row in rows]
        lines = table_lines(
            visible(title) if title else None, [visible(h) for h in headers], cells, width, styles, color=color_on()
        )
        sys.stdout.write("".join(line + "\n" for line in lines))
        sys.stdout.flush()
        return
    from rich import box
    from rich.table import Table

    c = c or console()
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


class _ScreenBuffer(io.StringIO):
    """What a paged command prints, held until it ends; it stands for the terminal meanwhile (so
    tables are laid out, and coloured, for it)."""

    def __init__(self, real) -> None:
        super().__init__()
        self.real = real

    @property
    def encoding(self) -> str:
        return getattr(self.real, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return True


@contextlib.contextmanager
def paged(enabled: bool = True) -> Iterator[None]:
    """Output longer than the terminal's height goes through a pager: $PAGER, else `less -R`
    (colours kept; q quits). Only on a terminal, and not with `enabled` off (`--no-pager`) or
    under CI; a pipe or a file gets the text itself. Shorter output is printed as it is."""
    if not enabled or not is_terminal() or os.environ.get("CI"):
        yield
        return
    real = sys.stdout
    buf = sys.stdout = _ScreenBuffer(real)
    try:
        yield
    finally:
        sys.stdout = real
        _show(buf.getvalue(), real)


def _show(text: str, real) -> None:
    import shutil

    if text.count("\n") < shutil.get_terminal_size().lines - 1:
        real.write(text)
        real.flush()
        return
    import shlex
    import subprocess

    command = shlex.split(os.environ.get("PAGER") or "") or ["less"]
    env = dict(os.environ)
    if os.path.basename(command[0]) == "less" and not env.get("LESS"):
        env["LESS"] = "-R"  # pass the colours through
    try:
        real.flush()
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:  # no such pager: the text itself
        real.write(text)
        real.flush()
        return
    try:
        pager.stdin.write(text.encode(getattr(real, "encoding", None) or "utf-8", errors="replace"))
        pager.stdin.close()
    except (BrokenPipeError, OSError):  # the reader quit before the end
        pass
    while True:
        try:
            pager.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less ignores it)
            continue


def more_text(more: int) -> str:
    """The line under a list cut by --limit: how many were left out."""
    return f"还有 {more} 条未显示(加大 --limit 或缩小条件可以看到)"


def print_lines(lines: Iterable[str]) -> None:
    """Lines for a person. On a terminal each is wrapped to its display width (a case number never
    split), the continuation indented under the line's own text; elsewhere written as they are."""
    width = terminal_width()
    if width is None:
        c = console()
        for line in lines:
            c.print(line, markup=False)
        return
    from .layout import hanging

    out = []
    for line in lines:
        out += hanging(visible(str(line)), width)
    sys.stdout.write("".join(x + "\n" for x in out))
    sys.stdout.flush()


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


_PERSONAL = {"name": mask_name, "phone": mask_phone}


def _mask_fields(data: dict) -> dict:
    out = dict(data)
    for key, fn in _PERSONAL.items():
        if isinstance(out.get(key), str):
            out[key] = fn(out[key])
    names = out.get("representatives")  # a group's representatives (2020 rule Art. 12): names too
    if isinstance(names, list):
        out["representatives"] = [mask_name(n) if isinstance(n, str) else n for n in names]
    elif isinstance(names, str):
        out["representatives"] = "、".join(mask_name(n) for n in names.split("、"))
    fn = _PERSONAL.get(out["field"]) if isinstance(out.get("field"), str) else None
    if fn is not None:  # an edit of the name or phone: its old and new values
        for key in ("old", "new", "before", "after", "from", "to"):
            if isinstance(out.get(key), str):
                out[key] = fn(out[key])
    return out


def mask_personal(data: dict) -> dict:
    """A copy of a case's JSON view with `name` and `phone` masked — its own, and those in the
    `details` of its `events` (a registration or an edit may carry them)."""
    out = _mask_fields(data)
    if isinstance(out.get("events"), list):
        out["events"] = [
            {**e, "details": _mask_fields(e["details"])}
            if isinstance(e, dict) and isinstance(e.get("details"), dict)
            else e
            for e in out["events"]
        ]
    return out


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
