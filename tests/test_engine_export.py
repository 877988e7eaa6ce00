"""The array model exported through pulp (``placement solve --write-model``) is the problem
the engine solved before the array model: on three generated instances, an MPS and an LP
file read back by HiGHS have the recorded size, MILP optimum and LP relaxation
(tests/data/engine_reference.json, recorded from the pulp-built engine), and the solver's
own run on the model gives the same optimum."""

from __future__ import annotations

import json
from pathlib import Path

import highspy
import numpy as np
import pytest

from placement import load_instance
from placement.data import prepare
from placement.generate import generate
from placement.milp.build import build
from placement.milp.export import write_model
from placement.milp.solve import solve_milp
from placement.schema.options import SolveOptions

REFERENCE = json.loads((Path(__file__).parent / "data" / "engine_reference.json").read_text())
CASES = [key for key in REFERENCE if not key.startswith("_")]


def _read(path: Path, relax: bool = False) -> highspy.Highs:
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-9)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    if relax:
        n = h.getNumCol()
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.uint8))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h


@pytest.mark.parametrize("case", CASES)
def test_exported_mps_is_the_recorded_problem(case: str, tmp_path: Path) -> None:
    ref = REFERENCE[case]
    m = build(prepare(load_instance(generate(*map(int, case.split("-"))))))
    write_model(m, tmp_path / "model.mps")
    mip = _read(tmp_path / "model.mps")
    assert (mip.getNumCol(), mip.getNumRow(), mip.getNumNz()) == (
        ref["cols"], ref["rows"], ref["nonzeros"]
    )
    assert mip.getLp().offset_ == pytest.approx(m.objective_constant, rel=1e-15)
    assert mip.getInfo().objective_function_value == pytest.approx(ref["mip"], abs=0.01)
    lp = _read(tmp_path / "model.mps", relax=True)
    assert lp.getInfo().objective_function_value == pytest.approx(ref["lp"], abs=0.01)
    ours = solve_milp(m, SolveOptions(gap=1e-9))
    assert ours.objective == pytest.approx(ref["mip"], abs=0.01)


def test_exported_lp_file_has_the_same_optimum(tmp_path: Path) -> None:
    case = CASES[0]
    m = build(prepare(load_instance(generate(*map(int, case.split("-"))))))
    write_model(m, tmp_path / "model.lp")
    h = _read(tmp_path / "model.lp")
    assert h.getInfo().objective_function_value == pytest.approx(REFERENCE[case]["mip"], abs=0.01)


def test_a_model_file_must_be_mps_or_lp(tmp_path: Path) -> None:
    m = build(prepare(load_instance("example:hybrid-genai")))
    with pytest.raises(ValueError, match=r"\.mps or \.lp"):
        write_model(m, tmp_path / "model.txt")
    assert not list(tmp_path.iterdir())


def test_cli_writes_the_model_it_solves(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from placement.cli.app import app

    plan_file, model_file = tmp_path / "plan.json", tmp_path / "model.mps"
    r = CliRunner().invoke(app, ["solve", "example:example", "-q", "--no-baseline",
                                 "-o", str(plan_file), "--write-model", str(model_file)])
    assert r.exit_code == 0, r.output
    plan = json.loads(plan_file.read_text())
    h = _read(model_file)
    assert h.getInfo().objective_function_value == pytest.approx(plan["npv"], abs=0.01)
    bad = CliRunner().invoke(app, ["solve", "example:example", "--write-model",
                                   str(tmp_path / "model.txt")])
    assert bad.exit_code == 2 and ".mps or .lp" in bad.output
    assert not (tmp_path / "model.txt").exists()
