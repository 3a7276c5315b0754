"""The .ics calendar: one all-day event per session, with its exercises, stable UIDs."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from backstride.program.calendar import to_ics
from backstride.program.plan import generate
from tests.program.conftest import finding, make_input, triage

STAMP = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_one_event_per_session_with_its_exercises() -> None:
    program = generate(make_input(findings=[finding("pelvic_drop", "high")], strength_days=3))
    cal = Calendar.from_ical(to_ics(program, stamp=STAMP))
    events = cal.events
    sessions = program.sessions()
    assert len(events) == len(sessions) == 24
    for event, session in zip(events, sessions, strict=True):
        assert event.start == session.on
        assert (event.end - event.start).days == 1
        description = str(event["DESCRIPTION"])
        for item in session.items:
            assert f"- {item.name}: {item.dose_text}" in description
        assert "After each run:" in description
        assert f"--session {session.key}" in description
        assert "not a diagnosis" in description
        assert session.key in str(event["SUMMARY"])
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)


def test_uids_are_stable_for_the_same_runner_and_start() -> None:
    a = Calendar.from_ical(to_ics(generate(make_input()), stamp=STAMP))
    b = Calendar.from_ical(
        to_ics(generate(make_input(findings=[finding("waist_lean")])), stamp=STAMP)
    )
    assert [str(e["UID"]) for e in a.events] == [str(e["UID"]) for e in b.events]


def test_paused_routine_is_labelled() -> None:
    program = generate(make_input(tri=triage("SOON")))
    events = Calendar.from_ical(to_ics(program, stamp=STAMP)).events
    assert len(events) == 4
    assert str(events[0]["SUMMARY"]).startswith("Gentle routine")
    assert "Paused: see a GP or physio" in str(events[0]["DESCRIPTION"])


def test_a_referral_has_no_events() -> None:
    program = generate(make_input(tri=triage("EMERGENCY")))
    assert Calendar.from_ical(to_ics(program, stamp=STAMP)).events == []
