"""Alembic environment: runs against the connection handed in by db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from db.migrate import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("db.migrate passes the connection; run migrations with `kinerja db upgrade`")
_run(connection)
