"""Foundation tables: audit log, deadlines, counters (calendar data and policy values: admin_models.py).

The schema is owned by the migrations in `store/migrations/versions/`; these classes must
match them (a test compares the two). Datetimes are naive China time (see domain/timeutil).
Case tables live beside this module (`complaint_models.py`, `callback_models.py`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, text
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what to which case, when, from which status to which."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id", "id"),
        Index("ix_audit_entity_at", "entity", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=DateTime())  # when it happened (the --at of the command)
    recorded_at: dt.datetime = Field(sa_type=DateTime())  # when it was written
    clerk: str = Field(max_length=60)
    entity: str = Field(max_length=20)  # complaint | callback | calendar | policy | deadline
    entity_id: str = Field(max_length=40)
    action: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=30)
    to_status: str | None = Field(default=None, max_length=30)
    details: str = "{}"  # JSON: before/after and the command's inputs
    prev_hash: str | None = Field(default=None, max_length=64)  # hash of the event before (domain/chain.py)
    hash: str | None = Field(default=None, max_length=64)  # SHA-256 over prev_hash + this event's content


class AuditHead(SQLModel, table=True):
    """The chain head: the hash of the newest audit event (one row, id 1). Writers lock it
    (SELECT … FOR UPDATE on PostgreSQL; SQLite writers are serialised) so the chain never forks."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    hash: str = Field(max_length=64)
    events: int = 0  # how many events the chain holds


RUNNING_WHERE = "status IN ('open', 'paused')"
RUNNING_INDEX_COLUMNS = (
    "branch", "handler", "due", "case_type", "case_id", "kind", "id", "due_at", "status", "paused_at", "provisional",
    "breached",
)  # fmt: skip


class Deadline(SQLModel, table=True):
    """Every time limit any rule sets: one row, read by reports through indexes."""

    __tablename__ = "deadline"
    __table_args__ = (
        Index("ix_deadline_open_due", "status", "due", "kind", "breached", "branch", "handler"),  # 0016: covering
        Index("ix_deadline_branch_open_due", "branch", "status", "due"),
        Index("ix_deadline_case", "case_type", "case_id"),
        # Covering, running rows only (migration 0009, partial on both databases): `report
        # deadlines` reads it alone, in order. Only the SQLite spelling here: a postgresql_where
        # would import the PostgreSQL dialect into every command (some 60 ms of start-up).
        Index("ix_deadline_running", *RUNNING_INDEX_COLUMNS, sqlite_where=text(RUNNING_WHERE)),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_type: str = Field(max_length=20)  # complaint | callback
    case_id: str = Field(max_length=40)
    kind: str = Field(max_length=30)  # domain.deadlines.DeadlineKind
    rule: str = Field(max_length=60)  # policy key, or "fixed"
    unit: str = Field(max_length=10)  # domain.policy.Unit
    amount: int  # the rule's number when the row was made
    extra_workdays: int = 0  # working days added by pauses (workday rules)
    paused_days: int = 0  # pause added to calendar-day rules (days, before the §203 roll) or hour rules (hours)
    paused_at: dt.datetime | None = Field(default=None, sa_type=DateTime())  # set while the clock is paused
    start_at: dt.datetime = Field(sa_type=DateTime())  # the event that started the clock
    fixed_due: dt.date | None = None  # a due date set from outside (e.g. by the regulator)
    due: dt.date
    due_at: dt.datetime = Field(sa_type=DateTime())
    provisional: bool = False
    basis: str = Field(default="", max_length=255)  # human sentence: what started it, which rule
    status: str = Field(default="open", max_length=20)  # domain.deadlines.DeadlineStatus
    met_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    closed_at: dt.datetime | None = Field(default=None, sa_type=DateTime())  # when it stopped being open
    breached: bool = False  # the due time passed unmet (stays true whatever happens later)
    branch: str = Field(default="", max_length=60)
    handler: str = Field(default="", max_length=60)
    created_at: dt.datetime = Field(sa_type=DateTime())
    updated_at: dt.datetime = Field(sa_type=DateTime())


class Counter(SQLModel, table=True):
    """Per-day case number counters (TS-20261121-0007), safe across concurrent clerks."""

    __tablename__ = "counter"

    key: str = Field(primary_key=True, max_length=40)
    value: int = 0
