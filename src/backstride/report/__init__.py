"""The report: one self-contained HTML page (and its PDF) of a stored assessment.

Sections in order: summary; safety; gait; training; program; running cues; return to run (when
relevant); progress; what we could not measure; sources; the guidance-not-diagnosis note. A
referral shows the referral first and no program. The page loads nothing from anywhere: charts
are inline SVG, key frames ``data:`` URIs, and a Content-Security-Policy ``<meta>`` says so.

* `render_report_html` (store -> page), `render_html` (pure, from `ReportData`)
* `render_report_pdf` (page -> A4 PDF through headless chromium)
* `write_report` (both, atomically, into a folder) -> `ReportFiles`
"""

from backstride.report.data import ReportData
from backstride.report.html import CSP, render_html, render_report_html
from backstride.report.load import load_report_data
from backstride.report.pdf import PdfError, render_report_pdf
from backstride.report.write import ReportFiles, write_report

__all__ = [
    "CSP",
    "PdfError",
    "ReportData",
    "ReportFiles",
    "load_report_data",
    "render_html",
    "render_report_html",
    "render_report_pdf",
    "write_report",
]
