"""Accounts: the first-run page, login and logout, runner sign-up, and invite links.

The first-run page exists only while there is no account: it creates the clinic and its first
clinician, who is also the admin. Runners get an account by an invite link from their clinic
(one use, 14 days) or, when the instance allows it, by signing up themselves (they then belong to
no clinic and only ever see themselves).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from backstride.errors import InputError, NotFoundError
from backstride.store.base import utcnow
from backstride.store.runners import RunnerProfile
from backstride.store.tables import Runner
from backstride.store.web_accounts import (
    add_self_runner,
    count_users,
    create_clinic,
    create_user,
    display_name,
    find_user,
    open_invite,
)
from backstride.validation import validate_input
from backstride.web.guard import check_csrf, database, visit_of
from backstride.web.passwords import check_new_password, verify
from backstride.web.ratelimit import (
    TooManyAttempts,
    check_login_allowed,
    check_signup_allowed,
    record_login,
)
from backstride.web.render import page, redirect

router = APIRouter(dependencies=[Depends(check_csrf)])


def client_address(request: Request) -> str:
    """The client's address (as uvicorn reports it; behind a proxy, from its headers)."""
    return request.client.host if request.client else "unknown"


def safe_next(target: str | None) -> str | None:
    """A redirect target after login, only when it is a path on this site.

    Examples
    --------
    >>> safe_next("/runners/3"), safe_next("https://evil.example/"), safe_next("//evil.example")
    ('/runners/3', None, None)
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc or "\\" in target else target


def home_of(request: Request) -> str:
    """Where the logged-in account starts."""
    who = visit_of(request).viewer
    if who is None:
        return "/login"
    return "/runners" if who.is_clinician else f"/runners/{who.runner_id}"


def hasher(request: Request) -> PasswordHasher:
    """The app's argon2 hasher."""
    ph: PasswordHasher = request.app.state.hasher
    return ph


@router.get("/")
def home(request: Request) -> Response:
    """The start page: first run, login, or the account's own start."""
    with database(request).session() as s:
        if count_users(s) == 0:
            return redirect("/setup")
    return redirect(home_of(request))


@router.get("/setup")
def setup_form(request: Request) -> Response:
    """The first-run form (only while no account exists)."""
    with database(request).session() as s:
        if count_users(s):
            raise NotFoundError("the first-run page is closed: accounts already exist")
    return page(request, "setup.html", {"form": {}})


@router.post("/setup")
def setup(
    request: Request,
    clinic: str = Form(""),
    name: str = Form(""),
    email: str = Form(""),
    password: str = Form(""),
) -> Response:
    """Create the clinic and its first clinician (the admin), and log in."""
    form = {"clinic": clinic, "name": name, "email": email}
    try:
        check_email(email)
        check_new_password(password, email=email)
        password_hash = hasher(request).hash(password)
        with database(request).session() as s:
            if count_users(s):
                raise NotFoundError("the first-run page is closed: accounts already exist")
            made = create_clinic(s, clinic)
            user = create_user(
                s,
                email=email,
                display_name=name,
                password_hash=password_hash,
                role="clinician",
                clinic_id=made.id,
                is_admin=True,
            )
            user_id = user.id
    except NotFoundError:
        raise
    except InputError as exc:
        return page(request, "setup.html", {"form": form, "error": str(exc)}, status=400)
    visit_of(request).login(user_id)
    return redirect("/runners")


def check_email(email: str) -> None:
    value = email.strip()
    if "@" not in value or len(value) > 254 or value.startswith("@") or value.endswith("@"):
        raise InputError(f"email: {value!r} is not an email address")


@router.get("/login")
def login_form(request: Request, next: str = "") -> Response:
    """The login form."""
    return page(request, "login.html", {"next": safe_next(next)})


@router.post("/login")
def login(
    request: Request, email: str = Form(""), password: str = Form(""), next: str = Form("")
) -> Response:
    """Check the password (rate-limited per account and address) and start a session."""
    address = client_address(request)
    db = database(request)
    context: dict[str, Any] = {"email": email, "next": safe_next(next)}
    try:
        with db.session() as s:
            check_login_allowed(s, email, address, request.app.state.settings)
    except TooManyAttempts as exc:
        refused = page(request, "login.html", {**context, "error": str(exc)}, status=429)
        refused.headers["retry-after"] = str(exc.retry_after_s)
        return refused
    with db.session() as s:
        user = find_user(s, email)
        stored = user.password_hash if user else request.app.state.dummy_hash.value
        ok = verify(hasher(request), stored, password) and user is not None
        record_login(s, email, address, succeeded=ok)
        user_id = user.id if user is not None and ok else None
        if user is not None and ok and hasher(request).check_needs_rehash(stored):
            user.password_hash = hasher(request).hash(password)
    if user_id is None:
        error = "that email and password do not match an account"
        return page(request, "login.html", {**context, "error": error}, status=401)
    visit_of(request).login(user_id)
    return redirect(safe_next(next) or home_of(request))


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session."""
    visit_of(request).logout()
    return redirect("/login")


def _register_page(request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "heading": "Create a runner account",
        "intro": "You will see only your own assessments and program. Your clinic can also "
        "invite you with a link instead.",
        "action": "/register",
        "ask_name": True,
        "form": {},
        **extra,
    }


@router.get("/register")
def register_form(request: Request) -> Response:
    """The runner sign-up form (when this instance allows it)."""
    if not request.app.state.settings.self_registration:
        raise NotFoundError("sign-up is not open here: ask your clinic for an invite link")
    return page(request, "register.html", _register_page(request))


@router.post("/register")
def register(
    request: Request, name: str = Form(""), email: str = Form(""), password: str = Form("")
) -> Response:
    """Create a runner and their account, and log in."""
    settings = request.app.state.settings
    if not settings.self_registration:
        raise NotFoundError("sign-up is not open here: ask your clinic for an invite link")
    form = {"name": name, "email": email}
    try:
        with database(request).session() as s:
            check_signup_allowed(s, client_address(request), settings)
        check_email(email)
        check_new_password(password, email=email)
        profile = validate_input(RunnerProfile, {"name": name})
        password_hash = hasher(request).hash(password)
        with database(request).session() as s:
            if find_user(s, email) is not None:
                raise InputError(f"an account with the email {email.strip()!r} already exists")
            runner = add_self_runner(s, email, profile)
            user = create_user(
                s,
                email=email,
                display_name=profile.name,
                password_hash=password_hash,
                role="runner",
                runner_id=runner.id,
            )
            user_id, runner_id = user.id, runner.id
    except InputError as exc:
        context = _register_page(request, form=form, error=str(exc))
        return page(request, "register.html", context, status=400)
    visit_of(request).login(user_id)
    return redirect(f"/runners/{runner_id}")


def _invite_page(request: Request, token: str, runner_name: str, **extra: Any) -> dict[str, Any]:
    return {
        "heading": f"Your backstride account, {runner_name}",
        "intro": "Your clinic invited you. Choose the email and password you will log in with.",
        "action": f"/invite/{token}",
        "ask_name": False,
        "form": {},
        **extra,
    }


@router.get("/invite/{token}")
def invite_form(request: Request, token: str) -> Response:
    """The form behind an invite link."""
    with database(request).session() as s:
        invite = open_invite(s, token)
        name = display_name(s, s.get_one(Runner, invite.runner_id))
    return page(request, "register.html", _invite_page(request, token, name))


@router.post("/invite/{token}")
def accept_invite(
    request: Request, token: str, email: str = Form(""), password: str = Form("")
) -> Response:
    """Create the runner's account from an invite (the link then stops working)."""
    db = database(request)
    with db.session() as s:
        invite = open_invite(s, token)
        name = display_name(s, s.get_one(Runner, invite.runner_id))
    try:
        check_email(email)
        check_new_password(password, email=email)
        password_hash = hasher(request).hash(password)
        with db.session() as s:
            invite = open_invite(s, token)
            user = create_user(
                s,
                email=email,
                display_name=name,
                password_hash=password_hash,
                role="runner",
                runner_id=invite.runner_id,
            )
            invite.used_at = utcnow()
            user_id, runner_id = user.id, invite.runner_id
    except NotFoundError:
        raise
    except InputError as exc:
        context = _invite_page(request, token, name, form={"email": email}, error=str(exc))
        return page(request, "register.html", context, status=400)
    visit_of(request).login(user_id)
    return redirect(f"/runners/{runner_id}")
