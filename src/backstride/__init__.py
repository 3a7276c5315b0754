"""backstride: running gait, training load, symptom triage and an individual program.

Fitness and education guidance for runners with low back pain; not a diagnosis.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("backstride")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
