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


# The other tables `db verify` rebuilds from the events, as its report names them.
VERIFIED_TABLES = (
    ("callback_attempt", "回访记录", "条"),
    ("callback_followup", "问题跟进", "条"),
    ("branch", "机构", "个"),
    ("handler", "经办人", "人"),
    ("calendar_override", "日历调整", "天"),
    ("calendar_notice", "导入的整年安排", "年"),
    ("policy_setting", "时限设置", "项"),
    ("counter", "编号计数", "个"),
)


@app.command("verify")
def verify(json: JsonOpt = False) -> None:
    """核验审计记录: 检查哈希链是否完整,并用每个案件的办理历史重建其当前状态、期限与分配,与库中记录逐一比对。

    全部相符时退出码 0,并输出链头哈希(chain head: 最新一条审计事件的哈希,代表此前的全部历史;
    把它记在每天的报表里,以后任何改动都会使它对不上)。发现问题时列出第一处被改动的事件或案件,退出码 1。
    """
    from ..services.verify import verify as do_verify

    result = do_verify(state.db)
    if json:
        from ..render.output import print_json

        print_json(result)
    else:
        from ..render.output import print_lines

        ch = result["chain"]
        checked = result["checked"]
        lines = [
            f"数据库: {result['database']}",
            f"审计事件: {ch['events']} 条,哈希链" + ("完整" if ch["intact"] else "已断开"),
            f"已核对: 投诉 {checked['complaint']} 件、回访 {checked['callback']} 件、期限 {checked['deadline']} 条"
            + (f"、理赔报案 {checked['claim']} 件、保全请求 {checked['service_request']} 件、登记簿保单 "
               f"{checked['policy_record']} 张" if "claim" in checked else ""),  # fmt: skip
        ]
        more = [f"{zh} {checked[key]} {unit}" for key, zh, unit in VERIFIED_TABLES if key in checked]
        if more:
            lines.append("另核对: " + "、".join(more))
        if result["ok"]:
            lines += ["核验通过: 所有记录都与其审计历史相符。", f"链头: #{ch['head_event_id']} {ch['head']}"]
        else:
            lines += [f"发现 {result['problem_count']} 处问题,第一处: {result['problems'][0]}"]
            lines += [f"  - {p}" for p in result["problems"][1:]]
        print_lines(lines)
    if not result["ok"]:
        raise typer.Exit(1)
