"""The neighbourhood search (placement.milp.lns) and its place before the MIP.

The search may only make a plan better and must keep it a solution of the full MILP; the
bound it reports (the LP relaxation's) must be a bound; the whole solve with it stays
honest: the same optimum as the MIP alone when time allows, never a better NPV than the
optimum, the plan checked by the evaluator.

No test here depends on the machine's speed: the search runs a number of rounds
(``WORK``), its deadline and sub-MIP time limit only guards against hanging.
"""

from __future__ import annotations

import time
from itertools import pairwise
from typing import Any

import highspy
import numpy as np
import pytest
from in_highs import built

from placement import SolveOptions, evaluate, load_instance, solve
from placement.data import prepare
from placement.generate import generate
from placement.heuristic import start_candidates
from placement.milp import lns
from placement.milp.build import build
from placement.milp.isolated import SubResult
from placement.milp.progress import Progress, at_least
from placement.milp.solve import solve_milp
from placement.milp.strategy import LNS_MIN_CANDIDATES, uses_search


def _optimum(h: highspy.Highs) -> tuple[float, np.ndarray, np.ndarray]:
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    sol = h.getSolution()
    return (
        h.getInfo().objective_function_value,
        np.asarray(sol.col_value),
        np.asarray(sol.row_value),
    )


SMALL = [generate(6, 5, 2, seed) for seed in (1, 2, 3)]
#: A hang guard, never reached: the tests' searches end at their work limits.
HANG_GUARD = 600.0
#: The search's work limits in these tests: a number of rounds, sub-MIPs limited by nodes.
WORK: dict[str, Any] = {"max_rounds": 10, "sub_nodes": 200, "sub_seconds": HANG_GUARD}


def _guard() -> float:
    return time.perf_counter() + HANG_GUARD


@pytest.mark.parametrize("source", SMALL, ids=["gen1", "gen2", "gen3"])
def test_arrays_are_the_model_in_highs(source: Any) -> None:
    _m, h, _x = built(source)
    arrays = lns.ColumnArrays.of(h)
    objective, x, rows = _optimum(h)
    assert arrays.n_cols == h.getNumCol() and arrays.n_rows == h.getNumRow()
    assert arrays.objective(x) == pytest.approx(objective, rel=1e-9)
    np.testing.assert_allclose(arrays.activity(x), rows, atol=1e-6)
    assert arrays.violation(x) <= lns.FEASIBILITY_TOLERANCE
    integer = np.flatnonzero(arrays.integer)
    assert len(integer) and arrays.violation(_nudged(x, integer[0], 0.5)) >= 0.5 - 1e-9


def _nudged(x: np.ndarray, i: int, by: float) -> np.ndarray:
    y = x.copy()
    y[i] += by
    return y


@pytest.mark.parametrize("source", SMALL, ids=["gen1", "gen2", "gen3"])
def test_a_restricted_model_fixed_at_the_optimum_has_the_optimum(source: Any) -> None:
    m, h, _x = built(source)
    arrays = lns.ColumnArrays.of(h)
    objective, x, _rows = _optimum(h)
    layout = lns.Layout.of(m)
    free = layout.neighbourhood(x, np.array([0, 1]))
    assert 0 < free.sum() < arrays.n_cols
    sub = highspy.Highs()
    sub.setOptionValue("output_flag", False)
    sub.passModel(arrays.restricted(free, x))
    sub_objective, sub_x, _ = _optimum(sub)
    assert sub_objective == pytest.approx(objective, rel=1e-6)  # fixing at an optimum
    merged = x.copy()
    merged[free] = sub_x
    assert arrays.violation(merged) <= lns.FEASIBILITY_TOLERANCE
    assert arrays.objective(merged) == pytest.approx(sub_objective, rel=1e-9)


def test_a_neighbourhood_frees_the_chosen_sites_and_their_workloads() -> None:
    m, _h, x = built(SMALL[0])
    layout = lns.Layout.of(m)
    sites = sorted(m.data.lk.sites)
    chosen = {sites[0], sites[2]}
    free = layout.neighbourhood(x, np.array([0, 2]))
    placed = {m.data.cands[k].workload for k, v in m.x.items()
              if x[v] > 0.5 and m.data.cands[k].site in chosen}
    assert placed, "the greedy plan uses neither site: pick others"
    for k, var in m.x.items():
        c = m.data.cands[k]
        assert free[var] == (c.site in chosen and c.workload in placed), c
    for group in (m.rent, m.buy, m.active, m.first):
        for key, var in group.items():
            assert free[var] == (key[0] in chosen)
    for (w, _p), var in m.move.items():
        assert free[var] == (w in placed)


def _layout(x_site: list[int], x_workload: list[int], n_sites: int) -> lns.Layout:
    n = len(x_site)
    none = np.full(n, -1, np.int64)
    return lns.Layout(np.array(x_site), np.array(x_workload), none, none, n_sites, none,
                      np.zeros(0, bool))


def test_shared_counts_the_workloads_two_sites_can_both_serve() -> None:
    # workload 0 at sites 0, 1; workload 1 at sites 0, 1, 2 (two candidates at 2);
    # workload 2 at site 3 only
    layout = _layout([0, 1, 0, 1, 2, 2, 3], [0, 0, 1, 1, 1, 1, 2], 4)
    expected = np.array([[0, 2, 1, 0], [2, 0, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(layout.shared, expected)


def test_related_sites_follow_shared_workloads_and_fall_back_to_chance() -> None:
    # sites 0-1 share workload 0, sites 2-3 share workload 1; site 4 shares nothing
    layout = _layout([0, 1, 2, 3, 4], [0, 0, 1, 1, 2], 5)
    rng = np.random.default_rng(7)
    pairs = {tuple(sorted(layout.related_sites(rng, 2))) for _ in range(200)}
    assert {(0, 1), (2, 3)} <= pairs
    assert all(p in {(0, 1), (2, 3)} or 4 in p for p in pairs), pairs
    for _ in range(50):
        chosen = layout.related_sites(rng, 5)
        assert sorted(chosen) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("source", SMALL, ids=["gen1", "gen2", "gen3"])
def test_the_search_improves_a_plan_and_keeps_it_a_solution(source: Any) -> None:
    m, h, start = built(source)
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    assert arrays.violation(start) <= lns.FEASIBILITY_TOLERANCE
    seen: list[float] = []
    best, stats = lns.search(arrays, layout, start, _guard(), on_improve=seen.append, **WORK)
    optimum, _x, _rows = _optimum(h)
    assert arrays.violation(best) <= lns.FEASIBILITY_TOLERANCE
    value = arrays.objective(best)
    assert optimum - 1e-6 * abs(optimum) <= value <= arrays.objective(start) + 1e-6
    assert stats.rounds == WORK["max_rounds"] and stats.improved == len(seen)
    assert seen == sorted(seen, reverse=True) and (not seen or seen[-1] == pytest.approx(value))


@pytest.mark.parametrize("source", SMALL, ids=["gen1", "gen2", "gen3"])
def test_the_search_on_work_limits_gives_the_same_plan_every_time(source: Any) -> None:
    m, h, start = built(source)
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    first, stats = lns.search(arrays, layout, start, _guard(), seed=5, **WORK)
    again, stats_again = lns.search(arrays, layout, start, _guard(), seed=5, **WORK)
    np.testing.assert_array_equal(first, again)
    assert stats == stats_again and stats.rounds == WORK["max_rounds"]


def test_a_sub_mip_ended_by_its_node_limit_counts_as_not_solved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    m, h, start = built(SMALL[0])
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    real = lns.solve_here

    def unsolved(parts: Any, begin: Any, seconds: float, options: dict[str, Any]) -> Any:
        assert options["mip_max_nodes"] == 1 and seconds == HANG_GUARD / 2
        return SubResult(False, real(parts, begin, seconds, options).values)

    monkeypatch.setattr(lns, "solve_here", unsolved)
    best, stats = lns.search(arrays, layout, start, _guard(), max_rounds=3, sub_nodes=1,
                             sub_seconds=HANG_GUARD / 2)
    assert (stats.rounds, stats.time_limited) == (3, 3)
    assert arrays.violation(best) <= lns.FEASIBILITY_TOLERANCE
    assert arrays.objective(best) <= arrays.objective(start) + 1e-6


def test_the_search_stops_at_its_target() -> None:
    m, h, start = built(SMALL[1])
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    _best, stats = lns.search(arrays, layout, start, _guard(),
                              stop_below=arrays.objective(start) + 1.0, **WORK)
    assert stats.rounds == 0


@pytest.mark.parametrize("source", SMALL, ids=["gen1", "gen2", "gen3"])
def test_the_lp_bound_is_the_relaxation(source: Any) -> None:
    _m, h, _x = built(source)
    arrays = lns.ColumnArrays.of(h)
    bound = lns.lp_bound(arrays, 30.0)
    h.setOptionValue("solve_relaxation", True)
    relaxed, _x, _rows = _optimum(h)
    h.setOptionValue("solve_relaxation", False)
    optimum, _x, _rows = _optimum(h)
    assert bound == pytest.approx(relaxed, rel=1e-7)
    assert bound <= optimum + 1e-6 * abs(optimum)


def test_when_the_search_runs() -> None:
    big, small = LNS_MIN_CANDIDATES, LNS_MIN_CANDIDATES - 1
    limited = {"time_limit": 10.0}
    assert uses_search(SolveOptions(**limited), big)
    assert not uses_search(SolveOptions(**limited), small)
    assert uses_search(SolveOptions(**limited, search="lns"), small)
    assert not uses_search(SolveOptions(**limited, search="mip"), big)
    assert not uses_search(SolveOptions(search="lns"), big)  # no limit: the MIP alone


def test_a_known_bound_raises_every_reported_bound() -> None:
    seen: list[Progress] = []
    hook = at_least(90.0, seen.append)
    hook(Progress("incumbent", 1.0, 100.0, None, None))
    hook(Progress("log", 2.0, 100.0, 95.0, 0.05))
    hook(Progress("log", 3.0, None, 80.0, None))
    assert [(p.bound, p.gap) for p in seen] == [
        (90.0, pytest.approx(0.10)), (95.0, pytest.approx(0.05)), (90.0, None)
    ]
    hook = seen.append
    assert at_least(None, hook) is hook  # no bound known: events pass as they are


MEDIUM = generate(12, 8, 2, 4)


def _work_limited(monkeypatch: pytest.MonkeyPatch) -> list[lns.SearchStats]:
    """Solves' searches end at the work limits ``WORK``, not at their share of the time
    limit (then a hang guard only); the stats of each search, as it ends."""
    real = lns.search
    ran: list[lns.SearchStats] = []

    def limited(*args: Any, **kw: Any) -> Any:
        best, stats = real(*args, **{**kw, **WORK})
        ran.append(stats)
        return best, stats

    monkeypatch.setattr(lns, "search", limited)
    return ran


def test_a_solve_with_the_search_is_honest_and_finds_the_optimum_given_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = load_instance(MEDIUM)
    exact = solve(inst, SolveOptions(baseline=False, search="mip"))
    assert exact.status == "optimal" and exact.npv is not None
    ran = _work_limited(monkeypatch)  # the search's rounds, then the MIP given time to finish
    searched = solve(inst, SolveOptions(baseline=False, search="lns", time_limit=HANG_GUARD))
    assert [stats.rounds for stats in ran] == [WORK["max_rounds"]]
    assert searched.status == "optimal" and searched.npv is not None
    assert evaluate(inst, searched.to_dict()).ok
    assert searched.npv >= exact.npv - 0.01
    assert searched.bound is not None and searched.bound <= exact.npv + 0.01
    assert searched.npv == pytest.approx(exact.npv, rel=2e-4)
    assert searched.to_dict()["options"]["search"] == "lns"


def test_the_search_reports_its_progress_with_the_lp_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran = _work_limited(monkeypatch)
    data = prepare(load_instance(MEDIUM))
    m = build(data)
    events: list[Progress] = []
    r = solve_milp(m, SolveOptions(search="lns", time_limit=HANG_GUARD), progress=events.append,
                   start_from=start_candidates(data))
    assert r.has_solution and r.bound is not None and r.searched
    assert [stats.rounds for stats in ran] == [WORK["max_rounds"]]
    assert [e.event for e in events].count("start") == 1 and events[0].event == "start"
    bounds = [e.bound for e in events if e.bound is not None]
    assert bounds and all(b <= r.bound + 1e-6 * abs(r.bound) for b in bounds)
    incumbents = [e.objective for e in events if e.event == "incumbent"]
    assert all(a >= b - 1e-6 for a, b in pairwise(incumbents))
    assert r.objective is not None and r.objective <= min(incumbents, default=r.objective) + 1e-6


def test_above_the_lp_limit_the_search_alone_with_a_column_generation_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import placement.milp.highs as highs_module
    import placement.milp.strategy as strategy_module

    def refuse(*_args: Any, **_kw: Any) -> Any:
        raise AssertionError("one LP above the limit")

    def no_mip(*_args: Any, **_kw: Any) -> Any:
        raise AssertionError("a MIP after the search above the limit")

    _m, h, _x = built(MEDIUM)
    h.setOptionValue("solve_relaxation", True)
    relaxed, _x, _rows = _optimum(h)
    inst = load_instance(MEDIUM)
    exact = solve(inst, SolveOptions(baseline=False, search="mip"))
    monkeypatch.setattr(strategy_module, "LP_NONZERO_LIMIT", 0)  # every model is "too large"
    monkeypatch.setattr(lns, "lp_bound", refuse)
    monkeypatch.setattr(highs_module, "outcome", no_mip)  # the search's plan is the result
    _work_limited(monkeypatch)
    events: list[Progress] = []
    data = prepare(inst)
    r = solve_milp(build(data), SolveOptions(search="lns", time_limit=HANG_GUARD),
                   progress=events.append, start_from=start_candidates(data))
    assert r.status == "feasible" and r.termination == "time_limit" and r.searched
    assert "neighbourhood search" in r.message
    assert r.bound is not None and r.objective is not None and r.gap is not None
    assert relaxed - 1e-3 * abs(relaxed) <= r.bound <= relaxed + 1e-6 * abs(relaxed)
    assert r.bound <= r.objective and r.gap == pytest.approx((r.objective - r.bound) / r.objective)
    assert all(e.bound is None or e.bound <= r.bound + 1e-6 for e in events)
    plan = solve(inst, SolveOptions(baseline=False, search="lns", time_limit=HANG_GUARD))
    assert plan.status == "feasible" and plan.bound is not None
    assert evaluate(inst, plan.to_dict()).ok
    assert exact.npv is not None and plan.npv is not None and plan.npv >= exact.npv - 0.01
    assert plan.bound <= exact.npv + 0.01


def test_sub_mips_without_presolve_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    m, h, start = built(SMALL[0])
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    asked: list[dict[str, Any]] = []
    real = lns.solve_here

    def recording(parts: Any, begin: Any, seconds: float, options: dict[str, Any]) -> Any:
        asked.append(dict(options))
        return real(parts, begin, seconds, options)

    monkeypatch.setattr(lns, "solve_here", recording)
    for presolve, expected in ((False, {"off"}), (True, {None})):
        asked.clear()
        best, stats = lns.search(arrays, layout, start, _guard(), presolve=presolve, **WORK)
        assert stats.rounds == WORK["max_rounds"] and len(asked) == stats.rounds
        assert {options.get("presolve") for options in asked} == expected
        assert arrays.violation(best) <= lns.FEASIBILITY_TOLERANCE
        assert arrays.objective(best) <= arrays.objective(start) + 1e-6
