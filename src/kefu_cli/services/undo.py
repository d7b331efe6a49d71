"""Undo, for every case type: the most recent step of a case reversed by a compensating `undo` event.

`kefu complaint|claim|request|callback undo ID --reason`: the last state change of a case (an
acceptance entered on the wrong case, a claim closed too early …) is reversed. Everything that
step's transaction did is reversed: the case's columns (as the fold of its events before the step
has them), each deadline it touched (back to the state its last earlier event recorded; a deadline
the step opened is voided), the callback it scheduled (voided), a callback problem it answered
(open again). The history keeps both the step and its undo; `db verify` folds both.

Each case type declares one `CaseUndo` row in `UNDO`: its fold (domain/complaint.apply,
domain/claims.apply, domain/requests.apply_request, domain/callback.apply), the actions that are its steps, those
undo may reverse, and the Chinese names of its steps. Refused (one sentence, nothing changed):
a case without a step after its registration (registration itself is undone by `void`), a voided
case, an undo dated before the case's last event, a step after which a deadline it touched or a
callback it scheduled changed again, a step undo can not reverse (a callback attempt: the call
stays on record).

The undo event carries `restore` (the case's columns as before the step) and the row is the fold
of that event (services/edit.py `fold_into`: domain `apply` reads `undo` with its `restore`), as
every other step's row is. A deadline row is set back to the snapshot its last earlier event
recorded, and its own `undo` event records the state it is back in (the deadline fold,
domain/rows.py, reads that state).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlmodel import col, select

from ..domain import callback as cb
from ..domain import claims as cl
from ..domain import complaint as sm
from ..domain import requests as rq
from ..domain.deadlines import DEADLINE_KIND_ZH, OWN_HOLDER, RUNNING, DeadlineKind
from ..domain.effects import deadline_changes
from ..domain.errors import RuleError
from ..domain.text import REASON_MAX, clean_text
from ..store.models import AuditEvent, Deadline
from . import core
from .context import UnitOfWork, unit_of_work
from .deadlines import record, void_deadline
from .edit import fold_into

Fold = Callable[[dict, AuditEvent, dict], dict]


def _callback_fold(state: dict, e: AuditEvent, details: dict) -> dict:
    """domain/callback.apply, and the outcome columns an ending step sets (the fold does not
    carry them yet): undoing an ending step clears them on the row."""
    s = cb.apply(state, e.action, e.at, e.to_status, details)
    if e.action == "add":
        s.update(outcome_method=None, outcome_reason=None)
    elif e.action == "attempt" and details.get("result") in {r.value for r in cb.ENDING}:
        s.update(outcome_method=details.get("method"), outcome_reason=details.get("note"))
    elif e.action in ("unreachable", "cancel"):
        s.update(outcome_method=None, outcome_reason=details.get("reason"))
    return s


def _reopen_followup(uow: UnitOfWork, row, step: AuditEvent, details: dict) -> dict[str, Any]:
    """Undoing `callback resolve`: the problem it answered is open again (its reply deadline comes
    back with the deadlines of the step)."""
    from ..store.callback_models import CallbackFollowup

    if step.action != "resolve" or details.get("followup_id") is None:
        return {}
    f = uow.session.get(CallbackFollowup, details["followup_id"])
    if f is None:
        return {}
    before = {"reply": f.reply, "resolved_at": f.resolved_at, "resolved_by": f.resolved_by}
    f.reply = f.resolved_at = f.resolved_by = None
    uow.session.add(f)
    return {"followup": {"id": f.id, "before": before}}


@dataclass(frozen=True)
class CaseUndo:
    """What undo needs to know of a case type."""

    case_type: str  # the audit entity, the casework case type
    zh: str  # 投诉
    fold: Fold  # the case's columns after one of its events
    steps: frozenset[str]  # the actions that are steps (undo takes back the last one)
    undoable: frozenset[str]  # of those, the ones undo may reverse
    event_zh: Mapping[str, str]  # a step as a clerk reads it
    why_not: str = ""  # a step undo may not reverse: what to do instead ({id} is the case)
    linked: Callable[[UnitOfWork, Any, AuditEvent, dict], dict[str, Any]] | None = None  # its own linked rows


COMPLAINT_STEPS = frozenset({a.value for a in sm.Action if a is not sm.Action.RECEIVE_MERGE} | {"merge_in"})
CLAIM_STEPS = frozenset({"major", "escalate", "apply", "materials", "handover", "close"})
CLAIM_EVENT_ZH = {"major": "认定重大案件", "escalate": "向总部呈报", "apply": "受理理赔申请",
                  "materials": "登记收到材料", "handover": "移交保险公司", "close": "结案"}  # fmt: skip
CALLBACK_STEPS = frozenset({"attempt", "problem", "resolve", "unreachable", "cancel", "reschedule"})

UNDO: dict[str, CaseUndo] = {
    "complaint": CaseUndo(
        "complaint", "投诉", lambda s, e, d: sm.apply(s, e.action, e.at, e.clerk, e.to_status, d),
        COMPLAINT_STEPS, COMPLAINT_STEPS, sm.EVENT_ZH,
    ),
    "claim": CaseUndo(
        "claim", "理赔报案", lambda s, e, d: cl.apply(s, e.action, e.at, e.clerk, e.to_status, d),
        CLAIM_STEPS, CLAIM_STEPS, CLAIM_EVENT_ZH,
    ),
    "request": CaseUndo(
        "request", "保全请求", lambda s, e, d: rq.apply_request(s, e.action, e.at, e.clerk, e.to_status, d),
        frozenset({"close"}), frozenset({"close"}), {"close": "办结"},
    ),
    "callback": CaseUndo(
        "callback", "回访", _callback_fold, CALLBACK_STEPS, CALLBACK_STEPS - {"attempt", "problem"}, cb.EVENT_ZH,
        why_not="每次回访(含发现的问题)都如实保留并计入回访次数,不能撤销;如记录有误,请用 `kefu callback note {id} …` 说明",
        linked=_reopen_followup,
    ),
}  # fmt: skip


# --- the events of a case and of its step's transaction -------------------------------------------


def _kind_zh(kind: str) -> str:
    return DEADLINE_KIND_ZH.get(DeadlineKind(kind), kind) if kind in set(DeadlineKind) else kind


def _events(uow: UnitOfWork, entity: str, entity_id: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return list(uow.session.exec(stmt.order_by(col(AuditEvent.id))).all())


def _details(e: AuditEvent) -> dict:
    return json.loads(e.details or "{}")


def _changes(e: AuditEvent) -> list[SimpleNamespace]:
    """The deadline changes event `e` records (domain/effects.py), each like a `deadline` event:
    the carrying event's id, time and clerk, the change's action and details."""
    event = {"id": e.id, "at": e.at, "recorded_at": e.recorded_at, "clerk": e.clerk, "entity": e.entity,
             "entity_id": e.entity_id, "action": e.action, "from_status": e.from_status, "to_status": e.to_status}  # fmt: skip
    return [
        SimpleNamespace(**change, details=json.dumps(d, ensure_ascii=False))
        for change, d in deadline_changes(event, _details(e))
    ]


def _deadline_history(uow: UnitOfWork, d: Deadline) -> list[SimpleNamespace]:
    """Every change of deadline `d`, in the order written: its `deadline` events of their own and
    the effects its case's events carry."""
    stmt = select(AuditEvent).where(
        ((AuditEvent.entity == "deadline") & (AuditEvent.entity_id == str(d.id)))
        | ((AuditEvent.entity == d.case_type) & (AuditEvent.entity_id == d.case_id))
    )
    events = uow.session.exec(stmt.order_by(col(AuditEvent.id))).all()
    return [c for e in events for c in _changes(e) if c.entity_id == str(d.id)]


def _fold(spec: CaseUndo, events: list[AuditEvent], upto: int) -> dict:
    """The case's columns after its events before event id `upto`."""
    state: dict = {}
    for e in events:
        if e.id >= upto:
            break
        state = spec.fold(state, e, _details(e))
    return state


TXN_WINDOW = 500  # events one step's transaction may write around it (a merge with its callbacks: ~15)


def _transaction(uow: UnitOfWork, step: AuditEvent) -> list[AuditEvent]:
    """The events written in the same transaction as `step`: the same write time and clerk,
    contiguous in the chain around it."""
    # a case step writes a handful of events: look near the step by primary key (no scan of the log)
    near = col(AuditEvent.id).between(step.id - TXN_WINDOW, step.id + TXN_WINDOW)
    stmt = select(AuditEvent).where(near, AuditEvent.recorded_at == step.recorded_at, AuditEvent.clerk == step.clerk)
    same = {e.id: e for e in uow.session.exec(stmt).all()}
    lo = hi = step.id
    while lo - 1 in same:
        lo -= 1
    while hi + 1 in same:
        hi += 1
    return [same[i] for i in range(lo, hi + 1)]


def _column_value(model, column: str, value: Any) -> Any:
    """A value of the fold (event JSON: dates as text) as the row's column holds it."""
    import sqlalchemy as sa

    c = model.__table__.columns.get(column)
    if not isinstance(value, str) or c is None:
        return value
    if isinstance(c.type, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(c.type, sa.Date):
        return dt.date.fromisoformat(value)
    return value


# --- undo ---------------------------------------------------------------------------------------


def _later_changes(uow: UnitOfWork, history: list[AuditEvent], last: int) -> list[AuditEvent]:
    """A deadline's changes after event `last`, but a reassignment and a later step that was itself
    undone (its events and its undo leave the deadline as it was)."""
    later = [e for e in history if e.id > last and e.action != "assign"]
    cancelled: set[int] = set()
    for e in later:
        if e.action == "undo":
            cancelled.add(e.id)
            step = uow.session.get(AuditEvent, _details(e).get("undone"))
            if step is not None:
                cancelled |= {x.id for x in _transaction(uow, step)}
    return [e for e in later if e.id not in cancelled]


def _restore_deadlines(uow: UnitOfWork, spec: CaseUndo, case_id: str, step: AuditEvent, step_zh: str,
                       txn: list[AuditEvent], why: str) -> list[dict[str, Any]]:  # fmt: skip
    """Each deadline the step touched, back to its state before the step (void if it opened it)."""
    from .casework import model_of

    first, last = txn[0].id, txn[-1].id
    restored = []
    for did in sorted({int(c.entity_id) for e in txn for c in _changes(e)}):
        d = uow.session.get(Deadline, did)
        history = _deadline_history(uow, d)
        later = _later_changes(uow, history, last)
        if later:
            raise RuleError(
                f"{spec.zh} {case_id} 的“{step_zh}”之后,期限“{_kind_zh(d.kind)}”又有变动({later[0].action},"
                f"{later[0].at:%Y-%m-%d %H:%M}),不能撤销这一步;请用 {spec.case_type} edit 更正或联系管理员"
            )
        prior = [e for e in history if e.id < first and "state" in _details(e)]
        state_before = d.status
        if not prior:
            void_deadline(uow, d, f"撤销“{step_zh}”: {why}")
            restored.append({"deadline": d.id, "case_type": d.case_type, "case_id": d.case_id, "kind": d.kind,
                             "kind_zh": _kind_zh(d.kind), "to": "void"})  # fmt: skip
            continue
        snap = _details(prior[-1])["state"]
        for e in history:  # a resume added the pause to the period: take it back
            if first <= e.id <= last and e.action == "resume":
                added = _details(e).get("added") or 0
                if d.unit == "workdays":
                    d.extra_workdays -= added
                else:
                    d.paused_days -= added
        d.status = snap["status"]
        d.start_at = dt.datetime.fromisoformat(snap["start_at"])
        d.due, d.due_at = dt.date.fromisoformat(snap["due"]), dt.datetime.fromisoformat(snap["due_at"])
        d.provisional, d.breached = bool(snap["provisional"]), bool(snap.get("breached", d.breached))
        for k in ("paused_at", "met_at", "closed_at"):
            setattr(d, k, dt.datetime.fromisoformat(snap[k]) if snap.get(k) else None)
        holder = uow.session.get(model_of(d.case_type), d.case_id)
        if d.status in RUNNING and holder is not None and d.kind not in OWN_HOLDER:  # running again: held by
            # whoever holds the case now (a rectification by its owner, as its snapshot has it)
            d.branch, d.handler = holder.branch, holder.handler
        d.updated_at = uow.recorded_at
        uow.session.add(d)
        record(uow, d, "undo", state_before, undone=step.id, reason=why)
        restored.append({"deadline": d.id, "case_type": d.case_type, "case_id": d.case_id, "kind": d.kind,
                         "kind_zh": _kind_zh(d.kind), "to": d.status})  # fmt: skip
    return restored


def _void_callbacks(uow: UnitOfWork, spec: CaseUndo, case_id: str, step_zh: str, txn: list[AuditEvent],
                    why: str) -> list[str]:  # fmt: skip
    """The callbacks the step scheduled (a complaint's decision, a claim's closing): voided, not
    if a call was already made."""
    from .casework import _void_one, model_of

    Callback = model_of("callback")
    last = txn[-1].id
    voided = []
    for e in txn:
        if e.entity == "callback" and e.action == "add" and e.entity_id != case_id:
            cbk = uow.session.get(Callback, e.entity_id)
            if cbk is None or cbk.voided_at is not None:
                continue
            if any(x.id > last for x in _events(uow, "callback", cbk.id)):
                raise RuleError(f"“{step_zh}”安排的回访 {cbk.id} 已有回访记录,不能撤销这一步")
            _void_one(uow, "callback", cbk, f"撤销{spec.zh} {case_id} 的“{step_zh}”: {why}", cause=case_id)
            voided.append(cbk.id)
    return voided


def undo(db, case_type: str, case_id: str, *, reason: str, clerk=None, at=None) -> dict[str, Any]:
    """`kefu <case type> undo ID --reason`: reverse the most recent step of a case."""
    from .casework import _case, model_of

    spec = UNDO[case_type]
    model = model_of(case_type)
    why = clean_text(reason, "--reason 撤销原因", REASON_MAX, required=True, multiline=True,
                     example=f"误操作,应为另一件{spec.zh}")  # fmt: skip
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        c = _case(uow, case_type, case_id)
        events = _events(uow, case_type, c.id)
        undone = {i for e in events if e.action == "undo" for i in _details(e).get("undone", [])}
        step = next((e for e in reversed(events) if e.action in spec.steps and e.id not in undone), None)
        if step is None:
            raise RuleError(f"{spec.zh} {c.id} 登记后没有可撤销的办理步骤;"
                            f"误登记的案件请用 `kefu {case_type} void {c.id} --reason …`")  # fmt: skip
        step_zh = spec.event_zh.get(step.action, step.action)
        if step.action not in spec.undoable:
            raise RuleError(f"{spec.zh} {c.id} 的上一步是“{step_zh}”({step.at:%Y-%m-%d %H:%M}): "
                            + spec.why_not.format(id=c.id))  # fmt: skip
        txn = _transaction(uow, step)
        restored = _restore_deadlines(uow, spec, c.id, step, step_zh, txn, why)
        voided = _void_callbacks(uow, spec, c.id, step_zh, txn, why)

        # the cases the step changed (this one; a merge also the other complaint)
        changed = []
        for e in txn:
            if e.entity != case_type:
                continue
            row = c if e.entity_id == c.id else uow.session.get(model, e.entity_id)
            history = _events(uow, case_type, row.id)
            before, after = _fold(spec, history, e.id), _fold(spec, history, e.id + 1)
            restore = {k: before.get(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}
            if row.id != c.id:
                uow.check_order(case_type, row.id, f"{spec.zh} {row.id}")
            now_status, state = row.status, core.state_of(row)
            to = restore["status"] if "status" in restore and "status" in state else now_status
            extra = spec.linked(uow, row, e, _details(e)) if spec.linked else {}
            details = dict(reason=why, undone=[e.id], undone_action=e.action,
                           undone_action_zh=spec.event_zh.get(e.action, e.action), restore=restore,
                           deadlines=[r["deadline"] for r in restored], callbacks=voided, **extra)  # fmt: skip
            uow.audit(case_type, row.id, "undo", now_status, to, **details)
            # the row is the fold of its undo event (the restored values as its columns hold them)
            typed = {k: _column_value(model, k, v) for k, v in restore.items()}
            fold_into(uow, case_type, row, state, "undo", to, details | {"restore": typed})
            changed.append(row.id)
        # a written notice already sent about the step stays sent: the clerk is told to correct it
        sent = [_details(e).get("type") for e in events if e.action == "notice" and e.id > step.id]
        return {"case_type": case_type, "id": c.id, "notices_sent": sent,
                "undone": {"event": step.id, "action": step.action,
                "action_zh": step_zh, "at": step.at, "clerk": step.clerk}, "status": c.status, "reason": why,
                "deadlines": restored, "callbacks": voided,
                "complaints": changed if case_type == "complaint" else [], "at": uow.at}  # fmt: skip
