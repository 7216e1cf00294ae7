"""Organisation and catalogue files into and out of a database, given only its engine.

The integration tests load data this way: each function reads the file (an
admin's file, with errors they can act on), hands its parser or reader to the use
case and runs the use case in a unit of work of its own, which commits once. The CLI
and the web do the same with their container's or request's unit of work.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from db.uow import SqlUnitOfWorkFactory
from documents.files import read_text
from documents.xlsx.catalogue_export import catalogue_workbook
from documents.xlsx.catalogue_import import open_workbook
from documents.yaml.catalogue import catalogue_parser
from documents.yaml.org import org_parser
from engine.imports import ImportReport
from engine.usecases.catalogue import catalogue_template, export_catalogue, import_catalogue
from engine.usecases.catalogue_workbook import import_catalogue_workbook
from engine.usecases.organisation import import_organisation

__all__ = [
    "export_workbook",
    "import_catalog_file",
    "import_catalog_text",
    "import_org_file",
    "import_org_text",
    "import_workbook",
    "template_workbook",
]


def import_org_text(engine: Engine, text: str, source: str) -> ImportReport:
    """Import an organisation file's text (checked whole; nothing written on a problem)."""
    with SqlUnitOfWorkFactory(engine)(write=True) as uow:
        return import_organisation(uow, org_parser(text, source), source=source)


def import_org_file(engine: Engine, path: Path) -> ImportReport:
    """Import the organisation file at `path`."""
    return import_org_text(engine, read_text(path), str(path))


def import_catalog_text(engine: Engine, text: str, source: str) -> ImportReport:
    """Import a catalogue file's text (checked whole; nothing written on a problem)."""
    with SqlUnitOfWorkFactory(engine)(write=True) as uow:
        return import_catalogue(uow, catalogue_parser(text, source))


def import_catalog_file(engine: Engine, path: Path) -> ImportReport:
    """Import the catalogue file at `path`."""
    return import_catalog_text(engine, read_text(path), str(path))


def import_workbook(engine: Engine, data: bytes, source: str, now: datetime) -> ImportReport:
    """Import a catalogue workbook with its PK targets and budget lines: all or nothing."""
    workbook = open_workbook(data, source)
    with SqlUnitOfWorkFactory(engine)(write=True) as uow:
        return import_catalogue_workbook(uow, workbook, now=now)


def template_workbook(engine: Engine, agency: str | None, year: int) -> bytes:
    """The empty workbook for `agency` (default: the only one) and `year`."""
    with SqlUnitOfWorkFactory(engine)() as uow:
        return catalogue_workbook(catalogue_template(uow, agency, year))


def export_workbook(engine: Engine, agency: str | None, year: int) -> bytes:
    """The catalogue of `year` with its PK targets and budget lines."""
    with SqlUnitOfWorkFactory(engine)() as uow:
        return catalogue_workbook(export_catalogue(uow, agency, year))
