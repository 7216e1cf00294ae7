"""Sending email: the SMTP mailer, its fake, and the message both of them carry.

The dispatcher decides *what* happens to an outbox row; the mailer only tells it what the server
said, as one `SendOutcome` per message. The classification lives here, once, so the real mailer
and `FakeMailer` (which answers scripted reply codes) feed the dispatcher the same outcomes:

- SENT: 2xx.
- RETRY: 4xx, lost connections, timeouts (the server, not the message, is the problem today).
- DEAD: 5xx other than authentication, with the server's code and text (it will not get better).
- AUTH_FAILED: 530/534/535; every later message of the batch is left unsent, because each
  attempt would fail the same way and may lock the account.

Outcomes are also reported one by one, as soon as the server answers (`on_outcome`), so a
dispatcher killed mid-batch has already recorded every message but the one in flight.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Any, Protocol

import aiosmtplib
from pydantic import SecretStr

from engine.outbox import SendStatus
from notifications.message import build_email, message_id_for

__all__ = [
    "AUTH_CODES",
    "FakeMailer",
    "Mailer",
    "OutcomeCallback",
    "SendOutcome",
    "SendStatus",
    "SmtpMailer",
    "SmtpSettings",
    "build_email",
    "classify_reply",
    "message_id_for",
]

log = logging.getLogger(__name__)

AUTH_CODES = frozenset({530, 534, 535})
"""Replies meaning "your credentials are wrong or missing", not "this message is bad"."""

DEFAULT_SENDER = "Kinerja <kinerja@localhost>"
CONNECT_TIMEOUT = 10.0
COMMAND_TIMEOUT = 30.0
QUIT_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """The fate of one message and the server's answer (code None: no reply, e.g. a timeout)."""

    status: SendStatus
    code: int | None = None
    detail: str = ""

    @property
    def answer(self) -> str:
        """The server's answer as one line, e.g. "550 5.1.1 no such user"."""
        text = " ".join(self.detail.split())
        return f"{self.code} {text}".strip() if self.code is not None else text


class SmtpSettings(Protocol):
    """The SMTP part of kinerja.settings.Settings (notifications may not import kinerja)."""

    @property
    def smtp_host(self) -> str: ...

    @property
    def smtp_port(self) -> int: ...

    @property
    def smtp_user(self) -> str | None: ...

    @property
    def smtp_password(self) -> SecretStr | None: ...

    @property
    def smtp_security(self) -> str:
        """ "none", "starttls" (upgrade after connecting) or "tls" (implicit TLS, port 465)."""
        ...

    @property
    def smtp_sender(self) -> str: ...


OutcomeCallback = Callable[[int, SendOutcome], Awaitable[None]]
"""Called with (index in the batch, outcome) as soon as each message's fate is known."""


class Mailer(Protocol):
    """Sends batches of messages; one connection per batch."""

    @property
    def sender(self) -> str:
        """The From address, e.g. "Kinerja <kinerja@gresikkab.go.id>"."""
        ...

    async def send_batch(
        self, messages: Sequence[EmailMessage], *, on_outcome: OutcomeCallback | None = None
    ) -> list[SendOutcome]:
        """Send `messages` in order; return one outcome per message, in the same order.

        After an AUTH_FAILED every remaining message is reported AUTH_FAILED and not attempted.
        """
        ...


def classify_reply(code: int, text: str = "") -> SendOutcome:
    """Map an SMTP reply to an outcome (codes outside 2xx-5xx are retried, never lost)."""
    if 200 <= code < 300:
        return SendOutcome(SendStatus.SENT, code, text)
    if code in AUTH_CODES:
        return SendOutcome(SendStatus.AUTH_FAILED, code, text)
    if 500 <= code < 600:
        return SendOutcome(SendStatus.DEAD, code, text)
    return SendOutcome(SendStatus.RETRY, code, text)


def _recipient_of(message: EmailMessage) -> str:
    """The one envelope recipient: the address in To (one recipient per message, by design).

    Read from the header as stored (`raw_items`), unfolded: asking the message for its To
    header would parse it into a full address header object, per message, for one address.
    """
    values = ["".join(str(value).splitlines()) for name, value in message.raw_items()
              if name.lower() == "to"]  # fmt: skip
    addresses = [addr for _, addr in getaddresses(values) if addr]
    if len(addresses) != 1:
        raise ValueError(f"expected exactly one To address, got {len(addresses)}")
    return addresses[0]


def _exception_outcome(exc: Exception) -> SendOutcome | None:
    """The outcome of a failed send; None when the connection dropped before any answer."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        first = exc.recipients[0]
        return classify_reply(first.code, first.message)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return classify_reply(exc.code, exc.message)
    if isinstance(exc, TimeoutError):  # before OSError: TimeoutError is one
        return SendOutcome(SendStatus.RETRY, None, f"timeout: {exc}")
    if isinstance(exc, OSError):  # SMTPServerDisconnected is a ConnectionError
        return None
    if isinstance(exc, aiosmtplib.SMTPNotSupported | ValueError):
        return SendOutcome(SendStatus.DEAD, None, f"{type(exc).__name__}: {exc}")
    return SendOutcome(SendStatus.RETRY, None, f"{type(exc).__name__}: {exc}")


class _Batch:
    """Collects outcomes in order and reports each one as it is settled."""

    def __init__(self, size: int, on_outcome: OutcomeCallback | None) -> None:
        self.size = size
        self.outcomes: list[SendOutcome] = []
        self._on_outcome = on_outcome

    @property
    def done(self) -> bool:
        return len(self.outcomes) >= self.size

    async def settle(self, outcome: SendOutcome) -> None:
        self.outcomes.append(outcome)
        if self._on_outcome is not None:
            await self._on_outcome(len(self.outcomes) - 1, outcome)

    async def settle_rest(self, outcome: SendOutcome) -> None:
        while not self.done:
            await self.settle(outcome)


class SmtpMailer:
    """The real mailer: aiosmtplib, STARTTLS or implicit TLS and login as the settings say.

    Timeouts are explicit (connect, then each command) so a stuck server costs one batch a
    bounded wait, never a hung dispatcher. A connection the server drops mid-batch is
    re-opened once and the interrupted message is sent again.
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        connect_timeout: float = CONNECT_TIMEOUT,
        command_timeout: float = COMMAND_TIMEOUT,
        tls_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        self._settings = settings
        self._connect_timeout = connect_timeout
        self._command_timeout = command_timeout
        self._tls_context = tls_context
        self._local_hostname = local_hostname
        self._envelope_sender = parseaddr(settings.smtp_sender)[1]
        if not self._envelope_sender:
            raise ValueError(f"smtp_sender has no address: {settings.smtp_sender!r}")

    @property
    def sender(self) -> str:
        """The From address, from settings.smtp_sender."""
        return self._settings.smtp_sender

    async def send_batch(
        self, messages: Sequence[EmailMessage], *, on_outcome: OutcomeCallback | None = None
    ) -> list[SendOutcome]:
        """Send `messages` over one connection (re-opened at most once); see `Mailer`."""
        batch = _Batch(len(messages), on_outcome)
        if not messages:
            return batch.outcomes
        smtp: aiosmtplib.SMTP | None = None
        protocol: Any = None
        opens_left = 2  # the first connection and one reconnect
        lost = "connection lost"
        try:
            while not batch.done:
                if smtp is None or not smtp.is_connected:
                    if opens_left == 0:
                        await batch.settle_rest(SendOutcome(SendStatus.RETRY, None, lost))
                        break
                    opens_left -= 1
                    smtp, failure = await self._open()
                    if failure is not None:
                        await batch.settle_rest(failure)
                        break
                assert smtp is not None
                outcome = await self._send_one(smtp, messages[len(batch.outcomes)])
                if outcome is None:  # dropped before an answer: reconnect, send it again
                    log.warning("SMTP server closed the connection mid-batch")
                    smtp.close()
                    continue
                await batch.settle(outcome)
                if outcome.status is SendStatus.AUTH_FAILED:
                    await batch.settle_rest(outcome)
            if smtp is not None and smtp.is_connected:
                protocol = smtp.protocol  # QUIT closes it and forgets it: wait for it below
                await self._quit(smtp)
        finally:
            if smtp is not None:
                await _closed(smtp, protocol)
        return batch.outcomes

    async def _open(self) -> tuple[aiosmtplib.SMTP | None, SendOutcome | None]:
        """Connect, upgrade and log in; on failure, the outcome for every unsent message."""
        settings = self._settings
        smtp = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            timeout=self._command_timeout,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            tls_context=self._tls_context,
            local_hostname=self._local_hostname,
        )
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        try:
            await smtp.connect(timeout=self._connect_timeout)
        except Exception as exc:
            smtp.close()
            log.warning("cannot connect to SMTP server %s: %s", where, exc)
            return None, _connect_failure(exc)
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            try:
                await smtp.login(settings.smtp_user, password)
            except aiosmtplib.SMTPResponseException as exc:
                smtp.close()  # a 4xx ("454 try again later") passes; anything else will not
                status = SendStatus.RETRY if 400 <= exc.code < 500 else SendStatus.AUTH_FAILED
                return None, SendOutcome(status, exc.code, exc.message)
            except (TimeoutError, OSError) as exc:
                smtp.close()
                return None, SendOutcome(SendStatus.RETRY, None, f"login: {exc}")
            except aiosmtplib.SMTPException as exc:  # e.g. the server offers no AUTH
                smtp.close()
                return None, SendOutcome(SendStatus.AUTH_FAILED, None, exc.message)
        return smtp, None

    async def _send_one(self, smtp: aiosmtplib.SMTP, message: EmailMessage) -> SendOutcome | None:
        """Send one message to its one recipient; None if the connection dropped first."""
        try:
            recipient = _recipient_of(message)
            _, reply = await smtp.send_message(
                message, sender=self._envelope_sender, recipients=[recipient]
            )
        except Exception as exc:
            return _exception_outcome(exc)
        return SendOutcome(SendStatus.SENT, 250, reply)

    async def _quit(self, smtp: aiosmtplib.SMTP) -> None:
        """Say goodbye politely; a server that does not answer QUIT costs nothing."""
        try:
            await smtp.quit(timeout=QUIT_TIMEOUT)
        except (aiosmtplib.SMTPException, OSError) as exc:
            log.debug("SMTP QUIT failed: %s", exc)


async def _closed(smtp: aiosmtplib.SMTP, protocol: Any = None) -> None:
    """Close the connection and wait (briefly) until it is gone: over TLS the socket closes
    only after the TLS goodbye, a round trip later; an event loop ended before that (one
    dispatch run by `asyncio.run`) left the socket open until the garbage collector found
    it."""
    protocol = protocol or smtp.protocol  # after QUIT, the one the caller kept
    smtp.close()
    deadline = asyncio.get_running_loop().time() + QUIT_TIMEOUT
    while protocol is not None and protocol.transport is not None:
        if asyncio.get_running_loop().time() > deadline:
            # The TLS goodbye did not come back in time: abort, so that the socket closes
            # now rather than when the garbage collector finds it (a ResourceWarning).
            transport = protocol.transport
            if isinstance(transport, asyncio.Transport):
                transport.abort()
            await asyncio.sleep(0)  # the transport closes its socket in a callback
            return
        await asyncio.sleep(0.005)


def _connect_failure(exc: Exception) -> SendOutcome:
    """A failure to open the session is retried, unless the server refused our credentials.

    Even a 5xx greeting is about the server, not the message: dead-lettering every message
    for it would make an admin retry them all by hand once the server is fixed.
    """
    if isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code in AUTH_CODES:
        return SendOutcome(SendStatus.AUTH_FAILED, exc.code, exc.message)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return SendOutcome(SendStatus.RETRY, exc.code, exc.message)
    return SendOutcome(SendStatus.RETRY, None, f"{type(exc).__name__}: {exc}")


_DEFAULT_TEXTS = {
    250: "2.0.0 OK",
    421: "4.3.2 service not available",
    451: "4.3.0 try later",
    530: "5.7.0 Authentication required",
    535: "5.7.8 Authentication credentials invalid",
    550: "5.1.1 no such user",
}


def _reply(code: int | tuple[int, str]) -> tuple[int, str]:
    if isinstance(code, tuple):
        return code
    return code, _DEFAULT_TEXTS.get(code, f"reply {code}")


class FakeMailer:
    """The mailer's fake: records messages and answers scripted reply codes.

    Every message is accepted (250) unless a reply was queued for its recipient with
    `answer`; `fail_auth` makes the next batches fail to log in.
    """

    def __init__(self, *, sender: str = DEFAULT_SENDER) -> None:
        self._sender = sender
        self.attempts: list[EmailMessage] = []
        """Every message the fake was asked to send (and did not skip after an auth failure)."""
        self.sent: list[EmailMessage] = []
        """The messages that were "delivered" (answered 2xx)."""
        self.batches: list[int] = []
        """The size of each batch, one entry per connection."""
        self._replies: dict[str, deque[tuple[int, str]]] = {}
        self._auth_failures: deque[tuple[int, str]] = deque()

    @property
    def sender(self) -> str:
        """The From address given at construction."""
        return self._sender

    def answer(self, address: str, *codes: int | tuple[int, str]) -> None:
        """Queue replies for `address`, one per attempt (then 250 again), e.g. 451, 451, 550."""
        self._replies.setdefault(address.lower(), deque()).extend(_reply(c) for c in codes)

    def fail_auth(self, times: int = 1, code: int = 535) -> None:
        """Make the next `times` batches fail to log in with `code`."""
        self._auth_failures.extend([_reply(code)] * times)

    async def send_batch(
        self, messages: Sequence[EmailMessage], *, on_outcome: OutcomeCallback | None = None
    ) -> list[SendOutcome]:
        """Answer each message from the script; see `Mailer`."""
        batch = _Batch(len(messages), on_outcome)
        if not messages:
            return batch.outcomes
        self.batches.append(len(messages))
        if self._auth_failures:
            code, text = self._auth_failures.popleft()
            await batch.settle_rest(SendOutcome(SendStatus.AUTH_FAILED, code, text))
            return batch.outcomes
        for message in messages:
            self.attempts.append(message)
            try:
                queued = self._replies.get(_recipient_of(message).lower())
            except ValueError as exc:  # as SmtpMailer does
                await batch.settle(SendOutcome(SendStatus.DEAD, None, f"ValueError: {exc}"))
                continue
            code, text = queued.popleft() if queued else _reply(250)
            outcome = classify_reply(code, text)
            if outcome.status is SendStatus.SENT:
                self.sent.append(message)
            await batch.settle(outcome)
            if outcome.status is SendStatus.AUTH_FAILED:
                await batch.settle_rest(outcome)
                break
        return batch.outcomes
