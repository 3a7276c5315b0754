"""The clinician-facing summary of a decision: the tier and every answer behind it, as text.

Written for a GP or physio reading a runner's self-report: the tier and the rules that set it
with the answers each rule looked at, the red-flag screen item by item, the pain history, phase
and symptom response, and the rule-set version and hash that make the decision reproducible. It
is plain text so it can be printed, mailed or pasted into notes.
"""

from __future__ import annotations

from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.models import Tier, Triage
from backstride.symptoms.questions import QuestionSet

DISCLAIMER = (
    "Self-reported check-in scored by backstride (running fitness and education guidance, not a "
    "diagnosis)."
)


def _fired_lines(triage: Triage) -> list[str]:
    lines = []
    for rule in sorted(triage.fired, key=lambda r: -r.tier.urgency):
        answers = "; ".join(f"{e.label}: {e.value}" for e in rule.evidence)
        lines.append(f"  - [{rule.tier.value}] {rule.id}: {answers}")
    return lines or ["  - none (no rule fired)"]


def _phase_line(triage: Triage) -> str:
    phase = triage.phase
    if phase is None:
        return "Phase: no current episode"
    return (
        f"Phase: day {phase.days_since_onset} since onset; seed table {phase.seed.value}, "
        f"guideline bands {phase.guideline.value}; flare (first 72 h): "
        f"{'yes' if phase.flare else 'no'}"
    )


def _answer_lines(
    checkin: CheckIn, questions: QuestionSet, unanswered: tuple[str, ...], *, red_flag: bool
) -> list[str]:
    lines = []
    for question in questions.questions:
        if question.red_flag != red_flag:
            continue
        value = getattr(checkin, question.id)
        if value is not None:
            shown = questions.format(question.id, value)
        elif question.id in unanswered:
            shown = "NOT ASKED (emergency already decided)"
        elif question.red_flag:
            shown = "did not apply"
        else:
            continue
        lines.append(f"  {question.label}: {shown}")
    return lines


def clinician_summary(
    triage: Triage, checkin: CheckIn, questions: QuestionSet, *, runner: str
) -> str:
    """The decision and the answers behind it, for a clinician, as plain text."""
    tier_note = "" if triage.tier.allows_program else "; referral only: no program issued"
    lines = [
        f"backstride check-in: clinician summary for {runner}",
        DISCLAIMER,
        f"Decided on {triage.decided_on} with triage rule set {triage.ruleset_version} "
        f"(sha256 {triage.ruleset_hash})",
        "",
        f"Tier: {triage.tier.words} ({triage.tier.value}{tier_note}). {triage.headline}",
        "Rules that fired, with the answers behind them:",
        *_fired_lines(triage),
        "",
        "Red-flag screen:",
        *_answer_lines(checkin, questions, triage.unanswered, red_flag=True),
        "",
        "Pain and symptom response:",
        *_answer_lines(checkin, questions, triage.unanswered, red_flag=False),
        _phase_line(triage),
    ]
    if triage.soreness is not None:
        reasons = "; ".join(triage.soreness.reasons)
        lines.append(
            f"Soreness reading: {triage.soreness.kind.value}" + (f" ({reasons})" if reasons else "")
        )
    tags = ", ".join(sorted(t.value for t in triage.tags)) or "none"
    lines.append(f"Symptom-response tags (program contraindications): {tags}")
    others = [q for q in triage.unanswered if not questions.by_id(q).red_flag]
    if others:
        lines.append(
            "Also not asked, because an emergency answer had already decided the tier: "
            + ", ".join(questions.label(q) for q in others)
        )
    if triage.tier is Tier.EMERGENCY:
        lines.append("The runner was told to seek emergency care now.")
    return "\n".join(lines) + "\n"
