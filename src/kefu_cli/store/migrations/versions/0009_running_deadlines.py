"""The running deadlines as one covering index: `report deadlines` reads every open or paused
deadline in the order it lists them (branch, handler, due day, case) from this index alone,
without a look-up in the table per row or a sort. Partial (open and paused rows only), so it
stays as small as the list of what is running.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RUNNING = "status IN ('open', 'paused')"
COLUMNS = [
    "branch", "handler", "due", "case_type", "case_id", "kind", "id", "due_at", "status", "paused_at", "provisional",
    "breached",
]  # fmt: skip


def upgrade() -> None:
    op.create_index(
        "ix_deadline_running",
        "deadline",
        COLUMNS,
        sqlite_where=sa.text(RUNNING),
        postgresql_where=sa.text(RUNNING),
    )


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
