"""The materials a complaint still misses (`complaint add --incomplete --missing`, `complaint
materials --missing`): one text column, the items joined by 、. No earlier event records such a
list: the column starts empty.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as b:
        b.add_column(sa.Column("missing_materials", sa.Text(), nullable=True))


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
