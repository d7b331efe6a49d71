"""Help that fits: every help page at 80 columns is at most 80 display columns wide (a Chinese
character takes two), lists the options that must be given first, and ends with examples that
work when typed as shown."""

from __future__ import annotations

import shlex

import pytest
from typer._click import Context
from typer.main import get_command
from typer.testing import CliRunner

from kefu_cli.cli.app import app
from kefu_cli.cli.help_examples import EXAMPLES
from kefu_cli.cli.help_format import display_width, short_help, wrap_text


def _walk(cmd, path: tuple[str, ...], ctx):
    yield path, cmd, ctx
    if hasattr(cmd, "list_commands"):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            yield from _walk(sub, (*path, name), Context(sub, info_name=name, parent=ctx))


ROOT = get_command(app)
ALL = [(path, cmd) for path, cmd, _ctx in _walk(ROOT, (), Context(ROOT, info_name="kefu"))]
LEAVES = [" ".join(path) for path, cmd in ALL if not hasattr(cmd, "list_commands")]
EVERY = [" ".join(path) for path, _cmd in ALL]


def help_of(path: str) -> str:
    r = CliRunner().invoke(app, [*path.split(), "--help"])
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("path", EVERY)
def test_every_help_page_fits_80_columns(path):
    for line in help_of(path).splitlines():
        assert display_width(line) <= 80, (path, line)


def test_the_root_help_is_no_wider_than_the_terminal():
    widths = [display_width(line) for line in help_of("").splitlines()]
    assert max(widths) <= 80 and max(widths) >= 60  # wrapped, not cut to a narrow column


def test_chinese_text_wraps_by_display_width():
    text = "受理方式: phone 电话、fax 传真、letter 信函、visit 现场、email 电子邮件、online 在线、regulator 监管转办"
    lines = wrap_text(text, 30, "  ", "  ").splitlines()
    assert all(display_width(line) <= 30 for line in lines)
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.strip()[0] in "、,。)" for line in lines)  # no line starts with closing punctuation
    assert "TS-20261121-0007" in wrap_text("例如 TS-20261121-0007 " * 5, 24)  # an ASCII word is never split


def test_short_help_is_cut_by_display_width():
    text = "投诉: 登记、补充材料、受理/不予受理/转办/合并、延期、中止、处理决定、撤回。"
    cut = short_help(text, 40)
    assert display_width(cut) <= 40 and cut.endswith("...")
    assert short_help("机构名单。其余", 20) == "机构名单。其余"
    assert (
        short_help("数据库: 初始化/升级、检查、备份。第二句很长很长很长很长", 40) == "数据库: 初始化/升级、检查、备份。"
    )


def test_required_options_come_first_and_fit_24_rows():
    """At 24 rows `complaint add --help` shows its four required options on the first screen."""
    lines = help_of("complaint add").splitlines()[:24]
    options = [line.split()[0] for line in lines if line.startswith("  --")]
    assert options[:4] == ["--channel", "--category", "--name", "--phone"]


def test_an_option_said_to_be_required_in_its_help_comes_first():
    options = [line.split()[0] for line in help_of("complaint reject").splitlines() if line.startswith("  --")]
    assert options[0] == "--reason"


# Examples that only read: run on the demo database (exit 0). The others are parsed by the command
# itself (every option known, every value of the right type, the arguments all there).
READS = {
    "",
    "search",
    "complaint",
    "complaint show",
    "complaint list",
    "callback",
    "callback show",
    "callback list",
    "callback stats",
    "claim",
    "claim show",
    "claim list",
    "claim checklist",
    "request",
    "request show",
    "request list",
    "today",
    "policy-register",
    "policy-register show",
    "policy-register list",
    "report",
    "report deadlines",
    "report stats",
    "workday",
    "workday add",
    "workday count",
    "workday check",
    "workday coverage",
    "policy",
    "policy list",
    "db check",
    "db verify",
    "branch",
    "branch list",
    "handler",
    "handler list",
    "notice list",
}
EXAMPLE_LINES = [(path, line) for path, lines in EXAMPLES.items() for line in lines]


def words(example: str) -> list[str]:
    """The words a POSIX shell makes of an example (a line ending in a backslash goes on)."""
    return shlex.split(example.replace("\\\n", " "))


def parse(args: list[str]):
    """The context of the command `args` names, parsed as running it would parse it (nothing run)."""
    cmd, ctx = ROOT, ROOT.make_context("kefu", list(args))
    while hasattr(cmd, "list_commands"):
        name, cmd, rest = cmd.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        ctx = cmd.make_context(name, rest, parent=ctx)
    return ctx


def test_every_command_has_one_or_two_examples_and_no_other_key():
    assert set(EXAMPLES) == set(EVERY)
    assert all(1 <= len(lines) <= 2 for lines in EXAMPLES.values())


@pytest.mark.parametrize("path", EVERY)
def test_the_help_ends_with_its_examples(path):
    page = help_of(path)
    tail = page.rstrip("\n").split("\n\n")[-1].splitlines()
    assert tail[0] == "示例:"
    assert [line.strip() for line in tail[1:]] == [ln.strip() for ex in EXAMPLES[path] for ln in ex.splitlines()]


@pytest.mark.parametrize(("path", "line"), EXAMPLE_LINES)
def test_every_example_parses_as_typed(path, line):
    args = words(line)
    assert args[0] == "kefu"
    ctx = parse(args[1:])
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    assert f"{' '.join(reversed(names))} ".startswith(f"{path} ".lstrip())  # the command or one of the group


@pytest.fixture(scope="module")
def reads_db(demo, tmp_path_factory):
    from conftest import copy_db

    return copy_db(demo, tmp_path_factory.mktemp("reads"))


@pytest.mark.parametrize(("path", "line"), [(p, line) for p, line in EXAMPLE_LINES if p in READS])
def test_every_example_that_reads_runs_on_the_demo(path, line, reads_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = words(line)[1:]
    r = CliRunner().invoke(app, ["--db", str(reads_db), *args])
    assert r.exit_code == 0, (line, r.output)


def _help_in_a_terminal(columns: int, *args: str) -> list[str]:
    """`kefu ARGS --help` in a pseudo-terminal of `columns` × 40 (no COLUMNS in its environment)."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    code = "import sys; sys.argv = ['kefu', *sys.argv[1:]]; from kefu_cli.cli.app import main; main()"
    p = subprocess.Popen(
        [sys.executable, "-c", code, *args, "--help"], stdin=child, stdout=child, stderr=child, env=env
    )
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=60)
    os.close(main)
    return out.decode().replace("\r\n", "\n").splitlines()


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="no pseudo-terminals")
@pytest.mark.parametrize("columns", [80, 120])
def test_help_in_a_terminal_fits_its_width(columns):
    for args in ((), ("complaint",), ("complaint", "add"), ("notice", "make")):
        lines = _help_in_a_terminal(columns, *args)
        assert lines and max(display_width(line) for line in lines) <= columns, (args, lines)
    widest = max(display_width(line) for line in _help_in_a_terminal(columns, "complaint", "add"))
    assert widest > columns - 12  # laid out for this terminal, not for 80 columns
