"""What the CLI commands share: the container, built on first use."""

from __future__ import annotations

import getpass
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from engine.clock import Clock

if TYPE_CHECKING:
    from kinerja.bootstrap import Container


@dataclass
class CliState:
    """Environment and clock for a CLI run; tests pass their own."""

    environ: Mapping[str, str] | None = None
    clock: Clock | None = None
    _container: Container | None = field(default=None, init=False)

    def container(self, *, demo: bool = False, check_schema: bool = True) -> Container:
        """Build (once) the container from the settings in `environ`.

        With `check_schema` (all commands but `db`), a missing or outdated schema
        stops the command with a message telling the admin to upgrade.
        """
        if self._container is None:
            # Imported here: `--help` and usage errors need neither the database nor settings.
            from kinerja.bootstrap import bootstrap
            from kinerja.settings import load_settings

            settings = load_settings(
                self.environ if self.environ is not None else process_environ()
            )
            logging.basicConfig(
                level=settings.log_level.upper(),
                format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            )
            if settings.log_level.upper() != "DEBUG":
                logging.getLogger("alembic").setLevel(logging.WARNING)
                for noisy in ("transitions", "mail.log", "apscheduler"):
                    logging.getLogger(noisy).setLevel(logging.WARNING)
            self._container = bootstrap(settings, clock=self.clock, demo=demo)
            if check_schema:
                from db.migrate import require_current_schema

                require_current_schema(self._container.engine)
        return self._container

    def close(self) -> None:
        """Dispose of the database engine, if one was made."""
        if self._container is not None:
            self._container.close()


def process_environ() -> Mapping[str, str]:
    """The process environment, with what ./.env adds to it (never overriding)."""
    from kinerja.settings import apply_env_file

    apply_env_file()
    return os.environ


def console_actor() -> str:
    """Who a change made from the command line is recorded as in the admin log: the
    operating-system user running `kinerja` (the console has no sign-in of its own)."""
    try:
        return f"konsol ({getpass.getuser()})"
    except (OSError, KeyError):
        return "konsol"


def state_of(ctx: typer.Context) -> CliState:
    """The CliState passed to the command (a default one when run directly)."""
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        obj = CliState()
        ctx.find_root().obj = obj
    return obj
