"""Errors that carry a message meant for people.

User-facing messages are in Bahasa Indonesia (the people who read them are agency
staff); the English `log_message` is what operators read in logs. Callers catch
`KinerjaError` at the edge (CLI, web) and show `str(error)`, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class KinerjaError(Exception):
    """Base class of every error the user is meant to read."""

    def __init__(self, message: str, *, log_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.log_message = log_message or message


class ValidationError(KinerjaError):
    """Input that breaks a rule of the domain; nothing was written."""


class FieldError(ValidationError):
    """A rule broken by one form field; `field` is the name of that field (the form shows the
    message next to it)."""

    def __init__(self, field: str, message: str, *, log_message: str | None = None) -> None:
        super().__init__(message, log_message=log_message)
        self.field = field


class NotFoundError(KinerjaError):
    """A referenced thing (position, official, document) does not exist."""


class ForbiddenError(KinerjaError):
    """Signed in, but this page, document or action is not for this account (HTTP 403)."""


class ActionRefusedError(KinerjaError):
    """The gate said no to a workflow action; the message says why (HTTP 403)."""


class ConflictError(KinerjaError):
    """Somebody changed the document since it was read (HTTP 409): its current `version`,
    and who changed it last and when, where known."""

    def __init__(
        self,
        message: str,
        *,
        log_message: str | None = None,
        version: int | None = None,
        changed_by: str | None = None,
        changed_at: datetime | None = None,
    ) -> None:
        super().__init__(message, log_message=log_message)
        self.version = version
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the file, with its place."""

    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"baris {self.line}" if self.line is not None else "berkas"
        return f"{place}: {self.where}: {self.message}"


class FileProblemsError(ValidationError):
    """A file has problems; nothing was written. Subclassed per kind of file."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.where))
        lines = "\n".join(f"  {source}: {p}" for p in self.problems)
        super().__init__(
            f"{source}: {len(self.problems)} masalah ditemukan, tidak ada yang disimpan:\n{lines}",
            log_message=f"{source}: {len(self.problems)} problems, nothing imported",
        )
