"""Who is asking: the session behind a request's cookie, the account, the CSRF token, a flash.

**Cookies.** The session cookie is ``__Host-backstride``: ``Secure``, ``HttpOnly``,
``SameSite=Lax``, ``Path=/``, no ``Domain`` (the ``__Host-`` prefix makes browsers enforce the
last three). It is ``Secure`` everywhere, with no exception for tests: browsers treat
``http://127.0.0.1`` and ``http://localhost`` as secure contexts and keep such cookies there
(checked with Chromium in the browser test), the API tests talk to the app as
``https://testserver``, and ``backstride serve`` refuses a non-loopback address over plain HTTP.

**Sessions** are rows of ``web_sessions`` (`backstride.store.web_sessions`): logging in replaces
the anonymous session of the login form by a new one (no session fixation); logging out deletes
it. The CSRF token belongs to the session; a form page that needs one before login creates an
anonymous session for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy.exc

from backstride.store.base import utcnow
from backstride.store.db import Database
from backstride.store.web_sessions import create_session, end_session, load_session, touch
from backstride.store.web_tables import User
from backstride.web.settings import WebSettings

log = logging.getLogger(__name__)

COOKIE = "__Host-backstride"


@dataclass(frozen=True)
class Viewer:
    """The logged-in account, as the pages need it."""

    user_id: int
    email: str
    name: str
    role: str
    is_admin: bool
    clinic_id: int | None
    runner_id: int | None

    @property
    def is_clinician(self) -> bool:
        """A clinician (admins are clinicians too)."""
        return self.role == "clinician"


def viewer_of(user: User) -> Viewer:
    """The `Viewer` of an account row."""
    return Viewer(
        user.id,
        user.email,
        user.display_name,
        user.role,
        user.is_admin,
        user.clinic_id,
        user.runner_id,
    )


class Visit:
    """The session state of one request; routes call `login`, `logout`, `csrf`, `set_flash`."""

    def __init__(self, db: Database, settings: WebSettings, token: str | None) -> None:
        self.db = db
        self.settings = settings
        self.token: str | None = None
        self.csrf_token: str | None = None
        self.viewer: Viewer | None = None
        self.flash: str | None = None
        self.cookie_out: str | None = None  # a new token to send
        self.clear_cookie = False
        if token:
            self._load(token)

    def _load(self, token: str) -> None:
        try:
            with self.db.session() as s:
                found = load_session(s, token)
                if found is None:
                    self.clear_cookie = True
                    return
                row, user = found
                self.token, self.csrf_token = token, row.csrf_token
                self.viewer = None if user is None else viewer_of(user)
                ttl = self.settings.session_ttl if user else self.settings.anonymous_ttl
                touch(s, row, ttl=ttl)
                if row.flash:
                    self.flash, row.flash = row.flash, None
        except sqlalchemy.exc.OperationalError:
            if self.token is None:  # the session could not even be read
                raise
            # SQLite busy with a long write (an assessment being stored): the visit goes on;
            # the expiry slides on a later request (the flash may show once more)
            log.warning("session not refreshed: the database is busy")

    def csrf(self) -> str:
        """The CSRF token of this session (an anonymous session is made when there is none)."""
        if self.csrf_token is None:
            self._new_session(None, self.settings.anonymous_ttl)
        assert self.csrf_token is not None
        return self.csrf_token

    def login(self, user_id: int) -> None:
        """Replace the current session with a new one for ``user_id``."""
        self._drop_current()
        self._new_session(user_id, self.settings.session_ttl)
        with self.db.session() as s:
            user = s.get_one(User, user_id)
            user.last_login_at = utcnow()
            self.viewer = viewer_of(user)

    def logout(self) -> None:
        """End the session."""
        self._drop_current()
        self.viewer = None
        self.csrf_token = None
        self.clear_cookie = True

    def set_flash(self, message: str) -> None:
        """A message shown once, on the next page."""
        self.csrf()  # there must be a session to keep it in
        assert self.token is not None
        with self.db.session() as s:
            found = load_session(s, self.token)
            if found is not None:
                found[0].flash = message[:500]

    def _drop_current(self) -> None:
        if self.token:
            with self.db.session() as s:
                end_session(s, self.token)
        self.token = None

    def _new_session(self, user_id: int | None, ttl: timedelta) -> None:
        with self.db.session() as s:
            token, row = create_session(s, user_id, ttl=ttl)
            self.token, self.csrf_token = token, row.csrf_token
        self.cookie_out, self.clear_cookie = token, False

    def cookie_header(self) -> str | None:
        """The ``Set-Cookie`` value this response must carry, if any."""
        attributes = "Path=/; Secure; HttpOnly; SameSite=Lax"
        if self.cookie_out:
            max_age = int(self.settings.session_ttl.total_seconds())
            return f"{COOKIE}={self.cookie_out}; Max-Age={max_age}; {attributes}"
        if self.clear_cookie:
            return f"{COOKIE}=; Max-Age=0; {attributes}"
        return None
