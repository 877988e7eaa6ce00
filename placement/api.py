"""The library API: load an instance, solve it, get a plan (with its baseline)."""

from __future__ import annotations

import os
import time
from typing import Any

from placement import accounting
from placement.data import ProblemData, prepare
from placement.diagnose import JOINT_MESSAGE, frozen_in_pilot, short_of_candidates
from placement.heuristic import start_candidates
from placement.io import read_mapping
from placement.milp.build import build
from placement.milp.solve import SolveResult, solve_milp, uses_search
from placement.plan import BaselineResult, CumulativeCost, Diagnosis, Plan, PlanPeriod
from placement.schema import Instance
from placement.schema.options import SolveOptions
from placement.solution import money, plan_periods, schedule_from
from placement.validate import validate


def load_instance(source: str | os.PathLike[str] | dict[str, Any] | Instance) -> Instance:
    """A path (YAML or JSON; ``example:NAME`` for a bundled one), a mapping, or an Instance."""
    if isinstance(source, Instance):
        return source
    if isinstance(source, dict):
        return validate(source)
    return validate(read_mapping(source))


class _Outcome:
    """One solve of a ProblemData: the result, and the schedule's accounting if any."""

    def __init__(
        self,
        data: ProblemData,
        options: SolveOptions,
        baseline: bool = False,
        started: float | None = None,
    ) -> None:
        self.diagnosis: list[Diagnosis] = short_of_candidates(data, baseline)
        self.diagnosis += frozen_in_pilot(data)
        if self.diagnosis:
            self.result = SolveResult(
                "infeasible",
                "infeasible",
                _solver_name(options),
                0.0,
                message=self.diagnosis[0].message,
            )
        else:
            searched = uses_search(options, len(data.cands))
            start = start_candidates(data) if options.warm_start or searched else None
            m = build(data)
            self.result = solve_milp(m, _within(options, started), start_from=start)
            if self.result.status == "infeasible":
                self.diagnosis = [Diagnosis(workload=None, period=None, message=JOINT_MESSAGE)]
        self.periods: list[PlanPeriod] = []
        self.costs: list[dict[str, float]] = []
        self.residual = self.npv = None
        self.cumulative: list[float] | None = None
        if self.result.has_solution:
            schedule = schedule_from(data, self.result)
            lk = data.lk
            self.costs = accounting.period_costs(lk, data.routes, schedule)
            self.residual = accounting.residual_value(lk, schedule)
            self.npv = accounting.npv(lk, self.costs, self.residual)
            self.cumulative = accounting.cumulative_by_month(lk, self.costs)
            self.periods = plan_periods(data, schedule)


#: The solver always gets at least this long, however long the model took to build.
MIN_SOLVER_SECONDS = 1.0


def _within(options: SolveOptions, started: float | None) -> SolveOptions:
    """The options with the time limit shortened by the time spent since ``started`` (the
    candidates, the warm start and the model count against the limit, not only the
    solver's search)."""
    if options.time_limit is None or started is None:
        return options
    left = options.time_limit - (time.perf_counter() - started)
    return options.model_copy(update={"time_limit": max(MIN_SOLVER_SECONDS, left)})


def _solver_name(options: SolveOptions) -> str:
    return "CBC" if options.solver == "cbc" else "HiGHS"


def _opt(x: float | None) -> float | None:
    return None if x is None else money(x)


def solve(
    instance: Instance | str | os.PathLike[str] | dict[str, Any],
    options: SolveOptions | None = None,
) -> Plan:
    """Solve an instance and its stay-put baseline; never raises for infeasible or
    time-limited runs (see ``Plan.status``). Raises InstanceError for a bad instance.

    ``options.time_limit`` bounds each of the two solves (plan, baseline) from its start,
    model building included; the solver gets at least ``MIN_SOLVER_SECONDS``."""
    inst = load_instance(instance)
    options = options or SolveOptions()
    started = time.perf_counter()
    data = prepare(inst, options.formulation)
    main = _Outcome(data, options, started=started)
    base = None
    if options.baseline:
        pinned = any(w.current for w in inst.workloads)
        if pinned:
            base = _Outcome(data.pinned(), options, baseline=True, started=time.perf_counter())
        else:
            base = main
    return checked(inst, _assemble(inst, options, main, base))


#: How many of a rejected plan's violations its message quotes.
QUOTED_VIOLATIONS = 3


def checked(inst: Instance, plan: Plan) -> Plan:
    """``plan`` if the independent evaluator accepts it; otherwise the same plan with status
    ``error`` and the first violations (and their count) in its message: a plan that breaks
    a rule is never reported as ``optimal`` or ``feasible``."""
    if not plan.has_solution:
        return plan
    from placement.evaluate import evaluate

    found = evaluate(inst, plan).violations
    if not found:
        return plan
    shown = "; ".join(v[:200] for v in found[:QUOTED_VIOLATIONS])
    message = (
        f"the solver's plan fails the independent check ({len(found)} violation(s)): {shown}"
    )
    return plan.model_copy(update={"status": "error", "message": message})


def _assemble(inst: Instance, options: SolveOptions, main: _Outcome, base: _Outcome | None) -> Plan:
    r = main.result
    baseline = cumulative = None
    if base is not None:
        b = base.result
        savings = be = None
        if main.npv is not None and base.npv is not None:
            savings = money(base.npv - main.npv)
            assert main.cumulative is not None and base.cumulative is not None
            be = accounting.break_even_month(main.cumulative, base.cumulative)
        baseline = BaselineResult(
            status=b.status,
            npv=_opt(base.npv),
            savings=savings,
            break_even_month=be,
            objective=_opt(b.objective),
            bound=_opt(b.bound),
            gap=_gap(b.gap),
            solver=b.solver,
            solve_seconds=round(b.seconds, 3),
            message=b.message,
            periods=base.periods,
        )
    if main.cumulative is not None:
        cumulative = CumulativeCost(
            plan=[money(v) for v in main.cumulative],
            baseline=[money(v) for v in base.cumulative] if base and base.cumulative else None,
        )
    totals = {
        k: money(sum(c[k] for c in main.costs)) for k in (main.costs[0] if main.costs else {})
    }
    return Plan(
        instance=inst.name,
        currency=inst.currency,
        status=r.status,
        termination=r.termination,
        message=r.message,
        objective=_opt(r.objective),
        bound=_opt(r.bound),
        gap=_gap(r.gap),
        solver=r.solver,
        solve_seconds=round(r.seconds, 3),
        options=options.model_dump(exclude={"baseline", "formulation"}),
        periods=main.periods,
        residual_value=_opt(main.residual),
        npv=_opt(main.npv),
        totals=totals,
        baseline=baseline,
        cumulative_cost=cumulative,
        diagnosis=main.diagnosis,
    )


def _gap(g: float | None) -> float | None:
    return None if g is None else float(f"{g:.3e}") + 0.0
