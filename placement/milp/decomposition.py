"""A Lagrangian bound above the LP relaxation: the rows that tie sites together relaxed,
what is left solved per site as a MILP (issue 17).

**Blocks.** Every column belongs to one site or to none (``Layout``): the ``x`` of a
candidate, and ``rent``, ``buy``, ``active`` and ``first``, to their site; ``move`` and
``drop`` (a workload's), and an analysis's extra columns, to none. A row is a **site row**
if all its columns belong to one site; every other row is a **linking row**: a row with
columns of two or more sites, and a row with a column of no site.
Decided from the matrix, never from names. A row with no columns is a constant (true, or
the MILP has no solution and any bound holds) and is left out. On the domain's families
(tight formulation) this gives:

- linking: ``assign`` (a workload-period over its sites), ``domain`` (a failure domain of
  two or more sites), ``bw`` (a link whose traffic comes from two or more sites),
  ``move``, ``drop``, ``moved`` and ``max_mig`` (move and drop columns), ``capex_budget``
  (purchases at every site);
- per site: ``cap``, ``capk``, ``own_cap``, ``power``, ``act_w``, ``act_u``, ``first_once``,
  ``first`` (and a ``domain`` or ``bw`` row whose columns are all at one site).

**The bound.** With prices y on the linking rows ``lo <= A_L x <= up`` (y_r >= 0 only where
lo_r is finite, y_r <= 0 only where up_r is finite; an equality row's price is free), and
rc = c - A_L^T y, every x feasible for the MILP has

    c x + offset = rc x + y A_L x + offset >= L(y),
    L(y) = offset + sum_{r linking} (y_r lo_r if y_r > 0 else y_r up_r)
           + sum_s min { rc x_s : x_s in X_s }
           + sum_{j in no site} min(rc_j l_j, rc_j u_j),

X_s the site's columns within their bounds and integrality under the site's own rows (its
units, purchases, activation and caps kept integer). Weak duality: L(y) <= the MILP's
optimum for ANY y of the right signs, whatever it came from. The columns of no site (moves
and drops, continuous in [0, 1]) are priced at their bounds, in closed form: the rows they
share (``moved``, ``max_mig``) are relaxed with the rest. Each site's minimum is the
sub-MIP's **dual bound** (HiGHS's ``mip_dual_bound``, at most its optimum), so a sub-MIP
stopped by a gap, a node limit or a time limit still gives a valid L(y), only a weaker one.

Before a sub-MIP is solved, a column whose reduced cost is >= 0 and which no site row
needs above its lower bound (only positive coefficients in rows with an upper bound only,
negative ones in rows with a lower bound only: an ``x``) is fixed at its lower bound, and
one with reduced cost <= 0 that no row needs below its upper bound at its upper bound
(dominance: some optimum has it there). At the LP's duals this fixes few columns (M#1,
site 0: 35 of 415): the assignment rows' prices make most ``x`` attractive, the units'
cost being inside the block. A sub-MIP run that fails (no status that proves a bound)
counts as the block's columns at their best bounds, a valid if weak bound.

At the LP relaxation's optimal duals (``lns.lp_duals``) L(y) >= the LP's optimum: relaxing
the linking rows of the LP at its optimal duals gives the LP's optimum, and the site
problems with integrality can only be larger.

The same bound holds for any split of the columns into blocks (``Decomposition(arrays,
owner, n)``): ``by_workload`` puts each workload's x, move and drop in its block and
relaxes the site rows instead (units priced at their bounds). Measured at the LP's duals
it gives the LP's bound again (+0.01% at M#2, +0 on small instances): a workload's plan
over its sites and periods is near-integral already; the site split is the one that gains
(docs/performance.md, "The Lagrangian bound").

**The multipliers** (``subgradient``): from the LP duals, projected subgradient steps with
Polyak's step length ``theta (target - L(y)) / |g|^2``, the target the best known plan's
objective, theta halved after ``PATIENCE`` evaluations without a better bound; the
subgradient of row r at the sub-problems' solution x* is ``b_r - A_r x*`` with b_r the
bound y_r uses (lo_r where y_r > 0, up_r where y_r < 0; at y_r = 0 the violated one, or 0).
Work limits (evaluations, nodes per sub-MIP) and a deadline; the best bound and its y.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from placement.executor import Runner
from placement.milp.arrays import ColumnArrays
from placement.milp.isolated import highs_lp
from placement.milp.lns import Layout, quiet_highs
from placement.milp.model import Model

#: Relative gap at which a site's sub-MIP stops (its dual bound is what counts).
SUB_GAP = 1e-6
#: Evaluations without a better bound before the step factor theta is halved; its start.
PATIENCE = 3
THETA = 0.1
#: Sub-MIP statuses whose dual bound counts (solved, or stopped by a limit), and those
#: that mean the block has no finite minimum.
_STOPPED = frozenset(
    {
        highspy.HighsModelStatus.kOptimal,
        highspy.HighsModelStatus.kTimeLimit,
        highspy.HighsModelStatus.kIterationLimit,
        highspy.HighsModelStatus.kSolutionLimit,
        highspy.HighsModelStatus.kInterrupt,
    }
)
_NO_SOLUTION = frozenset(
    {
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    }
)
#: Stop when theta falls below this (the steps no longer move the bound).
MIN_THETA = 1e-4


@dataclass(frozen=True)
class Block:
    """A site's sub-problem: its columns (numbers in the full model), its own rows as a
    ``ColumnArrays`` over those columns (cost to be set per evaluation), and which columns
    may be fixed at a bound when their reduced cost allows (``down``: lowering it never
    breaks a row of the block; ``up``: raising it never does)."""

    cols: np.ndarray
    rows: np.ndarray
    arrays: ColumnArrays
    down: np.ndarray
    up: np.ndarray


@dataclass(frozen=True)
class Evaluation:
    """L(y) (``value``), the prices on the linking rows it was evaluated at (``y``), the
    subgradient there, the sub-problems' solution ``x`` (every column), and whether every
    sub-MIP was solved to its gap (``exact``)."""

    value: float
    y: np.ndarray
    subgradient: np.ndarray
    x: np.ndarray
    exact: bool
    seconds: float


@dataclass
class BoundResult:
    """The best bound of a run, its prices on the linking rows, every evaluation's value
    and seconds, in order, and the columns nonzero in some evaluation's sub-problem
    solution (``support``, a bool per column: the per-site plans generated, for a
    restricted master, ``placement.milp.price_and_branch``)."""

    bound: float
    y: np.ndarray
    values: list[float] = dataclasses.field(default_factory=list)
    seconds: list[float] = dataclasses.field(default_factory=list)
    support: np.ndarray | None = None


class Decomposition:
    """The linking rows and the per-site blocks of a model (module docstring)."""

    def __init__(self, arrays: ColumnArrays, owner: np.ndarray, n_blocks: int) -> None:
        """``owner``: the block of each column (-1: none, priced at its bounds)."""
        self.arrays = arrays
        if len(owner) < arrays.n_cols:  # columns added after the layout: no block
            owner = np.concatenate((owner, np.full(arrays.n_cols - len(owner), -1, np.int64)))
        self.col_site = np.asarray(owner[: arrays.n_cols], np.int64)
        entry_owner = self.col_site[arrays.entry_column]
        n = arrays.n_rows
        big = np.iinfo(np.int64).max
        least = np.full(n, big, np.int64)
        most = np.full(n, -1, np.int64)
        np.minimum.at(least, arrays.index, entry_owner)
        np.maximum.at(most, arrays.index, entry_owner)
        # a row is a block's when all its columns are that block's (no column of none:
        # then least >= 0); an empty row (least = big) is neither: a constant, true or
        # false whatever x is (if false, the MILP has no solution and any bound holds)
        own = (least >= 0) & (least == most)
        empty = least == big
        self.row_site = np.where(own, least, -1)
        self.linking = np.flatnonzero(~own & ~empty)
        self.n_sites = n_blocks
        self.free_cols = np.flatnonzero(self.col_site < 0)
        self.blocks = tuple(self._block(s) for s in range(n_blocks))

    @classmethod
    def by_site(cls, arrays: ColumnArrays, layout: Layout) -> Decomposition:
        """Blocks by site (module docstring): x, rent, buy, active and first by their
        site; move, drop and any other column in none."""
        owner = np.where(layout.x_site >= 0, layout.x_site, layout.site)
        return cls(arrays, owner, layout.n_sites)

    @classmethod
    def by_workload(cls, arrays: ColumnArrays, layout: Layout) -> Decomposition:
        """Blocks by workload (module docstring): x, move and drop by their workload;
        rent, buy, active, first and any other column in none, priced at their bounds."""
        owner = np.where(layout.x_workload >= 0, layout.x_workload, layout.workload)
        return cls(arrays, owner, int(owner.max(initial=-1)) + 1)

    def _block(self, s: int) -> Block:
        a = self.arrays
        cols = np.flatnonzero(self.col_site == s)
        rows = np.flatnonzero(self.row_site == s)
        sub = _sub_arrays(a, cols, rows)
        col = sub.entry_column
        lower_only = np.isfinite(sub.row_lower[sub.index]) & ~np.isfinite(
            sub.row_upper[sub.index]
        )
        upper_only = ~np.isfinite(sub.row_lower[sub.index]) & np.isfinite(
            sub.row_upper[sub.index]
        )
        # lowering column j keeps every row: each entry positive in a <= row, or negative
        # in a >= row; raising it: the opposite
        down_ok = ((sub.value > 0) & upper_only) | ((sub.value < 0) & lower_only)
        up_ok = ((sub.value < 0) & upper_only) | ((sub.value > 0) & lower_only)
        bad_down = np.bincount(col, weights=~down_ok, minlength=len(cols)) > 0
        bad_up = np.bincount(col, weights=~up_ok, minlength=len(cols)) > 0
        down = ~bad_down & np.isfinite(sub.lower)
        up = ~bad_up & np.isfinite(sub.upper)
        return Block(cols, rows, sub, down, up)

    def family_counts(self, m: Model) -> dict[str, tuple[int, int]]:
        """(linking, per-site) rows per family of ``m`` (the model the arrays are of)."""
        counts: dict[str, list[int]] = {}
        linking = np.zeros(self.arrays.n_rows, bool)
        linking[self.linking] = True
        for r in range(m.n_rows):
            family, _ = m.row_family(r)
            c = counts.setdefault(family, [0, 0])
            c[0 if linking[r] else 1] += 1
        return {f: (c[0], c[1]) for f, c in counts.items()}

    # -- prices ----------------------------------------------------------------------------

    def project(self, y: np.ndarray) -> np.ndarray:
        """``y`` (one price per linking row) with the wrong signs set to 0."""
        lo = self.arrays.row_lower[self.linking]
        up = self.arrays.row_upper[self.linking]
        y = np.where((y > 0) & ~np.isfinite(lo), 0.0, y)
        return np.where((y < 0) & ~np.isfinite(up), 0.0, y)

    def prices_of(self, y_rows: np.ndarray) -> np.ndarray:
        """The linking rows' prices taken from a price per row of the full model."""
        return self.project(np.asarray(y_rows, np.float64)[self.linking])

    # -- L(y) --------------------------------------------------------------------------------

    def evaluate(
        self,
        y: np.ndarray,
        threads: int | None = None,
        sub_nodes: int | None = None,
        sub_seconds: float | None = None,
        runner: Runner[BlockTask, BlockAnswer] | None = None,
        wait: float | None = None,
    ) -> Evaluation:
        """L(y) (module docstring) at the prices ``y`` on the linking rows (projected to
        the right signs first), each site's sub-MIP with at most ``sub_nodes`` nodes and
        ``sub_seconds`` seconds (its dual bound counts); the sub-MIPs on ``runner`` (a
        local pool or a Dask cluster; default: one after the other here), a sub-MIP whose
        worker is lost or not back within ``wait`` seconds solved again here."""
        began = time.perf_counter()
        a = self.arrays
        y = self.project(np.asarray(y, np.float64))
        full = np.zeros(a.n_rows)
        full[self.linking] = y
        lo, up = a.row_lower[self.linking], a.row_upper[self.linking]
        value = a.offset + float(np.where(y > 0, y * _finite(lo), y * _finite(up)).sum())
        rc = a.cost - a.transposed(full)
        x = np.where(rc > 0, a.lower, a.upper)
        x = np.where(rc == 0, np.where(np.isfinite(a.lower), a.lower, 0.0), x)
        free = self.free_cols
        value += _at_bounds(rc[free], a.lower[free], a.upper[free])
        exact = True
        tasks = [BlockTask(b, rc[b.cols], threads, sub_nodes, sub_seconds) for b in self.blocks]
        for block, (site_value, site_x, solved) in zip(
            self.blocks, _solve_blocks(tasks, runner, wait), strict=True
        ):
            value += site_value
            x[block.cols] = site_x
            exact &= solved
        if not np.isfinite(value):
            value = -np.inf
        ax = a.activity(np.where(np.isfinite(x), x, 0.0))[self.linking]
        g = np.where(y > 0, lo - ax, np.where(y < 0, up - ax, 0.0))
        at_zero = y == 0
        g = np.where(at_zero & (ax < lo), lo - ax, g)
        g = np.where(at_zero & (ax > up), up - ax, g)
        g = np.where(np.isfinite(g), g, 0.0)
        return Evaluation(value, y, g, x, exact, time.perf_counter() - began)

    def subgradient(
        self,
        y0: np.ndarray,
        target: float,
        iterations: int,
        deadline: float | None = None,
        threads: int | None = None,
        sub_nodes: int | None = None,
        on_bound: Callable[[float], None] | None = None,
        sub_seconds: float | None = None,
        theta: float = THETA,
        runner: Runner[BlockTask, BlockAnswer] | None = None,
    ) -> BoundResult:
        """The best L(y) of at most ``iterations`` evaluations from ``y0`` (prices on the
        linking rows) by Polyak steps towards ``target`` (module docstring), none started
        after ``deadline`` (a ``time.perf_counter()`` reading; the first always runs).
        ``on_bound`` receives each better bound; ``sub_nodes`` and ``sub_seconds`` limit
        each sub-MIP (``evaluate``); ``theta`` is the first step factor; the sub-MIPs run
        on ``runner`` (``evaluate``; with a deadline, one not back 5 s after it is solved
        again here)."""
        y = self.project(np.asarray(y0, np.float64))
        best = BoundResult(-np.inf, y)
        stale = 0
        best_ev: Evaluation | None = None
        for n in range(iterations):
            if n and deadline is not None and time.perf_counter() + best.seconds[-1] > deadline:
                break
            wait = None if deadline is None else max(0.0, deadline - time.perf_counter()) + 5.0
            ev = self.evaluate(y, threads, sub_nodes, sub_seconds, runner, wait)
            nonzero = np.abs(ev.x) > 0.5
            best.support = nonzero if best.support is None else best.support | nonzero
            best.values.append(ev.value)
            best.seconds.append(ev.seconds)
            base = ev
            if best_ev is not None and not np.isfinite(ev.value):
                stale = PATIENCE  # a step too far (an unbounded sub-problem): shorten it
            if best_ev is None or ev.value > best_ev.value:
                best_ev, stale = ev, 0
                best.bound, best.y = ev.value, ev.y
                if on_bound is not None:
                    on_bound(ev.value)
            else:
                stale += 1
                if stale >= PATIENCE and best_ev is not None:  # smaller steps, from the best prices
                    theta, stale, base = theta / 2, 0, best_ev
                    if theta < MIN_THETA:
                        break
            norm = float(base.subgradient @ base.subgradient)
            if norm == 0.0 or not np.isfinite(base.value):
                break  # the sub-problems' solution is feasible for the linking rows
            step = theta * max(target - base.value, 1e-9 * max(1.0, abs(target))) / norm
            y = self.project(base.y + step * base.subgradient)
        return best


def _at_bounds(c: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """min c x over lower <= x <= upper (-inf if unbounded)."""
    at = np.where(c > 0, lower, upper)
    with np.errstate(invalid="ignore"):
        return float(np.where(c == 0, 0.0, c * at).sum())


def _finite(v: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(v), v, 0.0)


def _sub_arrays(a: ColumnArrays, cols: np.ndarray, rows: np.ndarray) -> ColumnArrays:
    """The model over the columns ``cols`` and the rows ``rows`` only (cost zero)."""
    renumber = np.full(a.n_rows, -1, np.int64)
    renumber[rows] = np.arange(len(rows))
    entries = np.repeat(np.isin(np.arange(a.n_cols), cols), a.lengths)
    kept = entries & (renumber[a.index] >= 0)
    col_of_entry = a.entry_column[kept]
    position = np.full(a.n_cols, -1, np.int64)
    position[cols] = np.arange(len(cols))
    counts = np.bincount(position[col_of_entry], minlength=len(cols))
    return ColumnArrays(
        np.zeros(len(cols)),
        a.lower[cols],
        a.upper[cols],
        a.integer[cols],
        a.row_lower[rows],
        a.row_upper[rows],
        np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        renumber[a.index[kept]],
        a.value[kept],
        0.0,
    )


@dataclass(frozen=True)
class BlockTask:
    """One site's sub-MIP at one evaluation: the block, its columns' reduced costs and the
    sub-MIP's limits (picklable: it may run in another process or on a Dask worker)."""

    block: Block
    rc: np.ndarray
    threads: int | None
    sub_nodes: int | None
    sub_seconds: float | None


#: A block's lower bound, its solution, and whether its sub-MIP was solved to its gap.
BlockAnswer = tuple[float, np.ndarray, bool]


def _solve_blocks(
    tasks: list[BlockTask], runner: Runner[BlockTask, BlockAnswer] | None, wait: float | None
) -> list[BlockAnswer]:
    """Every task's answer, on ``runner`` if given (a lost task solved again here; a task
    that failed counts as its columns at their best bounds: valid, weak)."""
    if runner is None or not runner.parallel:
        return [solve_block(t) for t in tasks]
    answers = []
    for task, outcome in zip(tasks, runner.map(solve_block, tasks, rerun_lost=True, wait=wait),
                             strict=True):
        if outcome.value is not None:
            answers.append(outcome.value)
        else:
            answers.append(_at_bounds_answer(task))
    return answers


def _at_bounds_answer(task: BlockTask) -> BlockAnswer:
    """The block's columns at their best bounds: a valid (weak) lower bound, no plan."""
    a = task.block.arrays
    x = np.where(task.rc > 0, a.lower, a.upper)
    x = np.where(np.isfinite(x), x, 0.0)
    return _at_bounds(task.rc, a.lower, a.upper), x, False


def solve_block(task: BlockTask) -> BlockAnswer:
    """A lower bound on min rc x over the block (the sub-MIP's dual bound), a solution
    (the fixed columns at their bound; the sub-MIP's values, or the lower bounds when it
    has none), and whether the sub-MIP was solved to its gap."""
    block, rc = task.block, task.rc
    threads, sub_nodes, sub_seconds = task.threads, task.sub_nodes, task.sub_seconds
    sub = dataclasses.replace(block.arrays, cost=rc)
    x = np.where(np.isfinite(sub.lower), sub.lower, np.where(np.isfinite(sub.upper), sub.upper, 0))
    at_lower = block.down & (rc >= 0)
    at_upper = block.up & (rc <= 0) & ~at_lower
    x = np.where(at_upper, sub.upper, x)
    free = ~(at_lower | at_upper)
    if not free.any():
        return float(rc @ x), x, True
    parts = sub.restricted_parts(free, x)
    offset = float(parts["offset"])
    if len(parts["row_lower"]) == 0:  # no rows left: each column at its best bound
        c = parts["col_cost"]
        x[free] = np.where(c > 0, parts["col_lower"], parts["col_upper"])
        x[free] = np.where(c == 0, parts["col_lower"], x[free])
        return offset + _at_bounds(c, parts["col_lower"], parts["col_upper"]), x, True
    h = quiet_highs(threads)
    h.setOptionValue("mip_rel_gap", SUB_GAP)
    if sub_nodes is not None:
        h.setOptionValue("mip_max_nodes", sub_nodes)
    if sub_seconds is not None:
        h.setOptionValue("time_limit", max(0.01, sub_seconds))
    h.passModel(highs_lp(parts))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status in _NO_SOLUTION:
        return -np.inf, x, False
    if status == highspy.HighsModelStatus.kOptimal and not parts["integer"].any():
        lower_bound = float(info.objective_function_value)
    elif status in _STOPPED:
        lower_bound = float(info.mip_dual_bound)
    else:  # a run that failed (e.g. "Not Set") proves nothing
        lower_bound = -np.inf
    if not np.isfinite(lower_bound):  # no dual bound (stopped before its root LP, or
        # failed): the columns' bounds alone
        lower_bound = offset + _at_bounds(parts["col_cost"], parts["col_lower"], parts["col_upper"])
    if info.primal_solution_status == 2:
        x[free] = np.asarray(h.getSolution().col_value, np.float64)
    solved = status == highspy.HighsModelStatus.kOptimal
    return lower_bound, x, solved

