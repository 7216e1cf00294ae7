"""The NIP (Nomor Induk Pegawai), the civil servant number.

A NIP has 18 digits, conventionally written in four groups: birth date (8),
start of service YYYYMM (6), gender (1) and sequence (3), e.g.
``19680411 199303 1 009``. Contract staff numbers do not always follow the
meaning of the groups, so only the shape (18 digits) is validated.
"""

from __future__ import annotations

import re

from engine.errors import ValidationError

NIP_LENGTH = 18
_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_nip(raw: str) -> str:
    """Return the 18 bare digits of a NIP typed with or without group separators.

    Raises `ValidationError` (message in Bahasa Indonesia) when the result is not
    exactly 18 digits.
    """
    digits = _SEPARATORS.sub("", str(raw))
    if not digits.isascii() or not digits.isdigit() or len(digits) != NIP_LENGTH:
        raise ValidationError(
            f"NIP '{raw}' tidak sah: NIP harus terdiri dari {NIP_LENGTH} angka",
            log_message=f"invalid NIP {raw!r}: expected {NIP_LENGTH} digits",
        )
    return digits


def format_nip(nip: str) -> str:
    """Group a NIP the way it is printed on documents: ``19680411 199303 1 009``."""
    digits = normalise_nip(nip)
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
