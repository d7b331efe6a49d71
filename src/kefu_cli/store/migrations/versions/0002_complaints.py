"""Complaints.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("policy_no", sa.String(60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("branch", sa.String(60), nullable=False),
        sa.Column("handler", sa.String(60), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("materials_complete_at", sa.DateTime(), nullable=True),
        sa.Column("regulator_ref", sa.String(100), nullable=True),
        sa.Column("regulator_due", sa.Date(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(), nullable=True),
        sa.Column("reject_reason", sa.String(30), nullable=True),
        sa.Column("reject_note", sa.Text(), nullable=True),
        sa.Column("transferred_at", sa.DateTime(), nullable=True),
        sa.Column("transfer_to", sa.String(100), nullable=True),
        sa.Column("transfer_internal", sa.Boolean(), nullable=True),
        sa.Column("merged_into", sa.String(40), nullable=True),
        sa.Column("extension_level", sa.String(20), nullable=True),
        sa.Column("extension_approver", sa.String(60), nullable=True),
        sa.Column("paused_at", sa.DateTime(), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("paused_workdays", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_complaint_status", "complaint", ["status"])
    op.create_index("ix_complaint_branch_received", "complaint", ["branch", "received_at"])
    op.create_index("ix_complaint_received", "complaint", ["received_at"])
    op.create_index("ix_complaint_policy", "complaint", ["policy_no"])
    op.create_index("ix_complaint_phone_category", "complaint", ["phone", "category"])
