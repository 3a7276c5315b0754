"""A small condition language for rules written as data, with three-valued logic.

Rules, symptom tags and "ask this question only if ..." are written in YAML as conditions over the
check-in facts (`backstride.symptoms.facts.Facts`)::

    when:
      all:
        - {field: trauma, equals: minor}
        - any:
            - {field: osteoporosis, equals: true}
            - {field: long_term_steroids, equals: true}

A leaf names one ``field`` and exactly one test: ``equals``, ``one_of`` (the value is one of a
list), ``contains_any`` (a multi-choice answer holds one of a list), ``above`` / ``below`` /
``at_least`` / ``at_most`` (numbers). ``all`` and ``any`` combine. There is deliberately no
``not``: every rule can only add concern when an answer is added, which is what makes "adding a
red-flag answer never lowers the tier" hold by construction.

Evaluation is three-valued (Kleene): a test on an unanswered field is *unknown* (``None``), never
false. A rule fires only when its condition is ``True``; an unknown is never read as "no".
Field names and the values they are compared with are checked against the facts model when the
rule set loads (`check_condition`), so a typo in a rule file is a load error, not a silent miss.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, TypeAdapter, model_validator
from pydantic import ValidationError as PydanticValidationError

Truth = bool | None

TESTS = ("equals", "one_of", "contains_any", "above", "below", "at_least", "at_most")
NUMERIC_TESTS = ("above", "below", "at_least", "at_most")


class Leaf(BaseModel):
    """One test on one field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    equals: Any = None
    one_of: tuple[Any, ...] | None = None
    contains_any: tuple[Any, ...] | None = None
    above: float | None = None
    below: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Leaf:
        given = [name for name in TESTS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a condition on {self.field!r} needs exactly one of {', '.join(TESTS)}; "
                f"got {given or 'none'}"
            )
        return self

    @property
    def test(self) -> str:
        """The name of the one test this leaf performs."""
        return next(name for name in TESTS if getattr(self, name) is not None)


class AllOf(BaseModel):
    """True when every part is true."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    all: tuple[Condition, ...]


class AnyOf(BaseModel):
    """True when at least one part is true."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    any: tuple[Condition, ...]


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "all" if "all" in value else "any" if "any" in value else "leaf"
    return "all" if isinstance(value, AllOf) else "any" if isinstance(value, AnyOf) else "leaf"


Condition = Annotated[
    Annotated[Leaf, Tag("leaf")] | Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")],
    Discriminator(_kind),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()

Cond = Leaf | AllOf | AnyOf
"""A parsed condition (what `Condition` validates into)."""


def _leaf_truth(leaf: Leaf, value: Any) -> Truth:
    if value is None:
        return None
    test = leaf.test
    if test == "equals":
        return bool(value == leaf.equals)
    if test == "one_of":
        return value in (leaf.one_of or ())
    if test == "contains_any":
        return any(item in value for item in leaf.contains_any or ())
    bound = float(getattr(leaf, test))
    return {
        "above": value > bound,
        "below": value < bound,
        "at_least": value >= bound,
        "at_most": value <= bound,
    }[test]


def evaluate(condition: Cond, facts: Mapping[str, Any]) -> Truth:
    """Evaluate ``condition`` on ``facts``: True, False, or None when it depends on a gap.

    Examples
    --------
    >>> c = AnyOf(any=(Leaf(field="a", equals=True), Leaf(field="b", above=3)))
    >>> evaluate(c, {"a": False, "b": 5}), evaluate(c, {"a": False, "b": None})
    (True, None)
    >>> evaluate(AllOf(all=(Leaf(field="a", equals=True),)), {"a": False})
    False
    """
    if isinstance(condition, Leaf):
        return _leaf_truth(condition, facts.get(condition.field))
    parts = [evaluate(part, facts) for part in _parts(condition)]
    if isinstance(condition, AllOf):
        return False if False in parts else None if None in parts else True
    return True if True in parts else None if None in parts else False


def _parts(condition: AllOf | AnyOf) -> tuple[Cond, ...]:
    return condition.all if isinstance(condition, AllOf) else condition.any


def leaves(condition: Cond) -> Iterator[Leaf]:
    """Every leaf test of ``condition``, depth first."""
    if isinstance(condition, Leaf):
        yield condition
        return
    for part in _parts(condition):
        yield from leaves(part)


def fields(condition: Cond) -> tuple[str, ...]:
    """The fields ``condition`` looks at, in order, without repeats."""
    return tuple(dict.fromkeys(leaf.field for leaf in leaves(condition)))


def unwrap_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X``; anything else unchanged."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _element_type(annotation: Any) -> Any | None:
    """The item type of a ``tuple[X, ...]`` field, or None for a scalar field."""
    if get_origin(annotation) is tuple:
        return get_args(annotation)[0]
    return None


def _coerce(annotation: Any, value: Any, where: str) -> Any:
    try:
        return TypeAdapter(annotation).validate_python(value)
    except PydanticValidationError as exc:
        allowed = ""
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            allowed = f" (one of {', '.join(str(m.value) for m in annotation)})"
        raise ValueError(f"{where}: {value!r} is not a valid value{allowed}") from exc


def check_leaf(leaf: Leaf, model: type[BaseModel]) -> Leaf:
    """Check ``leaf`` against the fields of ``model``; return it with values in the field's type.

    Raises ``ValueError`` naming the field when it does not exist, when the test does not fit
    the field's type, or when a value is not one the field can take.
    """
    info = model.model_fields.get(leaf.field)
    if info is None:
        raise ValueError(f"unknown field {leaf.field!r} in a condition")
    annotation = unwrap_optional(info.annotation)
    element = _element_type(annotation)
    where = f"condition on {leaf.field!r}"
    test = leaf.test
    if test == "contains_any":
        if element is None:
            raise ValueError(f"{where}: contains_any needs a multi-choice field")
        values = tuple(_coerce(element, v, where) for v in leaf.contains_any or ())
        return leaf.model_copy(update={"contains_any": values})
    if element is not None:
        raise ValueError(f"{where}: a multi-choice field takes contains_any, not {test}")
    if test in NUMERIC_TESTS:
        if annotation not in (int, float):
            raise ValueError(f"{where}: {test} needs a number field")
        return leaf
    if test == "one_of":
        values = tuple(_coerce(annotation, v, where) for v in leaf.one_of or ())
        return leaf.model_copy(update={"one_of": values})
    return leaf.model_copy(update={"equals": _coerce(annotation, leaf.equals, where)})


def check_condition(condition: Cond, model: type[BaseModel]) -> Cond:
    """`check_leaf` every leaf of ``condition``; return the checked condition."""
    if isinstance(condition, Leaf):
        return check_leaf(condition, model)
    checked = tuple(check_condition(part, model) for part in _parts(condition))
    if isinstance(condition, AllOf):
        return AllOf(all=checked)
    return AnyOf(any=checked)
