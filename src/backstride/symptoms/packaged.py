"""Reading the stage's packaged YAML files, and the content hash every decision records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from backstride.errors import DataError

PACKAGE_DIR = Path(__file__).parent


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse a packaged YAML file that must hold a mapping; any problem is a `DataError`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError("file not found", path=path) from None
    except yaml.YAMLError as exc:
        raise DataError(f"is not valid YAML ({exc})", path=path) from None
    if not isinstance(data, dict):
        raise DataError("must hold a mapping at the top level", path=path)
    return data


def content_hash(data: Any) -> str:
    """SHA-256 of the canonical JSON form of ``data`` (sorted keys, no whitespace).

    Comments and formatting of the YAML do not change it; any change of content does.

    Examples
    --------
    >>> content_hash({"b": 1, "a": [1, 2]}) == content_hash({"a": [1, 2], "b": 1})
    True
    >>> content_hash({"a": 1})[:12]
    '015abd7f5cc5'
    """
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
