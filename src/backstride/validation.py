"""Validate user data against a pydantic model once, at the edge, with our error messages.

pydantic's errors are precise but long; a runner needs one line that names the field. This turns
the first error into a `ValidationError` naming the field path and the problem, and lists how many
more there were.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pydantic
import yaml

from backstride.errors import DataError, ValidationError

M = TypeVar("M", bound=pydantic.BaseModel)


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("answers", 2, "pain_now")`` -> ``"answers[2].pain_now"``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(input)"


def describe(exc: pydantic.ValidationError) -> tuple[str, str]:
    """The first error of ``exc`` as (field path, problem in words)."""
    first = exc.errors()[0]
    problem = first["msg"]
    if first["type"] == "extra_forbidden":
        problem = "is not a known field"
    if first["type"] == "value_error":  # our own validators already word the whole problem
        problem = problem.removeprefix("Value error, ")
    elif "input" in first and first["type"] not in ("missing", "extra_forbidden"):
        problem = f"{problem}, got {first['input']!r}"
    more = exc.error_count() - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return field_path(tuple(first["loc"])), problem


def validate_input(model: type[M], data: Any, *, path: str | Path | None = None) -> M:
    """Validate user-supplied ``data``; raise `ValidationError` naming the field on failure.

    Examples
    --------
    >>> class P(pydantic.BaseModel):
    ...     height_cm: float = pydantic.Field(ge=100, le=250)
    >>> validate_input(P, {"height_cm": 20})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    backstride.errors.ValidationError: height_cm: Input should be greater than or equal to 100...
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        field, problem = describe(exc)
        raise ValidationError(field, problem, path=path) from None


def validate_packaged(model: type[M], data: Any, *, path: str | Path) -> M:
    """Validate a packaged data file (rules, thresholds, library); failure is a `DataError`."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        field, problem = describe(exc)
        raise DataError(f"{field}: {problem}", path=path) from None


def load_packaged(model: type[M], package: str, filename: str) -> tuple[M, str]:
    """Read the YAML file ``filename`` shipped in ``package``, validate it, and hash its bytes.

    Returns the validated model and the first 12 hex digits of the SHA-256 of the file's bytes:
    the short content hash a finding records so it can say which version of the file decided.
    A file that is not valid YAML or does not fit ``model`` is a `DataError` naming it.

    Examples
    --------
    >>> class Versioned(pydantic.BaseModel):
    ...     version: str
    >>> texts, digest = load_packaged(Versioned, "backstride.assess", "explain.yaml")
    >>> texts.version.startswith("assess-texts-"), len(digest)
    (True, 12)
    """
    path = f"{package.replace('.', '/')}/{filename}"
    raw = resources.files(package).joinpath(filename).read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DataError(f"is not valid YAML ({exc})", path=path) from None
    return validate_packaged(model, data, path=path), hashlib.sha256(raw).hexdigest()[:12]


def non_blank(value: str) -> str:
    """Strip surrounding spaces; an empty result is an error ("must not be blank").

    Examples
    --------
    >>> non_blank("  Ana K ")
    'Ana K'
    """
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


#: A name or label typed by a user: surrounding spaces removed, never blank.
NonBlankStr = Annotated[str, pydantic.AfterValidator(non_blank)]
