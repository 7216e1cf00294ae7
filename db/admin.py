"""The administrator's rows: officials, assignments, positions and their roles, the
overview's counts and the capaian rules per year (`engine.ports.AdminRepository`), and
the holiday table with the working calendar read from it (`HolidayRepository`).

Storage only: the checks are the use cases' (engine.usecases.people, .assignments,
.organisation). The unique index on an open definitif window is the last guard: its
refusal is answered as None or False, for the use case to roll back and explain.
Holidays change by decree every year: the `holidays` package only seeds them (behind
`SqlHolidays.seed`), and removing a day marks it inactive so that seeding again never
brings back a day the admin took out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.models import AssignmentRow, OfficialRow, PositionRow, Regency
from db.organisation import to_official, to_position
from db.signin import Account
from db.workflow_models import CapaianRuleSet, Holiday, OutboxMessage
from engine.calendar import WorkingCalendar
from engine.capaian import CapaianRules
from engine.events import OutboxStatus
from engine.holiday_table import GOVERNMENT, PUBLIC, SEED, HolidayDay
from engine.memo import Memo
from engine.org import AssignmentStatus, Official, Position, PositionRole
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
    """Officials, assignments and positions on the unit of work's session."""

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

    def update_position(self, position_id: int, **values: object) -> None:
        """Store new values of a position's title, parent_id, closed_on or role."""
        row = self.session.get(PositionRow, position_id)
        assert row is not None and set(values) <= {"title", "parent_id", "closed_on", "role"}
        row.sqlmodel_update(values)
        self.session.add(row)
        self.session.flush()

    def set_position_role(self, position_id: int, role: PositionRole | None) -> None:
        """Store the duty the administrator gives a position (None: none)."""
        self.update_position(position_id, role=None if role is None else role.value)

    def add_position(self, position: Position) -> Position | None:
        """Store a new position (its id is ignored), last among its siblings; None when
        the agency already has a position with its code."""
        fields = ("agency_id", "code", "title", "unit_name", "parent_id")
        row = PositionRow(
            level=position.level.value,
            sort_order=self._next_sort_order(),
            **{name: getattr(position, name) for name in fields},
        )
        self.session.add(row)
        return to_position(row) if self._flushed() else None

    def _next_sort_order(self) -> int:
        return (self.session.exec(select(func.max(PositionRow.sort_order))).one() or 0) + 1

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

    def capaian_rules(self, year: int) -> CapaianRules | None:
        """The capaian rules the regency set for `year`; None: it set none (the defaults)."""
        return capaian_rules_of(self.session, year)

    def put_capaian_rules(self, year: int, rules: CapaianRules, now: datetime) -> bool:
        """Store the rules of `year` (replacing them); False when there is no regency yet."""
        regency = self.session.exec(select(Regency.id)).first()
        if regency is None:
            return False
        data = rules.as_json()
        values = dict(
            scale_name=data["scale"], categories=data["categories"], cap=rules.cap,
            zero_target_met=rules.negative_zero_target_met, updated_at=now,
            zero_target_missed=rules.negative_zero_target_missed,
            negative_target=rules.negative_target.value,
        )  # fmt: skip
        row = self.session.exec(_rules_query(year)).first()
        if row is None:
            row = CapaianRuleSet(regency_id=regency, year=year, **values)
        else:
            row.sqlmodel_update(values)
        self.session.add(row)
        self.session.flush()
        return True

    def _flushed(self) -> bool:
        """Flush; False when a unique index refused (the caller rolls back)."""
        try:
            self.session.flush()
        except IntegrityError:
            return False
        return True


# --- holidays --------------------------------------------------------------------------


def _rules_query(year: int) -> Any:
    return select(CapaianRuleSet).join(Regency).where(CapaianRuleSet.year == year)


def capaian_rules_of(session: Session, year: int) -> CapaianRules | None:
    """The capaian rules stored for `year` (None: none stored; the defaults apply)."""
    row = session.exec(_rules_query(year)).first()
    return None if row is None else CapaianRules.from_json({
        "scale": row.scale_name, "categories": row.categories, "cap": row.cap,
        "negative_zero_target_met": row.zero_target_met,
        "negative_zero_target_missed": row.zero_target_missed,
        "negative_target": row.negative_target,
    })  # fmt: skip


def package_holidays(years: Iterable[int]) -> dict[date, tuple[str, str]]:
    """Indonesian public holidays and cuti bersama from the `holidays` package.

    Returns day -> (name in Bahasa Indonesia, category).
    """
    import holidays as holidays_package  # about 20 ms: imported for the seed only

    year_list = sorted(set(years))
    every = holidays_package.country_holidays(
        "ID", years=year_list, categories=(PUBLIC, GOVERNMENT), language="id"
    )
    joint = holidays_package.country_holidays(
        "ID", years=year_list, categories=(GOVERNMENT,), language="id"
    )
    return {
        day: (name, GOVERNMENT if day in joint and len(name.split("; ")) == 1 else PUBLIC)
        for day, name in every.items()
    }


def seed_holidays(session: Session, years: Iterable[int], now: datetime) -> int:
    """Insert the package's holidays for `years` that the table does not have yet.

    Returns the number of days inserted. Existing rows (including days an admin
    removed or renamed) are left as they are.
    """
    wanted = package_holidays(years)
    if not wanted:
        return 0
    present = set(session.exec(select(col(Holiday.day)).where(col(Holiday.day).in_(list(wanted)))))
    added = 0
    for day, (name, category) in sorted(wanted.items()):
        if day in present:
            continue
        session.add(
            Holiday(day=day, name=name, category=category, source=SEED, active=True, updated_at=now)
        )
        added += 1
    session.flush()
    return added


def _day(row: Holiday) -> HolidayDay:
    return HolidayDay(row.day, row.name, row.category, row.source, row.active)


class SqlHolidays:
    """The holiday table on the unit of work's session (`engine.ports.HolidayRepository`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def days(self, *, year: int | None, include_removed: bool) -> list[HolidayDay]:
        """Holidays in date order, optionally of one year, optionally with removed days."""
        query = select(Holiday).order_by(col(Holiday.day))
        if year is not None:
            query = query.where(
                col(Holiday.day) >= date(year, 1, 1), col(Holiday.day) <= date(year, 12, 31)
            )
        if not include_removed:
            query = query.where(col(Holiday.active).is_(True))
        return [_day(row) for row in self.session.exec(query)]

    def day(self, day: date) -> HolidayDay | None:
        """The row of a day, active or removed."""
        row = self.session.get(Holiday, day)
        return None if row is None else _day(row)

    def put(self, holiday: HolidayDay, now: datetime) -> None:
        """Insert the day, or replace what its row says."""
        values = asdict(holiday) | {"updated_at": now}
        row = self.session.get(Holiday, holiday.day) or Holiday(**values)
        row.sqlmodel_update(values)
        self.session.add(row)
        self.session.flush()

    def seed(self, years: Iterable[int], now: datetime) -> int:
        """Insert the package's holidays of `years` that have no row yet; how many."""
        return seed_holidays(self.session, years, now)


def load_calendar(session: Session) -> WorkingCalendar:
    """The working-day calendar from the active holidays in the table.

    Read on every call (a holiday added by the admin counts at once); the calendar built
    from the same set of days is reused, like the organisation tree (`db.organisation`).
    """
    column = Holiday.metadata.tables["holiday"].c
    days = frozenset(
        session.connection().execute(sa_select(column.day).where(column.active.is_(True))).scalars()
    )
    return _calendars.get(days, WorkingCalendar)


_calendars: Memo[frozenset[date], WorkingCalendar] = Memo(size=8)
