"""The library API: load an instance, solve it, get a plan (with its baseline)."""

from __future__ import annotations

import os
import time
from typing import Any

from placement import accounting, budget
from placement.budget import Clock, Interrupt
from placement.data import ProblemData, prepare
from placement.diagnose import JOINT_MESSAGE, frozen_in_pilot, short_of_candidates
from placement.heuristic import start_candidates
from placement.io import read_mapping
from placement.milp.build import build
from placement.milp.variables import Milp
from placement.milp.solve import solve_milp, uses_search
from placement.plan import BaselineResult, CumulativeCost, Diagnosis, Plan, PlanPeriod
from placement.result import SolveResult, Status, Termination
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
    """One solve of a ProblemData: the result, and the schedule's accounting if any.

    With ``solve=False`` only the model is built (with its warm start): ``run`` then solves
    it and ``account`` does the accounting, so that a whole-command time limit can be
    shared out once every model is built (``placement.budget``)."""

    def __init__(
        self,
        data: ProblemData,
        options: SolveOptions,
        baseline: bool = False,
        started: float | None = None,
        solve: bool = True,
        interrupt: Interrupt | None = None,
    ) -> None:
        self.data, self.options = data, options
        self.model: Milp | None = None
        self.start: list[int] | None = None
        self.diagnosis: list[Diagnosis] = short_of_candidates(data, baseline)
        self.diagnosis += frozen_in_pilot(data)
        self.result = SolveResult.error(_solver_name(options))
        if self.diagnosis:
            self.result = SolveResult.infeasible(
                _solver_name(options), message=self.diagnosis[0].message
            )
        else:
            searched = uses_search(options, len(data.cands))
            self.start = start_candidates(data) if options.warm_start or searched else None
            self.model = build(data, interrupt=interrupt) if interrupt else build(data)
        self.periods: list[PlanPeriod] = []
        self.costs: list[dict[str, float]] = []
        self.residual: float | None = None
        self.npv: float | None = None
        self.cumulative: list[float] | None = None
        if solve:
            self.run(_within(options, started))
            self.account()

    @property
    def size(self) -> int:
        """The model's candidates (what the budget's shares are proportional to)."""
        return len(self.data.cands)

    def run(self, options: SolveOptions) -> None:
        """Solve the built model with ``options`` (its time limit: this solver run's)."""
        if self.model is None:
            return
        self.result = solve_milp(self.model, options, start_from=self.start)
        self.model = None  # the solver's copy and pulp's variables are not needed any more
        if self.result.status == Status.INFEASIBLE:
            self.diagnosis = [Diagnosis(workload=None, period=None, message=JOINT_MESSAGE)]

    def account(self) -> None:
        """The schedule's costs, NPV, cumulative cost and periods (when there is a plan)."""
        if not self.result.has_solution:
            return
        data = self.data
        schedule = schedule_from(data, self.result)
        lk = data.lk
        self.costs = accounting.period_costs(lk, data.routes, schedule)
        self.residual = accounting.residual_value(lk, schedule)
        self.npv = accounting.npv(lk, self.costs, self.residual)
        self.cumulative = accounting.cumulative_by_month(lk, self.costs)
        self.periods = plan_periods(data, schedule, self.costs)


#: The solver always gets at least this long, however long the model took to build.
MIN_SOLVER_SECONDS = budget.MIN_SOLVER_SECONDS


def _within(options: SolveOptions, started: float | None) -> SolveOptions:
    """The options with the time limit shortened by the time spent since ``started`` (the
    candidates, the warm start and the model count against the limit, not only the
    solver's search)."""
    if options.time_limit is None or started is None:
        return options
    left = options.time_limit - (time.perf_counter() - started)
    return _limited(options, left)


def _limited(options: SolveOptions, seconds: float) -> SolveOptions:
    """The options with this solver run's time limit (at least MIN_SOLVER_SECONDS)."""
    return options.model_copy(update={"time_limit": max(MIN_SOLVER_SECONDS, seconds)})


def _solver_name(options: SolveOptions) -> str:
    return "CBC" if options.solver == "cbc" else "HiGHS"


def _opt(x: float | None) -> float | None:
    return None if x is None else money(x)


def solve(
    instance: Instance | str | os.PathLike[str] | dict[str, Any],
    options: SolveOptions | None = None,
    started: float | None = None,
    clock: Clock = time.perf_counter,
) -> Plan:
    """Solve an instance and its stay-put baseline; never raises for infeasible or
    time-limited runs (see ``Plan.status``). Raises InstanceError for a bad instance.

    ``options.time_limit`` bounds the whole call (``placement.budget``): loading, the
    candidates, both models, the baseline's solve then the plan's, the accounting and the
    independent check, counted from ``started`` (a reading of ``clock``; default: now, so
    a caller that loaded the instance itself can pass when it began)."""
    options = options or SolveOptions()
    clock_started = clock() if started is None else started
    limit = budget.Budget(options.time_limit, clock, clock_started)
    inst = load_instance(instance)
    timed = options.time_limit is not None
    try:
        main, base = _prepared(inst, options, limit if timed else None)
    except budget.TimeUp as exc:
        return _out_of_time(inst, options, exc.phase, limit)
    separate = base is not None and base is not main
    listed = sum(w.replicas for w in inst.workloads) * len(inst.horizon.periods)
    reserved = budget.reserve(listed * (2 if separate else 1))
    if not timed:
        if separate:
            assert base is not None
            base.run(options)
        main.run(options)
    else:
        try:
            if separate:
                assert base is not None
                limit.interrupt("before the baseline's solver started")()
                seconds = budget.baseline_seconds(limit.left(), main.size, base.size, reserved)
                base.run(_limited(options, seconds))
            limit.interrupt("before the plan's solver started")()
        except budget.TimeUp as exc:
            return _out_of_time(inst, options, exc.phase, limit)
        main.run(_limited(options, budget.plan_seconds(limit.left(), reserved)))
    main.account()
    if separate:
        assert base is not None
        base.account()
    return checked(inst, _assemble(inst, options, main, base))


def _prepared(
    inst: Instance, options: SolveOptions, limit: budget.Budget | None
) -> tuple[_Outcome, _Outcome | None]:
    """The plan's and the baseline's models, built (the baseline None without
    ``options.baseline``; the plan's own when no workload is pinned); with ``limit``, the
    loading, the candidates and each constraint family are checked against it."""
    check = None if limit is None else limit.interrupt
    if check is not None:
        check("while loading the instance")()
    making = check and check("while making the candidates")
    data = prepare(inst, options.formulation, interrupt=making)
    building = check and check("while building the model")
    main = _Outcome(data, options, solve=False, interrupt=building)
    base = None
    if options.baseline:
        pinned = any(w.current for w in inst.workloads)
        base = (
            _Outcome(
                data.pinned(),
                options,
                baseline=True,
                solve=False,
                interrupt=check and check("while building the baseline's model"),
            )
            if pinned
            else main
        )
    return main, base


def _out_of_time(inst: Instance, options: SolveOptions, phase: str, limit: budget.Budget) -> Plan:
    """The plan of a solve whose time limit ran out before any plan existed (with the
    baseline, when asked for, unsolved alike)."""
    message = (
        f"no plan: the time limit of {options.time_limit:g} s was reached {phase} "
        f"(after {limit.elapsed():.1f} s)"
    )
    baseline = None
    if options.baseline:
        baseline = BaselineResult(
            status=Status.ERROR,
            npv=None,
            savings=None,
            break_even_month=None,
            solver=_solver_name(options),
            solve_seconds=0.0,
            message=message,
        )
    return Plan(
        instance=inst.name,
        currency=inst.currency,
        status=Status.ERROR,
        termination=Termination.TIME_LIMIT,
        message=message,
        solver=_solver_name(options),
        options=options.model_dump(exclude={"baseline", "formulation"}),
        baseline=baseline,
    )


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
    return plan.model_copy(update={"status": str(Status.ERROR), "message": message})


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
