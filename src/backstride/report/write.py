"""Write a stored assessment's report to a folder: the HTML page and, on request, its PDF.

Both files appear whole or not at all: each is written to a temporary file in the same folder
and renamed into place, so a failure half-way (a full disk, chromium missing) leaves no partial
report and never overwrites a good one with a broken one.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from backstride.report.html import render_report_html
from backstride.report.pdf import render_report_pdf
from backstride.store import Database


@dataclass(frozen=True)
class ReportFiles:
    """Where the report was written; ``pdf`` is None when no PDF was asked for."""

    html: Path
    pdf: Path | None


def report_stem(assessment_id: int) -> str:
    """The file name (without suffix) of an assessment's report.

    Examples
    --------
    >>> report_stem(12)
    'assessment-12-report'
    """
    return f"assessment-{assessment_id}-report"


def _temp_in(folder: Path, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=".report-", suffix=suffix, dir=folder)
    os.close(fd)
    return Path(name)


def write_report(
    db: Database, assessment_id: int, out_dir: Path, *, pdf: bool = False
) -> ReportFiles:
    """Render assessment ``assessment_id`` into ``out_dir`` (created if needed); return the paths.

    The PDF is printed from the temporary HTML before either is renamed into place, so a PDF
    failure leaves neither file behind.
    """
    page = render_report_html(db, assessment_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{report_stem(assessment_id)}.html"
    pdf_path = html_path.with_suffix(".pdf") if pdf else None
    tmp_html = _temp_in(out_dir, ".html")
    tmp_pdf = _temp_in(out_dir, ".pdf") if pdf else None
    try:
        tmp_html.write_text(page, encoding="utf-8")
        if tmp_pdf is not None:
            render_report_pdf(tmp_html, tmp_pdf)
        tmp_html.replace(html_path)
        if tmp_pdf is not None and pdf_path is not None:
            tmp_pdf.replace(pdf_path)
    finally:
        for tmp in (tmp_html, tmp_pdf):
            if tmp is not None:
                tmp.unlink(missing_ok=True)
    return ReportFiles(html=html_path, pdf=pdf_path)
