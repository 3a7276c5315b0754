"""The program as an iCalendar file: one all-day event per session with its exercises and doses.

UIDs are stable for a runner, a start date and a session, so importing a regenerated program
into a calendar app updates the events instead of duplicating them. Pure: returns bytes.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from backstride.program.models import Program, Session

PRODID = "-//backstride//program//EN"


def slug(name: str) -> str:
    """A file- and UID-safe version of a name.

    Examples
    --------
    >>> slug("Ana K. Müller")
    'ana-k-m-ller'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "runner"


def describe_session(program: Program, session: Session) -> str:
    """The event text: warm-up, exercises with dose, the post-run routine, the disclaimer."""
    lines = []
    if program.status == "paused":
        lines.append(program.notes[0])
    elif program.warmup:
        lines.append(program.warmup)
    lines.append("")
    lines += [f"- {item.name}: {item.dose_text}" for item in session.items]
    if program.post_run:
        lines += ["", "After each run:"]
        lines += [f"- {p.name}: {p.dose_text}" for p in program.post_run]
    lines += [
        "",
        "Log how it went: backstride session log --runner NAME "
        f"--session {session.key} (effort and pain 0-10, next-morning response).",
        "",
        program.disclaimer,
    ]
    return "\n".join(lines)


def to_ics(program: Program, *, stamp: datetime) -> bytes:
    """The calendar of ``program``; ``stamp`` (UTC) is the DTSTAMP of every event.

    Examples
    --------
    >>> from datetime import UTC, date
    >>> from backstride.program.models import Preferences, ProgramInput
    >>> from backstride.program.plan import generate
    >>> from backstride.symptoms.models import Tier, Triage
    >>> t = Triage(tier=Tier.SELF_MANAGE, action="-", ruleset_version="1", ruleset_hash="x")
    >>> p = generate(ProgramInput(runner="Ana", triage=t,
    ...                           preferences=Preferences(start=date(2026, 3, 2))))
    >>> cal = Calendar.from_ical(to_ics(p, stamp=datetime(2026, 3, 1, tzinfo=UTC)))
    >>> len(cal.walk("VEVENT")), str(cal.walk("VEVENT")[0]["DTSTART"].dt)
    (16, '2026-03-02')
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"backstride program: {program.runner or 'runner'}")
    who = slug(program.runner or "runner")
    for session in program.sessions():
        event = Event()
        event.add("uid", f"backstride-{who}-{program.start:%Y%m%d}-{session.key}@backstride")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.on)
        event.add("dtend", session.on + timedelta(days=1))
        label = "Gentle routine" if session.kind == "gentle" else "Strength session"
        event.add(
            "summary",
            f"{label} {session.key} (week {session.week}, about {session.minutes} min)",
        )
        event.add("description", describe_session(program, session))
        event.add("categories", ["backstride", session.kind])
        cal.add_component(event)
    return bytes(cal.to_ical())
