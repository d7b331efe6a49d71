"""`report stats` over a million cases without a sort or a look-up per row: indexes that give
its GROUP BY queries their rows already in group order, so SQLite counts them as it reads.

- `ix_deadline_open_due` (status, due) becomes (status, due, kind, breached, branch, handler):
  the on-time counts group the deadlines due in the period by (status, due, kind, breached) and
  the verdict is applied per group (services/deadline_query.py `on_time_counts`); every query
  that read (status, due) reads the same prefix.
- On SQLite, two indexes on expressions of `complaint` (services/stats.py spells the same
  expressions): the month of receipt and every column the complaint figures split by
  (`ix_complaint_month`), and the days of receipt, of the acceptance decision and of the
  decision (`ix_complaint_days`) for the durations. PostgreSQL counts with a hash aggregate and
  spells the month differently: it takes neither.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OUTCOME = (
    "CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN rejected_at IS NOT NULL THEN 'rejected'"
    " WHEN transferred_at IS NOT NULL THEN 'transferred' WHEN merged_into IS NOT NULL THEN 'merged'"
    " WHEN withdrawn_at IS NOT NULL THEN 'withdrawn' ELSE 'pending' END"
)


def upgrade() -> None:
    op.drop_index("ix_deadline_open_due", table_name="deadline")
    op.create_index("ix_deadline_open_due", "deadline", ["status", "due", "kind", "breached", "branch", "handler"])
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE INDEX ix_complaint_month ON complaint (substr(received_at, 1, 7), category, channel, branch,"
        f" {OUTCOME}, reject_reason, transfer_internal, pause_kind, voided_at, received_at)"
    )
    op.execute(
        "CREATE INDEX ix_complaint_days ON complaint (date(received_at),"
        " date(coalesce(accepted_at, rejected_at, transferred_at)), date(decided_at), voided_at, received_at)"
    )


def downgrade() -> None:  # pragma: no cover - kefu only upgrades
    raise NotImplementedError("kefu databases are only upgraded")
