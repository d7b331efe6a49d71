"""`kefu notice list`: the notices issued, with how each went out and its proof of telling
(services/notice_list.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import BranchOpt, JsonOpt, state


def list_(
    complaint_id: Annotated[
        str | None, typer.Argument(help="投诉编号,例如 TS-20261009-0001;不写则列出所有投诉登记发出的告知书")
    ] = None,
    unproven: Annotated[
        bool, typer.Option("--unproven", help="只列出没有记录凭证(--proof)的告知书(办法第二十一条要求留存告知的证明)")
    ] = False,
    branch: BranchOpt = None,
    json: JsonOpt = False,
) -> None:
    """列出登记发出的告知书: 发出时间、类型、发出方式、凭证(邮件号、短信或电子邮件发送记录、录音、签收回执)、是否在期限内。

    没有记录凭证的告知书标为“无凭证”;补记凭证请在留存后重新登记发出(--issue --via … --proof …)。
    """
    from ..services.notice_list import issued

    r = issued(state.db, complaint_id, unproven=unproven, branch=branch)
    if json:
        from ..render.output import print_json

        print_json(r)
        return
    from ..domain.notices import via_label
    from ..render.output import print_lines, print_table

    what = f"投诉 {r['id']} " if r["id"] else ""
    if not r["items"]:
        print_lines([f"{what}没有{'无凭证的' if unproven else ''}登记发出的告知书。"])
        return

    def in_time(i) -> str:
        return "-" if i["on_time"] is None else ("在期限内" if i["on_time"] else "晚于期限")

    print_table(
        f"{what}登记发出的告知书",
        ["时间", "投诉", "告知书", "发出方式", "凭证", "期限", "操作人"],
        [
            [
                f"{i['at']:%Y-%m-%d %H:%M}",
                i["case_id"],
                i["label"],
                via_label(i["via"]),
                i["proof"] or "无凭证",
                in_time(i),
                i["clerk"] or "-",
            ]
            for i in r["items"]
        ],  # fmt: skip
    )
    print_lines([f"共 {r['count']} 份,其中无凭证 {r['unproven']} 份"])
