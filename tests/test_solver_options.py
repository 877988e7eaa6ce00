"""Solver options: threads may change between solves in one process; options are recorded."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from placement import SolveOptions, load_instance, solve

EXPECTED_NPV = 443245.26


@pytest.mark.parametrize("sequence", [(1, 2, None, 1)])
def test_thread_count_can_change_between_solves(sequence: tuple[int | None, ...]) -> None:
    # HiGHS keeps one global scheduler per process; a second size used to fail with
    # status "Not Set" unless the scheduler is reset.
    inst = load_instance("example:example")
    for threads in sequence:
        plan = solve(inst, SolveOptions(threads=threads, baseline=False))
        assert plan.status == "optimal", (threads, plan.message)
        assert plan.npv == pytest.approx(EXPECTED_NPV, abs=0.01)


def test_options_are_recorded_in_the_plan() -> None:
    plan = solve(load_instance("example:example"), SolveOptions(solver="cbc", gap=1e-6))
    assert plan.solver == "CBC"
    assert plan.options == {"solver": "cbc", "time_limit": None, "gap": 1e-6, "threads": None,
                            "warm_start": False, "search": "auto"}
    assert plan.baseline is not None and plan.baseline.solver == "CBC"


@pytest.mark.parametrize(
    "bad", [{"gap": -0.1}, {"time_limit": 0}, {"threads": 0}, {"solver": "gurobi"}]
)
def test_bad_options_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SolveOptions.model_validate(bad)


def test_no_baseline_option_skips_it() -> None:
    plan = solve(load_instance("example:example"), SolveOptions(baseline=False))
    assert plan.baseline is None
    assert plan.cumulative_cost is not None and plan.cumulative_cost.baseline is None
