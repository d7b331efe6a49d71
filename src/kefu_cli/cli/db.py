"""`kefu db …`: create, check and back up the database."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import JsonOpt, state

app = typer.Typer(help="数据库: 初始化/升级、检查、备份。", no_args_is_help=True)


@app.command("init")
def init(json: JsonOpt = False) -> None:
    """创建数据库,或把旧版本的数据库就地升级(升级前自动备份)。"""
    from ..services.database import init as do_init

    result = do_init(state.db)
    if json:
        from ..render.output import print_json

        print_json(result)
        return
    from ..render.output import print_lines

    if result["schema_before"] is None:
        print_lines([f"已创建数据库 {result['database']}(结构版本 {result['schema']})"])
    elif result["schema_before"] != result["schema"]:
        print_lines([f"已将数据库 {result['database']} 从版本 {result['schema_before']} 升级到 {result['schema']}"])
    else:
        print_lines([f"数据库 {result['database']} 已是最新(结构版本 {result['schema']})"])


@app.command("check")
def check(json: JsonOpt = False) -> None:
    """检查数据库完整性与结构版本;有问题时退出码为 3。"""
    from ..services.database import check as do_check

    result = do_check(state.db)
    if json:
        from ..render.output import print_json

        print_json(result)
    else:
        from ..render.output import print_lines

        lines = [
            f"数据库: {result['database']}",
            f"结构版本: {result['schema']}(需要 {result['schema_expected']})",
            f"完整性: {result['integrity']}",
            f"日志模式: {result['journal_mode']}",
        ]
        lines += [f"{k}: {v} 行" for k, v in result["rows"].items()]
        lines += [f"问题: {p}" for p in result["problems"]] or ["检查通过。"]
        print_lines(lines)
    if not result["ok"]:
        raise typer.Exit(3)


@app.command("backup")
def backup(
    dest: Annotated[str, typer.Argument(help="备份文件路径(或目录),例如 D:/备份/kefu-20261121.sqlite")],
    json: JsonOpt = False,
) -> None:
    """在线备份 SQLite 数据库(其他人同时写入时也能得到一致的副本)。"""
    from ..services.database import backup as do_backup

    result = do_backup(state.db, dest)
    if json:
        from ..render.output import print_json

        print_json(result)
        return
    from ..render.output import print_lines

    print_lines([f"已备份到 {result['backup']}({result['bytes']} 字节)"])
