"""Deadline history: paused clocks, breaches that stay, the event each deadline state came from;
policy rows with their own unit and start; the registration time of a complaint and of a callback.

Existing databases: `closed_at` is taken from the deadline's close event, `breached` from
met/closed after the due time, `registered_at` from the register event, and every deadline
gets the `open` event (at its start) and, when it is no longer open, the `close` event (at
`closed_at`) that point-in-time reports fold — shifts and recomputes before this migration
are folded into those two states.

Revision ID: 0004
Revises: 0003
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _iso(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value.replace(" ", "T")
    return value.isoformat()


def _dt(value):
    """A DATETIME read through a plain SQL query (a string on SQLite) as a datetime."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def upgrade() -> None:
    with op.batch_alter_table("deadline") as b:
        b.add_column(sa.Column("paused_days", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("paused_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("breached", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("complaint") as b:
        b.add_column(sa.Column("registered_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("callback") as b:
        b.add_column(sa.Column("registered_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("policy_setting") as b:
        b.add_column(sa.Column("unit", sa.String(10), nullable=True))
        b.add_column(sa.Column("start", sa.String(10), nullable=True))
    op.create_index("ix_audit_entity_at", "audit_event", ["entity", "at"])

    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE deadline SET closed_at = COALESCE((SELECT MAX(e.at) FROM audit_event e "
            "WHERE e.entity = 'deadline' AND e.action = 'close' AND e.entity_id = CAST(deadline.id AS VARCHAR(40))), "
            "met_at, updated_at) WHERE status <> 'open'"
        )
    )
    conn.execute(sa.text("UPDATE deadline SET breached = (closed_at > due_at) WHERE status <> 'open'"))
    conn.execute(
        sa.text(
            "UPDATE complaint SET registered_at = COALESCE((SELECT MIN(e.at) FROM audit_event e "
            "WHERE e.entity = 'complaint' AND e.action = 'register' AND e.entity_id = complaint.id), received_at)"
        )
    )
    conn.execute(
        sa.text(
            "UPDATE callback SET registered_at = COALESCE((SELECT MIN(e.at) FROM audit_event e "
            "WHERE e.entity = 'callback' AND e.action = 'add' AND e.entity_id = callback.id), created_at)"
        )
    )

    rows = conn.execute(
        sa.text(
            "SELECT id, case_type, case_id, kind, status, start_at, due, due_at, provisional, breached, "
            "closed_at, branch, handler, created_at FROM deadline ORDER BY id"
        )
    ).mappings().all()
    audit = sa.table(
        "audit_event",
        sa.column("at", sa.DateTime()),
        sa.column("recorded_at", sa.DateTime()),
        sa.column("clerk", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("action", sa.String()),
        sa.column("from_status", sa.String()),
        sa.column("to_status", sa.String()),
        sa.column("details", sa.Text()),
    )
    batch = []
    for r in rows:
        state = {
            "case_type": r["case_type"],
            "case_id": r["case_id"],
            "kind": r["kind"],
            "status": "open",
            "start_at": _iso(r["start_at"]),
            "due": _iso(r["due"]),
            "due_at": _iso(r["due_at"]),
            "provisional": bool(r["provisional"]),
            "breached": False,
            "paused_at": None,
            "branch": r["branch"],
            "handler": r["handler"],
        }
        common = {"recorded_at": _dt(r["created_at"]), "clerk": "migration-0004", "entity": "deadline"}
        batch.append(
            {
                **common,
                "at": _dt(r["start_at"]),
                "entity_id": str(r["id"]),
                "action": "open",
                "from_status": None,
                "to_status": "open",
                "details": json.dumps({"state": state, "migrated": True}, ensure_ascii=False, sort_keys=True),
            }
        )
        if r["status"] != "open":
            closed = {**state, "status": r["status"], "breached": bool(r["breached"])}
            batch.append(
                {
                    **common,
                    "at": _dt(r["closed_at"]),
                    "entity_id": str(r["id"]),
                    "action": "close",
                    "from_status": "open",
                    "to_status": r["status"],
                    "details": json.dumps({"state": closed, "migrated": True}, ensure_ascii=False, sort_keys=True),
                }
            )
        if len(batch) >= 5000:
            conn.execute(audit.insert(), batch)
            batch = []
    if batch:
        conn.execute(audit.insert(), batch)


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
