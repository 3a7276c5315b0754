"""The CLI's runner commands and its error contract: one clear line, exit 2 for bad input."""

from __future__ import annotations

from pathlib import Path

from backstride import __version__
from tests.cli.conftest import Run


def test_version_and_help(cli: Run) -> None:
    r = cli("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"backstride {__version__}"
    r = cli("--help")
    assert r.returncode == 0
    for command in ("runner", "db", "demo"):
        assert command in r.stdout


def test_runner_lifecycle(cli: Run, db_url: str) -> None:
    r = cli("runner", "add", "Ana K", "--height-cm", "168", "--birth-year", "1988", db=db_url)
    assert r.returncode == 0, r.stderr
    assert "added runner Ana K" in r.stdout
    r = cli("runner", "list", db=db_url)
    assert "Ana K" in r.stdout and "168" in r.stdout
    r = cli("runner", "show", "Ana K", db=db_url)
    assert r.returncode == 0 and "height: 168.0 cm" in r.stdout
    r = cli("runner", "delete", "Ana K", "--yes", db=db_url)
    assert r.returncode == 0 and "deleted runner 'Ana K'" in r.stdout
    assert "no runners yet" in cli("runner", "list", db=db_url).stdout


def test_unknown_runner_exits_2_with_one_clear_line(cli: Run) -> None:
    r = cli("runner", "show", "Nobody")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert lines == [
        "error: no runner named 'Nobody'; see `backstride runner list` or add one with "
        "`backstride runner add 'Nobody'`"
    ]
    assert "Traceback" not in r.stderr


def test_out_of_range_value_names_the_field(cli: Run) -> None:
    r = cli("runner", "add", "Tiny", "--height-cm", "20")
    assert r.returncode == 2
    assert r.stderr.startswith("error: height_cm: Input should be greater than or equal to 100")
    assert "no runners yet" in cli("runner", "list").stdout  # nothing half-written


def test_duplicate_keeps_the_original(cli: Run) -> None:
    assert cli("runner", "add", "Ana", "--height-cm", "170").returncode == 0
    r = cli("runner", "add", "Ana", "--height-cm", "180")
    assert r.returncode == 2 and "already exists" in r.stderr
    assert "170" in cli("runner", "list").stdout


def test_delete_asks_and_can_be_declined(cli: Run) -> None:
    cli("runner", "add", "Ana")
    r = cli("runner", "delete", "Ana", input="n\n")
    assert r.returncode != 0
    assert "Ana" in cli("runner", "list").stdout


def test_usage_error_exits_2(cli: Run) -> None:
    r = cli("runner", "frobnicate")
    assert r.returncode == 2
    assert "No such command" in r.stderr


def test_bad_db_url_exits_2(cli: Run) -> None:
    r = cli("--db", "nonsense://x", "runner", "list")
    assert r.returncode == 2
    assert "is not a database URL" in r.stderr


def test_unreachable_db_is_one_line_exit_1(cli: Run) -> None:
    r = cli("--db", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=1", "runner", "list")
    assert r.returncode == 1
    assert r.stderr.startswith("error: cannot open the database")
    assert "Traceback" not in r.stderr
    r = cli(
        "--debug", "--db", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=1", "runner", "list"
    )
    assert "Traceback" in r.stderr


def test_db_upgrade(cli: Run, db_url: str) -> None:
    r = cli("db", "upgrade", db=db_url)
    assert r.returncode == 0 and "upgraded from empty to" in r.stdout
    r = cli("db", "upgrade", db=db_url)
    assert "already at revision" in r.stdout


def test_delete_removes_their_cached_activity_streams_not_a_shared_one(
    cli: Run, home: Path, fixtures_dir: Path, db_url: str
) -> None:
    """Health data: a deleted runner's parsed watch streams go too, unless another runner
    imported the same file (the cache is shared by content)."""
    run = fixtures_dir / "fit" / "activity-small-fenix2-run.fit"
    for name in ("Ana", "Ben"):
        assert cli("runner", "add", name, db=db_url).returncode == 0
        r = cli("training", "import", str(run), "--runner", name, "--tz", "UTC", db=db_url)
        assert r.returncode == 0, r.stderr
    cached = list((home / "cache" / "training" / "streams").rglob("*.parquet"))
    assert cached, "the import caches the file's streams"
    r = cli("runner", "delete", "Ana", "--yes", db=db_url)
    assert r.returncode == 0 and "0 cached activity stream(s) removed" in r.stdout
    assert all(p.exists() for p in cached)  # Ben still has them
    r = cli("runner", "delete", "Ben", "--yes", db=db_url)
    assert f"{len(cached)} cached activity stream(s) removed" in r.stdout
    assert not any(p.exists() for p in cached)
