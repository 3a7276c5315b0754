"""The batch's database side: the runners a manifest adds, the assessments an earlier run
stored, and stored assessments read back for the cohort tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pydantic
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.assess.models import Assessment
from backstride.batch.cohort import StoredAssessment
from backstride.batch.manifest import Manifest
from backstride.errors import StoreError
from backstride.store import Database
from backstride.store.runners import RunnerProfile, add_runner, find_runner
from backstride.store.tables import Assessment as AssessmentRow
from backstride.store.tables import Runner

KIND = "assessment"


def runner_facts(db: Database, manifest: Manifest) -> tuple[dict[str, int | None], list[str]]:
    """Each manifest runner's birth year as their assessments will use it (the stored one, else
    the manifest's, which `prepare_runners` then stores), and the manifest's conflicts: two
    birth years for one runner, or one that differs from the stored runner's."""
    years: dict[str, int | None] = {}
    problems: list[str] = []
    with db.session() as s:
        for name, rows in manifest.runners().items():
            given = {r.birth_year: r.line for r in rows if r.birth_year is not None}
            runner = find_runner(s, name)
            stored = runner.birth_year if runner is not None else None
            if len(given) > 1:
                lines = ", ".join(str(line) for line in sorted(given.values()))
                problems.append(f"lines {lines} ({name}): different birth years for one runner")
            elif stored is not None and given and stored not in given:
                (year, line), *_ = given.items()
                problems.append(
                    f"line {line} ({name}): birth_year {year}, but the stored runner's is "
                    f"{stored}; correct it or leave it empty"
                )
            years[name] = stored if stored is not None else next(iter(given), None)
    return years, problems


def prepare_runners(db: Database, manifest: Manifest) -> tuple[list[str], list[str]]:
    """Add every manifest runner not yet stored, and fill in a stored runner's missing height
    or birth year from the manifest (the first row giving it); a value already stored is never
    changed. Return the names added and the names filled in."""
    added: list[str] = []
    filled: list[str] = []
    with db.session() as s:
        for name, rows in manifest.runners().items():
            height = next((r.height_cm for r in rows if r.height_cm is not None), None)
            born = next((r.birth_year for r in rows if r.birth_year is not None), None)
            runner = find_runner(s, name)
            if runner is None:
                add_runner(s, RunnerProfile(name=name, height_cm=height, birth_year=born))
                added.append(name)
                continue
            changed = False
            if runner.height_cm is None and height is not None:
                runner.height_cm, changed = height, True
            if runner.birth_year is None and born is not None:
                runner.birth_year, changed = born, True
            if changed:
                filled.append(name)
    return added, filled


def existing_assessments(db: Database, claimed: Mapping[str, Iterable[int]]) -> set[int]:
    """The ids of ``claimed`` (runner name -> assessment ids) that are stored assessments of
    that runner; an id deleted since, or now another runner's, is left out."""
    wanted = {i for ids in claimed.values() for i in ids}
    if not wanted:
        return set()
    with db.session() as s:
        rows = s.execute(
            select(AssessmentRow.id, Runner.name)
            .join(Runner, Runner.id == AssessmentRow.runner_id)
            .where(AssessmentRow.id.in_(wanted), AssessmentRow.kind == KIND)
        ).all()
    return {i for i, name in rows if i in set(claimed.get(name, ()))}


def _summary(s: Session, row_id: int | None) -> dict[str, object] | None:
    row = s.get(AssessmentRow, row_id) if row_id is not None else None
    return None if row is None else dict(row.summary)


def load_stored(db: Database, ids: Iterable[int]) -> list[StoredAssessment]:
    """The assessments ``ids`` with the gait and training summaries they point at, in id order."""
    out: list[StoredAssessment] = []
    with db.session() as s:
        for row in s.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.id.in_(set(ids)), AssessmentRow.kind == KIND)
            .order_by(AssessmentRow.id)
        ):
            try:
                a = Assessment.model_validate(row.summary)
            except pydantic.ValidationError as exc:
                raise StoreError(
                    f"stored assessment #{row.id} cannot be read ({exc.error_count()} problems)"
                ) from None
            out.append(
                StoredAssessment(
                    assessment_id=row.id,
                    assessment=a,
                    gait=_summary(s, a.stages.gait),
                    training=_summary(s, a.stages.training),
                )
            )
    return out


def assessment_ids(db: Database, runners: Iterable[str] = (), *, every: bool = False) -> list[int]:
    """Stored assessment ids: each runner's latest (or ``every`` one), for the named runners
    or all of them. An unknown name is a `NotFoundError`."""
    from backstride.store.runners import get_runner

    with db.session() as s:
        names = list(runners)
        runner_ids = [get_runner(s, n).id for n in names] if names else None
        query = select(AssessmentRow.id, AssessmentRow.runner_id).where(AssessmentRow.kind == KIND)
        if runner_ids is not None:
            query = query.where(AssessmentRow.runner_id.in_(runner_ids))
        rows = s.execute(query.order_by(AssessmentRow.created_at, AssessmentRow.id)).all()
    if every:
        return [i for i, _ in rows]
    latest: dict[int, int] = {}
    for i, runner_id in rows:
        latest[runner_id] = i
    return sorted(latest.values())
