"""Complaint tables (migration 0002)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index
from sqlmodel import Field, SQLModel


class Complaint(SQLModel, table=True):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_status", "status"),
        Index("ix_complaint_branch_received", "branch", "received_at"),
        Index("ix_complaint_received", "received_at"),
        Index("ix_complaint_policy", "policy_no"),
        Index("ix_complaint_phone_category", "phone", "category"),
    )

    id: str = Field(primary_key=True, max_length=40)  # TS-20261121-0007
    received_at: dt.datetime = Field(sa_type=DateTime())
    channel: str = Field(max_length=20)
    category: str = Field(max_length=20)
    name: str = Field(max_length=100)
    phone: str = Field(max_length=40)
    relation: str = Field(default="self", max_length=20)
    policy_no: str = Field(default="", max_length=60)
    summary: str = ""
    branch: str = Field(default="", max_length=60)
    handler: str = Field(default="", max_length=60)
    status: str = Field(max_length=30)
    materials_complete_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    # the materials still missing, joined by 、 (registration --missing, `materials --missing`;
    # complete materials clear it)
    missing_materials: str | None = None
    regulator_ref: str | None = Field(default=None, max_length=100)
    regulator_due: dt.date | None = None
    accepted_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    rejected_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    reject_reason: str | None = Field(default=None, max_length=30)
    reject_note: str | None = None
    transferred_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    transfer_to: str | None = Field(default=None, max_length=100)
    transfer_internal: bool | None = None
    merged_into: str | None = Field(default=None, max_length=40)
    extension_level: str | None = Field(default=None, max_length=20)  # complex | special
    extension_approver: str | None = Field(default=None, max_length=60)
    paused_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    pause_reason: str | None = None
    pause_kind: str | None = None  # appraisal | testing | valuation | mediation (domain PauseKind)
    paused_workdays: int = 0
    decided_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    result: str | None = None
    withdrawn_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    # the review (核查) of the decision the complainant asked for in writing (2020 rule Art. 20)
    review_received_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    review_decided_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    review_result: str | None = Field(default=None, max_length=20)  # upheld | changed
    # the regulator's coding (RULES.md §6): domain/regulator.py DISPUTES and LINES
    dispute: str | None = Field(default=None, max_length=20)
    product_line: str | None = Field(default=None, max_length=20)
    # the decision's root cause (domain/causes.py) and its one rectification (溯源整改, Art. 26)
    cause: str | None = Field(default=None, max_length=30)
    rectify_action: str | None = None
    rectify_owner: str | None = Field(default=None, max_length=60)
    rectify_due: dt.date | None = None
    rectified_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    # a group complaining together (Art. 12), a major complaint (Art. 29) and its report to the
    # emergency group, whom the complaint is about (Art. 17; domain/major.py)
    people: int | None = None
    representatives: str | None = Field(default=None, max_length=400)  # names joined by 、 (at most 5)
    about: str | None = Field(default=None, max_length=60)  # 被投诉人
    major_reason: str | None = Field(default=None, max_length=20)  # domain/major.py MajorReason
    major_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    escalated_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    escalated_to: str | None = Field(default=None, max_length=100)
    registered_at: dt.datetime | None = Field(default=None, sa_type=DateTime())  # the --at of registration
    voided_at: dt.datetime | None = Field(default=None, sa_type=DateTime())  # registered by mistake: void
    void_reason: str | None = None
    created_at: dt.datetime = Field(sa_type=DateTime())
    created_by: str = Field(max_length=60)
    updated_at: dt.datetime = Field(sa_type=DateTime())
