"""The HiGHS adapter: a ``Model`` handed to highspy in bulk, the phases of a ``Strategy``
run, and HiGHS's own statuses mapped to a ``SolveResult``.

The status comes from HiGHS itself: its model status, primal solution status, dual bound
and gap (a time-limited run with a plan is ``feasible`` with its bound and gap, never
``optimal``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from placement.executor import Runner
from placement.milp import lns
from placement.milp.bound import column_generation
from placement.milp.decomposition import BlockAnswer, BlockTask
from placement.milp.model import Model
from placement.milp.price_and_branch import Decomposed, decompose, describe
from placement.milp.progress import (
    Progress,
    ProgressHook,
    at_least,
    finite,
    rel_gap,
    watch_progress,
)
from placement.milp.strategy import MIN_MIP_SECONDS, Bound, Strategy
from placement.milp.threads import use_threads
from placement.milp.variables import Milp
from placement.result import SolveResult, Status, Termination
from placement.schema.options import SolveOptions

TIME_LIMIT_STATUSES = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kSolutionLimit,
}
INFEASIBLE_STATUSES = {
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
}


def load(h: highspy.Highs, m: Model, mip: bool = True) -> None:
    """Hand ``m`` to ``h``: its columns (integrality too, if ``mip``), its rows in the
    order they were added, the objective's constant as HiGHS's offset."""
    inf = highspy.kHighsInf
    lower, upper, integer = m.column_bounds()
    n = m.n_cols
    h.addCols(
        n,
        m.cost_vector(),
        np.maximum(lower, -inf),
        np.minimum(upper, inf),
        0,
        np.zeros(1, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0),
    )
    cols = np.flatnonzero(integer) if mip else np.zeros(0, np.int64)
    if len(cols):
        kinds = np.full(len(cols), highspy.HighsVarType.kInteger)
        h.changeColsIntegrality(len(cols), cols.astype(np.int32), kinds)
    rows = m.row_matrix()
    if len(rows.lower):
        h.addRows(
            len(rows.lower),
            np.maximum(rows.lower, -inf),
            np.minimum(rows.upper, inf),
            len(rows.index),
            rows.start[:-1],
            rows.index,
            rows.value,
        )
    h.changeObjectiveOffset(float(m.objective_constant))


def new_highs(options: SolveOptions) -> highspy.Highs:
    """A quiet Highs with the options' gap, threads and time limit."""
    use_threads(options.threads)
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", options.gap)
    h.setOptionValue("mip_abs_gap", 1e-6)
    if options.threads is not None:
        h.setOptionValue("threads", options.threads)
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(options.time_limit))
    return h


@dataclass
class _Run:
    """One solve: its deadline (a ``perf_counter`` reading, the hand-over included) and
    what the phases before the MIP found."""

    options: SolveOptions
    strategy: Strategy
    deadline: float | None
    progress: ProgressHook | None
    bound: float | None = None
    searched: bool = False
    decomposed: Decomposed | None = None
    phases: tuple[float, float] | None = None

    def clock(self) -> tuple[float, float]:
        """When the phases before the MIP began and the seconds they share (the time left
        then; 0 without a time limit), fixed at the first call."""
        if self.phases is None:
            total = self.left() if self.deadline is not None else 0.0
            self.phases = (time.perf_counter(), total)
        return self.phases

    def left(self) -> float:
        """Seconds left of the time limit, at least MIN_MIP_SECONDS."""
        assert self.deadline is not None
        return max(MIN_MIP_SECONDS, self.deadline - time.perf_counter())


def solve(
    m: Model,
    options: SolveOptions,
    strategy: Strategy,
    progress: ProgressHook | None = None,
    start: np.ndarray | None = None,
    began: float | None = None,
) -> tuple[SolveResult, np.ndarray | None]:
    """Run ``strategy`` on ``m`` and return the result and the column values (None
    without a plan). ``start``: values of the first ``len(start)`` columns (HiGHS
    completes or repairs a partial one); the search needs a complete one. ``began``: when
    the time limit started counting (default: now)."""
    began = time.perf_counter() if began is None else began
    deadline = None if options.time_limit is None else began + options.time_limit
    run = _Run(options, strategy, deadline, progress)
    h = new_highs(options)
    load(h, m)
    if deadline is not None:
        h.setOptionValue("time_limit", run.left())
    if not strategy.presolve:
        h.setOptionValue("presolve", "off")
    if strategy.search and isinstance(m, Milp) and start is not None:
        arrays = m.arrays()
        feasible = len(start) == m.n_cols and arrays.violation(start) <= lns.FEASIBILITY_TOLERANCE
        if not feasible and strategy.bound == Bound.LAGRANGIAN:  # its master may find a plan
            start = _decompose(run, arrays, m, _padded(start, m.n_cols))
            feasible = arrays.violation(start) <= lns.FEASIBILITY_TOLERANCE
        if feasible:
            run.searched = True
            start = _search(run, arrays, m, start)
            if not strategy.mip:
                return _search_result(run, arrays.objective(start)), start
    if progress is not None:
        watch_progress(h, at_least(run.bound, progress), announce=not run.searched)
    if start is not None and len(start):
        n = len(start)
        h.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(start, np.float64))
    if deadline is not None:
        h.setOptionValue("time_limit", run.left())
    h.run()
    if start is not None and len(start) and _misreported(h, m):
        _rerun_without_presolve(h, run)
    result = _with_bound(outcome(h, m.n_cols > 0 and bool(m.blocks.get("x"))), run.bound)
    result.searched = run.searched
    if run.decomposed is not None or strategy.bound == Bound.LAGRANGIAN:
        note = describe(run.decomposed)
        result.decomposition = None if run.decomposed is None else run.decomposed.summary()
        result.message = "; ".join(t for t in (result.message, note) if t)
    values = None
    if result.has_solution:
        values = np.asarray(h.getSolution().col_value, np.float64)
    return result, values


#: How far HiGHS's objective may differ from its solution's cost (relative) before the
#: solve is repeated without presolve (``_misreported``).
MISREPORT_TOLERANCE = 1e-7


def _misreported(h: highspy.Highs, m: Model) -> bool:
    """Whether HiGHS's objective differs from the cost of the solution it returns (more than
    MISREPORT_TOLERANCE, relative: well above rounding, well below the 1% seen). Seen with
    HiGHS 1.16: given a start (``setSolution``) that uses one of two columns its presolve
    merges as duplicates (two variants with the same figures at a site where their model
    copies cost money), it reports the objective with the other column, below the plan's
    cost, and a bound clamped to it."""
    if h.getInfo().primal_solution_status != 2:
        return False
    x = np.asarray(h.getSolution().col_value, np.float64)
    actual = float(m.cost_vector() @ x) + m.objective_constant
    reported = float(h.getInfo().objective_function_value)
    return abs(actual - reported) > MISREPORT_TOLERANCE * max(1.0, abs(actual))


def _rerun_without_presolve(h: highspy.Highs, run: _Run) -> None:
    """Solve again without presolve (which ``_misreported`` suspects), from the plan found,
    within the time left."""
    x = np.asarray(h.getSolution().col_value, np.float64)
    h.setOptionValue("presolve", "off")
    h.setSolution(len(x), np.arange(len(x), dtype=np.int32), x)
    if run.deadline is not None:
        h.setOptionValue("time_limit", run.left())
    h.run()


def _search(run: _Run, arrays: lns.ColumnArrays, m: Milp, x: np.ndarray) -> np.ndarray:
    """The bound of the strategy, then the neighbourhood search's plan from the complete
    solution ``x`` (``placement.milp.lns``)."""
    began, total = run.clock()
    strategy = run.strategy
    progress = run.progress or (lambda _: None)
    layout = lns.Layout.of(m)
    if strategy.bound == Bound.LP:
        progress(Progress("start", 0.0))
        run.bound = lns.lp_bound(arrays, strategy.bound_share * total, run.options.threads)
    elif strategy.bound == Bound.COLUMN_GENERATION:
        run.bound = column_generation(
            arrays, layout, x, began + strategy.bound_share * total, run.options.threads,
            _bound_reporter(run, arrays.objective(x)),
        )
    elif strategy.bound == Bound.LAGRANGIAN and run.decomposed is None:
        x = _decompose(run, arrays, m, x)
    report = at_least(run.bound, progress)
    report(Progress("log", time.perf_counter() - began, arrays.objective(x)))

    def improved(objective: float) -> None:
        report(Progress("incumbent", time.perf_counter() - began, objective))

    share = strategy.search_share if run.bound is not None else strategy.search_share_no_bound
    gap = run.options.gap
    target = run.bound / (1.0 - gap) if run.bound is not None and run.bound > 0 else None
    best, _stats = lns.search(
        arrays,
        layout,
        x,
        deadline=began + share * total,
        threads=run.options.threads,
        stop_below=-np.inf if target is None else target,
        on_improve=improved,
        presolve=strategy.presolve,
        isolate=strategy.isolate,
    )
    return best


def _bound_reporter(run: _Run, objective: float) -> Callable[[float], None]:
    """A callback telling the progress hook of each better bound (against ``objective``)."""
    began, _ = run.clock()
    progress = run.progress or (lambda _: None)
    progress(Progress("start", 0.0))

    def bounded(b: float) -> None:
        seconds = time.perf_counter() - began
        progress(Progress("log", seconds, objective, b, rel_gap(objective, b)))

    return bounded


def _padded(x: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate((x, np.zeros(max(0, n - len(x)))))[:n]


def _decompose(run: _Run, arrays: lns.ColumnArrays, m: Milp, x: np.ndarray) -> np.ndarray:
    """The decomposition's phase (``placement.milp.price_and_branch``) from the plan
    ``x`` (feasible or not), its bound until the strategy's bound share of the time and
    its master until its master share (without a time limit: to their work limits): its
    bound in ``run.bound``, its plan returned (``x`` if it found none better); its
    sub-MIPs on the local pool or the options' Dask scheduler."""
    options, strategy = run.options, run.strategy
    began, total = run.clock()
    timed = run.deadline is not None
    runner: Runner[BlockTask, BlockAnswer] = Runner(options.workers, options.scheduler)
    with runner:
        found = decompose(
            arrays, lns.Layout.of(m), x,
            bound_until=began + strategy.bound_share * total if timed else None,
            master_until=began + strategy.master_share * total if timed else None,
            threads=options.threads, gap=options.gap, runner=runner,
            on_bound=_bound_reporter(run, arrays.objective(x)),
        )
    run.bound = found.bound
    run.decomposed = found
    return found.x


def _search_result(run: _Run, objective: float) -> SolveResult:
    """The result when the search's plan is the result (no MIP after it)."""
    result = SolveResult.feasible(
        "HiGHS",
        objective,
        message="the model is too large for the MIP within the time limit: the plan is the "
        "neighbourhood search's"
        + (
            ", with no bound found in the time limit"
            if run.bound is None
            else ", the bound the decomposition's"
            if run.decomposed is not None
            else ", the bound a Lagrangian bound of the LP relaxation by column generation"
        ),
    )
    result = _with_bound(result, run.bound)
    if result.gap is not None and result.gap <= run.options.gap:  # the search reached the gap
        result.status, result.termination = Status.OPTIMAL, Termination.OPTIMAL
    result.searched = True
    return result


def _with_bound(r: SolveResult, bound: float | None) -> SolveResult:
    """``r`` with the better of its bound and ``bound`` (found before the MIP), the gap
    recomputed."""
    if bound is None or r.objective is None or (r.bound is not None and r.bound >= bound):
        return r
    r.bound = bound
    r.gap = rel_gap(r.objective, bound)
    return r


def outcome(h: highspy.Highs, mip: bool) -> SolveResult:
    """The SolveResult of a finished HiGHS run, from HiGHS's own model status, primal
    solution status and dual bound (``mip``: the model has integer columns)."""
    status = h.getModelStatus()
    info = h.getInfo()
    has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kOptimal:
        obj = info.objective_function_value
        bound = finite(info.mip_dual_bound) if mip else obj
        return SolveResult.optimal(
            "HiGHS", obj, bound, rel_gap(obj, bound if bound is not None else obj)
        )
    if status in TIME_LIMIT_STATUSES:
        if has_primal:
            obj = info.objective_function_value
            bound = finite(info.mip_dual_bound)
            return SolveResult.feasible("HiGHS", obj, bound, rel_gap(obj, bound))
        return SolveResult.out_of_time("HiGHS", bound=finite(info.mip_dual_bound))
    if status in INFEASIBLE_STATUSES:
        return SolveResult.infeasible("HiGHS")
    return SolveResult.error("HiGHS", f"HiGHS ended with status {h.modelStatusToString(status)}")
