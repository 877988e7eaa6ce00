"""Sub-MIPs in a child process (placement.milp.isolated): the same answers as in this
process, and a child that is late is killed and replaced."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest
from in_highs import built

from placement.generate import generate
from placement.milp import lns
from placement.milp.isolated import CHILD_COMMAND, SubMipProcess, solve_here


@pytest.fixture(scope="module")
def model() -> tuple[lns.ColumnArrays, lns.Layout, np.ndarray]:
    m, h, start = built(generate(6, 5, 2, 1))
    arrays = lns.ColumnArrays.of(h)
    return arrays, lns.Layout.of(m), start


def test_a_child_answers_as_this_process_does(model: tuple) -> None:
    arrays, _layout, start = model
    everything = np.ones(arrays.n_cols, bool)
    parts = arrays.restricted_parts(everything, start)
    here = solve_here(parts, start, 30.0, {"mip_rel_gap": 1e-6})
    with SubMipProcess(grace=600.0) as child:  # a hang guard: never late
        there = child.solve(parts, start, 30.0, {"mip_rel_gap": 1e-6})
        again = child.solve(parts, start, 30.0, {"mip_rel_gap": 1e-6})
        assert child.killed == 0
    assert here.optimal and there.optimal and again.optimal
    assert here.values is not None and there.values is not None
    assert arrays.objective(there.values) == pytest.approx(arrays.objective(here.values), rel=1e-6)
    assert arrays.objective(there.values) <= arrays.objective(start) + 1e-6
    assert arrays.violation(there.values) <= lns.FEASIBILITY_TOLERANCE


#: A child that reads every request and never answers: late whatever the machine's speed.
NEVER_ANSWERS = [sys.executable, "-c", "import sys; sys.stdin.buffer.read()"]


def test_a_late_child_is_killed_and_the_next_call_starts_another(model: tuple) -> None:
    arrays, _layout, start = model
    parts = arrays.restricted_parts(np.ones(arrays.n_cols, bool), start)
    with SubMipProcess(grace=0.0, command=NEVER_ANSWERS) as child:
        late = child.solve(parts, start, 0.01, {})
        assert late.values is None and not late.optimal and child.killed == 1
        assert child._child is None  # the late child is gone
        child.grace, child.command = 600.0, list(CHILD_COMMAND)  # a hang guard
        answer = child.solve(parts, start, 30.0, {})
        assert answer.optimal and answer.values is not None and child.killed == 1
        assert child._child is not None and child._child.poll() is None  # a new one


def test_an_isolated_search_improves_the_plan_as_the_search_here_does(model: tuple) -> None:
    # on work limits (rounds, sub-MIP nodes), the deadline and sub-MIP limits a hang guard
    arrays, layout, start = model
    work = {"max_rounds": 5, "sub_nodes": 200, "sub_seconds": 600.0, "seed": 3}
    best, stats = lns.search(arrays, layout, start, time.perf_counter() + 600.0, isolate=True,
                             **work)
    here, stats_here = lns.search(arrays, layout, start, time.perf_counter() + 600.0, **work)
    assert stats.rounds == 5 and stats.killed == 0
    np.testing.assert_array_equal(best, here)
    assert stats == stats_here
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
