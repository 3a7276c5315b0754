"""The weeks of a program: how many, which are lighter, and the dated (still empty) sessions.

Length: ``--weeks``, else the weeks up to the goal race (the race week included), else the
default, within 6-12 weeks. Every 4th week is lighter (3:1 loading, practice convention), the race
week too; a flare's first week is gentle. Week ``w`` runs from ``start + 7(w-1)`` for seven days
and holds one session on each chosen weekday.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from backstride.program.models import Session, Week
from backstride.program.rules import ProgramRules


def program_length(
    start: date, goal_race: date | None, weeks: int | None, rules: ProgramRules
) -> tuple[int, int | None, list[str]]:
    """Weeks in the program, the week of the goal race (if inside it), and notes.

    Examples
    --------
    >>> from backstride.program.rules import load_rules
    >>> rules = load_rules()[0]
    >>> program_length(date(2026, 3, 2), date(2026, 4, 12), None, rules)[:2]
    (6, 6)
    >>> program_length(date(2026, 3, 2), None, None, rules)
    (8, None, [])
    """
    notes: list[str] = []
    if goal_race is None:
        return weeks or rules.weeks.default, None, notes
    race_week = (goal_race - start).days // 7 + 1
    count = weeks or min(max(race_week, rules.weeks.min), rules.weeks.max)
    if race_week > count:
        notes.append(
            f"Your race on {goal_race} is after these {count} weeks: re-test and plan the next "
            "block before then."
        )
        return count, None, notes
    if race_week < count:
        notes.append(
            f"Your race on {goal_race} falls in week {race_week}; the program goes on after it."
        )
    return count, race_week, notes


def week_kinds(count: int, *, gentle_weeks: int, race_week: int | None, every: int) -> list[str]:
    """The kind of each week: gentle, race (lighter), lighter (every ``every``-th), or build.

    Examples
    --------
    >>> week_kinds(8, gentle_weeks=1, race_week=None, every=4)
    ['gentle', 'build', 'build', 'lighter', 'build', 'build', 'build', 'lighter']
    """
    kinds = []
    for week in range(1, count + 1):
        if week <= gentle_weeks:
            kinds.append("gentle")
        elif week == race_week:
            kinds.append("race")
        elif week % every == 0:
            kinds.append("lighter")
        else:
            kinds.append("build")
    return kinds


WEEK_NOTES = {
    "gentle": "Gentle week: easy movement and relaxation only.",
    "race": "Race week: lighter sessions; skip the session in the two days before the race.",
    "lighter": "Lighter week: one set fewer to let the body adapt.",
    "build": "Build week.",
}


def schedule(start: date, weekdays: Sequence[int], kinds: Sequence[str]) -> tuple[Week, ...]:
    """Weeks with dated, still empty sessions: week ``w`` spans ``start + 7(w-1)`` to ``+6``."""
    weeks = []
    for w, kind in enumerate(kinds, start=1):
        first = start + timedelta(days=7 * (w - 1))
        days = (first + timedelta(days=d) for d in range(7))
        dates = [d for d in days if d.weekday() in weekdays]
        sessions = tuple(
            Session(
                key=f"w{w}s{n}",
                week=w,
                number=n,
                on=on,
                kind="gentle" if kind == "gentle" else "strength",
                minutes=0,
                items=(),
            )
            for n, on in enumerate(dates, start=1)
        )
        weeks.append(Week(number=w, kind=kind, note=WEEK_NOTES[kind], sessions=sessions))
    return tuple(weeks)
