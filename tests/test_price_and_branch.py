"""``search="decompose"`` (placement/milp/price_and_branch.py): the per-site Lagrangian
bound and the restricted master over its columns as a phase of the solve.

- On seeded tiny instances, the plan is the brute-force optimum (tests/brute_force.py)
  and the decomposition's bound never exceeds it.
- The restricted master over a support that holds an optimal plan's candidates finds an
  optimal plan; over the incumbent's alone, it returns a plan no worse than the incumbent.
- The sub-problems on a local pool of 2 give the bound, evaluations and plan of the run in
  this process (work limits only, no time limit).
- The CLI: --workers/--scheduler outside --search decompose is a usage error (exit 2); an
  unreachable scheduler exits 1 naming --scheduler, with no plan file written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_brute_force import sized

from placement import SolveOptions, evaluate, load_instance, solve
from placement.cli.app import app
from placement.data import prepare
from placement.executor import Runner
from placement.generate import generate
from placement.milp import lns
from placement.milp.build import build
from placement.milp.price_and_branch import _master, decompose
from placement.milp.solve import solve_milp
from placement.milp.start import complete_start
from placement.pipeline import start_candidates

SEEDS = range(40)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 + 1e-6 * max(abs(a), abs(b))


def test_decompose_finds_the_brute_force_optimum_and_a_valid_bound() -> None:
    decomposed = 0
    for seed in SEEDS:
        inst, best, _ = sized(seed)
        plan = solve(load_instance(inst),
                     SolveOptions(gap=1e-9, search="decompose", workers=1, baseline=False))
        if best is None:
            assert plan.status == "infeasible", seed
            continue
        assert plan.status == "optimal", (seed, plan.message)
        assert _close(plan.npv, best.npv), (seed, plan.npv, best.npv)
        assert evaluate(inst, plan.to_dict()).violations == []
        if "decomposition:" in plan.message:  # the greedy start was complete and feasible
            decomposed += 1
            assert plan.bound is not None and plan.bound <= best.npv + 0.01, seed
    assert decomposed >= len(SEEDS) // 2, decomposed  # the phase ran on most seeds


def _model(n: int, s: int, p: int, seed: int):
    m = build(prepare(load_instance(generate(n, s, p, seed))))
    start = complete_start(m, start_candidates(m.data))
    return m, m.arrays(), lns.Layout.of(m), start


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_decomposition_bound_is_below_the_optimum_and_its_plan_is_feasible(seed) -> None:
    m, arrays, layout, start = _model(10, 6, 3, seed)
    assert arrays.violation(start) <= lns.FEASIBILITY_TOLERANCE
    optimum = solve_milp(m, SolveOptions(gap=1e-9)).objective
    found = decompose(arrays, layout, start, bound_until=None, master_until=None, gap=1e-9)
    assert found.bound is not None and found.lp_bound is not None
    assert found.lp_bound <= found.bound <= optimum + 1e-6 * abs(optimum)
    assert found.lagrangian == (found.bound > found.lp_bound)
    assert len(found.values) == len(found.seconds) > 0
    assert max(found.values) <= optimum + 1e-6 * abs(optimum)  # every evaluation is a bound
    assert arrays.violation(found.x) <= lns.FEASIBILITY_TOLERANCE
    assert arrays.objective(found.x) <= arrays.objective(start) + 1e-6
    assert found.master_improved == (arrays.objective(found.x) < arrays.objective(start))


def test_the_master_over_an_optimal_support_is_optimal_and_never_worse_than_its_start() -> None:
    m, arrays, layout, start = _model(10, 6, 3, 1)
    solved = solve_milp(m, SolveOptions(gap=1e-9))
    optimum, best = solved.objective, solved.values
    assert best is not None and optimum is not None
    is_x = layout.x_site >= 0
    x, kept = _master(arrays, layout, is_x & (best > 0.5), start, None, None, 1e-9)
    assert arrays.objective(x) == pytest.approx(optimum, rel=1e-9)
    assert kept == int((is_x & ((best > 0.5) | (start > 0.5))).sum())
    # the incumbent's candidates only: nothing better than the best plan over them, and
    # never worse than the incumbent
    x, _ = _master(arrays, layout, np.zeros(arrays.n_cols, bool), start, None, None, 1e-9)
    assert arrays.violation(x) <= lns.FEASIBILITY_TOLERANCE
    assert optimum - 1e-6 <= arrays.objective(x) <= arrays.objective(start) + 1e-9


def test_two_local_workers_give_the_same_bound_and_plan_as_this_process() -> None:
    _m, arrays, layout, start = _model(12, 8, 3, 2)
    here = decompose(arrays, layout, start, bound_until=None, master_until=None)
    runner: Runner = Runner(2)
    with runner:
        pooled = decompose(arrays, layout, start, bound_until=None, master_until=None,
                           runner=runner)
    assert runner.lost == 0
    assert pooled.values == here.values
    assert pooled.bound == here.bound
    assert np.array_equal(pooled.x, here.x)


def test_cli_workers_and_scheduler_belong_to_decompose(tmp_path: Path) -> None:
    runner = CliRunner()
    for flag in (["--workers", "2"], ["--scheduler", "tcp://127.0.0.1:9"]):
        r = runner.invoke(app, ["solve", "example:example", "-q", *flag])
        assert r.exit_code == 2, r.output
        assert flag[0] in r.output and "--search decompose" in r.output
    out = tmp_path / "plan.json"
    r = runner.invoke(app, ["solve", "example:example", "--search", "decompose", "-q",
                            "--scheduler", "tcp://127.0.0.1:1", "-o", str(out)])
    assert r.exit_code == 1, r.output
    assert "--scheduler" in r.output and "cannot reach" in r.output
    assert not out.exists()


def test_cli_decompose_writes_a_checked_plan_with_what_the_phase_did(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    r = CliRunner().invoke(app, ["solve", "example:example", "--search", "decompose",
                                 "--workers", "1", "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    plan = json.loads(out.read_text())
    assert plan["status"] == "optimal"
    assert plan["npv"] == pytest.approx(443245.26, abs=0.01)  # the example's optimum
    assert "decomposition:" in plan["message"] and plan["options"]["search"] == "decompose"


def test_decompose_runs_when_the_greedy_start_breaks_a_rule() -> None:
    # example-v2's greedy plan breaks its carbon caps: the decomposition needs no feasible
    # start (the master's plan would replace it); the optimum is the spec example's
    inst = load_instance("example:example-v2")
    m = build(prepare(inst))
    start = complete_start(m, start_candidates(m.data))
    assert m.arrays().violation(start) > lns.FEASIBILITY_TOLERANCE
    plan = solve(inst, SolveOptions(search="decompose", workers=1, baseline=False))
    assert plan.status == "optimal" and plan.npv == pytest.approx(383476.98, abs=0.01)
    assert "evaluations of the per-site sub-problems" in plan.message
    assert plan.bound is not None and plan.bound <= plan.npv + 0.01


def test_solve_options_refuse_a_bad_scheduler_address_and_worker_count() -> None:
    from pydantic import ValidationError

    for bad in ({"scheduler": "http://127.0.0.1:8786"}, {"scheduler": "tcp://host"},
                {"workers": 0}, {"workers": 10_000}):
        with pytest.raises(ValidationError) as caught:
            SolveOptions.model_validate(bad)
        assert next(iter(bad)) in str(caught.value)
    assert SolveOptions(scheduler="127.0.0.1:8786").scheduler == "tcp://127.0.0.1:8786"
