"""Hash-chained, append-only audit log.

Every audit event gets `prev_hash` and `hash` (domain/chain.py); the existing events are
chained in id order, and `audit_head` holds the newest hash. Triggers refuse UPDATE and
DELETE on `audit_event` (SQLite and PostgreSQL): the log can only grow.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from kefu_cli.domain.chain import FIELDS, GENESIS, event_hash

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MESSAGE = "audit_event is append-only: kefu never changes or deletes an audit event"


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as b:
        b.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        b.add_column(sa.Column("hash", sa.String(64), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False, server_default="0"),
    )

    conn = op.get_bind()
    cols = ", ".join(("id", *FIELDS))
    prev, n = GENESIS, 0
    last_id = 0
    while True:  # in pages, so a large log is not held in memory at once
        rows = conn.execute(
            sa.text(f"SELECT {cols} FROM audit_event WHERE id > :last ORDER BY id LIMIT 5000"), {"last": last_id}
        ).mappings().all()
        if not rows:
            break
        updates = []
        for r in rows:
            h = event_hash(prev, dict(r))
            updates.append({"i": r["id"], "p": prev, "h": h})
            prev = h
            n += 1
        conn.execute(sa.text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"), updates)
        last_id = rows[-1]["id"]
    conn.execute(sa.text("INSERT INTO audit_head (id, hash, events) VALUES (1, :h, :n)"), {"h": prev, "n": n})

    if conn.dialect.name == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{what.lower()} BEFORE {what} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    elif conn.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION kefu_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION kefu_audit_append_only()"
        )


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
