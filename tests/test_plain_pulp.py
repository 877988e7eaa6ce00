"""The plain pulp transcription of the v1 problem (benchmarks/plain_pulp.py) finds the
project's optimum: same candidates, costs from ``placement.costs``, solved to 1e-9."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from placement import SolveOptions, load_instance, solve
from placement.generate import generate

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_plain_pulp", BENCH / "plain_pulp.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


plain_pulp = _module()
pytestmark = pytest.mark.filterwarnings("ignore:LpVariable.dicts is deprecated")


@pytest.mark.parametrize("source", ["example:example", "example:hybrid-genai",
                                    (8, 6, 3, 1), (8, 6, 3, 2), (8, 6, 3, 3)])
def test_plain_pulp_finds_the_projects_optimum(source: Any) -> None:
    inst = load_instance(generate(*source) if isinstance(source, tuple) else source)
    model = plain_pulp.build(inst)
    out = plain_pulp.solve(model, gap=1e-9)
    assert out.status == "optimal", out
    assert out.bound is not None and out.gap is not None and out.gap <= 1e-6
    ours = solve(inst, SolveOptions(baseline=False, gap=1e-9))
    assert ours.npv is not None
    assert out.objective == pytest.approx(ours.npv, abs=0.01)
    # the plan it found costs what its objective says, by the project's accounting
    assert out.schedule is not None
    assert plain_pulp.accounted_npv(model, out.schedule) == pytest.approx(out.objective,
                                                                          abs=0.01)
    assert sum(model.row_counts().values()) == model.n_rows


def test_a_time_limited_run_is_not_called_optimal() -> None:
    inst = load_instance(generate(20, 12, 3, 2))
    model = plain_pulp.build(inst)
    out = plain_pulp.solve(model, time_limit=0.05, gap=1e-9)
    assert out.status in ("feasible", "error"), out  # pulp itself says "Optimal"
    assert out.termination == "time_limit" and out.highs_status == "Time limit reached"
    if out.status == "feasible":
        assert out.bound is None or out.bound <= out.objective + 1e-6
