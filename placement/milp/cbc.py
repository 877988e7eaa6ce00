"""CBC through pulp, on the pulp problem of a ``Model`` (``placement.milp.export``), its
status read honestly: pulp's solution status and the bound CBC printed in its log."""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pulp

from placement.milp.export import to_pulp
from placement.milp.model import Model
from placement.milp.progress import rel_gap
from placement.result import SolveResult
from placement.schema.options import SolveOptions

_CBC_BOUND = re.compile(r"^(?:Lower bound|Best possible):\s*(\S+)", re.M)


def solve(m: Model, options: SolveOptions) -> tuple[SolveResult, np.ndarray | None]:
    """Solve ``m`` with CBC (through pulp); the result and the column values (None
    without a plan)."""
    prob, variables = to_pulp(m)
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
            prob.solve(solver)
        except pulp.PulpSolverError as exc:
            return SolveResult.error("CBC", str(exc)), None
        text = log.read_text(errors="replace") if log.exists() else ""
    result = outcome(prob, options.time_limit, text)
    if not result.has_solution:
        return result, None
    return result, np.array([v.varValue or 0.0 for v in variables], np.float64)


_CBC_PREPROCESS_INFEASIBLE = "Pre-processing says infeasible"
_CBC_WALLCLOCK = re.compile(r"\(Wallclock seconds\):\s*([0-9.]+)")


def outcome(prob: pulp.LpProblem, time_limit: float | None, log: str) -> SolveResult:
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
        return SolveResult.feasible("CBC", obj, bound, rel_gap(obj, bound))
    if prob.status == pulp.LpStatusInfeasible:
        return SolveResult.infeasible("CBC")
    if time_limited:
        return SolveResult.out_of_time("CBC")
    return SolveResult.error("CBC", f"CBC ended with status {pulp.LpStatus[prob.status]}")
