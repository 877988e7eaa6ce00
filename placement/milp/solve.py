"""Run a solver on a built MILP and map its outcome to a typed, honest status.

pulp reports a time-limited run as "Optimal"; here the status comes from the
solver itself: HiGHS's model status, primal solution status, dual bound and gap;
CBC's solution status and the bound printed in its log.
"""

from __future__ import annotations

import math
import operator
import os
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pulp

from placement.milp import lns
from placement.milp.bound import column_generation
from placement.milp.model import Milp, Rows
from placement.milp.start import complete_start
from placement.result import SolveResult as SolveResult  # re-exported: the solver's result
from placement.result import Status, Termination
from placement.schema.options import SolveOptions

TIME_LIMIT_STATUSES = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kSolutionLimit,
}


#: With a time limit, HiGHS's presolve is switched off above this many nonzeros: at XL
#: (3.4 million) its MIP presolve ran for over 30 minutes of a 10-minute limit without
#: checking the clock (docs/performance.md), while without it the limit is kept and the
#: warm start is returned on time. Below it (L: 0.2 million) presolve takes about a second.
PRESOLVE_NONZERO_LIMIT = 1_000_000

#: ``search="auto"`` runs the neighbourhood search (``placement.milp.lns``) before the MIP
#: when there is a time limit and at least this many candidates (M: about 5,000; S, proven
#: optimal by HiGHS in seconds: under 1,000).
LNS_MIN_CANDIDATES = 2_000
#: Above this many nonzeros the LP relaxation's bound comes from column generation
#: (``placement.milp.bound``; at XL, 3.4 million, one LP does not finish in 10 minutes),
#: with at most COLUMN_GENERATION_SHARE of the time limit; below it from one LP with at
#: most LP_SHARE (L: 0.2 million, about 7 s).
LP_NONZERO_LIMIT = PRESOLVE_NONZERO_LIMIT
LP_SHARE = 0.15
COLUMN_GENERATION_SHARE = 0.35
#: The search ends at SEARCH_SHARE of the time limit (the MIP, started from its plan, gets
#: the rest to raise the bound), or at SEARCH_SHARE_NO_BOUND when the LP was not solved in
#: its share.
SEARCH_SHARE = 0.7
SEARCH_SHARE_NO_BOUND = 0.9
# Above LP_NONZERO_LIMIT the MIP does not run after the search: without presolve its root
# LP does not finish, and it overruns its limit (at XL, given 6 s it ran about 25 s; given
# 17 s, 24 s). The search has the rest of the limit and its plan is the result, with the
# column generation's bound (``_Highs.solution``).

#: The MIP after the search gets at least this long (it checks the search's plan).
MIN_MIP_SECONDS = 1.0


class _Highs(pulp.HiGHS):  # type: ignore[misc]
    """pulp's HiGHS, passing the objective's constant to HiGHS as its offset, and an
    optional start: values of some variables, which HiGHS completes or repairs.

    Given a Milp's ``pending`` rows and ``columns`` (its variables), a model with no pulp
    constraints goes to HiGHS with those columns in that order and values come back to
    them alone: pulp's sorting of every variable by name, twice per solve, is skipped.
    With pulp constraints (analyses), columns are pulp's (``lp.variables()``)."""

    progress: ProgressHook | None = None
    presolve_nonzero_limit: int | None = None
    start: dict[pulp.LpVariable, float] | None = None
    pending: Rows | None = None
    columns: list[pulp.LpVariable] | None = None
    search: Milp | None = None  # run the neighbourhood search on this Milp's columns first
    bound: float | None = None  # a bound found before the MIP (the LP relaxation's)
    searched: bool = False  # the search ran (a start that was a solution)
    solution: np.ndarray | None = None  # the search's plan, when the MIP does not run after it
    solution_objective: float | None = None  # and its objective
    deadline: float | None = None  # perf_counter reading: the time limit, hand-over included

    def _columns(self, lp: pulp.LpProblem) -> list[pulp.LpVariable]:
        if self.columns is not None and not lp._constraints:
            return self.columns
        self.columns = None
        lp._add_variables(set((self.pending or Rows()).var))
        return list(lp.variables())

    def actualSolve(self, lp: pulp.LpProblem) -> int:
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        self.callSolver(lp)
        status, sol_status = self.findSolutionValues(lp)
        lp.assignStatus(status, sol_status)
        return int(status)

    def findSolutionValues(self, lp: pulp.LpProblem) -> tuple[int, int]:
        if self.solution is not None and self.columns is not None:
            for var, value in zip(self.columns, self.solution, strict=True):
                var.varValue = value
            return pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible
        if self.columns is None:
            return tuple(super().findSolutionValues(lp))
        h: highspy.Highs = lp.solverModel
        for var, value in zip(self.columns, h.getSolution().col_value, strict=True):
            var.varValue = value
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return pulp.LpStatusOptimal, pulp.LpSolutionOptimal
        if status in (
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible
        if h.getInfo().primal_solution_status == 2:
            return pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible
        return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:
        """The model pulp's ``HiGHS.buildSolverModel`` builds (rows in ``lp.constraints``
        order, zero coefficients left out), then the ``pending`` rows a Milp has not made
        pulp constraints; handed over in bulk calls instead of one call per column and per
        row; plus the objective's offset."""
        h: highspy.Highs = lp.solverModel
        inf = highspy.kHighsInf
        pending = self.pending or Rows()
        variables = self._columns(lp)
        n = len(variables)
        sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        cost, lower, upper = np.zeros(n), np.full(n, -inf), np.full(n, inf)
        integer = []
        objective = lp.objective
        for i, var in enumerate(variables):
            var.index = i
            cost[i] = sign * objective.get(var, 0.0)
            if var.lowBound is not None:
                lower[i] = var.lowBound
            if var.upBound is not None:
                upper[i] = var.upBound
            if var.cat == pulp.LpInteger and self.mip:
                integer.append(i)
        h.addCols(
            n, cost, lower, upper, 0, np.zeros(1, np.int32), np.zeros(0, np.int32), np.zeros(0)
        )
        if integer:
            kinds = np.full(len(integer), highspy.HighsVarType.kInteger)
            h.changeColsIntegrality(len(integer), np.array(integer, np.int32), kinds)
        constraints = list(lp._constraints.values())
        starts, index, value = [0], [], []
        row_lower, row_upper = [], []
        for r, con in enumerate(constraints):
            con.index = r
            for var, coefficient in con.items():
                if coefficient != 0:
                    index.append(var.index)
                    value.append(coefficient)
            starts.append(len(index))
            row_lower.append(con.getLb())
            row_upper.append(con.getUb())
        base = len(index)
        index += map(_INDEX, pending.var)
        value += pending.coef
        starts += [base + e for e in pending.start[1:]]
        row_lower += pending.lower
        row_upper += pending.upper
        if row_lower:
            starts_, index_, value_ = _csr(starts, index, value, n)
            h.addRows(
                len(row_lower),
                np.array([-inf if b is None else b for b in row_lower], np.float64),
                np.array([inf if b is None else b for b in row_upper], np.float64),
                len(index_),
                starts_[:-1],
                index_,
                value_,
            )
        h.changeObjectiveOffset(float(objective.constant))

    def _left(self) -> float:
        """Seconds left of the time limit (counted from ``solve_milp``'s start, so the
        hand-over to HiGHS counts), at least MIN_MIP_SECONDS."""
        assert self.deadline is not None
        return max(MIN_MIP_SECONDS, self.deadline - time.perf_counter())

    def callSolver(self, lp: pulp.LpProblem) -> None:
        h: highspy.Highs = lp.solverModel
        if self.deadline is not None:
            self.timeLimit = self._left()
            h.setOptionValue("time_limit", float(self.timeLimit))
        limit = self.presolve_nonzero_limit
        if limit is not None and h.getNumNz() > limit:
            h.setOptionValue("presolve", "off")
        index = np.array([v.index for v in self.start or {}], dtype=np.int32)
        value = np.array(list((self.start or {}).values()), dtype=np.float64)
        searched = (
            self.search is not None and self.columns is not None and len(index) == len(self.columns)
        )
        if searched:
            value = self._search(h, value[np.argsort(index)])
            index = np.arange(len(value), dtype=np.int32)
        if self.solution is not None:
            return  # above LP_NONZERO_LIMIT: the search's plan is the result
        if self.progress is not None:
            watch_progress(h, _at_least(self.bound, self.progress), announce=not searched)
        if len(index):
            h.setSolution(len(index), index, value)
        if self.deadline is not None and not searched:
            h.setOptionValue("time_limit", self._left())
        super().callSolver(lp)

    def _search(self, h: highspy.Highs, x: np.ndarray) -> np.ndarray:
        """The neighbourhood search's plan from the complete start ``x`` (its shares of
        the time limit: LP_SHARE, SEARCH_SHARE); sets the MIP's time limit to what is
        left, or, above LP_NONZERO_LIMIT, makes the plan the result (``solution``). A start
        that is not a solution is returned as it is."""
        began = time.perf_counter()
        total = float(self.timeLimit)
        if self.progress is not None:
            self.progress(Progress("start", 0.0))
        arrays = lns.ColumnArrays.of(h)
        if arrays.violation(x) > lns.FEASIBILITY_TOLERANCE:
            return x
        self.searched = True
        assert self.search is not None
        layout = lns.Layout.of(self.search, arrays.n_cols)
        progress = self.progress or (lambda _: None)
        share = SEARCH_SHARE
        large = h.getNumNz() > LP_NONZERO_LIMIT
        if not large:
            self.bound = lns.lp_bound(arrays, LP_SHARE * total, self.threads)
        else:
            objective = arrays.objective(x)

            def bounded(b: float) -> None:
                seconds = time.perf_counter() - began
                progress(Progress("log", seconds, objective, b, _rel_gap(objective, b)))

            self.bound = column_generation(
                arrays, layout, x, began + COLUMN_GENERATION_SHARE * total, self.threads, bounded
            )
            share = 1.0
        report = _at_least(self.bound, progress)
        report(Progress("log", time.perf_counter() - began, arrays.objective(x)))

        def improved(objective: float) -> None:
            report(Progress("incumbent", time.perf_counter() - began, objective))

        if self.bound is None:
            share = max(share, SEARCH_SHARE_NO_BOUND)
        gap = self.gapRel or 0.0
        target = self.bound / (1.0 - gap) if self.bound is not None and self.bound > 0 else None
        best, _stats = lns.search(
            arrays,
            layout,
            x,
            deadline=began + share * total,
            threads=self.threads,
            stop_below=-np.inf if target is None else target,
            on_improve=improved,
            presolve=not large,
            isolate=large,
        )
        if large:
            self.solution, self.solution_objective = best, arrays.objective(best)
        left = total - (time.perf_counter() - began)
        h.setOptionValue("time_limit", max(MIN_MIP_SECONDS, left))
        return best


def _csr(
    starts: list[int], index: list[int], value: list[float], n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise sparse arrays (starts, column indices, values) with each column at most
    once per row (coefficients summed) and no zero coefficients, in the given order."""
    start = np.array(starts, np.int64)
    col, val = np.array(index, np.int64), np.array(value, np.float64)
    row = np.repeat(np.arange(len(start) - 1), np.diff(start))
    key = row * n_cols + col
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if len(unique) < len(key):  # a column twice in a row: sum, keep the first's place
        total = np.bincount(inverse, weights=val, minlength=len(unique))
        order = np.sort(first)
        row, col, val = row[order], col[order], total[inverse[order]]
    keep = val != 0
    row, col, val = row[keep], col[keep], val[keep]
    counts = np.bincount(row, minlength=len(start) - 1)
    start = np.concatenate(([0], np.cumsum(counts)))
    return start.astype(np.int32), col.astype(np.int32), val


# -- Optional progress reporting (benchmarks); no effect unless a hook is given. -----------


@dataclass(frozen=True)
class Progress:
    """One progress event of a HiGHS solve.

    ``event``: "start" (the model is in HiGHS; the search begins), "incumbent" (an improving
    plan) or "log" (a MIP log line: the bound may have moved). ``seconds``: HiGHS's running
    time. ``objective`` (incumbent) and ``bound`` include the objective's constant; ``gap`` is
    HiGHS's relative gap; each is None while it does not exist yet.
    """

    event: str
    seconds: float
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None


ProgressHook = Callable[[Progress], None]


def watch_progress(h: highspy.Highs, hook: ProgressHook, announce: bool = True) -> None:
    """Report the search of ``h`` to ``hook``: "start" now (unless ``announce`` is False),
    then every improving solution and every MIP log line (HiGHS calls back even with its
    output off). Call it on any Highs object just before ``run()``."""
    improving = highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution

    def on(event: Any) -> None:
        d = event.data_out
        hook(
            Progress(
                "incumbent" if event.callback_type == improving else "log",
                float(d.running_time),
                _finite(d.mip_primal_bound),
                _finite(d.mip_dual_bound),
                _finite(d.mip_gap),
            )
        )

    if announce:
        hook(Progress("start", 0.0))
    h.cbMipImprovingSolution.subscribe(on)
    h.cbMipLogging.subscribe(on)


def _at_least(bound: float | None, hook: ProgressHook) -> ProgressHook:
    """``hook``, told of ``bound`` (a lower bound known before the MIP) in every event:
    an event's bound is the better of its own and ``bound``, its gap recomputed."""
    if bound is None:
        return hook

    def on(p: Progress) -> None:
        b = bound if p.bound is None else max(bound, p.bound)
        gap = None if p.objective is None else _rel_gap(p.objective, b)
        hook(Progress(p.event, p.seconds, p.objective, b, gap))

    return on


_BANNER_ABSORBED = False


def _absorb_highs_banner() -> None:
    """HiGHS prints a banner to fd 1 on its first construction in a process; library code
    never prints, so the first instance is made while fd 1 points at /dev/null."""
    global _BANNER_ABSORBED
    if _BANNER_ABSORBED:
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_ABSORBED = True


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _rel_gap(objective: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9) if objective or bound else 0.0


def solve_milp(
    m: Milp,
    options: SolveOptions,
    progress: ProgressHook | None = None,
    start_from: Sequence[int] | None = None,
) -> SolveResult:
    """Solve ``m`` with the chosen solver; never raises for infeasible or time-limited runs.
    ``progress`` (HiGHS only, optional) receives the search's progress (``watch_progress``);
    ``start_from`` (HiGHS only, optional) the candidates of a plan to start from: their ``x`` are
    1, every other ``x`` 0, and every other variable the least value the constraints allow
    (``placement.milp.start``): HiGHS checks a whole solution, or repairs it."""
    start = time.perf_counter()
    if not m.n_variables and not m.problem.variables():
        return _read_values(
            m,
            SolveResult.optimal("none", m.objective_constant, m.objective_constant, 0.0),
        )
    result = (
        _solve_cbc(m, options)
        if options.solver == "cbc"
        else _solve_highs(m, options, progress, start_from)
    )
    result.seconds = time.perf_counter() - start
    return _read_values(m, result) if result.has_solution else result


_SCHEDULER_THREADS: list[int | None] = [None]


def _use_threads(threads: int | None) -> None:
    """HiGHS sizes one global thread scheduler per process at its first run; a later run
    asking for another size fails ("Not Set") unless the scheduler is reset first."""
    if threads != _SCHEDULER_THREADS[0]:
        highspy.Highs.resetGlobalScheduler(True)
        _SCHEDULER_THREADS[0] = threads


def _solve_highs(
    m: Milp,
    options: SolveOptions,
    progress: ProgressHook | None = None,
    start_from: Sequence[int] | None = None,
) -> SolveResult:
    _absorb_highs_banner()
    _use_threads(options.threads)
    solver = _Highs(
        msg=False,
        gapRel=options.gap,
        gapAbs=1e-6,
        timeLimit=options.time_limit,
        threads=options.threads,
    )
    solver.progress = progress
    if options.time_limit is not None:
        solver.presolve_nonzero_limit = PRESOLVE_NONZERO_LIMIT
        solver.deadline = time.perf_counter() + options.time_limit
    solver.pending, solver.columns = m.pending, m.columns()
    if start_from is not None:
        solver.start = complete_start(m, start_from)
        if uses_search(options, len(m.data.cands)) and not m.problem.numConstraints():
            solver.search = m
    try:
        m.problem.solve(solver)
    except pulp.PulpSolverError as exc:
        return SolveResult.error("HiGHS", str(exc))
    if solver.solution is not None:
        result = SolveResult.feasible(
            "HiGHS",
            solver.solution_objective,
            message="the model is too large for the MIP within the time limit: the plan is the "
            "neighbourhood search's"
            + (
                ", with no bound found in the time limit"
                if solver.bound is None
                else ", the bound a Lagrangian bound of the LP relaxation by column generation"
            ),
        )
    else:
        result = _highs_outcome(m.problem.solverModel, bool(m.data.cands))
    result = _with_bound(result, solver.bound)
    if solver.solution is not None and result.gap is not None and result.gap <= options.gap:
        # the search reached the gap
        result.status, result.termination = Status.OPTIMAL, Termination.OPTIMAL
    result.searched = solver.searched
    return result


def uses_search(options: SolveOptions, n_candidates: int) -> bool:
    """Whether HiGHS runs the neighbourhood search before the MIP (given a start plan):
    ``search="lns"``, or ``"auto"`` with at least LNS_MIN_CANDIDATES candidates; either
    way only with a time limit (the search has no proof to give, only the MIP does)."""
    if options.time_limit is None or options.search == "mip":
        return False
    return options.search == "lns" or n_candidates >= LNS_MIN_CANDIDATES


def _with_bound(r: SolveResult, bound: float | None) -> SolveResult:
    """``r`` with the better of its bound and ``bound`` (found before the MIP), the gap
    recomputed."""
    if bound is None or r.objective is None or (r.bound is not None and r.bound >= bound):
        return r
    r.bound = bound
    r.gap = _rel_gap(r.objective, bound)
    return r


def _highs_outcome(h: highspy.Highs, mip: bool) -> SolveResult:
    """The SolveResult of a finished HiGHS run, from HiGHS's own model status, primal
    solution status and dual bound (``mip``: the model has integer columns)."""
    status = h.getModelStatus()
    info = h.getInfo()
    has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kOptimal:
        obj = h.getInfo().objective_function_value
        bound = _finite(info.mip_dual_bound) if mip else obj
        return SolveResult.optimal(
            "HiGHS", obj, bound, _rel_gap(obj, bound if bound is not None else obj)
        )
    if status in TIME_LIMIT_STATUSES:
        if has_primal:
            obj = info.objective_function_value
            bound = _finite(info.mip_dual_bound)
            return SolveResult.feasible("HiGHS", obj, bound, _rel_gap(obj, bound))
        return SolveResult.out_of_time("HiGHS", bound=_finite(info.mip_dual_bound))
    if status in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        return SolveResult.infeasible("HiGHS")
    return SolveResult.error(
        "HiGHS", f"HiGHS ended with status {h.modelStatusToString(status)}"
    )


_INDEX = operator.attrgetter("index")
_CBC_BOUND = re.compile(r"^(?:Lower bound|Best possible):\s*(\S+)", re.M)


def _solve_cbc(m: Milp, options: SolveOptions) -> SolveResult:
    with tempfile.TemporaryDirectory(prefix="placement-cbc-") as tmp:
        log = Path(tmp) / "cbc.log"
        with warnings.catch_warnings():
            # pulp 3.3 deprecates the bundled CBC for pulp 4; it still ships and works.
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(
                msg=False,
                timeLimit=options.time_limit,
                gapRel=options.gap,
                threads=options.threads,
                logPath=str(log),
            )
        try:
            m.prob.solve(solver)
        except pulp.PulpSolverError as exc:
            return SolveResult.error("CBC", str(exc))
        text = log.read_text(errors="replace") if log.exists() else ""
    return _cbc_outcome(m.prob, options.time_limit, text)


_CBC_PREPROCESS_INFEASIBLE = "Pre-processing says infeasible"
_CBC_WALLCLOCK = re.compile(r"\(Wallclock seconds\):\s*([0-9.]+)")


def _cbc_outcome(prob: pulp.LpProblem, time_limit: float | None, log: str) -> SolveResult:
    """The SolveResult of a finished CBC run, from pulp's solution status and the bound
    CBC printed in its ``log`` (``time_limit``: the run's limit, None for none).

    CBC 2.10 interrupted by its time limit in preprocessing says "Pre-processing says
    infeasible" of feasible models: with the limit reached, that is no proof, and the run
    is reported as time-limited without a plan."""
    time_limited = time_limit is not None
    if prob.status == pulp.LpStatusInfeasible and time_limit is not None:
        clock = _CBC_WALLCLOCK.findall(log)
        out_of_time = not clock or float(clock[-1]) >= time_limit * 0.99
        if _CBC_PREPROCESS_INFEASIBLE in log and out_of_time:
            return SolveResult.out_of_time(
                "CBC",
                "no feasible plan found within the time limit (CBC's preprocessing "
                "was interrupted; its 'infeasible' is no proof)",
            )
    const = float(prob.objective.constant)
    if prob.sol_status == pulp.LpSolutionOptimal:
        obj = float(pulp.value(prob.objective))
        return SolveResult.optimal("CBC", obj, obj, 0.0)
    if prob.sol_status == pulp.LpSolutionIntegerFeasible:
        obj = float(pulp.value(prob.objective))
        found = _CBC_BOUND.findall(log)
        bound = float(found[-1]) + const if found else None
        return SolveResult.feasible("CBC", obj, bound, _rel_gap(obj, bound))
    if prob.status == pulp.LpStatusInfeasible:
        return SolveResult.infeasible("CBC")
    if time_limited:
        return SolveResult.out_of_time("CBC")
    return SolveResult.error("CBC", f"CBC ended with status {pulp.LpStatus[prob.status]}")


def _read_values(m: Milp, r: SolveResult) -> SolveResult:
    """Binaries read by threshold, integers rounded."""
    r.chosen = sorted(k for k, v in m.x.items() if (v.varValue or 0.0) > 0.5)
    r.rent = {k: round(v.varValue or 0.0) for k, v in m.rent.items() if round(v.varValue or 0.0)}
    r.buy = {k: round(v.varValue or 0.0) for k, v in m.buy.items() if round(v.varValue or 0.0)}
    return r
