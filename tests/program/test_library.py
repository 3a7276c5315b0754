"""The exercise library: size, graph, ladders, tag consistency, the seeds' exercises and doses,
and that a broken library file is refused with a message naming it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from backstride.errors import DataError
from backstride.findings import Capacity
from backstride.program.exercise import Category, Equipment, Impact, SpinalLoad
from backstride.program.library import LIBRARY_DIR, Library, load_library, parse_library
from backstride.symptoms.models import SymptomTag

BANNED = ("treats", "diagnoses", "clinically proven", "replaces physiotherapy")


@pytest.fixture(scope="module")
def lib() -> Library:
    return load_library()


def test_at_least_sixty_exercises_with_unique_names(lib: Library) -> None:
    assert len(lib.exercises) >= 60
    names = [e.name for e in lib.exercises.values()]
    assert len(set(names)) == len(names)


def test_every_category_and_equipment_is_used(lib: Library) -> None:
    used = {eq for e in lib.exercises.values() for eq in e.equipment}
    assert used == set(Equipment)
    assert {e.category for e in lib.exercises.values()} == set(Category)


def test_progression_graph_has_no_cycles(lib: Library) -> None:
    for start in lib.exercises:
        seen = {start}
        node = lib[start].progression
        while node is not None:
            assert node not in seen, f"cycle through {node}"
            seen.add(node)
            node = lib[node].progression


def test_links_agree_both_ways_and_levels_rise(lib: Library) -> None:
    for ex in lib.exercises.values():
        if ex.progression:
            up = lib[ex.progression]
            assert up.regression == ex.id
            assert up.level > ex.level
        if ex.regression:
            assert lib[ex.regression].progression == ex.id


def test_every_exercise_is_reachable_from_a_ladder_root(lib: Library) -> None:
    reachable = {e.id for roots in lib.ladders.values() for r in roots for e in lib.ladder(r)}
    assert set(lib.exercises) == reachable
    for roots in lib.ladders.values():
        for root in roots:
            assert lib[root].regression is None
            assert lib[root].level == 1, f"{root}: a ladder starts at level 1"


@pytest.mark.parametrize("capacity", list(Capacity))
def test_every_capacity_has_a_ladder_from_easy_to_hard(lib: Library, capacity: Capacity) -> None:
    """A ladder: rungs that all train the capacity, from level 1, each harder than the last;
    three rungs at least where the capacity is trained with strength work, two otherwise."""
    strength = any(
        ex.category is Category.STRENGTH and capacity in ex.capacities
        for ex in lib.exercises.values()
    )
    best = 0
    for root in lib.ladders[capacity]:
        rungs = [e for e in lib.ladder(root) if capacity in e.capacities]
        if len(rungs) == len(lib.ladder(root)):
            levels = [e.level for e in rungs]
            assert levels == sorted(set(levels)) and levels[0] == 1
            best = max(best, len(rungs))
    assert best >= (3 if strength else 2)


def test_tags_follow_the_exercise_fields(lib: Library) -> None:
    """Each tag means exactly what index.yaml says, so exclusions cannot miss an exercise."""
    for ex in lib.exercises.values():
        tags = set(ex.contraindications)
        load = set(ex.spinal_load)
        strength = ex.category is Category.STRENGTH
        expected = {
            "loaded_flexion": strength and SpinalLoad.FLEXION in load,
            "flexion_mobility": not strength and SpinalLoad.FLEXION in load,
            "loaded_extension": strength and SpinalLoad.EXTENSION in load,
            "extension_mobility": not strength and SpinalLoad.EXTENSION in load,
            "extension_rotation": {SpinalLoad.EXTENSION, SpinalLoad.ROTATION} <= load,
            "neural_tension": ex.category is Category.MOBILITY
            and Capacity.HAMSTRING_MOBILITY in ex.capacities,
            "impact": ex.impact in (Impact.MODERATE, Impact.HIGH),
            "loaded_axial": SpinalLoad.AXIAL in load and Equipment.WEIGHTS in ex.equipment,
        }
        assert set(expected) == set(lib.tags)
        for tag, should in expected.items():
            assert (tag in tags) == should, f"{ex.id}: tag {tag} should be {should}"


def test_every_tag_is_used_and_mapped_and_every_symptom_maps(lib: Library) -> None:
    used = {t for e in lib.exercises.values() for t in e.contraindications}
    mapped = {t for tags in lib.symptom_map.values() for t in tags}
    assert used == set(lib.tags) == mapped
    assert set(lib.symptom_map) == set(SymptomTag)


def test_a_regression_never_adds_a_contraindication(lib: Library) -> None:
    """Falling back to an easier rung must never bring in something the runner was spared."""
    for ex in lib.exercises.values():
        if ex.regression:
            assert set(lib[ex.regression].contraindications) <= set(ex.contraindications)


def test_the_issue_mapping_of_symptoms(lib: Library) -> None:
    """clinical.md: flexion-intolerant -> no sit-ups, forward folds; extension-intolerant -> no
    supermans or back extensions; leg symptoms -> no impact, no loaded flexion."""
    flex = lib.blocked_tags([SymptomTag.FLEXION_INTOLERANT])
    ext = lib.blocked_tags([SymptomTag.EXTENSION_INTOLERANT])
    leg = lib.blocked_tags([SymptomTag.LEG_SYMPTOMS])
    assert set(lib["seated_forward_fold"].contraindications) & flex
    assert set(lib["romanian_deadlift"].contraindications) & flex
    assert set(lib["superman"].contraindications) & ext
    assert set(lib["ball_back_extension"].contraindications) & ext
    assert {"impact", "loaded_flexion"} <= leg
    assert set(lib["pogo_hops"].contraindications) & leg


SEED_DOSES = [
    # id, field, expected value, source
    ("superman", "sets", (3, 3), "seed 001: 3 sets"),
    ("superman", "reps", (20, 30), "seed 001: 20-30 reps"),
    ("seated_forward_fold", "hold_s", (120, 300), "seed 001: 2-5 minutes"),
    ("forearm_plank", "hold_s", (30, 60), "seed 001: 30 s building to 60 s"),
    ("legs_up_the_wall", "minutes", (2, 10), "seed 001: 2-10 minutes"),
    ("supine_twist", "minutes", (1, 3), "seed 001: 1-3 minutes"),
    ("supine_twist", "per_side", True, "seed 001: each side"),
    ("knee_rocks", "hold_s", (20, 30), "seed 002: lumbar rotation stretch 20-30 s"),
    ("side_flexion_stretch", "hold_s", (20, 30), "seed 002: side flexion stretch 20-30 s"),
    ("seated_hamstring_stretch", "hold_s", (20, 30), "seed 002: hamstring stretch 20-30 s"),
    ("half_kneeling_hip_flexor_stretch", "hold_s", (20, 30), "seed 002: hip flexor 20-30 s"),
    ("mcgill_curl_up", "hold_s", (10, 10), "practice convention: 10 s holds"),
    ("mcgill_side_bridge", "pyramid", (6, 4, 2), "practice convention: descending pyramid"),
    ("mcgill_bird_dog", "pyramid", (6, 4, 2), "practice convention: descending pyramid"),
]


@pytest.mark.parametrize(("ex_id", "field", "value", "source"), SEED_DOSES)
def test_seed_exercises_carry_the_seed_dosage(
    lib: Library, ex_id: str, field: str, value: object, source: str
) -> None:
    assert getattr(lib[ex_id].dosage, field) == value, source


@pytest.mark.parametrize(
    "ex_id",
    [
        "superman", "seated_forward_fold", "lacrosse_ball_glute_release", "forearm_plank",
        "legs_up_the_wall", "supine_twist", "glute_bridge", "hip_thrust", "dead_bug",
        "bird_dog", "side_plank", "knee_rocks", "side_flexion_stretch",
        "seated_hamstring_stretch", "half_kneeling_hip_flexor_stretch", "mcgill_curl_up",
        "mcgill_side_bridge", "mcgill_bird_dog",
    ],
)  # fmt: skip
def test_every_seed_exercise_is_there_and_says_so(lib: Library, ex_id: str) -> None:
    assert lib[ex_id].seed, f"{ex_id} should cite the seed that names it"


def test_texts_are_ours_and_use_no_forbidden_wording() -> None:
    for path in LIBRARY_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").lower()
        for word in BANNED:
            assert word not in text, f"{path.name}: {word!r}"
        assert "oswestry" not in text and "roland" not in text


# --- broken libraries are refused with the file and the entry named ----------------------------


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "exercises"
    shutil.copytree(LIBRARY_DIR, folder)
    return folder


def _edit(folder: Path, file_name: str, ex_id: str, **changes: object) -> None:
    path = folder / file_name
    data = yaml.safe_load(path.read_text())
    for item in data:
        if item["id"] == ex_id:
            item.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_packaged_copy_parses_identically(tmp_path: Path) -> None:
    lib = parse_library(_copy(tmp_path))
    assert lib.content_hash == load_library().content_hash


def test_a_changed_file_changes_the_hash(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "core.yaml", "superman", name="Superman lift")
    assert parse_library(folder).content_hash != load_library().content_hash


@pytest.mark.parametrize(
    ("file", "ex_id", "changes", "message"),
    [
        ("core.yaml", "dead_bug", {"progression": "dead_bug_heel_slide"},
         "does not name it as its regression"),
        ("core.yaml", "superman", {"contraindications": ["spicy"]},
         "unknown contraindication tag 'spicy'"),
        ("core.yaml", "superman", {"dosage": {"sets": 3}},
         "exactly one of reps, hold_s or minutes"),
        ("core.yaml", "superman", {"progression": "nowhere"}, "'nowhere' is not in the library"),
        ("hips.yaml", "glute_bridge", {"capacities": ["core_of_steel"]}, "capacities[0]"),
        ("hips.yaml", "glute_bridge", {"id": "dead_bug"}, "appears twice"),
    ],
)  # fmt: skip
def test_broken_entries_are_a_data_error_naming_file_and_entry(
    tmp_path: Path, file: str, ex_id: str, changes: dict[str, object], message: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder, file, ex_id, **changes)
    with pytest.raises(DataError, match=re.escape(message)) as err:
        parse_library(folder)
    assert str(folder) in str(err.value)


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    """A two-exercise loop passes the both-ways check but not the rising levels."""
    folder = _copy(tmp_path)
    _edit(folder, "core.yaml", "abdominal_brace_breathing", regression="mcgill_curl_up_elbows_up")
    _edit(folder, "core.yaml", "mcgill_curl_up_elbows_up", progression="abdominal_brace_breathing")
    with pytest.raises(DataError, match="must have a higher level"):
        parse_library(folder)


def test_invalid_yaml_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "legs.yaml").write_text("- id: [unclosed\n")
    with pytest.raises(DataError, match=re.escape("legs.yaml: is not valid YAML")):
        parse_library(folder)
