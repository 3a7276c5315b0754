"""Usual ranges of the gait metrics, read from the video thresholds file, and the gait table.

The usual range of a metric is where its finding does not fire: below the ``low`` band edge of
an ``above`` rule, within plus or minus it for ``abs_above``, above it for ``below``, and within
the edge of the typical cadence for the running speed for ``below_expected``. The edges and their
sources are those of ``backstride/video/thresholds.yaml`` (practice conventions where the file
says so, not validated cut-offs); the report repeats the source rather than inventing a band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from backstride.findings import Finding
from backstride.report.data import Band, MetricRow, View
from backstride.video.findings import Rule, Thresholds
from backstride.video.sagittal import expected_cadence_spm

#: The metrics the gait table shows, in order, with a plain label and the view that measures them.
TABLE: tuple[tuple[str, str, View], ...] = (
    ("cadence_spm", "Cadence", "side"),
    ("contact_ms", "Ground contact time", "side"),
    ("flight_ms", "Flight time", "side"),
    ("overstride_pct_leg", "Overstride (heel ahead of pelvis)", "side"),
    ("shank_angle_deg", "Shin angle at landing", "side"),
    ("knee_flexion_contact_deg", "Knee bend at landing", "side"),
    ("trunk_lean_deg", "Forward trunk lean", "side"),
    ("vertical_oscillation_cm", "Vertical oscillation", "side"),
    ("step_time_si_pct", "Step time asymmetry (symmetry index)", "side"),
    ("contact_time_si_pct", "Contact time asymmetry (symmetry index)", "side"),
    ("pelvic_drop_deg", "Pelvic drop", "rear"),
    ("lateral_lean_deg", "Sideways trunk lean", "rear"),
    ("step_width_cm", "Step width (negative = crossover)", "rear"),
    ("arm_cross_cm", "Arm crossing past the midline", "rear"),
)

UNITS: dict[str, str] = {
    "cadence_spm": "steps/min",
    "contact_ms": "ms",
    "flight_ms": "ms",
    "overstride_pct_leg": "% leg",
    "shank_angle_deg": "deg",
    "knee_flexion_contact_deg": "deg",
    "trunk_lean_deg": "deg",
    "vertical_oscillation_cm": "cm",
    "step_time_si_pct": "%",
    "contact_time_si_pct": "%",
    "pelvic_drop_deg": "deg",
    "lateral_lean_deg": "deg",
    "step_width_cm": "cm",
    "arm_cross_cm": "cm",
}


def label_of(metric: str) -> str:
    """The plain label of a metric (its name when the table does not list it).

    Examples
    --------
    >>> label_of("pelvic_drop_deg"), label_of("duty_factor")
    ('Pelvic drop', 'duty_factor')
    """
    return next((label for m, label, _ in TABLE if m == metric), metric)


def _rule_for(thresholds: Thresholds, metric: str) -> Rule | None:
    return next((r for r in thresholds.findings.values() if r.metric == metric), None)


def band_for(rule: Rule, speed_mps: float | None = None) -> Band | None:
    """The usual range a rule implies (None for a speed-based rule without a speed).

    Examples
    --------
    >>> from backstride.video.findings import load_thresholds
    >>> rules = load_thresholds()[0].findings
    >>> band_for(rules["overstride"]).text
    'up to 20 % leg length'
    >>> band_for(rules["step_time_asymmetry"]).low
    -8.0
    """
    edge = rule.bands.low
    source = " ".join(rule.reference.split())
    units = rule.units
    if rule.direction == "above":
        return Band(low=None, high=edge, text=f"up to {edge:g} {units}", source=source)
    if rule.direction == "abs_above":
        return Band(low=-edge, high=edge, text=f"within ±{edge:g} {units}", source=source)
    if rule.direction == "below":
        return Band(low=edge, high=None, text=f"{edge:g} {units} or more", source=source)
    if speed_mps is None or speed_mps != speed_mps:
        return None
    typical = expected_cadence_spm(speed_mps)
    return Band(
        low=typical - edge,
        high=None,
        text=f"{typical - edge:.0f} steps/min or more at {speed_mps:.1f} m/s "
        f"(typical {typical:.0f})",
        source=source,
    )


def bands_for(
    thresholds: Thresholds, metrics: Sequence[str], speed_mps: float | None
) -> dict[str, Band]:
    """The usual range of each metric that has a rule in the thresholds file."""
    out: dict[str, Band] = {}
    for metric in metrics:
        rule = _rule_for(thresholds, metric)
        band = None if rule is None else band_for(rule, speed_mps)
        if band is not None:
            out[metric] = band
    return out


def metric_rows(
    values: Mapping[str, float | None],
    bands: Mapping[str, Band],
    findings: Sequence[Finding],
) -> tuple[MetricRow, ...]:
    """The gait table: every listed metric that was measured, its range and any finding on it."""
    flagged = {e.label: f.severity.value for f in findings for e in f.evidence}
    rows = []
    for metric, label, view in TABLE:
        value = values.get(metric)
        if value is None or value != value:
            continue
        rows.append(
            MetricRow(
                metric=metric,
                label=label,
                view=view,
                value=float(value),
                units=UNITS[metric],
                band=bands.get(metric),
                flagged=flagged.get(metric),
            )
        )
    return tuple(rows)
