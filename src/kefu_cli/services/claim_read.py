"""`kefu claim show` read as SQL text on a current SQLite file through plain sqlite3, without the
ORM's start-up: the dict services/claim_views.py `show` gives (tests/test_quick_show.py reads
both ways). A past day, another database or an unknown number take the unit of work.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..domain import claims as cl
from ..domain.codes import label
from .deadline_query import case_deadline_rows, day_of, deadline_view, timeline_of, when_of
from .report_source import sql_rows

if TYPE_CHECKING:
    from .report_source import QuickSource

CASE = "claim"

# The columns of store/claim_models.py `Claim`, in its order (tests/test_quick_show.py checks it).
COLUMNS = (
    "id", "status", "reported_at", "channel", "policy_no", "product", "line", "holder", "insured_name", "insured_id",
    "period_start", "period_end", "sum_insured", "incident_at", "incident_place", "cause", "course", "injury",
    "measures", "present_state", "hospital", "reporter_name", "reporter_phone", "reporter_address",
    "reporter_relation", "known_date", "limitation_years", "limitation_end", "check_period", "check_cover",
    "check_limitation", "refusal_reason", "deaths", "estimate", "dispute", "litigation", "outcome_uncertain", "major",
    "major_reasons", "major_at", "escalated_at", "escalated_to", "claim_types", "materials_required",
    "materials_received", "applicant_name", "applicant_phone", "applied_at", "complete_at", "handed_over_at",
    "handed_over_to", "closed_at", "result", "result_reason", "paid_amount", "callback_id", "branch", "handler",
    "registered_at", "voided_at", "void_reason", "created_at", "created_by", "updated_at",
)  # fmt: skip
_DAYS = frozenset({"period_start", "period_end", "known_date", "limitation_end"})
_FLAGS = frozenset({"check_period", "check_cover", "check_limitation", "litigation", "outcome_uncertain", "major"})


def _typed(values) -> dict[str, Any]:
    out = dict(zip(COLUMNS, values, strict=True))
    for k, v in out.items():
        if v is None:
            continue
        if k in _DAYS:
            out[k] = day_of(v)
        elif k in _FLAGS:
            out[k] = bool(v)
        elif k.endswith("_at"):
            out[k] = when_of(v)
    return out


def _callback(src, callback_id: str | None) -> dict[str, Any] | None:
    """services/claim_views.py `callback_brief` on either source."""
    if not callback_id:
        return None
    found = sql_rows(src, "SELECT due, status, voided_at FROM callback WHERE id = :id", {"id": callback_id})
    if not found:
        return {"id": callback_id, "due": None, "status": None, "voided": False}
    due, status, voided = found[0]
    return {
        "id": callback_id,
        "due": None if due is None else day_of(due),
        "status": status,
        "voided": voided is not None,
    }


def show(src: QuickSource, claim_id: str, as_of: dt.date) -> dict[str, Any] | None:
    """claim_views `view(…, events=True)` and `next` of today's claim report (None: no such number)."""
    key = (claim_id or "").strip().upper()
    found = sql_rows(src, f"SELECT {', '.join(COLUMNS)} FROM claim WHERE id = :id", {"id": key})  # noqa: S608
    if not found:
        return None
    out = _typed(found[0])
    required, received = cl.codes_of(out["materials_required"]), cl.codes_of(out["materials_received"])
    out["claim_types"] = cl.codes_of(out["claim_types"])
    out["materials_required"] = required
    out["materials_received"] = received
    out["checklist"] = [{"item": m, "label": label(cl.MATERIALS, m), "received": m in received} for m in required]
    out["missing"] = cl.missing(required, received)
    rows = case_deadline_rows(src, CASE, out["id"])
    out["deadlines"] = [deadline_view(d, src.calendar, as_of) for d in rows]
    out["callback"] = _callback(src, out["callback_id"])
    out["events"] = timeline_of(src, CASE, out["id"], [d.id for d in rows])
    out["next"] = next_of(out).as_dict()
    return out


def quick_show(db, claim_id: str, as_of: dt.date | None) -> dict[str, Any] | None:
    """`show` on a current SQLite file for today or a later day (None: take the unit of work)."""
    from ..store import quick
    from . import clock
    from .report_source import QuickSource

    if as_of is not None and as_of < clock.today():
        return None
    with quick.connect(db) as conn:
        if conn is None:
            return None
        return show(QuickSource(conn), claim_id, as_of or clock.today())


def next_of(data: dict):
    """The claim report's next action (domain/next_step.py) from its status and running deadlines."""
    from ..domain.next_step import claim_next, running_kinds

    return claim_next(data["status"], running_kinds(data["deadlines"]), data["id"], bool(data.get("voided_at")))
