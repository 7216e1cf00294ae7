"""The one place that builds Kinerja's parts from settings.

Nothing in the project opens a database, a socket or reads the environment at
import time; the CLI, the web server and the tests call `bootstrap` (tests
with their own settings and a fixed clock) and pass the container along.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from db.database import create_db_engine
from engine.clock import Clock, SystemClock
from engine.gate import DEFAULT_ACTING_RULES, ActingRules
from kinerja.demo import demo_accounts
from kinerja.settings import Settings, load_settings
from notifications.catcher import CaughtMail, MailCatcher


@dataclass
class Container:
    """Everything built from settings; the database engine is created on first use."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    demo: bool = False
    acting_rules: ActingRules = DEFAULT_ACTING_RULES
    mail_catcher: MailCatcher | None = None

    @cached_property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (no connection is opened until a query runs)."""
        return create_db_engine(self.settings.database_url)

    @property
    def zone(self) -> ZoneInfo:
        """The regency's time zone."""
        return self.settings.zone

    def demo_logins(self) -> list[tuple[str, str, str]]:
        """The demo accounts with their passwords, only in demo mode."""
        if not self.demo:
            return []
        return demo_accounts(self.engine)

    def mailbox(self) -> list[CaughtMail] | None:
        """What the demo's mail catcher received, newest first (None without a catcher)."""
        return None if self.mail_catcher is None else self.mail_catcher.messages()

    def close(self) -> None:
        """Release pooled connections."""
        if "engine" in self.__dict__:
            self.engine.dispose()


def bootstrap(
    settings: Settings | None = None, *, clock: Clock | None = None, demo: bool = False
) -> Container:
    """Build the container from settings (default: the process environment)."""
    settings = settings or load_settings()
    return Container(
        settings=settings,
        clock=clock or SystemClock(),
        demo=demo,
        acting_rules=ActingRules.parse(settings.acting_rules),
    )
