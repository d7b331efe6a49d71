"""`kefu search TEXT`: find a case across complaints, callbacks, claim reports and service
requests, and the policies of the policy register — the phone call "my complaint from last
week?", "is my father's accident reported?".

What the text matches (any of them):
- a case number or a fragment of it (`TS-20261120-0001`, `20261120`, `0001`);
- a name (substring);
- a phone number: the whole number, or its last 4 digits, after normalising full-width digits,
  spaces and dashes (`１３８-1234-5678` finds 13812345678);
- a policy number (substring); a regulator reference (substring, complaints);
- an ID number or a fragment of it, 4 or more of its digits (the insured of claims and policies).

Newest first (received / registered), with status and the next running deadline of each case.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import or_, select

from ..domain import callback as cb
from ..domain.codes import label
from ..domain.deadlines import RUNNING, DeadlineStatus, working_days_left
from ..domain.errors import InputError
from ..store.callback_models import Callback
from ..store.claim_models import Claim, PolicyRecord, ServiceRequest
from ..store.complaint_models import Complaint
from ..store.models import Deadline
from .context import UnitOfWork

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")
_SEPARATORS = re.compile(r"[\s\-()（）\u3000]")
MAX_RESULTS = 200


def phone_query(text: str) -> str | None:
    """The text as a phone query (ASCII digits only), or None when it is not one."""
    v = _SEPARATORS.sub("", text.translate(_FULL_WIDTH)).lstrip("+")
    if re.fullmatch(r"[0-9]{4}", v):  # the last 4 digits
        return v
    from ..domain.text import phone_number

    try:  # a whole number: the form it is stored in (+86 dropped, an extension kept apart)
        return phone_number(text)
    except InputError:
        return v if re.fullmatch(r"[0-9]{5,20}", v) else None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(uow: UnitOfWork, text: str, limit: int = 50, as_of: dt.date | None = None) -> dict:
    """Matching complaints and callbacks, newest first, each with its next running deadline."""
    q = (text or "").strip()
    if not q:
        raise InputError("搜索内容不能为空: 可以是案件编号(或其中一段)、姓名、电话(或后 4 位)、保单号,例如 kefu search 5678")
    if len(q) > 100:
        raise InputError(f"搜索内容太长({len(q)} 个字符),最多 100 个字符,例如 kefu search 王建国")
    if not 1 <= limit <= MAX_RESULTS:
        raise InputError(f"--limit 应为 1 到 {MAX_RESULTS} 之间的整数,例如 --limit 20")
    as_of = as_of or uow.at.date()
    like = _like(q)
    phone = phone_query(q)

    def phone_cond(column):
        if phone is None:
            return None
        # whole number, or its last digits (phones are stored normalised, without separators)
        return or_(column == phone, column.like("%" + phone, escape="\\")) if len(phone) <= 4 else column == phone

    c_conds = [Complaint.id.like(like.upper(), escape="\\"), Complaint.name.like(like, escape="\\"),
               Complaint.policy_no.like(like, escape="\\"), Complaint.regulator_ref.like(like, escape="\\")]  # fmt: skip
    b_conds = [Callback.id.like(like.upper(), escape="\\"), Callback.name.like(like, escape="\\"),
               Callback.policy_no.like(like, escape="\\")]  # fmt: skip
    if phone is not None:
        c_conds.append(phone_cond(Complaint.phone))
        b_conds.append(phone_cond(Callback.phone))
    complaints = uow.session.execute(
        select(Complaint).where(or_(*c_conds)).order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(limit)
    ).scalars()
    callbacks = uow.session.execute(
        select(Callback).where(or_(*b_conds)).order_by(Callback.created_at.desc(), Callback.id.desc()).limit(limit)
    ).scalars()
    ident = q.upper() if re.fullmatch(r"[0-9Xx]{4,18}", q) else None  # an ID number or a part of it
    k_conds = [Claim.id.like(like.upper(), escape="\\"), Claim.insured_name.like(like, escape="\\"),
               Claim.reporter_name.like(like, escape="\\"), Claim.policy_no.like(like, escape="\\")]  # fmt: skip
    r_conds = [ServiceRequest.id.like(like.upper(), escape="\\"), ServiceRequest.name.like(like, escape="\\"),
               ServiceRequest.policy_no.like(like, escape="\\")]  # fmt: skip
    p_conds = [PolicyRecord.policy_no.like(like, escape="\\"), PolicyRecord.holder.like(like, escape="\\"),
               PolicyRecord.insured_name.like(like, escape="\\")]  # fmt: skip
    if phone is not None:
        k_conds.append(phone_cond(Claim.reporter_phone))
        r_conds.append(phone_cond(ServiceRequest.phone))
        p_conds.append(phone_cond(PolicyRecord.phone))
    if ident is not None:
        k_conds.append(Claim.insured_id.like(_like(ident), escape="\\"))
        p_conds.append(PolicyRecord.insured_id.like(_like(ident), escape="\\"))
    claims = uow.session.execute(
        select(Claim).where(or_(*k_conds)).order_by(Claim.reported_at.desc(), Claim.id.desc()).limit(limit)
    ).scalars()
    requests = uow.session.execute(
        select(ServiceRequest).where(or_(*r_conds)).order_by(ServiceRequest.received_at.desc()).limit(limit)
    ).scalars()
    policies = uow.session.execute(
        select(PolicyRecord).where(or_(*p_conds)).order_by(PolicyRecord.policy_no).limit(limit)
    ).scalars()
    items = [
        {
            "case_type": "complaint",
            "id": c.id,
            "status": c.status,
            "name": c.name,
            "phone": c.phone,
            "policy_no": c.policy_no,
            "branch": c.branch,
            "handler": c.handler,
            "date": c.received_at,
            "summary": c.summary,
            "voided": c.voided_at is not None,
        }
        for c in complaints
    ] + [
        {
            "case_type": "callback",
            "id": r.id,
            "status": r.status,
            "name": r.name,
            "phone": r.phone,
            "policy_no": r.policy_no,
            "branch": r.branch,
            "handler": r.handler,
            "date": r.registered_at or r.created_at,
            "summary": label(cb.KINDS, r.kind) + "回访",
            "voided": r.voided_at is not None,
        }
        for r in callbacks
    ] + _after_sales_items(claims, requests, policies, as_of)
    items.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
    items = items[:limit]
    nxt = _next_deadlines(uow, items, as_of)
    for i in items:
        i["next_deadline"] = nxt.get((i["case_type"], i["id"]))
    return {"query": q, "as_of": as_of, "count": len(items), "items": items}


def _next_deadlines(uow: UnitOfWork, items: list[dict], as_of: dt.date) -> dict:
    out: dict = {}
    for case_type in ("complaint", "callback", "claim"):
        ids = [i["id"] for i in items if i["case_type"] == case_type]
        if not ids:
            continue
        rows = uow.session.execute(
            select(Deadline)
            .where(
                Deadline.case_type == case_type,
                Deadline.case_id.in_(ids),
                Deadline.status.in_([str(s) for s in RUNNING]),
            )
            .order_by(Deadline.due, Deadline.due_at)
        ).scalars()
        for d in rows:
            if (case_type, d.case_id) in out:
                continue
            paused = d.status == DeadlineStatus.PAUSED
            seen = d.paused_at.date() if paused and d.paused_at else as_of
            out[(case_type, d.case_id)] = {
                "kind": d.kind,
                "due": d.due,
                "paused": paused,
                "overdue": not paused and d.due < as_of,
                "working_days_left": working_days_left(uow.calendar, seen, d.due),
            }
    return out


def _after_sales_items(claims, requests, policies, as_of: dt.date) -> list[dict]:
    """Claim reports, service requests and register policies as search items (same keys, plus
    `id_number` — the insured's, masked on output — and `holder` for policies)."""
    from ..domain import claims as cl

    out = [
        {
            "case_type": "claim", "id": c.id, "status": c.status, "name": c.insured_name, "phone": c.reporter_phone,
            "policy_no": c.policy_no, "branch": c.branch, "handler": c.handler, "date": c.reported_at,
            "summary": f"出险 {c.incident_at:%Y-%m-%d}" + (f" {c.cause}" if c.cause else "") + (" 重大案件" if c.major else ""),
            "voided": c.voided_at is not None, "id_number": c.insured_id,
        }
        for c in claims
    ] + [
        {
            "case_type": "request", "id": r.id, "status": r.status, "name": r.name, "phone": r.phone,
            "policy_no": r.policy_no, "branch": r.branch, "handler": r.handler, "date": r.received_at,
            "summary": label(cl.REQUEST_TYPES, r.type)
            + (f"({label(cl.SURRENDER_REASONS, r.reason)})" if r.reason else f": {r.content or ''}"[:40]),
            "voided": r.voided_at is not None,
        }
        for r in requests
    ]  # fmt: skip
    for p in policies:
        start = dt.datetime.combine(p.period_start, dt.time()) if p.period_start else p.created_at
        if p.period_start is None and p.period_end is None:
            status = "unknown"
        elif p.period_start and as_of < p.period_start:
            status = "not_started"
        elif p.period_end and as_of > p.period_end:
            status = "expired"
        else:
            status = "in_force"
        out.append(
            {
                "case_type": "policy", "id": p.policy_no, "status": status, "name": p.insured_name, "phone": p.phone,
                "policy_no": p.policy_no, "branch": p.branch, "handler": p.handler, "date": start,
                "summary": f"{p.product} {p.period_start or '-'} 至 {p.period_end or '-'}", "voided": False,
                "id_number": p.insured_id, "holder": p.holder,
            }
        )  # fmt: skip
    return out


POLICY_STATUS_ZH = {"in_force": "保险期间内", "expired": "已满期", "not_started": "尚未生效", "unknown": "期间未登记"}
