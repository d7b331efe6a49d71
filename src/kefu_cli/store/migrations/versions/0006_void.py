"""Void: a complaint or callback registered by mistake (a duplicate entry, a test) is voided,
never deleted: `voided_at` and `void_reason`.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("complaint", "callback"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
            b.add_column(sa.Column("void_reason", sa.Text(), nullable=True))


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
