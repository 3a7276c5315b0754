"""What a web app instance is configured with: limits, lifetimes, the password-hash cost.

One frozen model, validated once where the app is made (`backstride serve` options, tests); the
rest of the app reads plain values from it and never changes it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

MIB = 2**20


class Argon2Cost(BaseModel):
    """argon2id parameters; the default is RFC 9106's low-memory profile (t=3, 64 MiB, p=4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_cost: int = Field(default=3, ge=1)
    memory_kib: int = Field(default=65536, ge=8)
    parallelism: int = Field(default=4, ge=1)


class WebSettings(BaseModel):
    """Settings of one web app instance.

    Examples
    --------
    >>> WebSettings().max_video_bytes // MIB
    1024
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_video_bytes: int = Field(default=1024 * MIB, ge=1024)
    max_activity_bytes: int = Field(default=512 * MIB, ge=1024)
    max_request_bytes: int = Field(default=3 * 1024 * MIB, ge=1024)
    max_activity_files: int = Field(default=50, ge=1)
    session_hours: float = Field(default=12.0, gt=0)
    anonymous_session_hours: float = Field(default=2.0, gt=0)
    invite_days: float = Field(default=14.0, gt=0)
    self_registration: bool = True
    login_window_min: float = Field(default=15.0, gt=0)
    login_max_account_failures: int = Field(default=5, ge=1)
    login_max_address_failures: int = Field(default=20, ge=1)
    signup_max_per_address: int = Field(default=10, ge=1)
    argon2: Argon2Cost = Argon2Cost()
    work_dir: Path | None = None  # where job outputs go; default <data dir>/web

    @property
    def session_ttl(self) -> timedelta:
        """How long a logged-in session lives without activity."""
        return timedelta(hours=self.session_hours)

    @property
    def anonymous_ttl(self) -> timedelta:
        """How long the CSRF session of a login or sign-up form lives."""
        return timedelta(hours=self.anonymous_session_hours)

    @property
    def login_window(self) -> timedelta:
        """The window over which failed logins are counted."""
        return timedelta(minutes=self.login_window_min)
