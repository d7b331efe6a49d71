"""`kefu search TEXT`: find a case across complaints and callbacks — the phone call "my complaint
from last week?".

What the text matches (any of them):
- a case number or a fragment of it (`TS-20261120-0001`, `20261120`, `0001`);
- a name (substring);
- a phone number: the whole number, or its last 4 digits, after normalising full-width digits,
  spaces and dashes (`１３８-1234-5678` finds 13812345678);
- a policy number (substring); a regulator reference (substring, complaints).

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
from ..store.complaint_models import Complaint
from ..store.models import Deadline
from .context import UnitOfWork

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")
_SEPARATORS = re.compile(r"[\s\-()（）\u3000]")
MAX_RESULTS = 200


def phone_query(text: str) -> str | None:
    """The text as a phone query (ASCII digits only), or None when it is not one."""
    v = _SEPARATORS.sub("", text.translate(_FULL_WIDTH)).lstrip("+")
    return v if re.fullmatch(r"[0-9]{4,20}", v) else None


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
    ]
    items.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
    items = items[:limit]
    nxt = _next_deadlines(uow, items, as_of)
    for i in items:
        i["next_deadline"] = nxt.get((i["case_type"], i["id"]))
    return {"query": q, "as_of": as_of, "count": len(items), "items": items}


def _next_deadlines(uow: UnitOfWork, items: list[dict], as_of: dt.date) -> dict:
    out: dict = {}
    for case_type in ("complaint", "callback"):
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
                "working_days_left": working_days_left(uow.calendar, seen, d.due),
            }
    return out
