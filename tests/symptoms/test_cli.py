"""The real ``backstride checkin``, ``triage show`` and ``pain`` commands, in a subprocess."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.store import Database
from backstride.store.runners import RunnerProfile
from backstride.store.runners import add_runner as add_runner_row
from backstride.store.symptoms import StoredDecision, decisions, latest_draft, pain_entries
from backstride.symptoms.painlog import PainEntry
from backstride.symptoms.ruleset import load_ruleset
from backstride.synth.checkins import (
    NO_PAIN,
    RED_FLAG,
    SUBACUTE_FLEXION,
    sample_answers,
    write_checkins,
)
from tests.cli.conftest import Run

TODAY = date.today()

# The subacute flexion-intolerant sample, typed as a runner would (age comes from the birth year).
SUBACUTE_TYPED = [
    "4", "6", "18 days ago", "2", "1", "1,3", "15", "1", "1,4", "0", "1,3", "1,5",
    "n", "n", "n", "n", "n", "n", "n", "1", "n", "n", "n", "n", "n", "",
]  # fmt: skip
NO_PAIN_TYPED = ["0", "0", "0", "n", "n", "n", "n", "n", "n", "1", "n", "n", "n", "n", "n", ""]


def typed(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def add_runner(home: Path, db: str | None = None, *, age: int = 41) -> None:
    """Add the runner in this process (the runner commands have their own tests): faster."""
    database = Database.open(db or f"sqlite:///{home / 'backstride.db'}")
    with database.session() as s:
        add_runner_row(s, RunnerProfile(name="Ana", birth_year=TODAY.year - age))
    database.dispose()


def stored(home: Path) -> tuple[list[StoredDecision], list[PainEntry]]:
    """What the command left in the default SQLite database, read in this process (runner 1)."""
    with Database.open(f"sqlite:///{home / 'backstride.db'}").session() as s:
        return decisions(s, 1), pain_entries(s, 1)


def shown(cli: Run, db: str | None = None) -> dict[str, Any]:
    r = cli("triage", "show", "--runner", "Ana", "--json", db=db)
    assert r.returncode == 0, r.stderr
    return dict(json.loads(r.stdout))


def test_each_sample_file_gives_its_expected_tier(cli: Run, tmp_path: Path, home: Path) -> None:
    add_runner(home)
    samples = write_checkins(tmp_path)
    for name, sample in samples.items():
        r = cli("checkin", "--runner", "Ana", "--from", str(sample.path))
        assert r.returncode == 0, (name, r.stderr)
        tier = sample.expected_tier
        assert tier.words in r.stdout.splitlines()[0], name  # the tier comes first, in words
        assert tier.value not in r.stdout, name  # the code is for JSON and the database
    newest_first = stored(home)[0]
    assert len(newest_first) == len(samples)
    for decision, sample in zip(newest_first, reversed(samples.values()), strict=True):
        assert decision.triage.tier is sample.expected_tier
        assert decision.triage.tags == sample.expected_tags
        assert {f.id for f in decision.triage.fired} == sample.expected_rules
    assert shown(cli)["tier"] == newest_first[0].triage.tier.value


def test_emergency_is_short_and_first(cli: Run, home: Path, tmp_path: Path) -> None:
    add_runner(home)
    path = write_checkins(tmp_path)[RED_FLAG].path
    r = cli("checkin", "--runner", "Ana", "--from", str(path))
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert "emergency care now" in lines[0] and "STOP. Get emergency care now." in lines[1]
    assert "numbness in the saddle area: yes" in r.stdout
    for detail in ("Phase:", "Soreness:", "symptom response", "Also:", "physio assessment"):
        assert detail not in r.stdout  # no program, no running advice after a referral


def test_interactive_answers_equal_the_same_answers_from_a_file(
    cli: Run, home: Path, db_url: str
) -> None:
    add_runner(home, db_url)
    r = cli("checkin", "--runner", "Ana", input=typed(SUBACUTE_TYPED), db=db_url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "self-management with guidance" in r.stdout and "flexion_intolerant" in r.stdout
    data = shown(cli, db_url)
    expected = json.loads(json.dumps(sample_answers(SUBACUTE_FLEXION, TODAY), default=str))
    assert data["checkin"] == expected
    assert data["tier"] == "SELF_MANAGE"
    assert sorted(data["tags"]) == ["flexion_intolerant", "load_sensitive"]
    assert data["phase"] == {
        "days_since_onset": 18, "flare": False, "seed": "subacute", "guideline": "acute"
    }  # fmt: skip


def test_a_typing_mistake_is_explained_and_asked_again(cli: Run, home: Path) -> None:
    add_runner(home)
    r = cli("checkin", "--runner", "Ana", input=typed(["11", "zero", *NO_PAIN_TYPED]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("please give a whole number from 0 to 10") == 2
    assert shown(cli)["tier"] == "SELF_MANAGE"


def test_an_emergency_answer_stops_the_questions(cli: Run, home: Path) -> None:
    add_runner(home)
    r = cli("checkin", "--runner", "Ana", input=typed(["0", "0", "0", "y"]))
    assert r.returncode == 0, r.stderr
    assert "stopping the questions here" in r.stdout
    assert "emergency care now" in r.stdout and "bladder" not in r.stdout  # not asked any more
    clinician = cli("triage", "show", "--runner", "Ana", "--clinician").stdout
    assert "numbness in the saddle area: yes" in clinician
    assert "new bladder trouble: NOT ASKED (emergency already decided)" in clinician


def test_ended_input_keeps_a_draft_that_resume_finishes(cli: Run, home: Path) -> None:
    add_runner(home)
    r = cli("checkin", "--runner", "Ana", input=typed(NO_PAIN_TYPED[:5]))
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "error: input ended before the check-in was complete; your answers are saved as draft "
        "#1: run `backstride checkin --runner 'Ana' --resume` to finish it"
    )
    r = cli("triage", "show", "--runner", "Ana")
    assert r.returncode == 2 and "no check-in decision for 'Ana' yet" in r.stderr
    r = cli("checkin", "--runner", "Ana", "--resume", input="")
    assert r.returncode == 2 and "draft #1 is kept as it was" in r.stderr
    r = cli("checkin", "--runner", "Ana", "--resume", input=typed(NO_PAIN_TYPED[5:]))
    assert r.returncode == 0, r.stderr
    assert "How strong is your low back pain" not in r.stdout  # answered ones are not re-asked
    assert "Have you NEWLY lost control of your bowels" in r.stdout  # the first missing one
    assert shown(cli)["checkin"]["bladder_change"] is False


def test_an_incomplete_file_is_a_draft_and_resume_asks_the_red_flags(
    cli: Run, tmp_path: Path, home: Path
) -> None:
    add_runner(home)
    answers = sample_answers(NO_PAIN, TODAY)
    del answers["cancer_history"], answers["bladder_change"]
    path = tmp_path / "partial.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    r = cli("checkin", "--runner", "Ana", "--from", str(path))
    assert r.returncode == 2
    assert r.stderr.startswith(
        f"error: {path}: the check-in is incomplete; still to answer: bladder_change (new "
        "bladder trouble), cancer_history (history of cancer). Saved as draft #1, not as a "
        "decision"
    )
    assert "no assessments yet" in cli("runner", "show", "Ana").stdout
    r = cli("checkin", "--runner", "Ana", "--resume", input=typed(["n", "y", ""]))
    assert r.returncode == 0, r.stderr
    assert "Have you ever had cancer?" in r.stdout
    assert shown(cli)["tier"] == "SOON"


BAD_FILES = [
    ({"pain_now": 11}, "pain_now: Input should be less than or equal to 10, got 11"),
    ({"pain_nwo": 1}, "pain_nwo: is not a known question; did you mean 'pain_now'?"),
    (
        {"onset_date": str(TODAY + timedelta(days=3))},
        f"onset_date: is in the future ({TODAY + timedelta(days=3)}, today is {TODAY})",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_FILES, ids=["range", "unknown", "future"])
def test_bad_file_is_one_line_exit_2_and_stores_nothing(
    cli: Run, tmp_path: Path, home: Path, overrides: dict[str, object], message: str
) -> None:
    add_runner(home)
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({**sample_answers(SUBACUTE_FLEXION, TODAY), **overrides}, default=str)
    )
    r = cli("checkin", "--runner", "Ana", "--from", str(path))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [f"error: {path}: {message}"]
    assert stored(home) == ([], [])
    with Database.open(f"sqlite:///{home / 'backstride.db'}").session() as s:
        assert latest_draft(s, 1) is None  # no draft either


def test_usage_errors(cli: Run, home: Path, tmp_path: Path) -> None:
    r = cli("checkin", "--runner", "Nobody", "--from", str(write_checkins(tmp_path)[NO_PAIN].path))
    assert r.returncode == 2 and "no runner named 'Nobody'" in r.stderr
    add_runner(home)
    r = cli("checkin", "--runner", "Ana", "--from", "x.yaml", "--resume")
    assert r.returncode == 2 and "use either --from FILE or --resume" in r.stderr
    r = cli("checkin", "--runner", "Ana", "--resume")
    assert r.returncode == 2 and "no draft check-in for 'Ana' to resume" in r.stderr


def test_pain_log_and_list(cli: Run, home: Path) -> None:
    add_runner(home)
    y = str(TODAY - timedelta(days=1))
    r = cli("pain", "log", "--runner", "Ana", "--date", y, "--pain-during", "3",
            "--pain-after", "6")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "pain during the run 3/10: acceptable" in r.stdout
    assert "pain after 6/10: too much" in r.stdout
    r = cli("pain", "log", "--runner", "Ana", "--date", y, "--next-morning", "worse")
    assert r.returncode == 0 and "worse the next morning" in r.stdout
    r = cli("pain", "log", "--runner", "Ana", "--date", y, "--pain-during", "1")
    assert r.returncode == 2
    assert "pain_during for" in r.stderr and "pass --replace" in r.stderr
    r = cli("pain", "log", "--runner", "Ana", input="2\n\nsame\n")  # asks: today
    assert r.returncode == 0, r.stderr
    r = cli("pain", "list", "--runner", "Ana")
    assert r.returncode == 0
    rows = [line for line in r.stdout.splitlines() if y in line or str(TODAY) in line]
    assert len(rows) == 2
    assert "3/10" in rows[0] and "6/10" in rows[0] and "worse" in rows[0]
    assert "2/10" in rows[1] and "same" in rows[1]


def test_walk_run_phases_from_the_pain_log(cli: Run, home: Path, db_url: str) -> None:
    """The runs logged with their walk-run phase say the next phase; stored on both databases."""
    add_runner(home, db_url)
    day = [str(TODAY - timedelta(days=n)) for n in (7, 5, 3, 2)]

    def log(*args: str) -> str:
        r = cli("pain", "log", "--runner", "Ana", *args, db=db_url)
        assert r.returncode == 0, r.stderr
        return r.stdout

    out = log("--date", day[0], "--walk-run-phase", "1", "--pain-during", "2")
    assert "Walk-run: Log how your back feels the morning after" in out  # it does not count yet
    out = log("--date", day[0], "--next-morning", "same")
    assert "Walk-run: Phase 1: 1 of 2 runs went well" in out
    out = log("--date", day[1], "--walk-run-phase", "1", "--pain-during", "4",
              "--next-morning", "better")  # fmt: skip
    assert "Walk-run: Phase 1 went well 2 times: move up to phase 2." in out
    out = log("--date", day[2], "--walk-run-phase", "2", "--pain-after", "6",
              "--next-morning", "same")  # fmt: skip
    assert "Phase 2 was too much (pain after the run was 6/10, above 5)" in out
    assert "do phase 1" in out
    out = log("--date", day[3], "--walk-run-phase", "1", "--pain-during", "1",
              "--next-morning", "same")  # fmt: skip
    assert "runs on two days in a row" in out
    r = cli("pain", "list", "--runner", "Ana", db=db_url)
    assert r.returncode == 0
    assert "walk-run phase" in r.stdout and "Walk-run: Phase 1: 1 of 2 runs went well" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pain-during", "12"], "pain_during: Input should be less than or equal to 10"),
        (["--next-morning", "fine"], "next_morning: Input should be 'better', 'same' or 'worse'"),
        (["--date", "tomorrow", "--pain-after", "1"], "entry_date: give a date like"),
        (["--date", str(TODAY + timedelta(days=1)), "--pain-after", "1"], "entry_date: is in"),
        (["--walk-run-phase", "0"], "walk_run_phase: Input should be greater than or equal to 1"),
    ],
)
def test_pain_log_bad_input(cli: Run, home: Path, args: list[str], message: str) -> None:
    add_runner(home)
    r = cli("pain", "log", "--runner", "Ana", *args)
    assert r.returncode == 2
    assert r.stderr.startswith(f"error: {message}")
    assert stored(home) == ([], [])


def test_pain_log_with_nothing_to_log(cli: Run, home: Path) -> None:
    add_runner(home)
    r = cli("pain", "log", "--runner", "Ana", input="\n\n\n")
    assert r.returncode == 2
    assert "give at least one of pain_during, pain_after, next_morning, walk_run_phase" in r.stderr
    r = cli("pain", "log", "--runner", "Ana", input="")
    assert r.returncode == 2 and "input ended; nothing was logged" in r.stderr


def test_rules_lists_the_released_versions(cli: Run) -> None:
    r = cli("triage", "rules")
    assert r.returncode == 0
    row = next(line for line in r.stdout.splitlines() if line.strip().startswith("│ 1.0"))
    assert load_ruleset("1.0").sha256 in row and "released" in row
