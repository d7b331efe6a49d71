"""The `kefu` command: root options and the command groups."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from .. import __version__
from .common import KefuGroup, state

app = typer.Typer(
    cls=KefuGroup,
    name="kefu",
    help="kefu 客服: 投诉登记与受理、客户回访、按中国工作日计算的时限与报表。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# (command name, module with a Typer `app`): each group lives in its own module.
GROUPS = [
    ("complaint", "kefu_cli.cli.complaint"),
    ("callback", "kefu_cli.cli.callback"),
    ("report", "kefu_cli.cli.report"),
    ("import", "kefu_cli.cli.imports"),
    ("export", "kefu_cli.cli.export"),
    ("workday", "kefu_cli.cli.workday"),
    ("policy", "kefu_cli.cli.policy"),
    ("db", "kefu_cli.cli.db"),
]
for _name, _module in GROUPS:
    _group = importlib.import_module(_module).app
    if _name in ("complaint", "callback"):  # the steps every case type shares
        importlib.import_module("kefu_cli.cli.casework").add_to(_group, _name)
    app.add_typer(_group, name=_name)
app.command("demo")(importlib.import_module("kefu_cli.cli.demo").demo)
app.command("search")(importlib.import_module("kefu_cli.cli.search").search)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kefu {__version__}")
        raise typer.Exit()


def _use_database(ctx: typer.Context, db: str | None) -> None:
    """Remember the database for the commands, and protect its file from every output."""
    from sqlalchemy.exc import ArgumentError

    from ..io.files import protect
    from ..store import db as store_db

    state.db = db
    source = ctx.get_parameter_source("db")
    try:
        url = store_db.resolve_url(db)
        path = store_db.sqlite_path(url)
    except ArgumentError:  # a malformed URL: reported when the database is opened
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
            "--db", envvar="KEFU_DB", help="数据库文件路径或 SQLAlchemy URL(默认: 用户数据目录下的 kefu.sqlite)"
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本")] = False,
) -> None:
    _use_database(ctx, db)


def main() -> None:
    from ..render.output import _prepare_streams

    _prepare_streams()
    app()
