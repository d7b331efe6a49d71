"""Complaint use cases: one function per user action, one unit of work (transaction) each.

Every function opens its own unit of work, checks the state machine (domain/complaint.py),
changes the complaint, starts/closes its deadline rows and writes the audit events — all in
one transaction, so a refused action changes nothing. Each returns `view(...)` of the case.

Which step meets, closes or supersedes which deadline is the table `EFFECTS` of
domain/complaint.py; `_effects` applies it. Besides:
- each period starts where its policy rule says (`start`): on receipt of the complaint
  (decision: 15/30/60 calendar days, 2020 rule §18) or of complete materials (acceptance).
- pause (external appraisal) pauses the running acceptance/decision clocks; resume adds the
  paused time in each rule's own unit. The regulator's report date is the regulator's and keeps
  running. A pause or extension after a deadline passed is refused unless `late=True`, and is
  then recorded as late: the breach stays (services/deadlines.py).
- every step is checked against the case's previous step (`--at` not before it, not in the
  future; services/core.py `check_in_order`).
- the step's event is written and folded into the row by services/core.py `step`
  (domain/complaint.py `apply`): no column is set here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ..domain import complaint as sm
from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, parse_code
from ..domain.deadlines import RUNNING, DeadlineKind, DeadlineStatus, is_breached
from ..domain.errors import InputError, RuleError
from ..domain.policy import UNIT_ZH, Start
from ..store.complaint_models import Complaint
from ..store.models import Deadline
from . import core
from .complaint_list import COLUMNS
from .context import UnitOfWork, unit_of_work
from .deadlines import (
    case_deadlines,
    case_timeline,
    close_deadline,
    deadline_view,
    open_deadlines,
    pause_deadline,
    resume_deadline,
    start_deadline,
)

CASE = "complaint"
K = DeadlineKind
HANDLING_STEP = (K.INITIAL_INVESTIGATION,)


# --- helpers ------------------------------------------------------------------
def _get(uow: UnitOfWork, complaint_id: str) -> Complaint:
    return core.get(uow, CASE, complaint_id)


def _in_order(uow: UnitOfWork, c: Complaint) -> None:
    """A step may not be dated before the receipt or before the case's previous step."""
    core.check_in_order(uow, CASE, c)


def _move(uow: UnitOfWork, c: Complaint, action: sm.Action) -> tuple[str, str]:
    """The guards and the transition of a step, before its effects: (status before, after). The
    step's event (`_step`) then changes the row."""
    return core.begin(uow, CASE, c, action.value)


def _step(uow: UnitOfWork, c: Complaint, action: str, moved: tuple[str, str], /, **details) -> None:
    """The step's audit event, folded into the complaint row (domain/complaint.py `apply`)."""
    core.step(uow, CASE, c, action, moved, None, **details)


def _close(uow: UnitOfWork, c: Complaint, kinds, status: DeadlineStatus) -> list[Deadline]:
    rows = open_deadlines(uow, CASE, c.id, kinds, RUNNING)
    for row in rows:
        close_deadline(uow, row, status, uow.at)
    return rows


def _handling_step(uow: UnitOfWork, c: Complaint) -> None:
    """The first handling step meets the 24-hour initial investigation."""
    _close(uow, c, HANDLING_STEP, DeadlineStatus.MET)


CLOSE_AS = {"met": DeadlineStatus.MET, "not_applicable": DeadlineStatus.NOT_APPLICABLE,
            "superseded": DeadlineStatus.SUPERSEDED}  # fmt: skip


def _effects(uow: UnitOfWork, c: Complaint, action: sm.Action) -> dict[str, list[Deadline]]:
    """Close the running deadlines `action` meets, closes as not applicable or supersedes
    (domain/complaint.py `EFFECTS`, in the table's order); returns the rows closed, by effect."""
    effects = [(e, kinds) for e, kinds in sm.EFFECTS.get(action, {}).items() if e in CLOSE_AS]
    if not effects:
        return {}
    running = open_deadlines(uow, CASE, c.id, None, RUNNING)
    out: dict[str, list[Deadline]] = {}
    for effect, kinds in effects:
        order = {str(k): i for i, k in enumerate(kinds or ())}
        rows = [d for d in running if kinds is None or d.kind in order]
        rows.sort(key=lambda d: order.get(d.kind, 0))  # stable: by id within a kind
        for row in rows:
            close_deadline(uow, row, CLOSE_AS[effect], uow.at)
            running.remove(row)
        out[effect] = rows
    return out


def _met(closed: dict[str, list[Deadline]], kind: DeadlineKind) -> list[Deadline]:
    return [d for d in closed.get("met", []) if d.kind == kind]


def deadline_basis(why: str, started_at: str, terms: str) -> str:
    """The basis a deadline records, as its row stores it: why, from when (`started`), on which
    terms (`basis_terms`; the bulk import formats each part once)."""
    return f"{why} {started_at} {terms}"[:255]


def started(start_at: dt.datetime) -> str:
    """A deadline's start as its basis names it."""
    return f"{start_at:%Y-%m-%d %H:%M}"


def basis_terms(rule_key: str, rule) -> str:
    """The terms of policy rule `rule` (key `rule_key`) as a deadline's basis names them."""
    return f"起 {rule.value} {UNIT_ZH[rule.unit]}({rule_key})"


def _start(uow: UnitOfWork, c: Complaint, kind: DeadlineKind, start_at: dt.datetime, rule: str, why: str, **kw):
    basis = deadline_basis(why, started(start_at), basis_terms(rule, uow.policy.rule(rule)))
    if kw.get("fixed_due") is not None:
        basis = f"{why},监管机构要求 {kw['fixed_due']:%Y-%m-%d} 前报告"[:255]
        rule = "fixed"
    return start_deadline(
        uow,
        case_type=CASE,
        case_id=c.id,
        kind=kind,
        start_at=start_at,
        rule=rule,
        basis=basis,
        branch=c.branch,
        handler=c.handler,
        **kw,
    )


# The periods that run from receipt or from complete materials, as the policy table says.
PERIODS = ((K.ACCEPTANCE, "complaint.acceptance"), (K.DECISION, "complaint.decision"))
START_WHY = {Start.RECEIVED: "收到投诉", Start.COMPLETE: "材料齐全"}


def registration_deadlines(policy, incomplete: bool, regulator: bool) -> list[tuple[DeadlineKind, str, str]]:
    """(kind, policy rule key, why) of the deadlines a registration opens, in the order it opens
    them, every one from the receipt (complete materials at registration arrive with the
    complaint): the supplement notice when materials are incomplete, the periods whose rule
    (`policy.rule(key).start`) starts on receipt, or on complete materials when they are
    complete, the 24-hour initial investigation, and the regulator's report date for 监管转办
    (its due date is the regulator's: `fixed_due`). `register` and the bulk import both open these."""
    plan: list[tuple[DeadlineKind, str, str]] = []
    if incomplete:
        plan.append((K.SUPPLEMENT_NOTICE, "complaint.supplement_notice", "接收投诉(材料不全)"))
    for kind, rule in PERIODS:
        start = policy.rule(rule).start
        if start is Start.RECEIVED or (start is Start.COMPLETE and not incomplete):
            plan.append((kind, rule, START_WHY[start]))
    plan.append((K.INITIAL_INVESTIGATION, "complaint.initial_investigation", "接收投诉"))
    if regulator:
        plan.append((K.REGULATOR_REPORT, "complaint.regulator_report", "监管转办"))
    return plan


def _start_periods(uow: UnitOfWork, c: Complaint, event: Start) -> None:
    """Start the periods whose rule starts at `event` (registration: receipt, and complete
    materials too when they came with the complaint; `materials --complete`: complete)."""
    complete_now = event is Start.COMPLETE or c.materials_complete_at is not None
    for kind, rule in PERIODS:
        start = uow.policy.rule(rule).start
        if start is Start.RECEIVED and event is Start.RECEIVED:
            _start(uow, c, kind, c.received_at, rule, START_WHY[Start.RECEIVED])
        elif start is Start.COMPLETE and complete_now:
            at = c.materials_complete_at or uow.at
            _start(uow, c, kind, at, rule, START_WHY[Start.COMPLETE])


def _refuse_if_missed(uow: UnitOfWork, rows: list[Deadline], what: str, late: bool) -> bool:
    """A pause or extension after a deadline passed is refused unless `late`; returns whether late."""
    missed = [d for d in rows if is_breached(d.breached, d.status, d.due_at, uow.at)]
    if missed and not late:
        d = missed[0]
        raise RuleError(
            f"{_kind_zh(d.kind)}期限已于 {d.due:%Y-%m-%d} 届满未完成(已逾期),不能再{what};"
            f"如确需补记,请加 --late(将记为逾期,逾期不会因此消除)"
        )
    return bool(missed)


def _kind_zh(kind: str) -> str:
    from ..domain.deadlines import DEADLINE_KIND_ZH

    return DEADLINE_KIND_ZH.get(DeadlineKind(kind), kind) if kind in set(DeadlineKind) else kind


def _schedule_callback(uow: UnitOfWork, c: Complaint, kind: str):
    from .callbacks import schedule_complaint_callback

    uow.session.flush()
    return schedule_complaint_callback(uow, c, kind)


def _row(c: Complaint) -> dict[str, Any]:
    return {k: getattr(c, k) for k in COLUMNS}


def _linked_callbacks(uow: UnitOfWork, complaint_id: str) -> list[dict[str, Any]]:
    """The callbacks the complaint scheduled (plain SQL: registering a complaint need not define
    the callback classes, which costs start-up time)."""
    from sqlalchemy import text

    rows = uow.session.execute(
        text("SELECT id, kind, due, status, scheduled_at, voided_at FROM callback WHERE complaint_id = :c ORDER BY id"),
        {"c": complaint_id},
    )

    def day(v):
        return dt.date.fromisoformat(v) if isinstance(v, str) else v

    def moment(v):
        return dt.datetime.fromisoformat(v) if isinstance(v, str) else v

    return [{"id": i, "kind": k, "due": day(d), "status": st, "scheduled_at": moment(sa), "voided": v is not None}
            for i, k, d, st, sa, v in rows]  # fmt: skip


def view(uow: UnitOfWork, c: Complaint, as_of: dt.date | None = None, events: bool = False) -> dict[str, Any]:
    """The case as a dict: its columns, its deadlines (with working days left) and, on request, its timeline."""
    as_of = as_of or uow.at.date()
    rows = case_deadlines(uow, CASE, c.id)
    out = _row(c)
    out["deadlines"] = [deadline_view(d, uow.calendar, as_of) for d in rows]
    out["callbacks"] = _linked_callbacks(uow, c.id)
    if events:
        out["events"] = case_timeline(uow, CASE, c.id, rows)
    return out


def _clean(
    text: str | None,
    field: str,
    required: bool = False,
    limit: int = 100,
    multiline: bool = False,
    example: str | None = None,
) -> str:
    """Trimmed text; control characters and over-long values refused (domain/text.py)."""
    from ..domain.text import clean_text

    return clean_text(text, field, limit, required, multiline=multiline, example=example)


def _phone(text: str) -> str:
    """`+`/ASCII digits only (full-width digits converted); the value is never echoed in errors."""
    from ..domain.text import phone_number

    return phone_number(text, "--phone")


class DuplicateIndex:
    """The duplicate hint of registrations: the open or decided complaints about the same policy,
    or with the same phone and category, oldest first. `read` queries the complaints of the
    phones and policies not read yet, one query per up to `IN_LIST` of them (`register` reads
    one, the bulk import a batch at a time); `add` keeps the index up to date with the complaints
    registered since (a complaint both read and added counts once)."""

    IN_LIST = 400  # values per IN (…) of a query

    def __init__(self, uow: UnitOfWork | None = None, phones=(), policies=()) -> None:
        self.by_phone: dict[tuple[str, str], list[tuple[dt.datetime, str]]] = {}
        self.by_policy: dict[str, list[tuple[dt.datetime, str]]] = {}
        self._ids: set[str] = set()
        self._read: tuple[set[str], set[str]] = (set(), set())
        if uow is not None:
            self.read(uow, phones, policies)

    def read(self, uow: UnitOfWork, phones, policies) -> None:
        """The complaints with these phones or policies, as the database has them."""
        statuses = {str(s) for s in sm.DUPLICATE_HINT_STATUSES}
        c = Complaint.__table__.c
        read_phones, read_policies = self._read
        phones = sorted(set(phones) - read_phones)
        policies = sorted({p for p in policies if p} - read_policies)
        read_phones.update(phones)
        read_policies.update(policies)
        for values, column in ((phones, c.phone), (policies, c.policy_no)):
            for i in range(0, len(values), self.IN_LIST):
                # by the phone or policy index alone (a status condition could make SQLite scan by status)
                stmt = select(c.id, c.received_at, c.phone, c.category, c.policy_no, c.status).where(
                    column.in_(values[i : i + self.IN_LIST])
                )
                for cid, received, phone, category, policy, status in uow.session.execute(stmt):
                    if status in statuses:
                        self.add(cid, received, phone, category, policy)

    def add(self, cid: str, received: dt.datetime, phone: str, category: str, policy_no: str) -> None:
        """An open or decided complaint (one registered since the index was read is open)."""
        if cid in self._ids:
            return
        self._ids.add(cid)
        self.by_phone.setdefault((phone, category), []).append((received, cid))
        if policy_no:
            self.by_policy.setdefault(policy_no, []).append((received, cid))

    def hints(self, policy_no: str, phone: str, category: str) -> list[str]:
        """Numbers of the complaints a new one about `policy_no`, `phone`, `category` may repeat."""
        found = set(self.by_phone.get((phone, category), ()))
        if policy_no:
            found.update(self.by_policy.get(policy_no, ()))
        return [cid for _, cid in sorted(found)]


def find_duplicates(
    uow: UnitOfWork, policy_no: str, phone: str, category: str, exclude: str | None = None
) -> list[str]:
    """Numbers of open or decided complaints about the same policy, or same phone and category."""
    found = DuplicateIndex(uow, [phone], [policy_no]).hints(policy_no, phone, category)
    return [i for i in found if i != exclude]


# --- registration -------------------------------------------------------------
def check_receipt(
    received: dt.datetime, latest: dt.datetime, channel: str, regulator_ref: str | None, regulator_due: dt.date | None
) -> None:
    """The checks across a registration's fields (one clerk's `add` and every imported row):
    received no later than it is registered, a regulator's reference exactly for 监管转办."""
    if received > latest + dt.timedelta(minutes=5):
        raise InputError(
            f"--received 接收时间 {received:%Y-%m-%d %H:%M} 晚于登记时间 {latest:%Y-%m-%d %H:%M}: "
            "投诉只能在收到后登记,请检查日期,例如 --received 2026-11-20T09:30"
        )
    if channel == "regulator" and not regulator_ref:
        raise InputError(
            "监管转办的投诉必须填写监管机构的转办编号: --regulator-ref,例如 --regulator-ref 京银保监投〔2026〕123号"
        )
    if channel != "regulator" and (regulator_ref or regulator_due):
        raise InputError(
            "--regulator-ref / --regulator-due 只用于监管转办的投诉,请同时指定 --channel regulator(监管转办)"
        )
    if regulator_due is not None and regulator_due < received.date():
        raise InputError(f"--regulator-due {regulator_due} 早于接收日 {received.date()},请检查监管要求的报告日期")

# How `register` cleans each field of a registration, in the order it checks them (the first
# bad field is the one the clerk hears about); the bulk import cleans with the same table.
REGISTRATION_FIELDS: dict[str, Callable[[Any], Any]] = {
    "channel": lambda v: parse_code(CHANNELS, v, "--channel"),
    "category": lambda v: parse_code(CATEGORIES, v, "--category"),
    "relation": lambda v: parse_code(RELATIONS, v or "self", "--relation"),
    "name": lambda v: _clean(v, "--name 投诉人姓名", required=True, limit=50, example="王小明"),
    "phone": lambda v: _phone(v),
    "policy_no": lambda v: _clean(v, "--policy 保单号", limit=60, example="P2026110001"),
    "branch": lambda v: _clean(v, "--branch 机构", limit=60, example="朝阳支公司"),
    "handler": lambda v: _clean(v, "--handler 处理人", limit=60, example="李娜"),
    "regulator_ref": lambda v: _clean(v, "--regulator-ref 监管转办编号", example="京金转〔2026〕1号") or None,
    "summary": lambda v: _clean(v, "--summary 投诉内容", limit=2000, multiline=True, example="理赔款逾期未到账"),
}


def clean_registration(once: Callable[[tuple, Callable[[], Any]], Any] | None = None, **values: Any) -> dict[str, Any]:
    """Every field of a registration cleaned by `REGISTRATION_FIELDS` (InputError for the first
    bad one). `once(key, fn)` may remember a value's result (the bulk import: a file repeats its
    channels, branches, names)."""
    out = {}
    for field, clean in REGISTRATION_FIELDS.items():
        value = values[field]
        out[field] = clean(value) if once is None else once((field, value), lambda c=clean, v=value: c(v))
    return out


def check_registration(
    uow: UnitOfWork,
    *,
    channel: str,
    category: str,
    name: str,
    phone: str,
    received: dt.datetime | None = None,
    relation: str = "self",
    policy_no: str = "",
    summary: str = "",
    branch: str = "",
    handler: str = "",
    incomplete: bool = False,
    regulator_ref: str | None = None,
    regulator_due: dt.date | None = None,
    new_handler: bool = False,
    new_branch: bool = False,
    once: Callable[[tuple, Callable[[], Any]], Any] | None = None,
) -> dict[str, Any]:
    """A registration's every check, in order and with its messages (InputError for the first
    that fails): its fields cleaned, the receipt against the registration time, the calendar,
    branch and handler on the master lists (services/masters.py; `new_*` adds them). Returns the
    registration's cleaned values (`register`'s keyword arguments). `once(key, fn)` may remember
    the result of a pure check of a repeated value (the bulk import)."""
    f = clean_registration(
        once, channel=channel, category=category, relation=relation, name=name, phone=phone, policy_no=policy_no,
        branch=branch, handler=handler, regulator_ref=regulator_ref, summary=summary,
    )  # fmt: skip
    received = received or uow.at
    # Without --at the command registers "at the receipt", so the real clock is the bound too.
    latest = min(uow.at, uow.now)
    check_receipt(received, latest, f["channel"], f["regulator_ref"], regulator_due)
    day = received.date()
    if once is None:
        uow.calendar.day(day)  # a clear error for dates outside the calendar
    else:
        once(("day", day), lambda: _calendar_day(uow, day))
    f["branch"], f["handler"] = registration_names(uow, f["branch"], f["handler"], once, new_branch, new_handler)
    if uow.at < received:
        raise InputError(
            f"--at 登记时间 {uow.at:%Y-%m-%d %H:%M} 早于接收时间 {received:%Y-%m-%d %H:%M},请检查 --received 或 --at"
        )
    return dict(f, received=received, incomplete=incomplete, regulator_due=regulator_due)


def _calendar_day(uow: UnitOfWork, day: dt.date) -> bool:
    """The calendar's day as an input error (the bulk import reports it on the row)."""
    from ..domain.errors import CalendarRangeError

    try:
        uow.calendar.day(day)
    except CalendarRangeError as exc:
        raise InputError(str(exc)) from None
    return True


def registration_names(
    uow: UnitOfWork,
    branch: str,
    handler: str,
    once: Callable[[tuple, Callable[[], Any]], Any] | None = None,
    new_branch: bool = False,
    new_handler: bool = False,
) -> tuple[str, str]:
    """Branch and handler checked against the master lists (added with `new_*`)."""
    from .masters import ensure_branch, ensure_handler

    if once is None:
        branch = ensure_branch(uow, branch, new_branch)
        return branch, ensure_handler(uow, handler, branch, new_handler)
    branch = once(("ensure_branch", branch), lambda: ensure_branch(uow, branch, new_branch))
    return branch, once(("ensure_handler", handler, branch), lambda: ensure_handler(uow, handler, branch, new_handler))


def registration_details(values: dict[str, Any], duplicates: list[str]) -> dict[str, Any]:
    """The details of a registration's `register` event, from its checked values
    (`check_registration`) and its duplicate hint: the row is their fold (domain/complaint.py)."""
    return dict(
        channel=values["channel"],
        category=values["category"],
        received_at=values["received"],
        incomplete=values["incomplete"],
        regulator_ref=values["regulator_ref"],
        regulator_due=values["regulator_due"],
        duplicates=duplicates,
        name=values["name"],
        phone=values["phone"],
        relation=values["relation"],
        policy_no=values["policy_no"],
        summary=(values["summary"] or "").strip(),
        branch=values["branch"],
        handler=values["handler"],
    )


def registration_status(incomplete: bool) -> str:
    """The status a registration starts in."""
    return str(sm.Status.AWAITING_MATERIALS if incomplete else sm.Status.REGISTERED)


def register(uow: UnitOfWork, **fields: Any) -> dict[str, Any]:
    """Register a complaint inside the caller's unit of work (`add`; the bulk import registers
    transferred complaints with it, and the rest with the same functions in batches).

    `fields` are `check_registration`'s. Branch and handler must be on the master lists
    (services/masters.py) unless `new_*` adds them."""
    v = check_registration(uow, **fields)
    received = v["received"]
    duplicates = find_duplicates(uow, v["policy_no"], v["phone"], v["category"])
    from .numbering import next_number

    number = next_number(uow, "TS", received.date())
    details = registration_details(v, duplicates)
    c = core.new_row(uow, CASE, number, "register", registration_status(v["incomplete"]), details)
    uow.session.flush()
    for kind, rule, why in registration_deadlines(uow.policy, v["incomplete"], v["channel"] == "regulator"):
        fixed = {"fixed_due": v["regulator_due"]} if kind is K.REGULATOR_REPORT else {}
        _start(uow, c, kind, received, rule, why, **fixed)
    core.register_event(uow, CASE, c, "register", details)
    if v["channel"] == "regulator":
        _schedule_callback(uow, c, "regulator")
    out = view(uow, c, as_of=received.date())
    out["duplicates"] = duplicates
    return out


def add(db: str | None, *, clerk: str | None = None, at: dt.datetime | None = None, **fields) -> dict[str, Any]:
    """`kefu complaint add`: register a complaint, start its deadlines, hint at duplicates."""
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return register(uow, **fields)


# --- transitions --------------------------------------------------------------
def _action(db, complaint_id, clerk, at, fn) -> dict[str, Any]:
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        c = _get(uow, complaint_id)
        fn(uow, c)
        uow.session.flush()
        return view(uow, c)


def materials_complete(db, complaint_id: str, *, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = _move(uow, c, sm.Action.MATERIALS_COMPLETE)
        _effects(uow, c, sm.Action.MATERIALS_COMPLETE)
        _start_periods(uow, c, Start.COMPLETE)
        _step(uow, c, "materials_complete", moved)

    return _action(db, complaint_id, clerk, at, fn)


def notify(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = _move(uow, c, sm.Action.NOTIFY)
        if not _met(_effects(uow, c, sm.Action.NOTIFY), K.SUPPLEMENT_NOTICE):
            raise RuleError(f"投诉 {c.id} 已记录过补充材料告知,不需要重复告知")
        _step(uow, c, "notify", moved, note=note)

    return _action(db, complaint_id, clerk, at, fn)


def investigate(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = _move(uow, c, sm.Action.INVESTIGATE)
        if not _met(_effects(uow, c, sm.Action.INVESTIGATE), K.INITIAL_INVESTIGATION):
            raise RuleError(f"投诉 {c.id} 的初步调查已经开始(已记录),不需要重复记录")
        _step(uow, c, "investigate", moved, note=note)

    return _action(db, complaint_id, clerk, at, fn)


def accept(db, complaint_id: str, *, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = _move(uow, c, sm.Action.ACCEPT)
        _effects(uow, c, sm.Action.ACCEPT)
        _step(uow, c, "accept", moved)

    return _action(db, complaint_id, clerk, at, fn)


def _reject(uow: UnitOfWork, c: Complaint, reason: str, note: str | None, **details) -> None:
    moved = _move(uow, c, sm.Action.REJECT)
    _effects(uow, c, sm.Action.REJECT)
    _step(uow, c, "reject", moved, reason=reason, note=note, **details)


def reject(db, complaint_id: str, *, reason: str, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    code = parse_code(sm.REJECT_REASONS, reason, "--reason 不予受理原因")
    return _action(db, complaint_id, clerk, at, lambda uow, c: _reject(uow, c, code, (note or "").strip() or None))


def transfer(db, complaint_id: str, *, to: str, internal: bool = False, clerk=None, at=None) -> dict[str, Any]:
    unit = _clean(to, "--to 接收单位", required=True, example="北京分公司理赔部")

    def fn(uow, c):
        moved = _move(uow, c, sm.Action.TRANSFER)
        _effects(uow, c, sm.Action.TRANSFER)
        _step(uow, c, "transfer", moved, to=unit, internal=internal)

    return _action(db, complaint_id, clerk, at, fn)


def merge(
    db, complaint_id: str, *, into: str, new_facts: bool = False, note: str | None = None, clerk=None, at=None
) -> dict[str, Any]:
    """Merge a repeat complaint into the first one.

    With new facts: this case becomes `merged`, and the first case's decision clock restarts
    from receipt of the new materials (old row superseded, new row says why). Without new
    facts: this case is rejected as duplicate_open / duplicate_decided.
    """

    def fn(uow, c):
        target = _get(uow, into)
        if target.id == c.id:
            raise InputError(f"--into 不能是投诉自身({c.id}),请填写原投诉的编号")
        sm.check(c.status, sm.Action.MERGE)  # message about this case first
        sm.check_merge_target(target.status, new_facts)
        if not new_facts:
            reason = str(sm.duplicate_reason(target.status))
            text = f"与 {target.id} 重复" + (f";{note.strip()}" if note and note.strip() else "")
            _reject(uow, c, reason, text, duplicate_of=target.id)
            return
        moved = _move(uow, c, sm.Action.MERGE)
        new_materials_at = c.materials_complete_at or uow.at
        _effects(uow, c, sm.Action.MERGE)
        _step(uow, c, "merge", moved, into=target.id, new_facts=True, note=note)

        t_moved = _move(uow, target, sm.Action.RECEIVE_MERGE)
        old = _effects(uow, target, sm.Action.RECEIVE_MERGE).get("superseded", [])
        rule = old[-1].rule if old and old[-1].rule != "fixed" else sm.EXTENSION_RULE[target.extension_level or None]
        row = _start(uow, target, K.DECISION, new_materials_at, rule, f"并入 {c.id} 的新事实,自新材料收到")
        _step(
            uow,
            target,
            "merge_in",
            t_moved,
            source=c.id,
            decision_due_before=old[-1].due if old else None,
            decision_due_after=row.due,
        )

    return _action(db, complaint_id, clerk, at, fn)


def extend(
    db, complaint_id: str, *, level: str, approver: str | None = None, late: bool = False, clerk=None, at=None
) -> dict[str, Any]:
    from ..domain.codes import table_of

    lv_text = parse_code(table_of(sm.EXTENSION_ZH), level, "--level 延期级别")

    def fn(uow, c):
        moved = _move(uow, c, sm.Action.EXTEND)
        lv = sm.check_extension(c.extension_level, lv_text, approver)
        running = open_deadlines(uow, CASE, c.id, [K.DECISION], RUNNING)
        if not running:
            raise RuleError(f"投诉 {c.id} 没有进行中的处理期限,无法延期")
        was_late = _refuse_if_missed(uow, running, "延期", late)
        was_paused = running[-1].status == DeadlineStatus.PAUSED
        old = _effects(uow, c, sm.Action.EXTEND)["superseded"]
        prev = old[-1]
        rule = sm.EXTENSION_RULE[lv]
        why = f"{sm.EXTENSION_ZH[lv]}延期" + (f"(批准人 {approver.strip()})" if approver else "") + ",原期限起算"
        row = _start(
            uow,
            c,
            K.DECISION,
            prev.start_at,
            rule,
            why,
            extra_workdays=prev.extra_workdays,
            paused_days=prev.paused_days,
        )
        if was_paused:
            pause_deadline(uow, row, c.pause_reason or "")
        _step(
            uow,
            c,
            "extend",
            moved,
            level=str(lv),
            approver=approver,
            due_before=prev.due,
            due_after=row.due,
            late=was_late,
        )

    return _action(db, complaint_id, clerk, at, fn)


def pause(db, complaint_id: str, *, reason: str, late: bool = False, clerk=None, at=None) -> dict[str, Any]:
    text = _clean(reason, "--reason 中止原因(如 外部鉴定)", required=True, limit=500, multiline=True, example="伤残鉴定")

    def fn(uow, c):
        moved = _move(uow, c, sm.Action.PAUSE)
        rows = open_deadlines(uow, CASE, c.id, sm.EFFECTS[sm.Action.PAUSE]["paused"])
        was_late = _refuse_if_missed(uow, rows, "中止", late)
        _effects(uow, c, sm.Action.PAUSE)
        for row in rows:
            pause_deadline(uow, row, text)
        _step(uow, c, "pause", moved, reason=text, late=was_late, paused=[d.kind for d in rows])

    return _action(db, complaint_id, clerk, at, fn)


def resume(db, complaint_id: str, *, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved_status = _move(uow, c, sm.Action.RESUME)
        start = c.paused_at or uow.at
        days = max(uow.calendar.count_workdays(start.date(), uow.at.date()), 0)
        why = f"外部鉴定中止 {start:%Y-%m-%d} 至 {uow.at:%Y-%m-%d}: {c.pause_reason}"
        moved = []
        for row in open_deadlines(uow, CASE, c.id, sm.EFFECTS[sm.Action.RESUME]["resumed"], [DeadlineStatus.PAUSED]):
            before_due = row.due
            resume_deadline(uow, row, why)
            moved.append({"kind": row.kind, "due_before": before_due, "due_after": row.due})
        _step(uow, c, "resume", moved_status, paused_from=start, paused_workdays=days, moved=moved)

    return _action(db, complaint_id, clerk, at, fn)


def decide(db, complaint_id: str, *, result: str, clerk=None, at=None) -> dict[str, Any]:
    text = _clean(result, "--result 处理决定", required=True, limit=2000, multiline=True, example="同意赔付 5000 元")

    def fn(uow, c):
        moved = _move(uow, c, sm.Action.DECIDE)
        _effects(uow, c, sm.Action.DECIDE)
        _step(uow, c, "decide", moved, result=text)
        scheduled.append(_schedule_callback(uow, c, "complaint").id)

    scheduled: list[str] = []
    out = _action(db, complaint_id, clerk, at, fn)
    out["scheduled"] = scheduled
    return out


def withdraw(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = _move(uow, c, sm.Action.WITHDRAW)
        closed = _effects(uow, c, sm.Action.WITHDRAW)["not_applicable"]
        _step(uow, c, "withdraw", moved, note=note, closed=[d.kind for d in closed])

    return _action(db, complaint_id, clerk, at, fn)


def regulator_report(db, complaint_id: str, *, note: str | None = None, clerk=None, at=None) -> dict[str, Any]:
    def fn(uow, c):
        moved = _move(uow, c, sm.Action.REGULATOR_REPORT)
        if not _met(_effects(uow, c, sm.Action.REGULATOR_REPORT), K.REGULATOR_REPORT):
            raise RuleError(f"投诉 {c.id} 没有待完成的监管报告期限(不是监管转办投诉,或已报告)")
        _step(uow, c, "regulator_report", moved, note=note)

    return _action(db, complaint_id, clerk, at, fn)


# --- reading ------------------------------------------------------------------
def show(db, complaint_id: str, *, as_of: dt.date | None = None) -> dict[str, Any]:
    from .past import past_of

    with unit_of_work(db, write=False) as uow:
        c = _get(uow, complaint_id)
        past = past_of(uow, as_of or uow.now.date())  # a past day: the case as it stood then
        out = view(uow, c if past is None else past.row(CASE, c), as_of=as_of or uow.now.date(), events=True)
        return out if past is None else past.show(out)
