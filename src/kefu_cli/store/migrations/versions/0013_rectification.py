"""Root cause and rectification (溯源整改, 2020 rule Art. 26): the decision's cause code and the
one rectification of a complaint (what, who, by when, done when). No earlier event names a
cause or a rectification: the columns start empty.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as b:
        b.add_column(sa.Column("cause", sa.String(length=30), nullable=True))
        b.add_column(sa.Column("rectify_action", sa.String(), nullable=True))
        b.add_column(sa.Column("rectify_owner", sa.String(length=60), nullable=True))
        b.add_column(sa.Column("rectify_due", sa.Date(), nullable=True))
        b.add_column(sa.Column("rectified_at", sa.DateTime(), nullable=True))


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
