"""Indonesian presentation of dates (and, later, numbers), the way documents write them.

Formatting goes through Babel's CLDR data for locale ``id`` so month names and
separators match what agency staff expect ("11 Januari 2021").
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

LOCALE = "id"


def format_date_id(day: date) -> str:
    """A date as Indonesian documents write it: ``11 Januari 2021``."""
    return str(format_date(day, format="d MMMM y", locale=LOCALE))
