"""The account-link pages over the real app and a copy of the demo database: "lupa kata
sandi" answers the same for a known and an unknown login, a link sets a password once and a
dead link says why (410), refused forms write nothing, and the admin's resend and unlock
buttons refuse what they cannot do without a 500."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.accounts import AccountLinkRow
from db.signin import Account, LoginThrottle
from db.workflow_models import OutboxMessage
from engine.clock import FixedClock
from engine.outbox import SendStatus, delivery_change
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient, csrf_of

KASI = "rudi.hartono@diskoperindag-gresik.test"


def resets(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "account.reset")
        return list(session.exec(query.order_by(col(OutboxMessage.id))))


def ask(web: WebClient, login: str) -> tuple[int, str]:
    form = web.get("/masuk/lupa-sandi")
    sent = web.post("/masuk/lupa-sandi", data={"login": login, "csrf_token": csrf_of(form.text)})
    return sent.status_code, sent.text


def test_the_same_answer_and_one_link_for_a_known_account(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    engine = web_container.engine
    unknown = ask(web, "tidak.ada@diskoperindag-gresik.test")
    known = ask(web, KASI)
    assert unknown == known
    assert unknown[0] == 200 and "Bila akun terdaftar" in unknown[1]
    (message,) = resets(engine)
    assert message.recipient_email == KASI and message.payload["minutes"] == 60
    secret = message.payload["secret"]
    with Session(engine) as session:
        stored = session.exec(select(AccountLinkRow)).one()
        assert secret not in stored.secret_hash and len(stored.secret_hash) == 64

    # A form without its CSRF token, or with two different passwords, writes nothing.
    path = f"/masuk/sandi/{secret}"
    refused = web.post(path, data={"password": "Sandi-baru-123", "repeat": "Sandi-baru-123"})
    assert refused.status_code == 403
    page = web.get(path)
    differs = web.post(
        path,
        data={
            "password": "Sandi-baru-123",
            "repeat": "Sandi-lain-123",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert differs.status_code == 422 and "tidak sama" in differs.text
    assert web.get(path).status_code == 200  # still live

    sent = web.post(
        path,
        data={
            "password": "Sandi-baru-123",
            "repeat": "Sandi-baru-123",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert (sent.status_code, sent.headers["location"]) == (303, "/masuk?sandi=baru")
    web.login(KASI, "Sandi-baru-123")
    assert web.get("/tugas").status_code == 200
    used = web.get(path)
    assert used.status_code == 410 and "sudah dipakai" in used.text

    # A second request within five minutes sends nothing; later a new link, which expires.
    web.logout()
    ask(web, KASI)
    assert len(resets(engine)) == 1
    clock.advance(timedelta(minutes=6))
    ask(web, KASI)
    assert len(resets(engine)) == 2
    later = resets(engine)[-1].payload["secret"]
    clock.advance(timedelta(minutes=61))
    expired = web.get(f"/masuk/sandi/{later}")
    assert expired.status_code == 410 and "kedaluwarsa" in expired.text
    assert "/masuk/lupa-sandi" in expired.text
    unknown_link = web.get("/masuk/sandi/bukan-tautan")
    assert unknown_link.status_code == 410 and "tidak dikenal" in unknown_link.text


def test_the_admin_resend_and_unlock_refuse_cleanly(
    web: WebClient, web_container: Container
) -> None:
    engine = web_container.engine
    for _ in range(5):
        web.post(
            "/masuk",
            data={
                "login": KASI,
                "password": "salah",
                "csrf_token": csrf_of(web.get("/masuk").text),
            },
        )
    web.login("admin", "admin")
    listing = web.get("/admin/akun").text
    assert "1 akun terkunci" in listing
    with Session(engine) as session:
        account = session.exec(select(Account).where(Account.login == KASI)).one()
    match = re.search(rf'action="/admin/akun/{account.id}/buka-kunci"', listing)
    assert match is not None
    # Without the CSRF token nothing happens; with it the lock is gone and logged.
    assert web.post(f"/admin/akun/{account.id}/buka-kunci").status_code == 403
    done = web.submit(f"/admin/akun/{account.id}/buka-kunci", {}, page="/admin/akun")
    assert done.headers["location"] == "/admin/akun?ok=akun-dibuka"
    with Session(engine) as session:
        assert session.get(LoginThrottle, f"akun:{account.id}") is None
    # An account with a password gets no invitation: a message, no email, no 500.
    refused = web.submit(f"/admin/akun/{account.id}/undang", {}, page="/admin/akun")
    assert refused.status_code == 422 and "sudah memiliki kata sandi" in refused.text
    with Session(engine) as session:
        assert not session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "account.invite")
        ).all()


def test_once_the_email_left_the_outbox_no_longer_holds_the_live_link(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    """The link table keeps only the secret's hash; the outbox row held the secret itself
    until it was sent. Recording the message as sent blanks it (engine.outbox.sent_payload),
    through the same path the dispatcher takes."""
    assert ask(web, KASI)[0] == 200
    (message,) = resets(web_container.engine)
    assert message.payload["secret"]
    now = clock.now()
    with web_container.uow() as uow, uow.writing():
        claimed = uow.outbox.claim(now=now, limit=1000, lease_until=now + timedelta(minutes=1))
        (entry,) = [e for e in claimed if e.kind == "account.reset"]
        uow.outbox.release([e for e in claimed if e is not entry])
        change, _ = delivery_change(
            entry, SendStatus.SENT, code=250, answer="OK", now=now, max_attempts=5
        )
        assert uow.outbox.record(entry, change)
        uow.commit()
    (sent,) = resets(web_container.engine)
    assert sent.status == "sent" and sent.payload["secret"] == ""
    assert {k: v for k, v in sent.payload.items() if k != "secret"} == {
        k: v for k, v in message.payload.items() if k != "secret"
    }
    path = f"/masuk/sandi/{message.payload['secret']}"
    assert web.get(path).status_code == 200  # the link itself still works, once
