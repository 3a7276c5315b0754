"""Password hashing with argon2id (argon2-cffi) and the password rules of the sign-up forms.

argon2id is the password-hashing function RFC 9106 recommends; the default cost is its
low-memory profile. A hash made with older parameters is upgraded at the next successful login.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from backstride.errors import ValidationError
from backstride.web.settings import Argon2Cost

MIN_LENGTH = 10
MAX_LENGTH = 256


def hasher(cost: Argon2Cost) -> PasswordHasher:
    """An argon2id hasher with ``cost``."""
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_kib, parallelism=cost.parallelism
    )


def check_new_password(password: str, *, email: str) -> None:
    """Refuse a password that is too short, too long, or the email itself.

    Examples
    --------
    >>> check_new_password("short", email="a@b.c")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    backstride.errors.ValidationError: password: must be at least 10 characters...
    """
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            "password", f"must be at least {MIN_LENGTH} characters (a few words work well)"
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError("password", f"must be at most {MAX_LENGTH} characters")
    if password.strip().lower() == email.strip().lower():
        raise ValidationError("password", "must not be your email address")


def verify(ph: PasswordHasher, stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash`` (a malformed hash never matches)."""
    try:
        return bool(ph.verify(stored_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class DummyHash:
    """A hash of nothing, verified against when an account does not exist, so a login for an
    unknown email takes as long as one for a known email (no account enumeration by timing)."""

    def __init__(self, ph: PasswordHasher) -> None:
        self.value = ph.hash("no account has this password")
