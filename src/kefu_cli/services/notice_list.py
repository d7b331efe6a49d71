"""`kefu notice list`: the notices issued (登记发出的告知书), each with how it went out and the proof
of telling kept for it (2020 rule Art. 21: `via`, `proof`, `proven`), for one complaint or all."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from ..domain import notices as nd
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent
from .context import unit_of_work

CASE = "complaint"


def issued(
    db: str | None, complaint_id: str | None = None, *, unproven: bool = False, branch: str | None = None
) -> dict[str, Any]:
    """The notices issued (`notice` events) of complaint `complaint_id`, or of every complaint not
    voided (of `branch`); with `unproven`, only those without a proof reference."""
    case_key = None
    with unit_of_work(db, write=False) as uow:
        stmt = select(AuditEvent, Complaint).where(
            AuditEvent.entity == CASE, AuditEvent.action == "notice", AuditEvent.entity_id == Complaint.id
        )
        if complaint_id is not None:
            from .complaint_views import get

            case_key = get(uow, complaint_id).id
            stmt = stmt.where(Complaint.id == case_key)
        else:
            stmt = stmt.where(col(Complaint.voided_at).is_(None))
            if branch:
                from .masters import check_names

                check_names(uow.session, branch=branch)
                stmt = stmt.where(Complaint.branch == branch.strip())
        items = []
        for e, c in uow.session.exec(stmt.order_by(col(AuditEvent.at), col(AuditEvent.id))).all():
            row = nd.issued_view(e.at, e.clerk, json.loads(e.details or "{}"), case_id=e.entity_id)
            row["branch"] = c.branch
            if not (unproven and row["proven"]):
                items.append(row)
    return {
        "id": case_key,
        "branch": branch,
        "unproven_only": unproven,
        "count": len(items),
        "unproven": sum(1 for i in items if not i["proven"]),
        "items": items,
    }
