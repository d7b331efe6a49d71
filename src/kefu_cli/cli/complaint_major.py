"""`kefu complaint major` and `kefu complaint escalate`: a major complaint (2020 rule Art. 29) and its
report to the complaint emergency group (seed 003; services/complaint_major.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, at_value, state
from .complaint import IdArg, _done

MajorNoteOpt = Annotated[str | None, typer.Option("--note", help="说明,例如 因暴雨受灾客户集中投诉")]


def major(
    complaint_id: IdArg,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="重大投诉原因: group 群体、disaster 灾害、accident 安全事故、public_health 公共卫生、"
            "regulator 监管指定、media 媒体",
        ),
    ],
    note: MajorNoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """认定为重大投诉(办法第二十九条): 自认定时起须在规定时限内(complaint.major_report,默认 24 小时)
    上报投诉应急处理领导小组(escalate)。20 人以上共同投诉在登记时(--people)即为重大投诉。"""
    from ..services import complaint_major as svc

    result = svc.major(state.db, complaint_id, reason=reason, note=note, clerk=clerk, at=at_value(at))
    due = next(
        (d for d in result["deadlines"] if d["kind"] == "major_complaint_report" and d["status"] == "open"), None
    )
    when = f",须在 {due['due_at']:%Y-%m-%d %H:%M} 前上报投诉应急处理领导小组" if due and due.get("due_at") else ""
    _done(result, json, f"已将投诉 {complaint_id} 认定为重大投诉{when}")


def escalate(
    complaint_id: IdArg,
    to: Annotated[str | None, typer.Option("--to", help="上报对象,默认 投诉应急处理领导小组")] = None,
    note: MajorNoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """重大投诉上报投诉应急处理领导小组: 完成重大投诉上报期限(逾期上报如实记为逾期)。"""
    from ..services import complaint_major as svc

    result = svc.escalate(state.db, complaint_id, to=to, note=note, clerk=clerk, at=at_value(at))
    late = any(d["kind"] == "major_complaint_report" and d.get("breached") for d in result["deadlines"])
    _done(result, json, f"已将投诉 {complaint_id} 上报 {result['escalated_to']}" + ("(已逾期)" if late else ""))
