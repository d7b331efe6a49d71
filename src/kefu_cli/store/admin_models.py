"""Administrator tables (migration 0001): calendar data and policy values.

Kept apart from models.py: a clerk's command reads these with plain SQL (services/context.py
`load_calendar`, `load_policy`), so it need not define their ORM classes at start-up.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel


class CalendarOverride(SQLModel, table=True):
    """One day of an administrator's calendar data; wins over the official data."""

    __tablename__ = "calendar_override"

    day: dt.date = Field(primary_key=True)
    workday: bool
    name: str = Field(default="", max_length=60)
    source: str = Field(default="", max_length=255)  # file it came from
    loaded_at: dt.datetime = Field(sa_type=DateTime())
    loaded_by: str = Field(max_length=60)


class CalendarNotice(SQLModel, table=True):
    """A year whose official notice an administrator loaded: not provisional any more."""

    __tablename__ = "calendar_notice"

    year: int = Field(primary_key=True)
    source: str = Field(default="", max_length=255)
    days: int = 0
    loaded_at: dt.datetime = Field(sa_type=DateTime())
    loaded_by: str = Field(max_length=60)


class PolicySetting(SQLModel, table=True):
    """An administrator's value for a rule of the policy table (domain/policy.py)."""

    __tablename__ = "policy_setting"

    key: str = Field(primary_key=True, max_length=60)
    value: int
    unit: str | None = Field(default=None, max_length=10)  # None: the rule's default unit
    start: str | None = Field(default=None, max_length=10)  # received | complete; None: default
    updated_at: dt.datetime = Field(sa_type=DateTime())
    updated_by: str = Field(max_length=60)
