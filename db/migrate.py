"""Schema migrations with Alembic, driven from code (`kinerja db upgrade`).

`metadata` is every table's: the migrations (db/migrations/env.py) and the check that
the tables agree with them (`schema_differences`) compare against all three table
modules, imported here once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData
from sqlalchemy.exc import SQLAlchemyError

from db import auth_models, models, workflow_models
from engine.errors import KinerjaError

TABLE_MODULES = (models, workflow_models, auth_models)
"""Every module of tables, imported so that `metadata` holds them all."""
metadata: MetaData = models.metadata

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at db/migrations, without an alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` in one transaction per migration."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision shipped with the code."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database whose schema is missing or out of date.

    Raises `KinerjaError` telling the admin to run `kinerja db upgrade`.
    """
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        raise KinerjaError(
            f"Basis data tidak dapat dibuka ({engine.url.render_as_string()}): "
            f"{str(getattr(exc, 'orig', None) or exc).splitlines()[0]}",
            log_message=f"cannot open database: {exc}",
        ) from None
    head = head_revision(engine)
    if current != head:
        state = "kosong" if current is None else f"versi {current}"
        raise KinerjaError(
            f"Skema basis data {state}, versi terbaru {head}: jalankan `kinerja db upgrade` dulu",
            log_message=f"schema at {current}, head is {head}",
        )


def schema_differences(engine: Engine, target: MetaData = metadata) -> list[Any]:
    """Differences between the models and the migrated database; empty when they agree."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, target))
