"""Where a bout of back pain is in time, by days since onset, in both common banding schemes.

Two schemes are in use and they disagree, so both are reported and the days are stored:

* the seed article's treatment table (seed 003): acute 0-72 h (pain control, gentle movement,
  activity modification), subacute 3 days to 6 weeks (restore movement, begin strengthening,
  gradual return), chronic beyond 6 weeks (address causes, comprehensive rehabilitation, form
  analysis);
* the bands guidelines and trials use (e.g. Cochrane back reviews, NICE NG59): acute under 6
  weeks, subacute 6 to 12 weeks, chronic 12 weeks or more.

The *flare* is the first 72 hours. Onset is a calendar date, so hours are counted in whole days:
day 0 (the day it started) to day 2 are the flare; day 3 starts the seed's subacute phase. At
exactly 6 weeks (day 42) the seed's scheme still says subacute (chronic is "beyond 6 weeks") while
the guideline bands already say subacute; at day 84 (12 weeks) the guideline bands turn chronic.
"""

from __future__ import annotations

from backstride.symptoms.models import GuidelinePhase, Phase, SeedPhase

FLARE_DAYS = 3  # days 0, 1, 2 = the first 72 hours
SEED_CHRONIC_AFTER_DAYS = 42  # beyond 6 weeks
GUIDELINE_SUBACUTE_FROM_DAYS = 42  # 6 weeks
GUIDELINE_CHRONIC_FROM_DAYS = 84  # 12 weeks

SEED_FOCUS = {
    SeedPhase.ACUTE: "pain control, gentle movement, activity modification",
    SeedPhase.SUBACUTE: "restore movement, begin strengthening, gradual return to activity",
    SeedPhase.CHRONIC: "address underlying causes, comprehensive rehabilitation, form analysis",
}
"""What each seed phase focuses on (seed 003's table)."""


def seed_phase(days_since_onset: int) -> SeedPhase:
    """The seed article's phase: acute 0-72 h, subacute 3 days-6 weeks, chronic beyond.

    Examples
    --------
    >>> [seed_phase(d).value for d in (0, 2, 3, 42, 43)]
    ['acute', 'acute', 'subacute', 'subacute', 'chronic']
    """
    if days_since_onset < FLARE_DAYS:
        return SeedPhase.ACUTE
    if days_since_onset <= SEED_CHRONIC_AFTER_DAYS:
        return SeedPhase.SUBACUTE
    return SeedPhase.CHRONIC


def guideline_phase(days_since_onset: int) -> GuidelinePhase:
    """The guideline bands: acute < 6 weeks, subacute 6-12 weeks, chronic >= 12 weeks.

    Examples
    --------
    >>> [guideline_phase(d).value for d in (0, 41, 42, 83, 84)]
    ['acute', 'acute', 'subacute', 'subacute', 'chronic']
    """
    if days_since_onset < GUIDELINE_SUBACUTE_FROM_DAYS:
        return GuidelinePhase.ACUTE
    if days_since_onset < GUIDELINE_CHRONIC_FROM_DAYS:
        return GuidelinePhase.SUBACUTE
    return GuidelinePhase.CHRONIC


def phase_of(days_since_onset: int) -> Phase:
    """The full `Phase` for a number of days since onset (0 = the day it started).

    Examples
    --------
    >>> p = phase_of(10)
    >>> p.flare, p.seed.value, p.guideline.value
    (False, 'subacute', 'acute')
    """
    if days_since_onset < 0:
        raise ValueError(f"days_since_onset must be >= 0, got {days_since_onset}")
    return Phase(
        days_since_onset=days_since_onset,
        flare=days_since_onset < FLARE_DAYS,
        seed=seed_phase(days_since_onset),
        guideline=guideline_phase(days_since_onset),
    )
