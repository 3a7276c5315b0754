"""How errors become pages: the same clear message the command line prints, with the right status.

- `LoginRequired`: a page redirects to the login (and back afterwards); JSON answers 401.
- `NotFoundError`: 404, also for things that exist but belong to someone else.
- `Forbidden`: 403 (a runner on a clinician page, or a failed CSRF check).
- `UploadError`: its own status (413 too large, 415 wrong type).
- `TooManyAttempts`: 429 with ``Retry-After``.
- any other `InputError`: 400 with its message.
- anything else: 500 with one line, logged with its traceback (never shown to the user).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from backstride.errors import BackstrideError, InputError, NotFoundError
from backstride.report.pdf import PdfError
from backstride.web.guard import Forbidden, LoginRequired, UnsupportedForm
from backstride.web.middleware import BodyTooLarge
from backstride.web.ratelimit import TooManyAttempts
from backstride.web.render import page
from backstride.web.uploads import UploadError

log = logging.getLogger("backstride.web")


def wants_json(request: Request) -> bool:
    """A JSON endpoint (``.json``) or a client that asks for JSON."""
    return request.url.path.endswith(".json") or "application/json" in request.headers.get(
        "accept", ""
    )


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    """The error as JSON or as a page."""
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return page(request, "error.html", {"title": title, "message": message}, status=status)


def _login(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return JSONResponse({"error": "log in first"}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _status_of(exc: BackstrideError) -> tuple[int, str]:
    if isinstance(exc, NotFoundError):
        return 404, "Not found"
    if isinstance(exc, UploadError):
        return exc.status, "Upload refused"
    if isinstance(exc, TooManyAttempts):
        return 429, "Too many attempts"
    if isinstance(exc, InputError):
        return 400, "That did not work"
    if isinstance(exc, PdfError):
        return 503, "The PDF could not be made"
    return 500, "Something went wrong"


def _backstride(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BackstrideError)
    status, title = _status_of(exc)
    if status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    response = error_page(request, status, title, str(exc))
    if isinstance(exc, TooManyAttempts):
        response.headers["retry-after"] = str(exc.retry_after_s)
    return response


def _forbidden(request: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, Forbidden) else str(exc)
    return error_page(request, 403, "Not allowed", message)


def _unsupported(request: Request, exc: Exception) -> Response:
    return error_page(request, 415, "Not accepted", str(exc))


def _too_large(request: Request, exc: Exception) -> Response:
    return error_page(request, 413, "Too large", str(exc))


def _internal(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    message = f"internal error: {type(exc).__name__}. This is a bug in backstride; it was logged."
    return error_page(request, 500, "Something went wrong", message)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(LoginRequired, _login)
    app.add_exception_handler(BackstrideError, _backstride)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(UnsupportedForm, _unsupported)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(Exception, _internal)
