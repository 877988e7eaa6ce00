"""The whole-command time limit (placement.budget): its shares with a fake clock, and small
limits on generated instances (status and bound); nothing here is timed."""

from __future__ import annotations

from typing import Any

import pytest

from placement import api, budget, pipeline
from placement.generate import generate
from placement.schema.options import SolveOptions


class FakeClock:
    """A clock that moves only when a phase says how long it took."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def spend(self, seconds: float) -> None:
        self.now += seconds


def test_budget_counts_from_its_start_on_its_clock() -> None:
    clock = FakeClock()
    b = budget.Budget(30.0, clock)
    clock.spend(12.5)
    assert b.elapsed() == 12.5 and b.left() == 17.5 and b.deadline() == 130.0
    assert budget.Budget(None, clock).left() == float("inf")


@pytest.mark.parametrize("limit", [5.0, 30.0, 600.0])
@pytest.mark.parametrize("spent_before", [0.0, 0.3, 0.8])  # share of the limit: load, build
@pytest.mark.parametrize("sizes", [(1_000_000, 300_000), (5_000, 5_000), (40_000, 0)])
@pytest.mark.parametrize("baseline_used", [0.0, 0.5, 1.0])  # share of its limit it used
@pytest.mark.parametrize("assignments", [10, 600_000])
def test_the_phases_never_exceed_the_limit_by_more_than_the_minimums_and_reserve(
    limit: float,
    spent_before: float,
    sizes: tuple[int, int],
    baseline_used: float,
    assignments: int,
) -> None:
    # the phases as api.solve runs them, each reporting its time to a fake clock; the
    # accounting and check take exactly their reserve
    clock = FakeClock()
    b = budget.Budget(limit, clock)
    clock.spend(spent_before * limit)
    reserved = budget.reserve(assignments)
    plan_size, base_size = sizes
    base_limit = budget.baseline_seconds(b.left(), plan_size, base_size, reserved)
    assert base_limit >= budget.MIN_SOLVER_SECONDS
    clock.spend(baseline_used * base_limit)
    plan_limit = budget.plan_seconds(b.left(), reserved)
    assert plan_limit >= budget.MIN_SOLVER_SECONDS
    clock.spend(plan_limit)
    clock.spend(reserved)
    # over the limit only when what was spent before the solvers, their floors and the
    # reserve do not fit in it
    floors = 2 * budget.MIN_SOLVER_SECONDS
    assert b.elapsed() <= max(limit, spent_before * limit + floors + reserved) + 1e-9
    if b.limit is not None and spent_before * limit + reserved + 2 <= limit:
        # with room for the floors, the whole run ends at the limit exactly
        assert b.elapsed() == pytest.approx(limit)
    # the baseline's share follows its size and never takes more than its maximum
    available = limit * (1 - spent_before) - reserved
    if available > 2 * budget.MIN_SOLVER_SECONDS / budget.BASELINE_MAX_SHARE:
        assert base_limit <= budget.BASELINE_MAX_SHARE * available + 1e-9
        assert base_limit == pytest.approx(
            max(
                budget.MIN_SOLVER_SECONDS,
                min(budget.BASELINE_MAX_SHARE, base_size / (plan_size + base_size)) * available,
            )
        )


def test_the_reserve_grows_with_the_assignments() -> None:
    small, large = budget.reserve(10), budget.reserve(600_000)
    assert 0 < small < large
    assert large == pytest.approx(
        budget.RESERVE_SAFETY * (budget.RESERVE_SECONDS + budget.RESERVE_PER_ASSIGNMENT * 600_000)
    )


def test_api_solve_shares_the_limit_from_the_callers_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # api.solve on a fake clock: the build and each solver run report their time; the
    # limits the solvers receive add up, with the build's and the reserve, to the limit
    clock = FakeClock()
    seen: list[float] = []
    real_build, real_solve = pipeline.build, pipeline.solve_milp

    def slow_build(data: Any, **kw: Any) -> Any:
        clock.spend(4.0)
        return real_build(data, **kw)

    def spy(m: Any, options: SolveOptions, **kw: Any) -> Any:
        assert options.time_limit is not None
        seen.append(options.time_limit)
        result = real_solve(m, options.model_copy(update={"time_limit": None}), **kw)
        clock.spend(options.time_limit)  # as if it used all of its limit
        return result

    monkeypatch.setattr(pipeline, "build", slow_build)
    monkeypatch.setattr(pipeline, "solve_milp", spy)
    started = clock()
    clock.spend(3.0)  # loading, before api.solve: counted from the caller's start
    plan = api.solve("example:example", SolveOptions(time_limit=30.0), started, clock)
    assert plan.status == "optimal"
    assert len(seen) == 2  # the baseline, then the plan
    inst = api.load_instance("example:example")
    listed = sum(w.replicas for w in inst.workloads) * len(inst.horizon.periods)
    reserved = budget.reserve(2 * listed)
    assert 3.0 + 2 * 4.0 + sum(seen) + reserved == pytest.approx(30.0)
    assert seen[0] < seen[1]  # the pinned baseline is the smaller model: the smaller share
    assert plan.to_dict()["options"]["time_limit"] == 30.0  # the user's figure is reported


@pytest.mark.parametrize("search", ["auto", "lns", "mip"])
def test_a_small_limit_on_a_generated_instance_reports_its_bound(search: str) -> None:
    # the build and the hand-over on a clock that stands still: the solvers get their
    # shares of the 3 s whatever the machine's load (their own limits are HiGHS's)
    inst = api.load_instance(generate(60, 24, 4, seed=2))
    plan = api.solve(inst, SolveOptions(time_limit=3.0, search=search, threads=1, warm_start=True),
                     clock=lambda: 0.0)
    assert plan.status in ("optimal", "feasible"), (plan.status, plan.message)
    for result in (plan, plan.baseline):
        assert result is not None
        if "bound" in result.message:
            assert result.bound is not None and result.gap is not None
        if result.status == "feasible":
            # HiGHS may stop before its root LP gives a bound (a loaded machine): then
            # neither bound nor gap is claimed; when one is, both are, consistently
            assert (result.bound is None) == (result.gap is None)
            if result.bound is not None:
                assert result.bound <= (result.objective or 0) + 0.01
