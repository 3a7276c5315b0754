"""The individual program: exercise library, generator, progression, running cues, return to run.

Pure functions over validated data; the CLI (``backstride plan``, ``backstride session``) and the
store do the I/O.

Examples
--------
>>> from datetime import date
>>> from backstride.program import Preferences, ProgramInput, generate
>>> from backstride.symptoms.models import Tier, Triage
>>> triage = Triage(tier=Tier.SELF_MANAGE, action="-", ruleset_version="1", ruleset_hash="x")
>>> program = generate(ProgramInput(triage=triage, preferences=Preferences(start=date(2026, 3, 2))))
>>> program.status, program.weeks_count
('active', 8)
"""

from backstride.program.library import load_library
from backstride.program.models import LogEntry, Preferences, Program, ProgramInput
from backstride.program.plan import generate
from backstride.program.progression import replay
from backstride.program.rules import load_rules

__all__ = [
    "LogEntry",
    "Preferences",
    "Program",
    "ProgramInput",
    "generate",
    "load_library",
    "load_rules",
    "replay",
]
