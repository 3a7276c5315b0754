"""Accounts through the real pages: first run, login, cookies, rate limits, sign-up, invites."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backstride.store import Database
from backstride.store.web_tables import LoginAttempt, User, WebSession
from backstride.web.app import create_app
from backstride.web.settings import WebSettings
from tests.web.conftest import FAST_ARGON2, PASSWORD, Browser, Clinic

COOKIE_RE = re.compile(
    r"^__Host-backstride=([^;]+); Max-Age=\d+; Path=/; Secure; HttpOnly; SameSite=Lax$"
)


def test_first_run_creates_the_admin_clinician_once(
    browser: Callable[[], Browser], db: Database
) -> None:
    b = browser()
    assert b.get("/", follow_redirects=False).headers["location"] == "/setup"
    bad = b.post(
        "/setup",
        {"clinic": "North", "name": "N", "email": "n@x.org", "password": "short"},
        page="/setup",
    )
    assert bad.status_code == 400 and "password: must be at least 10 characters" in bad.text
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(User)) == 0  # nothing half-made
    ok = b.post(
        "/setup",
        {"clinic": "North", "name": "N", "email": " N@X.org ", "password": PASSWORD},
        page="/setup",
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/runners"
    with db.session() as s:
        user = s.scalar(sa.select(User))
        assert user is not None and (user.email, user.role, user.is_admin) == (
            "n@x.org",
            "clinician",
            True,
        )
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    # closed for everyone afterwards
    assert browser().get("/setup").status_code == 404
    again = browser().client.post("/setup", data={"clinic": "Evil", "email": "e@x.org"})
    assert again.status_code == 403  # no CSRF token; and with one:
    other = browser()
    late = other.post(
        "/setup",
        {"clinic": "Evil", "name": "E", "email": "e@x.org", "password": PASSWORD},
        page="/login",
    )
    assert late.status_code == 404


def test_session_cookie_is_secure_httponly_samesite_and_rotates_on_login(
    clinic: Clinic, browser
) -> None:
    b = browser()
    form = b.get("/login")
    anonymous = COOKIE_RE.match(form.headers["set-cookie"])
    assert anonymous, form.headers["set-cookie"]
    response = b.login(clinic.email)
    assert response.status_code == 303
    logged_in = COOKIE_RE.match(response.headers["set-cookie"])
    assert logged_in and logged_in.group(1) != anonymous.group(1)  # no session fixation
    assert b.get("/runners").status_code == 200
    page = b.get("/runners")
    for header, value in (
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("cache-control", "no-store"),
    ):
        assert page.headers[header] == value
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # log out: the session row is gone and the cookie cleared
    out = b.post("/logout", {}, page="/runners", follow_redirects=False)
    assert "Max-Age=0" in out.headers["set-cookie"]
    assert b.get("/runners", follow_redirects=False).headers["location"].startswith("/login")


def test_stolen_cookie_stops_working_after_logout(clinic: Clinic, browser, db: Database) -> None:
    b = browser()
    b.login(clinic.email)
    stolen = b.client.cookies.get("__Host-backstride")
    b.post("/logout", {}, page="/runners")
    thief = browser()
    thief.client.cookies.set("__Host-backstride", stolen, domain="testserver")
    assert thief.get("/runners", follow_redirects=False).status_code == 303
    with db.session() as s:  # the database holds only hashes of tokens
        hashes = list(s.scalars(sa.select(WebSession.token_sha256)))
        assert stolen not in hashes and all(len(h) == 64 for h in hashes)


def test_wrong_password_and_unknown_account_get_the_same_answer(clinic: Clinic, browser) -> None:
    wrong = browser().login(clinic.email, "not the password")
    unknown = browser().login("nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    message = "that email and password do not match an account"
    assert message in wrong.text and message in unknown.text


def test_login_rate_limit_per_account_survives_a_restart(
    clinic: Clinic, browser, db: Database, settings: WebSettings
) -> None:
    for _ in range(settings.login_max_account_failures):
        assert browser().login(clinic.email, "wrong password!").status_code == 401
    refused = browser().login(clinic.email)  # the right password, but locked
    assert refused.status_code == 429 and "too many failed logins for this account" in refused.text
    # a new app on the same database (a restart) still refuses
    from fastapi.testclient import TestClient

    restarted = Browser(TestClient(create_app(db, settings), base_url="https://testserver"))
    assert restarted.login(clinic.email).status_code == 429
    # the window passes: allowed again
    with db.session() as s:
        for attempt in s.scalars(sa.select(LoginAttempt)):
            attempt.at = attempt.at - settings.login_window - timedelta(seconds=1)
    assert browser().login(clinic.email).status_code == 303


def test_login_rate_limit_per_address_covers_many_accounts(db: Database, app, browser) -> None:
    settings = WebSettings(argon2=FAST_ARGON2, login_max_address_failures=3)
    app.state.settings = settings
    for n in range(3):
        assert browser().login(f"guess{n}@example.org", "whatever1234").status_code == 401
    refused = browser().login("another@example.org", "whatever1234")
    assert refused.status_code == 429 and "your network address" in refused.text
    assert int(refused.headers["retry-after"]) > 0


def test_login_redirects_only_to_local_pages(clinic: Clinic, browser) -> None:
    b = browser()
    response = b.post(
        "/login",
        {"email": clinic.email, "password": PASSWORD, "next": "https://evil.example/phish"},
        page="/login",
        follow_redirects=False,
    )
    assert response.headers["location"] == "/runners"
    b2 = browser()
    target = f"/runners/{clinic.runners['Ben']}"
    assert b2.get(target, follow_redirects=False).headers["location"] == f"/login?next={target}"
    response = b2.post(
        "/login",
        {"email": clinic.email, "password": PASSWORD, "next": target},
        page=f"/login?next={target}",
        follow_redirects=False,
    )
    assert response.headers["location"] == target


def test_self_registration_sees_only_itself(clinic: Clinic, browser, db: Database) -> None:
    b = browser()
    response = b.post(
        "/register",
        {"name": "Cleo", "email": "cleo@example.org", "password": PASSWORD},
        page="/register",
        follow_redirects=False,
    )
    assert response.status_code == 303
    own = response.headers["location"]
    assert b.get(own).status_code == 200 and "Cleo" in b.get(own).text
    assert b.get("/runners", follow_redirects=False).headers["location"] == own
    assert b.get(f"/runners/{clinic.runners['Ana K']}").status_code == 404
    with db.session() as s:
        user = s.scalar(sa.select(User).where(User.email == "cleo@example.org"))
        assert user is not None and user.role == "runner"
        from backstride.store.tables import Runner

        assert s.get_one(Runner, user.runner_id).name == "self/cleo@example.org"
    again = browser().post(
        "/register",
        {"name": "Cleo 2", "email": "CLEO@example.org", "password": PASSWORD},
        page="/register",
    )
    assert again.status_code == 400 and "already exists" in again.text


def test_self_registration_can_be_closed(db: Database, browser, app) -> None:
    app.state.settings = WebSettings(argon2=FAST_ARGON2, self_registration=False)
    assert browser().get("/register").status_code == 404


def test_invite_link_works_once(clinic: Clinic, browser) -> None:
    ana = clinic.runners["Ana K"]
    page = clinic.clinician.post(f"/runners/{ana}/invite", {}, page=f"/runners/{ana}")
    link = re.search(
        r'<code class="invite-link">https://testserver(/invite/[^<]+)</code>', page.text
    )
    assert link, page.text
    runner = browser()
    assert "Your backstride account, Ana K" in runner.get(link.group(1)).text
    made = runner.post(
        link.group(1),
        {"email": "ana@example.org", "password": PASSWORD},
        page=link.group(1),
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == f"/runners/{ana}"
    assert "Ana K" in runner.get(f"/runners/{ana}").text
    assert runner.get(f"/runners/{clinic.runners['Ben']}").status_code == 404
    assert browser().get(link.group(1)).status_code == 404  # used
    # a second invite for a runner with an account is refused
    assert (
        clinic.clinician.post(f"/runners/{ana}/invite", {}, page=f"/runners/{ana}").status_code
        == 400
    )


@pytest.mark.parametrize("token", ["", "x" * 43, "../../etc/passwd"])
def test_bad_invite_tokens_are_not_found(clinic: Clinic, browser, token: str) -> None:
    assert browser().get(f"/invite/{token}").status_code == 404
