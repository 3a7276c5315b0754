"""The ``cli`` fixture lives in tests/conftest.py; ``Run`` is re-exported for type hints."""

from tests.conftest import Run

__all__ = ["Run"]
