"""Warm start from the greedy plan, and the time limit counting the model build.

A start may only change how soon a plan is at hand, never the optimum; the time limit
bounds a whole solve (candidates, start, model, search), not the search alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import placement.api as api
from placement import SolveOptions, evaluate, load_instance, pipeline, solve
from placement.data import prepare
from placement.generate import generate
from placement.heuristic import greedy, greedy_schedule, start_candidates
from placement.milp.build import build
from placement.milp.start import complete_start

SOURCES: list[Any] = ["example:example", "example:hybrid-genai"] + [
    generate(5, 4, 2, seed) for seed in (1, 2, 3)
]


@pytest.mark.parametrize("source", SOURCES, ids=["example", "hybrid", "gen1", "gen2", "gen3"])
def test_same_optimum_with_and_without_a_warm_start(source: Any) -> None:
    inst = load_instance(source)
    cold = solve(inst, SolveOptions(baseline=False))
    warm = solve(inst, SolveOptions(baseline=False, warm_start=True))
    assert cold.status == warm.status == "optimal"
    assert cold.npv is not None and warm.npv is not None
    assert warm.npv == pytest.approx(cold.npv, rel=1e-4, abs=0.01)
    assert evaluate(inst, warm.to_dict()).ok
    assert warm.to_dict()["options"]["warm_start"] is True


def test_the_start_is_the_greedy_plan() -> None:
    data = prepare(load_instance("example:hybrid-genai"))
    schedule, _notes = greedy_schedule(data)
    start = start_candidates(data)
    chosen = sorted(
        (data.cands[k].period, data.cands[k].workload, data.cands[k].site,
         data.cands[k].hardware, data.cands[k].variant) for k in start
    )
    expected = sorted(
        (p, a.workload, a.site, a.hardware, a.variant)
        for p, rows in enumerate(schedule.assignments) for a in rows
    )
    assert chosen == expected
    per_wp: dict[tuple[str, int], int] = {}
    for k in start:
        key = (data.cands[k].workload, data.cands[k].period)
        per_wp[key] = per_wp.get(key, 0) + 1
    replicas = {w.id: w.replicas for w in data.lk.inst.workloads}
    assert per_wp == {(w, p): replicas[w] for w in replicas for p in range(data.n_periods)}


class _Clock:
    """A clock that moves only when a phase says how long it took."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_time_limit_counts_the_model_build(monkeypatch: pytest.MonkeyPatch) -> None:
    # on a clock that only the builds move (a second each): what the machine's speed does
    # to the limits does not count
    seen: list[float | None] = []
    real_build, real_solve = pipeline.build, pipeline.solve_milp
    clock = _Clock()

    def slow_build(data: Any, **kw: Any) -> Any:
        clock.now += 1.0
        return real_build(data, **kw)

    def spy(m: Any, options: SolveOptions, **kw: Any) -> Any:
        seen.append(options.time_limit)
        return real_solve(m, options, **kw)

    monkeypatch.setattr(pipeline, "build", slow_build)
    monkeypatch.setattr(pipeline, "solve_milp", spy)
    plan = api.solve("example:example", SolveOptions(time_limit=3.0), clock=clock)
    assert len(seen) == 2  # the baseline and the plan, sharing what both builds left of 3 s
    for limit in seen:
        assert limit is not None and pipeline.MIN_SOLVER_SECONDS <= limit <= 1.0 + 1e-9
    assert plan.to_dict()["options"]["time_limit"] == 3.0  # the user's figure is reported
    seen.clear()
    # the limit spent by the build: no solver starts, and the plan says so
    plan = api.solve("example:example", SolveOptions(time_limit=0.5, baseline=False),
                     clock=clock)
    assert seen == []
    assert (plan.status, plan.termination) == ("error", "time_limit")
    assert "time limit of 0.5 s was reached" in plan.message and not plan.periods


@pytest.mark.parametrize("source", SOURCES, ids=["example", "hybrid", "gen1", "gen2", "gen3"])
def test_the_completed_start_is_the_greedy_plan_at_its_npv(source: Any) -> None:
    # every variable set from the greedy candidates: a feasible MILP point whose objective
    # is the greedy plan's NPV (placement.accounting), when the greedy plan is feasible
    inst = load_instance(source)
    g = greedy(inst)
    data = prepare(inst)
    m = build(data)
    values = complete_start(m, start_candidates(data))
    assert len(values) == m.n_cols == m.n_variables
    arrays = m.arrays()
    ax = arrays.activity(values)
    broken = np.flatnonzero((ax < arrays.row_lower - 1e-6) | (ax > arrays.row_upper + 1e-6))
    if g.violations:
        assert len(broken)
        return
    assert broken.tolist() == []
    assert arrays.objective(values) == pytest.approx(g.npv, rel=1e-9, abs=0.01)
