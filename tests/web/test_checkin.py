"""The web check-in asks the same questions under the same rules as the command line: every sample
check-in, answered page by page, gives exactly the triage its truth says (and the one the pure
`triage` gives for the same answers); a red-flag question left blank is asked again, never read as
"no"; an emergency answer stops the questions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from backstride.store import Database
from backstride.store.tables import Assessment
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.questions import Kind, load_questions
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import triage
from backstride.synth.checkins import (
    NO_PAIN,
    POST_RUN_SORENESS,
    RADICULAR,
    RED_FLAG,
    SPECS,
    SUBACUTE_FLEXION,
    sample_answers,
)
from backstride.web.checkin_form import NONE_OF_THESE
from backstride.web.worker import Worker
from tests.web.conftest import Browser, Clinic, upload

QUESTION = re.compile(r'<fieldset id="q-(\w+)"')


def form_values(qids: list[str], answers: dict[str, Any]) -> dict[str, Any]:
    """What a person types for these questions, given the answers they mean."""
    questions = load_questions()
    out: dict[str, Any] = {}
    for qid in qids:
        value = answers.get(qid)
        if value is None:
            continue
        kind = questions.by_id(qid).kind
        if kind is Kind.YES_NO:
            out[qid] = "yes" if value else "no"
        elif kind is Kind.MULTI:
            out[qid] = list(value) or [NONE_OF_THESE]
        elif kind is Kind.DATE:
            out[qid] = value.isoformat() if isinstance(value, date) else value
        else:
            out[qid] = str(value)
    return out


def new_draft(b: Browser, runner_id: int) -> str:
    response = upload(b, runner_id, [])
    assert response.status_code == 303, response.text
    return response.headers["location"]  # .../intakes/N/checkin


def answer_all(b: Browser, checkin_url: str, answers: dict[str, Any]) -> list[list[str]]:
    """Answer page after page until the review; return the question ids of each page."""
    pages: list[list[str]] = []
    for _ in range(10):
        page = b.get(checkin_url, follow_redirects=False)
        if page.status_code == 303:
            return pages
        qids = QUESTION.findall(page.text)
        assert qids, page.text
        pages.append(qids)
        response = b.post(
            checkin_url, form_values(qids, answers), page=checkin_url, follow_redirects=False
        )
        assert response.status_code == 303, response.text
    raise AssertionError("the check-in never finished")


@pytest.fixture
def runner_without_birth_year(clinic: Clinic) -> int:
    response = clinic.clinician.post(
        "/runners", {"name": "Cleo"}, page="/runners", follow_redirects=False
    )
    return int(response.headers["location"].rsplit("/", 1)[1])


@pytest.mark.parametrize(
    "name", [NO_PAIN, POST_RUN_SORENESS, SUBACUTE_FLEXION, RADICULAR, RED_FLAG]
)
def test_samples_get_their_true_triage(
    clinic: Clinic, db: Database, runner_without_birth_year: int, name: str, tmp_path: Path
) -> None:
    b, runner_id = clinic.clinician, runner_without_birth_year
    today = date.today()
    answers = sample_answers(name, today)
    url = new_draft(b, runner_id)
    pages = answer_all(b, url, answers)
    review = b.get(url.removesuffix("/checkin"))
    expected = triage(CheckIn.model_validate(answers), load_ruleset(), today)
    assert expected.tier is SPECS[name].tier  # the sample's truth
    assert expected.headline in review.text
    done = b.post(
        url.removesuffix("/checkin") + "/submit",
        {},
        page=url.removesuffix("/checkin"),
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert Worker(db, work_root=tmp_path / "jobs").run_one()  # the assessment decides it
    with db.session() as s:
        stored = s.scalar(
            sa.select(Assessment).where(
                Assessment.runner_id == runner_id, Assessment.kind == "triage"
            )
        )
        assert stored is not None
    asked = {q for p in pages for q in p}
    given = triage(
        CheckIn.model_validate({k: v for k, v in answers.items() if k in asked}),
        load_ruleset(),
        today,
    )
    fired = {r["id"] for r in stored.summary["fired"]}
    assert stored.summary["tier"] == SPECS[name].tier.value
    assert stored.summary == {**given.model_dump(mode="json"), "checkin": stored.summary["checkin"]}
    assert stored.summary["ruleset_hash"] == load_ruleset().sha256
    if name == RED_FLAG:  # stopped early: the emergency rules, not every answer's tags
        assert {"saddle_numbness", "bladder_change"} <= fired
    else:  # every answer was asked: the sample's whole truth
        assert set(stored.summary["tags"]) == {t.value for t in SPECS[name].tags}
        assert fired == set(SPECS[name].rules)
    if name == NO_PAIN:  # no pain: nothing about where or when it hurts is asked
        assert not {"where", "when", "onset_date"} & {q for p in pages for q in p}
    if name == RED_FLAG:  # the questions stop at the emergency answers: one page only
        assert len(pages) == 1


def test_a_blank_red_flag_question_is_asked_again(
    clinic: Clinic, runner_without_birth_year: int
) -> None:
    b = clinic.clinician
    url = new_draft(b, runner_without_birth_year)
    answers = sample_answers(SUBACUTE_FLEXION, date.today())
    page = b.get(url)
    qids = QUESTION.findall(page.text)
    values = form_values(qids, answers)
    del values["saddle_numbness"]
    response = b.post(url, values, page=url)
    assert response.status_code == 400
    assert "saddle_numbness: please answer this question" in response.text
    assert 'class="question red-flag invalid"' in response.text
    assert "saddle_numbness" in QUESTION.findall(b.get(url).text)  # still open, not "no"


def test_out_of_range_and_future_dates_are_refused_with_the_field(
    clinic: Clinic, runner_without_birth_year: int
) -> None:
    b = clinic.clinician
    url = new_draft(b, runner_without_birth_year)
    answers = sample_answers(SUBACUTE_FLEXION, date.today())
    first = QUESTION.findall(b.get(url).text)
    bad = {**form_values(first, answers), "pain_now": "11"}
    response = b.post(url, bad, page=url)
    assert (
        response.status_code == 400
        and "pain_now: Input should be less than or equal to 10" in response.text
    )
    worse = {**form_values(first, answers), "pain_now": "7", "pain_worst_week": "3"}
    response = b.post(url, worse, page=url)
    assert "pain_worst_week: is lower than pain_now (3 &lt; 7)" in response.text
    b.post(url, form_values(first, answers), page=url)
    second = QUESTION.findall(b.get(url).text)
    assert "onset_date" in second
    future = {**form_values(second, answers), "onset_date": "2999-01-01"}
    response = b.post(url, future, page=url)
    assert (
        response.status_code == 400 and "onset_date: is in the future (2999-01-01" in response.text
    )
    both = {**form_values(second, answers), "worse": ["sitting", NONE_OF_THESE]}
    response = b.post(url, both, page=url)
    assert "worse: choose some options or &#39;none of these&#39;, not both" in response.text
