"""engine.usecases.demo against the in-memory unit of work: the demo's public accounts and
the reads its walk through the year asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import NotFoundError
from engine.events import OutboxDraft, OutboxStatus
from engine.ports import AgencyInfo
from engine.usecases.demo import (
    create_demo_accounts,
    demo_year,
    document_parties,
    record_history_sent,
)
from engine.workflow import DocKind
from tests.unit.fakes import (
    KABID,
    KADIS,
    KASI,
    O_KABID,
    OFFICIALS,
    TREE,
    FakeUnitOfWork,
    FakeWorkflow,
)
from tests.unit.fakes_accounts import FakeAccounts, FakePasswords
from tests.unit.fakes_catalogue import FakeCatalogue, FakeOrganisation, FakePk
from tests.unit.fakes_documents import indicator, pk, report
from tests.unit.fakes_reminders import FakeOutboxStore
from tests.unit.fakes_threads import FakeNotifications

NOW = datetime(2021, 1, 4, 1, tzinfo=UTC)


class CountingPasswords(FakePasswords):
    """Readable hashes, every hash counted (argon2 is slow: the demo hashes once)."""

    def __init__(self) -> None:
        super().__init__()
        self.hashed: list[str] = []

    def hash(self, password: str) -> str:
        self.hashed.append(password)
        return super().hash(password)


def accounts_uow() -> tuple[FakeUnitOfWork, FakeAccounts, CountingPasswords]:
    # The officials come out of the repository by name; the accounts go in by id.
    officials = {o.id: o for o in reversed(OFFICIALS)}
    accounts, passwords = FakeAccounts(officials), CountingPasswords()
    return FakeUnitOfWork(accounts=accounts, passwords=passwords), accounts, passwords


def demo_accounts(uow: FakeUnitOfWork) -> int:
    return create_demo_accounts(
        uow, password="demo", admin_login="admin", admin_password="admin", now=NOW
    )


def test_every_official_and_the_admin_get_an_account_with_one_shared_hash() -> None:
    uow, accounts, passwords = accounts_uow()
    assert demo_accounts(uow) == 4
    rows = [
        (c.account.login, c.account.official_id, c.account.is_admin, c.password_hash)
        for c in accounts.rows.values()
    ]
    assert rows == [
        ("budi@dinas.test", 101, False, "v2:demo"),
        ("citra@dinas.test", 102, False, "v2:demo"),
        ("dewi@dinas.test", 103, False, "v2:demo"),
        ("admin", None, True, "v2:admin"),
    ]
    assert passwords.hashed == ["demo", "admin"]  # the public demo password is not checked
    assert uow.commits == 1


def test_seeding_accounts_again_adds_nothing_and_keeps_taken_logins() -> None:
    uow, accounts, passwords = accounts_uow()
    accounts.add("citra@dinas.test", "v2:own")  # a login taken by an account of no official
    assert demo_accounts(uow) == 3
    assert accounts.account_of(O_KABID) is None
    assert demo_accounts(uow) == 0
    assert len(accounts.rows) == 4
    assert passwords.hashed == ["demo", "admin"]
    assert uow.commits == 2


def test_the_year_lists_its_indicators_positions_and_agencies() -> None:
    second = AgencyInfo(2, "badan", "Badan Contoh", "Badan")
    first = AgencyInfo(1, "dinas", "Dinas Contoh", "Dinas")
    indicators = [indicator(21, KABID), indicator(11), indicator(12)]
    catalogue = FakeCatalogue(indicators=indicators, pks={5: FakePk(KASI, 2022)})
    uow = FakeUnitOfWork(
        organisation=FakeOrganisation(agencies=[second, first]), catalogue=catalogue
    )
    found = demo_year(uow, 2021)
    assert not found.has_pks
    assert [i.code for i in found.indicators] == ["ind-21", "ind-11", "ind-12"]
    assert sorted(found.positions) == [KADIS, KABID, KASI]
    assert found.positions[KASI].code == "kasi"
    assert found.agencies == [first, second]
    assert demo_year(uow, 2022).has_pks
    assert uow.commits == 0


def test_the_parties_of_a_document_are_read_with_its_organisation() -> None:
    uow = FakeUnitOfWork(workflow=FakeWorkflow(TREE, report(7), pk(8, KADIS)))
    found = document_parties(uow, DocKind.REPORT, 7)
    assert (found.view.id, found.tree) == (7, TREE)
    who = found.parties
    assert (who.holder, who.verifier, who.approver) == tuple(
        map(TREE.position, (KASI, KABID, KADIS))
    )
    assert not who.one_step
    head = document_parties(uow, DocKind.PK, 8).parties
    assert (head.holder.id, head.verifier, head.approver, head.one_step) == (
        KADIS,
        None,
        None,
        True,
    )
    with pytest.raises(NotFoundError):
        document_parties(uow, DocKind.PK, 99)


def test_the_walks_mail_is_recorded_as_sent_at_its_own_moments() -> None:
    """What the demo's walk wrote up to now belongs to the past: sent when it was written,
    never delivered now; what is due later stays pending."""
    store = FakeOutboxStore()
    moments = [NOW + timedelta(days=n) for n in (0, 30, 60, 90)]
    store.add(
        [
            OutboxDraft(f"k{i}", "workflow.approved", 100 + i, f"p{i}@dinas.test", f"P {i}", {}, at)
            for i, at in enumerate(moments)
        ]
    )
    notifications = FakeNotifications()
    uow = FakeUnitOfWork(outbox=store, notifications=notifications)
    assert record_history_sent(uow, now=moments[2]) == 3
    assert uow.commits == 1
    assert notifications.marks == {100: moments[2], 101: moments[2], 102: moments[2]}
    rows = sorted(store.rows.values(), key=lambda e: e.id)
    assert [(e.status, e.sent_at) for e in rows] == [
        (OutboxStatus.SENT, moments[0]),
        (OutboxStatus.SENT, moments[1]),
        (OutboxStatus.SENT, moments[2]),
        (OutboxStatus.PENDING, None),
    ]
    assert {e.lease_until for e in rows} == {None}
    assert record_history_sent(uow, now=moments[2]) == 0  # nothing twice
