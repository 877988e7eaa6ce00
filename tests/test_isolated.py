"""Sub-MIPs in a child process (placement.milp.isolated): the same answers as in this
process, and a child that is late is killed and replaced."""

from __future__ import annotations

import time

import numpy as np
import pytest
from in_highs import built

from placement.generate import generate
from placement.milp import lns
from placement.milp.isolated import SubMipProcess, solve_here


@pytest.fixture(scope="module")
def model() -> tuple[lns.ColumnArrays, lns.Layout, np.ndarray]:
    m, h, start = built(generate(6, 5, 2, 1))
    arrays = lns.ColumnArrays.of(h)
    return arrays, lns.Layout.of(m, arrays.n_cols), start


def test_a_child_answers_as_this_process_does(model: tuple) -> None:
    arrays, _layout, start = model
    everything = np.ones(arrays.n_cols, bool)
    parts = arrays.restricted_parts(everything, start)
    here = solve_here(parts, start, 30.0, {"mip_rel_gap": 1e-6})
    with SubMipProcess() as child:
        there = child.solve(parts, start, 30.0, {"mip_rel_gap": 1e-6})
        again = child.solve(parts, start, 30.0, {"mip_rel_gap": 1e-6})
        assert child.killed == 0
    assert here.optimal and there.optimal and again.optimal
    assert here.values is not None and there.values is not None
    assert arrays.objective(there.values) == pytest.approx(arrays.objective(here.values), rel=1e-6)
    assert arrays.objective(there.values) <= arrays.objective(start) + 1e-6
    assert arrays.violation(there.values) <= lns.FEASIBILITY_TOLERANCE


def test_a_late_child_is_killed_and_the_next_call_starts_another(model: tuple) -> None:
    arrays, _layout, start = model
    parts = arrays.restricted_parts(np.ones(arrays.n_cols, bool), start)
    with SubMipProcess(grace=0.0) as child:
        began = time.perf_counter()
        late = child.solve(parts, start, 0.01, {})  # a new child cannot even start in 10 ms
        assert time.perf_counter() - began < 5.0
        assert late.values is None and not late.optimal and child.killed == 1
        assert child._child is None  # the late child is gone
        child.grace = 30.0
        answer = child.solve(parts, start, 30.0, {})
        assert answer.optimal and answer.values is not None and child.killed == 1


def test_an_isolated_search_improves_the_plan_and_keeps_it_a_solution(model: tuple) -> None:
    arrays, layout, start = model
    best, stats = lns.search(arrays, layout, start, time.perf_counter() + 3.0, isolate=True)
    assert stats.rounds > 0  # a child late under load is killed and replaced: not a failure
    assert arrays.violation(best) <= lns.FEASIBILITY_TOLERANCE
    assert arrays.objective(best) <= arrays.objective(start) + 1e-6


def test_the_child_imports_this_copy_of_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    from pathlib import Path

    import placement
    from placement.milp.isolated import _child_environment

    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    first, *rest = _child_environment()["PYTHONPATH"].split(os.pathsep)
    assert Path(first, "placement", "__init__.py").resolve() == Path(placement.__file__).resolve()
    assert rest == ["/elsewhere"]
