"""The report as one self-contained HTML page: Jinja2 templates, inline SVG, embedded frames.

`render_html` is pure (`ReportData` in, a string out); `render_report_html` reads the store
first. The page loads nothing: no script, no stylesheet link, no web font; images are ``data:``
URIs, and the same Content-Security-Policy the web app sends is in a ``<meta>`` so a saved copy
keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from backstride import __version__
from backstride.assess.models import RankedFinding
from backstride.findings import Source
from backstride.report import charts
from backstride.report.data import ReportData
from backstride.report.load import load_report_data
from backstride.store import Database
from backstride.symptoms.models import Tier

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

GAIT_SOURCES = (Source.VIDEO_SIDE, Source.VIDEO_REAR)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescaped, strict about names)."""
    env = Environment(
        loader=PackageLoader("backstride.report", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    env.filters["sentence"] = sentence
    env.filters["tier_words"] = lambda code: Tier(code).words
    return env


def sentence(text: str) -> str:
    """Text as a sentence: first letter upper-case, a full stop at the end.

    Examples
    --------
    >>> sentence("no side-view video: cadence is not measured")
    'No side-view video: cadence is not measured.'
    >>> sentence("Done."), sentence("")
    ('Done.', '')
    """
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _num(x: float | None, digits: int = 1) -> str:
    """A value for a table: fixed decimals, a dash for nothing."""
    if x is None or x != x:
        return "–"
    return f"{x:.{digits}f}"


def _of_sources(findings: Sequence[RankedFinding], sources: Sequence[Source]) -> list[Any]:
    return [f for f in findings if f.finding.source in sources]


def _charts(data: ReportData) -> dict[str, Any]:
    """Every chart of the report as safe markup, keyed by where it goes."""
    out: dict[str, Any] = {"strides": [], "progress": []}
    if data.gait is not None:
        out["strides"] = [
            (s, Markup(charts.stride_chart(s, f"stride-{s.view}-{s.metric}")))
            for s in data.gait.series
        ]
    if data.training is not None:
        t = data.training
        out["weekly"] = Markup(charts.weekly_chart(t.weeks, "weekly-load"))
        out["timeline"] = Markup(charts.timeline_chart(t.start, t.end, t.events, "load-timeline"))
    if data.assessment.progress is not None:
        out["progress"] = [
            (c, Markup(charts.progress_chart(c, f"progress-{c.metric}")))
            for c in data.assessment.progress.changes
        ]
    return out


def context(data: ReportData) -> dict[str, Any]:
    """What the templates see."""
    a = data.assessment
    missing = {m.input.value: m.cost for m in a.missing}
    return {
        "csp": CSP,
        "version": __version__,
        "d": data,
        "a": a,
        "missing": missing,
        "gait_findings": _of_sources(a.findings, GAIT_SOURCES),
        "training_findings": _of_sources(a.findings, (Source.TRAINING,)),
        "charts": _charts(data),
        "show_program": not a.referral and data.program is not None,
    }


def render_html(data: ReportData) -> str:
    """The report page for ``data``."""
    return environment().get_template("report.html").render(context(data))


def render_report_html(db: Database, assessment_id: int) -> str:
    """The self-contained report page of stored assessment ``assessment_id``."""
    return render_html(load_report_data(db, assessment_id))
