"""The review (核查) of a decision (2020 rule Art. 20): when the written request was received,
when the review was decided and its result. No earlier event is a review: the columns start empty.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as b:
        b.add_column(sa.Column("review_received_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("review_decided_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("review_result", sa.String(length=20), nullable=True))


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
