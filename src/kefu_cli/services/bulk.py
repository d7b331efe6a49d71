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
from ..domain.deadlines import DeadlineKind, DeadlineStatus, compute_due
from ..domain.errors import CalendarRangeError, InputError
from ..domain.policy import UNIT_ZH, Start, Unit
from ..domain.timeutil import iso_date, iso_datetime
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, Deadline
from .complaints import CASE, PERIODS, START_WHY, check_receipt, clean_registration, register
from .context import UnitOfWork, details_json, details_str, details_template, slot
from .deadlines import snapshot_of

K = DeadlineKind
IN_LIST = 400  # values per IN (…) of a query
IMPORT_CACHE_KIB = 65_536  # SQLite page cache of an import's connection


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
        self.now = uow.now
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
        f = clean_registration(
            self._once, channel=channel, category=category, relation=relation, name=name, phone=phone,
            policy_no=policy_no, branch=branch, handler=handler, regulator_ref=regulator_ref, summary=summary,
        )  # fmt: skip
        channel, category, relation, name, phone = f["channel"], f["category"], f["relation"], f["name"], f["phone"]
        policy_no, branch, handler, regulator_ref, summary = (
            f["policy_no"], f["branch"], f["handler"], f["regulator_ref"], f["summary"]
        )  # fmt: skip
        received = received or uow.at
        latest = min(uow.at, self.now)
        check_receipt(received, latest, channel, regulator_ref, regulator_due)
        self._once(("day", received.date()), lambda: self._calendar_day(received.date()))
        branch, handler = self.names(branch, handler)
        if uow.at < received:
            raise InputError(
                f"--at 登记时间 {uow.at:%Y-%m-%d %H:%M} 早于接收时间 {received:%Y-%m-%d %H:%M},请检查 --received 或 --at"
            )
        return Registration(
            line, received, channel, category, relation, name, phone, policy_no, summary, branch, handler,
            incomplete, regulator_ref, regulator_due,
        )  # fmt: skip

    def _calendar_day(self, day: dt.date) -> bool:
        try:
            self.uow.calendar.day(day)
        except CalendarRangeError as exc:
            raise InputError(str(exc)) from None
        return True

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


# The varying values of the details of a deadline's `open` event and of the `register` event
# (services/complaints.py `register`: its keyword arguments of uow.audit).
_OPEN_SLOTS = ("case", "case_id", "start_at", "due", "due_at", "provisional", "branch", "handler", "basis")
_REGISTER_SLOTS = (
    "channel", "category", "received_at", "incomplete", "regulator_ref", "regulator_due", "duplicates", "name",
    "phone", "relation", "policy_no", "summary", "branch", "handler",
)  # fmt: skip

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
        self._spec_memo: dict[bool, list[tuple[str, str, str, Unit, int, str, Callable]]] = {}
        self._register_details = details_template({k: slot(k) for k in _REGISTER_SLOTS}, _REGISTER_SLOTS)
        dialect = uow.session.get_bind().dialect
        if dialect.name == "sqlite":
            # A page cache for the indexes a long import fills in random order (phone, due day,
            # branch…): 64 MB instead of SQLite's 2 MB — about a fifth off the writes at 100,000
            # rows (bench/bench_import.py's floor, measured); set on this write connection only.
            uow.session.connection().exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
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

    def _specs(self, r: Registration) -> list[tuple[str, str, str, Unit, int, str, Callable]]:
        """(kind, rule, why, unit, amount, end of basis, details) of the deadlines `register`
        starts, in its order (all from receipt: complete materials at registration arrive with the
        complaint). A deadline's basis is f"{why} {start:%Y-%m-%d %H:%M}{end of basis}"[:255];
        `details` gives the details JSON of its `open` event (`_OPEN_SLOTS` as details_json)."""
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
        specs = []
        for kind, rule, why in wanted:
            unit, amount = self._rule(rule).unit, self._rule(rule).value
            kind = str(kind)
            # the details of `record(uow, row, "open", …)` in `start_deadline`, `snapshot` of the new row
            state = snapshot_of(
                CASE, slot("case_id"), kind, str(DeadlineStatus.OPEN), slot("start_at"), slot("due"), slot("due_at"),
                slot("provisional"), False, None, None, None, slot("branch"), slot("handler"),
            )  # fmt: skip
            shape = dict(case=slot("case"), kind=kind, state=state, basis=slot("basis"), rule=rule, unit=str(unit),
                         amount=amount)  # fmt: skip
            # `terms(row)` of the new row (services/deadlines.py `record`)
            shape["terms"] = dict(rule=rule, unit=str(unit), amount=amount, extra_workdays=0, paused_days=0,
                                  fixed_due=None)  # fmt: skip
            shape["row_time"] = iso_datetime(self.uow.recorded_at)  # one writer, one unit of work
            tail = f" 起 {amount} {UNIT_ZH[unit]}({rule})"
            specs.append((kind, rule, why, unit, amount, tail, details_template(shape, _OPEN_SLOTS)))
        self._spec_memo[r.incomplete] = specs
        return specs

    def _due_table(self, regs: list[Registration]) -> None:
        """Due dates of the batch's working-day rules from the calendar's batch path, once per start day."""
        cal = self.uow.calendar
        wanted: dict[int, set[dt.date]] = {}
        for r in regs:
            for _, _, _, unit, amount, _, _ in self._specs(r):
                day = r.received.date()
                if unit is Unit.WORKDAYS and (day, Unit.WORKDAYS, amount) not in self._dues:
                    wanted.setdefault(amount, set()).add(day)
        for n, days in wanted.items():
            starts = sorted(days)
            for start, due in zip(starts, cal.add_workdays_many(starts, n), strict=True):
                self._dues[(start, Unit.WORKDAYS, n)] = self._due_texts(
                    due, dt.datetime.combine(due, dt.time(23, 59, 59)), cal.touches_provisional(start, due)
                )

    def _due_texts(self, due: dt.date, due_at: dt.datetime, provisional: bool) -> tuple:
        """A due date as the batch writes it, formatted once: (due, due_at, provisional) as stored
        in the deadline row, then as `snapshot` has them in the event's details JSON."""
        return (
            self._day(due),
            self._moment(due_at),
            self._flag(provisional),
            {
                "due": details_json(iso_date(due)),
                "due_at": details_json(iso_datetime(due_at)),
                "provisional": details_json(bool(provisional)),
            },
        )

    def _due(self, start_at: dt.datetime, day: dt.date, unit: Unit, amount: int) -> tuple:
        """`_due_texts` of the deadline starting at `start_at` (on `day`)."""
        if unit is Unit.HOURS:  # from the moment itself: one of a kind, not worth keeping
            d = compute_due(self.uow.calendar, start_at, unit, amount)
            return self._due_texts(d.due, d.due_at, d.provisional)
        key = (day, unit, amount)
        hit = self._dues.get(key)
        if hit is None:
            d = compute_due(self.uow.calendar, start_at, unit, amount)
            hit = self._dues[key] = self._due_texts(d.due, d.due_at, d.provisional)
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

        counter_keys: dict[dt.date, str] = {}  # the counter key of each receipt day, formatted once
        keys = []
        for r in regs:
            d = r.received.date()
            k = counter_keys.get(d)
            if k is None:
                k = counter_keys[d] = f"TS-{d:%Y%m%d}"
            keys.append(k)
        days = sorted(set(counter_keys.values()))
        counters: dict[str, int] = {}
        for i in range(0, len(days), IN_LIST):
            part = days[i : i + IN_LIST]
            marks = ", ".join("?" * len(part))
            for key, value in conn.exec_driver_sql(
                f"SELECT key, value FROM counter WHERE key IN ({marks})", tuple(part)
            ):
                counters[key] = value
        next_deadline = (session.execute(select(func.max(Deadline.id))).scalar() or 0) + 1
        next_event = (session.execute(select(func.max(AuditEvent.id))).scalar() or 0) + 1

        moment, day, due_of, js = self._moment, self._day, self._due, details_str  # js: details_json of a str
        at_s, recorded_s, clerk = moment(uow.at), moment(uow.recorded_at), uow.clerk
        no = self._flag(False)
        opened, registered = str(DeadlineStatus.OPEN), "register"
        awaiting, registered_status = str(sm.Status.AWAITING_MATERIALS), str(sm.Status.REGISTERED)
        complaints, deadlines, events, ids = [], [], [], []
        for r, key in zip(regs, keys, strict=True):
            received = r.received
            hints = set(by_phone.get((r.phone, r.category), ()))
            if r.policy_no:
                hints.update(by_policy.get(r.policy_no, ()))
            duplicates = [cid for _, cid in sorted(hints)]
            counters[key] = number = counters.get(key, 0) + 1
            cid = f"{key}-{number:04d}"
            ids.append(cid)
            status = awaiting if r.incomplete else registered_status
            received_s, received_day = moment(received), received.date()
            complaints.append((
                cid, received_s, r.channel, r.category, r.name, r.phone, r.relation, r.policy_no, r.summary,
                r.branch, r.handler, status, None if r.incomplete else received_s, r.regulator_ref,
                day(r.regulator_due), 0, at_s, recorded_s, clerk, recorded_s,
            ))  # fmt: skip
            started = f"{received:%Y-%m-%d %H:%M}"
            # the details JSON of the deadlines' `open` events: what is the same for all of them, written once
            same = {
                "case": js(f"{CASE}:{cid}"), "case_id": js(cid),
                "start_at": js(iso_datetime(received)), "branch": js(r.branch),
                "handler": js(r.handler),
            }  # fmt: skip
            for kind, rule_key, why, unit, amount, tail, open_details in self._specs(r):
                basis = f"{why} {started}{tail}"[:255]
                due_s, due_at_s, provisional_s, due_json = due_of(received, received_day, unit, amount)
                did = next_deadline
                next_deadline += 1
                deadlines.append((
                    did, CASE, cid, kind, rule_key, str(unit), amount, 0, 0, received_s, None, due_s, due_at_s,
                    provisional_s, basis, opened, r.branch, r.handler, no, recorded_s, recorded_s,
                ))  # fmt: skip
                details = open_details({**same, **due_json, "basis": js(basis)})
                events.append(("deadline", str(did), "open", None, opened, details))
            details = self._register_details({
                "channel": js(r.channel), "category": js(r.category),
                "received_at": details_json(received), "incomplete": details_json(r.incomplete),
                "regulator_ref": details_json(r.regulator_ref), "regulator_due": details_json(r.regulator_due),
                "duplicates": details_json(duplicates), "name": js(r.name), "phone": js(r.phone),
                "relation": js(r.relation), "policy_no": js(r.policy_no),
                "summary": js(r.summary), "branch": js(r.branch),
                "handler": js(r.handler),
            })  # fmt: skip
            events.append((CASE, cid, registered, None, status, details))
            by_phone.setdefault((r.phone, r.category), []).append((received, cid))
            if r.policy_no:
                by_policy.setdefault(r.policy_no, []).append((received, cid))

        # every event of the batch shares at, recorded_at (the transaction's write time) and clerk
        written_s = moment(uow.written_at)
        rows = [
            (
                next_event + i,
                at_s,
                written_s,
                e["clerk"],
                e["entity"],
                e["entity_id"],
                e["action"],
                e["from_status"],
                e["to_status"],
                e["details"],
                e["prev_hash"],
                e["hash"],
            )  # fmt: skip
            for i, e in enumerate(uow.event_rows(events))
        ]
        conn.exec_driver_sql(_insert_sql("complaint", COMPLAINT_COLUMNS), complaints)
        conn.exec_driver_sql(_insert_sql("deadline", DEADLINE_COLUMNS), deadlines)
        conn.exec_driver_sql(_insert_sql("audit_event", EVENT_COLUMNS), rows)
        conn.exec_driver_sql(
            "INSERT INTO counter (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, counters[k]) for k in days],
        )
        return ids
