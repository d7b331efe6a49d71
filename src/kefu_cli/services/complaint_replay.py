"""`kefu import complaints` of cases with their history: kefu's own export (its 投诉编号, 状态 and
the step columns, services/exports.py STEP_COLUMNS), as written or re-saved by an office suite,
or a head office's sheet of its history (the step times, no number).

Each row is a case: its registration and every step its columns carry (材料齐全时间, 受理时间,
不予受理时间 …, 作废时间), each REPLAYED at its own time through the same service function its
command calls (services/complaints.py `register`, services/complaint_steps.py `accept`, `decide`
…, services/casework.py `void`), so the state machine, the order of steps, the deadlines and
their effects are the core's: every step is one event, dated when it happened. The steps of all
rows run in the order of their times (a merge finds the case it merges into as it was then).

- A number given is kept (the counter of its day continues after it, services/numbering.py);
  without one the case is numbered as a registration is.
- A case already in the database (its number, else its receipt, phone and policy) is skipped:
  counted as unchanged when its state is the file's. A number already there in another state is
  refused with the reason, and nothing is imported (exit 2).
- 状态, when given, must be the state the steps lead to (else the row is refused, naming it).
- The file is one unit of work: all of it, or (a bad row, a refused step) nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..domain import complaint as sm
from ..domain.codes import parse_code, table_of
from ..domain.errors import InputError, NotFoundError, RuleError
from ..domain.timeutil import parse_datetime
from ..io.table import Table
from .case_replay import at_of as _at
from .case_replay import one_time as _one_time
from .case_replay import times as _times
from .context import UnitOfWork, unit_of_work
from .import_results import ImportResult, RowError, rows_error
from .import_table import row_error
from .imports import new_result, repeat_entry

STATUSES = table_of(sm.STATUS_ZH, sm.STATUS_ALIASES)
EXTENSIONS = table_of(sm.EXTENSION_ZH)
INTERNAL = {"内部转办": True, "内部": True, "是": True, "true": True, "外部转办": False, "外部": False, "否": False,
            "false": False, "": False}  # fmt: skip
NUMBER_SEEN = "投诉编号已在数据库中,状态相同"
# The order of a case's steps taken at the same moment.
RANK = {name: i for i, name in enumerate((
    "register", "materials_complete", "notify", "investigate", "accept", "reject", "transfer", "merge", "extend",
    "pause", "resume", "decide", "review", "review_decide", "major", "escalate", "withdraw", "regulator_report",
    "void",
))}  # fmt: skip


RANK.update(rectify=len(RANK), rectified=len(RANK) + 1)  # the rectification (溯源整改) after the decision
RANK["materials_missing"] = RANK["register"] + 0.5  # a list given again: while awaiting materials


NOTED = ("notify", "investigate", "merge", "withdraw", "regulator_report")


class _Rollback(Exception):
    pass


@dataclass
class Step:
    at: dt.datetime
    name: str
    column: str  # the key of the column it comes from (its error names it)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """A row as a case: its registration and its steps, in order."""

    index: int
    line: int
    number: str | None
    status: str | None
    registration: dict[str, Any]
    steps: list[Step]


def _each(text: str | None, n: int) -> list[str | None]:
    """The value of each of `n` times a step was taken: one a line when there are `n` lines, else
    the whole text for each (services/exports.py writes them so, "-" for none)."""
    text = (text or "").strip()
    lines = text.replace("\r\n", "\n").split("\n")
    if n > 1 and len(lines) == n:
        return [None if line.strip() in ("", "-") else line.strip() for line in lines]
    return [text or None] * n


def _name(table: Table, key: str) -> str:
    """A column as the file names it, or by its header when the file has none."""
    from .complaint_rows import COMPLAINT_COLUMNS

    return table.column(key) if key in table.keys else COMPLAINT_COLUMNS[key][0]


def _needs(table: Table, v: dict[str, str], key: str, because: str) -> str:
    value = (v.get(key) or "").strip()
    if not value:
        raise InputError(f"{_name(table, because)} 已填写,{_name(table, key)} 也必须填写")
    return value


# A step's value given without its time is a step the file does not date: refused, not dropped.
VALUE_NEEDS_TIME = (
    ("reject_reason", "rejected_at", "reject"), ("transfer_to", "transferred_at", "transfer"),
    ("merged_into", "merged_at", "merge"), ("extension", "extended_at", "extend"), ("pause_reason", "paused_at", "pause"),
    ("result", "decided_at", "decide"), ("void_reason", "voided_at", "void"),
    ("review_result", "review_decided_at", "review_decide"),
    ("escalated_to", "escalated_at", "escalate"), ("missing_listed", "missing_at", "materials_missing"),
)  # fmt: skip
VALUE_NEEDS_TIME += (
    ("cause", "decided_at", "decide"), ("rectify_action", "rectify_at", "rectify"),
    ("rectify_owner", "rectify_at", "rectify"), ("rectify_due", "rectify_at", "rectify"),
)  # fmt: skip


def _needs_each(table: Table, v: dict[str, str], at: dt.datetime, items: str | None) -> str:
    if not items:
        raise InputError(
            f"{_name(table, 'missing_at')} {at:%Y-%m-%d %H:%M} 已填写,{_name(table, 'missing_listed')} 也必须填写"
        )
    return items


def plan_of(table: Table, cols, index: int, row) -> Plan:
    """The case a row describes: its registration (`register`'s arguments) and its steps."""
    from .complaint_rows import yes_no as _yes_no
    from .import_table import phone_key

    v = row.values
    col = table.column
    received = parse_datetime(v.get("received", ""), col("received"))
    phone = phone_key(v.get("phone", ""), col("phone"))
    number = (v.get("id") or "").strip().upper() or None
    status = parse_code(STATUSES, v["status"], col("status")) if (v.get("status") or "").strip() else None
    args = cols.arguments(v, received, phone, v.get("policy", "").strip())
    complete_at = _one_time(table, v, "complete_at")
    steps: list[Step] = []
    if complete_at is not None:
        args["incomplete"] = complete_at > received
        if args["incomplete"]:
            steps.append(Step(complete_at, "materials_complete", "complete_at"))
    elif "complete" in table.keys and (v.get("complete") or "").strip():
        args["incomplete"] = not _yes_no(v["complete"], col("complete"))
    registered = _one_time(table, v, "registered_at") or received
    listed = (v.get("missing_registered") or "").strip()  # 登记时缺少的材料: the registration's list
    if listed:
        args["missing"] = listed
    again = _times(table, v, "missing_at")  # 补登缺少材料时间: the list given again (materials --missing)
    steps += [
        Step(t, "materials_missing", "missing_at", {"missing": _needs_each(table, v, t, items)})
        for t, items in zip(again, _each(v.get("missing_listed"), len(again)), strict=True)
    ]
    for key, name in (
        ("notified_at", "notify"),
        ("investigated_at", "investigate"),
        ("reported_at", "regulator_report"),
    ):
        steps += [Step(t, name, key) for t in _times(table, v, key)]

    accepted, rejected, transferred = (_one_time(table, v, k) for k in ("accepted_at", "rejected_at", "transferred_at"))
    either = _one_time(table, v, "acceptance_decided_at")  # 受理决定时间: accepted, rejected or transferred
    if either is not None and not (accepted or rejected or transferred):
        if (v.get("reject_reason") or "").strip():
            rejected = either
        elif (v.get("transfer_to") or "").strip():
            transferred = either
        elif not (v.get("merged_into") or "").strip():
            accepted = either
    if accepted is not None:
        steps.append(Step(accepted, "accept", "accepted_at"))
    if rejected is not None:
        reason = parse_code(sm.REJECT_REASONS, _needs(table, v, "reject_reason", "rejected_at"), col("reject_reason"))
        steps.append(Step(rejected, "reject", "rejected_at", {"reason": reason, "note": v.get("reject_note") or None}))
    if transferred is not None:
        kind = (v.get("transfer_kind") or "").strip()
        if kind.lower() not in INTERNAL:
            raise InputError(f"{col('transfer_kind')} 的值 '{kind}' 无法识别,应为 内部转办 或 外部转办")
        to = _needs(table, v, "transfer_to", "transferred_at")
        steps.append(Step(transferred, "transfer", "transferred_at", {"to": to, "internal": INTERNAL[kind.lower()]}))
    merged = _one_time(table, v, "merged_at")
    if merged is not None:
        into = _needs(table, v, "merged_into", "merged_at").upper()
        steps.append(Step(merged, "merge", "merged_at", {"into": into, "new_facts": True}))
    extended = _times(table, v, "extended_at")
    if extended:
        level = parse_code(EXTENSIONS, _needs(table, v, "extension", "extended_at"), col("extension"))
        levels = [level] if len(extended) == 1 else ["complex", "special"]
        if len(extended) > 2 or (len(extended) == 2 and level != "special"):
            raise InputError(f"{col('extended_at')} 最多两次: 先“情况复杂”,再“特别复杂”")
        approvers = _each(v.get("approver"), len(extended))
        steps += [
            Step(t, "extend", "extended_at", {"level": lv, "approver": who})
            for t, lv, who in zip(extended, levels, approvers, strict=True)
        ]
    paused = _times(table, v, "paused_at")
    if paused and not (v.get("pause_reason") or "").strip():
        _needs(table, v, "pause_reason", "paused_at")
    kinds = [k or "appraisal" for k in _each(v.get("pause_kind"), len(paused))]  # none given: an appraisal
    steps += [
        Step(t, "pause", "paused_at", {"reason": why, "kind": kind})
        for t, why, kind in zip(paused, _each(v.get("pause_reason"), len(paused)), kinds, strict=True)
    ]
    steps += [Step(t, "resume", "resumed_at") for t in _times(table, v, "resumed_at")]
    decided = _one_time(table, v, "decided_at")
    if decided is not None:
        steps.append(Step(decided, "decide", "decided_at", {"result": _needs(table, v, "result", "decided_at")}))
        if (v.get("cause") or "").strip():  # 根本原因, named with the decision
            from ..domain.causes import CAUSES

            steps[-1].options["cause"] = parse_code(CAUSES, v["cause"], col("cause"))
    steps += _rectify_steps(table, v)
    review = _one_time(table, v, "review_received_at")  # 核查申请时间: the written request for a review
    if review is not None:  # entered at 核查登记时间 (else when received), with its note
        entered = _one_time(table, v, "review_at") or review
        note = (v.get("review_note") or "").strip() or None
        steps.append(Step(entered, "review", "review_received_at", {"received": review, "note": note}))
    reviewed = _one_time(table, v, "review_decided_at")
    if reviewed is not None:
        code = parse_code(
            sm.REVIEW_RESULTS, _needs(table, v, "review_result", "review_decided_at"), col("review_result")
        )
        note = (v.get("review_decide_note") or "").strip() or None
        steps.append(Step(reviewed, "review_decide", "review_decided_at", {"result": code, "note": note}))
    steps += _major_steps(table, v, args, received)
    withdrawn = _one_time(table, v, "withdrawn_at")
    if withdrawn is not None:
        steps.append(Step(withdrawn, "withdraw", "withdrawn_at"))
    voided = _one_time(table, v, "voided_at")
    if voided is not None:
        steps.append(Step(voided, "void", "voided_at", {"reason": _needs(table, v, "void_reason", "voided_at")}))
    for step in steps:  # every step after the registration (a clear sentence here, not the core's about --at)
        if step.at < registered:
            since = f"{_name(table, 'registered_at')} {registered:%Y-%m-%d %H:%M}" if v.get("registered_at") else (
                f"{col('received')} {received:%Y-%m-%d %H:%M}")  # fmt: skip
            raise InputError(f"{col(step.column)} {step.at:%Y-%m-%d %H:%M} 早于{since}: 各步骤须在登记之后")
    taken = {step.name for step in steps}
    for value, time, name in VALUE_NEEDS_TIME:
        if (v.get(value) or "").strip() and name not in taken:
            _needs(table, v, time, value)
    for step in steps:  # the note of a step its event carries
        if step.name in NOTED:
            step.options["note"] = (v.get(f"{step.name}_note") or "").strip() or None
    steps.sort(key=lambda s: (s.at, RANK[s.name]))
    return Plan(index, row.line, number, status, dict(args, number=number, _at=registered), steps)


def _rectify_steps(table: Table, v: dict[str, str]) -> list[Step]:
    """The rectification's steps (溯源整改): opened at 整改登记时间 with its 整改措施, 整改责任人 and
    整改期限, done at 整改完成时间."""
    from ..domain.timeutil import parse_date

    out = []
    opened = _one_time(table, v, "rectify_at")
    if opened is not None:
        options = {"action": _needs(table, v, "rectify_action", "rectify_at"),
                   "owner": _needs(table, v, "rectify_owner", "rectify_at"),
                   "due": parse_date(_needs(table, v, "rectify_due", "rectify_at"), table.column("rectify_due"))}  # fmt: skip
        out.append(Step(opened, "rectify", "rectify_at", options))
    done = _one_time(table, v, "rectified_at")
    if done is not None:
        out.append(Step(done, "rectified", "rectified_at"))
    return out


def _major_steps(table: Table, v: dict[str, str], args: dict[str, Any], received: dt.datetime) -> list[Step]:
    """A major complaint's steps (重大投诉, 认定重大投诉时间, 上报应急小组时间, 上报至): made major by a step
    unless its registration made it major (20 or more people, from the receipt), then escalated."""
    from ..domain.major import MAJOR_REASONS, registration_reason

    steps = []
    reason = (v.get("major") or "").strip()
    if reason:
        code = parse_code(MAJOR_REASONS, reason, table.column("major"))
        try:
            by_registration = registration_reason(int(args.get("people") or 0))
        except ValueError:
            by_registration = None  # the registration says what is wrong with the number
        if by_registration is None:
            at = _one_time(table, v, "major_at")
            if at is None:
                _needs(table, v, "major_at", "major")
            steps.append(Step(at, "major", "major_at", {"reason": code}))
    escalated = _one_time(table, v, "escalated_at")
    if escalated is not None:
        to = (v.get("escalated_to") or "").strip() or None
        steps.append(Step(escalated, "escalate", "escalated_at", {"to": to}))
    return steps


def _run(uow: UnitOfWork, name: str, cid: str, options: dict[str, Any]) -> None:
    """One step through its service function, in `uow` at `uow.at`."""
    from . import complaint_steps as steps
    from .casework import void

    if name == "void":
        void(uow, "complaint", cid, at=uow.at, **options)
        return
    if name in ("rectify", "rectified"):
        from . import complaint_rectify

        getattr(complaint_rectify, name)(uow, cid, at=uow.at, **options)
        return
    if name in ("review", "review_decide"):
        from . import complaint_review

        getattr(complaint_review, name)(uow, cid, at=uow.at, **options)
        return
    if name in ("major", "escalate"):
        from . import complaint_major

        getattr(complaint_major, name)(uow, cid, at=uow.at, **options)
        return
    fn: Callable[..., Any] = getattr(steps, name)
    late = {"late": True} if name in ("extend", "pause") else {}  # a breach then stays a breach (recorded late)
    fn(uow, cid, at=uow.at, **options, **late)


def import_history(
    db: str | None,
    table: Table,
    cols,
    *,
    dry_run: bool = False,
    clerk: str | None = None,
    at: dt.datetime | None = None,  # unused: every step has its own time
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    from ..store.complaint_models import Complaint
    from .complaint_rows import COMPLAINT_SEEN
    from .complaint_rows import find_complaints as _find_complaints
    from .complaints import register

    result = new_result(table, "complaints", dry_run)
    rows = table.rows
    n = len(rows)
    plans: list[Plan] = []
    for i, row in enumerate(rows):
        try:
            plans.append(plan_of(table, cols, i, row))
        except InputError as exc:
            result.errors.append(row_error(table, row, exc))
    if result.errors:
        raise rows_error(result)

    def fail(plan: Plan, message: str, key: str | None) -> None:
        row = rows[plan.index]
        result.errors.append(RowError(row.line, message, row.values, table.column(key) if key else None))
        raise rows_error(result)

    created: dict[int, str] = {}
    try:
        with unit_of_work(db, clerk=clerk) as uow:
            # 1. Which rows are there already (skipped), or there in another state (refused).
            todo: list[Plan] = []
            first: dict[Any, int] = {}
            keys = [(p.registration["received"], p.registration["phone"], p.registration["policy_no"]) for p in plans]
            found = _find_complaints(uow.session, keys)
            for plan, k in zip(plans, keys, strict=True):
                row = rows[plan.index]
                mark = plan.number or k
                if mark in first:
                    result.skipped.append(repeat_entry(plan.line, plan.number, first[mark]))
                    continue
                first[mark] = plan.line
                there = uow.session.get(Complaint, plan.number) if plan.number else None
                if there is None and k in found and (plan.number is None or found[k].id == plan.number):
                    there = uow.session.get(Complaint, found[k].id)
                if there is None:
                    todo.append(plan)
                    continue
                if plan.status is not None and plan.status != there.status:
                    fail(plan, f"投诉编号 {there.id} 已在数据库中,状态为“{sm.STATUS_ZH[sm.Status(there.status)]}”,"
                         f"文件中为“{sm.STATUS_ZH[sm.Status(plan.status)]}”: 导入不更改已有的投诉,整个文件未导入;"
                         "如需更改请用 kefu complaint 的各步骤命令", "status")  # fmt: skip
                entry = cols.compare(row.values, there)
                if plan.number is not None:
                    entry["reason"] = entry["reason"].replace(COMPLAINT_SEEN, NUMBER_SEEN)
                result.skipped.append({"line": plan.line, **entry})
            # 2. Every registration and step of the new cases in the order of their times.
            moments = [(p.registration["_at"], p.index, -1, p) for p in todo]
            moments += [(s.at, p.index, i, p) for p in todo for i, s in enumerate(p.steps)]
            moments.sort(key=lambda m: (m[0], m[1], m[2]))
            for done, (when, _, i, plan) in enumerate(moments, start=1):
                step = plan.steps[i] if i >= 0 else None
                try:
                    _at(uow, when)
                    if step is None:
                        args = {k: v for k, v in plan.registration.items() if k != "_at"}
                        created[plan.index] = register(uow, **args)["id"]
                    else:
                        _run(uow, step.name, created[plan.index], step.options)
                except (InputError, RuleError) as exc:
                    key = step.column if step else ("registered_at" if "registered_at" in table.keys else None)
                    if step is not None and step.name == "merge" and isinstance(exc, NotFoundError):
                        key = "merged_into"
                    fail(plan, f"{table.column(key) + ' ' if key else ''}{exc}", key)
                if progress:
                    progress(done, len(moments))
            uow.session.flush()
            # 3. The state the steps lead to is the state the file says.
            for plan in todo:
                c = uow.session.get(Complaint, created[plan.index])
                if plan.status is not None and c.status != plan.status:
                    fail(plan, f"按各步骤的时间重建的状态为“{sm.STATUS_ZH[sm.Status(c.status)]}”,与文件中的"
                         f"“{sm.STATUS_ZH[sm.Status(plan.status)]}”不符: 请填写该状态所需步骤的时间(如 受理时间、"
                         "处理决定时间、撤回时间)", "status")  # fmt: skip
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    numbers = [created[p] for p in sorted(created)]
    if dry_run:
        result.planned = len(numbers)
    else:
        result.created = numbers
    if progress:
        progress(n, n)
    return result
