"""The whole loop on rendered video (the real pose model), run once on SQLite: the demo
runner's findings match the truth it was made with; a failure after the video stores nothing;
re-assessments judge change against re-test noise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from backstride.assess.service import AssessmentOutcome, AssessmentRequest, run_assessment
from backstride.findings import Source
from backstride.report import write_report
from backstride.store import Database
from backstride.synth.checkins import SUBACUTE_FLEXION, CheckinSample
from backstride.synth.gait import plausible_speed_mps
from backstride.synth.render import ClipSpec, RenderedClip

from .conftest import RUNNER, side_spec
from .helpers import blob_files, kinds, row_counts
from .test_service import Cancelled, stop_at

pytestmark = pytest.mark.slow


def test_demo_inputs_end_to_end(
    sqlite_db: Database,
    demo_videos: dict[str, Path],
    demo_history: Path,
    checkins: dict[str, CheckinSample],
    home: Path,
    tmp_path: Path,
) -> None:
    request = AssessmentRequest(
        runner=RUNNER,
        side_video=demo_videos["side"],
        rear_video=demo_videos["rear"],
        activities=(demo_history,),
        checkin_file=checkins[SUBACUTE_FLEXION].path,
    )
    stages: list[str] = []
    outcome = run_assessment(sqlite_db, request, progress=lambda s, d, t: stages.append(s))
    a = outcome.assessment
    by_source = {(r.finding.source, r.finding.code) for r in a.findings}
    # what the demo runner was made with: overstriding (side), pelvic drop 9 deg (rear),
    # a 32 km spike and a 900 m descent (history)
    assert (Source.VIDEO_SIDE, "overstride") in by_source
    assert (Source.VIDEO_REAR, "pelvic_drop") in by_source
    assert {(Source.TRAINING, "single_run_spike"), (Source.TRAINING, "descent_exposure")} <= (
        by_source
    )
    # and what it was not made with: no crossover (5 cm step width), no arm crossing, trunk
    # upright (7 deg), little sideways lean (3 deg); no red flag
    codes = {code for _, code in by_source}
    assert not codes & {"crossover_gait", "arm_crossing", "waist_lean", "lateral_trunk_lean"}
    assert not a.referral and a.tier == "SELF_MANAGE" and a.missing == ()
    assert kinds(sqlite_db) == ["triage", "gait", "training", "program", "assessment"]
    assert a.stages.gait and a.stages.training and a.stages.triage and a.stages.program
    assert row_counts(sqlite_db)["artifacts"] > 2 and blob_files(home)
    assert a.headline[0] == "Safety screen: Safe to self-manage with guidance."
    assert a.headline[1].startswith("Finding 1: ")
    drop = next(r for r in a.findings if r.finding.code == "pelvic_drop")
    assert drop.numbers.startswith(f"{drop.finding.value:.3g} deg (flagged from 5)")
    assert "category" in drop.evidence_limits
    whats = " ".join(n.what for n in a.not_measured)
    assert "lumbar lordosis" in whats and "true pelvic tilt" in whats
    assert "anything along the running direction" not in whats  # the side view measured it
    assert any(s.startswith("side and rear video") for s in stages)
    assert any(s.startswith("training") for s in stages)
    assert len(a.sources) == len(set(a.sources)) and any("Bramah" in s for s in a.sources)
    files = write_report(sqlite_db, outcome.assessment_id, tmp_path / "report")
    page = files.html.read_text()
    assert "pelvis drops" in page and "lumbar lordosis" in page


def test_stopped_after_the_video_was_stored_leaves_no_row_and_no_file(
    sqlite_db: Database,
    demo_videos: dict[str, Path],
    checkins: dict[str, CheckinSample],
    home: Path,
) -> None:
    before = row_counts(sqlite_db)
    request = AssessmentRequest(
        runner=RUNNER,
        rear_video=demo_videos["rear"],
        checkin_file=checkins[SUBACUTE_FLEXION].path,
    )
    with pytest.raises(Cancelled):
        run_assessment(sqlite_db, request, progress=stop_at("making the program"))
    assert row_counts(sqlite_db) == before
    assert blob_files(home) == []  # the rear clip and its frames were stored, then removed


IMPROVED = {
    "overstride_pct_leg": 8.0,
    "cadence_spm": 176.0,
    "contact_ms": 240.0,
    "speed_mps": plausible_speed_mps(240, 8),
}


def test_reassessment_within_noise_then_a_real_improvement(
    sqlite_db: Database,
    synth_clip: Callable[[ClipSpec], RenderedClip],
    checkins: dict[str, CheckinSample],
) -> None:
    def assess(spec: ClipSpec, with_checkin: bool = False) -> AssessmentOutcome:
        checkin = checkins[SUBACUTE_FLEXION].path if with_checkin else None
        request = AssessmentRequest(
            runner=RUNNER, side_video=synth_clip(spec).path, checkin_file=checkin
        )
        return run_assessment(sqlite_db, request)

    first = assess(side_spec(seed=1), with_checkin=True)
    again = assess(side_spec(seed=2)).assessment  # same gait, other sensor noise
    assert again.progress is not None and again.progress.previous_id == first.assessment_id
    verdicts = {c.metric: c.verdict for c in again.progress.changes}
    assert {"cadence_spm", "overstride_pct_leg", "contact_ms"} <= set(verdicts)
    assert all(v == "within_noise" for v in verdicts.values()), again.progress.changes
    assert again.progress.tier_before == again.progress.tier_after == "SELF_MANAGE"

    better = assess(side_spec(seed=3, **IMPROVED)).assessment
    assert better.progress is not None
    verdicts = {c.metric: c.verdict for c in better.progress.changes}
    assert verdicts["overstride_pct_leg"] == "improved"
    assert verdicts["cadence_spm"] == "improved"
    assert "overstride" in better.progress.resolved
    assert "overstride" not in {r.finding.code for r in better.findings}
    assert any(line.startswith("Overstride") and "better" in line for line in better.headline)
