"""`kefu complaint list`: complaints by filters, as a table, JSON or CSV."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import (
    LIST_LIMIT_MAX,
    AllOpt,
    AsOfOpt,
    BranchOpt,
    CsvOpt,
    DueFromOpt,
    DueToOpt,
    HandlerOpt,
    JsonOpt,
    LimitOpt,
    NameFilterOpt,
    NoPagerOpt,
    OverdueOpt,
    PhoneFilterOpt,
    PolicyFilterOpt,
    UnmaskOpt,
    audit_unmask,
    date_value,
    int_value,
    one_output,
    state,
)
from .complaint import CategoryOpt, ChannelOpt
from .labels import kind_zh, mask_personal, status_zh


def _status_zh(status: str) -> str:
    return status_zh("complaint", status)


def list_(
    status: Annotated[str | None, typer.Option("--status", help="状态,例如 accepted 或 已受理(处理中)")] = None,
    branch: BranchOpt = None,
    handler: HandlerOpt = None,
    category: CategoryOpt = None,
    channel: ChannelOpt = None,
    received_from: Annotated[
        str | None, typer.Option("--received-from", "--from", help="接收日期自(含),例如 2026-11-01")
    ] = None,
    received_to: Annotated[
        str | None, typer.Option("--received-to", "--to", help="接收日期至(含),例如 2026-11-30")
    ] = None,
    overdue: OverdueOpt = False,
    as_of: AsOfOpt = None,
    limit: LimitOpt = None,
    all_: AllOpt = False,
    name: NameFilterOpt = None,
    phone: PhoneFilterOpt = None,
    policy: PolicyFilterOpt = None,
    due_from: DueFromOpt = None,
    due_to: DueToOpt = None,
    json: JsonOpt = False,
    csv: CsvOpt = False,
    unmask: UnmaskOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """按条件列出投诉(已作废的只在加 --all 时列出;有逾期未完成期限的标“逾期”)。"""
    from ..services import complaint_list

    one_output(json, csv, "complaint list")
    limit = int_value(limit, "--limit", 1, LIST_LIMIT_MAX, 50)
    data = complaint_list.list_(
        state.db,
        status=status,
        branch=branch,
        handler=handler,
        category=category,
        channel=channel,
        received_from=date_value(received_from, "--from"),
        received_to=date_value(received_to, "--to"),
        overdue=overdue,
        as_of=date_value(as_of, "--as-of"),
        limit=limit,
        all=all_,
        name=name,
        phone=phone,
        policy_no=policy,
        due_from=date_value(due_from, "--due-from"),
        due_to=date_value(due_to, "--due-to"),
    )
    data["items"] = [mask_personal(i, unmask) for i in data["items"]]
    if unmask:
        audit_unmask("complaint list", len(data["items"]))
    if data.get("more") and (json or csv):
        from ..render.output import message

        message(_more(data["more"]))
    if json:
        from ..render.output import print_json

        print_json(data)
        return
    headers = ["id", "status", "received_at", "channel", "category", "name", "phone", "policy_no", "branch", "handler"]
    if csv:
        import sys

        from ..render.output import csv_text

        extra = ["next_kind", "next_due", "working_days_left", "major"]
        rows = []
        for i in data["items"]:
            n = i["next_deadline"] or {}
            rows.append([i[h] for h in headers] + [n.get("kind"), n.get("due"), n.get("working_days_left"), i["major"]])
        sys.stdout.write(csv_text(headers + extra, rows))
        return
    from ..domain.codes import CATEGORIES, CHANNELS, label
    from ..render.output import next_left_zh, paged, print_lines, print_table

    if not data["items"]:  # a sentence, not a table of headers
        print_lines([f"没有符合条件的投诉(截至 {data['as_of']})。已作废的只在加 --all 时列出。"])
        return
    rows = []
    for i in data["items"]:
        n = i["next_deadline"]
        nxt = ""
        if n:
            left_text = next_left_zh(n, data["as_of"])
            mark = " [临时]" if n.get("provisional") else ""
            nxt = f"{kind_zh(n['kind'])} {n['due']}{mark}({left_text})"
        rows.append(
            [
                i["id"],
                (f"已作废({_status_zh(i['status'])})" if i["voided_at"] else _status_zh(i["status"]))
                + (" 重大" if i["major"] else ""),  # a major complaint (2020 rule Art. 29)
                f"{i['received_at']:%Y-%m-%d %H:%M}",
                label(CHANNELS, i["channel"]),
                label(CATEGORIES, i["category"]),
                i["name"],
                i["phone"],
                i["branch"],
                i["handler"],
                nxt,
            ]
        )
    full = f",只列出最早的 {limit} 件,更多请加 --limit 或缩小条件" if data.get("more") else ""
    late = ["red" if i["next_deadline"] and i["next_deadline"].get("overdue") else None for i in data["items"]]
    with paged(not no_pager):
        print_table(
            f"投诉 {data['count']} 件(截至 {data['as_of']}{full})",
            ["编号", "状态", "接收时间", "方式", "类别", "投诉人", "电话", "机构", "处理人", "下一期限"],
            rows,
            late,
        )
        if data.get("more"):
            print_lines([_more(data["more"])])


def _more(more: int) -> str:
    from ..render.output import more_text

    return more_text(more)
