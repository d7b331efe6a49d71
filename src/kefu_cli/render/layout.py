"""Tables laid out by display width for the terminal they are shown on.

A Chinese (or other wide/full-width) character takes two columns of a terminal, most others one
(`text_width`, by wcwidth). `table_lines` fits a table into a given number of columns:

- columns empty in every row are left out;
- a case number (TS-20261121-0007, HF-…, BA-…) is never split: its column is at least as wide;
  other words (dates, phone and policy numbers) are kept whole where the column allows;
- long text wraps inside its column;
- when even the narrowest columns cannot fit, each record becomes a block: its case number on a
  line (`编号 TS-20261121-0007`), then one `  label: value` line per non-empty value.

Pure functions (no I/O); the text given has already passed `output.visible`. Styles are a few
names (`STYLES`) written as ANSI escape codes only when `color` is asked for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

# A case number: two to four capital letters, the registration day and a serial number.
CASE_NUMBER = re.compile(r"[A-Z]{2,4}-\d{8}-\d{3,6}")
_CASE_PIECES = re.compile(r"([A-Z]{2,4}-\d{8}-\d{3,6})")
# Words longer than this may be folded when a column cannot hold them (a case number never is).
WORD_CAP = 20
# The narrowest a column is made (in display columns) unless its content is narrower.
COLUMN_FLOOR = 8
SAMPLE = 500  # rows looked at to choose which column wraps
GAP = 2  # columns between two table columns
TIGHT_GAP = 1  # … when the table fits only so (before a record becomes a block)

STYLES = {
    "red": "31",
    "bold red": "1;31",
    "yellow": "33",
    "cyan": "36",
    "dim": "2",
    "bold": "1",
}

_TOKEN = re.compile(r"\s+|[!-'*-Z\\^-z|~\u00a0-\u02ff]+|.", re.S)


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    from wcwidth import wcwidth

    w = wcwidth(ch)
    return w if w > 0 else 0


@lru_cache(maxsize=65536)
def text_width(text: str) -> int:
    """Display columns of `text` (one line) on a terminal: CJK and full-width characters 2."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


_OPENING = set("（(［[「『“‘《〈【")
_CLOSING = set("）)］]」』”’》〉】,，。、:：;；!！?？")


def _tokens(text: str) -> list[str]:
    """Whitespace runs, runs of Latin letters/digits/punctuation (a word), single other characters;
    an opening bracket stays with what follows it, a closing one or a comma with what precedes it."""
    out: list[str] = []
    glue = False  # the previous token was an opening bracket
    for tok in _TOKEN.findall(text):
        if out and not tok.isspace() and (glue or (tok in _CLOSING and not out[-1].isspace())):
            out[-1] += tok
        else:
            out.append(tok)
        glue = tok in _OPENING
    return out


@lru_cache(maxsize=65536)
def longest_word(text: str) -> int:
    """The widest piece of `text` kept whole when it wraps (case numbers at any width)."""
    best = 0
    for tok in _tokens(text):
        if tok.isspace():
            continue
        w = text_width(tok)
        if w > WORD_CAP and not CASE_NUMBER.search(tok):
            w = WORD_CAP
        best = max(best, w)
    return best


def wrap(text: str, width: int, rest: int | None = None) -> list[str]:
    """`text` in lines of at most `width` display columns (`rest` for the lines after the first,
    when given), broken at spaces or between wide characters; a word wider than its line is
    folded (a case number only if the line is narrower than it). Newlines in `text` are kept."""
    if "\n" not in text and "\t" not in text and text_width(text) <= width:
        return [text.rstrip()]
    return list(_wrap(text, width, rest))


@lru_cache(maxsize=16384)
def _wrap(text: str, width: int, rest: int | None) -> tuple[str, ...]:
    out: list[str] = []

    def room() -> int:
        return max(width if rest is None or not out else rest, 1)

    for para in text.replace("\t", " ").split("\n"):
        line, used = "", 0
        queue = _tokens(para)[::-1]
        while queue:
            tok = queue.pop()
            w = text_width(tok)
            if tok.isspace():
                if used + w <= room():
                    line, used = line + tok, used + w
                else:
                    out.append(line.rstrip())
                    line, used = "", 0
                continue
            if used + w <= room():
                line, used = line + tok, used + w
                continue
            if w <= (room() if not line else max(rest or width, 1)):
                out.append(line.rstrip())
                line, used = tok, w
                continue
            parts = [p for p in _CASE_PIECES.split(tok) if p]
            if len(parts) > 1:  # a case number with punctuation glued to it: the number kept whole
                queue += reversed(parts)
                continue
            for ch in tok:  # a word wider than the column: folded
                cw = char_width(ch)
                if used + cw > room() and line:
                    out.append(line.rstrip())
                    line, used = "", 0
                line, used = line + ch, used + cw
        out.append(line.rstrip())
    while len(out) > 1 and out[0] == "":
        out.pop(0)
    return tuple(out)


def hanging(line: str, width: int) -> list[str]:
    """One line of prose wrapped to `width`: the continuation lines indented two columns past the
    line's own indentation (a label's value reads on under it)."""
    out: list[str] = []
    for para in line.split("\n"):
        lead = len(para) - len(para.lstrip(" "))
        if text_width(para) <= width:
            out.append(para)
            continue
        indent = " " * min(lead + 2, width // 3)
        first, *more = wrap(para[lead:], width - lead, width - len(indent))
        out += [" " * lead + first, *(indent + x for x in more)]
    return out


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def _paint(text: str, style: str | None, color: bool) -> str:
    code = STYLES.get(style or "") if color else None
    return f"\x1b[{code}m{text}\x1b[0m" if code and text else text


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, gap: int = GAP
) -> list[int] | None:
    """Widths for the columns so that the table fits `width` display columns, or None.

    Columns start at their natural width; while the table is too wide, one column gives up one
    column at a time: the one whose cells (the first `SAMPLE` rows) gain the fewest wrapped
    lines by it, the widest first among equals; never below its narrowest (`longest_word`)."""
    n = len(headers)
    natural = [text_width(h) for h in headers]
    least = [longest_word(h) for h in headers]
    seen: list[Counter] = [Counter() for _ in range(n)]
    for k, row in enumerate(rows):
        for i, cell in enumerate(row):
            for part in cell.split("\n"):
                w = text_width(part)
                natural[i] = max(natural[i], w)
                if k < SAMPLE and w:
                    seen[i][w] += 1
            least[i] = max(least[i], longest_word(cell))
    least = [max(lo, min(nat, COLUMN_FLOOR)) for lo, nat in zip(least, natural, strict=True)]
    room = width - gap * (n - 1)
    if sum(least) > room:
        return None
    widths = list(natural)

    def cost(j: int) -> int:
        w = widths[j]
        return sum(count * (-(-cw // (w - 1)) - -(-cw // w)) for cw, count in seen[j].items())

    for _ in range(sum(widths) - room):
        j = min((j for j in range(n) if widths[j] > least[j]), key=lambda j: (cost(j), -widths[j]))
        widths[j] -= 1
    return widths


def key_column(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The column that names a record in the narrow layout: the first holding case numbers."""
    for i in range(len(headers)):
        if any(CASE_NUMBER.fullmatch(row[i].strip()) for row in rows if row[i]):
            return i
    return 0


def table_lines(
    title: str | None,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    styles: Sequence[str | None] | None = None,
    color: bool = False,
) -> list[str]:
    """The lines of a table fitted to `width` display columns (see the module's description)."""
    rows = [[("" if c is None else str(c)).replace("\t", " ") for c in row] for row in rows]
    styles = list(styles) if styles is not None else [None] * len(rows)
    keep = [i for i in range(len(headers)) if any(row[i].strip() for row in rows)] or list(range(len(headers)))
    headers = [headers[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows]
    lines = wrap(title, width) if title else []
    gap = GAP
    widths = column_widths(headers, rows, width, gap)
    if widths is None:  # one column between columns, before a record becomes a block
        gap = TIGHT_GAP
        widths = column_widths(headers, rows, width, gap)
    if widths is None:
        return lines + _blocks(headers, rows, width, styles, color)
    header = [wrap(h, w) for h, w in zip(headers, widths, strict=True)]
    lines += _row_lines(header, widths, "bold", color, gap)
    lines.append("─" * min(width, sum(widths) + gap * (len(widths) - 1)))
    for row, style in zip(rows, styles, strict=True):
        cells = [wrap(c, w) for c, w in zip(row, widths, strict=True)]
        lines += _row_lines(cells, widths, style, color, gap)
    return lines


def _row_lines(cells: list[list[str]], widths: list[int], style: str | None, color: bool, gap: int = GAP) -> list[str]:
    height = max(len(c) for c in cells)
    out = []
    for k in range(height):
        parts = [pad(c[k] if k < len(c) else "", w) for c, w in zip(cells, widths, strict=True)]
        out.append(_paint((" " * gap).join(parts).rstrip(), style, color))
    return out


def _blocks(headers: list[str], rows: list[list[str]], width: int, styles: list[str | None], color: bool) -> list[str]:
    key = key_column(headers, rows)
    label_w = max((text_width(h) for i, h in enumerate(headers) if i != key), default=0)
    indent = 2 + label_w + 2  # "  label: value"
    if width - indent < 16:  # too narrow to align: the value on the lines below its label
        indent = 4
    out: list[str] = []
    for row, style in zip(rows, styles, strict=True):
        if out:
            out.append("")
        head = f"{headers[key]} {row[key]}".strip()
        out += [_paint(x, "bold red" if style in ("red", "bold red") else "bold", color) for x in wrap(head, width)]
        for i, (h, value) in enumerate(zip(headers, row, strict=True)):
            if i == key or not value.strip():
                continue
            label = f"  {h}:"
            if indent == 4:
                out.append(label)
                body = wrap(value, width - indent)
                out += [_paint(" " * indent + x, style, color) for x in body]
                continue
            body = wrap(value, width - indent)
            out.append(_paint(pad(label, indent) + body[0], style, color))
            out += [_paint(" " * indent + x, style, color) for x in body[1:]]
    return out
