"""Callback tables (migration 0003)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index
from sqlmodel import Field, SQLModel


class Callback(SQLModel, table=True):
    __tablename__ = "callback"
    __table_args__ = (
        Index("ix_callback_status", "status"),
        Index("ix_callback_branch_created", "branch", "created_at"),
        Index("ix_callback_complaint", "complaint_id"),
        Index("ix_callback_due", "due"),
    )

    id: str = Field(primary_key=True, max_length=40)  # HF-20261121-0003
    kind: str = Field(max_length=20)  # new_policy | claim | complaint | regulator | satisfaction | other
    name: str = Field(max_length=100)
    phone: str = Field(max_length=40)
    policy_no: str = Field(default="", max_length=60)
    product: str = Field(default="", max_length=100)
    branch: str = Field(default="", max_length=60)
    handler: str = Field(default="", max_length=60)
    receipt_date: dt.date | None = None  # new_policy: signed policy receipt (回执)
    cooling_off_days: int | None = None
    closed_date: dt.date | None = None  # claim: claim closed
    complaint_id: str | None = Field(default=None, max_length=40)
    due: dt.date
    status: str = Field(max_length=20)  # open | success | refused | cancelled | unreachable
    outcome_method: str | None = Field(default=None, max_length=20)  # method of the ending attempt
    outcome_reason: str | None = None
    ended_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    registered_at: dt.datetime | None = Field(default=None, sa_type=DateTime())  # the --at of `add`
    scheduled_at: dt.datetime | None = Field(default=None, sa_type=DateTime())  # the customer's requested time
    voided_at: dt.datetime | None = Field(default=None, sa_type=DateTime())  # registered by mistake: void
    void_reason: str | None = None
    created_at: dt.datetime = Field(sa_type=DateTime())
    created_by: str = Field(max_length=60)
    updated_at: dt.datetime = Field(sa_type=DateTime())


class CallbackAttempt(SQLModel, table=True):
    __tablename__ = "callback_attempt"
    __table_args__ = (Index("ix_attempt_callback", "callback_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    callback_id: str = Field(foreign_key="callback.id", max_length=40)
    at: dt.datetime = Field(sa_type=DateTime())
    clerk: str = Field(max_length=60)
    method: str = Field(max_length=20)  # electronic | phone | letter | visit
    result: str = Field(max_length=20)  # success | no_answer | refused | wrong_number | cancelled
    recording: str | None = Field(default=None, max_length=200)
    receipt: bool = False
    note: str | None = None
    problem: str | None = None


class CallbackFollowup(SQLModel, table=True):
    """A problem found in a callback: a reply is owed within the policy's working days."""

    __tablename__ = "callback_followup"
    __table_args__ = (Index("ix_followup_callback", "callback_id"),)

    id: int | None = Field(default=None, primary_key=True)
    callback_id: str = Field(foreign_key="callback.id", max_length=40)
    attempt_id: int | None = Field(default=None, foreign_key="callback_attempt.id")
    deadline_id: int | None = Field(default=None, foreign_key="deadline.id")  # its callback_reply row
    problem: str
    opened_at: dt.datetime = Field(sa_type=DateTime())
    reply: str | None = None
    resolved_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    resolved_by: str | None = Field(default=None, max_length=60)
