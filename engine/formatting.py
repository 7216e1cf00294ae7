"""Indonesian presentation of numbers and dates, the way agency documents write them.

Formatting follows Babel's CLDR data for locale ``id`` (thousands dot, decimal
comma: "1.027.733.750,37"; "11 Januari 2021"), written out here because pages and
workbooks format thousands of numbers and Babel's general machinery cost a tenth of
a report page; tests/unit/test_formatting_numbers.py checks it against Babel itself.
Parsing accepts what staff type: Indonesian style, or a plain number with a decimal
point.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from engine.clock import JAKARTA
from engine.errors import ValidationError

LOCALE = "id"
MAX_DECIMALS = 6
_INDONESIAN = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?|-?[0-9]+(,[0-9]+)?")
_PLAIN = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_THOUSANDS_ONLY = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})+")
_SWAP_SEPARATORS = str.maketrans(",.", ".,")
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def format_date_id(day: date) -> str:
    """A date as Indonesian documents write it: ``11 Januari 2021``."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def format_moment_id(moment: datetime, zone: ZoneInfo = JAKARTA) -> str:
    """A moment as people read it: "20 Januari 2021 09.00 WIB" (local to `zone`)."""
    local = moment.astimezone(zone)
    suffix = ZONE_NAMES.get(str(zone), str(zone))
    return f"{format_date_id(local.date())} {local:%H.%M} {suffix}"


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round as people do on paper (0,005 -> 0,01), not banker's rounding.

    The precision follows the value, so very large numbers round too instead of
    overflowing the default 28-digit context.
    """
    digits = max(value.adjusted(), 0) + decimals + 2
    context = Context(prec=max(28, digits), rounding=ROUND_HALF_UP)
    return value.quantize(Decimal(1).scaleb(-decimals), context=context)


def format_number_id(value: Decimal | int, decimals: int = 2) -> str:
    """``1.027.733.750,37``: thousands dot, decimal comma, `decimals` places (half up)."""
    if not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"decimals must be 0..{MAX_DECIMALS}, got {decimals}")
    rounded = round_half_up(Decimal(value), decimals)
    # Already rounded to `decimals` places: the format only groups and pads.
    text = f"{rounded:,.{decimals}f}".translate(_SWAP_SEPARATORS)
    return "0" + text[2:] if text.startswith("-0") and not rounded else text


def format_percent_id(value: Decimal, decimals: int = 2) -> str:
    """A percentage such as a capaian: ``95,50%``."""
    return f"{format_number_id(value, decimals)}%"


def parse_number_id(text: str) -> Decimal:
    """Read a number as staff type it; raise `ValidationError` (Indonesian) otherwise.

    Indonesian style: ``1.027.733.750,37``, ``80,5``, ``1.500`` (one thousand five
    hundred: a dot followed by groups of three digits is a thousands separator).
    Plain style with a decimal point is accepted where it is unambiguous: ``80.5``.
    """
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if raw.startswith("+") and raw[1:2] != "-":
        raw = raw[1:]
    try:
        if "," in raw or _THOUSANDS_ONLY.fullmatch(raw):
            if not _INDONESIAN.fullmatch(raw):
                raise InvalidOperation
            return Decimal(raw.replace(".", "").replace(",", "."))
        if _PLAIN.fullmatch(raw):
            return Decimal(raw)
    except InvalidOperation:
        pass
    raise ValidationError(
        f"'{text}' bukan angka (contoh: 1.027.733,50 atau 80,5)",
        log_message=f"not a number: {text!r}",
    )
