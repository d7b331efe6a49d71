"""The step columns of the complaint export (io/columns.py COMPLAINT_STEPS): each complaint's steps
with their times and values, read from its events — what `kefu import complaints` replays to
rebuild the case (services/complaint_replay.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from ..domain import complaint as sm
from ..domain.codes import label
from . import clock

BATCH = 2000  # rows read at a time (the events of as many cases; services/exports.py streams so)

# --- the steps of each complaint (round trips, issue 21) ----------------------------------------------
# The last columns of the complaint export, io/columns.py COMPLAINT_STEPS (登记时间 … 中止类型): with
# 状态, 材料齐全时间, 处理决定时间/结果, 撤回时间 … they carry every step of a complaint with its time and
# values, so that `kefu import complaints` rebuilds the case by replaying them through the steps' own
# service functions (services/complaint_import.py reads the same table).
# A step taken more than once (中止/恢复, 延期 twice) lists its times in one cell, separated by ";".
# The complaint audit actions whose times only the events keep (the rest are the row's columns).
EVENT_TIMES = ("notify", "investigate", "merge", "extend", "pause", "resume", "regulator_report")
EVENT_TIMES = (*EVENT_TIMES, "rectify")  # the rectification's opening (溯源整改): no column dates it
EVENT_TIMES = (*EVENT_TIMES, "materials_missing", "review")  # a list of missing materials; a review entered
# The steps whose note only their event keeps (their note columns of COMPLAINT_STEPS, in this order).
EVENT_NOTES = ("notify", "investigate", "merge", "withdraw", "regulator_report")
# The value of each pause and extension (the row keeps the last): written one a line when taken twice.
EVENT_VALUES = {"pause": ("reason", "kind"), "extend": ("approver",), "materials_missing": ("missing_materials",)}
EVENT_VALUES.update(review=("note",), review_decide=("note",))  # the review's notes (核查申请说明, 核查意见)
INTERNAL_ZH = {True: "内部转办", False: "外部转办"}


def _times(values: list[dt.datetime]) -> Any:
    """One step's time, or the times of a step taken more than once as text ("t1;t2")."""
    if len(values) <= 1:
        return values[0] if values else None
    return ";".join(v.replace(microsecond=0).isoformat(sep=" ") for v in values)


def _event_times(uow, ids: list[str], until: dt.datetime | None) -> dict[str, dict[str, list]]:
    """{complaint: {action: [times]}} of the steps in EVENT_TIMES, in event order, and
    {"note:" + action: [note]} of those in EVENT_NOTES; a step reversed by `undo` (the case's
    latest step before it) left out; events after `until` too."""
    import json

    from sqlalchemy import select as sa_select

    from ..store.models import AuditEvent

    e = AuditEvent.__table__.c
    out: dict[str, dict[str, list[dt.datetime]]] = {}
    stacks: dict[str, list[tuple[str, dt.datetime, str]]] = {}
    for i in range(0, len(ids), 400):
        stmt = sa_select(e.entity_id, e.action, e.at, e.details).where(
            e.entity == "complaint", e.entity_id.in_(ids[i : i + 400])
        )
        if until is not None:
            stmt = stmt.where(e.at < until)
        for cid, action, at, details in uow.session.execute(stmt.order_by(e.id)):
            if isinstance(at, str):
                at = dt.datetime.fromisoformat(at)
            stack = stacks.setdefault(cid, [])
            if action == "register":  # the materials missing at registration (never undone)
                listed = (json.loads(details) if isinstance(details, str) else details or {}).get("missing_materials")
                if listed:
                    out.setdefault(cid, {})["missing_materials:register"] = ["、".join(listed)]
            elif action == "undo":
                if stack:
                    stack.pop()
            elif action in sm.STEP_OF_EVENT:
                stack.append((action, at, details))
    for cid, stack in stacks.items():
        mine = out.setdefault(cid, {})
        for action, at, details in stack:
            if action in EVENT_TIMES:
                mine.setdefault(action, []).append(at)
            if action in EVENT_NOTES or action in EVENT_VALUES:
                values = json.loads(details) if isinstance(details, str) else details or {}
                for key in EVENT_VALUES.get(action, ("note",)):
                    if key == "kind":  # a pause before pauses had kinds was an outside appraisal
                        values.setdefault("kind", str(sm.OLD_PAUSE_KIND))
                    value = values.get(key) or ""
                    value = "、".join(value) if isinstance(value, list) else value  # a list of materials
                    mine.setdefault(f"{key}:{action}", []).append(value)
    return out


def _each(times: dict[str, list], action: str, key: str, last: str | None, shown=None) -> str | None:
    """The value of a step taken once (as the row has it), or of each time it was taken, one a line
    ("-" for none); `shown` turns a code into its label."""
    values = times.get(f"{key}:{action}", [])
    shown = shown or (lambda v: v)
    return "\n".join(shown(v) if v else "-" for v in values) if len(values) > 1 else (shown(last) if last else last)


def _pause_kind(code: str) -> str:
    return sm.PAUSE_KIND_ZH.get(sm.PauseKind(code), code) if code in set(sm.PauseKind) else code


def _step_cells(c, times: dict[str, list[dt.datetime]]) -> list[Any]:
    """The COMPLAINT_STEPS columns of complaint `c` (its row, and the times of its events)."""
    return [
        c.registered_at, _times(times.get("notify", [])), _times(times.get("investigate", [])), c.accepted_at,
        c.rejected_at, c.reject_note, c.transferred_at,
        INTERNAL_ZH[bool(c.transfer_internal)] if c.transferred_at else "", _times(times.get("merge", [])),
        _times(times.get("extend", [])), _each(times, "extend", "approver", c.extension_approver),
        _times(times.get("pause", [])), _each(times, "pause", "reason", c.pause_reason),
        _times(times.get("resume", [])), _times(times.get("regulator_report", [])), c.voided_at, c.void_reason,
        *("\n".join(times.get(f"note:{a}", [])) for a in EVENT_NOTES),
        _each(times, "pause", "kind", getattr(c, "pause_kind", None) if times.get("pause") else None, _pause_kind),
        c.review_received_at, c.review_decided_at, label(sm.REVIEW_RESULTS, c.review_result),
        *_rectify_cells(c, times),
    ]  # fmt: skip


def last_cells(times: dict[str, list]) -> list[Any]:
    """The last step columns: 登记时缺少的材料, 补登缺少材料时间, 补登的缺少材料 (one list a line, items
    joined by 、), then 核查登记时间, 核查申请说明, 核查意见."""
    listed = times.get("missing_materials:materials_missing", [])
    return [
        "\n".join(times.get("missing_materials:register", [])) or None,
        _times(times.get("materials_missing", [])),
        "\n".join(listed) if listed else None,
        _times(times.get("review", [])[-1:]),
        "\n".join(times.get("note:review", [])[-1:]) or None,
        "\n".join(times.get("note:review_decide", [])[-1:]) or None,
    ]


def _rectify_cells(c, times: dict[str, list[dt.datetime]]) -> list[Any]:
    """根本原因 and the rectification's columns (溯源整改) of complaint `c`."""
    from ..domain.causes import CAUSES

    return [label(CAUSES, c.cause) if c.cause else None, _times(times.get("rectify", [])), c.rectify_action,
            c.rectify_owner, c.rectify_due, c.rectified_at]  # fmt: skip


def _with_steps(uow, rows: Iterator[tuple[Any, list]], as_of: dt.date) -> Iterator[tuple[Any, list, list]]:
    """(case, its deadlines, its COMPLAINT_STEPS cells), the events read for BATCH cases at a time."""
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()) if as_of < clock.today() else None
    batch: list[tuple[Any, list]] = []

    def flush():
        times = _event_times(uow, [c.id for c, _ in batch], until)
        for c, deadlines in batch:
            mine = times.get(c.id, {})
            yield c, deadlines, (_step_cells(c, mine), last_cells(mine))

    for item in rows:
        batch.append(item)
        if len(batch) == BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


# --- the events of claims, requests and callbacks (services/case_exports.py, exports.py) ------------------
def _lines(values: list[str | None]) -> str | None:
    """The value of a step taken once, or of each time it was taken, one a line ("-" for none)."""
    if len(values) <= 1:
        return (values[0] or None) if values else None
    return "\n".join(v or "-" for v in values)


def case_events(uow, entity: str, ids: list[str], until: dt.datetime | None) -> dict[str, list[tuple[str, Any, dict]]]:
    """{case: [(action, at, details)]} of `entity`'s events in order, the steps an `undo` took back (and
    the undo events) left out; events at or after `until` too."""
    from sqlalchemy import select as sa_select

    from ..store.models import AuditEvent

    e = AuditEvent.__table__.c
    raw: dict[str, list[tuple[int, str, Any, dict]]] = {}
    for i in range(0, len(ids), 400):
        stmt = sa_select(e.id, e.entity_id, e.action, e.at, e.details).where(
            e.entity == entity, e.entity_id.in_(ids[i : i + 400])
        )
        if until is not None:
            stmt = stmt.where(e.at < until)
        for eid, cid, action, at, details in uow.session.execute(stmt.order_by(e.id)):
            if isinstance(at, str):
                at = dt.datetime.fromisoformat(at)
            values = json.loads(details) if isinstance(details, str) else dict(details or {})
            raw.setdefault(cid, []).append((eid, action, at, values))
    out: dict[str, list[tuple[str, Any, dict]]] = {}
    for cid, events in raw.items():
        undone = set()
        for _, action, _, values in events:
            if action == "undo":
                taken = values.get("undone")
                undone.update(taken if isinstance(taken, list) else [taken])
        out[cid] = [(a, at, v) for eid, a, at, v in events if a != "undo" and eid not in undone]
    return out


def _with_events(uow, entity: str, rows: Iterator[tuple[Any, list]], as_of: dt.date):
    """(case, its deadlines, its events), the events read for BATCH cases at a time."""
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time()) if as_of < clock.today() else None
    batch: list[tuple[Any, list]] = []

    def flush():
        events = case_events(uow, entity, [c.id for c, _ in batch], until)
        for c, deadlines in batch:
            yield c, deadlines, events.get(c.id, [])

    for item in rows:
        batch.append(item)
        if len(batch) == BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def _yes(flag: Any) -> str:
    return "是" if flag else "否"


# --- the steps of each callback (kefu export callbacks, io/columns.py CALLBACK_STEPS) ---------------------
CALLBACK_EVENT_STEPS = ("add", "attempt", "resolve", "reschedule", "unreachable", "cancel")


def callback_step_cells(r, events: list[tuple[str, Any, dict]]) -> list[Any]:
    """The CALLBACK_STEPS columns of callback `r` from its row and its events (each attempt, reply and
    change of appointment with its time and values)."""
    from ..domain import callback as cb

    of = {a: [(at, d) for x, at, d in events if x == a] for a in CALLBACK_EVENT_STEPS}
    tries = of["attempt"]

    def last(action: str, key: str) -> Any:
        return of[action][-1][1].get(key) if of[action] else None

    def when(action: str) -> Any:
        return of[action][-1][0] if of[action] else None

    return [
        when("add") or getattr(r, "registered_at", None), _times([at for at, _ in tries]),
        _lines([label(cb.METHODS, d.get("method")) for _, d in tries]),
        _lines([label(cb.RESULTS, d.get("result")) for _, d in tries]),
        _lines([d.get("recording") for _, d in tries]), _lines([_yes(d.get("receipt")) for _, d in tries]),
        _lines([d.get("note") for _, d in tries]), _lines([d.get("problem") for _, d in tries]),
        _times([at for at, _ in of["resolve"]]), _lines([d.get("reply") for _, d in of["resolve"]]),
        _times([at for at, _ in of["reschedule"]]),
        _lines([str(d.get("to") or "").replace("T", " ")[:16] or None for _, d in of["reschedule"]]),
        _lines([d.get("reason") for _, d in of["reschedule"]]), when("unreachable"), last("unreachable", "reason"),
        when("cancel"), last("cancel", "reason"), r.voided_at, r.void_reason,
    ]  # fmt: skip


def with_callback_steps(uow, rows: Iterator[tuple[Any, list]], as_of: dt.date) -> Iterator[tuple[Any, list, list]]:
    """(callback, its deadlines, its CALLBACK_STEPS cells), the events read for BATCH callbacks at a time."""
    for r, deadlines, events in _with_events(uow, "callback", rows, as_of):
        yield r, deadlines, callback_step_cells(r, events)
