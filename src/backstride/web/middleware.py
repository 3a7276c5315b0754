"""The one ASGI middleware: loads the `Visit` of each request and adds the session cookie and the
security headers to each response.

Headers: a Content-Security-Policy that allows nothing from other origins (pages make no
external requests; no inline script), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
same-origin``, ``X-Frame-Options: DENY``, ``Cache-Control: no-store`` on everything but the
static files (the pages hold health data), and ``Server-Timing: app;dur=<ms>`` (the time spent
in the app, which the web benchmark compares with what clients wait). A route that serves a
stored report sets its own, stricter policy, which is kept.

Bodies: every request but a file upload may carry at most `MAX_FORM_BYTES` (a form of text
fields); a larger one is refused with 413 before or while it is read. Uploads are limited by
`backstride.web.uploads` instead.
"""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

import anyio.to_thread
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstride.store.db import Database
from backstride.web.guard import UPLOAD_PATH
from backstride.web.settings import WebSettings
from backstride.web.visit import COOKIE, Visit

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
MAX_FORM_BYTES = 1 << 20
TOO_LARGE = "the form is larger than the limit of 1 MiB"
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class BodyTooLarge(Exception):
    """A form body past `MAX_FORM_BYTES` (raised while it is read)."""


def content_length(scope: Scope) -> int | None:
    """The declared body length, if any."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def limited(receive: Receive) -> Receive:
    """``receive`` that raises `BodyTooLarge` once the body passes `MAX_FORM_BYTES`."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_FORM_BYTES:
                raise BodyTooLarge(TOO_LARGE)
        return message

    return wrapped


def session_token(scope: Scope) -> str | None:
    """The session cookie of a request, if it sent one."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed Cookie header is just no session
                return None
            if COOKIE in jar:
                return jar[COOKIE].value or None
    return None


class VisitMiddleware:
    """Attach ``request.state.visit``; write its cookie and the security headers."""

    def __init__(self, app: ASGIApp, *, db: Database, settings: WebSettings) -> None:
        self.app = app
        self.db = db
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        static = scope["path"].startswith("/static/")
        if not UPLOAD_PATH.match(scope["path"]):
            if (content_length(scope) or 0) > MAX_FORM_BYTES:
                await PlainTextResponse(TOO_LARGE, status_code=413)(scope, receive, send)
                return
            receive = limited(receive)
        visit: Visit | None = None
        if not static:
            token = session_token(scope)
            visit = await anyio.to_thread.run_sync(Visit, self.db, self.settings, token)
            scope.setdefault("state", {})["visit"] = visit

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                took_ms = 1000 * (time.perf_counter() - started)
                headers.append((b"server-timing", f"app;dur={took_ms:.1f}".encode()))
                cookie = None if visit is None else visit.cookie_header()
                if cookie:
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
