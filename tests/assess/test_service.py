"""The assessment service on both databases, without video (the video paths are in
test_video_e2e.py, run once on SQLite): red flags, missing inputs, stored inputs reused,
failures that must leave nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from backstride.assess.models import Assessment, InputKind
from backstride.assess.service import CHECKIN_MAX_AGE_DAYS, AssessmentRequest, run_assessment
from backstride.errors import InputError
from backstride.store import Database
from backstride.store.symptoms_tables import TriageDecision
from backstride.store.tables import Assessment as Row
from backstride.symptoms.ruleset import load_ruleset
from backstride.synth.checkins import RED_FLAG, SUBACUTE_FLEXION, CheckinSample

from .conftest import RUNNER
from .helpers import kinds, row_counts


def stored(db: Database, assessment_id: int) -> Assessment:
    with db.session() as s:
        row = s.get(Row, assessment_id)
        assert row is not None and row.kind == "assessment"
        return Assessment.model_validate(row.summary)


def test_red_flag_is_a_referral_and_nothing_else_is_analysed(
    db: Database,
    checkins: dict[str, CheckinSample],
    short_history: Path,
    demo_videos: dict[str, Path],
) -> None:
    request = AssessmentRequest(
        runner=RUNNER,
        side_video=demo_videos["side"],
        activities=(short_history,),
        checkin_file=checkins[RED_FLAG].path,
    )
    seen: list[str] = []
    outcome = run_assessment(db, request, progress=lambda stage, d, t: seen.append(stage))
    a = outcome.assessment
    assert a.referral and a.tier == "EMERGENCY"
    assert a.findings == () and a.progress is None
    assert a.stages.gait is None and a.stages.training is None and a.stages.program is None
    assert a.headline[0].startswith("Referral:")
    assert any("no program" in line for line in a.headline)
    assert kinds(db) == ["triage", "assessment"]  # no gait, training or program row
    counts = row_counts(db)
    assert counts["training_activities"] == 0 and counts["artifacts"] == 0
    assert not any("video" in s or "training" in s for s in seen)  # never analysed
    rules = load_ruleset()
    with db.session() as s:
        decision = s.scalars(sa.select(TriageDecision)).one()
        assert decision.ruleset_version == rules.version
        assert decision.ruleset_hash == rules.sha256
        assert decision.assessment_id == a.stages.triage
    assert a.triage_ruleset == f"{rules.version} ({rules.sha256[:12]})"
    assert stored(db, outcome.assessment_id) == a


CASES = {
    "nothing": ((), False, {"side_video", "rear_video", "activities", "checkin"}),
    "checkin only": ((), True, {"side_video", "rear_video", "activities"}),
    "activities only": (("history",), False, {"side_video", "rear_video", "checkin"}),
    "checkin and activities": (("history",), True, {"side_video", "rear_video"}),
}


@pytest.mark.parametrize("case", CASES)
def test_missing_inputs_are_listed_with_their_cost(
    db: Database, checkins: dict[str, CheckinSample], short_history: Path, case: str
) -> None:
    files, with_checkin, missing = CASES[case]
    request = AssessmentRequest(
        runner=RUNNER,
        activities=tuple(short_history for _ in files),
        checkin_file=checkins[SUBACUTE_FLEXION].path if with_checkin else None,
    )
    a = run_assessment(db, request).assessment
    assert {m.input.value for m in a.missing} == missing
    assert all(len(m.cost) > 30 for m in a.missing)
    whats = {n.what for n in a.not_measured}
    assert "the curve of the lower back (lumbar lordosis)" in whats
    assert "pelvic drop" in whats and "cadence and ground contact time" in whats
    assert (a.stages.program is not None) == with_checkin
    assert (a.tier == "SELF_MANAGE") == with_checkin
    if not with_checkin:
        assert any("No program was made" in line for line in a.headline)
    codes = {r.finding.code for r in a.findings}
    assert ("single_run_spike" in codes) == bool(files)
    assert not {"overstride", "pelvic_drop"} & codes  # no video, no gait findings
    expected = ["triage"] * with_checkin + ["training"] * bool(files)
    expected += ["program"] * with_checkin + ["assessment"]
    assert kinds(db) == expected


def test_stored_history_and_triage_count_when_not_given_again(
    db: Database, checkins: dict[str, CheckinSample], short_history: Path
) -> None:
    first = run_assessment(
        db,
        AssessmentRequest(
            runner=RUNNER,
            activities=(short_history,),
            checkin_file=checkins[SUBACUTE_FLEXION].path,
        ),
    )
    second = run_assessment(db, AssessmentRequest(runner=RUNNER)).assessment
    assert set(second.inputs) == {InputKind.ACTIVITIES, InputKind.CHECKIN}
    assert {m.input for m in second.missing} == {InputKind.SIDE_VIDEO, InputKind.REAR_VIDEO}
    assert any("training history stored earlier was used" in line for line in second.headline)
    assert any("stored triage" in line for line in second.headline)
    assert second.stages.triage == first.assessment.stages.triage  # the stored one, not a new one
    assert second.stages.program is not None
    assert "single_run_spike" in {r.finding.code for r in second.findings}
    assert second.progress is not None and second.progress.previous_id == first.assessment_id
    assert second.progress.changes == ()  # no gait either time
    assert second.progress.resolved == () and second.progress.new == ()


@pytest.mark.parametrize("sample", [SUBACUTE_FLEXION, RED_FLAG])
def test_a_stored_checkin_older_than_28_days_is_not_used(
    db: Database, checkins: dict[str, CheckinSample], sample: str
) -> None:
    """Regression: a stored triage was used again however old it was; symptoms change."""
    assert CHECKIN_MAX_AGE_DAYS == 28
    day = date.today()
    first = run_assessment(
        db, AssessmentRequest(runner=RUNNER, checkin_file=checkins[sample].path, today=day)
    ).assessment
    on_the_day = run_assessment(
        db, AssessmentRequest(runner=RUNNER, today=day + timedelta(days=28))
    ).assessment
    assert on_the_day.tier == first.tier and on_the_day.stages.triage == first.stages.triage
    assert InputKind.CHECKIN in on_the_day.inputs
    outcome = run_assessment(db, AssessmentRequest(runner=RUNNER, today=day + timedelta(days=29)))
    stale = outcome.assessment
    # as when no check-in exists: no tier, no referral, no program, the check-in listed missing
    assert stale.tier is None and not stale.referral and stale.triage_ruleset is None
    assert stale.stages.triage is None and stale.stages.program is None
    assert InputKind.CHECKIN not in stale.inputs
    (missing,) = [m for m in stale.missing if m.input is InputKind.CHECKIN]
    assert missing.cost.startswith(
        f"the last check-in was on {day.isoformat()}, older than 28 days: symptoms change"
    )
    assert "run `backstride checkin`" in missing.cost
    assert stale.headline[0].startswith("No check-in: no safety screen")
    assert any("No program was made" in line for line in stale.headline)
    assert stored(db, outcome.assessment_id) == stale


def test_unreadable_activity_files_store_nothing(
    db: Database, checkins: dict[str, CheckinSample], tmp_path: Path
) -> None:
    bad = tmp_path / "broken.fit"
    bad.write_bytes(b"this is not a FIT file at all" * 10)
    before = row_counts(db)
    request = AssessmentRequest(
        runner=RUNNER, activities=(bad,), checkin_file=checkins[SUBACUTE_FLEXION].path
    )
    with pytest.raises(InputError, match="none of the activity files could be imported"):
        run_assessment(db, request)
    assert row_counts(db) == before


class Cancelled(Exception):
    """What a caller's progress hook raises to stop the work (the web worker when its lease
    is lost, Ctrl-C on the command line)."""


def stop_at(stage: str) -> Callable[[str, int, int], None]:
    def progress(name: str, done: int, total: int) -> None:
        if name == stage:
            raise Cancelled(stage)

    return progress


def test_stopped_inside_the_unit_of_work_stores_nothing(
    db: Database, checkins: dict[str, CheckinSample], short_history: Path
) -> None:
    """Stopped after the triage decision and the imported runs were added, before the program:
    nothing of it is kept."""
    before = row_counts(db)
    request = AssessmentRequest(
        runner=RUNNER, activities=(short_history,), checkin_file=checkins[SUBACUTE_FLEXION].path
    )
    with pytest.raises(Cancelled):
        run_assessment(db, request, progress=stop_at("making the program"))
    assert row_counts(db) == before
    done = run_assessment(db, request)  # and the same request then works
    assert kinds(db) == ["triage", "training", "program", "assessment"]
    assert done.assessment.stages.training is not None


@pytest.mark.parametrize(
    ("field", "make", "message"),
    [
        ("side_video", lambda p: p / "nope.mp4", "nope.mp4: file not found"),
        ("rear_video", lambda p: p, "is a folder, not a video"),
        ("side_video", lambda p: _text(p / "notes.mp4"), "notes.mp4"),
        ("checkin_file", lambda p: _text(p / "c.yaml", "pian_now: 3\n"), "did you mean"),
        ("checkin_file", lambda p: _text(p / "c.txt"), "must end in .yaml"),
        ("activities", lambda p: (p / "missing-folder",), "not found"),
    ],
)
def test_bad_input_fails_first_and_stores_nothing(
    db: Database, tmp_path: Path, field: str, make: object, message: str
) -> None:
    before = row_counts(db)
    value = make(tmp_path)  # type: ignore[operator]
    request = AssessmentRequest(runner=RUNNER, **{field: value})
    with pytest.raises(InputError, match=message):
        run_assessment(db, request)
    assert row_counts(db) == before


def test_unknown_runner_and_incomplete_checkin(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Nobody"):
        run_assessment(db, AssessmentRequest(runner="Nobody"))
    before = row_counts(db)
    with pytest.raises(InputError, match="check-in"):
        run_assessment(db, AssessmentRequest(runner=RUNNER, checkin_answers={"pain_now": 3}))
    assert row_counts(db) == before  # no draft either


def _text(path: Path, content: str = "hello\n") -> Path:
    path.write_text(content)
    return path
