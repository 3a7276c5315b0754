"""Showing a triage to the runner: what to do first, then the why.

The tier and its action come first, in a panel coloured by urgency. EMERGENCY and URGENT stop
there, apart from the answers that caused them: short and unmissable, with no exercise or running
advice after them. The other tiers go on with the phase, the soreness reading, the symptom
response tags, further advice and every rule that fired.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from backstride.symptoms.models import Tier, Triage
from backstride.symptoms.painlog import PainEntry
from backstride.symptoms.phase import SEED_FOCUS

STYLE = {
    Tier.EMERGENCY: "bold white on red",
    Tier.URGENT: "bold red",
    Tier.SOON: "bold yellow",
    Tier.RADICULAR: "bold magenta",
    Tier.SELF_MANAGE: "bold green",
}


def show_tier(console: Console, triage: Triage) -> None:
    """The panel: tier, headline and action."""
    style = STYLE[triage.tier]
    body = f"[{style}]{triage.headline}[/]\n\n{triage.action}"
    console.print(
        Panel(body, title=f"[{style}] {triage.tier.words} [/]", border_style=style.split()[-1]),
        highlight=False,
    )


def show_referral_reasons(console: Console, triage: Triage) -> None:
    """Only the rules at the deciding tier, with the answers that set them off."""
    console.print("[bold]Because you answered:[/]")
    for rule in triage.fired:
        if rule.tier is triage.tier:
            answers = "; ".join(f"{e.label}: {e.value}" for e in rule.evidence)
            console.print(f"  - {answers}", highlight=False)


def show_details(console: Console, triage: Triage) -> None:
    """Phase, soreness, tags, advice and the rules that fired (tiers that allow a program)."""
    if triage.phase is not None:
        p = triage.phase
        flare = " (flare: the first 72 hours)" if p.flare else ""
        console.print(
            f"[bold]Phase:[/] day {p.days_since_onset}{flare}; {p.seed.value} in the seed table "
            f"(focus: {SEED_FOCUS[p.seed]}); {p.guideline.value} in guideline terms",
            highlight=False,
        )
    if triage.soreness is not None:
        reasons = "; ".join(triage.soreness.reasons)
        console.print(
            f"[bold]Soreness:[/] {triage.soreness.kind.value.replace('_', ' ')}"
            + (f": {reasons}" if reasons else ""),
            highlight=False,
        )
    if triage.tag_reasons:
        console.print("[bold]Your symptom response (the program works around it):[/]")
        for reason in triage.tag_reasons:
            console.print(f"  - {reason.tag.value}: {reason.explanation}", highlight=False)
    if triage.advice:
        console.print("[bold]Also:[/]")
        for line in triage.advice:
            console.print(f"  - {line}", highlight=False)
    if triage.fired:
        console.print("[bold]Rules that fired:[/]")
        for rule in triage.fired:
            console.print(f"  - ({rule.tier.words}) {rule.id}: {rule.explanation}", highlight=False)


def show_triage(console: Console, triage: Triage, *, runner: str) -> None:
    """Everything the runner sees after a check-in, most important first."""
    show_tier(console, triage)
    if triage.tier.allows_program:
        show_details(console, triage)
    else:
        show_referral_reasons(console, triage)
    console.print(
        f"[dim]Guidance and education, not a diagnosis. Rule set {triage.ruleset_version} "
        f"({triage.ruleset_hash[:12]}). For a clinician: "
        f"backstride triage show --runner {runner!r} --clinician[/]",
        highlight=False,
    )


def pain_table(entries: Sequence[PainEntry]) -> Table:
    """The pain log as a table."""
    table = Table("date", "during", "after", "next morning", "walk-run phase", "note")
    for e in entries:
        table.add_row(
            str(e.entry_date),
            "-" if e.pain_during is None else f"{e.pain_during}/10",
            "-" if e.pain_after is None else f"{e.pain_after}/10",
            e.next_morning.value if e.next_morning else "-",
            "-" if e.walk_run_phase is None else str(e.walk_run_phase),
            e.note or "",
        )
    return table


def print_walk_run(console: Console, entries: Sequence[PainEntry]) -> None:
    """Where the runner is in the walk-run plan, when any logged run names its phase."""
    if not any(e.walk_run_phase is not None for e in entries):
        return
    from backstride.program.walk_run import current_status

    status = current_status(entries)
    console.print(f"[bold]Walk-run:[/] {escape(status.says)}", highlight=False, soft_wrap=True)
    for note in status.notes[-3:]:
        console.print(f"  [yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)
