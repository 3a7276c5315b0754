"""Triage throughput: re-deciding many stored check-ins (an audit of old decisions).

A clinic re-checks every stored decision against the rule-set version it names. The baseline reads
and validates that rule set's YAML for every decision (what a simple "load rules, decide" script
does); backstride validates each version once per process (`load_ruleset` is cached) and then
only evaluates conditions. Prints decisions per second for both and their ratio.

Run: .venv/bin/python benchmarks/triage.py [N]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date

from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.questions import load_questions
from backstride.symptoms.ruleset import RULES_DIR, load_ruleset, load_ruleset_file
from backstride.symptoms.triage import triage
from backstride.synth.checkins import SPECS, sample_answers

TODAY = date(2026, 6, 15)


def checkins(n: int) -> list[CheckIn]:
    """``n`` complete check-ins: the five samples at ages 20 to 69."""
    base = [sample_answers(name, TODAY) for name in SPECS]
    return [CheckIn.model_validate({**base[i % len(base)], "age": 20 + i % 50}) for i in range(n)]


def per_second(label: str, n: int, run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    rate = n / (time.perf_counter() - start)
    print(f"{label:<48} {rate:10.0f} decisions/s")
    return rate


def main(n: int) -> None:
    items = checkins(n)
    questions = load_questions()
    path = RULES_DIR / f"{load_ruleset().version}.yaml"

    def baseline() -> None:
        for c in items:
            triage(c, load_ruleset_file(path), TODAY, questions)

    def cached() -> None:
        for c in items:
            triage(c, load_ruleset(), TODAY, questions)

    slow = per_second("baseline: read + validate rules per decision", n, baseline)
    fast = per_second("backstride: rules validated once, then decide", n, cached)
    print(f"ratio: {fast / slow:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
