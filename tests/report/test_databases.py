"""The report reads the same on SQLite and PostgreSQL (the clinic set-up)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from backstride.report import render_report_html
from backstride.store import Database
from backstride.synth.checkins import SUBACUTE_FLEXION, write_checkins
from backstride.synth.demo import demo_clips
from backstride.synth.render import ClipSpec, RenderedClip
from tests.cli.conftest import Run

pytestmark = pytest.mark.slow


def test_report_from_either_database(
    cli: Run,
    db_url: str,
    tmp_path: Path,
    synth_clip: Callable[[ClipSpec], RenderedClip],
) -> None:
    side = synth_clip(demo_clips()["side"]).path
    checkin = write_checkins(tmp_path / "checkins")[SUBACUTE_FLEXION].path
    assert cli("runner", "add", "Db <Runner>", "--height-cm", "176", db=db_url).returncode == 0
    r = cli(
        "assess",
        "--runner",
        "Db <Runner>",
        "--side",
        str(side),
        "--checkin",
        str(checkin),
        "--out",
        str(tmp_path / "out"),
        db=db_url,
    )
    assert r.returncode == 0, r.stderr
    match = re.search(r"assessment #(\d+)", r.stdout)
    assert match
    aid = int(match.group(1))
    db = Database.open(db_url)
    try:
        html = render_report_html(db, aid)
    finally:
        db.dispose()
    assert html.count("<img ") == 4  # the side view's key frames, from the blob store
    assert "Db &lt;Runner&gt;" in html and 'id="stride-side-overstride_pct_leg"' in html
    # the command wrote the same page
    written = (tmp_path / "out" / f"assessment-{aid}-report.html").read_text(encoding="utf-8")
    assert written == html
