"""The email itself: headers, a text part and an HTML alternative, a stable Message-ID.

Built for volume (a quarter close sends thousands of digests). With `email.policy.default`
a message cost milliseconds to build and again to send, all in header handling: the policy
makes a new header class on every header access, parses every value it is given into a
token tree (an address list alone is hundreds of small objects), and folds those trees
again when the message is flattened for SMTP. Here:

- the headers that differ per message and that we write ourselves (To, Subject, Date,
  Message-ID), when plain ASCII on one line, are stored in their wire form, as the parser
  stores the headers of a received message: they go out as they are and are parsed only if
  somebody reads them. Any other value (a name or subject outside ASCII, a long subject)
  takes the standard path and is encoded and folded as before;
- the headers that recur in every message (the sender, the MIME headers) are parsed once
  and folded once per process, and one boundary serves every message;
- the bodies are quoted-printable encoded by `binascii` (C) instead of `email.quoprimime`.

Reading a header still gives the usual rich header object, and what goes out on the wire is
what `email.policy.default` would send (tests/unit/test_dispatch_message.py).
"""

from __future__ import annotations

import functools
import hashlib
from binascii import b2a_qp
from datetime import datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy, Policy
from email.utils import format_datetime, parseaddr
from typing import Any

from engine.clock import JAKARTA

__all__ = ["BOUNDARY", "MESSAGE_POLICY", "build_email", "message_id_for"]

# Headers whose values this module writes itself, so a plain value is known to be valid.
_WIRE_READY = frozenset({"to", "subject", "date", "message-id"})
_PARSED_KEPT = 256  # distinct header values kept parsed (the sender, the MIME headers)


class _Header(BaseHeader):
    """A header object that folds itself once per way of folding.

    The MIME headers and the sender recur in every message as the same (cached, immutable)
    object, so folding them again at every send would be wasted work. A fold depends on
    the policy's line length, line separator and utf8 flag only (email._header_value_parser).
    """

    _folds: dict[tuple[int | None, str, bool], str] | None = None

    def fold(self, *, policy: Policy) -> str:
        """As `BaseHeader.fold`, remembered."""
        key = (policy.max_line_length, policy.linesep, bool(getattr(policy, "utf8", False)))
        if self._folds is None:
            self._folds = {}
        folded = self._folds.get(key)
        if folded is None:
            folded = self._folds[key] = super().fold(policy=policy)
        return folded


class _HeaderRegistry(HeaderRegistry):
    """The standard registry, without its per-call costs.

    The stdlib builds a new class (`type(...)`) for every header it makes or counts: ~35 µs
    each, a dozen times per message. Parsed values are also remembered (header objects are
    immutable strings), so the few that recur in every message (the sender, "text/plain;
    charset=...") are parsed once.
    """

    @functools.cache  # noqa: B019 (the registry lives as long as the process)
    def __getitem__(self, name: str) -> type[BaseHeader]:
        header_class: type[BaseHeader] = super().__getitem__(name)
        return header_class

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if type(value) is str:
            return _parse(self, name, value)
        return self[name](name, value)


@functools.lru_cache(maxsize=_PARSED_KEPT)
def _parse(registry: _HeaderRegistry, name: str, value: str) -> BaseHeader:
    return registry[name](name, value)


class _Policy(EmailPolicy):
    """`email.policy.default`, storing our own plain header values in their wire form."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if type(value) is str and name.lower() in _WIRE_READY and _plain(name, value):
            return name, value
        stored: tuple[str, Any] = super().header_store_parse(name, value)
        return stored


def _plain(name: str, value: str) -> bool:
    """True for a value that is its own wire form: printable ASCII on one short line.

    "=?" is excluded (a reader would take it for the start of an encoded word), and so is
    the empty value (the standard path writes "Subject:" without a space).
    """
    return (
        value != ""
        and len(name) + len(value) + 2 <= (MESSAGE_POLICY.max_line_length or 78)
        and value.isascii()
        and value.isprintable()
        and "=?" not in value
    )


BOUNDARY = "==kinerja-alternative=="
"""The one boundary of every message: quoted-printable never writes "==", so it cannot occur
in a part, and a fixed one spares the generator its search for a free boundary at each send
(and the policy a parse of a new Content-Type per message)."""

MESSAGE_POLICY = _Policy(header_factory=_HeaderRegistry(base_class=_Header))
"""The policy of every message built here (what `email.policy.default` says, faster)."""


def message_id_for(dedupe_key: str, sender: str) -> str:
    """A Message-ID stable per outbox row, so a message sent twice is recognisably the same one."""
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{_domain(sender)}>"


@functools.lru_cache(maxsize=16)
def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


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

    Raises ValueError for an unusable address or header (the caller dead-letters the row).
    """
    message_id = message_id_for(dedupe_key, sender)
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = sender
    to = Address(display_name=recipient_name, addr_spec=recipient_email)
    message["To"] = str(to) if _plain("To", str(to)) else to
    message["Subject"] = subject
    message["Date"] = format_datetime(date.astimezone(JAKARTA))
    message["Message-ID"] = message_id
    message["MIME-Version"] = "1.0"
    message["Content-Type"] = f'multipart/alternative; boundary="{BOUNDARY}"'
    message.set_payload([_text_part(text, "plain"), _text_part(html, "html")])
    return message


def _text_part(body: str, subtype: str) -> EmailMessage:
    """One alternative, as `set_content(body, subtype=..., cte="quoted-printable")` makes it.

    Quoted-printable keeps the body 7-bit clean for servers without 8BITMIME. Built directly
    (same headers, same decoded body: tests/unit/test_dispatch_message.py): the content
    manager reads and rewrites Content-Type three times to add a charset, and encodes with
    `email.quoprimime`, a per-character Python mapping that took 0.1 ms per kilobyte of
    HTML; `binascii.b2a_qp` is the C encoder of the same RFC 2045 rules.
    """
    part = EmailMessage(policy=MESSAGE_POLICY)
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "quoted-printable"
    if subtype != "plain":  # set_content gives every part but the first its own
        part["MIME-Version"] = "1.0"
    lines = body.encode("utf-8").splitlines()  # any line ending becomes one "\n"
    part.set_payload(b2a_qp(b"\n".join(lines) + b"\n", istext=True).decode("ascii"))
    return part
