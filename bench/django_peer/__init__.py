"""The peer of the transitions benchmark: the same cycle written the way most Django teams would.

Two peers live here, both django-fsm-2 models saved by the Django ORM in `transaction.atomic()`:

- the fair peer (`models.py`: `Report`, `take_step`) does in its transaction what Kinerja does in
  its own: it reads the report with who acts on it (one query, `select_related`), checks on
  submit that the entries are complete (one query), saves the state with a compare-and-swap,
  appends the hash-chained log row (engine.audit.entry_hash, as Kinerja computes it) and writes
  the outbox row for whoever acts next (insert-or-ignore on the dedupe key): the same rows with
  the same values, the same statements per cycle, on tables with the same columns and indexes;
- the old peer (`old.py`: `OldReport`, `old_take_step`), the one the benchmark shipped with
  before issue 14: a state update and a small log row, no hash chain and no outbox row.

Django is configured in code (no settings module, no migrations): `configure` once per process,
then `create_tables` per database alias. Aliases: ``sqlite`` and ``sqlite_old`` (files in WAL
mode with Kinerja's SQLite settings; writers take the lock up front, as Kinerja's do) and
``postgres`` (a scratch database the benchmark creates, the fair peer's tables in it, with the
driver settings Kinerja's engine has) and ``postgres_old`` (the same database with Django's
defaults, as the old peer ran).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

SQLITE = "sqlite"
SQLITE_OLD = "sqlite_old"
POSTGRES = "postgres"
POSTGRES_OLD = "postgres_old"


def _sqlite(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # The same settings as Kinerja's SQLite engine (db/database.py).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
        },
    }


def configure(folder: Path, pg_url: str | None) -> None:
    """Configure and set up Django for this process (idempotent): the SQLite files in `folder`,
    PostgreSQL at `pg_url` (a SQLAlchemy URL naming the scratch database) when given."""
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if settings.configured:
        return
    databases: dict[str, dict[str, object]] = {
        "default": _sqlite(folder / "peer.db"),
        SQLITE: _sqlite(folder / "peer.db"),
        SQLITE_OLD: _sqlite(folder / "peer_old.db"),
    }
    if pg_url is not None:
        from sqlalchemy.engine import make_url

        url = make_url(pg_url)
        databases[POSTGRES_OLD] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": url.database,
            "USER": url.username or "",
            "PASSWORD": url.password or "",
            "HOST": url.host or "",
            "PORT": str(url.port or ""),
        }
        databases[POSTGRES] = {
            **databases[POSTGRES_OLD],
            # The driver settings Kinerja's engine has (psycopg's defaults under SQLAlchemy):
            # parameters bound on the server and statements prepared after five uses, so
            # that neither side plans its queries afresh while the other does not. Django's
            # own defaults (client-side binding, no prepared statements) are for poolers.
            "OPTIONS": {"server_side_binding": True, "prepare_threshold": 5},
        }
    settings.configure(
        DATABASES=databases,
        INSTALLED_APPS=["bench.django_peer"],
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def create_tables(alias: str, models: Iterable[Any]) -> None:
    """Create the tables of `models` on `alias` without migrations."""
    from django.db import connections  # type: ignore[import-untyped]

    with connections[alias].schema_editor() as editor:
        for model in models:
            editor.create_model(model)


def reset_sequences(alias: str, models: Iterable[Any]) -> None:
    """After rows were copied in with their ids: let the next ids follow them (PostgreSQL)."""
    from django.core.management.color import no_style  # type: ignore[import-untyped]
    from django.db import connections

    connection = connections[alias]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def close(alias: str) -> None:
    """Close the alias's connection (before its database is dropped)."""
    from django.db import connections

    connections[alias].close()
