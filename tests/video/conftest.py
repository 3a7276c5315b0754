"""The video tests run the real command too: the ``cli`` fixture of tests/cli."""

from tests.cli.conftest import cli

__all__ = ["cli"]
