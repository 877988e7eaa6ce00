"""Solve a built model with the chosen solver: the strategy chosen for its size
(``placement.milp.strategy``), run by the HiGHS adapter or by CBC through pulp; the values
read back by the domain's keys. Never raises for infeasible or time-limited runs."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from placement.milp import cbc, highs
from placement.milp.progress import Progress as Progress
from placement.milp.progress import ProgressHook
from placement.milp.start import complete_start
from placement.milp.strategy import choose
from placement.milp.strategy import uses_search as uses_search
from placement.milp.variables import Milp
from placement.result import SolveResult
from placement.schema.options import SolveOptions


def solve_milp(
    m: Milp,
    options: SolveOptions,
    progress: ProgressHook | None = None,
    start_from: Sequence[int] | None = None,
) -> SolveResult:
    """Solve ``m``; never raises for infeasible or time-limited runs. ``progress`` (HiGHS
    only, optional) receives the search's progress (``placement.milp.progress``);
    ``start_from`` (HiGHS only, optional) the candidates of a plan to start from: their
    ``x`` are 1, every other ``x`` 0, and every other domain column the least value the
    constraints allow (``placement.milp.start``): HiGHS checks a whole solution, or
    repairs it. The result's ``values`` hold every column's value when there is a plan."""
    began = time.perf_counter()
    if not m.n_cols:
        result = SolveResult.optimal("none", m.objective_constant, m.objective_constant, 0.0)
        return read_values(m, result, np.zeros(0))
    if options.solver == "cbc":
        result, values = cbc.solve(m, options)
    else:
        start = None if start_from is None else complete_start(m, start_from)
        nonzeros = len(m.row_matrix().index)
        strategy = choose(
            options, len(m.data.cands), nonzeros, start is not None and len(start) == m.n_cols
        )
        result, values = highs.solve(m, options, strategy, progress, start, began)
    result.seconds = time.perf_counter() - began
    return read_values(m, result, values) if values is not None else result


def read_values(m: Milp, r: SolveResult, values: np.ndarray) -> SolveResult:
    """``r`` with every column's value, the chosen candidates (binaries read by threshold)
    and the units rented, bought and committed (integers rounded)."""
    r.values = values
    r.chosen = sorted(k for k, j in m.x.items() if values[j] > 0.5)
    r.rent = {k: n for k, j in m.rent.items() if (n := round(values[j]))}
    r.buy = {k: n for k, j in m.buy.items() if (n := round(values[j]))}
    r.commit = {k: n for k, j in m.commit.items() if (n := round(values[j]))}
    r.spot = {k: n for k, j in m.spot.items() if (n := round(values[j]))}
    return r
