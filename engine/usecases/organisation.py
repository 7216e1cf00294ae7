"""The organisation: import an organisation file, show who holds which position.

An import is checked whole before anything is written. The file's own problems and
those only the database can tell (an assignment naming an official stored earlier, a
second definitif holder overlapping one already stored, another regency) are reported
together: the parser the adapter hands in (`OrgParser`, from documents.yaml.org) gets
the database's facts, read here in the same transaction. Only a clean file is written,
with one commit; a second import of the same file changes nothing. An import run by a
person (`actor`) is recorded in the admin log with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.clock import local_date
from engine.errors import Problem
from engine.imports import ImportReport
from engine.org import OrgTree
from engine.orgspec import OrgFileError, OrgParser
from engine.policy import Policy
from engine.ports import AgencyInfo, RegencyInfo, UnitOfWork, writes
from engine.usecases.audit import record_import

__all__ = ["OrgOverview", "import_organisation", "list_agencies", "show_organisation"]


@dataclass(frozen=True)
class OrgOverview:
    """The organisation with its holders as of `day`."""

    day: date
    regency: RegencyInfo | None
    agencies: tuple[AgencyInfo, ...]
    tree: OrgTree


@writes
def import_organisation(
    uow: UnitOfWork,
    parse: OrgParser,
    *,
    source: str,
    actor: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Check the file against the database, then write it and commit; OrgFileError otherwise.

    One installation serves one regency: a file of another regency is refused.
    """
    repo = uow.organisation
    document = parse(repo.facts())
    other = [code for code in repo.regency_codes() if code != document.regency.code]
    if other:
        raise OrgFileError(
            source,
            [
                Problem(
                    None,
                    "regency.code",
                    f"instalasi ini melayani '{other[0]}'; "
                    "satu instalasi hanya untuk satu pemerintah daerah",
                )
            ],
        )
    report = repo.write(document)
    subject = f"Organisasi {document.agency.code} ({document.regency.code}) dari {source}"
    record_import(uow, actor, "organisation.import", subject, report, now=now)
    uow.commit()
    return report


def show_organisation(
    uow: UnitOfWork, on: date | None = None, *, now: datetime, policy: Policy
) -> OrgOverview:
    """The organisation and who holds what on `on` (default: today in the regency)."""
    day = on if on is not None else local_date(now, policy.zone)
    found = uow.organisation.organisation()
    return OrgOverview(day, found.regency, found.agencies, found.tree)


def list_agencies(uow: UnitOfWork) -> list[AgencyInfo]:
    """Every agency, by code (to choose the one a workbook is for)."""
    return uow.organisation.agencies()
