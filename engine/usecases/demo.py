"""What the demo (kinerja/demo/) needs beyond what people do: its public accounts, and the
reads behind walking a year through the workflow as its officials would.

Everything else the demo writes goes through the use cases a person's actions call
(organisation and catalogue import, holidays, PK editing, reports, `take_action`); these
are only what no person does: accounts whose passwords are public on purpose, and the
questions a script must ask that a person knows the answer to (which indicators there
are to fill, who holds which role on a document).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.events import OutboxStatus
from engine.gate import Parties, parties
from engine.indicators import Indicator
from engine.org import Official, OrgTree, Position
from engine.outbox import OutboxChange
from engine.ports import AgencyInfo, UnitOfWork
from engine.workflow import DocKind, DocumentView

__all__ = [
    "DemoYear",
    "DocumentParties",
    "create_demo_accounts",
    "demo_year",
    "document_parties",
    "record_history_sent",
]

HISTORY_BATCH = 500


@dataclass(frozen=True)
class DemoYear:
    """What a year holds before the demo fills it."""

    year: int
    has_pks: bool
    """Whether any position already has a PK of the year (the demo then leaves it alone)."""
    indicators: list[Indicator]
    """Every indicator of the year, in catalogue order (the demo's numbers are drawn in it)."""
    positions: dict[int, Position]
    """Every position, by id."""
    agencies: list[AgencyInfo]
    """Every agency, by id."""


@dataclass(frozen=True)
class DocumentParties:
    """A document, the part of the organisation it is decided on, and who acts on it."""

    view: DocumentView
    tree: OrgTree
    parties: Parties


def create_demo_accounts(
    uow: UnitOfWork, *, password: str, admin_login: str, admin_password: str, now: datetime
) -> int:
    """An account (login: the email) with the shared `password` for every official without
    one, then the administrator `admin_login` unless it exists, and commit; how many were new.

    The demo's credentials are public (its sign-in page lists them), so the rules for a
    new password (engine.accounts.check_new_password) are not asked. One hash serves every
    official: argon2 is slow by design. Accounts are added in the officials' id order.
    """
    accounts = uow.accounts
    free, admin_missing = _missing_accounts(uow, admin_login)
    # The hashes before the write transaction, and only those needed.
    shared = uow.passwords.hash(password) if free else ""
    admin_hash = uow.passwords.hash(admin_password) if admin_missing else ""
    added = 0
    with uow.writing():
        free, admin_missing = _missing_accounts(uow, admin_login)
        for official in free:
            accounts.add_account(
                login=official.email,
                password_hash=shared or uow.passwords.hash(password),
                official_id=official.id,
                is_admin=False,
                now=now,
            )
            added += 1
        if admin_missing:
            accounts.add_account(
                login=admin_login,
                password_hash=admin_hash or uow.passwords.hash(admin_password),
                official_id=None,
                is_admin=True,
                now=now,
            )
            added += 1
        uow.commit()
    return added


def _missing_accounts(uow: UnitOfWork, admin_login: str) -> tuple[list[Official], bool]:
    """The officials without an account whose email is a free login (in id order), and
    whether the administrator's login is free."""
    accounts = uow.accounts
    taken = {info.login.lower() for info, _official in accounts.accounts()}
    free: list[Official] = []
    for official in sorted(accounts.officials_without_account(), key=lambda o: o.id):
        if official.email.lower() not in taken:
            taken.add(official.email.lower())
            free.append(official)
    return free, admin_login.lower() not in taken


def demo_year(uow: UnitOfWork, year: int) -> DemoYear:
    """The year's indicators of every position, the positions and agencies, and whether PKs
    of the year exist."""
    tree = uow.organisation.tree()
    positions = {position.id: position for position in tree.positions}
    return DemoYear(
        year=year,
        has_pks=bool(uow.catalogue.latest_pks(year)),
        indicators=uow.catalogue.indicators(year=year, position_ids=list(positions)),
        positions=positions,
        agencies=sorted(uow.organisation.agencies(), key=lambda agency: agency.id),
    )


def document_parties(uow: UnitOfWork, kind: DocKind, doc_id: int) -> DocumentParties:
    """A document with the part of the organisation the gate decides it on (read together,
    as `take_action` reads them) and its holder, verifier and approver positions;
    NotFoundError when there is no such document."""
    repo = uow.workflow
    view = repo.document(kind, doc_id, completeness=False, with_org=True)
    tree = repo.org_tree_for(view.position_id)
    return DocumentParties(view, tree, parties(tree, view.position_id))


def record_history_sent(uow: UnitOfWork, *, now: datetime) -> int:
    """Record every message due by `now` as sent when it was written, and commit; how many.

    The demo walks a year up to today, and its workflow wrote the emails of every step on
    the way: they belong to the past (their people read them then), so they are recorded
    as sent at their own moments instead of all arriving in the mailbox at once, and as
    read in the app (the notification bell of each recipient starts at zero).
    """
    recorded = 0
    readers: set[int] = set()
    with uow.writing():
        while batch := uow.outbox.claim(now=now, limit=HISTORY_BATCH, lease_until=now):
            done = 0
            for entry in batch:
                change = OutboxChange(
                    status=OutboxStatus.SENT, sent_at=entry.created_at, own_lease=False
                )
                done += uow.outbox.record(entry, change)
                if entry.recipient_official_id is not None:
                    readers.add(entry.recipient_official_id)
            recorded += done
            if done < len(batch):
                break  # a message another writer holds: never claimed again in a loop
        for official_id in sorted(readers):  # read then, too: the bell starts at zero
            uow.notifications.mark_read(official_id, now)
        uow.commit()
    return recorded
