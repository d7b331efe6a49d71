"""Major and group complaints (2020 rule Art. 12, 29) and recusal (Art. 17): the number of people
complaining together, their representatives, whom the complaint is about (被投诉人), why it is
major and since when, its report to the emergency group. No earlier event carries them: the
columns start empty.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as b:
        b.add_column(sa.Column("people", sa.Integer(), nullable=True))
        b.add_column(sa.Column("representatives", sa.String(length=400), nullable=True))
        b.add_column(sa.Column("about", sa.String(length=60), nullable=True))
        b.add_column(sa.Column("major_reason", sa.String(length=20), nullable=True))
        b.add_column(sa.Column("major_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("escalated_to", sa.String(length=100), nullable=True))


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
