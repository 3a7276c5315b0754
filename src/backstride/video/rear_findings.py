"""Rear-view gait findings: the ``view: rear`` rules of ``thresholds.yaml`` applied to the
measured values.

The rules, their bands, sources and capacities are data (`backstride.video.findings` loads and
validates the file once); this module only picks the rear rules and says which view a finding
came from (``Source.VIDEO_REAR``).
"""

from __future__ import annotations

from backstride.findings import Confidence, Evidence, Finding
from backstride.findings import Source as FindingSource
from backstride.video.findings import evaluate, load_thresholds


def rear_view_findings(
    values: dict[str, float], *, confidence: dict[str, Confidence] | None = None
) -> list[Finding]:
    """Every rear-view rule applied to the measured values (metric name -> value).

    A metric that was not measured (absent or NaN) gives no finding: nothing is guessed.

    Examples
    --------
    >>> [f.code for f in rear_view_findings({"pelvic_drop_deg": 9.0, "step_width_cm": 6.0})]
    ['pelvic_drop']
    """
    thresholds, digest = load_thresholds()
    ruleset = f"{thresholds.version}+{digest}"
    out = []
    for code, rule in thresholds.findings.items():
        value = values.get(rule.metric, float("nan"))
        if rule.view != "rear" or value != value:
            continue
        evidence = (
            Evidence(label=rule.metric, ref=f"metrics.json#{rule.metric}", value=round(value, 2)),
        )
        finding = evaluate(
            code,
            rule,
            value,
            source=FindingSource.VIDEO_REAR,
            ruleset=ruleset,
            confidence=(confidence or {}).get(rule.metric, Confidence.HIGH),
            evidence=evidence,
        )
        if finding is not None:
            out.append(finding)
    return out
