"""Foundation: calendar data, policy values, audit log, deadlines, counters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_override",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(60), nullable=False),
    )
    op.create_table(
        "calendar_notice",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(60), nullable=False),
    )
    op.create_table(
        "policy_setting",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(60), nullable=False),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(30), nullable=True),
        sa.Column("to_status", sa.String(30), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_entity", "audit_event", ["entity", "entity_id", "id"])
    op.create_table(
        "deadline",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_type", sa.String(20), nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("rule", sa.String(60), nullable=False),
        sa.Column("unit", sa.String(10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("extra_workdays", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(), nullable=False),
        sa.Column("fixed_due", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(255), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("met_at", sa.DateTime(), nullable=True),
        sa.Column("branch", sa.String(60), nullable=False),
        sa.Column("handler", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_deadline_open_due", "deadline", ["status", "due"])
    op.create_index("ix_deadline_branch_open_due", "deadline", ["branch", "status", "due"])
    op.create_index("ix_deadline_case", "deadline", ["case_type", "case_id"])
    op.create_table(
        "counter",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
