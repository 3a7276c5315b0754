"""Re-test noise, verdicts, progress and what is not measured: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from backstride.assess.models import InputKind
from backstride.assess.not_measured import TWO_D_LIMITS, missing_inputs, not_measured
from backstride.assess.progress import compare_metrics, progress_lines, progress_report
from backstride.assess.retest import load_retest, verdict

NOISE, _ = load_retest()


def test_every_noise_figure_has_a_source() -> None:
    assert {"cadence_spm", "contact_ms", "overstride_pct_leg", "pelvic_drop_deg"} <= set(
        NOISE.measures
    )
    assert {"trunk_lean_deg", "lateral_lean_deg", "knee_flexion_contact_deg"} <= set(NOISE.measures)
    for name, m in NOISE.measures.items():
        assert len(m.source) > 40, name
    assert "Dingenen" in NOISE.measures["pelvic_drop_deg"].source
    assert "Damsted" in NOISE.measures["knee_flexion_contact_deg"].source
    assert "no published" in NOISE.measures["cadence_spm"].source.lower()


@given(
    st.floats(-100, 100, allow_nan=False),
    st.floats(0.1, 20),
    st.sampled_from(["lower", "higher", "either"]),
)
def test_verdict_is_noise_inside_the_band_and_directional_outside(
    delta: float, noise: float, better: str
) -> None:
    v = verdict(delta, noise, better)  # type: ignore[arg-type]
    if abs(delta) <= noise:
        assert v == "within_noise"
    elif better == "either":
        assert v == "changed"
    else:
        good = delta < 0 if better == "lower" else delta > 0
        assert v == ("improved" if good else "worse")


def test_compare_skips_measures_one_side_lacks_and_nan() -> None:
    changes = compare_metrics(
        {"overstride_pct_leg": 28.0, "cadence_spm": 158.0, "pelvic_drop_deg": float("nan")},
        {"overstride_pct_leg": 11.0, "cadence_spm": 171.0, "pelvic_drop_deg": 8.0},
        NOISE,
    )
    got = {c.metric: c.verdict for c in changes}
    assert got == {"overstride_pct_leg": "improved", "cadence_spm": "improved"}
    worse = compare_metrics({"contact_ms": 250.0}, {"contact_ms": 290.0}, NOISE)
    assert worse[0].verdict == "worse" and worse[0].delta == 40.0


def test_progress_report_codes_and_lines() -> None:
    before = datetime(2026, 9, 1, tzinfo=UTC)
    report = progress_report(
        previous_id=3,
        previous_at=before,
        now=datetime(2026, 10, 13, tzinfo=UTC),
        metrics_before={"overstride_pct_leg": 28.0, "cadence_spm": 158.0},
        metrics_after={"overstride_pct_leg": 27.0, "cadence_spm": 170.0},
        codes_before={"overstride", "low_cadence"},
        codes_after={"overstride", "pelvic_drop"},
        tier_before="SELF_MANAGE",
        tier_after="SELF_MANAGE",
        noise=NOISE,
    )
    assert report.days_between == 42
    assert report.resolved == ("low_cadence",) and report.new == ("pelvic_drop",)
    lines = progress_lines(report)
    assert lines[0].startswith("Cadence 158 -> 170 steps/min: better")
    assert lines[-1] == "Within re-test noise since last time: overstride"


def test_missing_inputs_say_what_they_cost() -> None:
    missing = missing_inputs([InputKind.CHECKIN, InputKind.REAR_VIDEO])
    assert [m.input for m in missing] == [InputKind.REAR_VIDEO, InputKind.CHECKIN]
    assert "pelvic drop" in missing[0].cost and "no program" in missing[1].cost
    listed = not_measured(
        missing=[InputKind.REAR_VIDEO],
        stage_limits=[
            (InputKind.SIDE_VIDEO, ("true pelvic tilt: no ASIS", "rotation of the pelvis"))
        ],
    )
    whats = [n.what for n in listed]
    assert "pelvic drop" in whats
    assert all(n in listed for n in TWO_D_LIMITS)
    assert "rotation of the pelvis" in whats
    assert sum("pelvic tilt" in w for w in whats) == 1  # the stage's line is not repeated
