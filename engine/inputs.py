"""The checks on a typed formula input: a number of the input's kind, of the right sign, not
absurdly large, and never an ambiguous one.

The decrees' inputs are counts, amounts (rupiah, USD), percentages and indices. A count is a
whole number; only an input that is negative by nature (a monthly price change: deflation; a
growth) accepts a minus sign, and only when its variable says so. Indonesian style: a dot
groups thousands, a comma marks decimals; "0.260" could be either (a thousands group never
starts with 0, and a decimal point is not Indonesian), so it is refused with a hint rather than
read as 260. The same check runs in the CLI, the pages and the API.
"""

from __future__ import annotations

import re
from decimal import Decimal

from engine.errors import ValidationError
from engine.formatting import format_number_id, parse_number_id
from engine.formulas import InputKind, Variable

MAX_INPUT = Decimal("999999999999999")  # 15 digits: far above any regency's rupiah budget
MAX_DECIMALS = 4
# "0.260": a zero, then groups of three digits after dots, no comma. Indonesian reads such a
# dot as a thousands separator (1.500 is fifteen hundred), but no number starts with a
# thousands group of 0: the typist meant a decimal point, or typed a stray zero. ("0.26"
# and "0.5" are not groups of three: plain decimals, unambiguous.)
_LEADING_ZERO_DOT = re.compile(r"[+-]?0+(\.[0-9]{3})+")


def check_input(text: str, label: str = "", variable: Variable | None = None) -> Decimal:
    """The value of a typed input, or ValidationError in Bahasa Indonesia naming `label`.

    With `variable`, its kind and sign are enforced: a count takes whole numbers only, and a
    negative value only where the variable allows it.
    """
    where = f"{label}: " if label else ""
    shown = text.strip()
    if _LEADING_ZERO_DOT.fullmatch(shown.replace(" ", "")):
        digits = shown.replace(" ", "").lstrip("+-").split(".", 1)[1].replace(".", "")
        minus = "-" if shown.startswith("-") else ""
        whole = str(int(digits)) if digits.strip("0") else "0"
        raise ValidationError(
            f"{where}'{shown}' bisa dibaca dua arti; ketik {minus}0,{digits} untuk nol koma "
            f"{_spelled(digits)}, atau {minus}{whole}",
            log_message=f"ambiguous input {text!r}",
        )
    try:
        value = parse_number_id(text)
    except ValidationError as exc:
        raise ValidationError(where + exc.message, log_message=exc.log_message) from None
    if not value.is_finite():
        raise ValidationError(f"{where}'{text}' bukan angka", log_message=f"not finite: {text!r}")
    if value < 0 and not (variable is not None and variable.negative):
        raise ValidationError(
            f"{where}nilai tidak boleh negatif ({shown})",
            log_message=f"negative input {text!r}",
        )
    if abs(value) > MAX_INPUT:
        raise ValidationError(
            f"{where}angka terlalu besar (paling besar {format_number_id(MAX_INPUT, 0)})",
            log_message=f"input too large {text!r}",
        )
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise ValidationError(
            f"{where}paling banyak {MAX_DECIMALS} angka di belakang koma ({shown})",
            log_message=f"too many decimals {text!r}",
        )
    if variable is not None and variable.kind is InputKind.COUNT and value != value.to_integral():
        raise ValidationError(
            f"{where}harus bilangan bulat (jumlah), bukan {shown}",
            log_message=f"fraction for a count {text!r}",
        )
    if variable is not None and variable.kind is InputKind.COUNT:
        value = value.quantize(Decimal(1))
    return value


_DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")


def _spelled(digits: str) -> str:
    """'260' -> 'dua enam nol': the digits after the comma, read one by one."""
    return " ".join(_DIGITS[int(d)] for d in digits)
