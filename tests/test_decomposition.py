"""The Lagrangian bound of placement.milp.decomposition: a proof for any prices of the right
signs (never above the MILP's optimum), at least the LP relaxation's bound from the LP's
duals, the linking rows as documented, and the same bound on every run under work limits.

Every bound is checked against the MILP optimum solved by HiGHS (gap 1e-9) on small
generated instances.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

from placement import load_instance
from placement.data import prepare
from placement.generate import generate
from placement.milp import lns
from placement.milp.build import build
from placement.milp.decomposition import Decomposition
from placement.milp.lns import lp_duals
from placement.milp.solve import solve_milp
from placement.milp.variables import Milp
from placement.schema.options import SolveOptions

CASES = [(6, 4, 2, 1), (8, 5, 3, 2), (12, 8, 3, 1), (10, 6, 3, 2)]
IDS = ["6x4x2#1", "8x5x3#2", "12x8x3#1", "10x6x3#2"]
TOLERANCE = 1e-6


@cache
def _case(args: tuple[int, int, int, int]) -> tuple[Milp, Decomposition, float, float, Any]:
    """The model, its decomposition, the MILP's optimum, the LP's bound and its duals."""
    m = build(prepare(load_instance(generate(*args))))
    result = solve_milp(m, SolveOptions(gap=1e-9, threads=1))
    assert result.status == "optimal" and result.objective is not None
    arrays = m.arrays()
    solved = lp_duals(arrays, 60.0)
    assert solved is not None
    return m, Decomposition.by_site(arrays, lns.Layout.of(m)), result.objective, *solved


def _at_most(bound: float, optimum: float) -> bool:
    return bound <= optimum + TOLERANCE * max(1.0, abs(optimum))


@pytest.mark.parametrize("args", CASES, ids=IDS)
def test_the_lp_duals_give_a_bound_between_the_lp_and_the_optimum(args: Any) -> None:
    _m, dec, optimum, lp, duals = _case(args)
    ev = dec.evaluate(dec.prices_of(duals))
    assert ev.exact
    assert _at_most(ev.value, optimum)
    assert ev.value >= lp - TOLERANCE * max(1.0, abs(lp))


@pytest.mark.parametrize("args", CASES, ids=IDS)
def test_any_prices_of_the_right_signs_give_a_bound(args: Any) -> None:
    _m, dec, optimum, _lp, duals = _case(args)
    rng = np.random.default_rng(0)
    y_lp = dec.prices_of(duals)
    scale = max(1.0, float(np.abs(y_lp).max()))
    for spread in (0.01, 0.1, 1.0):
        y = y_lp * rng.uniform(0, 2, len(y_lp)) + spread * scale * rng.normal(size=len(y_lp))
        ev = dec.evaluate(y)  # wrong signs are projected to 0 first
        assert _at_most(ev.value, optimum)
        assert np.array_equal(ev.y, dec.project(ev.y))
    # work-limited sub-MIPs (their dual bounds) are bounds too
    assert _at_most(dec.evaluate(y_lp, sub_nodes=1).value, optimum)


@pytest.mark.parametrize("args", CASES[:2], ids=IDS[:2])
def test_blocks_by_workload_give_bounds_too(args: Any) -> None:
    m, _dec, optimum, lp, duals = _case(args)
    dec = Decomposition.by_workload(m.arrays(), lns.Layout.of(m))
    y_lp = dec.prices_of(duals)
    value = dec.evaluate(y_lp).value
    assert lp - TOLERANCE * max(1.0, abs(lp)) <= value
    assert _at_most(value, optimum)
    rng = np.random.default_rng(1)
    y = y_lp + 0.1 * max(1.0, float(np.abs(y_lp).max())) * rng.normal(size=len(y_lp))
    assert _at_most(dec.evaluate(y).value, optimum)


@pytest.mark.parametrize("args", CASES, ids=IDS)
def test_subgradient_never_passes_the_optimum_and_never_loses_the_start(args: Any) -> None:
    _m, dec, optimum, _lp, duals = _case(args)
    y0 = dec.prices_of(duals)
    first = dec.evaluate(y0).value
    result = dec.subgradient(y0, target=optimum * 1.05, iterations=8)
    assert result.values[0] == pytest.approx(first)
    assert result.bound == max(result.values) >= first
    assert _at_most(result.bound, optimum)
    assert dec.evaluate(result.y).value == pytest.approx(result.bound)


def test_the_same_work_gives_the_same_bound() -> None:
    _m, dec, optimum, _lp, duals = _case(CASES[2])
    y0 = dec.prices_of(duals)
    runs = [dec.subgradient(y0, optimum * 1.05, iterations=5, sub_nodes=50) for _ in range(2)]
    assert runs[0].values == runs[1].values
    assert np.array_equal(runs[0].y, runs[1].y)


def test_the_linking_rows_are_those_across_sites_or_with_moves() -> None:
    m, dec, *_ = _case(CASES[2])
    counts = dec.family_counts(m)
    for family in ("assign", "move", "drop", "moved", "max_mig", "capex_budget"):
        assert counts[family][1] == 0, family  # always linking
    for family in ("cap", "capk", "act_w", "act_u", "first_once", "first", "own_cap"):
        assert counts.get(family, (0, 0))[0] == 0, family  # always a site's
    layout = lns.Layout.of(m)
    site = np.where(layout.x_site >= 0, layout.x_site, layout.site)
    arrays = dec.arrays
    for r in dec.linking:
        cols = arrays.entry_column[arrays.index == r]
        assert len(cols) and (len(set(site[cols])) > 1 or (site[cols] < 0).any())
    for b, block in enumerate(dec.blocks):
        for r in block.rows:
            assert set(site[arrays.entry_column[arrays.index == r]]) == {b}
