"""`kefu complaint rectify` and `kefu complaint rectified`: the rectification (溯源整改) of a decided
complaint's root cause, one per complaint (2020 rule Art. 26; services/complaint_rectify.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, at_value, date_value, state
from .complaint import IdArg, _done


def rectify(
    complaint_id: IdArg,
    action: Annotated[str, typer.Option("--action", help="整改措施,例如 修订理赔时效考核办法并培训理赔人员")],
    owner: Annotated[str, typer.Option("--owner", help="整改责任人(列为整改期限的处理人),例如 理赔部 王强")],
    due: Annotated[str, typer.Option("--due", help="整改完成期限(当日结束前),例如 2026-12-31")],
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """登记投诉根本原因的整改(溯源整改,办法第二十六条): 整改措施、责任人和完成期限,开始“整改”期限。
    须在作出处理决定之后;每件投诉登记一项整改(进行中或已完成的不能再登记,登记有误用 undo 撤销)。

    示例: kefu complaint rectify TS-20261121-0007 --action 修订理赔时效考核办法 --owner 理赔部王强 --due 2026-12-31
    """
    from ..services import complaint_rectify as svc

    day = date_value(due, "--due")
    result = svc.rectify(state.db, complaint_id, action=action, owner=owner, due=day, clerk=clerk, at=at_value(at))
    _done(result, json, f"已登记投诉 {complaint_id} 的整改,责任人 {result['rectification']['owner']},"
                        f"须在 {result['rectification']['due']} 前完成")  # fmt: skip


def rectified(
    complaint_id: IdArg,
    note: Annotated[str | None, typer.Option("--note", help="整改情况,例如 已修订办法并完成培训")] = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """登记整改完成(完成“整改”期限;期限过后完成的记为逾期完成)。

    示例: kefu complaint rectified TS-20261121-0007 --note 已修订办法并完成培训
    """
    from ..services import complaint_rectify as svc

    result = svc.rectified(state.db, complaint_id, note=note, clerk=clerk, at=at_value(at))
    _done(result, json, f"已登记投诉 {complaint_id} 的整改完成")
