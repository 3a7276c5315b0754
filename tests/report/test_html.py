"""The report page of assessments made by the real ``backstride assess``: sections,
self-containment, escaping, the referral, progress, missing stages and bad ids."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import delete

from backstride.errors import NotFoundError
from backstride.report import CSP, load_report_data, render_report_html
from backstride.report.html import sentence
from backstride.store import BlobStore, Database
from backstride.store.tables import Artifact
from backstride.store.tables import Assessment as Row
from tests.report.conftest import RUNNER
from tests.report.stages import latest_ids, stored_assessment

pytestmark = pytest.mark.slow

FULL_ORDER = [
    "summary",
    "safety",
    "gait",
    "training",
    "program",
    "cues",
    "return-to-run",
    "progress",
    "not-measured",
    "sources",
    "note",
]


class Page(HTMLParser):
    """Collects section ids in order, every URL-bearing attribute, tags, and images."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.imgs: list[dict[str, str | None]] = []
        self.ids: list[str] = []
        self.csp: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.sections.append(a["id"] or "")
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(a.get("content"))
        if tag == "img":
            self.imgs.append(a)
        for name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href"):
            if a.get(name):
                self.urls.append(a[name] or "")


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_full_report_sections_in_order_and_self_contained(
    stage_db: Database, ids: dict[str, int]
) -> None:
    aid = ids["second"]
    html = render_report_html(stage_db, aid)
    page = parsed(html)
    assert page.sections == FULL_ORDER
    assert len(page.ids) == len(set(page.ids)), "duplicate element ids"
    # nothing loaded from anywhere: only data: images and in-page anchors
    assert all(u.startswith(("data:image/", "#")) for u in page.urls), page.urls
    assert not re.search(r"https?://", html.replace(RUNNER, ""))
    assert "script" not in page.tags and "<script" not in html.lower()
    assert "link" not in page.tags and "iframe" not in page.tags
    assert "@import" not in html and "url(" not in html
    assert page.csp == [CSP]


def test_gait_and_training_content(stage_db: Database, ids: dict[str, int]) -> None:
    aid = ids["first"]
    data = load_report_data(stage_db, aid)
    assert data.gait is not None and data.training is not None and data.program is not None
    assert data.gait.views == ("side", "rear")
    # the demo runner overstrides and shows pelvic drop: both flagged in the table
    flagged = {r.metric: r.flagged for r in data.gait.rows}
    assert flagged["overstride_pct_leg"] in ("low", "moderate", "high")
    assert flagged["pelvic_drop_deg"] in ("low", "moderate", "high")
    assert flagged["contact_ms"] is None
    # the per-stride values come from metrics.json (several strides per metric)
    series = {(s.view, s.metric): s for s in data.gait.series}
    assert len(series[("side", "overstride_pct_leg")].per_stride) >= 3
    assert len(series[("rear", "pelvic_drop_deg")].per_stride) >= 3
    # key frames side and rear, downscaled JPEGs with alt text
    views = [f.view for f in data.gait.frames]
    assert views.count("side") == 4 and views.count("rear") == 2
    assert all(
        f.width_px <= 800 and f.data_uri.startswith("data:image/jpeg;base64,")
        for f in data.gait.frames
    )
    html = render_report_html(stage_db, aid)
    page = parsed(html)
    assert len(page.imgs) == 6 and all(len(i.get("alt") or "") > 20 for i in page.imgs)
    assert html.count('class="chart"') == len(data.gait.series) + 2  # strides, weekly, timeline
    # the 16-week history: a spike and a big descent on the timeline
    kinds = {e.kind for e in data.training.events}
    assert kinds == {"spike", "descent"}
    assert len(data.training.weeks) == 16
    assert "No shoes recorded" in html
    # the program: weeks at a glance and a card per exercise, with dosage and why
    assert html.count('class="card exercise"') == len(data.program.cards) > 0
    assert data.program.cards[0].dose_text in html
    assert "Weeks at a glance" in html and "Cadence: from 158" in html


def test_runner_name_is_escaped(stage_db: Database, ids: dict[str, int]) -> None:
    html = render_report_html(stage_db, ids["first"])
    assert "Ana &lt;K&gt; &amp; co" in html
    assert "<K>" not in html


@pytest.mark.parametrize("which", ["first", "second", "referral", "checkin_only"])
def test_wording_is_guidance_not_diagnosis(
    stage_db: Database, ids: dict[str, int], which: str
) -> None:
    text = render_report_html(stage_db, ids[which]).lower()
    for word in ("treats", "diagnoses", "clinically proven", "cures"):
        assert word not in text
    assert "guidance, not a diagnosis" in text
    if which in ("first", "second"):
        assert "lordosis" in text  # what 2D video cannot measure is said


def test_referral_shows_the_referral_first_and_no_program(
    stage_db: Database, ids: dict[str, int]
) -> None:
    html = render_report_html(stage_db, ids["referral"])
    page = parsed(html)
    assert page.sections == ["safety", "summary", "not-measured", "sources", "note"]
    assert "Please see a clinician first" in html and "<strong>Emergency care now.</strong>" in html
    assert "EMERGENCY" not in html  # the tier in words; the code stays in the JSON
    assert "saddle_numbness" in html  # the rule that fired, by id
    assert "Exercise cards" not in html and "Running cues" not in html
    assert "Triage rule set 1.0" in html


def test_missing_stages_say_not_assessed(stage_db: Database, ids: dict[str, int]) -> None:
    aid = ids["checkin_only"]
    costs = {m.input.value: m.cost for m in stored_assessment(stage_db, aid).missing}
    html = render_report_html(stage_db, aid)
    page = parsed(html)
    assert page.sections == FULL_ORDER
    gait = html[html.index('id="gait"') : html.index('id="training"')]
    training = html[html.index('id="training"') : html.index('id="program"')]
    assert "Not assessed:</strong> no running video was given" in gait
    # the assessment's own words on what each missing input costs
    assert sentence(costs["side_video"]) in unescape(gait)
    assert sentence(costs["rear_video"]) in unescape(gait)
    assert sentence(costs["activities"]) in unescape(training)
    assert "Not assessed:</strong> no training history was given" in training
    assert "<img" not in html and 'class="chart"' not in html
    assert "Exercise cards" in html  # the check-in alone still gives a program


def test_a_stage_row_deleted_since_is_not_assessed(stage_db: Database, ids: dict[str, int]) -> None:
    aid = ids["first"]
    refs = stored_assessment(stage_db, aid).stages
    with stage_db.session() as s:
        s.execute(delete(Artifact).where(Artifact.assessment_id == refs.gait))
        s.execute(delete(Row).where(Row.id.in_([refs.gait, refs.triage])))
    data = load_report_data(stage_db, aid)
    assert data.gait is None and data.triage is None and data.training is not None
    html = render_report_html(stage_db, aid)
    assert "no running video was given" in html and "no check-in was given" in html


def test_missing_frame_files_leave_the_frames_out(
    stage_db: Database, blobs: BlobStore, ids: dict[str, int]
) -> None:
    aid = ids["first"]
    for path in blobs.root.rglob("*"):
        if path.is_file() and path.read_bytes()[:4] == b"\x89PNG":
            path.unlink()
    data = load_report_data(stage_db, aid)
    assert data.gait is not None and data.gait.frames == ()
    assert data.gait.series  # metrics.json is still there
    assert "Key frames" not in render_report_html(stage_db, aid)


def test_unknown_or_wrong_kind_id_is_not_found(stage_db: Database) -> None:
    with pytest.raises(NotFoundError, match="there is no assessment #9999"):
        render_report_html(stage_db, 9999)
    gait_id = latest_ids(stage_db, RUNNER)["gait"]
    with pytest.raises(NotFoundError, match=f"there is no assessment #{gait_id}"):
        render_report_html(stage_db, gait_id)


def test_progress_against_the_previous_assessment(stage_db: Database, ids: dict[str, int]) -> None:
    second = stored_assessment(stage_db, ids["second"])
    assert second.progress is not None and second.progress.previous_id == ids["first"]
    verdicts = {c.metric: c.verdict for c in second.progress.changes}
    assert verdicts["cadence_spm"] == "improved"  # 158 -> 170 steps/min, beyond the noise
    html = render_report_html(stage_db, ids["second"])
    section = html[html.index('id="progress"') : html.index('id="not-measured"')]
    assert f"assessment #{ids['first']}" in section
    assert section.count('class="chart"') == len(second.progress.changes)
    assert section.count('class="verdict-improved"') == list(verdicts.values()).count("improved")
    assert "within noise" in section  # the pelvic drop did not change: said as noise
    for c in second.progress.changes:
        assert c.noise_source in unescape(section)
    first = render_report_html(stage_db, ids["first"])
    assert "This is the first assessment" in first


def test_rear_view_alone(stage_db: Database, ids: dict[str, int]) -> None:
    data = load_report_data(stage_db, ids["rear_only"])
    assert data.gait is not None and data.gait.views == ("rear",)
    assert [f.view for f in data.gait.frames] == ["rear", "rear"]
    assert {s.metric for s in data.gait.series} >= {"pelvic_drop_deg", "lateral_lean_deg"}
    assert all(r.view == "rear" for r in data.gait.rows)
    assert data.program is None and data.triage is None and data.training is None
    html = render_report_html(stage_db, ids["rear_only"])
    assert parsed(html).sections == [s for s in FULL_ORDER if s != "return-to-run"]
    assert "no check-in was given" in html and "needs a check-in first" in html
