"""The `kefu` command: root options and the command groups.

Start-up time matters (a clerk runs one command at a time; `kefu workday add` must answer in
well under half a second), so nothing is imported before it is needed: a command group's
module is imported only when one of its commands runs or its own help is shown, and
`kefu --help` lists the groups from the table below without importing any of them. The
database stack (SQLAlchemy/SQLModel) is imported only by commands that open a database.
"""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from . import zh_click
from .common import KefuGroup, state

zh_click.install()

# (command name, module, attribute: a Typer app or a command function, help line of `kefu --help`).
# A new command group is one line here; tests/test_latency_imports.py checks every help line
# against the module's own help, and that listing the help imports none of these modules.
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("demo", "kefu_cli.cli.demo", "demo", "用 sample_data/ 建一个全新的演示数据库,然后打印时限报表。"),
    (
        "search",
        "kefu_cli.cli.search",
        "search",
        "查找案件(投诉、回访、理赔报案、保全请求)与保单: 最新的在前,显示状态与下一个期限。电话号码中的全角数字、空格和连字符会被忽略。",
    ),
    (
        "today",
        "kefu_cli.cli.today",
        "today",
        "今日待办: 我(操作人,或 --handler 指定的经办人)的已逾期、今日到期、即将到期事项,每项附办理命令。",
    ),
    ("complaint", "kefu_cli.cli.complaint", "app", "投诉: 登记、补充材料、受理/不予受理/转办/合并、延期、中止、处理决定、撤回、重大投诉。"),
    ("callback", "kefu_cli.cli.callback", "app", "客户回访: 安排、记录每次回访、问题跟进与考核指标。"),
    ("claim", "kefu_cli.cli.claim", "app", "理赔报案: 登记报案、重大案件上报、索赔材料清单、移交与结案回访"),
    ("request", "kefu_cli.cli.request", "app", "保全请求: 退保、批改(批单)的登记与办结"),
    (
        "policy-register",
        "kefu_cli.cli.policy_register",
        "app",
        "保单登记簿: 登记、查看保单(投保人、被保险人及证件号码、保险期间、保额、险种类型),供理赔报案核对",
    ),
    ("report", "kefu_cli.cli.report", "app", "报表: 时限报表(逾期/今日到期/即将到期)与投诉处理分析。"),
    ("import", "kefu_cli.cli.imports", "app", "从 Excel(.xlsx/.xls)、LibreOffice(.ods)或 CSV 文件批量导入(CSV 的 UTF-8/带 BOM/GB18030 均可): 投诉、新契约保单、回访、理赔报案、保全请求。"),
    ("export", "kefu_cli.cli.export", "app", "导出 Excel(.xlsx,按扩展名)或 CSV(默认 UTF-8 带 BOM;也可 GB18030): 投诉、回访、理赔报案、保全请求、期限。"),
    ("workday", "kefu_cli.cli.workday", "app", "工作日日历: 推算期限、查询日期、导入节假日安排。"),
    ("policy", "kefu_cli.cli.policy", "app", "时限与考核指标的规则表(管理员可修改)。"),
    ("db", "kefu_cli.cli.db", "app", "数据库: 初始化/升级、检查、备份。"),
    (
        "config",
        "kefu_cli.cli.config",
        "app",
        "个人设置: 操作人(clerk)、机构(branch)、数据库(db),作为 --clerk、--branch、--db 的默认值。",
    ),
    ("whoami", "kefu_cli.cli.config", "whoami", "我是谁: 当前的操作人(记入每一步)及其来源、机构、数据库。"),
    ("branch", "kefu_cli.cli.masters", "branch_app", "机构名单: 新增、列出机构(名称、地址、客服电话)"),
    ("handler", "kefu_cli.cli.masters", "handler_app", "经办人名单: 新增、列出、停用经办人"),
    (
        "notice",
        "kefu_cli.cli.notice",
        "app",
        "告知书: 按模板生成补正、受理、不予受理、转办、延期、中止、处理决定、复核决定、监管报告告知书并登记发出",
    ),
)


class RootGroup(KefuGroup):
    lazy = COMMANDS


app = typer.Typer(
    cls=RootGroup,
    name="kefu",
    help="kefu 客服: 投诉登记与受理、客户回访、按中国工作日计算的时限与报表。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kefu {__version__}")
        raise typer.Exit()


def _use_database(ctx: typer.Context, db: str | None) -> None:
    """Remember the database for the commands, and protect its file from every output.
    A file path needs no SQLAlchemy here; a URL is parsed by it."""
    from ..io.files import protect
    from ..store import db as store_db

    state.db = db
    source = ctx.get_parameter_source("db")
    try:
        url = store_db.resolve_url(db)
        path = store_db.sqlite_path(url)
    except Exception as exc:  # a malformed URL (sqlalchemy ArgumentError): reported when the database is opened
        if type(exc).__name__ != "ArgumentError":
            raise
        return
    if db and source is not None:
        store_db.note_origin(url, "KEFU_DB" if source.name == "ENVIRONMENT" else "--db")
    if path is not None:
        protect(path)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="KEFU_DB",
            help="数据库文件路径或 SQLAlchemy URL(默认: 个人设置 db,否则用户数据目录下的 kefu.sqlite)",
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本")] = False,
) -> None:
    _use_database(ctx, db)


def main() -> None:
    import gc

    # One command per process: importing the database stack makes some 70,000 objects that live
    # until exit, and the collector's default pace (a pass every 700 allocations, the old ones
    # scanned again and again) spends ~10% of a command's time on them. Young objects are still
    # collected, every 50,000 allocations; nothing else changes.
    gc.set_threshold(50_000, 20, 20)
    from ..render.output import _prepare_streams

    _prepare_streams()
    app()
