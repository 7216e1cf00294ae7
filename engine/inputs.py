"""The checks on a typed formula input: a number, not negative, not absurdly large.

The decrees' inputs are counts, amounts of rupiah and percentages; none can be
negative, and none is larger than a regency's budget many times over. The same
check runs in the CLI, the pages and the API.
"""

from __future__ import annotations

from decimal import Decimal

from engine.errors import ValidationError
from engine.formatting import format_number_id, parse_number_id

MAX_INPUT = Decimal("999999999999999")  # 15 digits: far above any regency's rupiah budget
MAX_DECIMALS = 4


def check_input(text: str, label: str = "") -> Decimal:
    """The value of a typed input, or ValidationError in Bahasa Indonesia naming `label`."""
    where = f"{label}: " if label else ""
    try:
        value = parse_number_id(text)
    except ValidationError as exc:
        raise ValidationError(where + exc.message, log_message=exc.log_message) from None
    if not value.is_finite():
        raise ValidationError(f"{where}'{text}' bukan angka", log_message=f"not finite: {text!r}")
    if value < 0:
        raise ValidationError(
            f"{where}nilai tidak boleh negatif ({text.strip()})",
            log_message=f"negative input {text!r}",
        )
    if value > MAX_INPUT:
        raise ValidationError(
            f"{where}angka terlalu besar (paling besar {format_number_id(MAX_INPUT, 0)})",
            log_message=f"input too large {text!r}",
        )
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise ValidationError(
            f"{where}paling banyak {MAX_DECIMALS} angka di belakang koma ({text.strip()})",
            log_message=f"too many decimals {text!r}",
        )
    return value
