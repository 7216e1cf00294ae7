"""The TOTP second factor (RFC 6238, as authenticator apps compute it): which codes are
accepted at a given moment, and the link an app scans.

A code is accepted for the current 30-second step and one step either side (a phone's
clock a little off), and only once: the step of the last accepted code is kept and a code
of that step or an earlier one is refused (`AccountRepository.accept_step`).
"""

from __future__ import annotations

from datetime import datetime

import pyotp

__all__ = ["ISSUER", "STEP_SECONDS", "matching_step", "provisioning_uri", "valid_secret"]

ISSUER = "Kinerja"
STEP_SECONDS = 30
DRIFT_STEPS = 1


def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code `code` is (the current one or one either side), or None."""
    digits = "".join(code.split())
    if len(digits) != 6 or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = _step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), digits):
            return step
    return None


def provisioning_uri(secret: str, account_name: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=account_name, issuer_name=ISSUER
    )


def valid_secret(secret: str) -> bool:
    """Whether `secret` is a base32 TOTP secret of at least 160 bits."""
    text = secret.strip().upper()
    return len(text) >= 32 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in text)
