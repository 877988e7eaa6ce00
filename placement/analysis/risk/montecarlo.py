"""Monte Carlo of a fixed plan: its NPV (and its baseline's) over sampled multipliers.

**Fixed plan, no re-solve.** With c_p[cat] the plan's undiscounted costs of period p
(``placement.accounting``), d_p the discount factors and RV the residual value::

    NPV(sample) = sum_p d_p sum_cat f_cat(sample) x c_p[cat] - d_T x f_capex(sample) x RV

with f_cat the product of the multipliers scaling ``cat`` (``sampling``). Statistics, on
NPV as a cost: mean, P5, P50, P95 (``numpy.quantile``, linear), VaR = the ``level``
quantile, CVaR = the mean of the samples at or above VaR, and the share of samples in
which the plan's NPV is strictly below the baseline's (same sample for both).

``demand`` scales only the traffic costs of a *fixed* plan: its units do not change. A
sample whose demand multiplier exceeds the plan's *headroom* — the largest uniform demand
multiplier its units (at max_utilization) and capped links carry — is counted
(``RiskAnalysis.samples_over_headroom``): in that sample the plan would need more units
than it has, so its NPV there is a lower bound. The share of samples whose demand exceeds
what the units alone carry is ``RiskResult.prob_capacity_shortfall`` (see
``placement.analysis.shortfall``; latency does not depend on any sampled quantity, so
there is no SLO-breach probability).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from placement import accounting
from placement.accounting import Assignment, Schedule
from placement.analysis.limits import MAX_SAMPLES
from placement.analysis.results import RiskResult, RiskStats
from placement.analysis.risk.distributions import coerce_distributions, dumped
from placement.analysis.risk.sampling import category_factors, sample_multipliers
from placement.analysis.shortfall import (
    demand_headroom,
    samples_over,
    shortfall_probability,
    unit_headroom,
)
from placement.api import load_instance
from placement.api import solve as solve_instance
from placement.assemble import plan_of
from placement.candidates import SPOT
from placement.data import prepare
from placement.errors import InstanceError, PlacementError, PlanFormatError, Problem
from placement.evaluate import evaluate
from placement.lookup import Lookup
from placement.milp.objective import NPV_CATEGORIES
from placement.network import Routes, compute_routes
from placement.pipeline import baseline_is_the_plan, baseline_of
from placement.plan import Plan, PlanPeriod, parse_plan
from placement.result import has_solution
from placement.schema import Instance
from placement.schema.options import SolveOptions


@dataclass(frozen=True)
class CostProfile:
    """A fixed plan's NPV by category (``residual`` negative), its demand headroom (units
    and capped links) and its unit headroom (units only; see ``analysis.shortfall``)."""

    discounted: dict[str, float]
    headroom: float | None  # None: no unit or capped link carries any load
    units_headroom: float | None = None  # None: no unit carries any load

    def npv(self, factors: Mapping[str, np.ndarray]) -> np.ndarray:
        total = np.zeros_like(next(iter(factors.values())), dtype=float)
        for cat, value in self.discounted.items():
            if value:
                total = total + factors[cat] * value
        return total

    @property
    def nominal(self) -> float:
        return sum(self.discounted.values())


def schedule_of(periods: Sequence[PlanPeriod]) -> Schedule:
    """The decisions of a plan's periods (assignments with their pool, units, bought,
    commitments, spot units: the rows with market spot)."""
    return Schedule(
        [sorted(Assignment(a.workload, a.site, a.hardware, a.variant, a.market)
                for a in p.assignments) for p in periods],
        [{(u.site, u.hardware): u.units for u in p.units if u.market != SPOT} for p in periods],
        [{(u.site, u.hardware): u.bought for u in p.units if u.bought} for p in periods],
        [{(c.site, c.hardware, c.commitment): c.units for c in p.commitments} for p in periods],
        [{(u.site, u.hardware): u.units for u in p.units if u.market == SPOT} for p in periods],
    )


def cost_profile(lk: Lookup, routes: Routes, schedule: Schedule) -> CostProfile:
    """Discounted NPV by category of a fixed schedule (from ``placement.accounting``)."""
    per_period = accounting.period_costs(lk, routes, schedule)
    out = dict.fromkeys(NPV_CATEGORIES, 0.0)
    for info in lk.periods:
        for cat, value in per_period[info.index].items():
            out[cat] += info.discount * value
    out["residual"] = -lk.end_discount * accounting.residual_value(lk, schedule)
    out["committed"] += lk.end_discount * accounting.committed_after_horizon(lk, schedule)
    return CostProfile(out, demand_headroom(lk, routes, schedule), unit_headroom(lk, schedule))


def stats(npvs: np.ndarray, level: float) -> RiskStats:
    """Mean, P5/P50/P95, VaR (the level quantile) and CVaR (mean at or above VaR)."""
    var = float(np.quantile(npvs, level))
    tail = npvs[npvs >= var - 1e-9 * max(1.0, abs(var))]
    p5, p50, p95 = (float(np.quantile(npvs, q)) for q in (0.05, 0.5, 0.95))
    return RiskStats(
        mean=rounded(float(np.mean(npvs))), p5=rounded(p5), p50=rounded(p50),
        p95=rounded(p95), var=rounded(var), cvar=rounded(float(np.mean(tail))),
    )


def rounded(x: float) -> float:
    """x to 6 decimals, as results record money (never -0.0)."""
    return round(x, 6) + 0.0


@dataclass
class RiskAnalysis:
    """``result``: the RiskResult of ``placement.analysis.results``; and what it does not
    hold: the plans' demand headroom and the samples beyond it (in those samples the plan
    would need more units than it has, so its NPV there is a lower bound), and notes."""

    result: RiskResult
    plan: Plan
    plan_headroom: float | None
    samples_over_headroom: int
    baseline_headroom: float | None = None
    baseline_samples_over_headroom: int = 0
    notes: list[str] = field(default_factory=list)


class NoPlanError(PlacementError):
    """The instance has no plan to evaluate (``plan``: the infeasible or failed solve)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        super().__init__([Problem(plan.instance, f"no plan: the instance is {plan.status}"
                                  + (f" ({plan.message})" if plan.message else ""))])


def check_samples(samples: int) -> None:
    if not 1 <= samples <= MAX_SAMPLES:
        raise InstanceError([Problem("samples", f"must be in 1 .. {MAX_SAMPLES}, got {samples}")])


def check_level(level: float) -> None:
    if not 0 < level < 1:
        raise InstanceError([Problem("level", f"must be in (0, 1), got {level!r}")])


def _baseline_schedule(
    inst: Instance, plan: Plan, options: SolveOptions
) -> tuple[Schedule | None, str]:
    """The baseline's schedule: from the plan's ``baseline.periods``, else solved."""
    b = plan.baseline
    if b is not None:
        if has_solution(b.status) and b.periods:
            return schedule_of(b.periods), ""
        if not has_solution(b.status):
            return None, f"the baseline is {b.status}: no comparison"
    if baseline_is_the_plan(inst):
        return schedule_of(plan.periods), ""
    data = prepare(inst, options.formulation)
    base = baseline_of(data, inst, options)
    assert base is not None
    if base.schedule is None:
        return None, f"the baseline is {base.result.status}: no comparison"
    checked = plan_of(inst, options, base, None)  # the independent evaluator, as for plans
    if not checked.has_solution:
        return None, f"the baseline fails the independent check: {checked.message}"
    return base.schedule, ""


def _given_plan(inst: Instance, plan: Plan | dict[str, Any]) -> Plan:
    """A plan file's plan, checked against the instance (violations: PlanFormatError)."""
    model = parse_plan(plan)
    if not model.has_solution:
        raise PlanFormatError([Problem("status", f"the plan is '{model.status}': nothing to "
                                                 "evaluate")])
    ev = evaluate(inst, model)
    if ev.violations:
        raise PlanFormatError([Problem("", v) for v in ev.violations])
    return model


def _plan_to_evaluate(inst: Instance, plan: Plan | dict[str, Any] | None,
                      options: SolveOptions) -> Plan:
    """The given plan (checked), else the recommended one (solved; none: NoPlanError)."""
    if plan is not None:
        return _given_plan(inst, plan)
    model = solve_instance(inst, options)
    if not model.has_solution:
        raise NoPlanError(model)
    return model


def _add_baseline(analysis: RiskAnalysis, base: CostProfile,
                  factors: Mapping[str, np.ndarray], demand: np.ndarray,
                  plan_npvs: np.ndarray, level: float) -> None:
    """The baseline's statistics, and the plan against it, into ``analysis``."""
    base_npvs = base.npv(factors)
    analysis.result = analysis.result.model_copy(update={
        "baseline": stats(base_npvs, level),
        "prob_plan_beats_baseline": rounded(float(np.mean(plan_npvs < base_npvs))),
        "baseline_npvs": [rounded(float(v)) for v in base_npvs],
        "baseline_prob_capacity_shortfall": shortfall_probability(demand,
                                                                  base.units_headroom),
    })
    analysis.baseline_headroom = base.headroom
    analysis.baseline_samples_over_headroom = samples_over(demand, base.headroom)


def risk(
    instance: Instance | str | dict[str, Any],
    plan: Plan | dict[str, Any] | None = None,
    *,
    samples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    distributions: Mapping[str, Any] | None = None,
    options: SolveOptions | None = None,
) -> RiskAnalysis:
    """Monte Carlo of a fixed plan (given, or the recommended one, solved) and of its
    baseline under ``samples`` draws of the multipliers (default: DEFAULT_DISTRIBUTIONS).

    Raises InstanceError for a bad instance, level or distributions; PlanFormatError for
    a given plan that is not a plan of this instance or breaks one of its rules."""
    inst = load_instance(instance)
    check_level(level)
    check_samples(samples)
    if seed < 0:
        raise InstanceError([Problem("seed", f"must be >= 0, got {seed}")])
    dists = coerce_distributions(distributions)
    options = options or SolveOptions()
    model = _plan_to_evaluate(inst, plan, options)
    lk, routes = Lookup(inst), compute_routes(inst)
    prof = cost_profile(lk, routes, schedule_of(model.periods))
    base_schedule, why = _baseline_schedule(inst, model, options)
    base_prof = cost_profile(lk, routes, base_schedule) if base_schedule is not None else None
    mults = sample_multipliers(dists, samples, seed)
    factors = category_factors(mults)
    plan_npvs = prof.npv(factors)
    analysis = RiskAnalysis(
        result=RiskResult(
            instance=inst.name, samples=samples, seed=seed, level=level,
            distributions=dumped(dists),
            plan=stats(plan_npvs, level),
            baseline=None, prob_plan_beats_baseline=None,
            prob_capacity_shortfall=shortfall_probability(mults["demand"], prof.units_headroom),
            plan_npvs=[rounded(float(v)) for v in plan_npvs],
        ),
        plan=model,
        plan_headroom=prof.headroom,
        samples_over_headroom=samples_over(mults["demand"], prof.headroom),
        notes=[why] if why else [],
    )
    if base_prof is not None:
        _add_baseline(analysis, base_prof, factors, mults["demand"], plan_npvs, level)
    return analysis
