"""Fixtures of the web tests: the real app over a real database (SQLite and PostgreSQL), clients
that log in through the real forms, and a small clinic set up through the pages themselves.

Clients talk to the app as ``https://testserver`` so the session cookie (always ``Secure``) is
sent back, exactly as a browser does on HTTPS or on ``http://127.0.0.1``. Password hashing is real
argon2id at a low cost so the suite stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from backstride.assess.service import AssessmentRequest, run_assessment
from backstride.store import Database
from backstride.store.symptoms import record_decision
from backstride.store.tables import Artifact, Runner
from backstride.store.web_tables import Job
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import triage
from backstride.synth.checkins import SUBACUTE_FLEXION, sample_answers
from backstride.web.app import create_app
from backstride.web.settings import Argon2Cost, WebSettings

FAST_ARGON2 = Argon2Cost(time_cost=1, memory_kib=1024, parallelism=1)
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a page's first form."""
    match = CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


class Browser:
    """A `TestClient` that fills forms the way a person does: GET the page, POST with its token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self, page: str = "/login") -> str:
        response = self.client.get(page)
        return csrf_of(response.text)

    def post(self, url: str, data: Mapping[str, object], *, page: str, **kw: object):
        return self.client.post(url, data={**data, "csrf_token": self.token(page)}, **kw)

    def get(self, url: str, **kw: object):
        return self.client.get(url, **kw)

    def login(self, email: str, password: str = PASSWORD):
        return self.post(
            "/login", {"email": email, "password": password}, page="/login", follow_redirects=False
        )


@dataclass
class Clinic:
    """A clinic made through the pages: its clinician and runners."""

    clinician: Browser
    email: str
    runners: dict[str, int]


@pytest.fixture
def settings() -> WebSettings:
    return WebSettings(argon2=FAST_ARGON2)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    yield database
    database.dispose()


@pytest.fixture
def app(db: Database, settings: WebSettings):
    return create_app(db, settings)


@pytest.fixture
def browser(app) -> Iterator[Callable[[], Browser]]:
    """``browser()``: a new, logged-out client with its own cookies."""
    made: list[TestClient] = []

    def make() -> Browser:
        client = TestClient(app, base_url="https://testserver")
        made.append(client)
        return Browser(client)

    yield make
    for client in made:
        client.close()


def make_clinic(
    browser: Callable[[], Browser],
    *,
    clinic: str,
    email: str,
    runners: tuple[str, ...],
    first: bool,
) -> Clinic:
    """A clinic with a clinician and runners, through the first-run page or the admin page."""
    who = browser()
    if first:
        response = who.post(
            "/setup",
            {"clinic": clinic, "name": "Dr " + clinic, "email": email, "password": PASSWORD},
            page="/setup",
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    ids = {}
    for name in runners:
        response = who.post(
            "/runners",
            {"name": name, "height_cm": "172", "birth_year": "1985"},
            page="/runners",
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        ids[name] = int(response.headers["location"].rsplit("/", 1)[1])
    return Clinic(who, email, ids)


@pytest.fixture
def clinic(browser: Callable[[], Browser]) -> Clinic:
    """The first clinic (its clinician is the admin), with two runners."""
    return make_clinic(
        browser,
        clinic="North Physio",
        email="north@example.org",
        runners=("Ana K", "Ben"),
        first=True,
    )


@pytest.fixture
def other_clinic(browser: Callable[[], Browser], clinic: Clinic) -> Clinic:
    """A second clinic with its own clinician (added by the admin) and one runner."""
    admin = clinic.clinician
    response = admin.post(
        "/admin/clinics", {"name": "South Sports"}, page="/admin", follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = admin.get("/admin").text
    south_id = re.search(r'<option value="(\d+)">South Sports</option>', page)
    assert south_id
    response = admin.post(
        "/admin/clinicians",
        {
            "clinic_id": south_id.group(1),
            "name": "Dr South",
            "email": "south@example.org",
            "password": PASSWORD,
        },
        page="/admin",
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    who = browser()
    assert who.login("south@example.org").status_code == 303
    made = make_clinic(
        browser, clinic="South Sports", email="south@example.org", runners=(), first=False
    )
    made.clinician = who
    response = who.post("/runners", {"name": "Ana K"}, page="/runners", follow_redirects=False)
    assert response.status_code == 303, response.text
    made.runners["Ana K"] = int(response.headers["location"].rsplit("/", 1)[1])
    return made


# ---------------------------------------------------------------- a runner with something stored
SHARED_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "activities"
FIT_RUN = SHARED_FIXTURES / "fit" / "garmin-fenix-5-run.fit"


def store_sample_checkin(db: Database, runner_id: int, name: str = SUBACUTE_FLEXION) -> int:
    """Decide and store a sample check-in with the symptoms stage's own functions; its id."""
    today = date.today()
    checkin = CheckIn.model_validate(sample_answers(name, today))
    result = triage(checkin, load_ruleset(), today)
    with db.session() as s:
        return record_decision(s, runner_id, checkin, result, source="test").assessment_id or 0


def upload(
    b: Browser, runner_id: int, files: list[tuple[str, tuple[str, bytes, str]]], **data: str
):
    """POST the new-assessment form with ``files`` as a browser does (multipart, an empty part
    for a file input left empty), with the page's CSRF token."""
    token = b.token(f"/runners/{runner_id}/assessments/new")
    files = files or [("side_video", ("", b"", "application/octet-stream"))]
    return b.client.post(
        f"/runners/{runner_id}/intakes",
        data={"csrf_token": token, **data},
        files=files,
        follow_redirects=False,
    )


@dataclass
class Stocked:
    """What the access tests need of a runner: ids of each kind of thing it owns."""

    runner_id: int
    intake_id: int
    job_id: int
    result_id: int
    artifact_id: int
    assessment_id: int  # a whole assessment (it has a report)


def stock(db: Database, b: Browser, runner_id: int) -> Stocked:
    """Give a runner a check-in, a program, a submitted upload with its job, through the pages."""
    result_id = store_sample_checkin(db, runner_id)
    made = b.post(
        f"/runners/{runner_id}/program",
        {"equipment": "mat"},
        page=f"/runners/{runner_id}/program",
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    fit = FIT_RUN.read_bytes() if FIT_RUN.exists() else make_fit_bytes()
    sent = upload(b, runner_id, [("activities", ("run.fit", fit, "application/octet-stream"))])
    assert sent.status_code == 303, sent.text
    intake_id = int(sent.headers["location"].split("/")[4])
    b.post(
        f"/runners/{runner_id}/intakes/{intake_id}/skip-checkin",
        {},
        page=f"/runners/{runner_id}/intakes/{intake_id}/checkin",
    )
    done = b.post(
        f"/runners/{runner_id}/intakes/{intake_id}/submit",
        {},
        page=f"/runners/{runner_id}/intakes/{intake_id}",
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    with db.session() as s:
        job_id = s.scalar(sa.select(Job.id).where(Job.runner_id == runner_id))
        artifact_id = s.scalar(sa.select(Artifact.id).where(Artifact.runner_id == runner_id))
    assert job_id and artifact_id
    with db.session() as s:
        name = s.get_one(Runner, runner_id).name
    answers = sample_answers(SUBACUTE_FLEXION, date.today())
    made = run_assessment(db, AssessmentRequest(runner=name, checkin_answers=answers))
    return Stocked(runner_id, intake_id, job_id, result_id, artifact_id, made.assessment_id)


def make_fit_bytes() -> bytes:
    """A real FIT file of a short synthetic run (when ../shared is absent)."""
    import tempfile

    from backstride.synth.history import write_history

    folder = Path(tempfile.mkdtemp())
    write_history(folder)
    return next(iter(sorted(folder.rglob("*.fit")))).read_bytes()
