"""Getting check-in answers: from a YAML/JSON file, or by asking on the terminal.

Both ways end in a validated `CheckIn`. A file is checked once: unknown keys (with a "did you
mean"), out-of-range values and impossible dates are one clear error naming the field. On the
terminal each question is asked in order, only when it applies; a typing mistake is explained and
the same question asked again; when input ends or the runner presses Ctrl-C the answers so far are
handed back so the caller can keep them as a draft.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pydantic
import yaml
from rich.console import Console
from rich.prompt import Prompt

from backstride.errors import InputError, ValidationError
from backstride.symptoms.checkin import CheckIn, check_dates
from backstride.symptoms.facts import derive_facts
from backstride.symptoms.questions import Kind, Question, QuestionSet
from backstride.symptoms.ruleset import RuleSet
from backstride.symptoms.triage import emergency_decided
from backstride.validation import describe, validate_input

AGO = re.compile(r"^(\d+)\s*(day|days|d|week|weeks|w)\s*(ago)?$")
NONE_WORDS = ("0", "none", "no", "n")


def read_answers_file(path: Path) -> dict[str, Any]:
    """Parse a ``.yaml``/``.yml``/``.json`` check-in file into a mapping of answers."""
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise InputError("a check-in file must end in .yaml, .yml or .json", path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=path) from None
    except UnicodeDecodeError:
        raise InputError("is not a text file (UTF-8 expected)", path=path) from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"cannot be parsed ({str(exc).splitlines()[0]})", path=path) from None
    if not isinstance(data, dict):
        raise InputError("must hold a mapping of question ids to answers", path=path)
    return data


def checkin_from_mapping(data: dict[str, Any], today: date, *, path: Path | None = None) -> CheckIn:
    """Validate answers; unknown keys get a "did you mean", dates are checked against today."""
    known = list(CheckIn.model_fields)
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; see the README for the ids"
            raise ValidationError(str(key), f"is not a known question{hint}", path=path)
    checkin = validate_input(CheckIn, data, path=path)
    try:
        check_dates(checkin, today)
    except ValidationError as exc:
        raise ValidationError(exc.field, exc.message.split(": ", 1)[1], path=path) from None
    return checkin


def parse_day(text: str, today: date) -> date:
    """``2026-03-14``, ``today``, ``yesterday``, ``5 days ago``, ``3 weeks ago`` -> a date.

    Examples
    --------
    >>> parse_day("3 weeks ago", date(2026, 5, 22)), parse_day("yesterday", date(2026, 5, 22))
    (datetime.date(2026, 5, 1), datetime.date(2026, 5, 21))
    """
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    match = AGO.match(value)
    if match:
        unit = 7 if match.group(2).startswith("w") else 1
        return today - timedelta(days=int(match.group(1)) * unit)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            "give a date like 2026-03-14, or 'today', 'yesterday', '5 days ago', '3 weeks ago'"
        ) from None


def parse_yes_no(text: str) -> bool:
    """``y``/``yes`` or ``n``/``no``; anything else asks again."""
    value = text.strip().lower()
    if value in ("y", "yes"):
        return True
    if value in ("n", "no"):
        return False
    raise ValueError("please answer y (yes) or n (no)")


def parse_number(text: str, lo: int | None, hi: int | None) -> int:
    """A whole number within ``lo``..``hi``."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"please give a whole number from {lo} to {hi}") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"please give a whole number from {lo} to {hi}")
    return value


def parse_choice(text: str, options: list[str]) -> str:
    """One option, by its number (1-based) or its id."""
    value = text.strip().lower()
    if value.isdigit() and 1 <= int(value) <= len(options):
        return options[int(value) - 1]
    if value in options:
        return value
    raise ValueError(
        f"please choose a number from 1 to {len(options)} (or type: {', '.join(options)})"
    )


def parse_multi(text: str, options: list[str]) -> list[str]:
    """Several options by number or id, separated by commas or spaces; ``0``/``none`` for none.

    Examples
    --------
    >>> parse_multi("1, 3", ["a", "b", "c"]), parse_multi("none", ["a"])
    (['a', 'c'], [])
    """
    value = text.strip().lower()
    if value in NONE_WORDS:
        return []
    parts = [p for p in re.split(r"[,\s]+", value) if p]
    if not parts:
        raise ValueError("type the numbers that fit, separated by commas, or 0 for none")
    chosen = [parse_choice(part, options) for part in parts]
    return list(dict.fromkeys(chosen))


def _parser(question: Question, today: date) -> Callable[[str], Any]:
    options = list(question.options)
    parsers: dict[Kind, Callable[[str], Any]] = {
        Kind.YES_NO: parse_yes_no,
        Kind.NUMBER: lambda t: parse_number(t, question.minimum, question.maximum),
        Kind.DATE: lambda t: parse_day(t, today),
        Kind.CHOICE: lambda t: parse_choice(t, options),
        Kind.MULTI: lambda t: parse_multi(t, options),
        Kind.TEXT: lambda t: t.strip() or None,
    }
    return parsers[question.kind]


def _show(console: Console, question: Question) -> str:
    """Print the question's text and options; return the short prompt to type after."""
    marker = "[bold red]![/] " if question.red_flag else ""
    console.print(f"\n{marker}[bold]{question.text}[/]", highlight=False)
    if question.help:
        console.print(f"  [dim]{question.help}[/]", highlight=False)
    for number, label in enumerate(question.options.values(), start=1):
        console.print(f"  {number}. {label}", highlight=False)
    hints = {
        Kind.YES_NO: "y/n",
        Kind.NUMBER: f"{question.minimum}-{question.maximum}",
        Kind.DATE: "date",
        Kind.CHOICE: "number",
        Kind.MULTI: "numbers, or 0 for none",
        Kind.TEXT: "optional: press Enter to skip",
    }
    return hints[question.kind]


def ask_one(console: Console, question: Question, answers: dict[str, Any], today: date) -> Any:
    """Ask ``question`` until the answer is valid (with the answers so far); return it."""
    hint = _show(console, question)
    parse = _parser(question, today)
    while True:
        text = Prompt.ask(f"  [cyan]{hint}[/]", console=console, default="", show_default=False)
        try:
            value = parse(text)
            checkin = CheckIn.model_validate({**answers, question.id: value})
            check_dates(checkin, today)
            return value
        except pydantic.ValidationError as exc:
            console.print(f"  [yellow]{describe(exc)[1]}[/]", highlight=False)
        except ValueError as exc:  # our parsers word the problem themselves
            console.print(f"  [yellow]{exc}[/]", highlight=False)
        except ValidationError as exc:
            console.print(f"  [yellow]{exc.message}[/]", highlight=False)


def _next(
    questions: QuestionSet, answers: dict[str, Any], asked: set[str], today: date
) -> Question | None:
    facts = derive_facts(CheckIn.model_validate(answers), today)
    for question in questions.questions:
        if question.id in asked or answers.get(question.id) is not None:
            continue
        if question.applies(facts) is not False:
            return question
    return None


def ask_questions(
    console: Console,
    answers: dict[str, Any],
    *,
    questions: QuestionSet,
    rules: RuleSet,
    today: date,
) -> dict[str, Any]:
    """Ask every question that applies and has no answer, in order; stop early on an emergency.

    Optional questions are asked once (Enter skips them). ``answers`` is filled in place, so
    whatever was answered survives an ``EOFError`` or ``KeyboardInterrupt`` raised from a prompt
    (the caller keeps it as a draft).
    """
    asked: set[str] = set()
    while True:
        if emergency_decided(CheckIn.model_validate(answers), rules, today):
            console.print(
                "\n[bold red]One of your answers needs emergency care: stopping the questions "
                "here.[/]"
            )
            return answers
        question = _next(questions, answers, asked, today)
        if question is None:
            return answers
        value = ask_one(console, question, answers, today)
        asked.add(question.id)
        if value is not None:
            answers[question.id] = value
