"""Bounds from row prices (placement.milp.bound): valid for any prices, the LP's optimum at
its optimal duals, and column generation ending at the LP relaxation's optimum.

Every bound is checked against the LP relaxation and the MILP optimum solved by HiGHS on
the same small generated instances.
"""

from __future__ import annotations

import time
from typing import Any

import highspy
import numpy as np
import pytest
from in_highs import built

from placement.generate import generate
from placement.milp import bound, lns

SOURCES = [generate(6, 5, 2, seed) for seed in (1, 2)] + [generate(12, 8, 2, 4)]
IDS = ["gen1", "gen2", "medium"]


def _solved(h: highspy.Highs, relaxation: bool) -> tuple[float, np.ndarray]:
    h.setOptionValue("solve_relaxation", relaxation)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h.getInfo().objective_function_value, np.asarray(h.getSolution().row_dual)


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_any_prices_give_a_bound_and_the_lp_duals_give_the_lp_optimum(source: Any) -> None:
    m, h, _x = built(source)
    arrays = lns.ColumnArrays.of(h)
    relaxed, duals = _solved(h, relaxation=True)
    optimum, _ = _solved(h, relaxation=False)
    value, rc = bound.lagrangian(arrays, duals)
    assert value == pytest.approx(relaxed, rel=1e-6)
    rng = np.random.default_rng(0)
    layout = lns.Layout.of(m)
    for scale in (1.0, 0.1, 10.0):
        y = duals * rng.uniform(0, 2, len(duals)) + scale * rng.normal(size=len(duals))
        value, rc = bound.lagrangian(arrays, y)
        repriced, _ = bound.lagrangian(
            arrays, bound.reprice_assignment(arrays, y, rc, layout.x_assign_row)
        )
        assert value <= relaxed + 1e-6 * abs(relaxed)
        assert value <= repriced + 1e-6 * abs(repriced)  # repricing never loses
        assert repriced <= relaxed + 1e-6 * abs(relaxed) <= optimum + 1e-6 * abs(optimum)


def test_prices_of_the_wrong_sign_count_as_zero() -> None:
    _m, h, _x = built(SOURCES[0])
    arrays = lns.ColumnArrays.of(h)
    y = np.zeros(arrays.n_rows)
    upper_only = np.flatnonzero(~np.isfinite(arrays.row_lower) & np.isfinite(arrays.row_upper))
    assert len(upper_only)
    wrong = y.copy()
    wrong[upper_only] = 5.0  # a <= row priced as if it were >=
    assert bound.lagrangian(arrays, wrong)[0] == pytest.approx(bound.lagrangian(arrays, y)[0])


def test_the_assignment_price_is_the_replicas_th_cheapest() -> None:
    m, h, _x = built(SOURCES[1])
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    y = np.zeros(arrays.n_rows)
    _value, rc = bound.lagrangian(arrays, y)
    priced = bound.reprice_assignment(arrays, y, rc, layout.x_assign_row)
    for r in np.unique(layout.x_assign_row[layout.x_assign_row >= 0]):
        cols = np.flatnonzero(layout.x_assign_row == r)
        replicas = round(arrays.row_lower[r])
        assert arrays.row_lower[r] == arrays.row_upper[r]
        assert priced[r] == pytest.approx(np.sort(arrays.cost[cols])[replicas - 1])


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_column_generation_ends_at_the_lp_relaxation(source: Any) -> None:
    m, h, x = built(source)
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    seen: list[float] = []
    found = bound.column_generation(
        arrays, layout, x, deadline=time.perf_counter() + 600.0,  # a hang guard: it converges
        on_bound=seen.append,
    )
    relaxed, _ = _solved(h, relaxation=True)
    assert found is not None and seen and seen[-1] == found
    assert seen == sorted(seen)
    assert relaxed - bound.CONVERGED * 2 * abs(relaxed) <= found <= relaxed + 1e-6 * abs(relaxed)


def test_column_generation_on_a_round_limit_does_that_many_rounds() -> None:
    m, h, x = built(SOURCES[2])
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)

    def bounds(rounds: int | None) -> list[float]:
        seen: list[float] = []
        bound.column_generation(arrays, layout, x, deadline=time.perf_counter() + 600.0,
                                on_bound=seen.append, max_rounds=rounds)
        return seen

    guess, one, full = bounds(0), bounds(1), bounds(None)
    assert len(guess) == 1  # the first guess's bound only: no LP solved
    assert one[0] == guess[0] and len(one) <= 2 and full[: len(one)] == one
    assert bounds(1) == one  # the same work, the same bounds


def test_restricted_models_leave_out_implied_rows_without_changing_the_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    m, h, x = built(SOURCES[2])
    arrays = lns.ColumnArrays.of(h)
    layout = lns.Layout.of(m)
    rng = np.random.default_rng(3)
    for _ in range(4):
        free = layout.neighbourhood(x, rng.choice(layout.n_sites, 3, replace=False))
        lean = arrays.restricted(free, x)
        with monkeypatch.context() as patched:
            patched.setattr(
                lns.ColumnArrays, "_implied", lambda self, *_a: np.zeros(self.n_rows, bool)
            )
            full = arrays.restricted(free, x)
        assert lean.num_row_ < full.num_row_
        values = []
        for lp in (lean, full):
            sub = lns.quiet_highs(None)
            sub.passModel(lp)
            sub.run()
            assert sub.getModelStatus() == highspy.HighsModelStatus.kOptimal
            values.append(sub.getInfo().objective_function_value)
        assert values[0] == pytest.approx(values[1], rel=1e-9)
