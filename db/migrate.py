"""Schema migrations with Alembic, driven from code (`kinerja db upgrade`).

`metadata` is every table's: the migrations (db/migrations/env.py) and the check that
the tables agree with them (`schema_differences`) compare against all three table
modules, imported here once.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, MetaData, text
from sqlalchemy.exc import SQLAlchemyError

from db import accounts, models, signin, workflow_models
from engine.errors import KinerjaError

if TYPE_CHECKING:
    # Alembic is imported where it is used (with the scripts, about 70 ms): every command
    # checks the schema, and that check reads the version row and the migration files.
    from alembic.config import Config

TABLE_MODULES = (models, workflow_models, signin, accounts)
"""Every module of tables, imported so that `metadata` holds them all."""
metadata: MetaData = models.metadata

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at db/migrations, without an alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` in one transaction per migration."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None for an empty database."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision shipped with the code."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a database whose schema is missing or out of date.

    Raises `KinerjaError` telling the admin to run `kinerja db upgrade`.
    The usual case, a database at the shipped head, is answered without Alembic
    (`_at_shipped_head`); anything else goes through Alembic and its messages.
    """
    if _at_shipped_head(engine):
        return
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
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, target))


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


def shipped_head() -> str | None:
    """The head of db/migrations/versions read from the files' text, without importing
    Alembic or the migrations; None unless they form one chain with one head."""
    parents: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            parent = ast.literal_eval(found["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not (parent is None or isinstance(parent, str)):
            return None
        parents[revision] = parent
    heads = set(parents) - set(parents.values())
    return heads.pop() if len(heads) == 1 else None


def _at_shipped_head(engine: Engine) -> bool:
    """True when the database's one version row is the shipped head (plain SELECT)."""
    head = shipped_head()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False
    return [row[0] for row in rows] == [head]
