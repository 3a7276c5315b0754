"""Repository functions of the web app's accounts: clinics, users, which clinic a runner belongs
to, and one-time invite links.

**Runner names and clinics.** A runner's name is globally unique in ``runners`` (the command line
addresses runners by it). A runner made in the web app by a clinic is stored under the
*qualified* name ``"<clinic slug>/<name>"`` (``"north-physio/Ana K"``), so two clinics can each
have an "Ana K" without learning of each other, and the command line can still address either.
A self-registered runner is stored as ``"self/<email>"``. The clinic's own name for the runner
is kept in ``runner_clinics.display_name``. A runner made on the command line belongs to no
clinic (no web user sees it) until an admin adds it to theirs; its name is kept as it is.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.errors import InputError, NotFoundError
from backstride.program.calendar import slug
from backstride.store.base import utcnow
from backstride.store.runners import RunnerProfile, add_runner, find_runner
from backstride.store.tables import Runner
from backstride.store.web_tables import Clinic, Invite, RunnerClinic, User


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which a secret token is stored.

    Examples
    --------
    >>> len(token_digest("abc")), token_digest("abc") == token_digest("abc")
    (64, True)
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def normalise_email(email: str) -> str:
    """Emails compare without surrounding spaces and case.

    Examples
    --------
    >>> normalise_email("  Ana.K@Example.ORG ")
    'ana.k@example.org'
    """
    return email.strip().lower()


def count_users(session: Session) -> int:
    """How many accounts exist (zero means the first-run page is open)."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def create_clinic(session: Session, name: str) -> Clinic:
    """A new clinic; a name (or its slug) already taken is an input error."""
    name = name.strip()
    if not name:
        raise InputError("the clinic needs a name")
    key = slug(name)[:60]
    taken = session.scalar(select(Clinic).where((Clinic.name == name) | (Clinic.slug == key)))
    if taken is not None:
        raise InputError(f"a clinic named {taken.name!r} already exists")
    clinic = Clinic(name=name[:120], slug=key)
    session.add(clinic)
    session.flush()
    return clinic


def list_clinics(session: Session) -> list[Clinic]:
    """Every clinic by name."""
    return list(session.scalars(select(Clinic).order_by(Clinic.name)))


def find_user(session: Session, email: str) -> User | None:
    """The account with this email, or None."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    password_hash: str,
    role: str,
    clinic_id: int | None = None,
    runner_id: int | None = None,
    is_admin: bool = False,
) -> User:
    """A new account; an email already in use is an input error."""
    email = normalise_email(email)
    if find_user(session, email) is not None:
        raise InputError(f"an account with the email {email!r} already exists")
    user = User(
        email=email,
        display_name=display_name.strip()[:120] or email,
        password_hash=password_hash,
        role=role,
        is_admin=is_admin,
        clinic_id=clinic_id,
        runner_id=runner_id,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent sign-up took the email
        raise InputError(f"an account with the email {email!r} already exists") from exc
    return user


def clinic_users(session: Session, clinic_id: int) -> list[User]:
    """The clinicians of a clinic, by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.clinic_id == clinic_id, User.role == "clinician")
            .order_by(User.display_name)
        )
    )


def add_clinic_runner(session: Session, clinic: Clinic, profile: RunnerProfile) -> Runner:
    """A new runner of ``clinic``, stored under the qualified name ``"<slug>/<name>"``."""
    qualified = f"{clinic.slug}/{profile.name}"
    if find_runner(session, qualified) is not None:
        raise InputError(f"your clinic already has a runner called {profile.name!r}")
    if len(qualified) > 120:
        raise InputError(f"the name {profile.name!r} is too long (at most 60 characters here)")
    runner = add_runner(session, profile.model_copy(update={"name": qualified}))
    session.add(RunnerClinic(runner_id=runner.id, clinic_id=clinic.id, display_name=profile.name))
    session.flush()
    return runner


def add_self_runner(session: Session, email: str, profile: RunnerProfile) -> Runner:
    """The runner of a self-registered account, stored as ``"self/<email>"``."""
    qualified = f"self/{normalise_email(email)}"[:120]
    return add_runner(session, profile.model_copy(update={"name": qualified}))


def runner_clinic(session: Session, runner_id: int) -> RunnerClinic | None:
    """The clinic link of a runner, or None (self-registered, or made on the command line)."""
    return session.get(RunnerClinic, runner_id)


def display_name(session: Session, runner: Runner) -> str:
    """The name a person sees: the clinic's name for the runner, else the name the runner signed
    up with, else the stored name."""
    link = runner_clinic(session, runner.id)
    if link is not None:
        return link.display_name
    account = runner_account(session, runner.id)
    return account.display_name if account is not None else runner.name


def clinic_runners(session: Session, clinic_id: int) -> list[tuple[Runner, RunnerClinic]]:
    """The runners of a clinic with their links, by name."""
    rows = session.execute(
        select(Runner, RunnerClinic)
        .join(RunnerClinic, RunnerClinic.runner_id == Runner.id)
        .where(RunnerClinic.clinic_id == clinic_id)
        .order_by(RunnerClinic.display_name)
    )
    return [(runner, link) for runner, link in rows]


def unassigned_runners(session: Session) -> list[Runner]:
    """Runners in no clinic and without an account: the ones made on the command line."""
    linked = select(RunnerClinic.runner_id)
    with_account = select(User.runner_id).where(User.runner_id.is_not(None))
    return list(
        session.scalars(
            select(Runner)
            .where(Runner.id.not_in(linked), Runner.id.not_in(with_account))
            .order_by(Runner.name)
        )
    )


def assign_runner(session: Session, runner_id: int, clinic_id: int) -> RunnerClinic:
    """Add an unassigned runner to a clinic (its name is kept as it is)."""
    runner = session.get(Runner, runner_id)
    if runner is None or runner.id not in {r.id for r in unassigned_runners(session)}:
        raise NotFoundError(f"no unassigned runner #{runner_id}")
    link = RunnerClinic(runner_id=runner.id, clinic_id=clinic_id, display_name=runner.name)
    session.add(link)
    session.flush()
    return link


def runner_account(session: Session, runner_id: int) -> User | None:
    """The runner's own account, if they have one."""
    return session.scalar(select(User).where(User.runner_id == runner_id))


def create_invite(
    session: Session, runner_id: int, *, created_by: int | None, ttl: timedelta
) -> str:
    """A one-time invite for the runner; returns the token (only its hash is stored)."""
    token = new_token()
    session.add(
        Invite(
            token_sha256=token_digest(token),
            runner_id=runner_id,
            created_by=created_by,
            expires_at=utcnow() + ttl,
        )
    )
    session.flush()
    return token


def open_invite(session: Session, token: str, *, now: datetime | None = None) -> Invite:
    """The unused, unexpired invite for ``token``; anything else is a `NotFoundError`."""
    invite = session.scalar(select(Invite).where(Invite.token_sha256 == token_digest(token)))
    if invite is None or invite.used_at is not None or invite.expires_at <= (now or utcnow()):
        raise NotFoundError(
            "this invite link is not valid: it was used, it expired, or it is wrong"
        )
    if runner_account(session, invite.runner_id) is not None:
        raise NotFoundError("this runner already has an account: log in instead")
    return invite
