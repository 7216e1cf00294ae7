"""What the web needs from the outside, and the per-app objects routes share.

`WebDeps` is a protocol so that web/ does not import the package that wires it
(kinerja.bootstrap.Container implements it). `Web` is built once per app and
reached from a request through `request.app.state.web`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Protocol
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from itsdangerous import TimestampSigner

from engine.clock import Clock, local_date
from engine.gate import ActingRules
from engine.policy import Policy
from engine.ports import CaughtMail, UnitOfWork, UnitOfWorkFactory
from web.config import WebSettings


class WebDeps(Protocol):
    """What the web application needs; kinerja.bootstrap.Container provides it."""

    @property
    def clock(self) -> Clock: ...

    @property
    def uow(self) -> UnitOfWorkFactory: ...

    @property
    def policy(self) -> Policy: ...

    @property
    def zone(self) -> ZoneInfo: ...

    @property
    def demo(self) -> bool: ...

    @property
    def acting_rules(self) -> ActingRules: ...

    @property
    def secret_key(self) -> str: ...

    @property
    def outage_errors(self) -> tuple[type[Exception], ...]:
        """Exception classes that may mean the database cannot serve (checked by `is_outage`)."""
        ...

    def is_outage(self, exc: BaseException) -> bool:
        """True when `exc` says the database cannot be reached or cannot serve right now
        (the request did not happen: HTTP 503), not a bug."""
        ...

    def web_settings(self) -> WebSettings:
        """The settings the pages and the API use."""
        ...

    def demo_logins(self) -> list[tuple[str, str, str, str]]:
        """(login, password, who, posts held today) shown on the demo pages; empty outside
        demo mode."""
        ...

    def notice_subject(self, kind: str, payload: Mapping[str, Any]) -> str:
        """The subject line of the email an outbox message becomes."""
        ...

    def mailbox(self) -> list[CaughtMail] | None:
        """Messages caught by the demo's local SMTP server; None when it is not running."""
        ...


@dataclass
class Web:
    """The objects every route shares."""

    deps: WebDeps
    templates: Jinja2Templates
    signer: TimestampSigner
    settings: WebSettings

    def now(self) -> datetime:
        """The current moment from the injected clock."""
        return self.deps.clock.now()

    def today(self) -> date:
        """Today in the regency's time zone."""
        return local_date(self.now(), self.deps.zone)


def web_of(request: Request) -> Web:
    """The app's shared objects."""
    web: Web = request.app.state.web
    return web


def request_uow(request: Request) -> Iterator[UnitOfWork]:
    """The request's one unit of work: the sign-in, the rights and the use case share it.

    Always a reader's: the sign-in, the CSRF check and the reads of a page run in plain
    transactions, which on SQLite neither take nor wait for the write lock. A use case
    that writes does so inside `uow.writing()` (engine.ports.writes), so the lock is held
    only for its own transaction: never while a form is parsed, a password hashed or a
    page rendered. Whatever was not committed is rolled back when the request ends.
    """
    with web_of(request).deps.uow() as uow:
        request.state.uow = uow  # the header's notification count reads through it
        try:
            yield uow
        finally:
            # An error page is rendered after this unit of work closed: it must not reach
            # it (its first statement would open a connection nobody gives back).
            request.state.uow = None


UowDep = Annotated[UnitOfWork, Depends(request_uow)]
