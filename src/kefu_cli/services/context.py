"""The unit of work: one database transaction per user action, with what every service
needs — the clerk, the time of the action, the calendar and the policy table.

    with unit_of_work(db, clerk="张三", at=...) as uow:
        ...  # uow.session, uow.calendar, uow.policy, uow.audit(...)
    # committed here; any exception rolls everything back (nothing changed)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session, select

from ..domain import effects
from ..domain.calendar import WorkCalendar
from ..domain.chain import GENESIS, canonical_for, link
from ..domain.policy import Policy
from ..domain.timeutil import InputError, check_not_future, check_range
from ..store import db as store_db
from ..store import engine as store_engine
from ..store import faults as store_faults
from ..store import schema as store_schema
from ..store.models import AuditEvent, AuditHead
from ..userconfig import clerk_and_source, default_clerk  # noqa: F401 - read here by callers
from . import clock


def load_calendar(session: Session) -> WorkCalendar:
    # plain SQL, the rows as the fast path reads them (services/calendar.py): no ORM objects
    from .sources import CALENDAR_QUERIES, calendar_from_rows

    conn = session.connection()
    return calendar_from_rows(*(conn.exec_driver_sql(q).fetchall() for q in CALENDAR_QUERIES))


def load_policy(session: Session) -> Policy:
    from .sources import POLICY_QUERY, policy_from_rows  # plain SQL, as the fast path reads it

    return policy_from_rows(session.connection().exec_driver_sql(POLICY_QUERY).fetchall())


def _json_default(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


# The details JSON of every audit event: what json.dumps(details, ensure_ascii=False,
# default=_json_default, sort_keys=True) gives, with the encoder made once.
_DETAILS = json.JSONEncoder(ensure_ascii=False, default=_json_default, sort_keys=True)
# `details_json` of a str (ensure_ascii=False: json's encode_basestring), for values known to be text
details_str = _json_string = json.encoder.encode_basestring


def details_json(value) -> str:
    """The JSON text of one value of an event's details, as _DETAILS writes it (in a dict or alone:
    without indentation a value's text does not depend on where it stands)."""
    return _json_string(value) if type(value) is str else _DETAILS.encode(value)


def slot(name: str) -> str:
    """A placeholder for a varying value in the shape given to `details_template`."""
    return f"\ue000{name}\ue001"


def details_template(shape: dict, slots: Iterable[str]) -> Callable[[dict[str, str]], str]:
    """`_DETAILS.encode` of many details of one shape, the dict's JSON built once (bulk imports).

    `shape` is a details dict whose varying values are `slot(name)` for each name in `slots`; the
    result, called with {name: details_json(value)}, gives the text _DETAILS.encode gives for the
    shape with those values in the slots — the keys, their order and every constant value
    written by _DETAILS itself (tests/test_chain_fast.py)."""
    text = _DETAILS.encode(shape).replace("%", "%%")
    for name in slots:
        marker = _DETAILS.encode(slot(name))
        if text.count(marker) != 1:
            raise ValueError(f"slot {name} must appear once in the shape")
        text = text.replace(marker, f"%({name})s")
    return text.__mod__


@dataclass
class UnitOfWork:
    session: Session
    clerk: str
    at: dt.datetime  # the time the action happened (--at), naive China time
    url: str
    # Now, read once from the clock seam (services/clock.py) when the unit of work opens: the
    # default --at, the "not in the future" bound of every step, today for a read.
    now: dt.datetime = field(default_factory=clock.now)
    recorded_at: dt.datetime | None = None  # the rows' created/updated time: `now` unless given
    # The write time of this transaction's events, to the microsecond: with the clerk it tells
    # one transaction's events from the next (`complaint undo` reverses a whole transaction).
    written_at: dt.datetime = field(default_factory=clock.stamp)

    def __post_init__(self) -> None:
        if self.recorded_at is None:
            self.recorded_at = self.now

    def check_order(self, entity: str, entity_id: str, what: str) -> None:
        """Refuse a step dated before the previous step of the same case (one indexed MAX)."""
        from sqlalchemy import func

        last = self.session.exec(
            select(func.max(AuditEvent.at)).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        ).one()
        if isinstance(last, str):  # SQLite without type information
            last = dt.datetime.fromisoformat(last)
        if last is not None and self.at < last:
            raise InputError(
                f"--at 时间 {self.at:%Y-%m-%d %H:%M} 早于上一次登记的步骤({what},{last:%Y-%m-%d %H:%M}): "
                f"步骤须按发生的先后登记,请检查 --at,例如 --at {last:%Y-%m-%dT%H:%M}"
            )

    _head: AuditHead | None = field(default=None, init=False, repr=False)
    # the events and deadline effects recorded, written by `flush_events`
    _pending: list[tuple] = field(default_factory=list, init=False, repr=False)
    _effects: list[tuple] = field(default_factory=list, init=False, repr=False)

    def _chain_head(self) -> AuditHead:
        """The chain head row, locked for this transaction (created on the first event ever)."""
        if self._head is None:
            stmt = select(AuditHead).where(AuditHead.id == 1).with_for_update()
            head = self.session.exec(stmt).first()
            if head is None:
                head = AuditHead(id=1, hash=GENESIS, events=0)
                self.session.add(head)
            self._head = head
        return self._head

    @cached_property
    def calendar(self) -> WorkCalendar:
        return load_calendar(self.session)

    @cached_property
    def policy(self) -> Policy:
        return load_policy(self.session)

    def audit(
        self,
        entity: str,
        entity_id: str,
        action: str,
        from_status: str | None = None,
        to_status: str | None = None,
        **details,
    ) -> None:
        """Record an event of this action. It is written, chained, when the unit of work ends
        (`flush_events`), carrying the effects on its case's deadlines recorded around it."""
        self._pending.append((entity, entity_id, action, from_status, to_status, details))

    def effect(self, case: str, deadline_id: int, action: str, before: str | None, after: str | None,
               details: dict) -> None:  # fmt: skip
        """Record a change of a deadline of `case` ("type:id"): carried by that case's event of
        this action (domain/effects.py), else written as a `deadline` event of its own."""
        fx = effects.effect(deadline_id, action, before, after, details)
        own = ("deadline", str(deadline_id), action, before, after, details)
        self._effects.append((case, len(self._pending), fx, own))

    @property
    def has_pending_events(self) -> bool:
        return bool(self._pending or self._effects)

    def flush_events(self) -> None:
        """Write the action's events in the order they were recorded, each carrying its effects."""
        pending, recorded = self._pending, self._effects
        if not pending and not recorded:
            return
        self._pending, self._effects = [], []
        keys = [(e[0], e[1]) for e in pending]
        carried: dict[int, list[dict]] = {}
        alone: dict[int, list[tuple]] = {}
        for case, position, fx, own in recorded:
            i = effects.carrier_of(case, keys, position)
            if i is None:
                alone.setdefault(position, []).append(own)
            else:
                carried.setdefault(i, []).append(fx)
        events: list[tuple] = []
        for i, (entity, entity_id, action, from_status, to_status, details) in enumerate(pending):
            events += alone.get(i, ())
            if i in carried:
                details = {**details, effects.KEY: carried[i]}
            events.append((entity, entity_id, action, from_status, to_status, details))
        events += alone.get(len(pending), ())
        self.session.add_all([AuditEvent(**row) for row in self._chain(events)])
        self.session.flush()

    def event_row(
        self,
        entity: str,
        entity_id: str,
        action: str,
        from_status: str | None = None,
        to_status: str | None = None,
        **details,
    ) -> dict:
        """The next audit event as a plain dict, chained (prev_hash, hash), the chain head advanced."""
        return self.event_rows([(entity, entity_id, action, from_status, to_status, details)])[0]

    def event_rows(self, events: Iterable[tuple[str, str, str, str | None, str | None, dict]]) -> list[dict]:
        """The next audit events as plain dicts, chained in order, the chain head advanced once, after
        the events this unit of work recorded so far (written first): a bulk writer
        (services/bulk.py) inserts them at once, in this order (ids follow the chain).
        Each event is (entity, entity_id, action, from_status, to_status, details): details a dict,
        or the text _DETAILS.encode gives for it (`details_template`)."""
        self.flush_events()
        return self._chain(events)

    def _chain(self, events: Iterable[tuple[str, str, str, str | None, str | None, dict]]) -> list[dict]:
        head = self._chain_head()
        prev, out = head.hash, []
        at, recorded_at, clerk = self.at, self.written_at, self.clerk
        # canonical(event) with the fields every event here shares turned into JSON once (same text)
        text, encode = canonical_for(at, recorded_at, clerk), _DETAILS.encode
        for entity, entity_id, action, from_status, to_status, details in events:
            if type(details) is not str:  # else already its JSON text (details_template)
                details = encode(details)
            hash_ = link(prev, text(entity, entity_id, action, from_status, to_status, details))
            out.append({
                "at": at, "recorded_at": recorded_at, "clerk": clerk, "entity": entity, "entity_id": entity_id,
                "action": action, "from_status": from_status, "to_status": to_status, "details": details,
                "prev_hash": prev, "hash": hash_,
            })  # fmt: skip
            prev = hash_
        head.hash, head.events = prev, head.events + len(out)
        return out


@contextmanager
def unit_of_work(
    db: str | None, clerk: str | None = None, at: dt.datetime | None = None, write: bool = True
) -> Iterator[UnitOfWork]:
    if clerk is not None:  # --clerk: one line, no control characters, at most 50 characters
        from ..domain.text import CLERK_MAX, clean_text

        clerk = clean_text(clerk, "--clerk 操作人", CLERK_MAX, example="张三")
    now = clock.now()
    if at is not None and write:
        check_range(at, "--at")
        check_not_future(at, "--at", now)
    url = store_db.resolve_url(db)
    store_schema.ensure_schema(url)
    if write:
        store_faults.check_writable(url)  # never write into a damaged file (exit 3, nothing changed)
    engine = store_engine.engine_for(url, write=write)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        note = _take_write_lock(session, url) if write else None
        try:
            uow = UnitOfWork(session=session, clerk=clerk or default_clerk(), at=at or now, url=url, now=now)
            yield uow
            uow.flush_events()
            if note is not None:
                session.flush()  # the last statements while the note still names this process
        finally:
            store_db.remove_writer_note(note)  # before COMMIT releases the lock: no race with the next writer


def _take_write_lock(session: Session, url: str):
    """Start the write transaction now (BEGIN IMMEDIATE on SQLite) and, on a SQLite file, leave
    the writer note (`<db>.kefu-writer`) for as long as the lock is held. A lock that another
    process keeps past the busy timeout is one sentence naming that process (exit 3)."""
    from sqlalchemy.exc import OperationalError

    try:
        session.connection()
    except OperationalError as exc:
        known = store_db.explain(exc, url)
        if known is None:
            raise
        raise known from None
    return store_db.write_writer_note(url) if store_db.sqlite_path(url) is not None else None
