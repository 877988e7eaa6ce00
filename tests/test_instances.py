"""The bundled instances: the top-level ``instances/`` folder is what ``example:NAME`` serves,
every file in it validates and solves, and each one says where its figures come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from placement import evaluate, load_instance, solve
from placement.io import bundled_examples

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "instances").glob("*.yaml"))


def test_example_names_are_the_files_of_the_instances_folder() -> None:
    assert FILES, "no bundled instance"
    served = bundled_examples()
    assert sorted(served) == sorted(f.stem for f in FILES)
    for f in FILES:
        assert served[f.stem].read_bytes() == f.read_bytes()


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_bundled_instance_solves_and_passes_the_check(path: Path) -> None:
    inst = load_instance(f"example:{path.stem}")
    plan = solve(inst)
    assert plan.status == "optimal"
    assert evaluate(inst, plan.to_dict()).ok


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_bundled_instance_states_its_provenance(path: Path) -> None:
    leading = path.read_text("utf-8").split("\nname:", 1)[0]
    assert leading.startswith("#"), "a bundled instance opens with a comment saying what it is"
    readme = (ROOT / "instances" / "README.md").read_text("utf-8")
    assert f"`{path.name}`" in readme, "instances/README.md lists it with its provenance"
