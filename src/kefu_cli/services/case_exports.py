"""`kefu export claims|requests`: claim reports and service requests for Excel (a CSV file or a real
workbook, as services/exports.py writes the complaints), with every step of each case (issue 21, item 2;
issue 22, item 10).

The columns are io/columns.py `CLAIM` and `REQUEST`: the case as registered, its state, its deadlines as of
`as_of`, then the step columns (登记时间 … 作废原因) that `kefu import claims|requests` replays through the
steps' own service functions (services/claim_import.py, request_import.py). A step taken more than once
(a claim's 申请 and 材料登记) lists its times in one cell separated by ";" and its values one a line; a list
of materials or claim types is written as their labels separated by ";" (a label may hold "、").

Names, phones and ID numbers are masked unless `unmask=True` (audited, services/privacy.py), as in every
other export; a masked file can not be imported back. The step columns are not printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from ..domain import claim_checks as ck
from ..domain import claims as cl
from ..domain import requests as rq
from ..domain.codes import RELATIONS, label
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus
from ..io.columns import CLAIM, CLAIM_STEPS, REQUEST, REQUEST_STEPS, columns
from ..render.output import mask_name, mask_phone
from . import clock
from .export_steps import _lines, _times, _with_events, _yes
from .exports import (
    LEFT_NOTE,
    OVERDUE_NOTE,
    _deadline_columns,
    _export,
    _notes,
    _with_deadlines,
    received_between,
)

CLAIM_COLUMNS = columns(CLAIM)
REQUEST_COLUMNS = columns(REQUEST)
# The steps a claim's events carry beyond its row (undo takes back the latest of them, services/undo.py).
CLAIM_EVENT_STEPS = ("major", "escalate", "apply", "materials", "handover", "close")
SEP = ";"  # between the items of a list in one cell (a label may hold "、")


def items_text(table, codes: Iterable[str]) -> str:
    """Codes as their labels in one cell: "保险单正本;保费收据"."""
    return SEP.join(label(table, c) for c in codes if c)


def _due_at(deadlines: list, kind: str) -> dt.datetime | None:
    rows = [d for d in deadlines if d.kind == kind and d.status not in (DeadlineStatus.SUPERSEDED, DeadlineStatus.VOID)]
    running = [d for d in rows if d.status in RUNNING]
    pick = (running or rows or [None])[-1]
    return pick.due_at if pick is not None else None


def _claim_steps(c, events: list[tuple[str, Any, dict]], name, phone) -> list[Any]:
    """The CLAIM_STEPS columns of claim `c` from its row and its events."""
    of = {a: [(at, d) for x, at, d in events if x == a] for a in CLAIM_EVENT_STEPS + ("report",)}
    escalate = of["escalate"][-1][1] if of["escalate"] else {}
    handover = of["handover"][-1][1] if of["handover"] else {}
    applies, mats = of["apply"], of["materials"]
    applicants = [d.get("applicant_name") for _, d in applies]
    phones = [d.get("applicant_phone") for _, d in applies]
    report = of["report"][0][1] if of["report"] and of["major"] else None
    reported = (
        [report.get("deaths"), report.get("estimate"), label(cl.DISPUTES, report["dispute"]) if report.get("dispute")
         else "", _yes(report.get("litigation")), _yes(report.get("outcome_uncertain"))]
        if report is not None else [None] * 5
    )  # fmt: skip
    return [
        c.registered_at, of["major"][-1][0] if of["major"] else None, *reported, c.escalated_at, c.escalated_to,
        escalate.get("note"), _times([at for at, _ in applies]),
        _lines([items_text(cl.CLAIM_TYPES, cl.codes_of(d.get("claim_types"))) for _, d in applies]),
        _lines([items_text(cl.MATERIALS, cl.codes_of(d.get("materials_received"))) for _, d in applies]),
        _lines([name(v) if v else None for v in applicants]), _lines([phone(v) if v else None for v in phones]),
        _times([at for at, _ in mats]), _lines([items_text(cl.MATERIALS, d.get("added") or []) for _, d in mats]),
        _lines([items_text(cl.MATERIALS, d.get("removed") or []) for _, d in mats]), c.complete_at,
        c.handed_over_at, c.handed_over_to, handover.get("note"), c.closed_at, c.result_reason, c.voided_at,
        c.void_reason,
    ]  # fmt: skip


def _claim_rows(uow, rows, unmask: bool, as_of: dt.date, branch: str | None = None) -> Iterator[list[Any]]:
    name = (lambda v: v) if unmask else mask_name
    phone = (lambda v: v) if unmask else mask_phone
    kinds = (DeadlineKind.CLAIM_HANDOVER,)
    for c, deadlines, events in _with_events(uow, "claim", _with_deadlines(uow, rows, "claim", as_of, branch), as_of):
        report = next((d for a, _, d in events if a == "report"), {})
        required, received = cl.codes_of(c.materials_required), cl.codes_of(c.materials_received)
        handover_due, left, overdue = _deadline_columns(deadlines, as_of, uow.calendar, kinds)
        yield [
            c.id, cl.STATUS_ZH.get(cl.Status(c.status), c.status), c.reported_at, label(cl.CLAIM_CHANNELS, c.channel),
            c.policy_no, c.product, label(cl.LINES, c.line), name(c.holder), name(c.insured_name),
            c.insured_id if unmask else ck.mask_id_number(c.insured_id), c.period_start, c.period_end, c.sum_insured,
            c.incident_at, c.incident_place, c.cause, c.course, c.injury, c.measures, c.present_state, c.hospital,
            name(c.reporter_name), phone(c.reporter_phone), c.reporter_address if unmask else "",
            label(cl.REPORTER_RELATIONS, c.reporter_relation), c.known_date, c.limitation_end,
            report.get("not_covered"), c.refusal_reason, c.deaths, c.estimate,
            label(cl.DISPUTES, c.dispute) if c.dispute else "", _yes(c.litigation), _yes(c.outcome_uncertain),
            _yes(c.major), c.major_reasons, c.branch, c.handler, items_text(cl.CLAIM_TYPES, cl.codes_of(c.claim_types)),
            items_text(cl.MATERIALS, cl.missing(required, received)) if c.status == cl.Status.APPLYING else "",
            label(cl.RESULTS, c.result) if c.result else "", c.paid_amount,
            _due_at(deadlines, DeadlineKind.MAJOR_CASE_REPORT), handover_due, left, overdue,
            *_claim_steps(c, events, name, phone),
        ]  # fmt: skip


def _request_rows(uow, rows, unmask: bool, as_of: dt.date, branch: str | None = None) -> Iterator[list[Any]]:
    name = (lambda v: v) if unmask else mask_name
    for r, _ in _with_deadlines(uow, rows, "request", as_of, branch):
        yield [
            r.id, label(rq.REQUEST_TYPES, r.type), label(rq.REQUEST_STATUSES, r.status), r.received_at,
            label(cl.CLAIM_CHANNELS, r.channel), r.policy_no, r.product, name(r.holder), name(r.insured_name),
            name(r.name), r.phone if unmask else mask_phone(r.phone), label(RELATIONS, r.relation),
            label(rq.SURRENDER_REASONS, r.reason) if r.reason else "", r.reason_note, r.content, r.branch, r.handler,
            r.registered_at, r.closed_at, r.close_note, r.voided_at, r.void_reason,
        ]  # fmt: skip


def export_claims(
    db: str | None,
    dest: str | Path,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    branch: str | None = None,
    unmask: bool = False,
    encoding: str = "utf-8-sig",
    progress: Callable[[int], None] | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Claim reports received in [date_from, date_to], with their deadlines as of `as_of` (today)."""
    from ..store.claim_models import Claim

    as_of = as_of or clock.today()
    q = received_between(Claim, "reported_at", date_from, date_to, branch, as_of)
    notes = _notes(
        "理赔报案(按报案时间排序)",
        as_of,
        {"报案日期自": date_from, "报案日期至": date_to, "机构": branch},
        unmask,
        [
            "重大案件呈报时限: 向总部呈报重大案件的 24 小时期限;移交时限: 材料齐全后移交保险公司的期限",
            LEFT_NOTE,
            OVERDUE_NOTE,
            "被保险人证件号码、报案人地址: 未加 --unmask 时不导出完整内容",
            "本表可用 kefu import claims 导回: 按 报案编号、状态 和各步骤的时间重建每件报案(编号、状态、步骤时间和期限"
            "与原库相同;各期限列不读取);已有的报案不会重复登记",
        ],
    )
    return _export(
        db, dest, q, CLAIM_COLUMNS, CLAIM_STEPS, partial(_claim_rows, branch=branch), unmask, encoding, progress,
        "export claims", as_of, "理赔报案", notes,
    )  # fmt: skip


def export_requests(
    db: str | None,
    dest: str | Path,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    branch: str | None = None,
    unmask: bool = False,
    encoding: str = "utf-8-sig",
    progress: Callable[[int], None] | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Service requests received in [date_from, date_to] (requests have no deadlines)."""
    from ..store.claim_models import ServiceRequest

    as_of = as_of or clock.today()
    q = received_between(ServiceRequest, "received_at", date_from, date_to, branch, as_of)
    notes = _notes(
        "保全请求(退保、批改,按接收时间排序)",
        as_of,
        {"接收日期自": date_from, "接收日期至": date_to, "机构": branch},
        unmask,
        [
            "本表可用 kefu import requests 导回: 按 请求编号、状态 和各步骤的时间重建每件请求(编号、状态、步骤时间"
            "与原库相同);已有的请求不会重复登记",
        ],
    )
    return _export(
        db, dest, q, REQUEST_COLUMNS, REQUEST_STEPS, partial(_request_rows, branch=branch), unmask, encoding,
        progress, "export requests", as_of, "保全请求", notes,
    )  # fmt: skip
