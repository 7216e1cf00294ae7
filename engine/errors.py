"""Errors that carry a message meant for people.

User-facing messages are in Bahasa Indonesia (the people who read them are agency
staff); the English `log_message` is what operators read in logs. Callers catch
`KinerjaError` at the edge (CLI, web) and show `str(error)`, never a traceback.
"""

from __future__ import annotations


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
