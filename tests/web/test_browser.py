"""The whole journey in Debian's chromium (Playwright) against a real ``backstride serve``:
create the clinician, add a runner, upload synthetic side and rear videos and a real activity
file, fill the check-in, watch the assessment run, open the results and the report, download the
PDF, log a session of the program the assessment made, download the calendar and the data
export. Screenshots go to ``test-artifacts/web/``; the page must never log a console error or
make a request outside the app."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backstride.report.pdf import CHROMIUM, CHROMIUM_ARGS
from backstride.symptoms.questions import Kind, load_questions
from backstride.synth.checkins import SUBACUTE_FLEXION, sample_answers
from backstride.synth.render import ClipSpec, RenderedClip
from backstride.web.checkin_form import NONE_OF_THESE
from backstride.web.live import live_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
ARGS = list(CHROMIUM_ARGS)
PASSWORD = "a long clinic passphrase"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} missing: apt-get install chromium"
    ),
]


def fill_checkin(page: Any, answers: dict[str, Any]) -> int:
    """Answer every check-in page from ``answers`` the way a person clicks; return how many."""
    questions = load_questions()
    pages = 0
    while page.locator("form.checkin").count():
        pages += 1
        for fieldset in page.locator("fieldset.question").all():
            qid = (fieldset.get_attribute("id") or "").removeprefix("q-")
            value, kind = answers.get(qid), questions.by_id(qid).kind
            if value is None:
                continue
            if kind is Kind.YES_NO:
                fieldset.locator(f'input[value="{"yes" if value else "no"}"]').check()
            elif kind in (Kind.CHOICE,):
                fieldset.locator(f'input[value="{value}"]').check()
            elif kind is Kind.MULTI:
                for item in value or [NONE_OF_THESE]:
                    fieldset.locator(f'input[value="{item}"]').check()
            elif kind is Kind.DATE:
                fieldset.locator("input").fill(str(value))
            else:
                fieldset.locator("input, textarea").first.fill(str(value))
        # wait for the next page to load: without it the loop may look at a page still loading
        # and count no form (it did once in CI, ending the check-in after one page)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Next").click()
        assert pages < 8, "the check-in never ends"
    return pages


def test_the_whole_journey(
    home: Path, tmp_path: Path, fixtures_dir: Path, synth_clip: Callable[[ClipSpec], RenderedClip]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.video.test_rear_cli import REAR, SIDE  # the rear tests' clips (rendered once)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    side, rear = synth_clip(SIDE), synth_clip(REAR)
    activity = fixtures_dir / "fit" / "garmin-fenix-5-run.fit"
    url = f"sqlite:///{tmp_path / 'web.db'}"
    errors: list[str] = []
    outside: list[str] = []
    with (
        live_server(home, url, "--workers", "1", log=tmp_path / "serve.log") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1200, "height": 900}
        )
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))

        def shot(name: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

        # 1. first run: the clinic and its clinician
        page.goto(base + "/")
        expect(page).to_have_url(base + "/setup")
        page.get_by_label("Clinic name").fill("North Physio")
        page.get_by_label("Your name").fill("Dr Maja")
        page.get_by_label("Email").fill("maja@north.example")
        page.get_by_label("Password").fill(PASSWORD)
        shot("01-setup")
        page.get_by_role("button", name="Create the clinic and my account").click()
        expect(page.get_by_role("heading", name="Runners of North Physio")).to_be_visible()
        cookie = next(c for c in context.cookies() if c["name"] == "__Host-backstride")
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        # 2. a runner
        page.get_by_label("Name", exact=True).fill("Ana K")
        page.get_by_label("Height, cm").fill("175")
        page.get_by_label("Year of birth").fill("1985")
        page.get_by_role("button", name="Add the runner").click()
        expect(page.get_by_role("heading", name="Ana K")).to_be_visible()
        runner_url = page.url

        # 3. a new assessment: side video and an activity file
        page.get_by_role("link", name="New assessment").click()
        page.locator('input[name="side_video"]').set_input_files(str(side.path))
        page.locator('input[name="rear_video"]').set_input_files(str(rear.path))
        page.locator('input[name="activities"]').set_input_files(str(activity))
        shot("02-upload")
        page.get_by_role("button", name="Upload and go to the check-in").click()
        expect(page.get_by_role("heading", name="Check-in for Ana K")).to_be_visible()
        shot("03-checkin")

        # 4. the check-in, page by page
        answers = sample_answers(SUBACUTE_FLEXION, date.today())
        answers["onset_date"] = answers["onset_date"].isoformat()
        assert fill_checkin(page, answers) >= 2
        expect(page.get_by_role("heading", name="Ready to submit")).to_be_visible()
        expect(page.locator(".tier")).to_contain_text("guidance")
        shot("04-review")
        page.get_by_role("button", name="Submit", exact=True).click()

        # 5. the jobs run; the page follows them live
        expect(page.locator(".job").first).to_be_visible()
        shot("05-jobs-running")
        all_done = (
            "[...document.querySelectorAll('.job-status')].every(e => e.textContent === 'done')"
        )
        page.wait_for_function(f"() => {all_done}", timeout=240_000)
        shot("06-jobs-done")
        page.reload()
        expect(page.locator("svg.chart").first).to_be_visible()
        expect(page.get_by_text("Video analysis").first).to_be_visible()
        shot("07-runner-page")

        # 6. the video result with its key frames
        page.get_by_role("link", name="Video analysis").first.click()
        expect(page.get_by_role("heading", name="Video analysis for Ana K")).to_be_visible()
        frame = page.locator(".frames img").first
        frame.scroll_into_view_if_needed()  # the frames load lazily, when they come into view
        frame.element_handle().wait_for_element_state("visible")
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 100", arg=frame.element_handle()
        )
        shot("08-video-result")

        # 7. the assessment and its report (the same file the command line writes), then the PDF
        page.goto(runner_url)
        page.get_by_role("link", name="Assessment", exact=True).first.click()
        expect(page.get_by_role("heading", name="Assessment for Ana K")).to_be_visible()
        shot("09-assessment")
        page.get_by_role("link", name="Open the report").click()
        for section in ("summary", "safety", "gait", "training", "program", "sources", "note"):
            expect(page.locator(f"section#{section}")).to_be_visible()
        expect(page.locator("#gait svg").first).to_be_visible()
        frames = page.locator("#gait img")
        assert frames.count() >= 2  # side and rear key frames
        assert all(
            frames.nth(i).evaluate("img => img.complete && img.naturalWidth > 100")
            for i in range(frames.count())
        )
        shot("10-report")
        page.go_back()
        with page.expect_download() as pdf:
            page.get_by_role("link", name="Download the report (PDF)").click()
        assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")

        # 8. the program the assessment made, and logging its first session
        page.goto(runner_url + "/program")
        expect(page.get_by_role("heading", name=re.compile(r"^Next: session w1s1"))).to_be_visible()
        shot("11-program")
        page.get_by_label("Effort, 0 (nothing) to 10 (maximal)").fill("4")
        page.get_by_label("Pain during it, 0 (none) to 10").fill("1")
        page.get_by_label("The next morning, compared with before").select_option("same")
        page.get_by_role("button", name="Log the session").click()
        expect(page.get_by_role("heading", name="Logged w1s1")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile(r"^Next: session w1s2"))).to_be_visible()
        shot("12-session-logged")

        # 9. downloads: the calendar, the data export
        with page.expect_download() as calendar:
            page.get_by_role("link", name="Calendar (.ics)").click()
        ics = Path(calendar.value.path()).read_text()
        assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") >= 12
        page.goto(runner_url + "/data")
        with page.expect_download() as export:
            page.get_by_role("link", name="Download the export").click()
        names = zipfile.ZipFile(export.value.path()).namelist()
        assert "tables/program_logs.json" in names and any(
            n.endswith("side.mp4") or n.endswith(".mp4") for n in names
        )
        shot("13-data")
        browser.close()
    assert errors == []
    assert outside == []
