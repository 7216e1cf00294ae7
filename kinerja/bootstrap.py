"""The one place that builds Kinerja's parts from settings.

Nothing in the project opens a database, a socket or reads the environment at
import time; the CLI, the web server and the tests call `bootstrap` (tests
with their own settings and a fixed clock) and pass the container along.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from engine.accounts import ThrottlePolicy
from engine.clock import Clock, FixedClock, SystemClock, local_date
from engine.deadlines import DeadlineRules
from engine.evidence import EvidenceQuota
from engine.gate import DEFAULT_ACTING_RULES, ActingRules
from engine.ladder import LadderPolicy
from engine.policy import Policy
from kinerja.settings import Settings, load_settings

if TYPE_CHECKING:
    # The database, web and mail modules are imported where they are first used, so a
    # command that needs none of them (`kinerja --help`) starts without SQLAlchemy.
    from sqlalchemy import Engine

    from db.uow import SqlUnitOfWorkFactory
    from engine.ports import CaughtMail
    from notifications.catcher import MailCatcher
    from web.config import WebSettings

log = logging.getLogger("kinerja")


def deadline_rules(settings: Settings) -> DeadlineRules:
    """The working days allowed for each step, from settings."""
    return DeadlineRules(
        submit_after_quarter=settings.submit_working_days,
        verify_after_submit=settings.verify_working_days,
        approve_after_verify=settings.approve_working_days,
    )


def ladder_policy(settings: Settings) -> LadderPolicy:
    """When reminders and escalations go out, from settings."""
    offsets = tuple(int(p) for p in settings.reminder_offsets.split(",") if p.strip())
    return LadderPolicy(
        reminder_offsets=offsets,
        superior_after=settings.escalate_superior_after,
        head_after=settings.escalate_head_after,
    )


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
        from db.database import create_db_engine

        return create_db_engine(self.settings.database_url)

    @cached_property
    def uow(self) -> SqlUnitOfWorkFactory:
        """Units of work on the database: `with container.uow(write=True) as uow: ...`."""
        from db.uow import SqlUnitOfWorkFactory

        return SqlUnitOfWorkFactory(self.engine, evidence_dir=self.settings.evidence_dir)

    @cached_property
    def policy(self) -> Policy:
        """The configured rules every use case applies."""
        from workflows.definitions import MACHINES

        return Policy(
            machines=MACHINES,
            zone=self.zone,
            acting_rules=self.acting_rules,
            deadlines=deadline_rules(self.settings),
            ladder=ladder_policy(self.settings),
            evidence_quota=EvidenceQuota(
                report_files=self.settings.evidence_report_max_files,
                report_bytes=self.settings.evidence_report_max_mb * 1024 * 1024,
                daily_bytes=self.settings.evidence_daily_max_mb * 1024 * 1024,
            ),
            narrative_threshold=self.settings.narrative_threshold.strip(),
        )

    def cluster_lock(self, name: str) -> AbstractContextManager[bool]:
        """A lock across every instance on the database (engine.ports.ClusterLock): an
        advisory lock on PostgreSQL, always granted on SQLite (one instance writes)."""
        from db.database import advisory_lock

        return advisory_lock(self.engine, name)

    @property
    def zone(self) -> ZoneInfo:
        """The regency's time zone."""
        return self.settings.zone

    @cached_property
    def secret_key(self) -> str:
        """The key that signs cookies (a random one per process when none is configured)."""
        if self.settings.secret_key is not None:
            return self.settings.secret_key.get_secret_value()
        log.warning(
            "KINERJA_SECRET_KEY is not set: using a random key, sessions end when the process "
            "stops and other instances will not accept them"
        )
        return secrets.token_urlsafe(32)

    @property
    def outage_errors(self) -> tuple[type[Exception], ...]:
        """Exception classes that may mean the database cannot serve right now."""
        from db.database import OUTAGE_ERRORS

        return OUTAGE_ERRORS

    def is_outage(self, exc: BaseException) -> bool:
        """True when `exc` says the database cannot be reached or serve right now (503)."""
        from db.database import database_unavailable

        return database_unavailable(exc)

    def web_settings(self) -> WebSettings:
        """What the pages and the API need from settings."""
        from web.config import WebSettings

        settings = self.settings
        overview = tuple(settings.overview())
        return WebSettings(
            evidence_dir=settings.evidence_dir,
            session_hours=settings.session_hours,
            invite_days=settings.invite_days,
            reset_minutes=settings.reset_minutes,
            throttle=ThrottlePolicy(
                settings.login_max_failures,
                settings.login_lock_minutes,
                settings.login_address_max_failures,
            ),
            trusted_proxies=settings.proxy_networks,
            second_factor_required=frozenset(
                part for part in settings.second_factor_required.split(",") if part
            ),
            secure_cookies=settings.secure_cookies,
            deadlines=deadline_rules(settings),
            overview=overview,
        )

    def demo_logins(self) -> list[tuple[str, str, str, str]]:
        """The demo accounts with their passwords and posts, only in demo mode."""
        from kinerja.demo.seed import demo_accounts

        if not self.demo:
            return []
        return demo_accounts(self.engine, local_date(self.clock.now(), self.zone))

    def notice_subject(self, kind: str, payload: Mapping[str, Any]) -> str:
        """The subject of the email an outbox message becomes (the app's notifications)."""
        from notifications.render import subject

        return subject(kind, payload)

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
        clock=clock
        or (FixedClock(settings.fixed_now) if settings.fixed_now is not None else SystemClock()),
        demo=demo,
        acting_rules=ActingRules.parse(settings.acting_rules),
    )
