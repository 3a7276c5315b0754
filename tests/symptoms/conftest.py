"""The real-command fixture ``cli`` for this stage's CLI tests."""

from tests.cli.conftest import cli

__all__ = ["cli"]
