"""The one rule for single-line text: names, titles, emails, logins and the like.

A name with a line break or a control character breaks what is built from it later (an
email header, a log line, a table cell), so every entry point (admin pages, the
organisation file, the catalogue workbook, the CLI) refuses it through `single_line`.
"""

from __future__ import annotations

import unicodedata

from engine.errors import FieldError

__all__ = ["LINE_BREAKS", "SINGLE_LINE_PROBLEM", "bad_character", "flatten", "single_line"]

LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
"""Every character `str.splitlines` breaks a line at."""

SINGLE_LINE_PROBLEM = "tidak boleh berisi baris baru atau karakter kendali"
"""The message, after the field's name, of a refused text (a file's problem list)."""


def bad_character(value: str) -> str | None:
    """The first line break or control character (Unicode category Cc) in `value`, or None."""
    for char in value:
        if char in LINE_BREAKS or unicodedata.category(char) == "Cc":
            return char
    return None


def single_line(value: str, label: str, *, field: str = "") -> str:
    """`value` unchanged when it holds no line break and no control character.

    Otherwise a FieldError on `field` whose message names the field by its `label` (Bahasa
    Indonesia, e.g. "Nama"); the log message names the character by its code point.
    """
    char = bad_character(value)
    if char is None:
        return value
    raise FieldError(
        field,
        f"{label} {SINGLE_LINE_PROBLEM}",
        log_message=f"{field or label}: control character U+{ord(char):04X} refused",
    )


def flatten(value: str) -> str:
    """`value` on one line: each line break or control character becomes a space, runs of
    spaces one space. For text stored before the rule held (an email's display name)."""
    cleaned = "".join(
        " " if char in LINE_BREAKS or unicodedata.category(char) == "Cc" else char for char in value
    )
    return " ".join(cleaned.split())
