"""Checking every input of an assessment before anything is analysed or stored.

Each problem is one `InputError` naming the file and what is wrong with it, in the words the
stage commands use (a missing file, a folder given as a video, a video that cannot be decoded,
a check-in with an unknown key or an unanswered question...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from backstride.errors import InputError, ValidationError
from backstride.symptoms.checkin import CheckIn, with_birth_year
from backstride.symptoms.models import Triage
from backstride.symptoms.questions import load_questions
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import IncompleteCheckInError, triage
from backstride.video.decode import probe

#: Heights outside this range (cm) are typing mistakes, not runners.
HEIGHT_RANGE_CM = (100.0, 230.0)


@dataclass(frozen=True)
class CheckedCheckIn:
    """A complete check-in, its triage, and where it came from (``source`` as stored)."""

    checkin: CheckIn
    triage: Triage
    source: str


def check_video(path: Path, option: str) -> Path:
    """A video that exists and can be decoded (its first frame is read)."""
    if not path.exists():
        raise InputError(f"file not found (given as {option})", path=path)
    if path.is_dir():
        raise InputError(f"is a folder, not a video (given as {option})", path=path)
    probe(path)
    return path


def check_activity_paths(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """Activity files, folders or archives that exist (their content is read by the import)."""
    for path in paths:
        if not path.exists():
            raise InputError("file or folder not found (given as activities)", path=path)
    return paths


def check_height(height_cm: float | None) -> float | None:
    """A plausible standing height in cm, or None."""
    lo, hi = HEIGHT_RANGE_CM
    if height_cm is not None and not lo <= height_cm <= hi:
        raise ValidationError(
            "--height-cm", f"must be between {lo:g} and {hi:g}, got {height_cm:g}"
        )
    return height_cm


def check_checkin(
    answers: dict[str, Any],
    *,
    path: Path | None,
    birth_year: int | None,
    today: date,
) -> CheckedCheckIn:
    """Validate the answers and decide the triage; an unanswered needed question is an error
    (the assessment stores no draft: ``backstride checkin --resume`` is the place for that)."""
    from backstride.cli.checkin_input import checkin_from_mapping

    checkin = with_birth_year(checkin_from_mapping(answers, today, path=path), birth_year, today)
    try:
        decided = triage(checkin, load_ruleset(), today, load_questions())
    except IncompleteCheckInError as exc:
        raise InputError(
            f"{exc.message}; answer it in the file, or do the check-in with "
            "`backstride checkin` first",
            path=path,
        ) from None
    source = f"file:{path.name}" if path is not None else "assessment"
    return CheckedCheckIn(checkin=checkin, triage=decided, source=source)


def read_checkin(
    file: Path | None,
    answers: dict[str, Any] | None,
    *,
    birth_year: int | None,
    today: date,
) -> CheckedCheckIn | None:
    """The check-in from a file or from answers already parsed (not both); None when neither."""
    from backstride.cli.checkin_input import read_answers_file

    if file is not None and answers is not None:
        raise InputError("give the check-in as a file or as answers, not both")
    if file is not None:
        return check_checkin(read_answers_file(file), path=file, birth_year=birth_year, today=today)
    if answers is not None:
        return check_checkin(answers, path=None, birth_year=birth_year, today=today)
    return None
