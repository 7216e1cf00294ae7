"""Password hashing with argon2id (`engine.ports.PasswordHasher`).

Hashing is slow by design. An unknown login is checked against a dummy hash all the
same, so that a refusal takes as long whether or not the account exists.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so both paths cost one argon2 check.

    Made on first use, not at import: hashing is slow by design and every CLI run imports this.
    """
    return _HASHER.hash("kinerja-dummy-password")


class Argon2Passwords:
    """argon2id hashes of passwords, with the library's default (current) parameters."""

    def hash(self, password: str) -> str:
        """A new hash of `password`."""
        return _HASHER.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches; None (no account) costs a check against a dummy hash."""
        try:
            return _HASHER.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than today's."""
        return _HASHER.check_needs_rehash(password_hash)


PASSWORDS = Argon2Passwords()
"""The one hasher (stateless: shared by every unit of work)."""
