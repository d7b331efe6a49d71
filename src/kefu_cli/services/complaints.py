"""Complaints registered (`kefu complaint add`; the bulk import, services/bulk.py, registers with the
same functions): each field cleaned and checked (`REGISTRATION_FIELDS`, `check_registration`), the
duplicate hint (`DuplicateIndex`, `find_duplicates`), the deadlines a registration opens
(`registration_deadlines`) and the `register` event, in one unit of work.

The steps after registration are in services/complaint_steps.py, reading a complaint in
services/complaint_views.py. The row is the fold of its `register` event (domain/complaint.py
`apply`): no column is set here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ..domain import complaint as sm
from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, parse_code
from ..domain.deadlines import DeadlineKind
from ..domain.errors import InputError
from ..domain.policy import Start
from ..store.complaint_models import Complaint
from . import core
from .complaint_steps import PERIODS, missing_list, schedule_callback, start_complaint_deadline, text_field
from .complaint_views import CASE, view
from .context import UnitOfWork, unit_of_work

K = DeadlineKind


def registration_deadlines(
    policy, incomplete: bool, regulator: bool, major: bool = False
) -> list[tuple[DeadlineKind, str]]:
    """(kind, policy rule key) of the deadlines a registration opens, in the order it opens
    them, every one from the receipt (complete materials at registration arrive with the
    complaint): the supplement notice when materials are incomplete, the periods whose rule
    (`policy.rule(key).start`) starts on receipt, or on complete materials when they are
    complete, the 24-hour initial investigation, and the regulator's report date for 监管转办
    (its due date is the regulator's: `fixed_due`), and the report of a major complaint (20 or more
    people, domain/complaint.py MAJOR_AT_REGISTRATION). `register` and the bulk import both open these."""
    plan: list[tuple[DeadlineKind, str]] = []
    if incomplete:
        plan.append((K.SUPPLEMENT_NOTICE, "complaint.supplement_notice"))
    for kind, rule in PERIODS:
        start = policy.rule(rule).start
        if start is Start.RECEIVED or (start is Start.COMPLETE and not incomplete):
            plan.append((kind, rule))
    plan.append((K.INITIAL_INVESTIGATION, "complaint.initial_investigation"))
    if regulator:
        plan.append((K.REGULATOR_REPORT, "complaint.regulator_report"))
    if major:
        plan.append(sm.MAJOR_AT_REGISTRATION)
    return plan


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


def likely_duplicates(db: str | None, *, policy_no: str, phone: str, category: str) -> list[str]:
    """The duplicate hint of a registration, read before anything is written (a guided `add` asks
    仍要登记? first); [] when a value does not pass its check (the registration says why)."""
    try:
        phone = REGISTRATION_FIELDS["phone"](phone)
        category = REGISTRATION_FIELDS["category"](category)
        policy_no = REGISTRATION_FIELDS["policy_no"](policy_no)
    except InputError:
        return []
    with unit_of_work(db, write=False) as uow:
        return find_duplicates(uow, policy_no, phone, category)


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
    "name": lambda v: text_field(v, "--name 投诉人姓名", required=True, limit=50, example="王小明"),
    "phone": lambda v: _phone(v),
    "policy_no": lambda v: text_field(v, "--policy 保单号", limit=60, example="P2026110001"),
    "branch": lambda v: text_field(v, "--branch 机构", limit=60, example="朝阳支公司"),
    "handler": lambda v: text_field(v, "--handler 处理人", limit=60, example="李娜"),
    "regulator_ref": lambda v: text_field(v, "--regulator-ref 监管转办编号", example="京金转〔2026〕1号") or None,
    "summary": lambda v: text_field(v, "--summary 投诉内容", limit=2000, multiline=True, example="理赔款逾期未到账"),
    "dispute": lambda v: _regulator_code("DISPUTES", v, "--dispute 纠纷类型"),
    "product_line": lambda v: _regulator_code("LINES", v, "--line 险种"),
}


def _regulator_code(table: str, value: str | None, field: str) -> str | None:
    """A code of the regulator's coding (domain/regulator.py), None when not given."""
    if value is None or not str(value).strip():
        return None
    from ..domain import regulator

    return parse_code(getattr(regulator, table), value, field)


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
    missing: str | None = None,
    regulator_ref: str | None = None,
    regulator_due: dt.date | None = None,
    dispute: str | None = None,
    product_line: str | None = None,
    new_handler: bool = False,
    new_branch: bool = False,
    once: Callable[[tuple, Callable[[], Any]], Any] | None = None,
    people: int | str | None = None,
    representatives: str | None = None,
    about: str | None = None,
) -> dict[str, Any]:
    """A registration's every check, in order and with its messages (InputError for the first
    that fails): its fields cleaned, the receipt against the registration time, the calendar,
    branch and handler on the master lists (services/masters.py; `new_*` adds them). Returns the
    registration's cleaned values (`register`'s keyword arguments). `once(key, fn)` may remember
    the result of a pure check of a repeated value (the bulk import)."""
    f = clean_registration(
        once, channel=channel, category=category, relation=relation, name=name, phone=phone, policy_no=policy_no,
        branch=branch, handler=handler, regulator_ref=regulator_ref, summary=summary, dispute=dispute,
        product_line=product_line,
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
    f.update(group_fields(people, representatives, about))
    check_not_about(f["handler"], f["about"])  # before the master lists: a refused handler is not added
    f["branch"], f["handler"] = registration_names(uow, f["branch"], f["handler"], once, new_branch, new_handler)
    if uow.at < received:
        raise InputError(
            f"--at 登记时间 {uow.at:%Y-%m-%d %H:%M} 早于接收时间 {received:%Y-%m-%d %H:%M},请检查 --received 或 --at"
        )
    missing_materials = missing_list(missing) if missing is not None else []
    if missing_materials and not incomplete:
        raise InputError(
            "--missing 缺少的材料只用于材料不全的投诉,请同时指定 --incomplete,例如 "
            '--incomplete --missing "授权委托书原件、受托人身份证复印件"'
        )
    listed = {"missing_materials": missing_materials} if missing_materials else {}  # (the bulk import has none)
    return dict(f, received=received, incomplete=incomplete, regulator_due=regulator_due, **listed)


def group_fields(people: int | str | None, representatives: str | None, about: str | None) -> dict[str, Any]:
    """A registration's group (how many people, their representatives: at most 5), whom it is
    about, and why it is major (20 or more people) — domain/major.py."""
    from ..domain import major

    n, names = major.people(people), major.representatives(representatives)
    major.check_group(n, names)
    return dict(people=n, representatives=names, about=major.about(about), major_reason=major.registration_reason(n))


def check_not_about(handler: str | None, about: str | None) -> None:
    from ..domain.major import check_not_about as check

    check(handler, about)


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
    group = {k: values.get(k) for k in ("people", "representatives", "about", "major_reason")}
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
        dispute=values["dispute"],
        product_line=values["product_line"],
        **{k: v for k, v in group.items() if v},  # a group, whom it is about, major: only when given
        **({"missing_materials": values["missing_materials"]} if values.get("missing_materials") else {}),
    )


def registration_status(incomplete: bool) -> str:
    """The status a registration starts in."""
    return str(sm.Status.AWAITING_MATERIALS if incomplete else sm.Status.REGISTERED)


def register(uow: UnitOfWork, number: str | None = None, **fields: Any) -> dict[str, Any]:
    """Register a complaint inside the caller's unit of work (`add`; the bulk import registers
    transferred complaints with it, and the rest with the same functions in batches).

    `fields` are `check_registration`'s. Branch and handler must be on the master lists
    (services/masters.py) unless `new_*` adds them. `number`: the case's own number (an import of
    kefu's export, services/complaint_replay.py), the counter continuing after it."""
    v = check_registration(uow, **fields)
    received = v["received"]
    duplicates = find_duplicates(uow, v["policy_no"], v["phone"], v["category"])
    from .numbering import keep_number, next_number

    number = keep_number(uow, "TS", number) if number else next_number(uow, "TS", received.date())
    details = registration_details(v, duplicates)
    c = core.new_row(uow, CASE, number, "register", registration_status(v["incomplete"]), details)
    uow.session.flush()
    plan = registration_deadlines(uow.policy, v["incomplete"], v["channel"] == "regulator", bool(v["major_reason"]))
    for kind, rule in plan:
        fixed = {"fixed_due": v["regulator_due"]} if kind is K.REGULATOR_REPORT else {}
        start_complaint_deadline(uow, c, kind, received, rule, **fixed)
    core.register_event(uow, CASE, c, "register", details)
    if v["channel"] == "regulator":
        schedule_callback(uow, c, "regulator")
    out = view(uow, c, as_of=uow.now.date())
    out["duplicates"] = duplicates
    return out


def add(db: str | None, *, clerk: str | None = None, at: dt.datetime | None = None, **fields) -> dict[str, Any]:
    """`kefu complaint add`: register a complaint, start its deadlines, hint at duplicates."""
    with unit_of_work(db, clerk=clerk, at=at) as uow:
        return register(uow, **fields)
