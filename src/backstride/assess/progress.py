"""Progress since the previous assessment: gait medians, tier, findings new and resolved.

Pure: the caller reads the previous ``kind="assessment"`` row and the gait rows both point at;
this module compares them. A measure is compared only when both assessments measured it (a
missing video this time hides the change, it does not make one).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from backstride.assess.models import MetricChange, ProgressReport
from backstride.assess.retest import RetestNoise, verdict


def compare_metrics(
    before: Mapping[str, float | None], after: Mapping[str, float | None], noise: RetestNoise
) -> tuple[MetricChange, ...]:
    """Every measure with a noise figure that both sets hold, judged against its noise.

    Examples
    --------
    >>> from backstride.assess.retest import load_retest
    >>> noise, _ = load_retest()
    >>> [(c.metric, c.verdict) for c in compare_metrics(
    ...     {"overstride_pct_leg": 28.0, "cadence_spm": 158.0},
    ...     {"overstride_pct_leg": 12.0, "cadence_spm": 159.5}, noise)]
    [('cadence_spm', 'within_noise'), ('overstride_pct_leg', 'improved')]
    """
    out = []
    for name in sorted(noise.measures):
        a, b = before.get(name), after.get(name)
        if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
            continue
        m = noise.measures[name]
        delta = round(b - a, 3)
        out.append(
            MetricChange(
                metric=name,
                label=m.label,
                units=m.units,
                before=a,
                after=b,
                delta=delta,
                noise=m.noise,
                noise_source=" ".join(m.source.split()),
                better=m.better,
                verdict=verdict(delta, m.noise, m.better),
            )
        )
    return tuple(out)


def progress_report(
    *,
    previous_id: int,
    previous_at: datetime,
    now: datetime,
    metrics_before: Mapping[str, float | None],
    metrics_after: Mapping[str, float | None],
    codes_before: set[str],
    codes_after: set[str],
    tier_before: str | None,
    tier_after: str | None,
    noise: RetestNoise,
) -> ProgressReport:
    """The change since the previous assessment."""
    return ProgressReport(
        previous_id=previous_id,
        previous_at=previous_at,
        days_between=max(0, (now - previous_at).days),
        changes=compare_metrics(metrics_before, metrics_after, noise),
        resolved=tuple(sorted(codes_before - codes_after)),
        new=tuple(sorted(codes_after - codes_before)),
        tier_before=tier_before,
        tier_after=tier_after,
    )


def progress_lines(report: ProgressReport) -> list[str]:
    """Plain-language lines for the headline: real changes first, then how many within noise."""
    lines = []
    for c in report.changes:
        if c.verdict in ("improved", "worse", "changed"):
            word = {"improved": "better", "worse": "worse", "changed": "changed"}[c.verdict]
            lines.append(
                f"{c.label.capitalize()} {c.before:.3g} -> {c.after:.3g} {c.units}: {word} "
                f"(more than the re-test noise of {c.noise:g} {c.units})"
            )
    quiet = [c.label for c in report.changes if c.verdict == "within_noise"]
    if quiet:
        lines.append(f"Within re-test noise since last time: {', '.join(quiet)}")
    return lines
