"""Runner records: the profile schema and the repository functions over the ``runners`` table."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.errors import InputError, NotFoundError
from backstride.store.tables import Artifact, Runner
from backstride.validation import NonBlankStr

Sex = Literal["female", "male", "other"]


class RunnerProfile(BaseModel):
    """What we know about a runner. Only the name is required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: NonBlankStr = Field(min_length=1, max_length=120)
    height_cm: float | None = Field(default=None, ge=100, le=250)
    birth_year: int | None = Field(default=None, ge=1900)
    sex: Sex | None = None
    notes: str | None = Field(default=None, max_length=4000)

    @field_validator("birth_year")
    @classmethod
    def _not_future(cls, value: int | None) -> int | None:
        if value is not None and value > date.today().year:
            raise ValueError(f"is in the future ({value})")
        return value


def add_runner(session: Session, profile: RunnerProfile) -> Runner:
    """Create a runner; a name already taken is an input error."""
    if find_runner(session, profile.name) is not None:
        raise InputError(f"a runner named {profile.name!r} already exists")
    runner = Runner(**profile.model_dump())
    session.add(runner)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent writer took the name
        raise InputError(f"a runner named {profile.name!r} already exists") from exc
    return runner


def find_runner(session: Session, name: str) -> Runner | None:
    """The runner called ``name``, or None."""
    return session.scalar(select(Runner).where(Runner.name == name.strip()))


def get_runner(session: Session, name: str) -> Runner:
    """The runner called ``name``; an unknown name is a `NotFoundError` saying how to add one."""
    runner = find_runner(session, name)
    if runner is None:
        raise NotFoundError(
            f"no runner named {name!r}; see `backstride runner list` or add one with "
            f"`backstride runner add {name!r}`"
        )
    return runner


def list_runners(session: Session) -> list[Runner]:
    """All runners by name."""
    return list(session.scalars(select(Runner).order_by(Runner.name)))


def delete_runner(session: Session, name: str) -> set[str]:
    """Delete a runner and every row they own; return the content hashes of their files.

    The caller removes those blobs (`BlobStore.remove_unreferenced`) after the transaction
    commits, so a failed delete never loses a file.
    """
    runner = get_runner(session, name)
    hashes = set(session.scalars(select(Artifact.sha256).where(Artifact.runner_id == runner.id)))
    session.delete(runner)
    session.flush()
    return hashes
