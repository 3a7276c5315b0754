"""Login rate limiting, per account and per client address, kept in the database.

A login is refused before the password is even checked when, within the window (15 minutes by
default), the account has 5 failed attempts since its last success, or the client address has
20. The refusal says when to try again. Attempts live in ``login_attempts``, so a restart does not
reset the count, and several server processes share it. Sign-ups are limited per address the same
way (10 per window), each counted as a "failure" so that successes do not reset it. This follows
OWASP's Authentication Cheat Sheet (account lockout with a time-based release, per-IP throttling).
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy.orm import Session

from backstride.errors import InputError
from backstride.store.base import utcnow
from backstride.store.web_accounts import normalise_email
from backstride.store.web_sessions import purge_attempts, recent_failures, record_attempt
from backstride.web.settings import WebSettings


class TooManyAttempts(InputError):
    """Refused by the rate limit; ``retry_after_s`` says when to try again."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


def _wait(oldest: datetime | None, settings: WebSettings, now: datetime) -> int:
    if oldest is None:
        return 60
    return max(1, math.ceil((oldest + settings.login_window - now).total_seconds()))


def check_login_allowed(
    session: Session,
    email: str,
    address: str,
    settings: WebSettings,
    *,
    now: datetime | None = None,
) -> None:
    """Raise `TooManyAttempts` when the account or the address is over its limit."""
    now = now or utcnow()
    since = now - settings.login_window
    limits = (
        ("account", normalise_email(email), settings.login_max_account_failures, "this account"),
        ("address", address, settings.login_max_address_failures, "your network address"),
    )
    for scope, key, limit, what in limits:
        failures = recent_failures(session, scope, key, since=since)
        if failures.count >= limit:
            wait = _wait(failures.oldest, settings, now)
            raise TooManyAttempts(
                f"too many failed logins for {what}; try again in {math.ceil(wait / 60)} minute(s)",
                wait,
            )


def record_login(
    session: Session, email: str, address: str, *, succeeded: bool, now: datetime | None = None
) -> None:
    """Count one login attempt for the account and for the address."""
    record_attempt(session, "account", normalise_email(email), succeeded=succeeded, now=now)
    record_attempt(session, "address", address, succeeded=succeeded, now=now)


def check_signup_allowed(
    session: Session, address: str, settings: WebSettings, *, now: datetime | None = None
) -> None:
    """Raise `TooManyAttempts` past the sign-ups allowed per address in the window; else count
    this one."""
    now = now or utcnow()
    failures = recent_failures(session, "signup", address, since=now - settings.login_window)
    if failures.count >= settings.signup_max_per_address:
        wait = _wait(failures.oldest, settings, now)
        raise TooManyAttempts(
            f"too many sign-ups from your network address; try again in {math.ceil(wait / 60)} "
            "minute(s)",
            wait,
        )
    record_attempt(session, "signup", address, succeeded=False, now=now)


def forget_old_attempts(
    session: Session, settings: WebSettings, *, now: datetime | None = None
) -> None:
    """Drop attempts older than four windows (they no longer count)."""
    purge_attempts(session, before=(now or utcnow()) - 4 * settings.login_window)
