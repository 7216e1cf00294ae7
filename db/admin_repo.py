"""The administrator's rows: officials, assignments, position titles, and the overview's
counts (`engine.ports.AdminRepository`).

Storage only: the checks (a valid NIP, an unused email, one definitif holder at a time)
are engine.usecases.people's and engine.usecases.assignments'. The database's unique
index on an open definitif window is the last guard: its refusal is answered as None or
False, for the use case to roll back and explain.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.models import Account, AssignmentRow, OfficialRow, PositionRow
from db.organisation import to_official, to_position
from db.workflow_models import Holiday, OutboxMessage
from engine.events import OutboxStatus
from engine.org import AssignmentStatus, Official, Position
from engine.staff import AdminCounts, AssignmentLine, AssignmentRecord


def to_record(row: AssignmentRow) -> AssignmentRecord:
    """Map a row to the administrator's assignment."""
    assert row.id is not None
    return AssignmentRecord(
        row.id,
        row.official_id,
        row.position_id,
        AssignmentStatus(row.status),
        row.valid_from,
        row.valid_to,
        row.decree,
    )


class SqlAdmin:
    """Officials, assignments and position titles on the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self, today: date) -> AdminCounts:
        """The overview's counts as of `today`."""

        def count(model: Any, *where: Any) -> int:
            query = select(func.count()).select_from(model).where(*where)
            return int(self.session.exec(query).one())

        def outbox(status: OutboxStatus) -> int:
            return count(OutboxMessage, col(OutboxMessage.status) == status.value)

        return AdminCounts(
            officials=count(OfficialRow),
            positions=count(PositionRow),
            assignments=count(
                AssignmentRow,
                col(AssignmentRow.valid_from) <= today,
                (col(AssignmentRow.valid_to).is_(None)) | (col(AssignmentRow.valid_to) >= today),
            ),
            accounts=count(Account, col(Account.active).is_(True)),
            holidays=count(
                Holiday,
                col(Holiday.day) >= date(today.year, 1, 1),
                col(Holiday.day) <= date(today.year, 12, 31),
                col(Holiday.active).is_(True),
            ),
            pending=outbox(OutboxStatus.PENDING),
            dead=outbox(OutboxStatus.DEAD),
        )

    # --- officials ----------------------------------------------------------------------

    def officials(self) -> list[Official]:
        """Every official, by name."""
        rows = self.session.exec(select(OfficialRow).order_by(col(OfficialRow.name)))
        return [to_official(row) for row in rows]

    def official(self, official_id: int) -> Official | None:
        """The official with this id."""
        row = self.session.get(OfficialRow, official_id)
        return None if row is None else to_official(row)

    def official_with_nip(self, nip: str) -> Official | None:
        """The official with this NIP."""
        row = self.session.exec(select(OfficialRow).where(OfficialRow.nip == nip)).first()
        return None if row is None else to_official(row)

    def official_with_email(self, email: str) -> Official | None:
        """An official with this email, in lower case."""
        query = select(OfficialRow).where(func.lower(OfficialRow.email) == email.lower())
        row = self.session.exec(query).first()
        return None if row is None else to_official(row)

    def add_official(self, *, nip: str, name: str, email: str) -> Official:
        """Store a new official."""
        row = OfficialRow(nip=nip, name=name, email=email)
        self.session.add(row)
        self.session.flush()
        return to_official(row)

    def update_official(self, official: Official) -> None:
        """Store an official's name and email."""
        row = self.session.get(OfficialRow, official.id)
        assert row is not None
        row.name, row.email = official.name, official.email
        self.session.add(row)
        self.session.flush()

    # --- positions ----------------------------------------------------------------------

    def position(self, position_id: int) -> Position | None:
        """The position with this id."""
        row = self.session.get(PositionRow, position_id)
        return None if row is None else to_position(row)

    def rename_position(self, position_id: int, title: str) -> None:
        """Store a position's new title."""
        row = self.session.get(PositionRow, position_id)
        assert row is not None
        row.title = title
        self.session.add(row)
        self.session.flush()

    # --- assignments --------------------------------------------------------------------

    def assignment(self, assignment_id: int) -> AssignmentRecord | None:
        """The assignment with this id."""
        row = self.session.get(AssignmentRow, assignment_id)
        return None if row is None else to_record(row)

    def assignments(
        self, *, official_id: int | None = None, position_id: int | None = None
    ) -> list[AssignmentLine]:
        """Assignments with their official and position, in tree order then by start date."""
        query = (
            select(AssignmentRow, OfficialRow, PositionRow)
            .join(OfficialRow, col(AssignmentRow.official_id) == col(OfficialRow.id))
            .join(PositionRow, col(AssignmentRow.position_id) == col(PositionRow.id))
            .order_by(
                col(PositionRow.sort_order),
                col(PositionRow.id),
                col(AssignmentRow.valid_from),
                col(AssignmentRow.id),
            )
        )
        if official_id is not None:
            query = query.where(AssignmentRow.official_id == official_id)
        if position_id is not None:
            query = query.where(AssignmentRow.position_id == position_id)
        return [
            (to_record(a), to_official(o), to_position(p)) for a, o, p in self.session.exec(query)
        ]

    def same_assignment(
        self, official_id: int, position_id: int, status: str, valid_from: date
    ) -> AssignmentRecord | None:
        """The assignment with exactly these official, position, status and start."""
        row = self.session.exec(
            select(AssignmentRow).where(
                AssignmentRow.official_id == official_id,
                AssignmentRow.position_id == position_id,
                AssignmentRow.status == status,
                AssignmentRow.valid_from == valid_from,
            )
        ).first()
        return None if row is None else to_record(row)

    def definitif_assignments(
        self, position_id: int, *, excluding: int | None
    ) -> list[AssignmentRecord]:
        """The position's definitif assignments but `excluding`, the position locked first."""
        # Lock the position row (PostgreSQL) so two admins cannot both pass the check;
        # SQLite already serialises writers with BEGIN IMMEDIATE.
        self.session.exec(
            select(PositionRow).where(PositionRow.id == position_id).with_for_update()
        ).first()
        rows = self.session.exec(
            select(AssignmentRow).where(
                AssignmentRow.position_id == position_id,
                AssignmentRow.status == AssignmentStatus.DEFINITIF.value,
                col(AssignmentRow.id) != (excluding if excluding is not None else -1),
            )
        ).all()
        return [to_record(row) for row in rows]

    def add_assignment(
        self,
        *,
        official_id: int,
        position_id: int,
        status: str,
        valid_from: date,
        valid_to: date | None,
        decree: str | None,
    ) -> AssignmentRecord | None:
        """Store a new assignment; None when the open-definitif unique index refused it."""
        row = AssignmentRow(
            official_id=official_id,
            position_id=position_id,
            status=status,
            valid_from=valid_from,
            valid_to=valid_to,
            decree=decree,
        )
        self.session.add(row)
        return to_record(row) if self._flushed() else None

    def set_assignment_end(self, assignment_id: int, valid_to: date) -> bool:
        """Store an assignment's last day; False when the unique index refused it."""
        row = self.session.get(AssignmentRow, assignment_id)
        assert row is not None
        row.valid_to = valid_to
        self.session.add(row)
        return self._flushed()

    def _flushed(self) -> bool:
        """Flush; False when a unique index refused (the caller rolls back)."""
        try:
            self.session.flush()
        except IntegrityError:
            return False
        return True
