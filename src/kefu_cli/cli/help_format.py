"""Help pages laid out by display width (a Chinese character takes two columns of a terminal):
Click measures and wraps help as if every character took one, so a Chinese help page ran wider
than the terminal and its columns broke. `install(gettext)` (from zh_click.install) puts these in place:
text wrapped by display width for the terminal's width (80 when the output is not a terminal),
short help cut by display width, the options that must be given listed first, and the 示例
(examples) section at the end of every command's help (cli/help_examples.py).
"""

from __future__ import annotations

EXAMPLES_HEADING = "示例"


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: a Chinese character takes two (Click counts one,
    which puts the help column after `--as-of <文本>` out of line). wcwidth's table when it is
    installed (combining marks take none), else the East Asian Width property."""
    from typer._click._compat import strip_ansi

    text = strip_ansi(text)
    if text.isascii():
        return len(text)
    try:
        from wcwidth import wcswidth
    except ImportError:  # pragma: no cover - wcwidth is a dependency
        wcswidth = None
    if wcswidth is not None:
        width = wcswidth(text)
        if width >= 0:
            return width
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


# Help text is wrapped by display width; a line may break between two Chinese characters, never
# before closing punctuation (,。、)…) nor after an opening one, nor inside an ASCII word.
_CLOSING = set(",。、;:!?)》」』】”’,.;:!?)]%")
_OPENING = set("(《「『【“‘([")


def _chunks(text: str) -> list[str]:
    """Words to lay out: runs of spaces (" "), ASCII words, single wide characters, with closing
    punctuation kept on the word before it and opening punctuation on the word after it."""
    out: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace():
            if word:
                out.append(word)
                word = ""
            if not out or out[-1] != " ":
                out.append(" ")
        elif (
            (ch.isascii() and (not word or word[-1].isascii() or word[-1] in _OPENING))
            or (word and ch in _CLOSING)
            or (word and all(c in _OPENING for c in word))
        ):
            word += ch
        else:
            if word:
                out.append(word)
            word = ch
    if word:
        out.append(word)
    # closing punctuation that opens a word joins the word before it ("投诉" ")、")
    merged: list[str] = []
    for chunk in out:
        if merged and merged[-1] != " " and chunk[0] in _CLOSING and all(c in _CLOSING for c in chunk):
            merged[-1] += chunk
        else:
            merged.append(chunk)
    return merged


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """One paragraph laid out in lines of at most `width` display columns (a word wider than a
    line is cut)."""
    lines: list[str] = []
    line, used, space = initial_indent, display_width(initial_indent), False
    fresh = True  # nothing but the indent on this line yet
    for chunk in _chunks(text):
        if chunk == " ":
            space = not fresh
            continue
        w = display_width(chunk)
        if not fresh and used + space + w > width:
            lines.append(line.rstrip())
            line, used, fresh, space = subsequent_indent, display_width(subsequent_indent), True, False
        if space:
            line, used = line + " ", used + 1
        while used + w > width and w > 1:  # a word longer than a line: cut it
            room = max(width - used, 1)
            head, taken = "", 0
            for ch in chunk:
                cw = display_width(ch)
                if taken + cw > room and head:
                    break
                head, taken = head + ch, taken + cw
            lines.append(line + head)
            chunk = chunk[len(head) :]
            line, used = subsequent_indent, display_width(subsequent_indent)
            w = display_width(chunk)
        line, used, fresh, space = line + chunk, used + w, False, False
    lines.append(line.rstrip() if not fresh else line)
    return "\n".join(lines)


def wrap_text(
    text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "", preserve_paragraphs: bool = False
) -> str:
    """Click's `formatting.wrap_text` (paragraphs, the \\b no-rewrap marker) by display width."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(text, width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, str]] = []
    buf: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if buf:
            raw = buf[0].strip() == "\b"
            paragraphs.append((indent or 0, raw, "\n".join(buf[1:]) if raw else " ".join(buf)))
            buf.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
        else:
            if indent is None:
                indent = len(line) - len(line.lstrip())
                line = line.lstrip()
            buf.append(line)
    flush()
    out = []
    for extra, raw, body in paragraphs:
        first, rest = initial_indent + " " * extra, subsequent_indent + " " * extra
        if raw:
            out.append("\n".join((first if i == 0 else rest) + ln for i, ln in enumerate(body.splitlines())))
        else:
            out.append(fill(body, width, first, rest))
    return "\n\n".join(out)


def short_help(text: str, limit: int = 45) -> str:
    """The first sentence or the start of a command's help in at most `limit` display columns."""
    words = " ".join(text.split("\n\n")[0].split())
    words = words[1:].strip() if words.startswith("\b") else words
    if display_width(words) <= limit:
        return words
    end = words.find("。")
    if end > 0 and display_width(words[: end + 1]) <= limit:
        return words[: end + 1]
    out, used = "", 0
    for ch in words:
        if used + display_width(ch) > limit - 3:
            break
        out, used = out + ch, used + display_width(ch)
    while out and out[-1] in " ,,、":
        out = out[:-1]
    return out + "..."


def help_width(max_width: int | None = None) -> int:
    """The width of a help page: the terminal's when the output is one, else 80 (stable tests);
    Click's 2 columns of margin taken off."""
    import shutil
    import sys

    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    columns = shutil.get_terminal_size((80, 24)).columns if tty else 80
    if max_width is not None and not tty:
        columns = min(columns, max_width)
    return max(columns - 2, 40)


def _required(param) -> bool:
    """An option that must be given: required to Click, or said so in its help ("(必填)")."""
    return bool(param.required or "(必填)" in (getattr(param, "help", None) or ""))


def install(gettext) -> None:
    """Click's help formatter measuring display width; required options first; 示例 at the end.
    `gettext` gives the Chinese of Click's own words (cli/zh_click.py, which calls this)."""
    from typer import core as typer_core
    from typer._click import core as click_core
    from typer._click import formatting as click_formatting

    click_formatting.term_len = display_width  # the help table's first column, in screen columns
    click_formatting.wrap_text = wrap_text  # help text wrapped by display width
    click_core.make_default_short_help = short_help

    formatter_init = click_formatting.HelpFormatter.__init__

    def zh_formatter_init(self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None):
        if width is None and click_formatting.FORCED_WIDTH is None:
            width = help_width(max_width)
        formatter_init(self, indent_increment, width, max_width)

    click_formatting.HelpFormatter.__init__ = zh_formatter_init

    def format_options(self, *, ctx, formatter) -> None:
        """Typer's Arguments and Options sections, the options that must be given first."""
        args, required, optional = [], [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                args.append(record)
            elif param.param_type_name == "option":
                (required if _required(param) else optional).append(record)
        if args:
            with formatter.section(gettext("Arguments")):
                formatter.write_dl(args)
        if required or optional:
            with formatter.section(gettext("Options")):
                formatter.write_dl(required + optional)

    typer_core._typer_format_options = format_options

    format_epilog = click_core.Command.format_epilog

    def zh_format_epilog(self, ctx, formatter) -> None:
        format_epilog(self, ctx, formatter)
        from .help_examples import examples_of

        lines = examples_of(ctx)
        if lines:
            with formatter.section(EXAMPLES_HEADING):
                for example in lines:
                    for line in example.splitlines():  # a long one goes on after " \\"
                        formatter.write(f"{'':>{formatter.current_indent}}{line}\n")

    click_core.Command.format_epilog = zh_format_epilog
