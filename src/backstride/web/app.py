"""The app factory: one FastAPI app over one `Database`, its routers, templates and static files.

`create_app` does no I/O beyond what it is given: the database is opened (and migrated) by the
caller, the worker that runs jobs is a separate process (`backstride worker`, or started by
`backstride serve`).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from backstride.store import BlobStore, Database
from backstride.web import handlers
from backstride.web.middleware import VisitMiddleware
from backstride.web.passwords import DummyHash, hasher
from backstride.web.render import STATIC_DIR, make_templates
from backstride.web.routes import ROUTERS
from backstride.web.settings import WebSettings


def create_app(
    db: Database, settings: WebSettings | None = None, *, blobs: BlobStore | None = None
) -> FastAPI:
    """The web app for ``db``.

    Examples
    --------
    >>> app = create_app(Database.open("sqlite://"))
    >>> app.state.settings.self_registration
    True
    """
    settings = settings or WebSettings()
    app = FastAPI(title="backstride", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db = db
    app.state.settings = settings
    app.state.blobs = blobs or BlobStore()
    app.state.templates = make_templates()
    app.state.hasher = hasher(settings.argon2)
    app.state.dummy_hash = DummyHash(app.state.hasher)
    app.add_middleware(VisitMiddleware, db=db, settings=settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    handlers.install(app)
    return app


def warm_up(app: FastAPI) -> None:
    """Load and validate the packaged data and compile the templates now, so the first visitors
    of a freshly started server do not wait for it (about a second on two cores)."""
    from backstride.program.library import load_library
    from backstride.program.rules import load_rules
    from backstride.symptoms.questions import load_questions
    from backstride.symptoms.ruleset import load_ruleset
    from backstride.video.findings import load_thresholds

    load_library()
    load_rules()
    load_ruleset()
    load_questions()
    load_thresholds()
    env = app.state.templates.env
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
