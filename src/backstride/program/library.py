"""The exercise library: versioned YAML inside the package, validated once when it loads.

``exercises/index.yaml`` holds the version, the contraindication tag vocabulary, the mapping from
the runner's `SymptomTag` to those tags, the ladders per capacity and the list of exercise files.
Loading validates every entry against `Exercise`, then the structure as a whole: unique ids,
links that point at real exercises and agree both ways (``a.progression == b`` exactly when
``b.regression == a``), levels that rise along a ladder (which rules out cycles), known tags, and
ladders that start at an easiest rung. A broken file is a `DataError` naming the file and the
entry. The content hash covers every file, so a program records exactly which library made it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field

from backstride.errors import DataError
from backstride.findings import Capacity
from backstride.program.exercise import Exercise
from backstride.symptoms.models import SymptomTag
from backstride.validation import describe, validate_packaged

LIBRARY_DIR = Path(__file__).parent / "exercises"


class LibraryIndex(BaseModel):
    """The schema of ``exercises/index.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    tags: dict[str, str] = Field(min_length=1)
    symptom_map: dict[SymptomTag, tuple[str, ...]]
    ladders: dict[Capacity, tuple[str, ...]]
    files: tuple[str, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Library:
    """A validated exercise library.

    Attributes
    ----------
    version, content_hash
        The version written in the index and the sha256 of every library file.
    exercises
        Exercises by id, in file order.
    tags, symptom_map, ladders
        As in the index.
    """

    version: str
    content_hash: str
    exercises: Mapping[str, Exercise]
    tags: Mapping[str, str]
    symptom_map: Mapping[SymptomTag, tuple[str, ...]]
    ladders: Mapping[Capacity, tuple[str, ...]]

    def __getitem__(self, exercise_id: str) -> Exercise:
        return self.exercises[exercise_id]

    def ladder(self, root_id: str) -> tuple[Exercise, ...]:
        """The exercises from ``root_id`` upwards along the progression links, easiest first."""
        rungs = [self.exercises[root_id]]
        while rungs[-1].progression is not None:
            rungs.append(self.exercises[rungs[-1].progression])
        return tuple(rungs)

    def blocked_tags(self, symptoms: Iterable[SymptomTag]) -> frozenset[str]:
        """The contraindication tags a runner with these symptom responses must never meet.

        Examples
        --------
        >>> sorted(load_library().blocked_tags([SymptomTag.FLEXION_INTOLERANT]))
        ['flexion_mobility', 'loaded_flexion']
        """
        return frozenset(tag for s in symptoms for tag in self.symptom_map.get(s, ()))


def _read_yaml(path: Path, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"is not valid YAML: {exc}", path=path) from None


def _exercises_from(path: Path, data: Any) -> list[Exercise]:
    if not isinstance(data, list):
        raise DataError("must be a list of exercises", path=path)
    out = []
    for i, item in enumerate(data):
        label = item.get("id", f"entry {i}") if isinstance(item, dict) else f"entry {i}"
        try:
            out.append(Exercise.model_validate(item))
        except pydantic.ValidationError as exc:
            field, problem = describe(exc)
            raise DataError(f"exercise {label}: {field}: {problem}", path=path) from None
    return out


def _check_links(exercises: Mapping[str, Exercise], path: Path) -> None:
    for ex in exercises.values():
        for name in ("regression", "progression"):
            target = getattr(ex, name)
            if target is not None and target not in exercises:
                raise DataError(
                    f"exercise {ex.id}: {name} {target!r} is not in the library", path=path
                )
        if ex.progression is not None:
            up = exercises[ex.progression]
            if up.regression != ex.id:
                raise DataError(
                    f"exercise {ex.id}: progression {up.id!r} does not name it as its regression",
                    path=path,
                )
            if up.level <= ex.level:
                raise DataError(
                    f"exercise {ex.id}: progression {up.id!r} must have a higher level "
                    f"({up.level} <= {ex.level}); levels rising along links rule out cycles",
                    path=path,
                )
        if ex.regression is not None and exercises[ex.regression].progression != ex.id:
            raise DataError(
                f"exercise {ex.id}: regression {ex.regression!r} does not name it as its "
                "progression",
                path=path,
            )


def _check_vocabulary(index: LibraryIndex, exercises: Mapping[str, Exercise], path: Path) -> None:
    for symptom, tags in index.symptom_map.items():
        for tag in tags:
            if tag not in index.tags:
                raise DataError(f"symptom_map.{symptom.value}: unknown tag {tag!r}", path=path)
    for ex in exercises.values():
        for tag in ex.contraindications:
            if tag not in index.tags:
                raise DataError(
                    f"exercise {ex.id}: unknown contraindication tag {tag!r}", path=path
                )
    for capacity, roots in index.ladders.items():
        for root in roots:
            if root not in exercises:
                raise DataError(
                    f"ladders.{capacity.value}: {root!r} is not in the library", path=path
                )
            if exercises[root].regression is not None:
                raise DataError(
                    f"ladders.{capacity.value}: {root!r} is not the easiest rung of its ladder",
                    path=path,
                )


def parse_library(folder: Path) -> Library:
    """Read and validate the library in ``folder`` (the index and the files it lists)."""
    index_path = folder / "index.yaml"
    try:
        index_text = index_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read the exercise library index: {exc}", path=index_path) from None
    index = validate_packaged(LibraryIndex, _read_yaml(index_path, index_text), path=index_path)
    digest = hashlib.sha256(index_text.encode("utf-8"))
    exercises: dict[str, Exercise] = {}
    for name in index.files:
        path = folder / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read the exercise file: {exc}", path=path) from None
        digest.update(f"\0{name}\0".encode() + text.encode("utf-8"))
        for ex in _exercises_from(path, _read_yaml(path, text)):
            if ex.id in exercises:
                raise DataError(f"exercise id {ex.id!r} appears twice", path=path)
            exercises[ex.id] = ex
    _check_links(exercises, folder)
    _check_vocabulary(index, exercises, index_path)
    return Library(
        version=index.version,
        content_hash=digest.hexdigest(),
        exercises=exercises,
        tags=dict(index.tags),
        symptom_map=dict(index.symptom_map),
        ladders=dict(index.ladders),
    )


@lru_cache(maxsize=1)
def load_library() -> Library:
    """The packaged library, read and validated on first use, then cached.

    Examples
    --------
    >>> lib = load_library()
    >>> lib["superman"].dosage.reps
    (20, 30)
    >>> [e.id for e in lib.ladder("glute_bridge")][:2]
    ['glute_bridge', 'glute_bridge_march']
    """
    return parse_library(LIBRARY_DIR)
