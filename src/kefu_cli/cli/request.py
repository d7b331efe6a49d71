"""`kefu request …`: surrender (退保) and endorsement (批改/批单) requests."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    LIST_LIMIT_MAX,
    AllOpt,
    AtOpt,
    BranchOpt,
    ClerkOpt,
    CsvOpt,
    FromOpt,
    HandlerOpt,
    JsonOpt,
    LimitOpt,
    NameFilterOpt,
    NewBranchOpt,
    NewHandlerOpt,
    NoPagerOpt,
    PolicyBranchOpt,
    PolicyFilterOpt,
    PolicyOpt,
    ToOpt,
    UnmaskOpt,
    at_value,
    audit_unmask,
    case_id_arg,
    date_value,
    int_value,
    one_output,
    received_and_at,
    state,
)
from .labels import after_sales_label, mask_after_sales

app = typer.Typer(
    help="保全请求: 退保、批改(批单)的登记与办结\n\n"
    "客户通过电话、上门、传真、信函提请退保或批改: 记录保单(登记簿中有的自动带出险种、被保险人)、"
    "退保原因(用于 report stats 统计)或批改内容,并提醒客户准备相关资料;办结时用 close 登记结果。",
    no_args_is_help=True,
)

IdArg = case_id_arg("request")


def _print(data: dict, json: bool, headline: list[str], unmask: bool = False, command: str = "", clerk=None) -> None:
    if unmask:
        audit_unmask(command, 1, data.get("id"), clerk=clerk)
    data = data if unmask else mask_after_sales(data)
    from ..render.output import message

    if json:
        from ..render.output import print_json

        print_json(data)
    else:
        from ..render.output import print_lines

        print_lines([*headline, *_summary(data)])
    for w in data.get("warnings") or []:  # on stderr, with --json too
        message(f"提示: {w}", style="yellow")


def _summary(d: dict) -> list[str]:
    lines = [
        f"{after_sales_label('REQUEST_TYPES', d['type'])} {d['id']}  状态: {after_sales_label('REQUEST_STATUSES', d['status'])}"
        f"  接收: {d['received_at']:%Y-%m-%d %H:%M}({after_sales_label('CLAIM_CHANNELS', d['channel'])})",
        f"保单: {d['policy_no']} {d['product'] or ''}  投保人: {d['holder'] or '-'}  被保险人: {d['insured_name'] or '-'}",
        f"客户: {d['name']}({_relation(d['relation'])}) {d['phone']}  机构: {d['branch'] or '-'}  经办人: {d['handler'] or '-'}",
    ]
    if d["reason"]:
        lines.append(
            f"退保原因: {after_sales_label('SURRENDER_REASONS', d['reason'])}"
            + (f"({d['reason_note']})" if d["reason_note"] else "")
        )
    elif d["reason_note"]:
        lines.append(f"说明: {d['reason_note']}")
    if d["content"]:
        lines.append(f"批改内容: {d['content']}")
    if d["closed_at"]:
        lines.append(f"办结: {d['closed_at']:%Y-%m-%d %H:%M}" + (f" {d['close_note']}" if d["close_note"] else ""))
    elif not d.get("voided_at"):
        lines.append("请提醒客户准备以下资料(至保险公司办理):")
        lines += [f"  {i + 1}. {x}" for i, x in enumerate(d["documents"])]
    if d.get("voided_at"):
        lines.append(f"已作废: {d['voided_at']:%Y-%m-%d %H:%M},原因: {d['void_reason']}")
    return lines


def _relation(code: str) -> str:
    from ..domain.codes import RELATIONS, label

    return label(RELATIONS, code)


@app.command("add")
def add(
    type: Annotated[str | None, typer.Option("--type", help="请求类型: surrender 退保、endorsement 批改(批单)")] = None,
    policy: PolicyOpt = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="退保原因(退保必填): hardship 经济困难、product 对产品不满意、mis_selling 销售误导、"
            "service 服务不满意、other 其他",
        ),
    ] = None,
    reason_note: Annotated[str | None, typer.Option("--reason-note", help="退保原因的具体说明")] = None,
    content: Annotated[str | None, typer.Option("--content", help="批改内容(批改必填),例如 变更联系地址")] = None,
    channel: Annotated[
        str, typer.Option("--channel", help="提请方式: phone 电话、visit 上门、fax 传真、letter 信函")
    ] = "phone",
    name: Annotated[str | None, typer.Option("--name", help="提出请求的客户姓名(默认登记簿中的投保人)")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="客户联系电话(默认登记簿中投保人的电话)")] = None,
    relation: Annotated[
        str,
        typer.Option(
            "--relation", help="与投保人关系: self 本人、agent 受托人、guardian 法定代理人、heir 继承人、other 其他"
        ),
    ] = "self",
    received: Annotated[str | None, typer.Option("--received", help="收到请求的时间,默认现在")] = None,
    branch: PolicyBranchOpt = "",
    handler: HandlerOpt = "",
    new_handler: NewHandlerOpt = False,
    new_branch: NewBranchOpt = False,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
    unmask: UnmaskOpt = False,
) -> None:
    """登记一项退保或批改请求: 记录保单与原因(或批改内容),列出须提醒客户准备的资料。在终端中缺少必填项时逐项询问。"""
    from .guided_cases import guide

    g = guide("request add", locals())
    type, policy, reason, content, branch = g["type"], g["policy"], g["reason"], g["content"], g["branch"]
    from ..services import requests

    received_dt, at_dt = received_and_at(received, at)
    data = requests.add(
        state.db, clerk=clerk, at=at_dt, type=type, policy_no=policy, channel=channel, name=name, phone=phone,
        relation=relation, reason=reason, reason_note=reason_note, content=content, received=received_dt or at_dt,
        branch=branch, handler=handler, new_branch=new_branch, new_handler=new_handler,
    )  # fmt: skip
    _print(
        data,
        json,
        [f"已登记{after_sales_label('REQUEST_TYPES', data['type'])}请求 {data['id']}"],
        unmask,
        "request add",
        clerk,
    )


@app.command("close")
def close(
    request_id: IdArg,
    result: Annotated[
        str, typer.Option("--result", help="办结结果: completed 已办结、referred 已转保险公司办理、withdrawn 客户撤回")
    ] = "completed",
    note: Annotated[str | None, typer.Option("--note", help="办结说明,例如 已指引客户至保险公司柜面办理")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """办结一项保全请求。"""
    from ..services import requests

    data = requests.close(state.db, request_id, result=result, note=note, clerk=clerk, at=at_value(at))
    _print(data, json, [f"保全请求 {data['id']} 已办结: {after_sales_label('REQUEST_STATUSES', data['status'])}"])


@app.command("show")
def show(request_id: IdArg, json: JsonOpt = False, unmask: UnmaskOpt = False) -> None:
    """显示一项保全请求及其办理记录。"""
    from ..services import requests

    data = requests.show(state.db, request_id)
    if unmask:
        audit_unmask("request show", 1, data["id"])
    else:
        data = mask_after_sales(data)
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    from ..render.output import print_lines, print_table
    from .casework import event_action

    zh = {
        "add": "登记",
        "close": "办结",
        "note": "备注/联系记录",
        "assign": "改派",
        "void": "作废",
        "undo": "撤销上一步",
        "edit": "更正登记信息",
    }
    print_lines(_summary(data))
    print_table(
        "办理记录",
        ["时间", "操作人", "动作", "状态"],
        [[f"{e['at']:%Y-%m-%d %H:%M}", e["clerk"], event_action(zh.get(e["action"], e["action"]), e["action"], e["details"]),
          after_sales_label("REQUEST_STATUSES", e["to_status"])] for e in data["events"]],
    )  # fmt: skip


@app.command("list")
def list_(
    type: Annotated[str | None, typer.Option("--type", help="surrender 退保 或 endorsement 批改")] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="open 待办理、completed 已办结、referred 已转保险公司、withdrawn 客户撤回"),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="退保原因,例如 经济困难")] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    received_from: FromOpt = None,
    received_to: ToOpt = None,
    policy: PolicyFilterOpt = None,
    name: NameFilterOpt = None,
    limit: LimitOpt = None,
    all_: AllOpt = False,
    json: JsonOpt = False,
    csv: CsvOpt = False,
    unmask: UnmaskOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """按条件列出退保与批改请求(已作废的只在加 --all 时列出)。"""
    from ..services import requests

    one_output(json, csv, "request list")
    limit = int_value(limit, "--limit", 1, LIST_LIMIT_MAX, 50)
    data = requests.list_(
        state.db, type=type, status=status, reason=reason, branch=branch, handler=handler,
        received_from=date_value(received_from, "--from"), received_to=date_value(received_to, "--to"),
        policy_no=policy, name=name, limit=limit, all=all_,
    )  # fmt: skip
    if unmask:
        audit_unmask("request list", len(data["items"]))
    else:
        data["items"] = mask_after_sales(data["items"])
    if data.get("more") and (json or csv):
        from ..render.output import message

        message(_more(data["more"]))
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    keys = [
        "id",
        "type",
        "status",
        "received_at",
        "policy_no",
        "name",
        "phone",
        "reason",
        "content",
        "branch",
        "handler",
    ]
    if csv:
        import sys

        from ..render.output import csv_text

        sys.stdout.write(csv_text(keys, ([i[k] for k in keys] for i in data["items"])))
        return
    from ..render.output import paged, print_lines, print_table

    if not data["items"]:
        print_lines(["没有符合条件的保全请求。已作废的请求加 --all 才列出;按姓名、电话查找可用 kefu search。"])
        return
    rows = [
        [i["id"], after_sales_label("REQUEST_TYPES", i["type"]), after_sales_label("REQUEST_STATUSES", i["status"]) + ("(已作废)" if i["voided_at"] else ""),
         f"{i['received_at']:%Y-%m-%d %H:%M}", i["policy_no"], i["name"], i["phone"],
         after_sales_label("SURRENDER_REASONS", i["reason"]) or (i["content"] or "")[:30], i["branch"], i["handler"]]
        for i in data["items"]
    ]  # fmt: skip
    with paged(not no_pager):
        print_table(
            f"保全请求 {data['count']} 件",
            ["编号", "类型", "状态", "接收时间", "保单号", "客户", "电话", "原因/批改内容", "机构", "经办人"],
            rows,
        )
        if data.get("more"):
            print_lines([_more(data["more"])])


@app.command("edit")
def edit(
    request_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="更正原因(记入审计),例如 客户电话记错一位")],
    name: Annotated[str | None, typer.Option("--name", help="提出请求的客户姓名")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="客户联系电话")] = None,
    relation: Annotated[str | None, typer.Option("--relation", help="与投保人关系,例如 agent 受托人")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="提请方式: phone、visit、fax、letter")] = None,
    surrender_reason: Annotated[str | None, typer.Option("--surrender-reason", help="退保原因,例如 经济困难")] = None,
    reason_note: Annotated[str | None, typer.Option("--reason-note", help="原因说明")] = None,
    content: Annotated[str | None, typer.Option("--content", help="批改内容")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """更正保全请求的客户、提请方式、退保原因或批改内容: 审计记录保留原值、新值和原因。保单、类型、接收时间
    登记错了的,请作废(void)后重新登记。"""
    from ..domain.claims import COLUMN_ZH
    from ..services import requests
    from .labels import NAME_KEYS, PHONE_KEYS

    changes = dict(name=name, phone=phone, relation=relation, channel=channel, reason=surrender_reason,
                   reason_note=reason_note, content=content)  # fmt: skip
    data = requests.edit(state.db, request_id, changes, reason=reason, clerk=clerk, at=at_value(at))
    personal = NAME_KEYS | PHONE_KEYS  # a corrected name or phone is masked in the JSON too

    def masked(c: dict) -> dict:
        if c["field"] not in personal:
            return c
        return c | {k: mask_after_sales({c["field"]: c[k]})[c["field"]] for k in ("before", "after")}

    data["changes"] = [masked(c) for c in data["changes"]]
    labels = {"name": "客户姓名", "phone": "联系电话", "relation": "与投保人关系", "channel": "提请方式"} | COLUMN_ZH
    parts = [labels.get(c["field"], c["field"]) + ("已更正" if c["field"] in personal else
             f": {c['before'] or '-'} → {c['after']}") for c in data["changes"]]  # fmt: skip
    _print(data, json, [f"已更正保全请求 {data['id']}: {';'.join(parts)}"])


# undo / note / assign / void: the steps every case type shares (cli/casework.py)
from .casework import add_to as _add_casework  # noqa: E402

_add_casework(app, "request")


def _more(more: int) -> str:
    from ..render.output import more_text

    return more_text(more)
