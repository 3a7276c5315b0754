"""Ranking and explanation of findings: pure functions, with hypothesis where it fits."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from backstride.assess.explain import explain, load_texts, numbers_text
from backstride.assess.rank import rank_findings, score, score_parts
from backstride.findings import Confidence, Evidence, EvidenceLevel, Finding, Severity, Source
from backstride.training.findings import MONOTONY_DISPLAY_CAP, monotony_finding
from backstride.training.flags import MonotonyEvent
from backstride.training.thresholds import load_thresholds as training_thresholds
from backstride.video.findings import load_thresholds

TRAINING_FINDINGS = Path(__file__).parents[2] / "src/backstride/training/findings.py"


def emitted_codes() -> set[str]:
    """Every finding code a stage can emit: the video thresholds file's rules and the codes
    the training findings module passes to `Finding` (read from its source)."""
    video, _ = load_thresholds()
    text = TRAINING_FINDINGS.read_text()
    training = set(re.findall(r'_finding\(\s*"([a-z_]+)"', text))
    training |= set(re.findall(r'code="([a-z_]+)"', text))
    return set(video.findings) | training


def test_every_emitted_code_has_our_text() -> None:
    codes = emitted_codes()
    assert {"overstride", "pelvic_drop", "single_run_spike", "descent_exposure"} <= codes
    assert {"cadence_drift", "gct_balance_drift", "acwr", "shoe_worn"} <= codes
    texts, digest = load_texts()
    assert not codes - set(texts.codes), f"no text for {sorted(codes - set(texts.codes))}"
    assert len(digest) == 12


def test_texts_never_use_forbidden_words() -> None:
    texts, _ = load_texts()
    for code, t in texts.codes.items():
        for word in ("treats", "diagnoses", "clinically proven", "cures"):
            assert word not in (t.why + t.limits).lower(), (code, word)


findings = st.builds(
    Finding,
    code=st.sampled_from(["overstride", "pelvic_drop", "weekly_ramp", "acwr", "new_code"]),
    source=st.sampled_from(list(Source)),
    title=st.just("t"),
    severity=st.sampled_from(list(Severity)),
    explanation=st.just("stage text"),
    value=st.none() | st.floats(-500, 500, allow_nan=False),
    threshold=st.none() | st.floats(0, 100, allow_nan=False),
    units=st.sampled_from([None, "deg", "% leg length"]),
    evidence_level=st.sampled_from(list(EvidenceLevel)),
    confidence=st.sampled_from(list(Confidence)),
    modifiability=st.floats(0, 1),
)


@given(st.lists(findings, max_size=12))
def test_ranking_orders_info_last_and_scores_descending(items: list[Finding]) -> None:
    ranked = rank_findings(items)
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    infos = [r.finding.severity is Severity.INFO for r in ranked]
    assert infos == sorted(infos), "an info finding ranked above a graded one"
    graded = [r.score for r in ranked if r.finding.severity is not Severity.INFO]
    assert graded == sorted(graded, reverse=True)
    for r in ranked:
        assert abs(sum(r.score_parts.values()) - r.score) < 1e-6
        assert r.why and r.numbers and r.evidence_says and r.evidence_limits
    # one per (source, code): duplicates keep the worse severity
    keys = [(r.finding.source, r.finding.code) for r in ranked]
    assert len(keys) == len(set(keys))


@given(findings, findings)
def test_higher_severity_never_loses_on_severity_term(a: Finding, b: Finding) -> None:
    if a.severity.rank > b.severity.rank:
        assert score_parts(a)["severity"] > score_parts(b)["severity"]
    assert score(a) >= 0


def test_severity_leads_then_evidence_then_modifiability() -> None:
    def f(code: str, sev: Severity, level: EvidenceLevel, mod: float) -> Finding:
        return Finding(
            code=code,
            source=Source.VIDEO_SIDE,
            title=code,
            severity=sev,
            explanation="e",
            evidence_level=level,
            confidence=Confidence.HIGH,
            modifiability=mod,
        )

    items = [
        f("a_info", Severity.INFO, EvidenceLevel.ASSOCIATION, 1.0),
        f("b_low", Severity.LOW, EvidenceLevel.ASSOCIATION, 0.5),
        f("c_high_heur", Severity.HIGH, EvidenceLevel.HEURISTIC, 0.5),
        f("d_high_assoc", Severity.HIGH, EvidenceLevel.ASSOCIATION, 0.5),
        f("e_high_assoc_mod", Severity.HIGH, EvidenceLevel.ASSOCIATION, 0.9),
    ]
    order = [r.finding.code for r in rank_findings(items)]
    assert order == ["e_high_assoc_mod", "d_high_assoc", "c_high_heur", "b_low", "a_info"]


def test_numbers_show_value_threshold_units_and_evidence() -> None:
    f = Finding(
        code="pelvic_drop",
        source=Source.VIDEO_REAR,
        title="t",
        severity=Severity.HIGH,
        explanation="e",
        value=9.1,
        threshold=5.0,
        units="deg",
        evidence=tuple(Evidence(label=f"stance {i}", value=9.0 + i) for i in range(5)),
    )
    text = numbers_text(f)
    assert text.startswith("9.1 deg (flagged from 5)")
    assert "stance 0: 9.0" in text and "and 2 more" in text
    spike = f.model_copy(update={"code": "single_run_spike", "value": 2.31, "threshold": 1.1})
    assert explain(spike)["numbers"].startswith("2.31x the longest run of the previous 30 days")


def monotony_week(day: int, monotony: float | None, level: Severity) -> MonotonyEvent:
    strain = None if monotony is None else 50 * monotony
    return MonotonyEvent(
        week_start=date(2025, 4, day),
        monotony=monotony,
        strain=strain,
        distance_km=50.0,
        level=level,
    )


def test_monotony_over_the_cap_reads_as_words_and_keeps_its_number() -> None:
    """Regression: near-identical daily distances showed "36.7 (flagged from 1.5)"."""
    t = training_thresholds()
    f = monotony_finding(
        [monotony_week(7, 1.855, Severity.LOW), monotony_week(21, 36.6876, Severity.MODERATE)], t
    )
    assert f.value == 36.69 > MONOTONY_DISPLAY_CAP  # the raw number, for the JSON
    assert f.title == "Weeks with the same load nearly every day (monotony over 10)"
    assert explain(f)["numbers"] == (
        "monotony over 10, almost the same load every day (mean / SD of daily km; flagged from "
        "1.5). week of 2025-04-07: 50.0 km: 1.85. "
        "week of 2025-04-21: 50.0 km: over 10, almost the same load every day"
    )
    low = monotony_finding([monotony_week(7, 2.4, Severity.MODERATE)], t)
    assert low.title.endswith("(monotony 2.4)")
    assert explain(low)["numbers"] == (
        "monotony 2.4 (mean / SD of daily km; flagged from 1.5). week of 2025-04-07: 50.0 km: 2.4"
    )
    same = monotony_finding([monotony_week(14, None, Severity.MODERATE)], t)  # SD 0: infinite
    assert same.value is None and same.title.endswith("(monotony over 10)")
    assert explain(same)["numbers"] == (
        "week of 2025-04-14: 50.0 km: over 10, almost the same load every day"
    )


def test_evidence_wording_is_an_association_with_its_source() -> None:
    f = Finding(
        code="pelvic_drop",
        source=Source.VIDEO_REAR,
        title="t",
        severity=Severity.HIGH,
        explanation="e",
        reference="Bramah et al. 2018",
        evidence_level=EvidenceLevel.ASSOCIATION,
    )
    text = explain(f)
    assert "association, not proof" in text["evidence_says"]
    assert text["evidence_says"].endswith("Main source: Bramah et al. 2018.")
    assert "category" in text["evidence_limits"]
    unknown = explain(f.model_copy(update={"code": "from_a_newer_stage", "explanation": "x y"}))
    assert unknown["why"] == "x y"
