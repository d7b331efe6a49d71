"""Pauses by kind (2020 rule Art. 18 and 23): `complaint.pause_kind` — appraisal, testing,
valuation or mediation. Every pause written before had no kind and was an outside appraisal:
a complaint with a pause event gets `appraisal`, as the fold of its events gives it.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as b:
        b.add_column(sa.Column("pause_kind", sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE complaint SET pause_kind = 'appraisal' WHERE id IN "
        "(SELECT entity_id FROM audit_event WHERE entity = 'complaint' AND action = 'pause')"
    )


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
