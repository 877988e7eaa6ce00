"""One solve of prepared data, the same for the API and every analysis.

``solve_data(data, options, extras=..., fixed=...)`` diagnoses what no solver needs to
prove (a workload short of candidates, a pilot period that freezes a move), builds the
model with the analysis's extras (``placement.milp.build``: CVaR, epsilon-constraints,
elastic rows), fixes placements, solves it with the warm start, the search and the time
limit of ``options`` (``placement.milp.solve``), and accounts for the schedule: a frozen
``Outcome``. ``Prepared`` splits that in two (build now, solve later) so that a
whole-command time limit can be shared out once every model is built
(``placement.budget``). ``assemble`` and ``checked`` turn outcomes into a plan that the
independent evaluator has accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from placement import accounting, budget
from placement.accounting import Schedule
from placement.data import ProblemData
from placement.diagnose import JOINT_MESSAGE, frozen_in_pilot, short_of_candidates
from placement.heuristic import start_candidates
from placement.milp.build import Extra, build
from placement.milp.solve import solve_milp, uses_search
from placement.milp.variables import Milp
from placement.plan import Diagnosis, PlanPeriod
from placement.result import SolveResult, Status
from placement.schema import Instance
from placement.schema.options import SolveOptions
from placement.solution import plan_periods, schedule_from

#: The solver always gets at least this long, however long the model took to build.
MIN_SOLVER_SECONDS = budget.MIN_SOLVER_SECONDS


@dataclass(frozen=True)
class Outcome:
    """One solve of a ProblemData: the solver's result, the diagnosis, and, when there is
    a plan, its schedule and accounting (costs per period, residual value, NPV,
    cumulative cost by month, the plan's periods, committed_after_horizon,
    annualized_npv). Picklable: no solver objects."""

    result: SolveResult
    diagnosis: tuple[Diagnosis, ...] = ()
    schedule: Schedule | None = None
    costs: tuple[dict[str, float], ...] = ()
    residual: float | None = None
    npv: float | None = None
    cumulative: tuple[float, ...] | None = None
    periods: tuple[PlanPeriod, ...] = ()
    after_horizon: float | None = None  # committed_after_horizon
    annualized: float | None = None  # annualized_npv
    emissions: tuple[float, ...] = ()  # tCO2e per period (v2)


def solver_name(options: SolveOptions) -> str:
    return "CBC" if options.solver == "cbc" else "HiGHS"


@dataclass(frozen=True)
class FixedPlacements:
    """An extra that keeps exactly the candidates ``keep``: every other ``x`` is fixed at 0
    (picklable, like every extra, for the sweeps' workers)."""

    keep: frozenset[int]

    def __call__(self, m: Milp) -> None:
        m.fix((j for k, j in m.x.items() if k not in self.keep), 0.0)


@dataclass
class Prepared:
    """A model built (with its warm start), not yet solved; ``run`` solves it and returns
    the ``Outcome``. With a diagnosis there is no model: ``run`` reports it."""

    data: ProblemData
    options: SolveOptions
    extras: Sequence[Extra] = ()
    baseline: bool = False
    interrupt: Callable[[], None] | None = None
    model: Milp | None = field(default=None, init=False)
    start: list[int] | None = field(default=None, init=False)
    diagnosis: list[Diagnosis] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        data, options = self.data, self.options
        self.diagnosis = short_of_candidates(data, self.baseline) + frozen_in_pilot(data)
        if self.diagnosis:
            return
        if options.warm_start or uses_search(options, len(data.cands)):
            self.start = start_candidates(data)
        self.model = build(data, extras=self.extras, interrupt=self.interrupt)

    @property
    def size(self) -> int:
        """The model's candidates (what the budget's shares are proportional to)."""
        return len(self.data.cands)

    def run(self, options: SolveOptions | None = None) -> Outcome:
        """Solve the built model with ``options`` (default: the prepared ones; its time
        limit is this solver run's); the model is released."""
        options = options or self.options
        if self.model is None:
            message = self.diagnosis[0].message if self.diagnosis else ""
            result = SolveResult.infeasible(solver_name(options), message=message)
            return Outcome(result, tuple(self.diagnosis))
        result = solve_milp(self.model, options, start_from=self.start)
        self.model = None  # the solver's copy is not needed any more
        diagnosis = self.diagnosis
        if result.status == Status.INFEASIBLE:
            diagnosis = [Diagnosis(workload=None, period=None, message=JOINT_MESSAGE)]
        return account(self.data, result, diagnosis)


def account(data: ProblemData, result: SolveResult, diagnosis: Sequence[Diagnosis]) -> Outcome:
    """The outcome of ``result``: with a plan, its schedule's costs, NPV, cumulative cost
    and periods."""
    if not result.has_solution:
        return Outcome(result, tuple(diagnosis))
    schedule = schedule_from(data, result)
    lk = data.lk
    costs = accounting.period_costs(lk, data.routes, schedule)
    residual = accounting.residual_value(lk, schedule)
    after = accounting.committed_after_horizon(lk, schedule)
    npv = accounting.npv(lk, costs, residual, after)
    return Outcome(
        result,
        tuple(diagnosis),
        schedule,
        tuple(costs),
        residual,
        npv,
        tuple(accounting.cumulative_by_month(lk, costs)),
        tuple(plan_periods(data, schedule, costs)),
        after,
        accounting.annualized_npv(lk, npv),
        tuple(accounting.emissions(lk, schedule)),
    )


def solve_data(
    data: ProblemData,
    options: SolveOptions,
    extras: Sequence[Extra] = (),
    fixed: Collection[int] | None = None,
    baseline: bool = False,
) -> Outcome:
    """One solve of ``data`` (module docstring): the model with ``extras`` and, given
    ``fixed``, only those candidates kept; ``baseline``: the data is the stay-put
    baseline's (its diagnosis says so). ``options.time_limit`` is the solver run's."""
    if fixed is not None:
        extras = (*extras, FixedPlacements(frozenset(fixed)))
    return Prepared(data, options, extras, baseline).run()


def limited(options: SolveOptions, seconds: float) -> SolveOptions:
    """The options with this solver run's time limit (at least MIN_SOLVER_SECONDS)."""
    return options.model_copy(update={"time_limit": max(MIN_SOLVER_SECONDS, seconds)})


def baseline_is_the_plan(inst: Instance) -> bool:
    """Whether the stay-put baseline is the plan's own problem: no workload has
    ``current`` and no period has a carbon cap (the baseline is solved without caps)."""
    return not any(w.current for w in inst.workloads) and all(
        p.carbon_cap_t is None for p in inst.horizon.periods
    )


def baseline_of(data: ProblemData, inst: Instance, options: SolveOptions) -> Outcome | None:
    """The stay-put baseline's solve, or None when it is the plan's own problem
    (``baseline_is_the_plan``: the baseline is then the plan itself, as in
    ``placement.solve``)."""
    if baseline_is_the_plan(inst):
        return None
    return solve_data(data.pinned(), options, baseline=True)
