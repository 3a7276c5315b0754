"""Rendering pages: the Jinja2 templates (autoescaped), their shared context and filters.

Every page gets ``viewer`` (the account or None), ``flash`` (a one-shot message) and ``csrf()``:
calling it in a form puts the session's CSRF token there (making an anonymous session first on a
login or sign-up page).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, RedirectResponse

from backstride.web.guard import visit_of

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def when(value: datetime | date | None) -> str:
    """A date or time as people read it: ``2026-03-14 09:30`` (UTC) or ``2026-03-14``.

    Examples
    --------
    >>> when(datetime(2026, 3, 14, 9, 30)), when(date(2026, 3, 14)), when(None)
    ('2026-03-14 09:30', '2026-03-14', '-')
    """
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def number(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals, or ``-``.

    Examples
    --------
    >>> number(171.456), number(None), number(3, 0)
    ('171.5', '-', '3')
    """
    return "-" if value is None else f"{value:.{digits}f}"


def make_templates() -> Jinja2Templates:
    """The template set with our filters."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["when"] = when
    templates.env.filters["number"] = number
    templates.env.globals["guidance_note"] = (
        "Running fitness and education guidance, not a diagnosis."
    )
    return templates


def page(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render template ``name`` with the shared context."""
    visit = visit_of(request)
    shared = {
        "viewer": visit.viewer,
        "flash": visit.flash,
        "csrf": visit.csrf,
        "self_registration": request.app.state.settings.self_registration,
    }
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, name, {**shared, **(context or {})}, status_code=status
    )


def redirect(url: str) -> RedirectResponse:
    """A 303 redirect (after a form: the browser follows with GET)."""
    return RedirectResponse(url, status_code=303)
