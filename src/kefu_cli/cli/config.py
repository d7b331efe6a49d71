"""`kefu config …` and `kefu whoami`: the per-user settings (who is typing, their branch, their
database; kefu_cli/userconfig.py) and what a command would use now."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from .common import JsonOpt, state

app = typer.Typer(
    help="个人设置: 操作人(clerk)、机构(branch)、数据库(db),作为 --clerk、--branch、--db 的默认值。",
    no_args_is_help=True,
)

KeyArg = Annotated[str, typer.Argument(help="设置项: clerk 操作人、branch 机构、db 数据库")]

# Where a value came from, as whoami says it.
SOURCE_ZH = {
    "--clerk": "--clerk 参数",
    "--db": "--db 参数",
    "KEFU_CLERK": "环境变量 KEFU_CLERK",
    "KEFU_DB": "环境变量 KEFU_DB",
    "config": "个人设置",
    "os": "系统用户名",
    "default": "默认位置",
    "none": "未设置",
}


def _key(key: str) -> str:
    from .. import userconfig
    from ..domain.errors import InputError

    aliases = {zh: k for k, (zh, _, _) in userconfig.KEYS.items()}
    k = aliases.get(key.strip(), key.strip().lower())
    if k not in userconfig.KEYS:
        known = "、".join(f"{k} {zh}" for k, (zh, _, _) in userconfig.KEYS.items())
        raise InputError(f"没有设置项 {key}: 可设置 {known},例如 kefu config set clerk 李娜")
    return k


def _value(key: str, value: str) -> str:
    from .. import userconfig
    from ..domain.text import CLERK_MAX, SHORT_MAX, clean_text

    zh, example, _ = userconfig.KEYS[key]
    if key == "db":
        text = clean_text(value, "数据库", 4096, example=example)
        if "://" in text:
            return text
        from pathlib import Path

        return str(Path(text).expanduser().resolve())  # a relative path means the same from any folder
    return clean_text(value, zh, CLERK_MAX if key == "clerk" else SHORT_MAX, example=example)


@app.command("set")
def set_(key: KeyArg, value: Annotated[str, typer.Argument(help="值,例如 李娜")], json: JsonOpt = False) -> None:
    """保存一项个人设置,例如 kefu config set clerk 李娜。"""
    from .. import userconfig

    k = _key(key)
    v = _value(k, value)
    path = userconfig.write({**userconfig.read(), k: v})
    if json:
        from ..render.output import print_json

        print_json({"key": k, "value": v, "file": str(path)})
        return
    from ..render.output import message, print_lines

    print_lines([f"已保存: {userconfig.KEYS[k][0]}({k}) = {v}  ({path})"])
    if k == "db" and "://" not in v and not os.path.exists(v):
        message(f"注意: 数据库文件 {v} 尚不存在,请先用 kefu db init 创建。", style="yellow")


@app.command("get")
def get(key: KeyArg) -> None:
    """打印一项个人设置的值(未设置时不打印,退出码 1)。"""
    from .. import userconfig

    value = userconfig.get(_key(key))
    if value is None:
        raise typer.Exit(1)
    typer.echo(value)


@app.command("unset")
def unset(key: KeyArg) -> None:
    """删除一项个人设置(恢复默认)。"""
    from .. import userconfig
    from ..render.output import print_lines

    k = _key(key)
    values = userconfig.read()
    if values.pop(k, None) is None:
        print_lines([f"{userconfig.KEYS[k][0]}({k}) 本来就未设置。"])
        return
    userconfig.write(values)
    print_lines([f"已删除设置: {userconfig.KEYS[k][0]}({k})"])


@app.command("list")
def list_(json: JsonOpt = False) -> None:
    """列出全部个人设置与设置文件的位置。"""
    from .. import userconfig

    values = userconfig.read()
    if json:
        from ..render.output import print_json

        print_json({"file": str(userconfig.config_path()), "settings": values})
        return
    from ..render.output import print_lines

    lines = [f"设置文件: {userconfig.config_path()}"]
    for k, (zh, _, what) in userconfig.KEYS.items():
        lines.append(f"  {k} {zh}: {values.get(k, '(未设置)')}  — {what}")
    print_lines(lines)


def whoami(json: JsonOpt = False) -> None:
    """我是谁: 当前的操作人(记入每一步)及其来源、机构、数据库。"""
    from .. import userconfig
    from ..store import db as store_db
    from ..userconfig import clerk_and_source

    clerk, clerk_source = clerk_and_source()
    branch = userconfig.get("branch")
    url = store_db.resolve_url(state.db)
    if state.db:
        db_source = "KEFU_DB" if os.environ.get("KEFU_DB") == state.db else "--db"
    elif os.environ.get("KEFU_DB"):
        db_source = "KEFU_DB"
    else:
        db_source = "config" if userconfig.get("db") else "default"
    path = store_db.sqlite_path(url)
    import re

    database = str(path) if path is not None else re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)  # no password
    if json:
        from ..render.output import print_json

        print_json({
            "clerk": clerk, "clerk_source": clerk_source, "branch": branch, "database": database,
            "database_source": db_source, "config_file": str(userconfig.config_path()),
        })  # fmt: skip
        return
    from ..render.output import print_lines

    missing = "" if path is None or path.exists() else "(文件尚不存在)"
    print_lines([
        f"操作人: {clerk}(来源: {SOURCE_ZH[clerk_source]})",
        f"机构: {branch}(来源: 个人设置)" if branch else "机构: 未设置(kefu config set branch 朝阳支公司)",
        f"数据库: {database}{missing}(来源: {SOURCE_ZH[db_source]})",
    ])  # fmt: skip
