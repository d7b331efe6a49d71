"""Master lists: `branch` and `handler`. The names already in use in cases and deadlines
become the lists (a handler's branch: the branch of their most recent case).
Also `callback.scheduled_at`: the time a customer asked to be called (`callback reschedule`).

Revision ID: 0007
Revises: 0006
"""


import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    branch = op.create_table(
        "branch",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("full_name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    handler = op.create_table(
        "handler",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("branch", sa.String(60), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("callback") as b:
        b.add_column(sa.Column("scheduled_at", sa.DateTime(), nullable=True))
    conn = op.get_bind()
    from kefu_cli import clock

    now = clock.now()  # China time, naive (the clock seam)
    branches: set[str] = set()
    handlers: dict[str, str] = {}
    for table in ("complaint", "callback", "deadline"):
        rows = conn.execute(
            sa.text(f"SELECT branch, handler FROM {table} ORDER BY created_at")  # noqa: S608 - fixed names
        )
        for b, h in rows:
            if b:
                branches.add(b)
            if h:
                handlers[h] = b or handlers.get(h, "")
    who = "迁移 0007"
    if branches:
        op.bulk_insert(
            branch,
            [
                dict(name=b, full_name="", address="", phone="", active=True, created_at=now, created_by=who, updated_at=now)
                for b in sorted(branches)
            ],
        )
    if handlers:
        op.bulk_insert(
            handler,
            [
                dict(name=h, branch=b, active=True, created_at=now, created_by=who, updated_at=now)
                for h, b in sorted(handlers.items())
            ],
        )


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
