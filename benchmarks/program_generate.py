"""How long a program takes to make and to re-plan, against baselines run in the same process.

1. ``generate`` with the validated library and rules cached (as the CLI and web app run it)
   against the naive way: parse and validate the YAML library and rules on every call.
2. Re-planning after a log by replaying every log from the generated plan (what ``session log``
   does, so history and program never drift apart) against generating the program: the cost of
   that consistency, at the last session of a 12-week, 3-day program.

Run: ``.venv/bin/python benchmarks/program_generate.py`` (prints ratios; not a test).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from backstride.findings import Capacity, Finding, Severity, Source
from backstride.program.library import LIBRARY_DIR, load_library, parse_library
from backstride.program.models import LogEntry, Preferences, ProgramInput
from backstride.program.plan import generate
from backstride.program.progression import replay
from backstride.program.rules import RULES_PATH, load_rules, parse_rules
from backstride.symptoms.models import Tier, Triage


def _input() -> ProgramInput:
    findings = tuple(
        Finding(
            code=code,
            source=Source.VIDEO_SIDE,
            title=code,
            severity=Severity.HIGH,
            explanation="benchmark",
            capacities=caps,
        )
        for code, caps in (
            ("overstride", (Capacity.GLUTE_MAX, Capacity.HIP_FLEXOR_MOBILITY)),
            ("pelvic_drop", (Capacity.GLUTE_MED, Capacity.LATERAL_CORE)),
            ("descent_exposure", (Capacity.ECCENTRIC_QUADS,)),
        )
    )
    triage = Triage(tier=Tier.SELF_MANAGE, action="-", ruleset_version="b", ruleset_hash="b")
    prefs = Preferences(start=date(2026, 3, 2), strength_days=3, weeks=12, minutes_per_session=45)
    return ProgramInput(
        triage=triage,
        findings=findings,
        metrics={"cadence_spm": 162.0},
        trail_runner=True,
        preferences=prefs,
    )


def best_of(fn: Callable[[], object], *, repeat: int = 5, number: int = 5) -> float:
    """The best mean seconds per call over ``repeat`` runs of ``number`` calls."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def main() -> None:
    inp = _input()
    library, rules = load_library(), load_rules()

    def naive() -> object:
        return generate(inp, library=parse_library(LIBRARY_DIR), rules=parse_rules(RULES_PATH))

    def cached() -> object:
        return generate(inp, library=library, rules=rules)

    t_naive, t_cached = best_of(naive), best_of(cached)
    print(f"generate, library parsed each call: {t_naive * 1000:8.1f} ms")
    print(f"generate, library cached:           {t_cached * 1000:8.1f} ms")
    print(f"ratio naive / cached:               {t_naive / t_cached:8.2f}x")

    base = generate(inp, library=library, rules=rules)
    logs = {s.key: LogEntry(done=True, effort=5, pain=2, morning="same") for s in base.sessions()}

    def replay_all() -> object:
        return replay(base, logs, library=library, rules=rules[0], rules_version=rules[1])

    t_replay = best_of(replay_all)
    print(f"replay of {len(logs)} logged sessions:     {t_replay * 1000:8.1f} ms")
    print(f"ratio replay / generate:            {t_replay / t_cached:8.2f}x")


if __name__ == "__main__":
    main()
