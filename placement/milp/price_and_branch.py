"""The decomposition as a phase of the solve (``search="decompose"``, issue 17): a bound
above the LP relaxation from the per-site Lagrangian relaxation, and plans from its
columns.

1. **Prices**: the LP relaxation's optimum and duals (``lns.lp_duals``); the LP's optimum
   is a bound.
2. **Bound and columns**: projected subgradient steps on the linking rows' prices from
   the LP's duals (``Decomposition.subgradient``); every evaluation solves each site's
   sub-MIP (on the runner: this process, the local pool or a Dask cluster) and gives a
   lower bound L(y) (weak duality, ``placement.milp.decomposition``) and one plan per
   site (its *column*: the candidates, units, purchases and activation that site would
   choose at those prices).
3. **Restricted master** (price-and-branch): the full MILP with every ``x`` that no
   column and not the incumbent uses fixed at 0, solved by HiGHS from the incumbent.
   This is the classic master over the generated columns with more freedom (any
   combination of the columns' candidates, not one column per site): still a
   restriction of the MILP, so its plan satisfies every row of the full model
   (checked, ``ColumnArrays.violation``), and never worse than the incumbent it
   starts from.

Without a time limit each phase runs to the end of its work limits (``ITERATIONS``
evaluations with sub-MIPs solved to their gap; the master to the options' gap): the
same inputs then give the same bound and plan on any machine and any runner. With a time
limit the phases end at their shares of it (``placement.milp.strategy``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from placement.executor import Runner
from placement.milp.arrays import ColumnArrays
from placement.milp.decomposition import BlockAnswer, BlockTask, Decomposition
from placement.milp.isolated import solve_here
from placement.milp.lns import FEASIBILITY_TOLERANCE, Layout, lp_duals

#: Subgradient evaluations without a time limit (with one: as many as fit its share).
ITERATIONS = 10
#: The subgradient's target when the start plan breaks a row: the LP bound plus this share.
UNFEASIBLE_TARGET = 0.05
#: Seconds per site sub-MIP with a time limit (its dual bound counts when it stops; at M
#: one evaluation of 24 sites then takes 9 to 14 s on one core; docs/performance.md).
SUB_SECONDS = 1.0


@dataclass
class Decomposed:
    """What the phase found: the best bound (the LP's or the Lagrangian's; None if the
    LP was not solved), the plan (the incumbent if the master found no better), the
    evaluations' values and seconds, and the master's size."""

    bound: float | None
    x: np.ndarray
    values: list[float]
    seconds: list[float]
    master_columns: int = 0
    master_improved: bool = False
    lost: int = 0
    lp_bound: float | None = None
    seconds_total: float = 0.0

    @property
    def lagrangian(self) -> bool:
        """Whether the bound is the Lagrangian one (above the LP relaxation's)."""
        return self.bound is not None and self.lp_bound is not None and self.bound > self.lp_bound

    def summary(self) -> dict[str, Any]:
        """Its figures as plain numbers (benchmarks, the solve's result)."""
        return {
            "lp_bound": self.lp_bound,
            "bound": self.bound,
            "lagrangian": self.lagrangian,
            "evaluations": len(self.values),
            "values": list(self.values),
            "evaluation_seconds": list(self.seconds),
            "master_columns": self.master_columns,
            "master_improved": self.master_improved,
            "lost": self.lost,
            "seconds": self.seconds_total,
        }


def decompose(
    arrays: ColumnArrays,
    layout: Layout,
    incumbent: np.ndarray,
    *,
    bound_until: float | None,
    master_until: float | None,
    threads: int | None = None,
    gap: float = 1e-4,
    runner: Runner[BlockTask, BlockAnswer] | None = None,
    on_bound: Callable[[float], None] | None = None,
) -> Decomposed:
    """Steps 1 to 3 of the module docstring from the ``incumbent`` (a plan; if it breaks a
    row, the master's plan replaces it whatever its cost): prices and
    bound until ``bound_until``, the master until ``master_until`` (``time.perf_counter()``
    readings; None: no time limit, the work limits only). ``on_bound`` receives each
    better bound. Sub-MIPs run on ``runner`` with one thread each when it is parallel."""
    began = time.perf_counter()
    lp_seconds = None if bound_until is None else max(0.01, bound_until - time.perf_counter())
    solved = lp_duals(arrays, float("inf") if lp_seconds is None else lp_seconds, threads)
    result = Decomposed(None, incumbent, [], [])
    if solved is None:
        result.seconds_total = time.perf_counter() - began
        return result
    lp, duals = solved
    result.bound = result.lp_bound = lp
    if on_bound is not None:
        on_bound(lp)
    dec = Decomposition.by_site(arrays, layout)
    feasible = arrays.violation(incumbent) <= FEASIBILITY_TOLERANCE
    target = arrays.objective(incumbent)
    if not feasible:  # a plan that breaks a row may cost less than the optimum: aim higher
        target = max(target, lp + UNFEASIBLE_TARGET * abs(lp))
    parallel = runner is not None and runner.parallel
    run = dec.subgradient(
        dec.prices_of(duals),
        target,
        ITERATIONS if bound_until is None else 10**6,
        deadline=bound_until,
        threads=1 if parallel else threads,
        on_bound=on_bound,
        sub_seconds=None if bound_until is None else SUB_SECONDS,
        runner=runner,
    )
    result.values, result.seconds = run.values, run.seconds
    result.lost = 0 if runner is None else runner.lost
    result.bound = max(lp, run.bound)
    if run.support is not None:
        result.x, result.master_columns = _master(
            arrays, layout, run.support, incumbent, master_until, threads, gap
        )
        result.master_improved = result.x is not incumbent
    result.seconds_total = time.perf_counter() - began
    return result


def _master(
    arrays: ColumnArrays,
    layout: Layout,
    support: np.ndarray,
    incumbent: np.ndarray,
    until: float | None,
    threads: int | None,
    gap: float,
) -> tuple[np.ndarray, int]:
    """The restricted master's plan (module docstring, step 3) if it satisfies every row
    and is better than the ``incumbent`` (or the incumbent breaks a row), else the
    incumbent; and its ``x`` columns."""
    is_x = layout.x_site >= 0
    kept = is_x & (support | (incumbent > 0.5))
    free = ~is_x | kept
    cols = np.flatnonzero(free)
    seconds = float("inf") if until is None else until - time.perf_counter()
    if seconds <= 0.05:
        return incumbent, int(kept.sum())
    options: dict[str, float | int | str] = {"mip_rel_gap": gap}
    if threads is not None:
        options["threads"] = threads
    sub = solve_here(arrays.restricted_parts(free, incumbent), incumbent[cols], seconds, options)
    if sub.values is None:
        return incumbent, int(kept.sum())
    trial = incumbent.copy()
    trial[cols] = np.where(arrays.integer[cols], np.round(sub.values), sub.values)
    value, best = arrays.objective(trial), arrays.objective(incumbent)
    if arrays.violation(trial) <= FEASIBILITY_TOLERANCE and (
        value < best - 1e-9 * max(1.0, abs(best))
        or arrays.violation(incumbent) > FEASIBILITY_TOLERANCE
    ):
        return trial, int(kept.sum())
    return incumbent, int(kept.sum())


def describe(d: Decomposed | None) -> str:
    """One sentence on what the phase did (None: it did not run), for the plan's message."""
    if d is None:
        return ("decomposition: not run (no start plan for this model, or a model with an "
                "analysis's own columns); the MIP ran alone")
    if d.bound is None:
        return "decomposition: the LP relaxation was not solved in its share of the time limit"
    which = "the per-site Lagrangian bound" if d.lagrangian else "the LP relaxation's bound"
    text = (
        f"decomposition: {len(d.values)} evaluations of the per-site sub-problems, "
        f"{which} {d.bound:,.2f} before the MIP; the restricted master over "
        f"{d.master_columns:,} candidates "
        + ("improved the plan" if d.master_improved else "did not improve the plan")
    )
    if d.lost:
        text += f"; {d.lost} sub-problems solved again here after their worker was lost"
    return text
