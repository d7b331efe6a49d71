"""Click's own words in Chinese: usage errors, usage lines and help headings.

Typer ships its own copy of Click (`typer._click`) whose messages are English and, unlike
Click itself, not routed through gettext: they are f-strings built where the error is raised
("Missing option '--name'.", "No such command 'x'.", "Got unexpected extra argument(s) (…)").
So the translation happens where they are shown, not where they are made:

- `UsageError.show` / `ClickException.show`: the usage line, the "try -h" hint and the
  "Error:" prefix in Chinese, and the message itself through `translate` (a table of
  patterns; a message no pattern knows is shown as it is);
- the help page: `typer.core._` (Typer's gettext alias: section titles Arguments / Options /
  Commands, "[required]", "default:", "env var:") and the "Usage:" prefix of the formatter,
  and the help option's own line.

Exit codes stay Click's: only how a message is shown changes (a usage error is still exit 2).
`install()` is a handful of attribute assignments, done once when `kefu_cli.cli.app` is imported.
"""

from __future__ import annotations

import re

from .help_format import display_width  # noqa: F401 - the width of text on a terminal, for the help page

# Typer's gettext strings (typer/core.py `_()`), and Click's fixed strings.
TEXT = {
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认: {default}",
    "env var: {var}": "环境变量: {var}",
    "(dynamic)": "(动态)",
    "Aborted!": "已中止。",
}
USAGE_PREFIX = "用法: "
HELP_LINE = "显示本帮助并退出"
ERROR_PREFIX = "错误: "
USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."))
# The value placeholder of an option in help (Typer writes the Python type: `--as-of <str>`).
TYPE_WORDS = {"str": "文本", "int": "整数", "float": "数字", "bool": "是/否", "datetime": "日期时间", "Path": "路径"}


def type_word(shown: str) -> str:
    """`<str>` → `<文本>`: a Python type name in a help placeholder in Chinese; others unchanged."""
    if shown.startswith("<") and shown.endswith(">"):
        return f"<{TYPE_WORDS.get(shown[1:-1], shown[1:-1])}>"
    return shown


def gettext(message: str) -> str:
    return TEXT.get(message, message)


def _hint_kind(kind: str) -> str:
    return {"option": "选项", "argument": "参数"}.get(kind, "参数")


# What goes after "Invalid value for X: " (Typer's choice check, pydantic's number checks).
# Patterns as text, compiled when a message is first shown (nothing to do at start-up).
_DETAILS: list[tuple[str, object]] = [
    (r"^Value error, (.*)$", lambda m: _detail(m[1])),
    (r"^(.+) is not one of (.+?)\.?$", lambda m: f"{m[1]} 不是可选的值,应为其中之一: {m[2]}"),
    (r"^Input should be a valid integer.*$", lambda m: "应为整数"),
    (r"^Input should be a valid number.*$", lambda m: "应为数字"),
    (r"^Input should be a valid boolean.*$", lambda m: "应为 true 或 false"),
    (r"^Input should be greater than or equal to (.+)$", lambda m: f"应大于或等于 {m[1]}"),
    (r"^Input should be less than or equal to (.+)$", lambda m: f"应小于或等于 {m[1]}"),
    (r"^Input should be greater than (.+)$", lambda m: f"应大于 {m[1]}"),
    (r"^Input should be less than (.+)$", lambda m: f"应小于 {m[1]}"),
    (r"^Value (.+) is not a valid (.+)\.$", lambda m: f"{m[1]} 不是有效的 {m[2]}"),
    (r"^Choose from:(.*)$", lambda m: f"可选的值:{m[1]}"),
]


def _first_match(table: list[tuple[str, object]], text: str) -> str | None:
    for pattern, make in table:
        m = re.match(pattern, text, re.S)  # re caches the compiled patterns
        if m:
            return make(m)  # type: ignore[operator]
    return None


def _detail(text: str) -> str:
    found = _first_match(_DETAILS, text)
    return text if found is None else found


def _missing(m: re.Match) -> str:
    what = _hint_kind(m["kind"])
    name = f" {m['name']}" if m["name"] else ""
    extra = f" {_detail(m['extra'])}" if m["extra"] else ""
    return f"缺少{what}{name}。{extra}"


def _no_such_command(m: re.Match) -> str:
    guess = f",是不是想输入 {m['guess']}?" if m["guess"] else "。"
    return f"没有名为 '{m['name']}' 的命令{guess}"


def _no_such_option(m: re.Match) -> str:
    guess = f",是不是想输入 {m['guess']}?" if m["guess"] else "。"
    return f"没有选项 {m['name']}{guess}"


_MESSAGES: list[tuple[str, object]] = [
    (r"^No such command '(?P<name>.*)'\.(?: Did you mean (?P<guess>.+)\?)?$", _no_such_command),
    (r"^Missing command\.$", lambda m: "缺少命令。"),
    (r"^No such option: (?P<name>\S+)(?: \(Possible options: (?P<guess>.+)\))?$", _no_such_option),
    (r"^Missing (?P<kind>option|argument|parameter)(?: (?P<name>.+?))?\.(?: (?P<extra>.*))?$", _missing),
    (r"^Missing parameter: (.+)$", lambda m: f"缺少参数 {m[1]}。"),
    (r"^Invalid value for (.+?): (.*)$", lambda m: f"{m[1]} 的值无效: {_detail(m[2])}"),
    (r"^Invalid value: (.*)$", lambda m: f"值无效: {_detail(m[1])}"),
    (r"^Got unexpected extra arguments? ?(?:\(s\))? \((.*)\)$", lambda m: f"多余的参数: {m[1]}{_time_hint(m[1])}"),
    (r"^Option (.+) requires an argument\.$", lambda m: f"选项 {m[1]} 后面需要一个值。"),
    (r"^Option (.+) requires (\d+) arguments\.$", lambda m: f"选项 {m[1]} 后面需要 {m[2]} 个值。"),
    (r"^Option (.+) does not take a value\.$", lambda m: f"选项 {m[1]} 不接受值。"),
    (r"^Argument (.+) takes (\d+) values\.$", lambda m: f"参数 {m[1]} 需要 {m[2]} 个值。"),
    (r"^Could not open file (.+?): (.*)$", lambda m: f"无法打开文件 {m[1]}: {m[2]}"),
]


def _time_hint(extra: str) -> str:
    """A time left over from an unquoted '2026-11-21 09:30': how to give date and time as one value."""
    if not re.match(r"^\d{1,2}[::时点]\d{0,2}", extra.strip()):
        return ""
    return "。日期和时间之间有空格时请加引号,例如 --at '2026-11-21 09:30',或写成 2026-11-21T09:30"


def translate(message: str) -> str:
    """One of Click's (or Typer's) English messages in Chinese; anything else unchanged."""
    found = _first_match(_MESSAGES, message)
    return message if found is None else found


def _usage_words(args: str) -> str:
    for english, chinese in USAGE_WORDS:
        args = args.replace(english, chinese)
    return args


_installed = False

COMPLETION_HELP = {
    "--install-completion": "为当前 shell(bash、zsh、fish、PowerShell)安装 Tab 补全: 命令、选项、代码值、案件编号",
    "--show-completion": "显示当前 shell 的补全脚本(可复制或自行安装)",
}


def _install_completion(typer_core) -> None:
    """Completion in Chinese: the two root options' help and their messages; the values of
    options and arguments from cli/completion.py (imported only while completing)."""
    import typer.main as typer_main

    get_arguments = typer_main.get_install_completion_arguments

    def zh_arguments():
        params = get_arguments()
        for param in params:
            param.help = COMPLETION_HELP.get(param.opts[0], param.help)
            if param.opts[0] == "--install-completion":
                param.callback = _install_callback
        return params

    typer_main.get_install_completion_arguments = zh_arguments
    shell_complete = typer_core._TyperParameter.shell_complete

    def kefu_shell_complete(self, ctx, incomplete: str):
        found = shell_complete(self, ctx, incomplete)
        if found or self._custom_shell_complete is not None:
            return found
        from .completion import complete

        return complete(self, ctx, incomplete)

    typer_core._TyperParameter.shell_complete = kefu_shell_complete


def _install_callback(ctx, param, value):
    """`kefu --install-completion [SHELL]`: Typer's installation, said in Chinese."""
    if not value or ctx.resilient_parsing:
        return value
    import sys

    from typer._completion_shared import install

    shell, path = install(shell=value) if isinstance(value, str) else install()
    print(f"已为 {shell} 安装 Tab 补全: {path}\n重新打开终端后生效。")
    sys.exit(0)


def install() -> None:
    """Put the Chinese words in place (idempotent; a few attribute assignments)."""
    global _installed
    if _installed:
        return
    _installed = True
    from typer import core as typer_core
    from typer._click import core as click_core
    from typer._click import exceptions as click_exceptions
    from typer._click import formatting as click_formatting
    from typer._click._compat import get_text_stderr
    from typer._click.utils import echo

    typer_core._ = gettext  # section titles, [required], default:, env var:, Aborted!

    display_type = typer_core._TyperParameter.display_type

    def zh_display_type(self, ctx) -> str:
        return type_word(display_type(self, ctx))

    typer_core._TyperParameter.display_type = zh_display_type

    write_usage = click_formatting.HelpFormatter.write_usage

    def zh_write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, _usage_words(args), USAGE_PREFIX if prefix is None else prefix)

    click_formatting.HelpFormatter.write_usage = zh_write_usage
    from . import help_format

    help_format.install(gettext)
    _install_completion(typer_core)

    get_help_option = click_core.Command.get_help_option

    def zh_get_help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None and option.help == "Show this message and exit.":
            option.help = HELP_LINE
        return option

    click_core.Command.get_help_option = zh_get_help_option

    def click_exception_show(self, file=None) -> None:
        echo(ERROR_PREFIX + translate(self.format_message()), file=file or get_text_stderr(), color=self.show_color)

    def usage_error_show(self, file=None) -> None:
        file = file or get_text_stderr()
        color = None
        hint = ""
        if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
            hint = f"运行 '{self.ctx.command_path} {self.ctx.help_option_names[0]}' 查看帮助。\n"
        if self.ctx is not None:
            color = self.ctx.color
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
        echo(ERROR_PREFIX + translate(self.format_message()), file=file, color=color)

    click_exceptions.ClickException.show = click_exception_show
    click_exceptions.UsageError.show = usage_error_show
