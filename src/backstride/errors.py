"""The one exception tree of backstride.

Every error a user can cause or meet is one of these, with a message that names the input, the
problem and, where there is one, the fix. Foreign errors (PyAV, fitdecode, SQLAlchemy, pydantic)
are mapped to these at the boundary where they happen.

::

    BackstrideError              anything backstride raises on purpose (CLI exit code 1)
    ├── InputError               the user's input is wrong: a file, a value, a name (exit code 2)
    │   ├── NotFoundError        a runner, assessment or file that does not exist
    │   └── ValidationError      a value or field out of range, named by its field
    ├── DataError                a packaged data file (rules, thresholds, library) is invalid
    └── StoreError               the database cannot be opened, migrated or written
"""

from __future__ import annotations

from pathlib import Path


class BackstrideError(Exception):
    """Base of every error backstride raises on purpose.

    Parameters
    ----------
    message
        One sentence a runner understands: what is wrong and, where possible, what to do.
    path
        The file the message is about, if any; it is put in front of the message.
    """

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.message = message
        self.path = None if path is None else Path(path)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{self.path}: {self.message}"


class InputError(BackstrideError):
    """The user's input is wrong (a file, a value, a name). The CLI exits with code 2."""

    exit_code = 2


class NotFoundError(InputError):
    """Something the user named does not exist (a runner, an assessment, a file)."""


class ValidationError(InputError):
    """A value is out of range or malformed; ``field`` names it.

    Examples
    --------
    >>> str(ValidationError("height_cm", "must be between 100 and 250, got 20"))
    'height_cm: must be between 100 and 250, got 20'
    """

    def __init__(self, field: str, problem: str, *, path: str | Path | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {problem}", path=path)


class DataError(BackstrideError):
    """A packaged data file (triage rules, thresholds, exercise library) failed validation."""


class StoreError(BackstrideError):
    """The database could not be opened, migrated or written."""
