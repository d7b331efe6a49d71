"""Corrections: mistakes are corrected by audited events, never by editing rows quietly.

- `edit_complaint` / `edit_callback`: a registration's fields (a typo, a wrong receipt time), by
  the one edit of every case type (services/edit.py); here are the complaint's and the callback's
  tables (`COMPLAINT_EDIT`, `CALLBACK_EDIT`): fields, cleaners, checks and deadline effects.
  The event (`edit`) keeps the old and the new values and the reason. A changed receipt time
  moves every deadline that ran from it (the case's, and its regulator callback's), each with
  its own `recompute` event; a changed channel into or out of 监管转办 starts or closes the
  regulator's report deadline. A breach already recorded stays recorded: a correction can make
  a deadline late, never erase a breach.
- `undo_complaint`: the most recent state change of a complaint reversed by a compensating
  `undo` event — services/undo.py, the same code for every case type.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select

from ..domain import callback as cb
from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, parse_code
from ..domain.deadlines import DEADLINE_KIND_ZH, RUNNING, DeadlineKind, DeadlineStatus
from ..domain.errors import InputError, RuleError
from ..domain.text import clean_text, phone_number
from ..domain.timeutil import check_not_future, check_range, iso_date
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, Deadline
from . import core
from .context import UnitOfWork
from .deadlines import case_deadlines, close_deadline, recompute, record
from .edit import EditSpec, edit, fold_into, plain


def _callback_model():
    """The callback table's model, imported by the corrections that touch callbacks only (a
    complaint edit of a name or a summary does not define its classes at start-up)."""
    from ..store.callback_models import Callback

    return Callback

# The fields `complaint edit` corrects: option name -> (column, label).
COMPLAINT_FIELDS = {
    "name": ("name", "投诉人姓名"),
    "phone": ("phone", "联系电话"),
    "relation": ("relation", "与消费者关系"),
    "policy": ("policy_no", "保单号"),
    "summary": ("summary", "投诉内容"),
    "category": ("category", "投诉类别"),
    "channel": ("channel", "受理方式"),
    "branch": ("branch", "机构"),
    "handler": ("handler", "处理人"),
    "received": ("received_at", "接收时间"),
    "regulator_ref": ("regulator_ref", "监管转办编号"),
    "regulator_due": ("regulator_due", "监管报告期限"),
    "dispute": ("dispute", "纠纷类型"),
    "line": ("product_line", "险种"),
    "cause": ("cause", "根本原因"),  # of the decision (溯源整改): a decided complaint's only
    "about": ("about", "被投诉人"),  # Art. 17: may not be the handler (domain/major.py)
}
CALLBACK_FIELDS = {
    "name": ("name", "客户姓名"),
    "phone": ("phone", "联系电话"),
    "policy": ("policy_no", "保单号"),
    "product": ("product", "险种"),
    "branch": ("branch", "机构"),
    "handler": ("handler", "回访人"),
    "receipt_date": ("receipt_date", "回执签收日"),
    "cooling_off": ("cooling_off_days", "犹豫期天数"),
    "closed_date": ("closed_date", "理赔结案日"),
    "due": ("due", "回访期限"),
}


def _kind_zh(kind: str) -> str:
    return DEADLINE_KIND_ZH.get(DeadlineKind(kind), kind) if kind in set(DeadlineKind) else kind


def _moved(d: Deadline, due_before: dt.date) -> dict[str, Any]:
    return {"deadline": d.id, "case_id": d.case_id, "kind": d.kind, "kind_zh": _kind_zh(d.kind),
            "due_before": due_before, "due_after": d.due}  # fmt: skip


def _restart(uow: UnitOfWork, d: Deadline, start_at: dt.datetime, why: str, **fixed) -> dict[str, Any] | None:
    """Move a deadline's start (and, for callbacks, its amount or fixed date) and recompute its
    due date; closed rows too (their verdict follows the corrected date; a breach stays)."""
    before_due, before_start = d.due, d.start_at
    if d.basis and before_start != start_at:
        d.basis = d.basis.replace(f"{before_start:%Y-%m-%d %H:%M}", f"{start_at:%Y-%m-%d %H:%M}")
        d.basis = d.basis.replace(f"{before_start:%Y-%m-%d}", f"{start_at:%Y-%m-%d}")[:255]
    d.start_at = start_at
    for k, v in fixed.items():
        setattr(d, k, v)
    due = recompute(d, uow)
    if (due.due, due.provisional, before_start) == (d.due, d.provisional, start_at) and not fixed:
        return None
    d.due, d.due_at, d.provisional = due.due, due.due_at, due.provisional
    if d.status not in RUNNING and d.closed_at is not None:
        moment = d.paused_at or d.closed_at
        d.breached = bool(d.breached or (d.status == DeadlineStatus.MET and moment > d.due_at))
    d.updated_at = uow.recorded_at
    uow.session.add(d)
    record(uow, d, "recompute", d.status, reason=why, start_before=before_start, start_after=start_at,
           due_before=iso_date(before_due), due_after=iso_date(d.due))  # fmt: skip
    return _moved(d, before_due) if d.due != before_due else None  # only dates that moved are said


# --- complaint edit ------------------------------------------------------------------
def _complaint_value(option: str, value: Any) -> Any:
    """One corrected field, checked as registration checks it (domain rules, one sentence)."""
    if option == "category":
        return parse_code(CATEGORIES, value, "--category 投诉类别")
    if option == "channel":
        return parse_code(CHANNELS, value, "--channel 受理方式")
    if option == "relation":
        return parse_code(RELATIONS, value, "--relation 与消费者关系")
    if option == "phone":
        return phone_number(value, "--phone")
    if option == "received":
        check_range(value, "--received")
        from . import clock

        check_not_future(value, "--received", clock.now())
        return value
    if option == "regulator_due":
        return value
    if option in ("dispute", "line"):  # the regulator's coding, as registration checks it
        from .complaints import REGISTRATION_FIELDS

        return REGISTRATION_FIELDS["dispute" if option == "dispute" else "product_line"](value)
    if option == "cause":
        from ..domain.causes import CAUSE_FIELD, CAUSES

        return parse_code(CAUSES, value, CAUSE_FIELD)
    if option == "about":
        from ..domain.major import about

        return about(value)
    limits = {"name": (50, "王小明"), "policy": (60, "P2026110001"), "summary": (2000, "理赔款逾期未到账"),
              "branch": (60, "朝阳支公司"), "handler": (60, "李娜"), "regulator_ref": (100, "京金转〔2026〕1号")}  # fmt: skip
    limit, example = limits[option]
    text = clean_text(value, f"--{option.replace('_', '-')}", limit, multiline=option == "summary", example=example)
    if option == "name" and not text:
        raise InputError("--name 投诉人姓名不能为空,例如 --name 王小明")
    return text


def _first_step_at(uow: UnitOfWork, case_type: str, case_id: str) -> dt.datetime | None:
    """The time of the case's first step after registration (a receipt can not be after it)."""
    stmt = select(AuditEvent.at).where(
        AuditEvent.entity == case_type,
        AuditEvent.entity_id == case_id,
        col(AuditEvent.action).not_in(["register", "add", "note", "edit", "assign"]),
    )
    times = [t if isinstance(t, dt.datetime) else dt.datetime.fromisoformat(t) for t in uow.session.exec(stmt).all()]
    return min(times, default=None)


def _complaint_derive(uow: UnitOfWork, c: Complaint, before: dict, after: dict) -> None:
    """The checks of the corrected registration as a whole, and the columns that move with it: a
    materials-complete time that was the receipt, the regulator's data out of 监管转办."""
    if "cause" in after and c.decided_at is None:
        raise RuleError(
            f"投诉 {c.id} 尚未作出处理决定: 根本原因随处理决定登记(kefu complaint decide {c.id} --result … --cause …)"
        )
    from ..domain.major import check_not_about

    check_not_about(after.get("handler", c.handler), after.get("about", c.about), c.id)  # Art. 17
    channel = after.get("channel", c.channel)
    ref = after.get("regulator_ref", c.regulator_ref)
    if channel == "regulator" and not ref:
        raise InputError("改为监管转办须同时给出监管机构的转办编号: --regulator-ref,例如 --regulator-ref 京金转〔2026〕1号")
    if channel != "regulator" and ("regulator_ref" in after or "regulator_due" in after) and "channel" not in after:
        raise InputError("--regulator-ref / --regulator-due 只用于监管转办的投诉,请同时更正 --channel regulator")
    old_received = c.received_at
    if "received_at" in after:
        new = after["received_at"]
        limit = min(t for t in (c.registered_at, _first_step_at(uow, "complaint", c.id)) if t is not None)
        if new > limit:
            raise InputError(
                f"--received 接收时间 {new:%Y-%m-%d %H:%M} 晚于本案已登记的步骤({limit:%Y-%m-%d %H:%M}): "
                f"投诉只能在收到后登记和办理,例如 --received {old_received:%Y-%m-%dT%H:%M}"
            )
        uow.calendar.day(new.date())
        if c.materials_complete_at == old_received:  # complete on receipt: moves with it
            before["materials_complete_at"], after["materials_complete_at"] = old_received, new
    if channel != "regulator" and before.get("channel") == "regulator":  # the regulator's data goes with it
        before.setdefault("regulator_ref", after.get("regulator_ref", c.regulator_ref))
        before.setdefault("regulator_due", after.get("regulator_due", c.regulator_due))
        after.update(regulator_ref=None, regulator_due=None)


def _complaint_effects(uow: UnitOfWork, c: Complaint, before: dict, after: dict, why: str) -> list[dict]:
    moved: list[dict[str, Any]] = []
    if "received_at" in after:
        moved += _move_receipt(uow, c, before["received_at"], after["received_at"], why)
    if "channel" in after or "regulator_due" in after:
        moved += _regulator_change(uow, c, before, why)
    return moved


COMPLAINT_EDIT = EditSpec(
    "complaint", COMPLAINT_FIELDS, _complaint_value,
    nothing="没有要更正的字段: 请给出至少一项,例如 --phone 13800138000;可更正: "
    + " ".join(f"--{k.replace('_', '-')}" for k in COMPLAINT_FIELDS),
    same="投诉 {id} 的这些字段已是所给的值,没有需要更正的内容",
    derive=_complaint_derive, effects=_complaint_effects, labels={"materials_complete_at": "材料齐全时间"},
)  # fmt: skip


def edit_complaint(
    db, complaint_id: str, changes: dict[str, Any], *, reason: str, new_handler: bool = False,
    new_branch: bool = False, clerk=None, at=None,
) -> dict[str, Any]:  # fmt: skip
    """`kefu complaint edit ID --field value … --reason`: correct a registration (services/edit.py)."""
    return edit(db, "complaint", complaint_id, changes, reason=reason, new_handler=new_handler,
                new_branch=new_branch, clerk=clerk, at=at)  # fmt: skip


def _move_receipt(uow: UnitOfWork, c: Complaint, old: dt.datetime, new: dt.datetime, why: str) -> list[dict]:
    """Every deadline that ran from the old receipt time, the complaint's and its callbacks'."""
    Callback = _callback_model()
    rows = [d for d in case_deadlines(uow, "complaint", c.id) if d.start_at == old and d.status != DeadlineStatus.VOID]
    for cbk in uow.session.exec(select(Callback).where(Callback.complaint_id == c.id, Callback.voided_at.is_(None))):
        for d in case_deadlines(uow, "callback", cbk.id):
            if d.start_at == old and d.status != DeadlineStatus.VOID:
                rows.append(d)
    moved = []
    for d in rows:
        m = _restart(uow, d, new, f"更正接收时间: {why}")
        if m is not None:
            moved.append(m)
            if d.case_type == "callback":
                _callback_due(uow, uow.session.get(Callback, d.case_id), d.due, f"投诉 {c.id} 更正接收时间: {why}")
    return moved


def _callback_due(uow: UnitOfWork, cbk, due: dt.date, why: str) -> None:
    """A complaint's callback whose deadline moved with the complaint: its due date corrected by
    an `edit` event of its own, the row the fold of it (as every edit)."""
    if cbk.due == due:
        return
    state = core.state_of(cbk)
    details = {"reason": why, "before": {"due": plain(cbk.due)}, "after": {"due": plain(due)}, "moved": []}
    uow.audit("callback", cbk.id, "edit", cbk.status, cbk.status, **details)
    fold_into(uow, "callback", cbk, state, "edit", cbk.status, details | {"after": {"due": due}})


def _regulator_change(uow: UnitOfWork, c: Complaint, before: dict, why: str) -> list[dict]:
    """Channel corrected into 监管转办: its report deadline and callback start; out of it: the
    report deadline no longer applies and an unfinished regulator callback is voided."""
    Callback = _callback_model()
    from .callbacks import schedule_complaint_callback
    from .casework import _void_one
    from .complaint_steps import start_complaint_deadline

    out = []
    rows = [d for d in case_deadlines(uow, "complaint", c.id) if d.kind == DeadlineKind.REGULATOR_REPORT]
    running = [d for d in rows if d.status in RUNNING]
    if c.channel == "regulator":
        if running and "regulator_due" in before:  # a corrected report date
            for d in running:
                due_before = d.due
                if _restart(uow, d, d.start_at, f"更正监管报告期限: {why}", fixed_due=c.regulator_due):
                    out.append(_moved(d, due_before))
        elif not running and not rows:
            d = start_complaint_deadline(uow, c, DeadlineKind.REGULATOR_REPORT, c.received_at,
                                         "complaint.regulator_report", "更正受理方式为监管转办",
                                         fixed_due=c.regulator_due)  # fmt: skip
            out.append({"deadline": d.id, "case_id": c.id, "kind": d.kind, "kind_zh": _kind_zh(d.kind),
                        "due_before": None, "due_after": d.due})  # fmt: skip
            schedule_complaint_callback(uow, c, cb.CallbackKind.REGULATOR)
    elif before.get("channel") == "regulator":
        for d in running:
            close_deadline(uow, d, DeadlineStatus.NOT_APPLICABLE)
            out.append({"deadline": d.id, "case_id": c.id, "kind": d.kind, "kind_zh": _kind_zh(d.kind),
                        "due_before": d.due, "due_after": None})  # fmt: skip
        stmt = select(Callback).where(Callback.complaint_id == c.id, Callback.kind == cb.CallbackKind.REGULATOR,
                                      Callback.voided_at.is_(None), Callback.status == cb.Status.OPEN)  # fmt: skip
        for cbk in uow.session.exec(stmt).all():
            _void_one(uow, "callback", cbk, f"投诉 {c.id} 更正为非监管转办: {why}", cause=c.id)
    return out


# --- callback edit -------------------------------------------------------------------
CALLBACK_EXAMPLES = {"name": "王小明", "policy": "P2026110001", "product": "安康终身寿险", "branch": "朝阳支公司",
                     "handler": "李娜"}  # fmt: skip


def _callback_value(option: str, value: Any) -> Any:
    """One corrected callback field, checked as registration checks it."""
    if option == "phone":
        return phone_number(value, "--phone")
    if option in CALLBACK_EXAMPLES:
        text = clean_text(value, f"--{option}", 100 if option == "product" else 60, example=CALLBACK_EXAMPLES[option])
        if option == "name" and not text:
            raise InputError("--name 客户姓名不能为空,例如 --name 王小明")
        return text
    if option == "cooling_off" and not 1 <= value <= 366:
        raise InputError(f"--cooling-off 犹豫期天数 {value} 无效,应为 1 到 366 的整数,例如 15")
    return value


def _callback_check(uow: UnitOfWork, row, values: dict) -> None:
    """The fields that belong to one kind of callback; dates not after today."""
    belongs = {"receipt_date": "new_policy", "cooling_off": "new_policy", "closed_date": "claim"}
    for k, kind in belongs.items():
        if k in values and row.kind != kind:
            raise InputError(f"--{k.replace('_', '-')} 只用于{cb.KINDS[kind][0]}回访,本回访是{cb.KINDS[row.kind][0]}回访")
    if "due" in values and row.kind in (cb.CallbackKind.NEW_POLICY, cb.CallbackKind.CLAIM):
        raise InputError("这类回访的期限由签收日或结案日推算,请更正 --receipt-date 或 --closed-date,而不是 --due")
    if "due" in values and row.complaint_id and row.kind in (cb.CallbackKind.COMPLAINT, cb.CallbackKind.REGULATOR):
        raise InputError(f"投诉回访的期限由投诉 {row.complaint_id} 推算,不能用 --due 更正")
    today = uow.at.date()
    for k in ("receipt_date", "closed_date"):
        if k in values and values[k] > today:
            raise InputError(f"--{k.replace('_', '-')} {values[k]} 晚于今天 {today},请检查日期")


def _callback_effects(uow: UnitOfWork, row, before: dict, after: dict, why: str) -> list[dict]:
    """A corrected receipt date, cooling-off period, claim closing date or due date recomputes the
    callback's deadline; its due date is the deadline's."""
    moved = []
    if not {"receipt_date", "cooling_off_days", "closed_date", "due"} & set(after):
        return moved
    d = next((x for x in case_deadlines(uow, "callback", row.id) if x.kind == DeadlineKind.CALLBACK
              and x.status != DeadlineStatus.VOID), None)  # fmt: skip
    if d is not None:
        due_before = d.due
        if row.kind == cb.CallbackKind.NEW_POLICY:
            m = _restart(uow, d, dt.datetime.combine(row.receipt_date, dt.time()), f"更正: {why}",
                         amount=row.cooling_off_days)  # fmt: skip
        elif row.kind == cb.CallbackKind.CLAIM:
            m = _restart(uow, d, dt.datetime.combine(row.closed_date, dt.time()), f"更正: {why}")
        else:
            m = _restart(uow, d, d.start_at, f"更正: {why}", fixed_due=after["due"])
        if m is not None:
            moved.append(m)
        after["due"], before["due"] = d.due, due_before
    return moved


CALLBACK_EDIT = EditSpec(
    "callback", CALLBACK_FIELDS, _callback_value,
    nothing="没有要更正的字段: 请给出至少一项,例如 --phone 13800138000;可更正: "
    + " ".join(f"--{k.replace('_', '-')}" for k in CALLBACK_FIELDS),
    same="回访 {id} 的这些字段已是所给的值,没有需要更正的内容",
    check=_callback_check, effects=_callback_effects,
)  # fmt: skip


def edit_callback(
    db, callback_id: str, changes: dict[str, Any], *, reason: str, new_handler: bool = False,
    new_branch: bool = False, clerk=None, at=None,
) -> dict[str, Any]:  # fmt: skip
    """`kefu callback edit ID --field value … --reason`: correct a callback's registration; a
    corrected receipt date, cooling-off period, claim closing date or due date recomputes it."""
    return edit(db, "callback", callback_id, changes, reason=reason, new_handler=new_handler,
                new_branch=new_branch, clerk=clerk, at=at)  # fmt: skip


# --- undo ----------------------------------------------------------------------------
def undo_complaint(db, complaint_id: str, *, reason: str, clerk=None, at=None) -> dict[str, Any]:
    """`kefu complaint undo ID --reason`: reverse the most recent state change of a complaint
    (services/undo.py, the same code for every case type)."""
    from .undo import undo

    return undo(db, "complaint", complaint_id, reason=reason, clerk=clerk, at=at)
