"""Registering many complaints at once (`kefu import complaints`) without an ORM object per row.

`services.complaints.register` is the rule: the bulk path writes exactly the rows and audit
events it would write one complaint at a time, in the same order — the complaint row, its
deadline rows (each with its `open` event carrying the `state` snapshot of
services/deadlines.snapshot), the `register` event with the duplicate hint, the case number
from the same per-day counter, every event chained (UnitOfWork.event_row) and the chain head
advanced. tests/test_bulk_import.py imports the same file both ways and compares every row
and every event.

What makes it fast is doing each thing once per batch instead of once per row: one query for
the duplicate hints of a batch (then kept up to date in memory as the batch is numbered), one
for the counters, one for the next ids; due dates from the calendar's batch path
(`add_workdays_many`) per distinct start day; plain tuples inserted with executemany.

A complaint transferred by the regulator goes through `register` itself, in order between
batches (it schedules the regulator's callback). Branch and handler names are checked against
the master lists (services/masters.py) once per pair and transaction, as `register` checks them.

SQLite only (ids are taken as max + 1 under the write lock); other databases use the
one-by-one path (services/imports.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, func, select

from ..domain import complaint as sm
from ..domain.codes import CATEGORIES, CHANNELS, RELATIONS, parse_code
from ..domain.deadlines import DeadlineKind, DeadlineStatus, compute_due
from ..domain.errors import CalendarRangeError, InputError
from ..domain.policy import UNIT_ZH, Start, Unit
from ..domain.timeutil import now_cst
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, Deadline
from .complaints import CASE, PERIODS, START_WHY, _clean, _phone, check_receipt, register
from .context import UnitOfWork
from .deadlines import snapshot

K = DeadlineKind
IN_LIST = 400  # values per IN (…) of a query


@dataclass(slots=True)
class Registration:
    """One complaint as `register` would store it: every field checked and cleaned."""

    line: int
    received: dt.datetime
    channel: str
    category: str
    relation: str
    name: str
    phone: str
    policy_no: str
    summary: str
    branch: str
    handler: str
    incomplete: bool
    regulator_ref: str | None
    regulator_due: dt.date | None

    def fields(self) -> dict[str, Any]:
        """The arguments of `register` for this complaint."""
        return dict(
            received=self.received, channel=self.channel, category=self.category, name=self.name,
            phone=self.phone, relation=self.relation, policy_no=self.policy_no, summary=self.summary,
            branch=self.branch, handler=self.handler, incomplete=self.incomplete,
            regulator_ref=self.regulator_ref, regulator_due=self.regulator_due,
        )  # fmt: skip


class Checker:
    """`register`'s checks of one complaint, in its order and with its messages, without
    writing anything. Pure checks of a repeated value (a channel, a branch) run once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.now = now_cst()
        self._memo: dict[tuple, Any] = {}

    def _once(self, key: tuple, fn: Callable[[], Any]) -> Any:
        hit = self._memo.get(key)
        if hit is None:
            try:
                hit = (True, fn())
            except InputError as exc:
                hit = (False, exc)
            self._memo[key] = hit
        if hit[0]:
            return hit[1]
        raise hit[1]

    def check(
        self,
        line: int,
        *,
        received: dt.datetime,
        channel: str,
        category: str,
        name: str,
        phone: str,
        relation: str = "self",
        policy_no: str = "",
        summary: str = "",
        branch: str = "",
        handler: str = "",
        incomplete: bool = False,
        regulator_ref: str | None = None,
        regulator_due: dt.date | None = None,
    ) -> Registration:
        uow = self.uow
        channel = self._once(("channel", channel), lambda: parse_code(CHANNELS, channel, "--channel"))
        category = self._once(("category", category), lambda: parse_code(CATEGORIES, category, "--category"))
        relation = self._once(("relation", relation), lambda: parse_code(RELATIONS, relation or "self", "--relation"))
        name = _clean(name, "--name 投诉人姓名", required=True, limit=50, example="王小明")
        phone = _phone(phone)
        policy_no = _clean(policy_no, "--policy 保单号", limit=60, example="P2026110001")
        branch = self._once(("branch", branch), lambda: _clean(branch, "--branch 机构", limit=60, example="朝阳支公司"))
        handler = self._once(
            ("handler", handler), lambda: _clean(handler, "--handler 处理人", limit=60, example="李娜")
        )
        regulator_ref = _clean(regulator_ref, "--regulator-ref 监管转办编号", example="京金转〔2026〕1号") or None
        summary = _clean(summary, "--summary 投诉内容", limit=2000, multiline=True, example="理赔款逾期未到账")
        received = received or uow.at
        latest = min(uow.at, self.now)
        check_receipt(received, latest, channel, regulator_ref, regulator_due)
        try:
            uow.calendar.day(received.date())
        except CalendarRangeError as exc:
            raise InputError(str(exc)) from None
        branch, handler = self.names(branch, handler)
        if uow.at < received:
            raise InputError(
                f"--at 登记时间 {uow.at:%Y-%m-%d %H:%M} 早于接收时间 {received:%Y-%m-%d %H:%M},请检查 --received 或 --at"
            )
        return Registration(
            line, received, channel, category, relation, name, phone, policy_no, summary, branch, handler,
            incomplete, regulator_ref, regulator_due,
        )  # fmt: skip

    def names(self, branch: str, handler: str) -> tuple[str, str]:
        """Branch and handler checked against the master lists, as `register` checks them."""
        from .masters import ensure_branch, ensure_handler

        branch = self._once(("ensure_branch", branch), lambda: ensure_branch(self.uow, branch))
        handler = self._once(("ensure_handler", handler, branch), lambda: ensure_handler(self.uow, handler, branch))
        return branch, handler


class RowFailed(Exception):
    """A row that passed the check failed when written (the database changed in between)."""

    def __init__(self, line: int, error: InputError) -> None:
        super().__init__(str(error))
        self.line, self.error = line, error


class _State:
    """A deadline row as `snapshot` reads it."""

    __slots__ = (
        "case_type", "case_id", "kind", "status", "start_at", "due", "due_at", "provisional", "breached",
        "paused_at", "met_at", "closed_at", "branch", "handler",
    )  # fmt: skip

    def __init__(self, case_id, kind, start_at, due, due_at, provisional, branch, handler) -> None:
        self.case_type, self.case_id, self.kind, self.status = CASE, case_id, kind, str(DeadlineStatus.OPEN)
        self.start_at, self.due, self.due_at, self.provisional = start_at, due, due_at, provisional
        self.breached, self.paused_at, self.met_at, self.closed_at = False, None, None, None
        self.branch, self.handler = branch, handler


COMPLAINT_COLUMNS = (
    "id", "received_at", "channel", "category", "name", "phone", "relation", "policy_no", "summary", "branch",
    "handler", "status", "materials_complete_at", "regulator_ref", "regulator_due", "paused_workdays",
    "registered_at", "created_at", "created_by", "updated_at",
)  # fmt: skip
DEADLINE_COLUMNS = (
    "id", "case_type", "case_id", "kind", "rule", "unit", "amount", "extra_workdays", "paused_days", "start_at",
    "fixed_due", "due", "due_at", "provisional", "basis", "status", "branch", "handler", "breached", "created_at",
    "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "at", "recorded_at", "clerk", "entity", "entity_id", "action", "from_status", "to_status", "details",
    "prev_hash", "hash",
)  # fmt: skip


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


class BulkWriter:
    """Writes checked registrations in one unit of work (one write transaction), in order."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.checker = Checker(uow)
        self.ensured: set[tuple[str, str]] = set()
        self._rules: dict[str, Any] = {}
        self._dues: dict[tuple, Any] = {}
        self._spec_memo: dict[bool, list[tuple[str, str, str, Unit, int]]] = {}
        dialect = uow.session.get_bind().dialect
        moment, day, flag = (t().dialect_impl(dialect).bind_processor(dialect) for t in (DateTime, Date, Boolean))
        moments: dict[dt.datetime, str] = {}
        days: dict[dt.date, str] = {}

        def stored(cache: dict, convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
            def text(value):  # the text SQLAlchemy stores for a value, converted once per value
                if value is None:
                    return None
                hit = cache.get(value)
                if hit is None:
                    hit = cache[value] = convert(value)
                return hit

            return text

        self._moment = stored(moments, moment)
        self._day = stored(days, day)
        self._flag = (lambda v: flag(v)) if flag else bool

    def register(self, regs: Iterable[Registration]) -> list[str]:
        """Register `regs` in order; returns their case numbers."""
        ids: list[str] = []
        batch: list[Registration] = []
        for r in regs:
            if r.channel == "regulator":
                ids += self._batch(batch)
                batch = []
                ids.append(self._one(r))
                continue
            batch.append(r)
        ids += self._batch(batch)
        return ids

    def _names(self, regs: list[Registration]) -> None:
        """Each branch/handler pair checked against the master lists once per transaction, as
        `register` checks it (a list that adds a name writes its event before the batch's)."""
        for r in regs:
            pair = (r.branch, r.handler)
            if pair in self.ensured:
                continue
            try:
                self.checker.names(*pair)
            except InputError as exc:
                raise RowFailed(r.line, exc) from exc
            self.ensured.add(pair)

    def _one(self, r: Registration) -> str:
        """A row through `register` itself (master-list checks and any event they add, the
        regulator's callback)."""
        try:
            out = register(self.uow, **r.fields())
        except InputError as exc:
            raise RowFailed(r.line, exc) from exc
        self.uow.session.flush()
        return out["id"]

    # --- one batch ------------------------------------------------------------------------
    def _rule(self, key: str):
        r = self._rules.get(key)
        if r is None:
            r = self._rules[key] = self.uow.policy.rule(key)
        return r

    def _specs(self, r: Registration) -> list[tuple[str, str, str, Unit, int]]:
        """(kind, rule, why, unit, amount) of the deadlines `register` starts, in its order (all
        from receipt: complete materials at registration arrive with the complaint)."""
        specs = self._spec_memo.get(r.incomplete)
        if specs is not None:
            return specs
        wanted = []
        if r.incomplete:
            wanted.append((K.SUPPLEMENT_NOTICE, "complaint.supplement_notice", "接收投诉(材料不全)"))
        for kind, rule in PERIODS:
            start = self._rule(rule).start
            if start is Start.RECEIVED:
                wanted.append((kind, rule, START_WHY[Start.RECEIVED]))
            elif start is Start.COMPLETE and not r.incomplete:
                wanted.append((kind, rule, START_WHY[Start.COMPLETE]))
        wanted.append((K.INITIAL_INVESTIGATION, "complaint.initial_investigation", "接收投诉"))
        specs = [(str(kind), rule, why, self._rule(rule).unit, self._rule(rule).value) for kind, rule, why in wanted]
        self._spec_memo[r.incomplete] = specs
        return specs

    def _due_table(self, regs: list[Registration]) -> None:
        """Due dates of the batch's working-day rules from the calendar's batch path, once per start day."""
        cal = self.uow.calendar
        wanted: dict[int, set[dt.date]] = {}
        for r in regs:
            for _, _, _, unit, amount in self._specs(r):
                day = r.received.date()
                if unit is Unit.WORKDAYS and (day, Unit.WORKDAYS, amount) not in self._dues:
                    wanted.setdefault(amount, set()).add(day)
        for n, days in wanted.items():
            starts = sorted(days)
            for start, due in zip(starts, cal.add_workdays_many(starts, n), strict=True):
                self._dues[(start, Unit.WORKDAYS, n)] = (
                    due,
                    dt.datetime.combine(due, dt.time(23, 59, 59)),
                    cal.touches_provisional(start, due),
                )

    def _due(self, start_at: dt.datetime, unit: Unit, amount: int):
        key = (start_at if unit is Unit.HOURS else start_at.date(), unit, amount)
        hit = self._dues.get(key)
        if hit is None:
            d = compute_due(self.uow.calendar, start_at, unit, amount)
            hit = self._dues[key] = (d.due, d.due_at, d.provisional)
        return hit

    def _duplicate_index(self, regs: list[Registration]):
        """Open or decided complaints with a batch row's phone or policy (as `find_duplicates` reads them)."""
        phones = sorted({r.phone for r in regs})
        policies = sorted({r.policy_no for r in regs if r.policy_no})
        statuses = {str(s) for s in sm.DUPLICATE_HINT_STATUSES}
        by_phone: dict[tuple[str, str], list[tuple[dt.datetime, str]]] = {}
        by_policy: dict[str, list[tuple[dt.datetime, str]]] = {}
        seen: set[str] = set()
        c = Complaint.__table__.c
        for values, column in ((phones, c.phone), (policies, c.policy_no)):
            for i in range(0, len(values), IN_LIST):
                # by the phone or policy index alone (a status condition could make SQLite scan by status)
                stmt = select(c.id, c.received_at, c.phone, c.category, c.policy_no, c.status).where(
                    column.in_(values[i : i + IN_LIST])
                )
                for cid, received, phone, category, policy, status in self.uow.session.execute(stmt):
                    if cid in seen or status not in statuses:
                        continue
                    seen.add(cid)
                    by_phone.setdefault((phone, category), []).append((received, cid))
                    if policy:
                        by_policy.setdefault(policy, []).append((received, cid))
        return by_phone, by_policy

    def _batch(self, regs: list[Registration]) -> list[str]:
        if not regs:
            return []
        uow = self.uow
        session = uow.session
        self._names(regs)
        session.flush()  # events and rows the ORM holds go first: ids follow the chain
        conn = session.connection()
        self._due_table(regs)
        by_phone, by_policy = self._duplicate_index(regs)

        days = sorted({f"TS-{r.received:%Y%m%d}" for r in regs})
        counters: dict[str, int] = {}
        for i in range(0, len(days), IN_LIST):
            part = days[i : i + IN_LIST]
            marks = ", ".join("?" * len(part))
            for key, value in conn.exec_driver_sql(f"SELECT key, value FROM counter WHERE key IN ({marks})", tuple(part)):
                counters[key] = value
        next_deadline = (session.execute(select(func.max(Deadline.id))).scalar() or 0) + 1
        next_event = (session.execute(select(func.max(AuditEvent.id))).scalar() or 0) + 1

        at, recorded, clerk = uow.at, uow.recorded_at, uow.clerk
        moment, day, flag = self._moment, self._day, self._flag
        at_s, recorded_s = moment(at), moment(recorded)
        opened, registered = str(DeadlineStatus.OPEN), "register"
        complaints, deadlines, events, ids = [], [], [], []
        for r in regs:
            received = r.received
            hints = set(by_phone.get((r.phone, r.category), ()))
            if r.policy_no:
                hints.update(by_policy.get(r.policy_no, ()))
            duplicates = [cid for _, cid in sorted(hints)]
            key = f"TS-{received:%Y%m%d}"
            counters[key] = counters.get(key, 0) + 1
            cid = f"{key}-{counters[key]:04d}"
            ids.append(cid)
            status = str(sm.Status.AWAITING_MATERIALS if r.incomplete else sm.Status.REGISTERED)
            received_s = moment(received)
            complaints.append((
                cid, received_s, r.channel, r.category, r.name, r.phone, r.relation, r.policy_no, r.summary,
                r.branch, r.handler, status, None if r.incomplete else received_s, r.regulator_ref,
                day(r.regulator_due), 0, at_s, recorded_s, clerk, recorded_s,
            ))  # fmt: skip
            started = f"{received:%Y-%m-%d %H:%M}"
            for kind, rule_key, why, unit, amount in self._specs(r):
                basis = f"{why} {started} 起 {amount} {UNIT_ZH[unit]}({rule_key})"[:255]
                due, due_at, provisional = self._due(received, unit, amount)
                did = next_deadline
                next_deadline += 1
                deadlines.append((
                    did, CASE, cid, kind, rule_key, str(unit), amount, 0, 0, received_s, None, day(due),
                    moment(due_at), flag(provisional), basis, opened, r.branch, r.handler, flag(False), recorded_s,
                    recorded_s,
                ))  # fmt: skip
                state = snapshot(_State(cid, kind, received, due, due_at, provisional, r.branch, r.handler))
                details = dict(
                    case=f"{CASE}:{cid}", kind=kind, state=state, basis=basis, rule=rule_key, unit=str(unit),
                    amount=amount,
                )  # fmt: skip
                events.append(("deadline", str(did), "open", None, opened, details))
            details = dict(
                channel=r.channel, category=r.category, received_at=received, incomplete=r.incomplete,
                regulator_ref=r.regulator_ref, regulator_due=r.regulator_due, duplicates=duplicates, name=r.name,
                phone=r.phone, relation=r.relation, policy_no=r.policy_no, summary=r.summary, branch=r.branch,
                handler=r.handler,
            )  # fmt: skip
            events.append((CASE, cid, registered, None, status, details))
            by_phone.setdefault((r.phone, r.category), []).append((received, cid))
            if r.policy_no:
                by_policy.setdefault(r.policy_no, []).append((received, cid))

        rows = []
        for e in uow.event_rows(events):
            rows.append((
                next_event, moment(e["at"]), moment(e["recorded_at"]), e["clerk"], e["entity"], e["entity_id"],
                e["action"], e["from_status"], e["to_status"], e["details"], e["prev_hash"], e["hash"],
            ))  # fmt: skip
            next_event += 1
        conn.exec_driver_sql(_insert_sql("complaint", COMPLAINT_COLUMNS), complaints)
        conn.exec_driver_sql(_insert_sql("deadline", DEADLINE_COLUMNS), deadlines)
        conn.exec_driver_sql(_insert_sql("audit_event", EVENT_COLUMNS), rows)
        conn.exec_driver_sql(
            "INSERT INTO counter (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, counters[k]) for k in days],
        )
        return ids

