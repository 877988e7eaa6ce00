"""Large-neighbourhood search (LNS): improve a feasible plan by re-solving the MILP with
most of it fixed.

On large models HiGHS spends its time limit in the root node (its cut loop at L, the root
LP at XL) and never improves the greedy start (docs/performance.md). LNS works on small
pieces instead. A neighbourhood is a few related sites S (``Layout.related_sites``: one
at random, the others drawn by how many workloads they share with it):

- free: the x of the workloads W the incumbent places at S, at the sites of S (they may
  be re-placed among S; their replicas elsewhere stay), the units, activity and
  activation of S, and the moves of W;
- fixed at the incumbent's values: every other column.

The sub-MIP is the MILP with the fixed columns moved into the row bounds,
``row_lower - A_F x_F <= A_J x_J <= row_upper - A_F x_F`` over the free columns J (rows
without a free column are left out: the incumbent satisfies them; so are rows that the
free columns' bounds alone keep within their bounds), solved by HiGHS from
the incumbent, so its plan is never worse. A better plan becomes the incumbent. The
neighbourhood grows by a site after a run of sub-MIPs solved to optimality without
improvement, and shrinks by one (to no fewer than 2) after a sub-MIP that hit its time
limit (or its node limit, when given one).

The search ends at a deadline; a work limit (a number of rounds, and a node limit per
sub-MIP) may end it sooner: with the deadline only a guard against hanging, the same
inputs then give the same plan on any machine (tests).

Every plan LNS returns is a solution of the full MILP (the sub-MIP's rows are the full
rows); the bound comes from elsewhere (``lp_bound``, or the MIP run that follows).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import highspy
import numpy as np

from placement.milp.arrays import ColumnArrays as ColumnArrays
from placement.milp.isolated import SubMipProcess, solve_here
from placement.milp.variables import Milp

#: Tolerance on rows, bounds and integrality when checking that a plan is a solution.
FEASIBILITY_TOLERANCE = 1e-6
#: Sites in the first neighbourhood (then adapted; never fewer than 2), and the relative
#: gap at which a sub-MIP counts as solved (at L: 4 sites, about 0.1 s to 1 s each).
FIRST_SITES = 4
SUB_GAP = 1e-4


@dataclass(frozen=True)
class Layout:
    """Which site and workload each column belongs to (numbers, -1 for none).

    ``x_site``/``x_workload``: of the x columns; ``site``: of the rent, buy, active,
    first, commit and spot columns; ``workload``: of the move columns; ``x_assign_row``:
    the assignment row of each x column (-1 for other columns); ``capacity_row``: which
    rows are capacity rows (``cap``, ``spot_cap``; a bool per row)."""

    x_site: np.ndarray
    x_workload: np.ndarray
    site: np.ndarray
    workload: np.ndarray
    n_sites: int
    x_assign_row: np.ndarray
    capacity_row: np.ndarray

    @classmethod
    def of(cls, m: Milp) -> Layout:
        """The layout of ``m``'s columns (from its blocks: the domain's keys name sites and
        workloads, numbered in sorted order) and of its rows (its ``assign`` and ``cap``
        families); an analysis's extra columns belong to no site and no workload."""
        sites = {s: i for i, s in enumerate(sorted(m.data.lk.sites))}
        workloads = {w: i for i, w in enumerate(sorted(m.data.lk.workloads))}
        n = m.n_cols
        x_site, x_workload, site, workload = (np.full(n, -1, np.int64) for _ in range(4))
        x_assign_row = np.full(n, -1, np.int64)
        for k, j in m.x.items():
            c = m.data.cands[k]
            x_site[j], x_workload[j] = sites[c.site], workloads[c.workload]
            x_assign_row[j] = m.row("assign", (c.workload, c.period))
        for block in (m.rent, m.buy, m.active, m.first, m.commit, m.spot):
            for key, j in block.items():
                site[j] = sites[key[0]]
        for block in (m.move, m.drop):
            for key, j in block.items():
                workload[j] = workloads[key[0]]
        capacity_row = np.zeros(m.n_rows, bool)
        capacity_row[m.rows_in("cap")] = True
        capacity_row[m.rows_in("spot_cap")] = True
        return cls(x_site, x_workload, site, workload, len(sites), x_assign_row, capacity_row)

    def neighbourhood(self, x: np.ndarray, chosen_sites: np.ndarray) -> np.ndarray:
        """The free columns (a bool mask) when the sites ``chosen_sites`` are re-planned
        from the incumbent ``x`` (module docstring)."""
        at_sites = np.isin(self.x_site, chosen_sites)
        moved = np.unique(self.x_workload[at_sites & (x > 0.5)])
        is_x = self.x_site >= 0
        free = is_x & at_sites & np.isin(self.x_workload, moved)
        free |= np.isin(self.site, chosen_sites)
        free |= np.isin(self.workload, moved)
        free |= ~is_x & (self.site < 0) & (self.workload < 0)  # none so far; never fixed
        return free

    @cached_property
    def shared(self) -> np.ndarray:
        """``shared[i, j]``: how many workloads have candidates at both sites i and j (0 on
        the diagonal)."""
        is_x = self.x_site >= 0
        n_workloads = int(self.x_workload.max(initial=-1)) + 1
        at = np.zeros((self.n_sites, n_workloads))
        at[self.x_site[is_x], self.x_workload[is_x]] = 1.0
        shared = at @ at.T
        np.fill_diagonal(shared, 0.0)
        return shared

    def related_sites(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` distinct sites: one at random, then each next one with a chance
        proportional to the workloads it shares with the sites already chosen (at random
        among the rest when none shares any), so that the workloads of a neighbourhood
        have somewhere to go."""
        chosen = [int(rng.integers(self.n_sites))]
        weight = self.shared[chosen[0]].copy()
        while len(chosen) < size:
            weight[chosen] = 0.0
            if weight.sum() > 0:
                pick = int(rng.choice(self.n_sites, p=weight / weight.sum()))
            else:
                pick = int(rng.choice(np.setdiff1d(np.arange(self.n_sites), chosen)))
            chosen.append(pick)
            weight += self.shared[pick]
        return np.array(chosen)


@dataclass
class SearchStats:
    rounds: int = 0
    improved: int = 0
    time_limited: int = 0
    killed: int = 0  # isolated sub-MIPs stopped for overrunning their limit


def quiet_highs(threads: int | None) -> highspy.Highs:
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    if threads is not None:
        h.setOptionValue("threads", threads)
    return h


def lp_bound(arrays: ColumnArrays, seconds: float, threads: int | None = None) -> float | None:
    """The LP relaxation's optimum (a lower bound on the MILP's), by interior point with
    crossover, or None if it is not solved within ``seconds``."""
    solved = lp_duals(arrays, seconds, threads)
    return None if solved is None else solved[0]


def lp_duals(
    arrays: ColumnArrays, seconds: float, threads: int | None = None
) -> tuple[float, np.ndarray] | None:
    """The LP relaxation's optimum and its row duals (one per row of the full model; 0 on
    the rows the relaxation leaves out as implied by the bounds), by interior point with
    crossover; None if not solved within ``seconds``."""
    h = quiet_highs(threads)
    h.passModel(arrays.relaxation())
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("time_limit", max(0.01, seconds))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    y = np.zeros(arrays.n_rows)
    everything = np.ones(arrays.n_cols, bool)
    y[arrays.kept_rows(everything, np.zeros(arrays.n_cols))] = h.getSolution().row_dual
    return float(h.getInfo().objective_function_value), y


def search(
    arrays: ColumnArrays,
    layout: Layout,
    x: np.ndarray,
    deadline: float,
    sub_seconds: float = 3.0,
    threads: int | None = None,
    seed: int = 0,
    stop_below: float = -np.inf,
    on_improve: Callable[[float], None] | None = None,
    presolve: bool = True,
    isolate: bool = False,
    max_rounds: int | None = None,
    sub_nodes: int | None = None,
) -> tuple[np.ndarray, SearchStats]:
    """Improve the solution ``x`` until ``time.perf_counter()`` reaches ``deadline`` or its
    objective is at most ``stop_below``; sub-MIPs get at most ``sub_seconds`` each, and
    HiGHS's presolve only if ``presolve``; with ``isolate``, each in a child process that
    is killed if it overruns (``placement.milp.isolated``: at XL, sub-MIPs given 3 s ran up
    to 25 s, and one 15 minutes in presolve).
    ``on_improve`` receives each better objective. Returns the best solution (``x`` itself
    if nothing better was found) and the search's counts. Seeded: the same inputs and
    round count give the same plans.

    Work limits, both off by default: the search also ends after ``max_rounds`` sub-MIPs,
    and each sub-MIP after ``sub_nodes`` branch-and-bound nodes (HiGHS's
    ``mip_max_nodes``; a sub-MIP ended so counts as not solved, as one ended by its time
    limit does). With both, and a deadline and ``sub_seconds`` that are never reached, the
    search does the same work, hence gives the same plan, whatever the machine's speed."""
    rng = np.random.default_rng(seed)
    best = np.where(arrays.integer, np.round(x), x)
    value = arrays.objective(best)
    stats = SearchStats()
    size, calm = min(FIRST_SITES, layout.n_sites), 0
    options: dict[str, Any] = {"mip_rel_gap": SUB_GAP}
    if threads is not None:
        options["threads"] = threads
    if not presolve:
        options["presolve"] = "off"
    if sub_nodes is not None:
        options["mip_max_nodes"] = sub_nodes
    with SubMipProcess() as child:
        while (
            value > stop_below
            and (max_rounds is None or stats.rounds < max_rounds)
            and (left := deadline - time.perf_counter()) > 0.05
        ):
            chosen = layout.related_sites(rng, size)
            free = layout.neighbourhood(best, chosen)
            cols = np.flatnonzero(free)
            parts = arrays.restricted_parts(free, best)
            seconds = min(sub_seconds, left)
            solver = child.solve if isolate else solve_here
            result = solver(parts, best[cols], seconds, options)
            stats.rounds += 1
            better = False
            if result.values is not None:
                trial = best.copy()
                trial[cols] = np.where(arrays.integer[cols], np.round(result.values), result.values)
                new = arrays.objective(trial)
                if new < value - 1e-6 * max(1.0, abs(value)) and (
                    arrays.violation(trial) <= FEASIBILITY_TOLERANCE
                ):
                    best, value, better = trial, new, True
                    stats.improved += 1
                    if on_improve is not None:
                        on_improve(value)
            if not result.optimal:
                stats.time_limited += 1
                size, calm = max(min(2, layout.n_sites), size - 1), 0
            elif not better:
                calm += 1
                if calm >= 2 * layout.n_sites // max(1, size):
                    size, calm = min(layout.n_sites, size + 1), 0
        stats.killed = child.killed
    return best, stats
