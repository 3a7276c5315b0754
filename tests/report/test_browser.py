"""The report file opened in Debian's chromium through Playwright, as a runner would open it.

No console errors, no request but the file itself and ``data:`` URIs, every section visible,
the charts and key frames drawn at a real size, readable on a phone without sideways scrolling.
Full-page screenshots go to ``test-artifacts/report/`` to be looked at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backstride.report import write_report
from backstride.report.pdf import CHROMIUM, CHROMIUM_ARGS
from backstride.store import Database
from tests.report.conftest import BROWSER_ARTIFACTS
from tests.report.test_html import FULL_ORDER

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            yield b
        finally:
            b.close()


class Visit:
    """A page opened on a file, with every console message and request it made."""

    def __init__(self, browser: Any, html: Path, width_px: int) -> None:
        self.page = browser.new_page(viewport={"width": width_px, "height": 900})
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(html.resolve().as_uri(), wait_until="load")
        self.url = html.resolve().as_uri()

    def check_clean(self) -> None:
        assert [m for m in self.console if m[0] == "error"] == []
        assert self.errors == []
        assert all(u == self.url or u.startswith("data:") for u in self.requests), self.requests

    def box(self, selector: str, index: int = 0) -> dict[str, float]:
        b = self.page.locator(selector).nth(index).bounding_box()
        assert b is not None, f"{selector}[{index}] is not rendered"
        return dict(b)

    def shot(self, name: str) -> Path:
        BROWSER_ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = BROWSER_ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


def test_full_report_in_chromium(
    stage_db: Database, tmp_path: Path, browser: Any, ids: dict[str, int]
) -> None:
    aid = ids["second"]
    html = write_report(stage_db, aid, tmp_path / "out").html
    v = Visit(browser, html, 1000)
    v.check_clean()
    for section in FULL_ORDER:
        assert v.page.locator(f"section#{section}").is_visible(), section
        assert v.box(f"section#{section}")["height"] > 40, section
    n_charts = v.page.locator("svg.chart").count()
    assert n_charts >= 10
    for i in range(n_charts):
        b = v.box("svg.chart", i)
        assert b["width"] > 150 and b["height"] > 40, i
    n_frames = v.page.locator("img").count()
    assert n_frames == 6
    for i in range(n_frames):
        b = v.box("img", i)
        assert b["width"] > 150 and b["height"] > 80
        natural = v.page.locator("img").nth(i).evaluate("i => i.complete && i.naturalWidth")
        assert natural and natural <= 800
    # the bars of the weekly chart are drawn with their data heights
    km = v.page.locator("#weekly-load rect.km")
    assert km.count() == 16
    assert v.page.title().startswith("backstride report: Ana <K> & co")
    v.shot("report-desktop.png")


def test_report_on_a_phone_does_not_scroll_sideways(
    stage_db: Database, tmp_path: Path, browser: Any, ids: dict[str, int]
) -> None:
    aid = ids["second"]
    html = write_report(stage_db, aid, tmp_path / "out").html
    v = Visit(browser, html, 390)
    v.check_clean()
    scroll_w = v.page.evaluate("document.documentElement.scrollWidth")
    assert scroll_w <= 390, f"page is {scroll_w} px wide on a 390 px phone"
    # cards, charts and frames stack in one column
    card = v.box("article.exercise")
    assert card["width"] > 300
    assert v.box("svg.chart")["width"] <= 390
    v.shot("report-phone.png")


def test_referral_in_chromium(
    stage_db: Database, tmp_path: Path, browser: Any, ids: dict[str, int]
) -> None:
    aid = ids["referral"]
    html = write_report(stage_db, aid, tmp_path / "out").html
    v = Visit(browser, html, 1000)
    v.check_clean()
    first = v.page.locator("main > section").first
    assert first.get_attribute("id") == "safety"
    assert "Get emergency care now" in first.inner_text()
    assert v.page.locator("section#program").count() == 0
    v.shot("report-referral.png")


def test_print_layout_keeps_cards_whole(
    stage_db: Database, tmp_path: Path, browser: Any, ids: dict[str, int]
) -> None:
    aid = ids["second"]
    html = write_report(stage_db, aid, tmp_path / "out").html
    v = Visit(browser, html, 800)
    v.page.emulate_media(media="print")
    styles = v.page.locator("article.exercise").first.evaluate(
        "e => getComputedStyle(e).breakInside"
    )
    assert styles == "avoid"
    heading = v.page.locator("#program-h").evaluate("e => getComputedStyle(e).breakAfter")
    assert heading == "avoid"
    v.check_clean()


def test_screenshot_script(stage_db: Database, tmp_path: Path, ids: dict[str, int]) -> None:
    import subprocess
    import sys

    from PIL import Image

    html = write_report(stage_db, ids["first"], tmp_path / "out").html
    script = Path(__file__).resolve().parents[2] / "scripts" / "screenshot.py"
    png = tmp_path / "shot.png"
    r = subprocess.run(
        [sys.executable, str(script), str(html), str(png), "--width", "800", "--colours", "256"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    with Image.open(png) as image:
        assert image.mode == "P" and image.width == 800 and image.height > 5000
    r = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "none.html"), str(png)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and r.stderr.strip() == f"{tmp_path / 'none.html'}: no such file"


def test_missing_inputs_in_chromium(
    stage_db: Database, tmp_path: Path, browser: Any, ids: dict[str, int]
) -> None:
    html = write_report(stage_db, ids["checkin_only"], tmp_path / "out").html
    v = Visit(browser, html, 1000)
    v.check_clean()
    for section in ("gait", "training"):
        text = v.page.locator(f"section#{section} .not-assessed").inner_text()
        assert text.startswith("Not assessed:"), section
    assert v.page.locator("img").count() == 0
    v.shot("report-checkin-only.png")
