"""Repository functions of intakes: a new assessment being put together in the web app (the
uploaded files, the check-in answers so far) until it is submitted as a job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import NotFoundError
from backstride.store.tables import Artifact
from backstride.store.web_tables import Intake, IntakeFile


@dataclass(frozen=True)
class IntakeUpload:
    """One uploaded file of an intake."""

    artifact_id: int
    role: str
    format: str
    name: str
    size_bytes: int


def create_intake(
    session: Session,
    runner_id: int,
    *,
    created_by: int | None,
    height_cm: float | None,
    answers: dict[str, Any],
) -> Intake:
    """A new draft intake."""
    intake = Intake(
        runner_id=runner_id,
        created_by=created_by,
        status="draft",
        height_cm=height_cm,
        answers=answers,
        shown=[],
        checkin_skipped=False,
    )
    session.add(intake)
    session.flush()
    return intake


def add_upload(session: Session, intake: Intake, artifact: Artifact, role: str, fmt: str) -> None:
    """Attach an uploaded artifact to the intake."""
    session.add(IntakeFile(intake_id=intake.id, artifact_id=artifact.id, role=role, format=fmt))
    session.flush()


def get_intake(session: Session, runner_id: int, intake_id: int) -> Intake:
    """The runner's intake; another runner's (or none) is a `NotFoundError`."""
    intake = session.get(Intake, intake_id)
    if intake is None or intake.runner_id != runner_id:
        raise NotFoundError(f"no assessment draft #{intake_id} for this runner")
    return intake


def uploads(session: Session, intake_id: int) -> list[IntakeUpload]:
    """The files of an intake, in upload order."""
    rows = session.execute(
        select(IntakeFile, Artifact)
        .join(Artifact, Artifact.id == IntakeFile.artifact_id)
        .where(IntakeFile.intake_id == intake_id)
        .order_by(IntakeFile.id)
    )
    return [IntakeUpload(a.id, f.role, f.format, a.original_name, a.size_bytes) for f, a in rows]


def open_intakes(session: Session, runner_id: int) -> list[Intake]:
    """The runner's drafts not yet submitted, newest first."""
    return list(
        session.scalars(
            select(Intake)
            .where(Intake.runner_id == runner_id, Intake.status == "draft")
            .order_by(Intake.id.desc())
        )
    )
