"""Questions instead of option lists: a registration (`complaint add`, `callback add`, `claim
report`, `request add`) with required values missing asks for each in turn on a terminal — a code
as numbered Chinese choices, every answer checked as it is typed with the option's own check and
asked again on a mistake, a default where there is one — then shows what will be saved and asks
确认登记? [Y/n]. Off a terminal (a pipe, cron, `--json`) nothing is asked: one sentence names every
missing required option at once (exit 2, nothing changed).

Typer marks none of these options required: the missing check is here, so all are named at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer

from ..domain.errors import InputError


@dataclass(frozen=True)
class Ask:
    """One value a registration needs: its parameter, option, Chinese name, an example, the
    option's check (text -> value, InputError on a mistake) and, for a code, its table."""

    key: str
    option: str
    zh: str
    example: str
    check: Callable[[str], Any] | None = None
    choices: dict | None = None  # a CodeTable (domain/codes.py): numbered choices
    default: str | None = None  # taken on an empty answer (shown as [默认 …])
    required: bool = True  # else an empty answer leaves it empty
    when: Callable[[dict], bool] | None = None  # asked only when this holds of the values so far


def interactive(json: bool = False) -> bool:
    """Questions may be asked: stdin and stdout are a terminal and no JSON is wanted."""
    if json:
        return False
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (ValueError, AttributeError):
        return False


def _needed(a: Ask, values: dict) -> bool:
    return a.when is None or a.when(values)


def missing_sentence(command: str, missing: list[Ask]) -> str:
    """One sentence naming every missing required option, with an example of each."""
    parts = "、".join(f"{a.option} {a.zh}({_choices(a)}例如 {a.option} {a.example})" for a in missing)
    example = " ".join(f"{a.option} {_quoted(a.example)}" for a in missing)
    return f"缺少必填项 {len(missing)} 项: {parts};请一次写全,例如 kefu {command} {example}(在终端中直接运行会逐项询问)"


def _choices(a: Ask) -> str:
    if not a.choices:
        return ""
    from ..domain.codes import label

    return "可选 " + "/".join(label(a.choices, c) for c in a.choices) + ","


def _quoted(text: str) -> str:
    return f'"{text}"' if any(c.isspace() for c in text) else text


def fill(values: dict, asks: list[Ask], *, json: bool, command: str) -> bool:
    """Fill the missing values of `values` (keyed by `Ask.key`), in place. Off a terminal, an
    InputError naming every missing required one; on a terminal, a question for each missing
    required value and, once one was asked, for the other values of `asks` not given. Returns
    whether anything was asked (then the caller shows the result and asks to confirm)."""
    missing = [a for a in asks if a.required and not values.get(a.key) and _needed(a, values)]
    if not missing:
        return False
    if not interactive(json):
        raise InputError(missing_sentence(command, missing))
    typer.echo(f"登记所需的信息(直接回车取默认值;Ctrl+D 取消): kefu {command}")
    for a in asks:
        if values.get(a.key) or not _needed(a, values):
            continue
        values[a.key] = ask(a)
    return True


def ask(a: Ask) -> Any:
    """Ask for one value until it passes the option's check; returns the text as typed (a number of
    a choice as its code), for the command to check again as it checks the option."""
    if a.choices:
        from ..domain.codes import label

        codes = list(a.choices)
        typer.echo(_choice_lines(f"{a.zh} 可选", [f"{i}) {label(a.choices, c)}" for i, c in enumerate(codes, 1)]))
    while True:
        hint = f"[默认 {_shown(a, a.default)}]" if a.default else ("" if a.required else "[可不填]")
        text = _read(f"{a.zh}{hint}: ").strip()
        if not text:
            if a.default:
                text = a.default
            elif not a.required:
                return ""
            else:
                typer.echo(f"  {a.zh} 必须填写,例如 {a.example}", err=True)
                continue
        if a.choices and text.isdigit() and 1 <= int(text) <= len(a.choices):
            text = list(a.choices)[int(text) - 1]
        try:
            if a.check:
                a.check(text)
        except InputError as exc:
            typer.echo(f"  {exc}", err=True)
            continue
        return text


def _shown(a: Ask, value: str) -> str:
    if a.choices:
        from ..domain.codes import label

        return label(a.choices, value)
    return value


def _read(prompt: str) -> str:
    try:
        return input(prompt)
    except (EOFError, KeyboardInterrupt):
        typer.echo("", err=True)
        cancel()


def cancel() -> None:
    from ..render.output import message

    message("已取消,未登记任何内容。")
    raise typer.Exit(1)


def confirm(question: str, default: bool) -> bool:
    """A yes/no question: [Y/n] or [y/N]; an empty answer is the default."""
    while True:
        text = _read(f"{question} {'[Y/n]' if default else '[y/N]'} ").strip().lower()
        if not text:
            return default
        if text in ("y", "yes", "是", "好", "确认", "1"):
            return True
        if text in ("n", "no", "否", "不", "取消", "0"):
            return False
        typer.echo("  请回答 y(是)或 n(否)", err=True)


def review(title: str, lines: list[tuple[str, str]]) -> None:
    """Show what will be saved and ask 确认登记? [Y/n]; no ends the command (nothing written)."""
    typer.echo(title)
    for name, value in lines:
        if value:
            typer.echo(f"  {name}: {value}")
    if not confirm("确认登记?", True):
        cancel()


def still_register(text: str) -> None:
    """A likely duplicate, told before anything is written: 仍要登记? [y/N]; no ends the command."""
    from ..render.output import message

    message(text, style="yellow")
    if not confirm("仍要登记?", False):
        cancel()


def default_branch(branch: str | None) -> str | None:
    """--branch, else the per-user setting (`kefu config set branch 朝阳支公司`)."""
    if branch:
        return branch
    from .. import userconfig

    return userconfig.get("branch") or branch


def _choice_lines(head: str, items: list[str]) -> str:
    """The numbered choices on as many lines as the terminal's width needs, never splitting one
    choice (display width: a Chinese character takes two columns)."""
    import shutil

    from wcwidth import wcswidth

    width = max(shutil.get_terminal_size((80, 24)).columns, 20)
    lines, line = [], head
    for item in items:
        if wcswidth(line) + 2 + wcswidth(item) > width and line.strip():
            lines.append(line)
            line = "  " + item
        else:
            line = f"{line}  {item}"
    return "\n".join([*lines, line])
