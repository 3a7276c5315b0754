"""Print the report page to PDF with headless Debian chromium through Playwright.

The same browser the tests use, so the PDF is what the print CSS says: A4, backgrounds on.
Chromium not installed is a `PdfError` with the fix, not a traceback.
"""

from __future__ import annotations

from pathlib import Path

from backstride.errors import BackstrideError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
MISSING = "PDF needs Debian's chromium: apt-get install chromium"


class PdfError(BackstrideError):
    """The PDF could not be made (no chromium, or the browser failed)."""


def render_report_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print ``html_path`` to ``pdf_path`` (A4, backgrounds) with headless chromium."""
    if not CHROMIUM.is_file():
        raise PdfError(MISSING)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
            try:
                page = browser.new_page()
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                page.pdf(path=str(pdf_path), format="A4", print_background=True)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"chromium could not print the report: {first}", path=html_path) from exc
