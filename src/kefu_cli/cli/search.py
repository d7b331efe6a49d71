"""`kefu search TEXT`: one search box over complaints, callbacks, claim reports, service requests
and the policy register."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AsOfOpt, JsonOpt, NoPagerOpt, UnmaskOpt, state


def search(
    text: Annotated[
        str,
        typer.Argument(
            help="案件编号(或其中一段)、姓名、电话(整号或后 4 位)、保单号、监管转办编号、证件号码(或其中 4 位以上)"
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", help="最多显示几件(1 到 200)")] = 50,
    as_of: AsOfOpt = None,
    json: JsonOpt = False,
    unmask: UnmaskOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """查找案件(投诉、回访、理赔报案、保全请求)与保单: 最新的在前,显示状态与下一个期限。电话号码中的全角数字、空格和连字符会被忽略。"""
    from ..services.report_source import report_source
    from ..services.search import search as do_search
    from .common import date_value

    day = date_value(as_of, "--as-of")
    with report_source(state.db) as src:
        data = do_search(src, text, limit=limit, as_of=day)
    if unmask:
        from ..services.privacy import record_unmask

        record_unmask(state.db, None, "search", data["count"])
    else:
        from ..domain.claim_checks import mask_id_number
        from ..render.output import mask_name, mask_personal

        data["items"] = [mask_personal(i) for i in data["items"]]
        for i in data["items"]:  # the insured's ID number (claims, policies), a policy's holder
            if i.get("id_number"):
                i["id_number"] = mask_id_number(i["id_number"])
            if i.get("holder"):
                i["holder"] = mask_name(i["holder"])
    if json:
        from ..render.output import message, print_json

        print_json(data)
        if data["more"]:
            message(_more(data["more"]))
        return
    from ..domain.deadlines import DEADLINE_KIND_ZH, DeadlineKind
    from ..render.output import message, next_left_zh, paged, print_lines, print_table

    if not data["items"]:
        message(f"没有找到与“{data['query']}”相符的案件。可以试试编号中的一段、姓名中的一个字或电话后 4 位。")
        return
    rows = []
    for i in data["items"]:
        n = i["next_deadline"]
        nxt = ""
        if n:
            kind = DEADLINE_KIND_ZH[DeadlineKind(n["kind"])] if n["kind"] in set(DeadlineKind) else n["kind"]
            when = next_left_zh(n, data["as_of"])
            nxt = f"{kind} {n['due']}{' [临时]' if n.get('provisional') else ''}({when})"
        status = _status_zh(i["case_type"], i["status"])
        status = f"已作废({status})" if i["voided"] else status
        rows.append(
            [
                i["id"],
                CASE_ZH.get(i["case_type"], i["case_type"]),
                status,
                f"{i['date']:%Y-%m-%d}",
                i["name"],
                i["phone"],
                i["policy_no"],
                i["branch"],
                i["handler"],
                nxt,
            ]
        )
    full = f"(只列出最新的 {limit} 件,更多请加 --limit,最多 200)" if data["more"] else ""
    late = ["red" if i["next_deadline"] and i["next_deadline"].get("overdue") else None for i in data["items"]]
    with paged(not no_pager):
        print_table(
            f"“{data['query']}”的搜索结果: {data['count']} 件{full}",
            ["编号", "类型", "状态", "日期", "姓名", "电话", "保单号", "机构", "经办人", "下一期限"],
            rows,
            late,
        )
        if data["more"]:
            print_lines([_more(data["more"])])


CASE_ZH = {"complaint": "投诉", "callback": "回访", "claim": "理赔报案", "request": "保全请求", "policy": "保单"}


def _status_zh(case_type: str, status: str) -> str:
    from ..domain.codes import label

    if case_type == "complaint":
        from ..domain.complaint import STATUS_ZH, Status

        return STATUS_ZH[Status(status)]
    if case_type == "callback":
        from ..domain import callback as cb

        return label(cb.STATUSES, status)
    if case_type == "claim":
        from ..domain.claims import STATUS_ZH as CLAIM_ZH
        from ..domain.claims import Status as ClaimStatus

        return CLAIM_ZH[ClaimStatus(status)]
    if case_type == "request":
        from ..domain.requests import REQUEST_STATUSES

        return label(REQUEST_STATUSES, status)
    from ..services.search import POLICY_STATUS_ZH

    return POLICY_STATUS_ZH.get(status, status)


def _more(more: int) -> str:
    from ..render.output import more_text

    return more_text(more)
