"""Wiring of the workflow use case for the CLI and the web: one transaction per action."""

from __future__ import annotations

from sqlmodel import Session, select

from db.actions import parse_action, take_action
from db.models import Account, OfficialRow
from engine.errors import NotFoundError
from engine.nip import normalise_nip
from engine.services import ActionResult
from engine.workflow import Actor, parse_ref
from kinerja.bootstrap import Container


def resolve_actor(session: Session, who: str) -> Actor:
    """An actor from a NIP (grouped or not) or an account login; admin rights from the account."""
    text = who.strip()
    official: OfficialRow | None = None
    account = session.exec(select(Account).where(Account.login == text.lower())).first()
    if account is not None and account.official_id is not None:
        official = session.get(OfficialRow, account.official_id)
    elif account is None:
        digits = "".join(text.split())
        if digits.isdigit():
            official = session.exec(
                select(OfficialRow).where(OfficialRow.nip == normalise_nip(digits))
            ).first()
            if official is not None:
                account = session.exec(
                    select(Account).where(Account.official_id == official.id)
                ).first()
        if official is None:
            raise NotFoundError(
                f"Pegawai atau akun '{who}' tidak ditemukan", log_message=f"unknown actor {who!r}"
            )
    is_admin = bool(account and account.is_admin)
    if official is None:
        return Actor(None, "Administrator" if is_admin else text, None, is_admin)
    return Actor(official.id, official.name, official.nip, is_admin)


def act(
    container: Container,
    ref: str,
    action: str,
    who: str,
    *,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ActionResult:
    """Take a workflow action on PK-n / LAP-n as `who`, committed or not at all."""
    kind, doc_id = parse_ref(ref)
    chosen = parse_action(action)
    with Session(container.engine) as session:
        actor = resolve_actor(session, who)
    return take_action(
        container.engine,
        kind,
        doc_id,
        chosen,
        actor,
        now=container.clock.now(),
        zone=container.zone,
        rules=container.acting_rules,
        comment=comment,
        expected_version=expected_version,
    )
