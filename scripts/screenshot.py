"""Full-page screenshot of a report (or any local HTML file) with headless Debian chromium.

Usage: ``python scripts/screenshot.py REPORT.html OUT.png [--width 1000] [--colours 256]``. The
README's ``docs/report.png`` is made by this script from the demo's report, with ``--colours 256``
(an adaptive palette) so the long page stays small enough to keep in the repository.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backstride.report.pdf import CHROMIUM, CHROMIUM_ARGS, MISSING


def screenshot(html: Path, png: Path, *, width_px: int = 1000) -> None:
    """Open ``html`` in chromium at ``width_px`` wide and save the full page as ``png``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width_px, "height": 900})
            page.goto(html.resolve().as_uri(), wait_until="load")
            png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(png), full_page=True)
        finally:
            browser.close()


def reduce_colours(png: Path, colours: int) -> None:
    """Rewrite ``png`` with an adaptive palette of ``colours`` colours (much smaller files)."""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=colours, dither=Image.Dither.NONE)
    small.save(png, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the report's HTML file")
    parser.add_argument("png", type=Path, help="where to write the PNG")
    parser.add_argument("--width", type=int, default=1000, help="viewport width in CSS pixels")
    parser.add_argument(
        "--colours", type=int, default=None, help="reduce to this many colours (e.g. 256)"
    )
    args = parser.parse_args(argv)
    if not args.html.is_file():
        print(f"{args.html}: no such file", file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(MISSING, file=sys.stderr)
        return 2
    screenshot(args.html, args.png, width_px=args.width)
    if args.colours:
        reduce_colours(args.png, args.colours)
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
