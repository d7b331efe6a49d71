"""Claim reports read (理赔报案): one claim as a dict (`kefu claim show`, the data every claim
command prints), the claim list with each claim's next deadline (`kefu claim list`), and the list
filters claims and service requests share. Registration is in services/claims.py, the steps in
services/claim_steps.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, or_, select

from ..domain import claims as cl
from ..domain.codes import label, parse_code, table_of
from ..domain.deadlines import DeadlineStatus
from ..store.claim_models import Claim
from ..store.models import Deadline
from . import clock, core
from .claim_read import next_of
from .context import UnitOfWork, unit_of_work
from .deadlines import case_deadlines, case_timeline, deadline_view
from .past import past_of

CASE = "claim"

COLUMNS = tuple(Claim.model_fields)


def get(uow: UnitOfWork, claim_id: str) -> Claim:
    return core.get(uow, CASE, claim_id)


def callback_brief(uow: UnitOfWork, c: Claim) -> dict[str, Any] | None:
    if not c.callback_id:
        return None
    # one row read without the callback table's model: its classes would add to every `claim show`'s start-up
    from sqlalchemy import Date, String, text

    k = uow.session.execute(
        text("SELECT due, status, voided_at FROM callback WHERE id = :id").columns(due=Date, status=String),
        {"id": c.callback_id},
    ).first()
    if k is None:
        return {"id": c.callback_id, "due": None, "status": None, "voided": False}
    return {"id": c.callback_id, "due": k.due, "status": k.status, "voided": k.voided_at is not None}


# --- reading -------------------------------------------------------------------------------------


def view(uow: UnitOfWork, c: Claim, as_of: dt.date | None = None, events: bool = False) -> dict[str, Any]:
    """The claim as a dict: its columns, checklist, deadlines, callback and, on request, timeline."""
    as_of = as_of or uow.now.date()  # today (the clock), not the step's --at: a confirmation counts from today
    out = {k: getattr(c, k) for k in COLUMNS}
    required, received = cl.codes_of(c.materials_required), cl.codes_of(c.materials_received)
    out["claim_types"] = cl.codes_of(c.claim_types)
    out["materials_required"] = required
    out["materials_received"] = received
    out["checklist"] = [{"item": m, "label": label(cl.MATERIALS, m), "received": m in received} for m in required]
    out["missing"] = cl.missing(required, received)
    rows = case_deadlines(uow, CASE, c.id)
    out["deadlines"] = [deadline_view(d, uow.calendar, as_of) for d in rows]
    out["callback"] = callback_brief(uow, c)
    if events:
        out["events"] = case_timeline(uow, CASE, c.id, rows)
    return out


def show(db, claim_id: str, *, as_of: dt.date | None = None) -> dict[str, Any]:
    with unit_of_work(db, write=False) as uow:
        c, past = get(uow, claim_id), past_of(uow, as_of or uow.now.date())  # a past day: as it stood then
        out = view(uow, c if past is None else past.row(CASE, c), as_of=as_of or uow.now.date(), events=True)
        out = out if past is None else past.show(out)
        out["next"] = next_of(out).as_dict()
        return out


def list_filters(stmt, model, at_column, branch: str | None, handler: str | None, date_from: dt.date | None,
                 date_to: dt.date | None, policy_no: str | None):  # fmt: skip
    """The filters claim and request lists share: branch, handler, received/reported between two
    days (both included), a policy number fragment."""
    from ..domain.timeutil import check_span

    check_span(date_from, date_to)
    if branch:
        stmt = stmt.where(model.branch == branch.strip())
    if handler:
        stmt = stmt.where(model.handler == handler.strip())
    if date_from:
        stmt = stmt.where(at_column >= dt.datetime.combine(date_from, dt.time()))
    if date_to:
        stmt = stmt.where(at_column < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    if policy_no:
        stmt = stmt.where(col(model.policy_no).contains(policy_no.strip(), autoescape=True))
    return stmt


def list_(
    db,
    *,
    status: str | None = None,
    major: bool = False,
    branch: str | None = None,
    handler: str | None = None,
    reported_from: dt.date | None = None,
    reported_to: dt.date | None = None,
    policy_no: str | None = None,
    name: str | None = None,
    overdue: bool = False,
    as_of: dt.date | None = None,
    limit: int | None = None,
    all: bool = False,
) -> dict[str, Any]:
    as_of = as_of or clock.today()
    code = parse_code(_STATUS_CODES, status, "--status 状态") if status else None
    # a past day: void, status, major, branch, handler and overdue of the claims as they stood (services/past.py)
    now = as_of >= clock.today()
    stmt = select(Claim)
    if not all and now:
        stmt = stmt.where(col(Claim.voided_at).is_(None))
    if code and now:
        stmt = stmt.where(Claim.status == code)
    if major and now:
        stmt = stmt.where(Claim.major == True)  # noqa: E712 - SQL
    on = (branch, handler) if now else (None, None)
    stmt = list_filters(stmt, Claim, Claim.reported_at, *on, reported_from, reported_to, policy_no)
    if name:
        n = name.strip()
        stmt = stmt.where(or_(col(Claim.insured_name).contains(n, autoescape=True),
                              col(Claim.reporter_name).contains(n, autoescape=True)))  # fmt: skip
    if overdue and now:
        late = select(Deadline.case_id).where(
            Deadline.case_type == CASE, Deadline.status == DeadlineStatus.OPEN, Deadline.due < as_of
        )
        stmt = stmt.where(col(Claim.id).in_(late.scalar_subquery()))
    counted = stmt
    stmt = stmt.order_by(col(Claim.reported_at), col(Claim.id))
    if limit and now:
        stmt = stmt.limit(limit)
    with unit_of_work(db, write=False) as uow:
        from .masters import check_names

        check_names(uow.session, branch=branch, handler=handler)
        claims = list(uow.session.exec(stmt).all())
        more = 0  # how many more --limit left out
        past = None if now else past_of(uow, as_of)
        if past is not None:
            wanted = {"voided_at": None} if not all else {}
            wanted |= {
                k: v for k, v in (("status", code), ("major", major), ("branch", branch), ("handler", handler)) if v
            }
            wanted = {k: v.strip() if isinstance(v, str) else v for k, v in wanted.items()}
            claims = past.kept(CASE, claims, wanted, overdue)
            more = max(0, len(claims) - limit) if limit else 0
            claims = claims[:limit]
        elif limit and len(claims) == limit:
            more = count_of(uow, counted) - limit
        nxt = next_deadlines(uow, [c.id for c in claims], as_of, past)
        items = []
        for c in claims:
            row = {k: getattr(c, k) for k in LIST_KEYS}
            required, received = cl.codes_of(c.materials_required), cl.codes_of(c.materials_received)
            row["claim_types"] = cl.codes_of(c.claim_types)
            row["missing"] = cl.missing(required, received)
            row["next_deadline"] = nxt.get(c.id)
            items.append(row)
    return {"as_of": as_of, "count": len(items), "items": items} | ({"more": more} if limit else {})


def count_of(uow, stmt) -> int:
    """How many rows the select `stmt` (unordered, unlimited) gives."""
    from sqlalchemy import func

    return uow.session.exec(select(func.count()).select_from(stmt.subquery())).one()


LIST_KEYS = (
    "id", "status", "reported_at", "channel", "policy_no", "product", "insured_name", "insured_id", "incident_at",
    "reporter_name", "reporter_phone", "major", "escalated_at", "result", "callback_id", "branch", "handler",
    "voided_at",
)  # fmt: skip
_STATUS_CODES = table_of(cl.STATUS_ZH)


def next_deadlines(uow: UnitOfWork, ids: list[str], as_of: dt.date, past=None) -> dict[str, dict]:
    """The earliest running deadline of each claim, for lists: the case's next deadline as every
    list finds it (services/reports.py `running_of`) and judges it (`domain.report.judge`)."""
    from ..domain.report import judge
    from .deadline_query import running_of

    out: dict[str, dict] = {}
    units = {}
    nxt = {case_id: rows[0] for case_id, rows in running_of(uow, CASE, ids, past).items()}
    if nxt:
        q = select(Deadline.id, Deadline.unit).where(col(Deadline.id).in_([d.id for d in nxt.values()]))
        units = dict(uow.session.exec(q).all())
    for case_id, d in nxt.items():
        j = judge(uow.calendar, as_of, d.status, d.due, d.due_at, d.breached, d.paused_at)
        out[case_id] = {
            "kind": d.kind, "due": d.due, "due_at": d.due_at, "unit": units.get(d.id), "provisional": d.provisional,
            "overdue": j.overdue, "breached": j.breached, "working_days_left": j.working_days_left,
            "left_provisional": j.left_provisional,
        }  # fmt: skip
    return out
