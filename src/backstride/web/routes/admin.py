"""Administration (admin accounts only): clinics, clinician accounts, and adding runners made on
the command line to a clinic."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from backstride.errors import InputError
from backstride.store.web_accounts import (
    assign_runner,
    clinic_users,
    create_clinic,
    create_user,
    list_clinics,
    unassigned_runners,
)
from backstride.store.web_tables import Clinic
from backstride.web.guard import admin, check_csrf, database
from backstride.web.passwords import check_new_password
from backstride.web.render import page, redirect
from backstride.web.routes.auth import check_email, hasher
from backstride.web.visit import Viewer

router = APIRouter(dependencies=[Depends(check_csrf)])


def _admin_page(request: Request, who: Viewer, **extra: Any) -> Response:
    with database(request).session() as s:
        clinics = [
            {
                "id": c.id,
                "name": c.name,
                "slug": c.slug,
                "clinicians": [u.display_name for u in clinic_users(s, c.id)],
            }
            for c in list_clinics(s)
        ]
        loose = [{"id": r.id, "name": r.name} for r in unassigned_runners(s)]
    context = {"clinics": clinics, "unassigned": loose, "form": {}, **extra}
    return page(request, "admin.html", context, status=400 if extra.get("error") else 200)


@router.get("/admin")
def admin_page(request: Request, who: Viewer = Depends(admin)) -> Response:
    """Clinics, their clinicians, and runners in no clinic."""
    return _admin_page(request, who)


@router.post("/admin/clinics")
def add_clinic(request: Request, who: Viewer = Depends(admin), name: str = Form("")) -> Response:
    """A new clinic."""
    try:
        with database(request).session() as s:
            create_clinic(s, name)
    except InputError as exc:
        return _admin_page(request, who, error=str(exc))
    return redirect("/admin")


@router.post("/admin/clinicians")
def add_clinician(
    request: Request,
    who: Viewer = Depends(admin),
    clinic_id: int = Form(0),
    name: str = Form(""),
    email: str = Form(""),
    password: str = Form(""),
    make_admin: str = Form(""),
) -> Response:
    """A clinician account in a clinic (the admin hands over the first password)."""
    form = {"name": name, "email": email}
    try:
        check_email(email)
        check_new_password(password, email=email)
        password_hash = hasher(request).hash(password)
        with database(request).session() as s:
            if s.get(Clinic, clinic_id) is None:
                raise InputError("choose a clinic for the clinician")
            create_user(
                s,
                email=email,
                display_name=name,
                password_hash=password_hash,
                role="clinician",
                clinic_id=clinic_id,
                is_admin=make_admin == "yes",
            )
    except InputError as exc:
        return _admin_page(request, who, form=form, error=str(exc))
    return redirect("/admin")


@router.post("/admin/runners/{runner_id}/assign")
def assign(request: Request, runner_id: int, who: Viewer = Depends(admin)) -> Response:
    """Add a runner made on the command line to the admin's clinic."""
    with database(request).session() as s:
        assign_runner(s, runner_id, who.clinic_id or 0)
    return redirect("/admin")
