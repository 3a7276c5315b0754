"""``write_report``: the files appear whole or not at all; the PDF through real chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backstride.report import PdfError, render_report_pdf, write_report
from backstride.report import pdf as pdf_module
from backstride.store import Database

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(
    not pdf_module.CHROMIUM.is_file(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)


def pdf_pages(data: bytes) -> int:
    """Page objects in a PDF (``/Type /Page`` but not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def test_writes_the_html_into_a_new_folder(
    stage_db: Database, tmp_path: Path, ids: dict[str, int]
) -> None:
    aid = ids["second"]
    out = tmp_path / "a" / "b"
    files = write_report(stage_db, aid, out)
    assert files.pdf is None
    assert files.html == out / f"assessment-{aid}-report.html"
    assert files.html.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert sorted(p.name for p in out.iterdir()) == [files.html.name]  # no temp file left


def test_missing_chromium_is_a_clear_error_and_writes_nothing(
    stage_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ids: dict[str, int]
) -> None:
    aid = ids["first"]
    out = tmp_path / "out"
    good = write_report(stage_db, aid, out).html
    before = good.read_bytes()
    monkeypatch.setattr(pdf_module, "CHROMIUM", tmp_path / "no-chromium-here")
    with pytest.raises(PdfError) as err:
        write_report(stage_db, aid, out, pdf=True)
    assert str(err.value) == "PDF needs Debian's chromium: apt-get install chromium"
    assert err.value.exit_code == 1
    # the earlier good report is untouched, no PDF and no temp files
    assert sorted(p.name for p in out.iterdir()) == [good.name]
    assert good.read_bytes() == before


@needs_chromium
@pytest.mark.browser
def test_pdf_is_a_multi_page_a4_document(
    stage_db: Database, tmp_path: Path, ids: dict[str, int]
) -> None:
    aid = ids["second"]
    out = tmp_path / "out"
    files = write_report(stage_db, aid, out, pdf=True)
    assert files.pdf is not None
    data = files.pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_pages(data) > 1
    # A4 portrait: 595 x 842 points (chromium rounds to whole CSS pixels: 595.92 x 842.88)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in boxes)
    assert sorted(p.name for p in out.iterdir()) == sorted([files.html.name, files.pdf.name])


@needs_chromium
@pytest.mark.browser
def test_pdf_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match="chromium could not print the report"):
        render_report_pdf(tmp_path / "nothing.html", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
