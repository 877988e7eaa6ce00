"""The strategy layer: which phases a solve runs, from the model's size and the options
(placement.milp.strategy); a pure function, tested without solving."""

from __future__ import annotations

import pytest

from placement.milp import strategy
from placement.milp.strategy import Bound, Strategy, choose
from placement.schema.options import SolveOptions

TIMED = SolveOptions(time_limit=60.0)
SMALL_NZ = strategy.LP_NONZERO_LIMIT // 10
LARGE_NZ = strategy.LP_NONZERO_LIMIT + 1
MANY = strategy.LNS_MIN_CANDIDATES


def test_without_a_time_limit_only_the_mip_runs_with_presolve() -> None:
    for nz in (SMALL_NZ, LARGE_NZ):
        assert choose(SolveOptions(search="lns"), MANY, nz, True) == Strategy()


def test_a_timed_medium_model_gets_an_lp_bound_the_search_then_the_mip() -> None:
    s = choose(TIMED, MANY, SMALL_NZ, True)
    assert (s.presolve, s.search, s.bound, s.mip, s.isolate) == (True, True, Bound.LP, True, False)
    assert s.bound_share == strategy.LP_SHARE and s.search_share == strategy.SEARCH_SHARE


def test_a_timed_large_model_gets_column_generation_and_isolated_sub_mips_and_no_mip() -> None:
    s = choose(TIMED, MANY, LARGE_NZ, True)
    assert not s.presolve and s.search and s.isolate and not s.mip
    assert s.bound == Bound.COLUMN_GENERATION
    assert s.bound_share == strategy.COLUMN_GENERATION_SHARE and s.search_share == 1.0


@pytest.mark.parametrize(
    ("options", "candidates", "complete"),
    [
        (TIMED, MANY - 1, True),  # too few candidates for "auto"
        (SolveOptions(time_limit=60.0, search="mip"), MANY, True),  # asked for the MIP alone
        (TIMED, MANY, False),  # the start does not cover every column (an analysis's extras)
    ],
)
def test_no_search_without_its_conditions(
    options: SolveOptions, candidates: int, complete: bool
) -> None:
    s = choose(options, candidates, LARGE_NZ, complete)
    assert not s.search and s.mip and s.bound == Bound.NONE
    assert not s.presolve  # still off above the nonzero limit with a time limit


def test_search_lns_runs_the_search_on_a_small_model() -> None:
    assert choose(SolveOptions(time_limit=5.0, search="lns"), 10, 100, True).search


@pytest.mark.parametrize("timed", [False, True])
def test_decompose_runs_its_bound_and_master_with_or_without_a_time_limit(timed: bool) -> None:
    options = SolveOptions(search="decompose", time_limit=60.0 if timed else None)
    for candidates, complete in ((1, True), (MANY, False)):  # any size; the solve checks the start
        s = choose(options, candidates, SMALL_NZ, complete)
        assert (s.search, s.bound, s.mip, s.isolate) == (True, Bound.LAGRANGIAN, True, False)
        assert 0 < s.bound_share == strategy.DECOMPOSE_BOUND_SHARE < s.master_share < 1
        assert s.master_share == strategy.DECOMPOSE_MASTER_SHARE < s.search_share < 1


def test_decompose_on_a_timed_large_model_isolates_the_search_and_skips_the_mip() -> None:
    s = choose(SolveOptions(search="decompose", time_limit=60.0), MANY, LARGE_NZ, True)
    assert s.bound == Bound.LAGRANGIAN and s.isolate and not s.mip and not s.presolve
    assert s.search_share == 1.0
    untimed = choose(SolveOptions(search="decompose"), MANY, LARGE_NZ, True)
    assert untimed.mip and not untimed.isolate and untimed.presolve
