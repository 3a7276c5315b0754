"""The check-in of a new assessment, step by step: the next questions, their answers checked
with the check-in's own rules (`backstride.web.checkin_form`) and saved after every step, starting
again, or going on without a check-in (then no program or running advice can be given)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from backstride.errors import ValidationError
from backstride.store.intakes import get_intake
from backstride.symptoms.checkin import CheckIn, with_birth_year
from backstride.symptoms.questions import load_questions
from backstride.symptoms.ruleset import load_ruleset
from backstride.web.checkin_form import NONE_OF_THESE, apply_answers, next_step
from backstride.web.guard import RunnerRef, check_csrf, database, form_values, runner_scope
from backstride.web.render import page, redirect
from backstride.web.routes.intakes import answered_in_words, draft_of, open_draft

router = APIRouter(dependencies=[Depends(check_csrf)])


def _step_page(
    request: Request, runner: RunnerRef, draft: dict[str, Any], error: ValidationError | None
) -> Response:
    questions, rules = load_questions(), load_ruleset()
    step = next_step(
        draft["answers"], draft["shown"], date.today(), questions=questions, rules=rules
    )
    if not step.questions:
        return redirect(f"/runners/{runner.id}/intakes/{draft['id']}")
    context = {
        "runner": runner,
        "draft": draft,
        "questions": step.questions,
        "none_value": NONE_OF_THESE,
        "error": error,
        "answered": answered_in_words(draft["answers"]),
        "today": date.today().isoformat(),
    }
    return page(request, "checkin.html", context, status=400 if error else 200)


@router.get("/runners/{runner_id}/intakes/{intake_id}/checkin")
def checkin_step(
    request: Request, intake_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """The next questions of the check-in (or the review when none is left)."""
    draft = draft_of(request, runner, intake_id)
    if draft["status"] != "draft":
        return redirect(f"/runners/{runner.id}/intakes/{intake_id}")
    return _step_page(request, runner, draft, None)


@router.post("/runners/{runner_id}/intakes/{intake_id}/checkin")
def checkin_answer(
    request: Request,
    intake_id: int,
    runner: RunnerRef = Depends(runner_scope),
    values: dict[str, list[str]] = Depends(form_values),
) -> Response:
    """Validate this step's answers with the check-in's own rules and save them."""
    draft = open_draft(request, runner, intake_id)
    questions, rules = load_questions(), load_ruleset()
    step = next_step(
        draft["answers"], draft["shown"], date.today(), questions=questions, rules=rules
    )
    try:
        answers = apply_answers(draft["answers"], step.questions, values, date.today())
    except ValidationError as exc:
        return _step_page(request, runner, draft, exc)
    shown = sorted({*draft["shown"], *(q.id for q in step.questions)})
    _save(request, runner, intake_id, answers=answers, shown=shown, checkin_skipped=False)
    return redirect(f"/runners/{runner.id}/intakes/{intake_id}/checkin")


def _save(request: Request, runner: RunnerRef, intake_id: int, **values: Any) -> None:
    """Set check-in fields of a draft intake."""
    with database(request).session() as s:
        intake = get_intake(s, runner.id, intake_id)
        for name, value in values.items():
            setattr(intake, name, value)


@router.post("/runners/{runner_id}/intakes/{intake_id}/restart-checkin")
def restart_checkin(
    request: Request, intake_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """Clear the answers and start the check-in again."""
    open_draft(request, runner, intake_id)
    start = with_birth_year(CheckIn(), runner.birth_year, date.today()).answered()
    _save(request, runner, intake_id, answers=start, shown=[], checkin_skipped=False)
    return redirect(f"/runners/{runner.id}/intakes/{intake_id}/checkin")


@router.post("/runners/{runner_id}/intakes/{intake_id}/skip-checkin")
def skip_checkin(
    request: Request, intake_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """Go on without a check-in (no program or running advice can be given without one)."""
    open_draft(request, runner, intake_id)
    _save(request, runner, intake_id, checkin_skipped=True)
    return redirect(f"/runners/{runner.id}/intakes/{intake_id}")
