"""Runners: the clinic's list, adding a runner, the runner page, inviting a runner."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from backstride.errors import InputError
from backstride.store.intakes import open_intakes
from backstride.store.jobs import runner_jobs
from backstride.store.runners import RunnerProfile
from backstride.store.tables import Runner
from backstride.store.web_accounts import (
    add_clinic_runner,
    clinic_runners,
    create_invite,
    runner_account,
)
from backstride.store.web_tables import Clinic
from backstride.validation import validate_input
from backstride.web.guard import RunnerRef, check_csrf, clinician, database, runner_scope, viewer
from backstride.web.render import page, redirect
from backstride.web.routes.jobs import job_view
from backstride.web.runner_view import last_results, program_now, progress_charts, results
from backstride.web.visit import Viewer

router = APIRouter(dependencies=[Depends(check_csrf)])


def optional_number(field: str, text: str, kind: type[float] | type[int]) -> float | int | None:
    """A form number that may be left empty.

    Examples
    --------
    >>> optional_number("height_cm", " 172.5 ", float), optional_number("birth_year", "", int)
    (172.5, None)
    """
    text = text.strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise InputError(f"{field}: {text!r} is not a number") from None


def profile_from_form(form: dict[str, str]) -> RunnerProfile:
    """A validated runner profile from the add-runner form."""
    return validate_input(
        RunnerProfile,
        {
            "name": form["name"],
            "height_cm": optional_number("height_cm", form["height_cm"], float),
            "birth_year": optional_number("birth_year", form["birth_year"], int),
            "sex": form["sex"] or None,
            "notes": form["notes"].strip() or None,
        },
    )


def _list_page(request: Request, who: Viewer, **extra: Any) -> Response:
    with database(request).session() as s:
        pairs = clinic_runners(s, who.clinic_id or 0)
        latest = last_results(s, [runner.id for runner, _ in pairs])
        rows = [
            {
                "id": runner.id,
                "name": link.display_name,
                "stored": runner.name,
                "last": latest.get(runner.id),
                "added": runner.created_at,
            }
            for runner, link in pairs
        ]
        clinic = s.get(Clinic, who.clinic_id)
    status = 400 if extra.get("error") else 200
    context = {"runners": rows, "clinic": clinic, "form": {}, **extra}
    return page(request, "runners.html", context, status=status)


@router.get("/runners")
def runner_list(request: Request, who: Viewer = Depends(viewer)) -> Response:
    """The clinic's runners (a runner account goes to its own page)."""
    if not who.is_clinician:
        return redirect(f"/runners/{who.runner_id}")
    return _list_page(request, who)


@router.post("/runners")
def add_runner(
    request: Request,
    who: Viewer = Depends(clinician),
    name: str = Form(""),
    height_cm: str = Form(""),
    birth_year: str = Form(""),
    sex: str = Form(""),
    notes: str = Form(""),
) -> Response:
    """Add a runner to the clinic."""
    form = {
        "name": name,
        "height_cm": height_cm,
        "birth_year": birth_year,
        "sex": sex,
        "notes": notes,
    }
    try:
        profile = profile_from_form(form)
        with database(request).session() as s:
            clinic = s.get_one(Clinic, who.clinic_id)
            runner_id = add_clinic_runner(s, clinic, profile).id
    except InputError as exc:
        return _list_page(request, who, form=form, error=str(exc))
    return redirect(f"/runners/{runner_id}")


@router.get("/runners/{runner_id}")
def runner_page(
    request: Request, runner: RunnerRef = Depends(runner_scope), who: Viewer = Depends(viewer)
) -> Response:
    """The runner page: results over time, charts, the program, jobs under way."""
    with database(request).session() as s:
        person = s.get_one(Runner, runner.id)
        current = program_now(s, person)
        context = {
            "runner": runner,
            "results": results(s, runner.id),
            "charts": progress_charts(s, runner.id),
            "program": None if current is None else current[1],
            "jobs": [job_view(j) for j in runner_jobs(s, runner.id, limit=8)],
            "drafts": open_intakes(s, runner.id),
            "has_account": runner_account(s, runner.id) is not None,
            "invite_link": None,
        }
    return page(request, "runner.html", context)


@router.post("/runners/{runner_id}/invite")
def invite(
    request: Request, runner: RunnerRef = Depends(runner_scope), who: Viewer = Depends(clinician)
) -> Response:
    """Make a one-time link for the runner to create their account (shown once)."""
    settings = request.app.state.settings
    with database(request).session() as s:
        if runner_account(s, runner.id) is not None:
            raise InputError(f"{runner.display} already has an account")
        token = create_invite(
            s, runner.id, created_by=who.user_id, ttl=timedelta(days=settings.invite_days)
        )
    link = str(request.url_for("invite_form", token=token))
    return page(
        request, "invite.html", {"runner": runner, "link": link, "days": settings.invite_days}
    )
