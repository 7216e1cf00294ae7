"""What the web needs from the outside, and the per-app objects routes share.

`WebDeps` is a protocol so that web/ does not import the package that wires it
(kinerja.bootstrap.Container implements it). `Web` is built once per app and
reached from a request through `request.app.state.web`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Protocol, TypeVar
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

    def demo_logins(self) -> list[tuple[str, str, str]]:
        """(login, password, who) shown on the demo pages; empty outside demo mode."""
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


READS_ONLY = "kinerja_reads_only"
F = TypeVar("F", bound=Callable[..., Any])


def reads_only(endpoint: F) -> F:
    """Mark a route that is posted but only reads (the report's live preview): its request
    gets a reader's unit of work, so on SQLite it never waits for or takes the write lock."""
    setattr(endpoint, READS_ONLY, True)
    return endpoint


def request_uow(request: Request) -> Iterator[UnitOfWork]:
    """The request's one unit of work: the sign-in, the rights and the use case share it.

    A form post or an API call gets a writer's (on SQLite: the write lock from its first
    statement, so its reads and its write are one transaction); a page read, or a post to
    a route marked `reads_only`, a reader's. The choice is the matched route's, so every
    dependency of the request (the sign-in included) gets the same unit of work.
    Whatever the use case did not commit is rolled back when the request ends.
    """
    web = web_of(request)
    write = request.method not in ("GET", "HEAD") or request.url.path.startswith("/api/")
    if getattr(request.scope.get("endpoint"), READS_ONLY, False):
        write = False
    with web.deps.uow(write=write) as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(request_uow)]
