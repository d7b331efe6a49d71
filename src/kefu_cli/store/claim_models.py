"""Claims intake and service requests (migration 0008): the policy register, claim reports
(理赔报案) and service requests (退保、批改).

Amounts are whole yuan. Material and claim-type lists are comma-separated codes
(domain/claims.py `MATERIALS`, `CLAIM_TYPES`). ID numbers are stored in full and masked on
output unless `--unmask`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, DateTime, Index
from sqlmodel import Field, SQLModel


class PolicyRecord(SQLModel, table=True):
    """A policy of the company as the desk knows it (kefu policy-register, kefu import policies)."""

    __tablename__ = "policy_record"
    __table_args__ = (
        Index("ix_policy_record_insured_name", "insured_name"),
        Index("ix_policy_record_insured_id", "insured_id"),
        Index("ix_policy_record_holder", "holder"),
    )

    policy_no: str = Field(primary_key=True, max_length=60)
    product: str = Field(default="", max_length=100)  # 险种名称
    line: str = Field(default="other", max_length=20)  # life | health | accident | property | other
    holder: str = Field(default="", max_length=100)  # 投保人
    phone: str = Field(default="", max_length=40)  # the holder's phone
    insured_name: str = Field(default="", max_length=100)  # 被保险人
    insured_id: str = Field(default="", max_length=40)  # 被保险人证件号码 (masked on output)
    period_start: dt.date | None = None  # 保险期间起
    period_end: dt.date | None = None  # 保险期间止
    sum_insured: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))  # 保额, yuan
    branch: str = Field(default="", max_length=60)
    handler: str = Field(default="", max_length=60)
    source: str = Field(default="", max_length=255)  # the command or file it came from
    created_at: dt.datetime = Field(sa_type=DateTime())
    created_by: str = Field(max_length=60)
    updated_at: dt.datetime = Field(sa_type=DateTime())


class Claim(SQLModel, table=True):
    """A claim report (理赔报案, BA-20261120-0001) from the report to the closing."""

    __tablename__ = "claim"
    __table_args__ = (
        Index("ix_claim_status", "status"),
        Index("ix_claim_policy", "policy_no"),
        Index("ix_claim_insured_id", "insured_id"),
        Index("ix_claim_insured_name", "insured_name"),
        Index("ix_claim_reported", "reported_at"),
        Index("ix_claim_branch_reported", "branch", "reported_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    status: str = Field(max_length=20)  # domain.claims.Status
    reported_at: dt.datetime = Field(sa_type=DateTime())  # the report was received
    channel: str = Field(max_length=20)
    # the policy, as the register held it at the report
    policy_no: str = Field(max_length=60)
    product: str = Field(default="", max_length=100)
    line: str = Field(default="other", max_length=20)
    holder: str = Field(default="", max_length=100)
    insured_name: str = Field(default="", max_length=100)
    insured_id: str = Field(default="", max_length=40)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    sum_insured: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    # the incident (出险情况)
    incident_at: dt.datetime = Field(sa_type=DateTime())
    incident_place: str = Field(default="", max_length=200)
    cause: str = ""
    course: str = ""
    injury: str = ""
    measures: str = ""
    present_state: str = ""
    hospital: str = Field(default="", max_length=200)
    # the reporter (报案人)
    reporter_name: str = Field(max_length=100)
    reporter_phone: str = Field(max_length=40)
    reporter_address: str = Field(default="", max_length=255)
    reporter_relation: str = Field(default="self", max_length=20)
    # first checks (信息初步审核)
    known_date: dt.date  # the day the claimant knew of the incident (limitation starts)
    limitation_years: int
    limitation_end: dt.date
    check_period: bool
    check_cover: bool
    check_limitation: bool
    refusal_reason: str | None = None
    # major case (重大案件)
    deaths: int = 0
    estimate: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    dispute: str | None = Field(default=None, max_length=20)
    litigation: bool = False
    outcome_uncertain: bool = False
    major: bool = False
    major_reasons: str = ""
    major_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    escalated_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    escalated_to: str | None = Field(default=None, max_length=100)
    # application and materials
    claim_types: str = Field(default="", max_length=100)
    materials_required: str = ""
    materials_received: str = ""
    applicant_name: str | None = Field(default=None, max_length=100)
    applicant_phone: str | None = Field(default=None, max_length=40)
    applied_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    complete_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    handed_over_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    handed_over_to: str | None = Field(default=None, max_length=100)
    # closing
    closed_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    result: str | None = Field(default=None, max_length=20)  # paid | declined | withdrawn
    result_reason: str | None = None
    paid_amount: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    callback_id: str | None = Field(default=None, max_length=40)  # the claim callback (HF-…)
    branch: str = Field(default="", max_length=60)
    handler: str = Field(default="", max_length=60)
    registered_at: dt.datetime = Field(sa_type=DateTime())  # the --at of the report
    voided_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    void_reason: str | None = None
    created_at: dt.datetime = Field(sa_type=DateTime())
    created_by: str = Field(max_length=60)
    updated_at: dt.datetime = Field(sa_type=DateTime())


class ServiceRequest(SQLModel, table=True):
    """A surrender (退保) or endorsement (批改) request (SQ-20261120-0001)."""

    __tablename__ = "service_request"
    __table_args__ = (
        Index("ix_request_status", "status"),
        Index("ix_request_type_received", "type", "received_at"),
        Index("ix_request_policy", "policy_no"),
    )

    id: str = Field(primary_key=True, max_length=40)
    type: str = Field(max_length=20)  # surrender | endorsement
    status: str = Field(max_length=20)  # open | completed | referred | withdrawn
    received_at: dt.datetime = Field(sa_type=DateTime())
    channel: str = Field(max_length=20)
    policy_no: str = Field(max_length=60)
    product: str = Field(default="", max_length=100)
    holder: str = Field(default="", max_length=100)
    insured_name: str = Field(default="", max_length=100)
    name: str = Field(max_length=100)  # the customer who asks
    phone: str = Field(max_length=40)
    relation: str = Field(default="self", max_length=20)
    reason: str | None = Field(default=None, max_length=20)  # surrender: domain.requests.SURRENDER_REASONS
    reason_note: str | None = None
    content: str | None = None  # endorsement: what is to be changed
    closed_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    close_note: str | None = None
    branch: str = Field(default="", max_length=60)
    handler: str = Field(default="", max_length=60)
    registered_at: dt.datetime = Field(sa_type=DateTime())
    voided_at: dt.datetime | None = Field(default=None, sa_type=DateTime())
    void_reason: str | None = None
    created_at: dt.datetime = Field(sa_type=DateTime())
    created_by: str = Field(max_length=60)
    updated_at: dt.datetime = Field(sa_type=DateTime())
