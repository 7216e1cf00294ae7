"""The peer of the transitions benchmark: the same cycle written the way most Django teams would.

A `Report` model with a django-fsm-2 `FSMField` and `@transition` methods for submit, verify and
approve, and a `TransitionLog` row saved with each step in `transaction.atomic()`. Django is
configured in code (no settings module, no migrations): `configure` once per process, then
`create_tables` per database alias. Two aliases: ``sqlite`` (a file in WAL mode, writers take the
lock up front as Kinerja's do) and ``postgres`` (a scratch database the benchmark creates).
"""

from __future__ import annotations

from pathlib import Path

SQLITE = "sqlite"
POSTGRES = "postgres"


def configure(sqlite_path: Path, pg_name: str | None, pg_host: str = "127.0.0.1") -> None:
    """Configure and set up Django for this process (idempotent)."""
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if settings.configured:
        return
    databases: dict[str, dict[str, object]] = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_path)},
        SQLITE: {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                # The same settings as Kinerja's SQLite engine (db/database.py).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 5,
            },
        },
    }
    if pg_name is not None:
        databases[POSTGRES] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": pg_name,
            "USER": "postgres",
            "HOST": pg_host,
            "PORT": "5432",
        }
    settings.configure(
        DATABASES=databases,
        INSTALLED_APPS=["bench.django_peer"],
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def create_tables(alias: str) -> None:
    """Create the peer's tables on `alias` without migrations."""
    from django.db import connections  # type: ignore[import-untyped]

    from bench.django_peer.models import Report, TransitionLog

    with connections[alias].schema_editor() as editor:
        editor.create_model(Report)
        editor.create_model(TransitionLog)


def close(alias: str) -> None:
    """Close the alias's connection (before its database is dropped)."""
    from django.db import connections

    connections[alias].close()
