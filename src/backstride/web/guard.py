"""What a request may do: who is logged in, the CSRF check, and which runner it may touch.

Every route that shows or changes a runner's data takes the runner through `runner_scope`: a
runner account reaches only its own runner, a clinician only the runners of their clinic. Any
other runner is answered exactly like one that does not exist (404), so ids reveal nothing.

Every unsafe request (POST, PUT, PATCH, DELETE) must carry the session's CSRF token: in the form
field ``csrf_token`` or the ``X-CSRF-Token`` header, compared in constant time. `check_csrf` runs
on every router; a multipart upload is checked by its route once the body has been streamed to
temporary files (the token is one of its fields), before anything is stored.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from backstride.errors import NotFoundError
from backstride.store.db import Database
from backstride.store.tables import Runner
from backstride.store.web_accounts import display_name, runner_clinic
from backstride.web.visit import Viewer, Visit

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
#: The only route that takes files (streamed by `backstride.web.uploads`).
UPLOAD_PATH = re.compile(r"^/runners/\d+/intakes$")


class LoginRequired(Exception):
    """The page needs a logged-in account (answered with a redirect to the login page)."""


class Forbidden(Exception):
    """The account may not do this (a runner on a clinician page), or the CSRF check failed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class UnsupportedForm(Exception):
    """A body this route does not take (files sent to a form without file fields)."""


def visit_of(request: Request) -> Visit:
    """The `Visit` the middleware attached to this request."""
    visit = getattr(request.state, "visit", None)
    if not isinstance(visit, Visit):
        raise RuntimeError("VisitMiddleware is not installed")
    return visit


def database(request: Request) -> Database:
    """The app's database."""
    db: Database = request.app.state.db
    return db


async def viewer(request: Request) -> Viewer:
    """The logged-in account; none is `LoginRequired` (async: no I/O, so no thread hop)."""
    who = visit_of(request).viewer
    if who is None:
        raise LoginRequired()
    return who


async def clinician(who: Viewer = Depends(viewer)) -> Viewer:
    """A clinician account (a runner is `Forbidden`)."""
    if not who.is_clinician:
        raise Forbidden("this page is for clinicians")
    return who


async def admin(who: Viewer = Depends(viewer)) -> Viewer:
    """An admin account."""
    if not who.is_admin:
        raise Forbidden("this page is for admins")
    return who


def csrf_matches(visit: Visit, token: str | None) -> bool:
    """True when ``token`` is this session's CSRF token."""
    expected = visit.csrf_token
    return bool(expected and token and hmac.compare_digest(expected, token))


def require_csrf(visit: Visit, token: str | None) -> None:
    """Raise `Forbidden` unless ``token`` is the session's CSRF token."""
    if not csrf_matches(visit, token):
        raise Forbidden(
            "this form has expired or did not come from this site; reload the page and try again"
        )


async def check_csrf(request: Request) -> None:
    """Router dependency: unsafe requests need the token (multipart: checked by the route)."""
    if request.method not in UNSAFE:
        return
    token = request.headers.get("x-csrf-token")
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        if not UPLOAD_PATH.match(request.url.path):
            raise UnsupportedForm("this form does not take files")
        if token is None:
            return  # the upload route checks the token field once the body is streamed
    if token is None and content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    require_csrf(visit_of(request), token)


async def form_values(request: Request) -> dict[str, list[str]]:
    """Every field of a url-encoded form with all its values (checkboxes repeat a name)."""
    form = await request.form()
    return {key: [str(v) for v in form.getlist(key)] for key in form}


@dataclass(frozen=True)
class RunnerRef:
    """A runner the viewer may see: its id, stored name, and the name people see."""

    id: int
    name: str
    display: str
    clinic_id: int | None
    height_cm: float | None
    birth_year: int | None


def may_see(session: Session, who: Viewer, runner_id: int) -> bool:
    """The access rule: runners see themselves, clinicians the runners of their clinic."""
    if who.role == "runner":
        return who.runner_id == runner_id
    link = runner_clinic(session, runner_id)
    return link is not None and link.clinic_id == who.clinic_id


def scoped_runner(session: Session, who: Viewer, runner_id: int) -> RunnerRef:
    """The runner ``runner_id`` if ``who`` may see it, else the same `NotFoundError` as none."""
    runner = session.get(Runner, runner_id)
    if runner is None or not may_see(session, who, runner_id):
        raise NotFoundError(f"no runner #{runner_id}")
    link = runner_clinic(session, runner_id)
    return RunnerRef(
        runner.id,
        runner.name,
        display_name(session, runner),
        None if link is None else link.clinic_id,
        runner.height_cm,
        runner.birth_year,
    )


def runner_scope(runner_id: int, request: Request, who: Viewer = Depends(viewer)) -> RunnerRef:
    """Route dependency: the ``{runner_id}`` of the path, checked against the viewer."""
    with database(request).session() as session:
        return scoped_runner(session, who, runner_id)
