"""The email itself: headers, a text part and an HTML alternative, a stable Message-ID.

Built with the standard library's public API only: `email.message.EmailMessage` under
`email.policy.default`, the bodies through `set_content` / `add_alternative`
(quoted-printable, so the message stays 7-bit clean for servers without 8BITMIME).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr

from engine.clock import JAKARTA
from engine.text import flatten

__all__ = ["BOUNDARY", "build_email", "message_id_for"]

BOUNDARY = "==kinerja-alternative=="
"""The boundary of every message. Quoted-printable writes every "=" as "=3D", so "=="
cannot occur in a part and one fixed boundary is safe (tests/unit/test_dispatch_message.py)."""


def message_id_for(dedupe_key: str, sender: str) -> str:
    """A Message-ID stable per outbox row, so a message sent twice is recognisably the same one."""
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:32]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{digest}@{domain}>"


def build_email(
    *,
    sender: str,
    recipient_name: str,
    recipient_email: str,
    subject: str,
    text: str,
    html: str,
    dedupe_key: str,
    date: datetime,
) -> EmailMessage:
    """A UTF-8 text message with an HTML alternative, dated in WIB.

    Raises ValueError (or IndexError, the standard library's, for an address like "a@") for
    an unusable address or header: the caller dead-letters the row.
    """
    message = EmailMessage(policy=default_policy)
    message["From"] = sender
    # flatten: a name stored with a line break (before names were checked) must not make the
    # header unusable and dead-letter every email to that official.
    message["To"] = Address(display_name=flatten(recipient_name), addr_spec=recipient_email)
    message["Subject"] = subject
    message["Date"] = format_datetime(date.astimezone(JAKARTA))
    message["Message-ID"] = message_id_for(dedupe_key, sender)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.make_alternative(boundary=BOUNDARY)
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message
