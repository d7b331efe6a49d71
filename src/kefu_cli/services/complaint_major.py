"""Major complaints (2020 rule Art. 29; the emergency plan, seed 003; domain/major.py).

A complaint is major from its registration (20 or more people complaining together,
services/complaints.py `register`) or from `kefu complaint major ID --reason R` (a disaster, a
safety accident, a public-health event, the regulator's designation, the media): either opens the
`major_complaint_report` deadline (policy `complaint.major_report`, 24 clock hours), from the
receipt or from the `major` step. `kefu complaint escalate ID --to 投诉应急处理领导小组` reports it to
the emergency group and meets the deadline (late when after it: the breach stays).

Both are steps like any other: their transitions, the deadline `major` opens (domain/complaint.py
`OPENS`) and the one `escalate` meets (`EFFECTS`) are rows of the complaint's tables, their columns
the fold of their events (`apply`).
"""

from __future__ import annotations

from typing import Any

from ..domain import complaint as sm
from ..domain.codes import label, parse_code
from ..domain.errors import RuleError
from ..domain.major import EMERGENCY_GROUP, MAJOR_REASONS
from ..domain.text import clean_text
from .complaint_review import open_effects
from .complaint_steps import apply_effects, move, record_step, run_step
from .context import UnitOfWork


def _note(note: str | None, example: str) -> str | None:
    return clean_text(note, "--note 说明", 500, multiline=True, example=example) if note else None


def major(db, complaint_id: str, *, reason: str, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    """`kefu complaint major ID --reason R`: the complaint made major; its report to the emergency
    group is due within `complaint.major_report` from this step."""
    code = parse_code(MAJOR_REASONS, reason, "--reason 重大投诉原因")
    text = _note(note, "因暴雨受灾客户集中投诉")

    def fn(uow: UnitOfWork, c) -> None:
        if c.major_reason:
            raise RuleError(
                f"投诉 {c.id} 已于 {c.major_at:%Y-%m-%d %H:%M} 认定为重大投诉(原因: {label(MAJOR_REASONS, c.major_reason)}),"
                "不需要重复认定"
            )
        moved = move(uow, c, sm.Action.MAJOR)
        opened = open_effects(uow, c, sm.Action.MAJOR, uow.at)
        record_step(uow, c, "major", moved, reason=code, note=text, due_at=opened[0].due_at if opened else None)

    return run_step(db, complaint_id, clerk, at, fn)


def escalate(
    db, complaint_id: str, *, to: str | None = None, note: str | None = None, clerk=None, at=None
) -> dict[str, Any]:
    """`kefu complaint escalate ID --to 投诉应急处理领导小组`: a major complaint reported to the
    emergency group; meets its `major_complaint_report` deadline."""
    group = clean_text(to, "--to 上报对象", 100, example=EMERGENCY_GROUP) if to is not None else EMERGENCY_GROUP
    group = group or EMERGENCY_GROUP
    text = _note(note, "已电话报告应急小组组长")

    def fn(uow: UnitOfWork, c) -> None:
        if not c.major_reason:
            raise RuleError(
                f"投诉 {c.id} 不是重大投诉,不需要上报应急小组;如属重大投诉请先认定,"
                f"例如 kefu complaint major {c.id} --reason 群体"
            )
        if c.escalated_at is not None:
            raise RuleError(f"投诉 {c.id} 已于 {c.escalated_at:%Y-%m-%d %H:%M} 上报 {c.escalated_to},不需要重复上报")
        if uow.at < c.major_at:
            from ..domain.errors import InputError

            raise InputError(f"--at 时间 {uow.at:%Y-%m-%d %H:%M} 早于认定为重大投诉的时间 {c.major_at:%Y-%m-%d %H:%M}")
        moved = move(uow, c, sm.Action.ESCALATE)
        met = apply_effects(uow, c, sm.Action.ESCALATE).get("met", [])
        late = any(d.breached for d in met)
        record_step(uow, c, "escalate", moved, to=group, note=text, late=late)

    return run_step(db, complaint_id, clerk, at, fn)
