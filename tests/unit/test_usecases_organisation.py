"""engine.usecases.organisation against the in-memory unit of work: import, show, agencies."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.errors import Problem
from engine.org import Level
from engine.orgspec import (
    AgencySpec,
    OrgDocument,
    OrgFacts,
    OrgFileError,
    PositionSpec,
    RegencySpec,
)
from engine.policy import Policy
from engine.usecases.organisation import import_organisation, list_agencies, show_organisation
from tests.unit.fakes import TREE, FakeUnitOfWork
from tests.unit.fakes_catalogue import AGENCY, FakeOrganisation
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
DOCUMENT = OrgDocument(
    RegencySpec("gresik", "Pemkab Gresik", "Bupati Gresik"),
    AgencySpec("dinas", "Dinas Contoh", "Dinas", "Gresik"),
    [PositionSpec("kadis", "Kepala Dinas", "Dinas", Level.JPT_PRATAMA, None)],
)
FACTS = OrgFacts(frozenset({"197001011995011001"}))


def test_the_file_is_parsed_against_the_stored_facts_then_written_with_one_commit() -> None:
    seen: list[OrgFacts] = []

    def parse(facts: OrgFacts) -> OrgDocument:
        seen.append(facts)
        return DOCUMENT

    organisation = FakeOrganisation(regencies=["gresik"], facts=FACTS)
    uow = FakeUnitOfWork(organisation=organisation)
    report = import_organisation(uow, parse, source="org.yaml")
    assert seen == [FACTS]
    assert organisation.written == [DOCUMENT]
    assert report.created == {"jabatan": 1}
    assert uow.commits == 1


def test_a_file_of_another_regency_is_refused_and_nothing_is_written() -> None:
    organisation = FakeOrganisation(regencies=["lamongan"])
    uow = FakeUnitOfWork(organisation=organisation)
    with pytest.raises(OrgFileError) as caught:
        import_organisation(uow, lambda facts: DOCUMENT, source="org.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "berkas: regency.code: instalasi ini melayani 'lamongan'; "
        "satu instalasi hanya untuk satu pemerintah daerah"
    ]
    assert caught.value.message.startswith("org.yaml: 1 masalah ditemukan")
    assert organisation.written == [] and uow.commits == 0


def test_a_file_with_problems_writes_nothing() -> None:
    def parse(facts: OrgFacts) -> OrgDocument:
        raise OrgFileError("org.yaml", [Problem(3, "positions", "bagian wajib tidak ada")])

    organisation = FakeOrganisation()
    uow = FakeUnitOfWork(organisation=organisation)
    with pytest.raises(OrgFileError, match="baris 3: positions"):
        import_organisation(uow, parse, source="org.yaml")
    assert organisation.written == [] and uow.commits == 0


def test_show_uses_today_in_the_regency_unless_a_day_is_given() -> None:
    uow = FakeUnitOfWork(organisation=FakeOrganisation(regencies=["gresik"]))
    late_evening = datetime(2021, 3, 31, 18, 0, tzinfo=UTC)  # 1 April 01.00 WIB
    overview = show_organisation(uow, now=late_evening, policy=POLICY)
    assert overview.day == date(2021, 4, 1)
    assert overview.tree is TREE
    assert overview.agencies == (AGENCY,)
    assert overview.regency is not None and overview.regency.code == "gresik"
    chosen = show_organisation(uow, date(2020, 6, 1), now=late_evening, policy=POLICY)
    assert chosen.day == date(2020, 6, 1)
    assert uow.commits == 0


def test_agencies_are_listed_by_code() -> None:
    other = AGENCY.__class__(2, "bappeda", "Bappeda", "Bappeda")
    uow = FakeUnitOfWork(organisation=FakeOrganisation(agencies=[AGENCY, other]))
    assert [a.code for a in list_agencies(uow)] == ["bappeda", "dinas"]
