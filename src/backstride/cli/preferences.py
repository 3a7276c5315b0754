"""The program-preference options `plan` and `assess` share, and the `Preferences` they make.

Declared once as annotated types, so both commands offer the same options with the same help and
the same checks (a bad value is one line naming the option, exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backstride.errors import ValidationError
from backstride.validation import validate_input

if TYPE_CHECKING:  # the program modules load when a command runs, not with every command
    from backstride.program.models import Preferences

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Start = Annotated[
    str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default: today).")
]
StrengthDays = Annotated[
    int, typer.Option("--strength-days", help="Strength sessions a week: 2 or 3.")
]
Minutes = Annotated[
    int, typer.Option("--minutes", help="Minutes per session, warm-up included (15-90).")
]
EquipmentList = Annotated[
    str,
    typer.Option(
        "--equipment",
        help="What you have, comma-separated: mat, band, ball, weights, step, lacrosse_ball "
        "(or none).",
    ),
]
ExperienceLevel = Annotated[
    str,
    typer.Option(
        "--experience", help="Strength-training experience: novice, intermediate, experienced."
    ),
]
RaceDate = Annotated[str | None, typer.Option("--race-date", help="Goal race, YYYY-MM-DD.")]
Weeks = Annotated[int | None, typer.Option("--weeks", help="Program length, 6-12 weeks.")]
Weekdays = Annotated[
    str | None,
    typer.Option("--weekdays", help="Session days, e.g. 'tue,fri' (one per strength day)."),
]


def parse_date(field: str, value: str | None) -> date | None:
    """``YYYY-MM-DD`` -> date; anything else is a `ValidationError` naming the option.

    >>> parse_date("start", "2026-03-02")
    datetime.date(2026, 3, 2)
    """
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, f"must be a date as YYYY-MM-DD, got {value!r}") from None


def parse_weekdays(value: str | None) -> list[int] | None:
    """``"mon,thu"`` -> ``[0, 3]``.

    >>> parse_weekdays("Tue, fri")
    [1, 4]
    """
    if value is None:
        return None
    days = []
    for part in value.split(","):
        name = part.strip().lower()[:3]
        if name not in WEEKDAYS:
            raise ValidationError("weekdays", f"{part.strip()!r} is not a day (use mon..sun)")
        days.append(WEEKDAYS.index(name))
    return days


def preferences(params: Mapping[str, Any], *, today: date | None = None) -> Preferences:
    """The runner's program preferences from a command's parsed options (``ctx.params``); the
    start defaults to ``today`` (the real date if not given)."""
    from backstride.program.models import Preferences

    return validate_input(
        Preferences,
        {
            "start": parse_date("start", params["start"]) or today or date.today(),
            "strength_days": params["strength_days"],
            "minutes_per_session": params["minutes"],
            "equipment": [e.strip() for e in params["equipment"].split(",") if e.strip()],
            "experience": params["experience"],
            "goal_race": parse_date("race_date", params["race_date"]),
            "weeks": params["weeks"],
            "weekdays": parse_weekdays(params["weekdays"]),
        },
    )
