"""Repository functions of the training stage: imported files, activities, shoes.

`save_file_result` is the unit of an import: the caller runs it in one transaction per file, so a
file is either stored whole (its file row, its activities, their sources) or not at all.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backstride.errors import InputError, NotFoundError
from backstride.store.db import Database
from backstride.store.tables import Assessment
from backstride.store.training_tables import ActivitySource, Shoe, TrainingActivity, TrainingFile
from backstride.training.activity import Activity, ActivityRecord, Surface
from backstride.training.dedupe import MAX_START_DIFF, incoming_wins, is_duplicate, representative
from backstride.training.ingest.results import FileResult, Outcome, ParsedSession, Saved
from backstride.training.report import TrainingReport
from backstride.training.shoes import ShoePair
from backstride.validation import NonBlankStr

ACTIVITY_COLUMNS = tuple(Activity.model_fields)


def known_hashes(session: Session, runner_id: int) -> set[str]:
    """Content hashes of every file this runner imported."""
    rows = session.scalars(select(TrainingFile.sha256).where(TrainingFile.runner_id == runner_id))
    return set(rows)


def to_activity(row: TrainingActivity) -> Activity:
    """The `Activity` a stored row holds."""
    return Activity.model_validate({name: getattr(row, name) for name in ACTIVITY_COLUMNS})


def _columns(activity: Activity) -> dict[str, Any]:
    return activity.model_dump()


def _find_duplicate(
    session: Session, runner_id: int, activity: Activity
) -> TrainingActivity | None:
    window = MAX_START_DIFF + timedelta(seconds=1)
    rows = session.scalars(
        select(TrainingActivity)
        .where(TrainingActivity.runner_id == runner_id)
        .where(TrainingActivity.start_utc >= activity.start_utc - window)
        .where(TrainingActivity.start_utc <= activity.start_utc + window)
        .order_by(TrainingActivity.id)
    )
    for row in rows:
        if is_duplicate(to_activity(row), activity):
            return row
    return None


def _merge(
    session: Session, row: TrainingActivity, parsed: ParsedSession, file_id: int, index: int
) -> None:
    stored = to_activity(row)
    wins = incoming_wins(stored, parsed.activity)
    best = representative(stored, parsed.activity)
    for name, value in _columns(best).items():
        setattr(row, name, value)
    if wins:
        row.stream_key = parsed.stream_key
        session.execute(
            update(ActivitySource)
            .where(ActivitySource.activity_id == row.id)
            .values(is_primary=False)
        )
    session.add(
        ActivitySource(
            activity_id=row.id,
            file_id=file_id,
            session_index=index,
            source_format=parsed.activity.source_format,
            is_primary=wins,
            stream_key=parsed.stream_key,
        )
    )


def save_file_result(session: Session, runner_id: int, result: FileResult) -> Saved:
    """Store one parsed file: its file row, new activities, duplicates merged into stored ones.

    Sessions too short to count are not stored (the file is, so it is known next time).
    """
    source = result.source
    file_row = TrainingFile(
        runner_id=runner_id,
        sha256=source.sha256,
        name=source.display[-255:],
        size_bytes=source.size_bytes,
        format=source.fmt,
    )
    session.add(file_row)
    session.flush()
    runs = merged = 0
    other: list[str] = []
    short: list[str] = []
    for index, parsed in enumerate(result.sessions):
        if parsed.skip_reason:
            short.append(parsed.skip_reason)
            continue
        duplicate = _find_duplicate(session, runner_id, parsed.activity)
        if duplicate is not None:
            _merge(session, duplicate, parsed, file_row.id, index)
            merged += 1
            continue
        row = TrainingActivity(
            runner_id=runner_id, stream_key=parsed.stream_key, **_columns(parsed.activity)
        )
        session.add(row)
        session.flush()
        session.add(
            ActivitySource(
                activity_id=row.id,
                file_id=file_row.id,
                session_index=index,
                source_format=parsed.activity.source_format,
                is_primary=True,
                stream_key=parsed.stream_key,
            )
        )
        if parsed.activity.counts_as_running:
            runs += 1
        else:
            other.append(parsed.activity.sport.value)
    session.flush()
    return _outcome(runs, merged, other, short)


def _outcome(runs: int, merged: int, other: list[str], short: list[str]) -> Saved:
    sports = ", ".join(dict.fromkeys(other))
    if runs:
        return Saved(Outcome.IMPORTED, f"also stored, not counted: {sports}" if other else None)
    if merged and not other:
        return Saved(Outcome.MERGED)
    if other:
        return Saved(
            Outcome.SKIPPED, f"not running ({sports}): stored, not counted toward running load"
        )
    return Saved(Outcome.SKIPPED, short[0] if short else "no activity to store")


def list_activities(
    session: Session, runner_id: int, *, until: date | None = None
) -> list[ActivityRecord]:
    """Every stored activity of a runner (optionally up to a local date), oldest first."""
    query = select(TrainingActivity).where(TrainingActivity.runner_id == runner_id)
    if until is not None:
        query = query.where(TrainingActivity.local_date <= until)
    rows = session.scalars(query.order_by(TrainingActivity.start_utc, TrainingActivity.id))
    return [ActivityRecord(row.id, to_activity(row), row.shoe_id) for row in rows]


def source_counts(session: Session, runner_id: int) -> dict[int, int]:
    """How many file sessions each activity was merged from."""
    rows = session.execute(
        select(ActivitySource.activity_id, ActivitySource.id)
        .join(TrainingActivity, TrainingActivity.id == ActivitySource.activity_id)
        .where(TrainingActivity.runner_id == runner_id)
    )
    counts: dict[int, int] = {}
    for activity_id, _ in rows:
        counts[activity_id] = counts.get(activity_id, 0) + 1
    return counts


class ShoeInput(BaseModel):
    """A pair of shoes as typed on the command line, validated once."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: NonBlankStr = Field(min_length=1, max_length=120)
    surface: Surface | None = None
    is_default: bool = False
    initial_km: float = Field(default=0.0, ge=0, le=10000)
    limit_km: float = Field(gt=0, le=10000)
    since: date | None = None

    @field_validator("surface")
    @classmethod
    def _road_or_trail(cls, value: Surface | None) -> Surface | None:
        if value is Surface.TREADMILL:
            raise ValueError("must be road or trail (treadmill runs use the road pair)")
        return value


def to_pair(row: Shoe) -> ShoePair:
    """The `ShoePair` a stored row holds."""
    return ShoePair(
        id=row.id,
        name=row.name,
        surface=Surface(row.surface) if row.surface else None,
        is_default=row.is_default,
        initial_km=row.initial_km,
        limit_km=row.limit_km,
        since=row.since,
        retired_on=row.retired_on,
    )


def add_shoe(session: Session, runner_id: int, shoe: ShoeInput) -> Shoe:
    """Add a pair; a name the runner already uses is an input error."""
    if _find_shoe(session, runner_id, shoe.name) is not None:
        raise InputError(f"a pair named {shoe.name!r} already exists for this runner")
    if shoe.is_default and shoe.surface is None:
        raise InputError("--default needs --surface road or trail: default for which surface?")
    row = Shoe(
        runner_id=runner_id,
        name=shoe.name,
        surface=shoe.surface.value if shoe.surface else None,
        is_default=False,
        initial_km=shoe.initial_km,
        limit_km=shoe.limit_km,
        since=shoe.since,
    )
    session.add(row)
    session.flush()
    if shoe.is_default:
        make_default(session, row)
    return row


def _find_shoe(session: Session, runner_id: int, name: str) -> Shoe | None:
    return session.scalar(
        select(Shoe).where(Shoe.runner_id == runner_id).where(Shoe.name == name.strip())
    )


def get_shoe(session: Session, runner_id: int, name: str) -> Shoe:
    """The runner's pair called ``name``; unknown names are a `NotFoundError`."""
    row = _find_shoe(session, runner_id, name)
    if row is None:
        raise NotFoundError(
            f"no pair of shoes named {name!r}; see `backstride shoes list --runner ...`"
        )
    return row


def list_shoes(session: Session, runner_id: int) -> list[Shoe]:
    """A runner's pairs, oldest first."""
    return list(session.scalars(select(Shoe).where(Shoe.runner_id == runner_id).order_by(Shoe.id)))


def make_default(session: Session, shoe: Shoe) -> None:
    """Make ``shoe`` the default for its surface (the previous default stops being one)."""
    if shoe.surface is None:
        raise InputError(f"{shoe.name!r} has no surface: add one with --surface road or trail")
    session.execute(
        update(Shoe)
        .where(Shoe.runner_id == shoe.runner_id)
        .where(Shoe.surface == shoe.surface)
        .values(is_default=False)
    )
    shoe.is_default = True
    session.flush()


def retire_shoe(session: Session, shoe: Shoe, on: date) -> None:
    """Retire a pair on a date (it stops being a default)."""
    shoe.retired_on = on
    shoe.is_default = False
    session.flush()


def assign_shoe(
    session: Session,
    runner_id: int,
    shoe: Shoe | None,
    *,
    activity_ids: list[int] | None = None,
    start: date | None = None,
    end: date | None = None,
    surface: Surface | None = None,
) -> int:
    """Assign ``shoe`` (None: clear the assignment) to runs by id or date range; return how many.

    Only running activities are assigned; unknown ids are a `NotFoundError`.
    """
    query = select(TrainingActivity).where(TrainingActivity.runner_id == runner_id)
    query = query.where(TrainingActivity.sport == "running")
    if activity_ids:
        query = query.where(TrainingActivity.id.in_(activity_ids))
    if start is not None:
        query = query.where(TrainingActivity.local_date >= start)
    if end is not None:
        query = query.where(TrainingActivity.local_date <= end)
    if surface is not None:
        query = query.where(TrainingActivity.surface == surface.value)
    rows = list(session.scalars(query))
    if activity_ids:
        missing = sorted(set(activity_ids) - {r.id for r in rows})
        if missing:
            raise NotFoundError(
                f"no run with id {', '.join(map(str, missing))} for this runner; "
                "see `backstride training activities --runner ...`"
            )
    for row in rows:
        row.shoe_id = None if shoe is None else shoe.id
    session.flush()
    return len(rows)


def store_training_report(db: Database, runner_id: int, report: TrainingReport) -> int:
    """Store the report as an assessment of kind ``training``; return its id."""
    with db.session() as session:
        row = Assessment(runner_id=runner_id, kind="training", summary=report.load_json())
        session.add(row)
        session.flush()
        return row.id
