"""Validate user data against a pydantic model once, at the edge, with our error messages.

pydantic's errors are precise but long; a runner needs one line that names the field. This turns
the first error into a `ValidationError` naming the field path and the problem, and lists how many
more there were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

import pydantic

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
