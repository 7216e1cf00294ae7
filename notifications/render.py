"""Turn an outbox message (its kind and payload) into an email a person can act on.

The dispatcher renders at send time, so a template fix reaches messages already
queued. Templates live in notifications/templates/ (Bahasa Indonesia, plain text
and HTML per kind); the Jinja2 environment is built once and is strict: a payload
that lacks a key the email needs raises `jinja2.UndefinedError` instead of sending
an email with a hole in it. Subjects are small templates here, rendered by the same
environment, so they obey the same rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    UndefinedError,
    select_autoescape,
)

from engine.clock import JAKARTA
from engine.formatting import format_date_id, format_number_id

TEMPLATES = Path(__file__).parent / "templates"
_MEMO = 4096  # formatted dates and numbers kept (a few hundred kilobytes at most)

# Outbox kind -> (template, the event as the template words it).
_WORKFLOW: dict[str, tuple[str, str]] = {
    "workflow.returned": ("returned", "returned"),
    "workflow.approved": ("approved", "approved"),
    "workflow.submitted": ("action_needed", "submitted"),
    "workflow.verified": ("action_needed", "verified"),
    "workflow.reopened": ("action_needed", "reopened"),
}
_RUNGS = ("reminder", "escalation")
_COMMENT = "comment.posted"
# Account emails: outbox kind -> template; their link sets a password once.
_ACCOUNT = {"account.invite": "invitation", "account.reset": "password_reset"}
KINDS: frozenset[str] = frozenset({"digest", _COMMENT, *_WORKFLOW, *_ACCOUNT})
"""The outbox kinds `render` accepts."""

# What the recipient of an action_needed email is asked to do, by event.
_ACTIONS = {"submitted": "verifikasi", "verified": "persetujuan", "reopened": "perbaikan"}
# The action a link in that email gets ready on the page (`?aksi=`): never taken by the link.
_LINK_ACTIONS = {"submitted": "verify", "verified": "approve", "reopened": "submit"}
LINK_ACTIONS: frozenset[str] = frozenset({"submit", "verify", "approve"})
"""The actions a link may get ready (the reminder steps are the same words)."""

_SUBJECTS: dict[str, str] = {
    "reminder": (
        "Pengingat{% if step != 'submit' %} {{ step_label }}{% endif %}: "
        "{{ doc_label }} {{ period }}"
        "{% if step != 'submit' %} — {{ position }}{% endif %} "
        "{% if overdue %}melewati tenggat{% else %}jatuh tempo{% endif %} {{ deadline|tanggal }}"
    ),
    "escalation": (
        "Terlambat{% if step != 'submit' %} {{ step_label }}{% endif %}: "
        "{{ doc_label }} {{ period }} {{ position }} (tenggat {{ deadline|tanggal }})"
    ),
    "returned": "Dikembalikan: {{ doc_label }} {{ period }} perlu perbaikan",
    "approved": "Disetujui: {{ doc_label }} {{ period }}",
    "action_needed": "Menunggu {{ action }} Anda: {{ doc_label }} {{ period }} — {{ position }}",
    "comment": "Komentar dari {{ actor }}: {{ doc_label }} {{ period }} — {{ position }}",
    "invitation": "Undangan Kinerja: buat kata sandi akun {{ login }}",
    "password_reset": "Kinerja: tautan untuk membuat kata sandi baru",
    "digest": (
        "{% set late = items|selectattr('overdue')|list|length %}"
        "Ringkasan Kinerja: {{ items|length|angka }} pekerjaan menunggu Anda"
        "{% if late %} ({{ late|angka }} terlambat){% endif %}"
    ),
}


@dataclass(frozen=True)
class Email:
    """A rendered email: one-line subject, plain-text and HTML bodies."""

    subject: str
    text: str
    html: str


def tanggal(value: object) -> str:
    """A date as Indonesian letters write it ("8 April 2021").

    Takes a `date`, a `datetime` or an ISO string of either (payloads are JSON). An
    aware instant is shown on the Jakarta calendar: a sweep at 20:00 UTC on 8 April
    is already 9 April for the reader.

    Memoised: Babel costs ~0.1 ms a call and a digest repeats the same few dates in both
    bodies of thousands of emails; the answer depends on the value alone.
    """
    if isinstance(value, str | date):
        return _tanggal(value)
    return _tanggal_uncached(value)


@functools.lru_cache(maxsize=_MEMO, typed=True)
def _tanggal(value: str | date) -> str:
    return _tanggal_uncached(value)


def _tanggal_uncached(value: object) -> str:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return format_date_id(value)
    else:
        moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(JAKARTA)
    return format_date_id(moment.date())


def angka(value: object, decimals: int = 0) -> str:
    """A number as Indonesian documents write it ("1.234", "80,50" with decimals=2).

    Memoised like `tanggal` (counts and day numbers repeat in every email); a value that
    cannot be a dictionary key (a signalling NaN) is formatted, or refused, uncached.
    """
    if isinstance(value, int | float | str) or (isinstance(value, Decimal) and value.is_finite()):
        return _angka(value, decimals)
    return _angka_uncached(value, decimals)


@functools.lru_cache(maxsize=_MEMO, typed=True)
def _angka(value: float | str | Decimal, decimals: int) -> str:
    return _angka_uncached(value, decimals)


def _angka_uncached(value: object, decimals: int) -> str:
    if isinstance(value, int | Decimal):
        return format_number_id(value, decimals)
    return format_number_id(Decimal(str(value)), decimals)


@functools.cache
def environment() -> Environment:
    """The one Jinja2 environment of the emails, built on first use (never at import).

    Templates are compiled once per process: they ship with the code, so a changed
    template arrives with a restart, and no render stats the template files (with
    auto_reload, every `get_template`, `extends` and `import` would).
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        auto_reload=False,
        undefined=StrictUndefined,
        autoescape=select_autoescape(
            enabled_extensions=("html",), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["tanggal"] = tanggal
    env.filters["angka"] = angka
    return env


@functools.cache
def _subject(template: str) -> Template:
    return environment().from_string(_SUBJECTS[template])


def render(kind: str, payload: Mapping[str, Any], *, base_url: str, recipient_name: str) -> Email:
    """Render the email for an outbox message of `kind` addressed to `recipient_name`.

    A digest with a single item reads as that item's reminder or escalation. Raises
    `ValueError` for an unknown kind, an empty digest or an unknown rung, and
    `jinja2.UndefinedError` when the payload lacks a key the email needs.
    """
    common: dict[str, Any] = {"recipient_name": recipient_name, "link_to": linker(base_url)}
    if kind == _COMMENT:
        return _render("comment", {**payload, **common})
    if kind in _ACCOUNT:
        link = (
            f"{base_url.rstrip('/')}/masuk/sandi/{quote(str(_require(payload, 'secret')), safe='')}"
        )
        return _render(_ACCOUNT[kind], {**payload, **common, "link": link})
    if kind == "digest":
        items = _digest_items(payload)
        if len(items) == 1:
            return _render(_require(items[0], "rung"), {**items[0], **common})
        return _render("digest", {**payload, "items": items, **common})
    if kind not in _WORKFLOW:
        raise ValueError(f"no email template for outbox kind {kind!r}")
    template, event = _WORKFLOW[kind]
    context = {
        **payload,
        **common,
        "event": event,
        "action": _ACTIONS.get(event, ""),
        "aksi": _LINK_ACTIONS.get(event),
    }
    return _render(template, context)


def linker(base_url: str) -> Callable[..., str]:
    """`link_to(doc, aksi=None, anchor=None)` for the templates: the document's address,
    with the action the page gets ready (`?aksi=verify`: only a known action, and the page
    still asks for the click) and the part of the page to open at (`#komentar-3`)."""
    root = base_url.rstrip("/")

    def link_to(doc: object, aksi: object = None, anchor: object = None) -> str:
        href = f"{root}/dokumen/{quote(str(doc), safe='')}"
        if aksi in LINK_ACTIONS:
            href += f"?aksi={aksi}"
        if anchor:
            href += f"#{quote(str(anchor), safe='-')}"
        return href

    return link_to


def subject(kind: str, payload: Mapping[str, Any]) -> str:
    """The email's subject line alone (the app's notification list shows it); a message
    that cannot be rendered gets a plain line instead of an error."""
    try:
        return render(kind, payload, base_url="", recipient_name="").subject
    except (ValueError, UndefinedError, TypeError):
        return f"Pesan Kinerja ({kind})"


def _render(template: str, context: Mapping[str, Any]) -> Email:
    env = environment()
    subject = " ".join(_subject(template).render(context).split())
    text = env.get_template(f"{template}.txt").render(context).strip() + "\n"
    html = env.get_template(f"{template}.html").render({**context, "subject": subject})
    return Email(subject=subject, text=text, html=html)


def _digest_items(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = _require(payload, "items")
    if not isinstance(items, Sequence) or isinstance(items, str) or not items:
        raise ValueError("a digest needs a non-empty list of items")
    for item in items:
        if _require(item, "rung") not in _RUNGS:
            raise ValueError(f"unknown rung {item['rung']!r} in a digest item")
    return list(items)


def _require(mapping: Mapping[str, Any], key: str) -> Any:
    """`mapping[key]`, failing the way the templates fail when the key is missing."""
    try:
        return mapping[key]
    except KeyError:
        raise UndefinedError(f"payload has no {key!r}") from None
