"""The in-memory unit of work the use cases are unit-tested against (no database).

`FakeUnitOfWork` takes its repositories as keyword arguments, so each test module
builds only the fakes its use cases touch (a use case reaching for another repository
fails loudly with AttributeError). Its outbox is always there and records what was
published; `commits` counts commits, so a test can assert that a refused action
committed nothing. Its admin log is always there too (`FakeAdminLog`): rows appended
are kept by a commit and dropped by a rollback, as the database's would be.

The small agency below (a Kepala Dinas, a Kepala Bidang, a Kepala Seksi) serves the
tests that need an organisation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from types import TracebackType
from typing import Any, Self

from engine.audit import AdminLogQuery, AdminLogRow
from engine.errors import NotFoundError
from engine.events import DomainEvent, OutboxDraft
from engine.org import Assignment, AssignmentStatus, Level, Official, OrgTree, Position
from engine.ports import LoggedChange, Party, StateChange
from engine.workflow import Action, DocKind, DocumentView

# --- a small agency ---------------------------------------------------------------------------

KADIS, KABID, KASI = 1, 2, 3
O_KADIS, O_KABID, O_KASI = 101, 102, 103
START = date(2020, 1, 1)
POSITIONS = (
    Position(KADIS, 1, "kadis", "Kepala Dinas", "Dinas", Level.JPT_PRATAMA, None),
    Position(KABID, 1, "kabid", "Kepala Bidang Industri", "Bidang", Level.ADMINISTRATOR, KADIS),
    Position(KASI, 1, "kasi", "Kepala Seksi IKM", "Seksi", Level.PENGAWAS, KABID),
)
OFFICIALS = (
    Official(O_KADIS, "197001011995011001", "Budi Kadis", "budi@dinas.test"),
    Official(O_KABID, "197501012000011002", "Citra Kabid", "citra@dinas.test"),
    Official(O_KASI, "198001012005012003", "Dewi Kasi", "dewi@dinas.test"),
)
ASSIGNMENTS = (
    Assignment(O_KADIS, KADIS, AssignmentStatus.DEFINITIF, START),
    Assignment(O_KABID, KABID, AssignmentStatus.DEFINITIF, START),
    Assignment(O_KASI, KASI, AssignmentStatus.DEFINITIF, START),
)
TREE = OrgTree(POSITIONS, OFFICIALS, ASSIGNMENTS)


# --- repositories -----------------------------------------------------------------------------


class FakeOutbox:
    """The outbox in memory: one message per dedupe key."""

    def __init__(self) -> None:
        self.messages: dict[str, OutboxDraft] = {}

    def add(self, messages: Sequence[OutboxDraft]) -> int:
        new = [m for m in messages if m.dedupe_key not in self.messages]
        for message in new:
            self.messages[message.dedupe_key] = message
        return len(new)


class FakeWorkflow:
    """Workflow documents in memory, with the compare-and-swap of the real one."""

    def __init__(self, tree: OrgTree = TREE, *documents: DocumentView) -> None:
        self.tree = tree
        self.documents = {(d.kind, d.id): d for d in documents}
        self.log: list[dict[str, object]] = []
        self.parties: dict[int, tuple[Party, Party]] = {}

    def document(
        self, kind: DocKind, doc_id: int, *, completeness: bool = True, with_org: bool = False
    ) -> DocumentView:
        found = self.documents.get((kind, doc_id))
        if found is None:
            raise NotFoundError(f"{kind.prefix}-{doc_id} tidak ditemukan")
        return found if completeness else replace(found, missing=())

    def org_tree_for(self, position_id: int) -> OrgTree:
        return self.tree

    def regency_head(self, on: date) -> Party:
        if on < date(2021, 2, 26):
            return Party(name="Bupati Lama (fiktif)", nip=None, title="Bupati Gresik")
        return Party(name="Bupati Baru (fiktif)", nip=None, title="Bupati Gresik")

    def last_change(self, kind: DocKind, doc_id: int) -> LoggedChange | None:
        for row in reversed(self.log):
            if (row["doc_type"], row["doc_id"]) == (kind.value, doc_id):
                return LoggedChange(str(row["actor_name"]), row["at"], Action(row["action"]))  # type: ignore[arg-type]
        return None

    def acted_on(self, kind: DocKind, doc_id: int, official_id: int) -> bool:
        return (kind, doc_id) in self.acted_by(official_id)

    def acted_by(self, official_id: int) -> dict[tuple[DocKind, int], set[Action]]:
        acted: dict[tuple[DocKind, int], set[Action]] = {}
        for row in self.log:
            if row.get("actor_official_id") == official_id:
                key = (DocKind(row["doc_type"]), int(row["doc_id"]))  # type: ignore[call-overload]
                acted.setdefault(key, set()).add(Action(row["action"]))
        return acted

    def apply(self, change: StateChange) -> bool:
        current = self.documents[(change.document.kind, change.document.id)]
        if (current.state, current.version) != (change.document.state, change.document.version):
            return False
        self.documents[(current.kind, current.id)] = replace(
            current,
            state=change.target,
            version=current.version + 1,
            visit=change.visit,
            audit_hash=change.hash,
        )
        self.log.append(change.log)
        return True

    def record_parties(self, doc_id: int, first: Party, second: Party) -> None:
        self.parties[doc_id] = (first, second)


class FakeAdminLog:
    """engine.ports.AdminLogRepository in memory: `rows` committed, `pending` not yet."""

    def __init__(self, *rows: AdminLogRow) -> None:
        self.committed: list[AdminLogRow] = list(rows)
        self.pending: list[AdminLogRow] = []

    def last(self) -> AdminLogRow | None:
        every = self.committed + self.pending
        return every[-1] if every else None

    def append(self, row: AdminLogRow) -> None:
        self.pending.append(row)

    def page(self, query: AdminLogQuery) -> tuple[list[AdminLogRow], int]:
        def matches(row: AdminLogRow) -> bool:
            action, text = query.action, (query.text or "").lower()
            return (
                (not action or row.action == action or row.action.startswith(action + "."))
                and (not text or any(text in (v or "").lower() for v in _texts(row)))
                and (query.since is None or row.at >= query.since)
                and (query.until is None or row.at < query.until)
            )

        found = [row for row in reversed(self.committed + self.pending) if matches(row)]
        return found[query.offset : query.offset + query.limit], len(found)

    def actions(self) -> list[str]:
        return sorted({row.action for row in self.committed + self.pending})

    def rows(self) -> Iterator[AdminLogRow]:
        return iter(sorted(self.committed + self.pending, key=lambda row: row.id))

    def keep(self) -> None:
        self.committed += self.pending
        self.pending = []

    def drop(self) -> None:
        self.pending = []


def _texts(row: AdminLogRow) -> tuple[str | None, ...]:
    return (row.actor, row.subject, row.before, row.after)


# --- the unit of work -------------------------------------------------------------------------


class FakeUnitOfWork:
    """engine.ports.UnitOfWork in memory, with the repositories given."""

    def __init__(self, **repositories: Any) -> None:
        self._repositories = repositories
        self.outbox: FakeOutbox = repositories.pop("outbox", None) or FakeOutbox()
        self.admin_log: FakeAdminLog = repositories.pop("admin_log", None) or FakeAdminLog()
        self._events: list[DomainEvent] = []
        self.commits = 0
        self.rollbacks = 0
        self.writes = 0
        self.releases = 0
        self._writing = False

    @property
    def in_write(self) -> bool:
        """Whether a use case is inside `writing()` now (the write lock held, on SQLite)."""
        return self._writing

    @contextmanager
    def writing(self) -> Iterator[None]:
        """As SqlUnitOfWork.writing: nested uses join; leaving without a commit rolls back."""
        if self._writing:
            yield
            return
        self._writing = True
        self.writes += 1
        commits = self.commits
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        finally:
            self._writing = False
        if self.commits == commits:
            self.rollback()  # left without committing: nothing it wrote stays

    def __getattr__(self, name: str) -> Any:
        repositories = self.__dict__.get("_repositories", {})
        if name in repositories:
            return repositories[name]
        raise AttributeError(f"FakeUnitOfWork has no repository {name!r}")

    @property
    def events(self) -> Sequence[DomainEvent]:
        return tuple(self._events)

    def collect(self, *events: DomainEvent) -> None:
        self._events.extend(events)

    def publish(self) -> int:
        events, self._events = self._events, []
        return self.outbox.add([event.message() for event in events])

    def commit(self) -> None:
        if not self._writing:
            raise AssertionError("a use case commits only inside uow.writing()")
        self.publish()
        self.admin_log.keep()
        self.commits += 1

    def rollback(self) -> None:
        self._events = []
        self.admin_log.drop()
        self.rollbacks += 1

    def release(self) -> None:
        if self._writing or self._events:
            raise AssertionError("release() only between transactions, with nothing to write")
        self.releases += 1

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()
