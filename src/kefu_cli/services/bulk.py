"""Registering many complaints at once (`kefu import complaints`) without an ORM object per row.

The same registration as `services.complaints.register`, in batches, with no rule of its own:
every value comes from the functions `register` uses — the checks (`check_registration`), the
deadlines a registration opens (`registration_deadlines`, their basis `deadline_basis`), the
details of the `register` event (`registration_details`) and the row as their fold
(services/core.py `new_state`), the case numbers (services/numbering.py, reserved per day for
a whole batch in one counter update) and the duplicate hint (`DuplicateIndex`, one query for a
batch, kept up to date in memory as the batch is numbered). The rows and audit events are those
`register` writes one complaint at a time, in the same order — the complaint row, its deadline
rows (each with its `open` event carrying the `state` snapshot of services/deadlines.snapshot),
the `register` event, every event chained (UnitOfWork.event_row) and the chain head advanced.
tests/test_bulk_import.py imports the same file both ways and compares every row and every
event; tests/test_chain_fast.py compares the event texts.

What makes it fast is doing each thing once per batch instead of once per row: one query for
the duplicate hints of a batch, one counter update per receipt day, one query for the next ids;
due dates from the calendar's batch path (`add_workdays_many`) per distinct start day; the JSON
of each event shape built once (`details_template`); plain tuples inserted with executemany.

A complaint transferred by the regulator goes through `register` itself, in order between
batches (it schedules the regulator's callback). Branch and handler names are checked against
the master lists (services/masters.py) once per pair and transaction, as `register` checks them.

SQLite only (ids are taken as max + 1 under the write lock); other databases use the
one-by-one path (services/complaint_import.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, func, select

from ..domain.deadlines import DeadlineStatus, compute_due
from ..domain.effects import KEY as EFFECTS
from ..domain.errors import InputError
from ..domain.policy import Unit
from ..domain.timeutil import iso_date, iso_datetime
from ..store.complaint_models import Complaint
from ..store.models import AuditEvent, Deadline
from . import core
from .complaint_steps import basis_terms, deadline_basis
from .complaint_views import CASE
from .complaints import (
    DuplicateIndex,
    check_registration,
    register,
    registration_deadlines,
    registration_details,
    registration_names,
    registration_status,
)
from .context import UnitOfWork, details_json, details_str, details_template, slot
from .deadlines import snapshot_of
from .numbering import reserve_numbers

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
    dispute: str | None
    product_line: str | None
    people: int | None
    representatives: str | None
    about: str | None
    major_reason: str | None

    values: dict[str, Any]  # all of the above, as `check_registration` returned them

    def fields(self) -> dict[str, Any]:
        """The arguments of `register` for this complaint."""
        return dict(
            received=self.received, channel=self.channel, category=self.category, name=self.name,
            phone=self.phone, relation=self.relation, policy_no=self.policy_no, summary=self.summary,
            branch=self.branch, handler=self.handler, incomplete=self.incomplete,
            regulator_ref=self.regulator_ref, regulator_due=self.regulator_due, dispute=self.dispute,
            product_line=self.product_line,
            people=self.people, representatives=self.representatives, about=self.about,
        )  # fmt: skip


class Checker:
    """`register`'s checks of one complaint (`check_registration`), without writing anything.
    Pure checks of a repeated value (a channel, a branch) run once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
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
        dispute: str | None = None,
        product_line: str | None = None,
        people: int | str | None = None,
        representatives: str | None = None,
        about: str | None = None,
    ) -> Registration:
        v = check_registration(
            self.uow, once=self._once, received=received, channel=channel, category=category, name=name, phone=phone,
            relation=relation, policy_no=policy_no, summary=summary, branch=branch, handler=handler,
            incomplete=incomplete, regulator_ref=regulator_ref, regulator_due=regulator_due, dispute=dispute,
            product_line=product_line,
            people=people, representatives=representatives, about=about,
        )  # fmt: skip
        return Registration(line=line, **v, values=v)

    def names(self, branch: str, handler: str) -> tuple[str, str]:
        """Branch and handler checked against the master lists, as `register` checks them."""
        return registration_names(self.uow, branch, handler, self._once)


class RowFailed(Exception):
    """A row that passed the check failed when written (the database changed in between)."""

    def __init__(self, line: int, error: InputError) -> None:
        super().__init__(str(error))
        self.line, self.error = line, error


# The varying values of the details of a deadline's `open` event (services/deadlines.py `record`).
_OPEN_SLOTS = ("deadline", "case", "case_id", "start_at", "due", "due_at", "provisional", "branch", "handler", "basis")
# The details of a `register` event (services/complaints.py `registration_details`).
_REGISTER_SLOTS = tuple(registration_details(defaultdict(str), []))

COMPLAINT_COLUMNS = tuple(c.name for c in Complaint.__table__.columns)
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


_INSERTS = tuple(
    _insert_sql(t, c) for t, c in (("complaint", COMPLAINT_COLUMNS), ("deadline", DEADLINE_COLUMNS),
                                   ("audit_event", EVENT_COLUMNS))
)  # fmt: skip


def _insert_rows(raw, *tables: list[tuple]) -> None:
    """A batch's complaint, deadline and event rows inserted with executemany on `raw`."""
    for sql, rows in zip(_INSERTS, tables, strict=True):
        raw.executemany(sql, rows)


class BulkWriter:
    """Writes checked registrations in one unit of work (one write transaction), in order."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.checker = Checker(uow)
        self.ensured: set[tuple[str, str]] = set()
        self._rules: dict[str, Any] = {}
        self._dues: dict[tuple, Any] = {}
        self._spec_memo: dict[bool, list[tuple[str, str, str, Unit, int, Callable]]] = {}
        self._register_templates: dict[tuple[str, ...], Callable[[dict[str, str]], str]] = {}
        self._fold = core.fold_of(CASE)
        self._duplicates = DuplicateIndex()  # of every batch of this unit of work
        self._next_ids: tuple[int, int] | None = None  # the next deadline and event ids, once read
        self._json_memo: dict[tuple[type, Any], str] = {}
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
        # how each complaint column is stored: the text SQLAlchemy writes for times, days and flags
        kinds = ((DateTime, self._moment), (Date, self._day), (Boolean, self._flag))
        converts = [next((convert for kind, convert in kinds if isinstance(c.type, kind)), None)
                    for c in Complaint.__table__.columns]  # fmt: skip
        self._complaint_values = itemgetter(*COMPLAINT_COLUMNS)
        self._complaint_converts = [(i, convert) for i, convert in enumerate(converts) if convert is not None]

    def register(self, regs: Iterable[Registration]) -> list[str]:
        """Register `regs` in order; returns their case numbers."""
        ids: list[str] = []
        batch: list[Registration] = []
        for r in regs:
            if r.channel == "regulator" or r.major_reason:  # their callback, their major report: one by one
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
        self._next_ids = None  # the ORM took ids
        self._duplicates.add(out["id"], r.received, r.phone, r.category, r.policy_no)
        return out["id"]

    # --- one batch ------------------------------------------------------------------------
    def _rule(self, key: str):
        r = self._rules.get(key)
        if r is None:
            r = self._rules[key] = self.uow.policy.rule(key)
        return r

    def _specs(self, r: Registration) -> list[tuple[str, str, str, Unit, int, Callable]]:
        """(kind, rule key, basis, unit, amount, details) of the deadlines a registration
        opens (`registration_deadlines`), in its order; `details` gives the details JSON of each
        one's `open` event (`_OPEN_SLOTS` as details_json)."""
        specs = self._spec_memo.get(r.incomplete)
        if specs is not None:
            return specs
        specs = []
        for kind, rule_key in registration_deadlines(self.uow.policy, r.incomplete, False):
            rule = self._rule(rule_key)
            unit, amount = rule.unit, rule.value
            kind = str(kind)
            # the details of `record(uow, row, "open", …)` in `start_deadline`, `snapshot` of the new row
            state = snapshot_of(
                CASE, slot("case_id"), kind, str(DeadlineStatus.OPEN), slot("start_at"), slot("due"), slot("due_at"),
                slot("provisional"), False, None, None, None, slot("branch"), slot("handler"),
            )  # fmt: skip
            # as an effect of the `register` event (domain/effects.py `effect`)
            shape = {"deadline": slot("deadline"), "action": "open", "from": None, "to": str(DeadlineStatus.OPEN)}
            shape |= dict(case=slot("case"), kind=kind, state=state, basis=slot("basis"), rule=rule_key,
                          unit=str(unit), amount=amount)  # fmt: skip
            # `terms(row)` of the new row (services/deadlines.py `record`)
            shape["terms"] = dict(rule=rule_key, unit=str(unit), amount=amount, extra_workdays=0, paused_days=0,
                                  fixed_due=None)  # fmt: skip
            shape["row_time"] = iso_datetime(self.uow.recorded_at)  # one writer, one unit of work
            basis = deadline_basis(basis_terms(rule))  # the same for every row: the rule's citation
            specs.append((kind, rule_key, basis, unit, amount, details_template(shape, _OPEN_SLOTS)))
        self._spec_memo[r.incomplete] = specs
        return specs

    def _register_json(self, details: dict[str, Any], effects: str) -> str:
        """The details JSON of a `register` event (`details_template` of its shape, built once), with
        the JSON text of the effects it carries (the deadlines it opens)."""
        keys = (*details, EFFECTS)
        template = self._register_templates.get(keys)
        if template is None:
            template = self._register_templates[keys] = details_template({k: slot(k) for k in keys}, keys)
        js, memo = details_str, self._json_memo
        texts = {}
        for k, v in details.items():
            if type(v) is str:
                texts[k] = js(v)
            elif type(v) is list:
                texts[k] = details_json(v) if v else "[]"
            elif type(v) is dt.datetime:  # the receipt, one of a kind: its ISO text (`_json_default`), ASCII
                texts[k] = f'"{v.isoformat()}"'
            else:  # a moment, a day, a flag, None: details_json once per value
                key = (type(v), v)
                text = memo.get(key)
                if text is None:
                    text = memo[key] = details_json(v)
                texts[k] = text
        texts[EFFECTS] = effects
        return template(texts)

    def _due_table(self, regs: list[Registration]) -> None:
        """Due dates of the batch's working-day rules from the calendar's batch path, once per start day."""
        cal = self.uow.calendar
        wanted: dict[int, set[dt.date]] = {}
        for r in regs:
            for _, _, _, unit, amount, _ in self._specs(r):
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
            {  # details_json of each, without the encoder: ASCII text and a flag
                "due": f'"{iso_date(due)}"',
                "due_at": f'"{iso_datetime(due_at)}"',
                "provisional": "true" if provisional else "false",
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

    def _batch(self, regs: list[Registration]) -> list[str]:
        if not regs:
            return []
        uow = self.uow
        session = uow.session
        self._names(regs)
        if session.new or session.deleted or uow.has_pending_events:  # rows and events held go first:
            self._next_ids = None  # ids follow the chain
        uow.flush_events()
        session.flush()
        self._due_table(regs)
        duplicates = self._duplicates
        duplicates.read(uow, (r.phone for r in regs), (r.policy_no for r in regs))
        numbers = reserve_numbers(uow, "TS", (r.received.date() for r in regs))
        if self._next_ids is None:
            next_deadline = (session.execute(select(func.max(Deadline.id))).scalar() or 0) + 1
            next_event = (session.execute(select(func.max(AuditEvent.id))).scalar() or 0) + 1
        else:
            next_deadline, next_event = self._next_ids

        moment, due_of, fold, js = self._moment, self._due, self._fold, details_json
        at_s, recorded_s = moment(uow.at), moment(uow.recorded_at)
        no = self._flag(False)
        opened, registered = str(DeadlineStatus.OPEN), "register"
        values_of, converts = self._complaint_values, self._complaint_converts
        complaints, deadlines, events = [], [], []
        for r, cid in zip(regs, numbers, strict=True):
            if r.channel == "regulator" or r.major_reason:  # through `register` (`register` above)
                raise ValueError("a complaint transferred by the regulator is registered one by one")
            received = r.received
            details = registration_details(r.values, duplicates.hints(r.policy_no, r.phone, r.category))
            status = registration_status(r.incomplete)
            state = core.new_state(uow, CASE, cid, registered, status, details, fold)
            row = list(values_of(state))
            for i, convert in converts:
                if row[i] is not None:
                    row[i] = convert(row[i])
            complaints.append(tuple(row))
            received_s, received_day = moment(received), received.date()
            # the details JSON of the deadlines' `open` events: what is the same for all of them, written once
            same = {
                "case": f'"{CASE}:{cid}"', "case_id": f'"{cid}"', "start_at": f'"{iso_datetime(received)}"',
                "branch": js(r.branch), "handler": js(r.handler),
            }  # fmt: skip
            opens = []
            for kind, rule_key, basis, unit, amount, open_details in self._specs(r):
                due_s, due_at_s, provisional_s, due_json = due_of(received, received_day, unit, amount)
                did = next_deadline
                next_deadline += 1
                deadlines.append((
                    did, CASE, cid, kind, rule_key, str(unit), amount, 0, 0, received_s, None, due_s, due_at_s,
                    provisional_s, basis, opened, r.branch, r.handler, no, recorded_s, recorded_s,
                ))  # fmt: skip
                opens.append(open_details({**same, **due_json, "basis": js(basis), "deadline": str(did)}))
            effects = "[" + ", ".join(opens) + "]"
            events.append((CASE, cid, registered, None, status, self._register_json(details, effects)))
            duplicates.add(cid, received, r.phone, r.category, r.policy_no)

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
        self._next_ids = (next_deadline, next_event + len(rows))
        _insert_rows(session.connection().connection.driver_connection, complaints, deadlines, rows)
        return numbers
