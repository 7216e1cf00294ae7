"""A local mail catcher for the demo: an SMTP server on 127.0.0.1 that keeps what it gets.

`kinerja serve --demo` starts it so that a new user sees the emails Kinerja
sends (the mailbox page reads it) without any mail server of their own.
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from engine.clock import Clock, SystemClock
from engine.ports import CaughtMail

MAX_KEPT = 500


class _Handler:
    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.catcher.keep(
            CaughtMail(
                received_at=self.catcher.clock.now(),
                sender=str(envelope.mail_from),
                recipients=tuple(envelope.rcpt_tos),
                # A long encoded subject is folded; unfold it for display.
                subject=" ".join(str(message.get("Subject", "")).split()),
                text=_part(message, "plain"),
                html=_part(message, "html"),
                message_id=str(message.get("Message-ID", "")),
            )
        )
        return "250 OK"


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    return "" if body is None else str(body.get_content())


class MailCatcher:
    """An aiosmtpd server on 127.0.0.1 keeping the last messages in memory."""

    def __init__(
        self, port: int = 1025, host: str = "127.0.0.1", clock: Clock | None = None
    ) -> None:
        self.host, self.port = host, port
        self.clock: Clock = clock or SystemClock()
        self._messages: list[CaughtMail] = []
        self._lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname=host, port=port)

    def keep(self, mail: CaughtMail) -> None:
        """Store a message, dropping the oldest beyond MAX_KEPT."""
        with self._lock:
            self._messages.append(mail)
            del self._messages[:-MAX_KEPT]

    def messages(self) -> list[CaughtMail]:
        """Received messages, newest first."""
        with self._lock:
            return list(reversed(self._messages))

    def start(self) -> None:
        """Listen on host:port (in a background thread)."""
        self._controller.start()

    def stop(self) -> None:
        """Stop listening."""
        self._controller.stop()
