"""Claims intake and service requests: the policy register (`policy_record`), claim reports
(`claim`, 理赔报案) and surrender/endorsement requests (`service_request`).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_record",
        sa.Column("policy_no", sa.String(60), primary_key=True),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("line", sa.String(20), nullable=False),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("insured_name", sa.String(100), nullable=False),
        sa.Column("insured_id", sa.String(40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("sum_insured", sa.BigInteger(), nullable=True),
        sa.Column("branch", sa.String(60), nullable=False),
        sa.Column("handler", sa.String(60), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_policy_record_insured_name", "policy_record", ["insured_name"])
    op.create_index("ix_policy_record_insured_id", "policy_record", ["insured_id"])
    op.create_index("ix_policy_record_holder", "policy_record", ["holder"])

    op.create_table(
        "claim",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("policy_no", sa.String(60), nullable=False),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("line", sa.String(20), nullable=False),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("insured_name", sa.String(100), nullable=False),
        sa.Column("insured_id", sa.String(40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("sum_insured", sa.BigInteger(), nullable=True),
        sa.Column("incident_at", sa.DateTime(), nullable=False),
        sa.Column("incident_place", sa.String(200), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("course", sa.Text(), nullable=False),
        sa.Column("injury", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("present_state", sa.Text(), nullable=False),
        sa.Column("hospital", sa.String(200), nullable=False),
        sa.Column("reporter_name", sa.String(100), nullable=False),
        sa.Column("reporter_phone", sa.String(40), nullable=False),
        sa.Column("reporter_address", sa.String(255), nullable=False),
        sa.Column("reporter_relation", sa.String(20), nullable=False),
        sa.Column("known_date", sa.Date(), nullable=False),
        sa.Column("limitation_years", sa.Integer(), nullable=False),
        sa.Column("limitation_end", sa.Date(), nullable=False),
        sa.Column("check_period", sa.Boolean(), nullable=False),
        sa.Column("check_cover", sa.Boolean(), nullable=False),
        sa.Column("check_limitation", sa.Boolean(), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("deaths", sa.Integer(), nullable=False),
        sa.Column("estimate", sa.BigInteger(), nullable=True),
        sa.Column("dispute", sa.String(20), nullable=True),
        sa.Column("litigation", sa.Boolean(), nullable=False),
        sa.Column("outcome_uncertain", sa.Boolean(), nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("major_reasons", sa.Text(), nullable=False),
        sa.Column("major_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_to", sa.String(100), nullable=True),
        sa.Column("claim_types", sa.String(100), nullable=False),
        sa.Column("materials_required", sa.Text(), nullable=False),
        sa.Column("materials_received", sa.Text(), nullable=False),
        sa.Column("applicant_name", sa.String(100), nullable=True),
        sa.Column("applicant_phone", sa.String(40), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("complete_at", sa.DateTime(), nullable=True),
        sa.Column("handed_over_at", sa.DateTime(), nullable=True),
        sa.Column("handed_over_to", sa.String(100), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.String(20), nullable=True),
        sa.Column("result_reason", sa.Text(), nullable=True),
        sa.Column("paid_amount", sa.BigInteger(), nullable=True),
        sa.Column("callback_id", sa.String(40), nullable=True),
        sa.Column("branch", sa.String(60), nullable=False),
        sa.Column("handler", sa.String(60), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_claim_status", "claim", ["status"])
    op.create_index("ix_claim_policy", "claim", ["policy_no"])
    op.create_index("ix_claim_insured_id", "claim", ["insured_id"])
    op.create_index("ix_claim_insured_name", "claim", ["insured_name"])
    op.create_index("ix_claim_reported", "claim", ["reported_at"])
    op.create_index("ix_claim_branch_reported", "claim", ["branch", "reported_at"])

    op.create_table(
        "service_request",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("policy_no", sa.String(60), nullable=False),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("insured_name", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(20), nullable=True),
        sa.Column("reason_note", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("branch", sa.String(60), nullable=False),
        sa.Column("handler", sa.String(60), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_request_status", "service_request", ["status"])
    op.create_index("ix_request_type_received", "service_request", ["type", "received_at"])
    op.create_index("ix_request_policy", "service_request", ["policy_no"])


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
