"""The facts rules look at: the check-in answers plus a few values derived from them and the date.

Rules never compute anything themselves; whatever they need that is not a plain answer (days since
onset, age at onset, whether this is a first episode) is derived here, once, as a pure function of
the check-in and ``today``. A derived value is ``None`` whenever an answer it needs is missing, so
the three-valued rules treat it as unknown rather than as "no".
"""

from __future__ import annotations

from datetime import date

from backstride.symptoms.checkin import Area, CheckIn, Episodes

LEG_AREAS = frozenset({Area.THIGH, Area.BELOW_KNEE})
DAYS_PER_YEAR = 365.25

DERIVED_LABELS = {
    "has_pain": "any back pain in the last week",
    "days_since_onset": "days since the pain started",
    "age_at_onset": "age when this bout started",
    "first_episode": "first bout of back pain",
    "leg_involved": "leg pain or leg nerve symptoms",
}


class Facts(CheckIn):
    """Every check-in answer, plus the derived values below.

    Attributes
    ----------
    has_pain
        Any back pain now or in the last week (either 0-10 score above 0).
    days_since_onset
        Whole days from the onset date to ``today`` (0 on the day it started).
    age_at_onset
        Age in whole years when this episode started: ``age - floor(days_since_onset / 365.25)``.
    first_episode
        No earlier episodes of low back pain.
    leg_involved
        Pain in the thigh or below the knee, or any numbness, pins and needles or weakness in a
        leg: what makes "one leg or both?" worth asking.
    """

    has_pain: bool | None = None
    days_since_onset: int | None = None
    age_at_onset: int | None = None
    first_episode: bool | None = None
    leg_involved: bool | None = None


def _has_pain(checkin: CheckIn) -> bool | None:
    scores = (checkin.pain_now, checkin.pain_worst_week)
    if any(s is not None and s > 0 for s in scores):
        return True
    return None if None in scores else False


def _leg_involved(checkin: CheckIn, has_pain: bool | None) -> bool | None:
    where = checkin.where if checkin.where is not None else (() if has_pain is False else None)
    parts = [
        None if where is None else bool(LEG_AREAS & set(where)),
        None if checkin.leg_symptoms is None else bool(checkin.leg_symptoms),
    ]
    return True if True in parts else None if None in parts else False


def derive_facts(checkin: CheckIn, today: date) -> Facts:
    """The facts of ``checkin`` on ``today``.

    Examples
    --------
    >>> f = derive_facts(CheckIn(pain_now=2, onset_date=date(2026, 5, 1), age=40,
    ...                          previous_episodes="none"), date(2026, 5, 11))
    >>> f.has_pain, f.days_since_onset, f.age_at_onset, f.first_episode
    (True, 10, 40, True)
    >>> derive_facts(CheckIn(pain_now=0), date(2026, 5, 11)).has_pain is None  # worst unknown
    True
    """
    has_pain = _has_pain(checkin)
    days = None if checkin.onset_date is None else (today - checkin.onset_date).days
    age_at_onset = None
    if checkin.age is not None and days is not None:
        age_at_onset = checkin.age - int(days // DAYS_PER_YEAR)
    episodes = checkin.previous_episodes
    first = None if episodes is None else episodes is Episodes.NONE
    return Facts.model_construct(
        **dict(checkin),
        has_pain=has_pain,
        days_since_onset=days,
        age_at_onset=age_at_onset,
        first_episode=first,
        leg_involved=_leg_involved(checkin, has_pain),
    )
