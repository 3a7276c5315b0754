"""`build_assessment` (pure): the referral replaces everything; otherwise ranked findings, the
headline in plain words, de-duplicated sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

from backstride.assess.assess import AssessmentParts, build_assessment
from backstride.assess.models import InputKind, StageRefs
from backstride.findings import EvidenceLevel, Finding, Severity, Source
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.models import Triage
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import triage
from backstride.synth.checkins import RED_FLAG, SUBACUTE_FLEXION, sample_answers

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
FORBIDDEN = ("treats", "diagnoses", "clinically proven")


def decided(name: str) -> Triage:
    return triage(CheckIn.model_validate(sample_answers(name, TODAY)), load_ruleset(), TODAY)


def finding(code: str, source: Source, severity: Severity, reference: str) -> Finding:
    return Finding(
        code=code,
        source=source,
        title=f"title of {code}",
        severity=severity,
        explanation="stage text",
        reference=reference,
        evidence_level=EvidenceLevel.ASSOCIATION,
    )


FINDINGS = (
    finding("overstride", Source.VIDEO_SIDE, Severity.MODERATE, "Souza 2016"),
    finding("pelvic_drop", Source.VIDEO_REAR, Severity.HIGH, "Bramah 2018"),
    finding("frontal_asymmetry", Source.VIDEO_REAR, Severity.LOW, "Bramah 2018"),
    finding("acwr", Source.TRAINING, Severity.INFO, "Williams 2017"),
)


def test_a_red_flag_replaces_everything_with_the_referral() -> None:
    t = decided(RED_FLAG)
    a = build_assessment(
        AssessmentParts(
            runner="Ana",
            created_at=NOW,
            inputs=(InputKind.CHECKIN, InputKind.SIDE_VIDEO),
            triage=t,
            findings=FINDINGS,
            stages=StageRefs(triage=7),
        )
    )
    assert a.referral and a.tier == "EMERGENCY" and a.findings == ()
    assert a.headline[0].startswith("Referral: ") and len(a.headline) >= 2
    assert a.triage_ruleset is not None and a.triage_ruleset.startswith(t.ruleset_version)
    assert [n.what for n in a.not_measured] == ["gait, training load and the program"]
    assert a.sources and all("Bramah" not in s for s in a.sources)


def test_findings_ranked_headline_plain_sources_unique() -> None:
    a = build_assessment(
        AssessmentParts(
            runner="Ana",
            created_at=NOW,
            inputs=(InputKind.SIDE_VIDEO, InputKind.REAR_VIDEO, InputKind.CHECKIN),
            missing=(InputKind.ACTIVITIES,),
            triage=decided(SUBACUTE_FLEXION),
            findings=FINDINGS,
            notes=("a note",),
        )
    )
    assert [r.finding.code for r in a.findings] == [
        "pelvic_drop",
        "overstride",
        "frontal_asymmetry",
        "acwr",
    ]
    assert a.headline[0] == "Safety screen: Safe to self-manage with guidance."
    assert "SELF_MANAGE" not in " ".join(a.headline)  # the code stays in a.tier, for JSON and DB
    assert a.headline[1] == "Finding 1: title of pelvic_drop (high, from the rear video)"
    assert a.headline[-2] == "Not given this time: training history (see what that costs below)."
    assert a.headline[-1] == "a note"
    assert a.sources.count("Bramah 2018") == 1
    assert a.sources.index("Bramah 2018") < a.sources.index("Souza 2016")
    assert [m.input for m in a.missing] == [InputKind.ACTIVITIES]
    text = " ".join([*a.headline, a.disclaimer, *(r.why + r.evidence_limits for r in a.findings)])
    assert not any(word in text.lower() for word in FORBIDDEN)
    assert "not a diagnosis" in a.disclaimer


def test_no_checkin_no_findings_says_so() -> None:
    a = build_assessment(
        AssessmentParts(
            runner="Ana", created_at=NOW, inputs=(), missing=tuple(InputKind), findings=()
        )
    )
    assert a.tier is None and not a.referral
    assert a.headline[0].startswith("No check-in")
    assert a.headline[1] == "No finding outside its usual range in what was measured."
    assert len(a.missing) == 4
