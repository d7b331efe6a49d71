"""What every case type shares: notes and the contact log, and reassignment.

Both are events on the case (entity `complaint` or `callback`), checked against the case's
previous step like every other step, in one transaction with their effects:

- `note`: a conversation, a document received or an attachment reference; the case's state is
  unchanged (from_status = to_status), `show` lists it in the timeline.
- `void`: a case registered by mistake (a duplicate entry, a test) is voided, never deleted: it
  leaves lists, reports and statistics (its deadlines become `void`, each with its event), stays
  visible with `--all` and in `show`, and can not be changed afterwards. Voiding a complaint voids
  the callbacks its registration or decision scheduled.
- `assign`: a new handler (and branch); the case row and every running deadline of the case move
  to them, each deadline with its own event, so a report counts a deadline for the handler who
  holds it now and a report as of an earlier day for the one who held it then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import callback as cb
from ..domain import complaint as sm
from ..domain.codes import CodeTable, parse_code
from ..domain.deadlines import OWN_HOLDER, RUNNING, DeadlineStatus
from ..domain.errors import RuleError
from ..domain.text import NOTE_MAX, REASON_MAX, SHORT_MAX, clean_text
from . import core
from .context import UnitOfWork, unit_of_work
from .deadlines import case_deadlines, open_deadlines, record, void_deadline
from .masters import ensure_branch, ensure_handler

CONTACTS: CodeTable = {
    "phone": ("电话", ("电话联系", "来电", "去电")),
    "visit": ("面谈", ("现场", "上门", "来访")),
    "letter": ("信函", ("书面", "邮寄")),
    "email": ("电子邮件", ("邮件", "email")),
    "other": ("其他", ()),
}

# case type -> (its table model as module:class, Chinese name, an example number, where to find one);
# the case types and their table are services/core.py's `CASES`.
CASES = {
    t: (core.CASES[t].model, core.CASES[t].zh, core.CASES[t].example, core.CASES[t].finder)
    for t in ("complaint", "callback", "claim", "request")
}
model_of = core.model_of
# The statuses in which a case is still being handled (may be reassigned).
STILL_OPEN = {
    "complaint": frozenset(str(s) for s in sm.OPEN_STATUSES),
    "callback": frozenset({str(cb.Status.OPEN)}),
    "claim": frozenset({"reported", "applying", "complete", "handed_over"}),
    "request": frozenset({"open"}),
}


def _case(uow: UnitOfWork, case_type: str, case_id: str):
    """The case, not voided, for a step dated in order (services/core.py)."""
    row = core.get(uow, case_type, case_id)
    core.guard(uow, case_type, row, received=False)
    return row


def _event(uow: UnitOfWork, case_type: str, row, action: str, **details) -> None:
    """The case's event with the row's columns from its fold (services/core.py `step`)."""
    core.step(uow, case_type, row, action, (row.status, row.status), None, **details)


def note(
    db,
    case_type: str,
    case_id: str,
    text: str,
    *,
    contact: str | None = None,
    ref: str | None = None,
    clerk=None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Record a note on a case (a conversation, a document, an attachment reference)."""
    body = clean_text(text, "备注内容", NOTE_MAX, required=True, multiline=True, example="客户来电询问进度,已告知")
    code = parse_code(CONTACTS, contact, "--contact 联系方式") if contact else None
    reference = clean_text(ref, "--ref 附件或编号", SHORT_MAX * 4) or None
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        row = _case(uow, case_type, case_id)
        # an event only (the row is unchanged), with its transaction's write time (services/core.py `event`)
        core.event(
            uow, case_type, row.id, "note", row.status, row.status, {"text": body, "contact": code, "ref": reference}
        )
        return {"case_type": case_type, "id": row.id, "at": uow.at, "clerk": uow.clerk, "text": body,
                "contact": code, "ref": reference}  # fmt: skip


def assign(
    db,
    case_type: str,
    case_id: str,
    *,
    handler: str,
    branch: str | None = None,
    new_handler: bool = False,
    new_branch: bool = False,
    clerk=None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Give a case (and its running deadlines) to another handler, optionally of another branch.
    Both must be on the master lists (or added with `new_handler` / `new_branch`)."""
    handler_name = clean_text(handler, "--handler 处理人", SHORT_MAX, required=True, example="王强")
    branch_name = clean_text(branch, "--branch 机构", SHORT_MAX) if branch is not None else None
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        row = _case(uow, case_type, case_id)
        zh = CASES[case_type][1]
        # A case that ended may still get notes (a later call about it); it is not reassigned.
        still_open = row.status in STILL_OPEN[case_type]
        if not still_open:
            raise RuleError(f"{zh} {row.id} 已办结,不能再改派;需要记录后续联系请用 note")
        from ..domain.major import check_not_about

        check_not_about(handler_name, getattr(row, "about", None), row.id)  # a complaint's 被投诉人 (Art. 17)
        target_branch = branch_name if branch_name is not None else row.branch
        if branch_name is not None:
            ensure_branch(uow, target_branch, new_branch)
        ensure_handler(uow, handler_name, target_branch, new_handler)
        if (handler_name, target_branch) == (row.handler, row.branch):
            raise RuleError(f"{zh} {row.id} 已由 {row.branch or '-'} {row.handler or '-'} 处理,无需改派")
        before = {"handler": row.handler, "branch": row.branch}
        moved = []
        for d in open_deadlines(uow, case_type, row.id, None, RUNNING):
            if d.kind in OWN_HOLDER:  # a rectification stays with its owner
                continue
            d.handler, d.branch = handler_name, target_branch
            d.updated_at = uow.recorded_at
            uow.session.add(d)
            record(uow, d, "assign", d.status, handler_before=before["handler"], branch_before=before["branch"])
            moved.append(d.kind)
        _event(
            uow,
            case_type,
            row,
            "assign",
            handler=handler_name,
            branch=target_branch,
            handler_before=before["handler"],
            branch_before=before["branch"],
            deadlines=moved,
        )
        return {"case_type": case_type, "id": row.id, "handler": handler_name, "branch": target_branch,
                "before": before, "deadlines": moved, "at": uow.at}  # fmt: skip


def _void_one(uow: UnitOfWork, case_type: str, row, reason: str, cause: str | None = None) -> list[str]:
    kinds = []
    for d in case_deadlines(uow, case_type, row.id):
        if d.status != DeadlineStatus.VOID:
            void_deadline(uow, d, reason)
            kinds.append(d.kind)
    _event(uow, case_type, row, "void", reason=reason, deadlines=kinds, cause=cause)
    return kinds


def void(db, case_type: str, case_id: str, *, reason: str, clerk=None, at: dt.datetime | None = None) -> dict:
    """Void a case registered by mistake (and the callbacks it scheduled: a complaint's, a claim's)."""
    why = clean_text(reason, "--reason 作废原因", REASON_MAX, required=True, multiline=True, example="重复登记")
    if isinstance(db, UnitOfWork):  # replayed in the caller's unit of work, at its time (services/complaint_replay.py)
        return _void(db, case_type, case_id, why)
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return _void(uow, case_type, case_id, why)


def _void(uow: UnitOfWork, case_type: str, case_id: str, why: str) -> dict:
    """`void` in a unit of work (the complaint import replays a void in its own)."""
    row = _case(uow, case_type, case_id)
    kinds = _void_one(uow, case_type, row, why)
    also = []
    linked = []
    Callback = model_of("callback")
    if case_type == "complaint":
        from sqlmodel import select

        linked = uow.session.exec(
            select(Callback).where(Callback.complaint_id == row.id, Callback.voided_at.is_(None))
        ).all()
    elif case_type == "claim" and row.callback_id:  # the claim callback its closing scheduled
        k = uow.session.get(Callback, row.callback_id)
        linked = [k] if k is not None and k.voided_at is None else []
    for cbk in linked:
        _void_one(uow, "callback", cbk, why, cause=row.id)
        also.append(cbk.id)
    return {"case_type": case_type, "id": row.id, "voided_at": uow.at, "reason": why, "deadlines": kinds,
            "callbacks": also}  # fmt: skip
