"""The regulator's coding of a complaint (the quarterly bulletins, RULES.md §6): its dispute type
(`dispute`: domain/regulator.py DISPUTES) and product line (`product_line`: LINES). No earlier
registration carried them: the columns start empty (a report counts such complaints as 未分类).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as b:
        b.add_column(sa.Column("dispute", sa.String(length=20), nullable=True))
        b.add_column(sa.Column("product_line", sa.String(length=20), nullable=True))


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
