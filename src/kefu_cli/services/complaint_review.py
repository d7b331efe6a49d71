"""The review (核查) of a decided complaint (2020 rule Art. 20, RULES.md §6).

A complainant who disagrees with the decision may ask the company's superior branch in writing
for a review within 30 日 of receiving the decision (policy `complaint.review_request`, counted
from when the decision was told: the decision notice's issue time, else the decision itself, with
the rest-day roll of 民法典 §203); the review is decided within 30 日 of receiving the request
(policy `complaint.review`, the `review` deadline).

`review` is a step like any other: its transition, the deadline it opens (domain/complaint.py
`OPENS`) and the deadline `review_decide` meets (`EFFECTS`) are rows of the complaint's tables.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import col, select

from ..domain import complaint as sm
from ..domain.codes import parse_code
from ..domain.deadlines import compute_due
from ..domain.errors import RuleError
from ..domain.text import clean_text
from ..domain.timeutil import InputError, check_not_future, check_range
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent
from .complaint_steps import apply_effects, move, record_step, run_step, start_complaint_deadline
from .complaint_views import CASE
from .context import UnitOfWork


def open_effects(uow: UnitOfWork, c: Complaint, action: sm.Action, start_at: dt.datetime) -> list:
    """Open the deadlines `action` opens (domain/complaint.py `OPENS`), started at `start_at`."""
    return [start_complaint_deadline(uow, c, kind, start_at, rule) for kind, rule, _why in sm.OPENS.get(action, ())]


def told_at(uow: UnitOfWork, c: Complaint) -> dt.datetime:
    """When the decision was told: the last decision notice issued after the decision, else the
    decision's own time."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == CASE, AuditEvent.entity_id == c.id, AuditEvent.action == "notice")
        .order_by(col(AuditEvent.id))
    )
    told = c.decided_at
    for e in uow.session.exec(stmt).all():
        if json.loads(e.details or "{}").get("type") == "decision" and (told is None or e.at >= c.decided_at):
            told = e.at
    return told


def review(
    db, complaint_id: str, *, received: dt.datetime | None = None, note: str | None = None, clerk=None, at=None
) -> dict[str, Any]:
    """`kefu complaint review ID --received DT`: the written request for a review, received at
    `received` (default: the step's time). Refused after the request period."""
    text = clean_text(note, "--note 备注", 500, multiline=True, example="对赔付金额有异议") if note else None

    def fn(uow: UnitOfWork, c: Complaint) -> None:
        got = received or uow.at
        check_range(got, "--received")
        check_not_future(got, "--received", uow.now)
        moved = move(uow, c, sm.Action.REVIEW)
        told = told_at(uow, c)
        if got < told:
            raise InputError(
                f"--received 收到核查申请的时间 {got:%Y-%m-%d %H:%M} 早于处理决定告知投诉人的时间 {told:%Y-%m-%d %H:%M},"
                f"例如 --received {told:%Y-%m-%d}T{told:%H:%M}"
            )
        rule = uow.policy.rule("complaint.review_request")
        last = compute_due(uow.calendar, told, rule.unit, rule.value).due
        if got.date() > last:
            raise RuleError(
                f"投诉 {c.id} 的处理决定已于 {told:%Y-%m-%d} 告知,核查(复核)申请须在收到处理决定之日起 {rule.value} 日内"
                f"(至 {last:%Y-%m-%d})书面提出;{got:%Y-%m-%d} 收到的申请已超期,不能登记为核查(办法第二十条)"
            )
        opened = open_effects(uow, c, sm.Action.REVIEW, got)
        record_step(uow, c, "review", moved, received_at=got, told_at=told, request_due=last, note=text,
                    due=opened[0].due if opened else None)  # fmt: skip

    return run_step(db, complaint_id, clerk, at, fn)


def review_decide(db, complaint_id: str, *, result: str, note: str | None = None, clerk=None, at=None) -> dict:
    """`kefu complaint review-decide ID --result upheld|changed`: the review decided."""
    code = parse_code(sm.REVIEW_RESULTS, result, "--result 核查结果")
    text = clean_text(note, "--note 核查意见", 500, multiline=True, example="经核查维持原处理决定") if note else None

    def fn(uow: UnitOfWork, c: Complaint) -> None:
        moved = move(uow, c, sm.Action.REVIEW_DECIDE)
        if c.review_received_at is not None and uow.at < c.review_received_at:
            raise InputError(
                f"--at 时间 {uow.at:%Y-%m-%d %H:%M} 早于收到核查申请的时间 {c.review_received_at:%Y-%m-%d %H:%M}"
            )
        apply_effects(uow, c, sm.Action.REVIEW_DECIDE)
        record_step(uow, c, "review_decide", moved, result=code, note=text)

    return run_step(db, complaint_id, clerk, at, fn)
