"""Callbacks, their attempts and follow-ups.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("policy_no", sa.String(60), nullable=False),
        sa.Column("product", sa.String(100), nullable=False),
        sa.Column("branch", sa.String(60), nullable=False),
        sa.Column("handler", sa.String(60), nullable=False),
        sa.Column("receipt_date", sa.Date(), nullable=True),
        sa.Column("cooling_off_days", sa.Integer(), nullable=True),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("complaint_id", sa.String(40), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome_method", sa.String(20), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_callback_status", "callback", ["status"])
    op.create_index("ix_callback_branch_created", "callback", ["branch", "created_at"])
    op.create_index("ix_callback_complaint", "callback", ["complaint_id"])
    op.create_index("ix_callback_due", "callback", ["due"])
    op.create_table(
        "callback_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("callback_id", sa.String(40), sa.ForeignKey("callback.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.String(60), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("recording", sa.String(200), nullable=True),
        sa.Column("receipt", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
    )
    op.create_index("ix_attempt_callback", "callback_attempt", ["callback_id", "at"])
    op.create_table(
        "callback_followup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("callback_id", sa.String(40), sa.ForeignKey("callback.id"), nullable=False),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("callback_attempt.id"), nullable=True),
        sa.Column("deadline_id", sa.Integer(), sa.ForeignKey("deadline.id"), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(60), nullable=True),
    )
    op.create_index("ix_followup_callback", "callback_followup", ["callback_id"])
