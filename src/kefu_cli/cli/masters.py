"""`kefu branch …` and `kefu handler …`: the master lists (services/masters.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, BranchOpt, ClerkOpt, JsonOpt, NewBranchOpt, at_value, state

branch_app = typer.Typer(help="机构名单: 新增、列出机构(名称、地址、客服电话)", no_args_is_help=True)
handler_app = typer.Typer(help="经办人名单: 新增、列出、停用经办人", no_args_is_help=True)


def _out(data: dict, json: bool, lines: list[str]) -> None:
    from ..render.output import print_json, print_lines

    print_json(data) if json else print_lines(lines)


@branch_app.command("add")
def branch_add(
    name: Annotated[str, typer.Argument(help="机构名称(案件中使用的简称),例如 朝阳支公司")],
    full_name: Annotated[str, typer.Option("--full-name", help="全称(告知书抬头),例如 XX人寿保险股份有限公司北京朝阳支公司")] = "",
    address: Annotated[str, typer.Option("--address", help="地址,例如 北京市朝阳区建国路 88 号")] = "",
    phone: Annotated[str, typer.Option("--phone", help="客服电话,例如 010-95500 或 4008-123-456")] = "",
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """新增机构;已有的机构则更新所给的全称、地址、电话(记入审计)。"""
    from ..services.masters import add_branch

    r = add_branch(state.db, name, full_name, address, phone, clerk=clerk, at=at_value(at))
    if r["created"]:
        line = f"已新增机构 {r['name']}"
    elif r.get("changed"):
        line = f"已更新机构 {r['name']}: " + "、".join(f"{k}={v}" for k, v in r["changed"].items())
    else:
        line = f"机构 {r['name']} 已在名单中,没有变化"
    _out(r, json, [line])


@branch_app.command("list")
def branch_list(json: JsonOpt = False) -> None:
    """列出机构名单。"""
    from ..services.masters import list_branches

    rows = list_branches(state.db)
    if json:
        from ..render.output import print_json

        print_json({"branches": rows})
        return
    from ..render.output import print_lines, print_table

    if not rows:
        print_lines(["机构名单为空(尚未建立名单时不检查机构名称)。用 `kefu branch add 朝阳支公司` 新增。"])
        return
    print_table(
        f"机构名单({len(rows)} 个)",
        ["机构", "全称", "地址", "客服电话", "状态"],
        [[r["name"], r["full_name"] or "-", r["address"] or "-", r["phone"] or "-", "在用" if r["active"] else "停用"]
         for r in rows],
    )


@handler_app.command("add")
def handler_add(
    name: Annotated[str, typer.Argument(help="经办人姓名,例如 李娜")],
    branch: BranchOpt = "",
    new_branch: NewBranchOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """新增经办人(已停用的经办人再次加入则恢复在岗)。"""
    from ..services.masters import add_handler

    r = add_handler(state.db, name, branch, clerk=clerk, at=at_value(at), new_branch=new_branch)
    line = f"已新增经办人 {r['name']}" if r["created"] else f"经办人 {r['name']} 在岗"
    _out(r, json, [line + (f"({r['branch']})" if r["branch"] else "")])


@handler_app.command("list")
def handler_list(
    branch: BranchOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="包括已停用的经办人")] = False,
    json: JsonOpt = False,
) -> None:
    """列出经办人名单(默认只列在岗的)。"""
    from ..services.master_read import quick_handlers

    rows = quick_handlers(state.db, branch=branch, include_retired=all_)  # plain sqlite3: no ORM start-up
    if rows is None:
        from ..services.masters import list_handlers

        rows = list_handlers(state.db, branch=branch, include_retired=all_)
    if json:
        from ..render.output import print_json

        print_json({"handlers": rows})
        return
    from ..render.output import print_lines, print_table

    if not rows:
        print_lines(["经办人名单为空(尚未建立名单时不检查经办人)。用 `kefu handler add 李娜 --branch 朝阳支公司` 新增。"])
        return
    print_table(
        f"经办人名单({len(rows)} 人)",
        ["经办人", "机构", "状态", "加入时间"],
        [[r["name"], r["branch"] or "-", "在岗" if r["active"] else "已停用", f"{r['created_at']:%Y-%m-%d}"] for r in rows],
    )


@handler_app.command("retire")
def handler_retire(
    name: Annotated[str, typer.Argument(help="经办人姓名,例如 李娜")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """停用经办人(离职、调岗): 保留在历史记录中,不能再接新案;手上未结的案件请用 assign 改派。"""
    from ..services.masters import retire_handler

    r = retire_handler(state.db, name, clerk=clerk, at=at_value(at))
    line = f"已停用经办人 {r['name']}"
    if r["open_complaints"]:
        line += f";其名下还有 {r['open_complaints']} 件未办结的投诉,请用 `kefu complaint assign` 改派"
    _out(r, json, [line])
