"""The PK repository: Perjanjian Kinerja revisions, targets, budget lines, the DPA date.

`SqlPks` implements engine.ports.PkRepository on a session. It reads and writes rows
only: what may be typed as a target, when a PK is due or late, and who signs are
decided in engine (engine.pk, engine/usecases/pk.py and documents.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, delete, select

from db.catalogue import load_indicators
from db.documents import SqlDocuments, SqlReports, document_record, get_pk, not_found
from db.models import Agency, PerjanjianKinerja, PkTarget, PositionRow
from db.workflow_models import AgencyYear, PkBudgetLine
from engine.budget import BudgetLine
from engine.deadlines import pk_due
from engine.pending import PendingDoc
from engine.records import PkLine, PkRecord, Revision, SignedParty, StoredTargets
from engine.usecases.pk import add_pk, add_revision, write_budget, write_target
from engine.workflow import DocKind, State

_TARGET_FIELDS = ("annual", "tw1", "tw2", "tw3", "tw4", "tw4_reason")


def _stored(row: PkTarget | None) -> StoredTargets | None:
    if row is None:
        return None
    return StoredTargets(row.annual, row.tw1, row.tw2, row.tw3, row.tw4, row.tw4_reason)


class SqlPks:
    """engine.ports.PkRepository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def pk(self, pk_id: int) -> PkRecord:
        session = self.session
        pk = get_pk(session, pk_id)
        document = document_record(session, pk)
        targets = {
            t.indicator_id: t for t in session.exec(select(PkTarget).where(PkTarget.pk_id == pk.id))
        }
        indicators = load_indicators(session, year=pk.year, position_ids=[pk.position_id])
        rows = [
            {
                "indicator": i.code,
                "indicator_id": i.id,
                "name": i.name,
                "unit": i.unit,
                "decimals": i.decimals,
                "annual": t.annual if (t := targets.get(i.id)) else None,
                "quarters": [getattr(t, f"tw{q}") for q in range(1, 5)] if t else [None] * 4,
                "tw4_reason": t.tw4_reason if t else None,
                "mode": i.target_mode.value,
                "origin": i.origin.value,
                "origin_note": i.origin_note,
            }
            for i in indicators
        ]
        lines = list(
            session.exec(
                select(PkBudgetLine)
                .where(PkBudgetLine.pk_id == pk.id)
                .order_by(col(PkBudgetLine.ordinal))
            )
        )
        budget = [
            {"program": b.program, "kegiatan": b.kegiatan, "sub_kegiatan": b.sub_kegiatan,
             "anggaran": str(b.anggaran)}
            for b in lines
        ]  # fmt: skip
        position = session.get(PositionRow, pk.position_id)
        assert position is not None
        ratified = session.get(AgencyYear, (position.agency_id, pk.year))
        return PkRecord(
            document=document,
            revision=pk.revision,
            revision_reason=pk.revision_reason,
            targets=rows,
            budget=budget,
            budget_total=sum((b.anggaran for b in lines), Decimal(0)),
            sasaran={i.code: i.kinerja for i in indicators},
            dpa_date=None if ratified is None else ratified.dpa_date,
            approved_at=pk.approved_at,
            first=SignedParty(pk.first_party_name, pk.first_party_nip, pk.first_party_title),
            second=SignedParty(pk.second_party_name, pk.second_party_nip, pk.second_party_title),
        )

    def revisions(self, position_id: int, year: int) -> list[Revision]:
        rows = self.session.exec(
            select(PerjanjianKinerja)
            .where(PerjanjianKinerja.position_id == position_id, PerjanjianKinerja.year == year)
            .order_by(col(PerjanjianKinerja.revision))
        )
        return [
            Revision(r.id, r.revision, r.revision_reason, State(r.state))
            for r in rows
            if r.id is not None
        ]

    def add(
        self,
        position_id: int,
        year: int,
        now: datetime,
        *,
        revision: int = 1,
        reason: str | None = None,
    ) -> int:
        row = PerjanjianKinerja(
            position_id=position_id,
            year=year,
            revision=revision,
            revision_reason=reason,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        return row.id

    def copy_contents(self, source_id: int, target_id: int) -> None:
        session = self.session
        for target in session.exec(select(PkTarget).where(PkTarget.pk_id == source_id)):
            data = target.model_dump(exclude={"id", "pk_id"})
            session.add(PkTarget(pk_id=target_id, **data))
        for line in session.exec(select(PkBudgetLine).where(PkBudgetLine.pk_id == source_id)):
            data = line.model_dump(exclude={"id", "pk_id"})
            session.add(PkBudgetLine(pk_id=target_id, **data))
        session.flush()

    def _target_row(self, pk_id: int, indicator_id: int) -> PkTarget | None:
        return self.session.exec(
            select(PkTarget).where(PkTarget.pk_id == pk_id, PkTarget.indicator_id == indicator_id)
        ).first()

    def targets(self, pk_id: int, indicator_id: int) -> StoredTargets | None:
        return _stored(self._target_row(pk_id, indicator_id))

    def revision_targets(
        self, position_id: int, year: int, revision: int, indicator_id: int
    ) -> StoredTargets | None:
        return _stored(
            self.session.exec(
                select(PkTarget)
                .join(PerjanjianKinerja)
                .where(
                    PerjanjianKinerja.position_id == position_id,
                    PerjanjianKinerja.year == year,
                    PerjanjianKinerja.revision == revision,
                    PkTarget.indicator_id == indicator_id,
                )
            ).first()
        )

    def save_targets(self, pk_id: int, indicator_id: int, targets: StoredTargets) -> None:
        values = {name: getattr(targets, name) for name in _TARGET_FIELDS}
        row = self._target_row(pk_id, indicator_id)
        if row is None:
            row = PkTarget.model_validate({"pk_id": pk_id, "indicator_id": indicator_id, **values})
        else:
            for name, value in values.items():
                setattr(row, name, value)
        self.session.add(row)
        self.session.flush()

    def replace_budget(self, pk_id: int, lines: Sequence[BudgetLine]) -> None:
        self.session.exec(delete(PkBudgetLine).where(col(PkBudgetLine.pk_id) == pk_id))
        for ordinal, line in enumerate(lines, start=1):
            self.session.add(
                PkBudgetLine(
                    pk_id=pk_id,
                    ordinal=ordinal,
                    program=line.program,
                    kegiatan=line.kegiatan,
                    sub_kegiatan=line.sub_kegiatan,
                    anggaran=line.anggaran,
                )
            )
        self.session.flush()

    def agency_id(self, code: str) -> int:
        agency = self.session.exec(select(Agency).where(Agency.code == code)).first()
        if agency is None or agency.id is None:
            raise not_found(f"Perangkat daerah '{code}'")
        return agency.id

    def set_dpa_date(self, agency_id: int, year: int, day: date) -> None:
        row = self.session.get(AgencyYear, (agency_id, year))
        if row is None:
            row = AgencyYear(agency_id=agency_id, year=year, dpa_date=day)
        row.dpa_date = day
        self.session.add(row)
        self.session.flush()

    def of_year(self, year: int, position_ids: Collection[int]) -> list[PkLine]:
        if not position_ids:
            return []
        rows = self.session.exec(
            select(PerjanjianKinerja)
            .where(
                PerjanjianKinerja.year == year,
                col(PerjanjianKinerja.position_id).in_(sorted(position_ids)),
            )
            .order_by(col(PerjanjianKinerja.position_id), col(PerjanjianKinerja.revision))
        )
        return [
            PkLine(
                r.id,
                r.position_id,
                r.revision,
                State(r.state),
                r.approved_at,
                r.first_party_nip,
                r.first_party_name,
            )
            for r in rows
            if r.id is not None
        ]

    def pending_revisions(self, position_ids: Collection[int] | None = None) -> list[PendingDoc]:
        query = select(PerjanjianKinerja).where(
            PerjanjianKinerja.revision > 1, PerjanjianKinerja.state != State.APPROVED.value
        )
        if position_ids is not None:
            query = query.where(col(PerjanjianKinerja.position_id).in_(sorted(position_ids)))
        return [
            PendingDoc(
                DocKind.PK, r.id, r.position_id, r.year, None, State(r.state), r.visit, r.version
            )
            for r in self.session.exec(query.order_by(col(PerjanjianKinerja.id)))
            if r.id is not None
        ]


# --- for callers holding their own session (the catalogue workbook import, the demo's bulk
# generator, test set-ups): the use cases' steps on that session, committed by the caller.


def create_pk(session: Session, position_id: int, year: int, now: datetime) -> PerjanjianKinerja:
    """Start the PK of a position for a year (`engine.usecases.pk.add_pk`)."""
    return get_pk(session, add_pk(SqlPks(session), position_id, year, now))


def revise_pk(session: Session, pk_id: int, reason: str, now: datetime) -> PerjanjianKinerja:
    """The PK Perubahan of an approved PK (`engine.usecases.pk.add_revision`)."""
    revision = add_revision(SqlDocuments(session), SqlPks(session), pk_id, reason, now)
    return get_pk(session, revision.id)


def set_target(
    session: Session,
    pk_id: int,
    indicator_code: str,
    *,
    annual: str,
    quarters: Sequence[str | None],
    tw4_reason: str | None = None,
) -> tuple[StoredTargets, list[str]]:
    """Set an indicator's targets in a draft PK (`engine.usecases.pk.write_target`)."""
    return write_target(
        SqlDocuments(session), SqlPks(session), SqlReports(session), pk_id, indicator_code,
        annual=annual, quarters=quarters, tw4_reason=tw4_reason,
    )  # fmt: skip


def set_budget_lines(session: Session, pk_id: int, lines: Sequence[BudgetLine]) -> Decimal:
    """Replace the budget lines of a draft PK (`engine.usecases.pk.write_budget`)."""
    return write_budget(SqlDocuments(session), SqlPks(session), pk_id, lines)


def set_dpa_date(session: Session, agency_code: str, year: int, dpa_date: date) -> date:
    """Record when the DPA was ratified; the PK deadline (one month later)."""
    pks = SqlPks(session)
    pks.set_dpa_date(pks.agency_id(agency_code), year, dpa_date)
    return pk_due(dpa_date)
