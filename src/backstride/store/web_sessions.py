"""Repository functions of web sessions and of the login attempts the rate limit counts.

The cookie carries a random token; the table keeps only its SHA-256, the account (None before
login), the CSRF token of the session, its expiry, and a one-shot flash message.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from backstride.store.base import utcnow
from backstride.store.web_accounts import new_token, token_digest
from backstride.store.web_tables import LoginAttempt, User, WebSession

#: A session's last-seen time is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)


def create_session(
    session: Session, user_id: int | None, *, ttl: timedelta, flash: str | None = None
) -> tuple[str, WebSession]:
    """A new session (with a fresh CSRF token); returns the cookie token and the row."""
    token = new_token()
    now = utcnow()
    row = WebSession(
        token_sha256=token_digest(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + ttl,
        flash=flash,
    )
    session.add(row)
    session.flush()
    return token, row


def load_session(
    session: Session, token: str, *, now: datetime | None = None
) -> tuple[WebSession, User | None] | None:
    """The live session for a cookie token and its account (one query), or None (unknown or
    expired)."""
    found = session.execute(
        select(WebSession, User)
        .outerjoin(User, User.id == WebSession.user_id)
        .where(WebSession.token_sha256 == token_digest(token))
    ).first()
    if found is None or found[0].expires_at <= (now or utcnow()):
        return None
    return found[0], found[1]


def touch(
    session: Session, row: WebSession, *, ttl: timedelta, now: datetime | None = None
) -> None:
    """Slide the expiry of an active session (written at most once a minute)."""
    now = now or utcnow()
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        row.expires_at = now + ttl


def end_session(session: Session, token: str) -> None:
    """Delete the session of a cookie token (log out)."""
    session.execute(delete(WebSession).where(WebSession.token_sha256 == token_digest(token)))


def end_user_sessions(session: Session, user_id: int) -> None:
    """Delete every session of an account."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete expired sessions; return how many."""
    statement = delete(WebSession).where(WebSession.expires_at <= (now or utcnow()))
    return int(cast("CursorResult[Any]", session.execute(statement)).rowcount)


def record_attempt(
    session: Session, scope: str, key: str, *, succeeded: bool, now: datetime | None = None
) -> None:
    """Remember one attempt of ``key`` (an account or an address) in ``scope``."""
    session.add(LoginAttempt(scope=scope, key=key[:255], succeeded=succeeded, at=now or utcnow()))
    session.flush()


@dataclass(frozen=True)
class Failures:
    """Failed attempts counted by a rate limit, and when the oldest of them happened."""

    count: int
    oldest: datetime | None


def recent_failures(session: Session, scope: str, key: str, *, since: datetime) -> Failures:
    """Failures of ``key`` after ``since`` and after its last success."""
    last_ok = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.scope == scope,
            LoginAttempt.key == key[:255],
            LoginAttempt.succeeded.is_(True),
        )
    )
    start = max(since, last_ok) if last_ok is not None else since
    count, oldest = session.execute(
        select(func.count(), func.min(LoginAttempt.at)).where(
            LoginAttempt.scope == scope,
            LoginAttempt.key == key[:255],
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > start,
        )
    ).one()
    return Failures(int(count), oldest)


def purge_attempts(session: Session, *, before: datetime) -> None:
    """Forget attempts older than ``before``."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))
