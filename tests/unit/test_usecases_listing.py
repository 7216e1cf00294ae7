"""engine.usecases.listing against the in-memory unit of work: who sees which documents."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.policy import Policy
from engine.records import DocumentFilter
from engine.usecases.listing import list_documents, list_visible_documents, visible_positions
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import KABID, KADIS, KASI, O_KABID, O_KASI
from tests.unit.fakes_documents import DocumentsUnitOfWork, pk, report, tables
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
ADMIN = Actor(None, "Administrator", None, is_admin=True)


def test_an_official_sees_the_positions_they_hold_and_those_below() -> None:
    uow = DocumentsUnitOfWork(tables())
    assert visible_positions(uow, KASI_ACTOR, now=NOW, policy=POLICY) == {KASI}
    assert visible_positions(uow, KABID_ACTOR, now=NOW, policy=POLICY) == {KABID, KASI}
    assert visible_positions(uow, ADMIN, now=NOW, policy=POLICY) is None


def test_a_page_holds_only_visible_documents_and_counts_them_all() -> None:
    uow = DocumentsUnitOfWork(tables(report(1, KADIS), report(2, KASI), report(3, KASI, quarter=2)))
    page = list_visible_documents(
        uow, DocKind.REPORT, KASI_ACTOR, DocumentFilter(), offset=0, limit=1, now=NOW,
        policy=POLICY,
    )  # fmt: skip
    assert ([i["ref"] for i in page.items], page.total) == (["LAP-2"], 2)
    everything = list_visible_documents(
        uow, DocKind.REPORT, ADMIN, DocumentFilter(quarter=1), offset=0, limit=10, now=NOW,
        policy=POLICY,
    )  # fmt: skip
    assert everything.total == 2


def test_the_console_lists_every_document_matching_the_filter() -> None:
    uow = DocumentsUnitOfWork(tables(pk(1, KASI, State.APPROVED), pk(2, KABID)))
    found = list_documents(uow, DocKind.PK, DocumentFilter(state="approved"))
    assert found == [{"ref": "PK-1", "state": "approved"}]
    assert list_documents(uow, DocKind.PK, DocumentFilter(state="bukan-status")) == []
