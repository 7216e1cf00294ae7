"""The evidence store: the rows of evidence files, and the files on disk, never overwritten.

An auditor must be able to trust that the file shown today is the file uploaded
then. `LocalFileStore` (engine.ports.FileStore) writes a file to a temporary file
in its directory and publishes it with ``os.link``, which fails rather than replace
an existing path; a path leading outside the root is refused. `SqlEvidence`
(engine.ports.EvidenceRepository) keeps the rows. What is checked, where a file
goes and whether the bytes are still the ones uploaded is decided in
engine/usecases/evidence.py.

The disk is not transactional: if the transaction rolls back after a file was
written, the file stays behind without a row. Such an orphan is harmless: no row
points at it, it is never served, and a later upload of the same bytes finds it at
its name and reuses it instead of writing a second copy.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from db.models import IndicatorRow, OfficialRow
from db.workflow_models import Evidence
from engine.ports import StorageFullError
from engine.records import EvidenceRecord, IndicatorPlace

_STORAGE_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""A full disk, a used-up quota, a file too large for the file system."""
_CHUNK = 1024 * 1024


def _record(row: Evidence) -> EvidenceRecord:
    assert row.id is not None
    return EvidenceRecord(
        id=row.id,
        report_id=row.report_id,
        indicator_id=row.indicator_id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        storage_path=row.storage_path,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        active=row.active,
        replaces_id=row.replaces_id,
        replace_reason=row.replace_reason,
        withdrawn_at=row.withdrawn_at,
        withdrawn_by=row.withdrawn_by,
        withdrawn_reason=row.withdrawn_reason,
    )


class SqlEvidence:
    """engine.ports.EvidenceRepository on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, evidence: EvidenceRecord) -> EvidenceRecord:
        row = Evidence(
            report_id=evidence.report_id,
            indicator_id=evidence.indicator_id,
            filename=evidence.filename,
            content_type=evidence.content_type,
            size=evidence.size,
            sha256=evidence.sha256,
            storage_path=evidence.storage_path,
            uploaded_by=evidence.uploaded_by,
            uploaded_at=evidence.uploaded_at,
            replaces_id=evidence.replaces_id,
            replace_reason=evidence.replace_reason,
        )
        self.session.add(row)
        self.session.flush()
        return _record(row)

    def get(self, evidence_id: int) -> EvidenceRecord | None:
        row = self.session.get(Evidence, evidence_id)
        return None if row is None else _record(row)

    def of_report(self, report_id: int, *, include_replaced: bool = False) -> list[EvidenceRecord]:
        query = select(Evidence).where(Evidence.report_id == report_id)
        if not include_replaced:
            query = query.where(col(Evidence.active))
        return [_record(row) for row in self.session.exec(query.order_by(col(Evidence.id)))]

    def with_checksum(self, report_id: int, sha256: str) -> list[EvidenceRecord]:
        rows = self.session.exec(
            select(Evidence)
            .where(Evidence.report_id == report_id, Evidence.sha256 == sha256)
            .order_by(col(Evidence.id))
        )
        return [_record(row) for row in rows]

    def retire(self, evidence_id: int, *, at: datetime, by: int | None, reason: str) -> bool:
        result = self.session.exec(
            update(Evidence)
            .where(col(Evidence.id) == evidence_id, col(Evidence.active))
            .values(active=False, withdrawn_at=at, withdrawn_by=by, withdrawn_reason=reason)
            .execution_options(synchronize_session=False)
        )
        retired = result.rowcount == 1
        if retired:
            old = self.session.get(Evidence, evidence_id)
            if old is not None:
                self.session.refresh(old)
        return retired

    def uploaded_since(self, official_id: int, since: datetime) -> int:
        self.session.exec(
            select(OfficialRow.id).where(OfficialRow.id == official_id).with_for_update()
        ).first()
        total = self.session.exec(
            select(func.coalesce(func.sum(Evidence.size), 0)).where(
                Evidence.uploaded_by == official_id, col(Evidence.uploaded_at) >= since
            )
        ).one()
        return int(total)

    def indicator(self, indicator_id: int) -> IndicatorPlace | None:
        row = self.session.get(IndicatorRow, indicator_id)
        return None if row is None else IndicatorPlace(row.code, row.position_id, row.year)


class LocalFileStore:
    """engine.ports.FileStore on a directory of the local disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, directory: str, names: Iterable[str], data: bytes) -> str:
        folder = self._resolve(directory)
        made = not folder.exists()
        try:
            name = _publish(folder, names, data)
        except OSError as exc:
            if exc.errno not in _STORAGE_FULL:
                raise
            if made:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty: a concurrent upload's file stays
            raise StorageFullError(f"{folder}: {exc}") from None
        return (Path(directory) / name).as_posix()

    def read(self, path: str) -> bytes:
        return self._resolve(path).read_bytes()

    def _resolve(self, path: str) -> Path:
        """The absolute path; ValueError when it leads outside the root."""
        base = self.root.resolve()
        resolved = (base / path).resolve()
        if not resolved.is_relative_to(base):
            raise ValueError(f"path {path!r} leaves the store at {base}")
        return resolved


def _publish(directory: Path, names: Iterable[str], data: bytes) -> str:
    """Write to a temporary file (fsynced), then give it the first free name.

    ``os.link`` fails on an existing path, so a reader never sees a half-written file and
    nothing already stored is replaced. A name already holding the same bytes (an orphan
    of a rolled-back upload, or a concurrent upload of the same file) is reused.
    """
    sha256 = hashlib.sha256(data).hexdigest()
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        for candidate in names:
            if _link_or_match(Path(temporary), directory / candidate, sha256):
                _fsync_directory(directory)
                return candidate
    finally:
        Path(temporary).unlink(missing_ok=True)
    raise FileExistsError(f"no free name in {directory}")


def _link_or_match(temporary: Path, target: Path, sha256: str) -> bool:
    """True once `target` holds the bytes: newly linked, or already there and identical."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        try:
            return _sha256_of_file(target) == sha256
        except OSError:
            return False
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the new directory entry durable, not only the file's bytes."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
