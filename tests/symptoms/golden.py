"""The golden-scenario table: loading rows and turning them into check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from backstride.symptoms.checkin import CheckIn

GOLDEN = Path(__file__).with_name("golden_scenarios.yaml")


@dataclass(frozen=True)
class Scenario:
    id: str
    reason: str
    answers: dict[str, Any]
    expect: dict[str, Any]


@cache
def table() -> dict[str, Any]:
    return yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


def today() -> date:
    return table()["today"]


def answers_for(row: dict[str, Any]) -> dict[str, Any]:
    data = table()
    answers = {**data["base"], **row.get("set", {})}
    for name in row.get("unset", []):
        answers.pop(name)
    days = row.get("days_ago", data["base_days_ago"])
    if days is not None:
        answers["onset_date"] = today() - timedelta(days=days)
    return answers


def scenarios() -> list[Scenario]:
    return [
        Scenario(row["id"], row["reason"], answers_for(row), row["expect"])
        for row in table()["scenarios"]
    ]


def base_checkin() -> CheckIn:
    """The table's base row as a check-in (complete, SELF_MANAGE, nothing fired)."""
    return CheckIn.model_validate(answers_for({}))
