"""Alembic environment: migrations run on the connection kefu hands over."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - kefu always passes a connection
    raise RuntimeError("kefu runs its migrations through kefu_cli.store.schema.migrate()")

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
