"""`load_packaged`: one reader for the YAML files shipped inside the package."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import pydantic
import pytest

from backstride.assess.explain import Texts, load_texts
from backstride.assess.retest import RetestNoise, load_retest
from backstride.errors import DataError
from backstride.validation import load_packaged
from backstride.video.findings import Thresholds, load_thresholds

PACKAGE = "packaged_fixture_pkg"


class Pair(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    version: str
    value_m: float


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real importable package in ``tmp_path`` to put data files in."""
    folder = tmp_path / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield folder
    sys.modules.pop(PACKAGE, None)


def test_returns_the_model_and_the_short_hash_of_the_bytes(package: Path) -> None:
    raw = b"# a comment counts: the hash is of the bytes\nversion: '1.0'\nvalue_m: 2.5\n"
    (package / "good.yaml").write_bytes(raw)
    model, digest = load_packaged(Pair, PACKAGE, "good.yaml")
    assert model == Pair(version="1.0", value_m=2.5)
    assert digest == hashlib.sha256(raw).hexdigest()[:12]


def test_broken_yaml_is_a_data_error_naming_the_file(package: Path) -> None:
    (package / "broken.yaml").write_text("version: [1.0\n")
    with pytest.raises(DataError, match=r"^packaged_fixture_pkg/broken\.yaml: is not valid YAML"):
        load_packaged(Pair, PACKAGE, "broken.yaml")


def test_wrong_field_is_a_data_error_naming_the_file_and_field(package: Path) -> None:
    (package / "wrong.yaml").write_text("version: '1.0'\nvalue_m: far\n")
    with pytest.raises(DataError) as caught:
        load_packaged(Pair, PACKAGE, "wrong.yaml")
    assert str(caught.value).startswith("packaged_fixture_pkg/wrong.yaml: value_m: ")
    assert "'far'" in str(caught.value)


@pytest.mark.parametrize(
    ("loader", "model", "package_name", "filename"),
    [
        (load_texts, Texts, "backstride.assess", "explain.yaml"),
        (load_retest, RetestNoise, "backstride.assess", "retest.yaml"),
        (load_thresholds, Thresholds, "backstride.video", "thresholds.yaml"),
    ],
)
def test_packaged_loaders_read_their_file_once(
    loader: Callable[[], tuple[pydantic.BaseModel, str]],
    model: type[pydantic.BaseModel],
    package_name: str,
    filename: str,
) -> None:
    data, digest = loader()
    raw = resources.files(package_name).joinpath(filename).read_bytes()
    assert isinstance(data, model)
    assert digest == hashlib.sha256(raw).hexdigest()[:12]
    assert loader() is loader()  # cached: read and validated once per process
