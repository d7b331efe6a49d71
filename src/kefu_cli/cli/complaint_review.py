"""`kefu complaint review` and `kefu complaint review-decide`: the review (核查) of a decision the
complainant asks for in writing (2020 rule Art. 20; services/complaint_review.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import AtOpt, ClerkOpt, JsonOpt, at_value, state
from .complaint import IdArg, _done, _note

ReviewNoteOpt = Annotated[str | None, typer.Option("--note", help="核查申请的要点或核查意见,例如 对赔付金额有异议")]


def review(
    complaint_id: IdArg,
    received: Annotated[
        str | None,
        typer.Option("--received", help="收到书面核查申请的时间,默认 --at(现在),例如 2026-11-21T09:30"),
    ] = None,
    note: ReviewNoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """登记投诉人对处理决定的书面核查(复核)申请(办法第二十条): 须在收到处理决定之日起 30 日内提出,
    上级机构自收到申请之日起 30 日内作出核查决定(期限 complaint.review)。"""
    from ..services import complaint_review as svc

    result = svc.review(state.db, complaint_id, received=at_value(received, "--received"), note=_note(note),
                        clerk=clerk, at=at_value(at))  # fmt: skip
    due = next((d["due"] for d in result["deadlines"] if d["kind"] == "review" and d["status"] == "open"), None)
    _done(result, json, f"已登记投诉 {complaint_id} 的核查(复核)申请" + (f",须在 {due} 前作出核查决定" if due else ""))


def review_decide(
    complaint_id: IdArg,
    result: Annotated[str, typer.Option("--result", help="核查结果: 维持(upheld) 或 变更(changed) 原处理决定")],
    note: ReviewNoteOpt = None,
    json: JsonOpt = False,
    at: AtOpt = None,
    clerk: ClerkOpt = None,
) -> None:
    """作出核查(复核)决定: 维持或变更原处理决定,满足核查期限。"""
    from ..domain.codes import label
    from ..domain.complaint import REVIEW_RESULTS
    from ..services import complaint_review as svc

    out = svc.review_decide(state.db, complaint_id, result=result, note=_note(note), clerk=clerk, at=at_value(at))
    _done(out, json, f"已作出投诉 {complaint_id} 的核查决定: {label(REVIEW_RESULTS, out['review_result'])}")
