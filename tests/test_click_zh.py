"""Click's own messages in Chinese (cli/zh_click.py): usage errors, the usage line, the "-h"
hint, the "错误:" prefix, help headings — with Click's exit codes (a usage error is exit 2)."""

from __future__ import annotations

import enum
import re
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from kefu_cli.cli import zh_click
from kefu_cli.cli.app import app

ENGLISH = re.compile(r"Usage:|Error:|Try '|for help|Missing |No such|Invalid value|Options:|Commands:|Arguments:|Show this")


def run(*args: str):
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_unknown_command_with_a_suggestion(tmp_path):
    code, out, err = run("--db", str(tmp_path / "x.sqlite"), "complant")
    assert code == 2 and out == ""
    assert "用法: kefu [选项] 命令 [参数]..." in err
    assert "运行 'kefu -h' 查看帮助。" in err
    assert "错误: 没有名为 'complant' 的命令,是不是想输入 'complaint'?" in err
    assert not ENGLISH.search(err)


def test_unknown_subcommand_of_a_group():
    code, _, err = run("workday", "ad")
    assert code == 2
    assert "错误: 没有名为 'ad' 的命令,是不是想输入 'add'?" in err
    assert "运行 'kefu workday -h' 查看帮助。" in err
    assert not ENGLISH.search(err)


def test_missing_option_and_missing_argument():
    code, _, err = run("complaint", "pause", "TS-20261121-0007")
    assert code == 2
    assert re.search(r"错误: 缺少选项 '--\w+'。", err)
    assert "用法: kefu complaint pause [选项]" in err
    assert not ENGLISH.search(err)
    code, _, err = run("workday", "add")
    assert code == 2 and "错误: 缺少参数 '起算日'。" in err
    assert not ENGLISH.search(err)


def test_unknown_option_and_option_without_its_value():
    code, _, err = run("complaint", "list", "--bogus")
    assert code == 2 and "错误: 没有选项 --bogus" in err
    assert not ENGLISH.search(err)
    code, _, err = run("complaint", "list", "--limit")
    assert code == 2 and "错误: 选项 '--limit' 后面需要一个值。" in err


def test_bad_value_of_a_typed_option():
    code, _, err = run("search", "张", "--limit", "0")  # the range is the command's own sentence
    assert code == 2 and "错误: --limit 应为 1 到 200 之间的整数" in err
    code, _, err = run("search", "张", "--limit", "many")
    assert code == 2 and "错误: '--limit' 的值无效: 应为整数" in err
    assert not ENGLISH.search(err)


class Colour(enum.StrEnum):
    red = "red"
    blue = "blue"


def test_bad_choice():
    """No kefu command takes a Click choice today (codes are parsed with their Chinese labels);
    a choice option of any Typer command still says so in Chinese, exit 2."""
    zh_click.install()
    demo = typer.Typer(rich_markup_mode=None)  # as kefu's apps: plain Click errors

    @demo.command()
    def paint(colour: Annotated[Colour, typer.Option("--colour")] = Colour.red) -> None:
        print(colour.value)

    @demo.command()
    def other() -> None:
        pass

    r = CliRunner().invoke(demo, ["paint", "--colour", "green"])
    assert r.exit_code == 2
    assert "错误: '--colour' 的值无效: 'green' 不是可选的值,应为其中之一: 'red', 'blue'" in r.stderr
    assert not ENGLISH.search(r.stderr)


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        (("--help",), ["用法: kefu [选项] 命令 [参数]...", "选项:", "命令:"]),
        (("workday", "--help"), ["用法: kefu workday [选项] 命令 [参数]...", "选项:", "命令:"]),
        (("workday", "add", "-h"), ["用法: kefu workday add [选项] {起算日} {N}", "参数:", "选项:", "[必填]"]),
        (("report", "deadlines", "--help"), ["用法: kefu report deadlines [选项]", "选项:", "--as-of <文本>"]),
        (("workday", "count", "-h"), ["参数:", "<文本>"]),
    ],
)
def test_help_headings_are_chinese(args, titles):
    code, out, _ = run(*args)
    assert code == 0
    for title in titles:
        assert title in out
    assert "-h, --help" in out and "显示本帮助并退出" in out
    assert not ENGLISH.search(out)
    assert "<str>" not in out and "<int>" not in out  # the value placeholders too: <文本>, <整数>
    assert "[环境变量: KEFU_DB]" in re.sub(r"\s+", " ", run("--help")[1])  # however the line wraps


def test_no_arguments_shows_the_help_with_exit_2():
    code, out, err = run()
    assert code == 2
    assert "命令:" in out + err and not ENGLISH.search(out + err)


def test_the_translation_table():
    t = zh_click.translate
    assert t("No such command 'x'.") == "没有名为 'x' 的命令。"
    assert t("No such command 'x'. Did you mean 'xy'?") == "没有名为 'x' 的命令,是不是想输入 'xy'?"
    assert t("No such option: --a (Possible options: --ab, --ac)") == "没有选项 --a,是不是想输入 --ab, --ac?"
    assert t("Missing option '--name'.") == "缺少选项 '--name'。"
    assert t("Missing argument 'FILE'.") == "缺少参数 'FILE'。"
    assert t("Missing command.") == "缺少命令。"
    assert t("Got unexpected extra argument(s) (a b)") == "多余的参数: a b"
    assert t("Option '--x' requires 2 arguments.") == "选项 '--x' 后面需要 2 个值。"
    assert t("Option '--x' does not take a value.") == "选项 '--x' 不接受值。"
    assert t("Invalid value for '--n': Input should be less than or equal to 9") == "'--n' 的值无效: 应小于或等于 9"
    assert t("something kefu said itself") == "something kefu said itself"


def test_the_value_placeholders_in_chinese():
    assert zh_click.type_word("<str>") == "<文本>"
    assert zh_click.type_word("<int>") == "<整数>"
    assert zh_click.type_word("<a|b>") == "<a|b>"  # choices are the codes themselves


def test_help_columns_line_up_after_chinese_placeholders():
    """A Chinese character takes two columns: the help text of every option starts in one column."""
    code, out, _ = run("report", "deadlines", "--help")
    assert code == 0
    starts = set()
    for line in out.split("选项:")[1].splitlines():
        m = re.match(r"^  (-\S.*?)  +(\S)", line)
        if m:
            starts.add(zh_click.display_width(line[: m.start(2)]))
    assert len(starts) == 1, starts
