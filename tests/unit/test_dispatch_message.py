"""The email as built for dispatch: what the standard `email` path builds, nothing else.

`build_email` (notifications/message.py) uses `EmailMessage` under `email.policy.default`.
Each test holds it against the reference, the message written out by hand with the public
API from the same input, flattened the way aiosmtplib flattens for SMTP (8-bit and 7-bit
servers), and checks what a reader of the message sees: headers, parts, decoded bodies.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime

import pytest
from aiosmtplib.email import flatten_message

from engine.clock import JAKARTA
from notifications.message import BOUNDARY, build_email, message_id_for

SENDER = "Kinerja Kabupaten Gresik <kinerja@gresikkab.go.id>"
WHEN = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
TEXT = "Yth. penerima,\nCapaian “baik”: 97,5 % — luas 12 km².\n" + "panjang " * 30 + "\n"
HTML = "<p>Capaian kinerja “baik”: <b>97,5 %</b> — café é.</p>"


def reference(**fields: str) -> EmailMessage:
    """The message the standard library's default policy builds from these fields."""
    message = EmailMessage()
    message["From"] = fields["sender"]
    message["To"] = Address(
        display_name=fields["recipient_name"], addr_spec=fields["recipient_email"]
    )
    message["Subject"] = fields["subject"]
    message["Date"] = format_datetime(WHEN.astimezone(JAKARTA))
    message["Message-ID"] = message_id_for(fields["dedupe_key"], fields["sender"])
    message.set_content(fields["text"], subtype="plain", charset="utf-8", cte="quoted-printable")
    message.make_alternative(boundary=BOUNDARY)
    message.add_alternative(fields["html"], subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def fields(**changes: str) -> dict[str, str]:
    base = {
        "sender": SENDER,
        "recipient_name": "Drs. Ahmad Suyono",
        "recipient_email": "ahmad@gresikkab.go.id",
        "subject": "Ringkasan Kinerja: 3 pekerjaan menunggu Anda (1 terlambat)",
        "text": TEXT,
        "html": HTML,
        "dedupe_key": "digest:7:2021-04-01",
    }
    return base | changes


def build(**values: str) -> EmailMessage:
    return build_email(date=WHEN, **values)


CASES = {
    "ascii": fields(),
    "name with specials": fields(recipient_name="Pegawai 1, S.E."),
    "name outside ascii": fields(recipient_name="Ni Luh Putu Wédarini, S.E."),
    "name with quotes": fields(recipient_name='Siti "Nur" \\ Aini'),
    "subject outside ascii": fields(subject="Pengingat: Laporan Realisasi TW I — jatuh tempo"),
    "long subject": fields(subject="Menunggu verifikasi Anda: " + "Laporan Realisasi " * 6),
    "subject like an encoded word": fields(subject="Harga =?utf-8?q?murah?= sekali"),
    "subject with a tab": fields(subject="Kolom\tdua"),
    "empty subject": fields(subject=""),
    "no display name": fields(recipient_name=""),
    "sender outside ascii": fields(sender="Dinas Kominfo – Gresik <kinerja@gresikkab.go.id>"),
}


def sections(raw: bytes) -> list[tuple[bytes, str]]:
    """The message as sent, cut into (header block as bytes, decoded body) per MIME entity."""
    parsed = message_from_bytes(raw, policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    blocks = [block.split(b"\r\n\r\n", 1)[0] for block in raw.split(b"--" + BOUNDARY.encode())]
    bodies = [""] + [str(part.get_content()) for part in parsed.iter_parts()]
    return list(zip(blocks[:-1], bodies, strict=True))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("cte_type", ["8bit", "7bit"])
def test_what_is_sent_is_what_the_standard_path_sends(case: dict[str, str], cte_type: str) -> None:
    """Byte for byte what the default policy sends: every header, every part, both bodies."""
    message = build(**case)
    assert message.policy is default_policy
    ours = flatten_message(message, cte_type=cte_type)
    standard = flatten_message(reference(**case), cte_type=cte_type)
    assert ours == standard
    assert sections(ours) == sections(standard)
    bodies = [body.replace("\r\n", "\n") for _, body in sections(ours)[1:]]
    assert bodies == [case["text"], case["html"] + "\n"]
    assert len(sections(ours)) == 3  # the headers, then the text and the HTML alternatives
    assert ours.isascii()
    assert max(len(line) for line in ours.split(b"\r\n")) <= 78


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_headers_read_back_as_rich_header_objects(case: dict[str, str]) -> None:
    message, standard = build(**case), reference(**case)
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == (case["recipient_name"], case["recipient_email"])
    assert message["Subject"] == standard["Subject"]  # "=?...?=" decodes, in both
    assert type(message["Subject"]) is not str
    assert message["Date"].datetime == WHEN
    assert message["Message-ID"] == message_id_for(case["dedupe_key"], case["sender"])
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_boundary() == BOUNDARY


def test_a_body_that_quotes_the_boundary_cannot_break_the_message() -> None:
    """Quoted-printable writes every "=" as "=3D", so the fixed boundary never occurs in a part."""
    hostile = f"--{BOUNDARY}\n--{BOUNDARY}--\n==\n"
    raw = flatten_message(build(**fields(text=hostile, html=hostile)))
    parsed = message_from_bytes(raw, policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    text, html = (parsed.get_body((kind,)) for kind in ("plain", "html"))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    assert text.get_content().replace("\r\n", "\n") == hostile
    assert html.get_content().replace("\r\n", "\n") == hostile


@pytest.mark.parametrize(
    "changes",
    [{"subject": "dua\nbaris"}, {"recipient_email": "bukan alamat"}, {"recipient_email": "a@"}],
    ids=["newline in subject", "space in address", "no domain"],
)
def test_what_the_standard_path_refuses_is_refused(changes: dict[str, str]) -> None:
    with pytest.raises((ValueError, IndexError)) as standard:  # "a@": IndexError, stdlib's
        reference(**fields(**changes))
    with pytest.raises(type(standard.value)):  # the dispatcher dead-letters such a row
        build(**fields(**changes))


def test_messages_differ_only_where_their_rows_do() -> None:
    """One message's values never leak into another's (the boundary is shared)."""
    first = build(**fields(recipient_name="Budi", recipient_email="budi@gresikkab.go.id"))
    second = build(**fields(recipient_name="Wati", recipient_email="wati@gresikkab.go.id"))
    assert str(first["To"]) == "Budi <budi@gresikkab.go.id>"
    assert str(second["To"]) == "Wati <wati@gresikkab.go.id>"
    assert flatten_message(first).replace(b"Budi <budi", b"Wati <wati") == flatten_message(second)
