"""Risk: Monte Carlo over cost multipliers for a fixed plan, and a risk-averse plan (CVaR).

**Multipliers.** Each key of ``MULTIPLIER_KEYS`` has a distribution (or none: fixed at 1).
A sample draws one multiplier per key; the keys scale the plan's cost categories:

==============  ===============================================================
key             scales
==============  ===============================================================
``rented``      ``rented``
``capex``       ``capex``, and the ``residual`` value credit (a share of capex)
``maintenance`` ``maintenance``
``energy``      ``energy``
``egress``      ``egress``
``transfer``    ``transfer``
``demand``      ``egress`` and ``transfer`` (traffic volumes)
``labour``      ``site_fixed``
``activation``  ``activation``
``migration``   ``migration``
==============  ===============================================================

This is what ``placement.analysis.multipliers.scale_instance`` does to a fixed plan's
costs. ``demand`` scales only the traffic costs of a *fixed* plan: its units do not
change. A sample whose demand multiplier exceeds the plan's *headroom* — the largest
uniform demand multiplier its units (at max_utilization) and capped links carry — is
counted (``RiskAnalysis.samples_over_headroom``): in that sample the plan would need more
units than it has, so its NPV there is a lower bound. The share of samples whose demand
exceeds what the units alone carry is ``RiskResult.prob_capacity_shortfall`` (see
``placement.analysis.shortfall``; latency does not depend on any sampled quantity, so
there is no SLO-breach probability).

**Fixed plan, no re-solve.** With c_p[cat] the plan's undiscounted costs of period p
(``placement.accounting``), d_p the discount factors and RV the residual value::

    NPV(sample) = sum_p d_p sum_cat f_cat(sample) x c_p[cat] - d_T x f_capex(sample) x RV

with f_cat the product of the multipliers scaling ``cat``. Statistics, on NPV as a cost:
mean, P5, P50, P95 (``numpy.quantile``, linear), VaR = the ``level`` quantile,
CVaR = the mean of the samples at or above VaR, and the share of samples in which the
plan's NPV is strictly below the baseline's (same sample for both).

**Risk-averse plan.** Over K sampled scenarios (multipliers f_k), the MILP minimises
(Rockafellar–Uryasev)::

    (1 - lambda) x (1/K) sum_k NPV_k + lambda x ( zeta + 1 / ((1 - alpha) K) sum_k u_k )
    u_k >= NPV_k - zeta,  u_k >= 0,   NPV_k = sum_cat f_{k,cat} x npv_terms[cat]

**Sampling** is reproducible: key i of ``MULTIPLIER_KEYS`` draws from its own stream
``SeedSequence([seed, stream]).spawn(10)[i]`` (stream 0: Monte Carlo, 1: the MILP's
scenarios), so adding a distribution for one key never changes another key's draws.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pulp
from pydantic import Field, ValidationError, model_validator

from placement import accounting
from placement.accounting import Assignment, Schedule
from placement.analysis.executor import run_all
from placement.analysis.limits import (
    MAX_MULTIPLIER,
    MAX_RISK_SCENARIOS,
    MAX_SAMPLES,
    MAX_SIGMA,
)
from placement.analysis.pareto import Solved, baseline_of, plan_of
from placement.analysis.results import MULTIPLIER_KEYS, RiskResult, RiskStats
from placement.analysis.shortfall import (
    demand_headroom,
    samples_over,
    shortfall_probability,
    unit_headroom,
)
from placement.api import load_instance
from placement.api import solve as solve_instance
from placement.data import prepare
from placement.errors import InstanceError, PlacementError, PlanFormatError, Problem
from placement.evaluate import evaluate
from placement.io import read_mapping
from placement.lookup import Lookup
from placement.milp.objective import NPV_CATEGORIES, npv_terms
from placement.milp.variables import Milp
from placement.network import Routes, compute_routes
from placement.plan import Plan, PlanPeriod, parse_plan
from placement.result import Status, has_solution
from placement.schema import Instance
from placement.schema.base import StrictModel
from placement.schema.options import SolveOptions
from placement.validate import schema_problems

# --------------------------------------------------------------------------- distributions


class Triangular(StrictModel):
    """Triangular on [low, high] with its peak at mode (mean (low + mode + high) / 3)."""

    type: Literal["triangular"]
    low: float = Field(ge=0, le=MAX_MULTIPLIER)
    mode: float = Field(ge=0, le=MAX_MULTIPLIER)
    high: float = Field(ge=0, le=MAX_MULTIPLIER)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.high - self.low <= 0:
            return np.full(n, self.low)
        return rng.triangular(self.low, self.mode, self.high, n)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Lognormal(StrictModel):
    """median x exp(sigma x Z), Z standard normal (mean median x exp(sigma^2 / 2))."""

    type: Literal["lognormal"]
    median: float = Field(gt=0, le=MAX_MULTIPLIER)
    sigma: float = Field(ge=0, le=MAX_SIGMA)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median * np.exp(self.sigma * rng.standard_normal(n))

    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


class Fixed(StrictModel):
    """Always ``value``."""

    type: Literal["fixed"]
    value: float = Field(ge=0, le=MAX_MULTIPLIER)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    def mean(self) -> float:
        return self.value


Distribution = Annotated[Triangular | Lognormal | Fixed, Field(discriminator="type")]
MultiplierKey = Literal[
    "rented", "capex", "energy", "egress", "transfer", "demand", "labour",
    "maintenance", "activation", "migration",
]
assert set(MultiplierKey.__args__) == set(MULTIPLIER_KEYS)  # type: ignore[attr-defined]


class DistributionsFile(StrictModel):
    """A distributions file: ``distributions`` maps multiplier keys to distributions; a key
    left out is fixed at 1 (the file replaces the default set, it does not amend it)."""

    distributions: dict[MultiplierKey, Distribution]


#: The default set: today's figures as the mode / median, skewed where experience says.
DEFAULT_DISTRIBUTIONS: dict[str, Triangular | Lognormal | Fixed] = {
    "rented": Triangular(type="triangular", low=0.7, mode=0.95, high=1.15),
    "capex": Triangular(type="triangular", low=0.85, mode=1.0, high=1.25),
    "energy": Lognormal(type="lognormal", median=1.0, sigma=0.25),
    "egress": Triangular(type="triangular", low=0.8, mode=1.0, high=1.1),
    "transfer": Triangular(type="triangular", low=0.8, mode=1.0, high=1.1),
    "demand": Lognormal(type="lognormal", median=1.0, sigma=0.15),
    "labour": Triangular(type="triangular", low=0.9, mode=1.0, high=1.3),
    "maintenance": Triangular(type="triangular", low=0.9, mode=1.0, high=1.3),
    "activation": Triangular(type="triangular", low=0.8, mode=1.0, high=1.5),
    "migration": Triangular(type="triangular", low=0.8, mode=1.0, high=1.8),
}

#: Which multiplier keys scale each NPV category (their product).
CATEGORY_KEYS: dict[str, tuple[str, ...]] = {
    "rented": ("rented",),
    "capex": ("capex",),
    "maintenance": ("maintenance",),
    "energy": ("energy",),
    "egress": ("egress", "demand"),
    "transfer": ("transfer", "demand"),
    "site_fixed": ("labour",),
    "activation": ("activation",),
    "migration": ("migration",),
    "residual": ("capex",),
}
assert set(CATEGORY_KEYS) == set(NPV_CATEGORIES)

Dists = Mapping[str, Triangular | Lognormal | Fixed]


def parse_distributions(data: Any, where: str = "distributions") -> dict[str, Any]:
    """A distributions mapping (the file's content) → {key: distribution}; raises
    InstanceError listing every problem with its path."""
    try:
        doc = DistributionsFile.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(
            [Problem(f"{where}: {p.path}" if p.path else where, p.message)
             for p in schema_problems(exc)]
        ) from None
    return {str(k): v for k, v in doc.distributions.items()}


def load_distributions(path: str | Path) -> dict[str, Any]:
    """Read a distributions file (YAML or JSON), see ``DistributionsFile``."""
    return parse_distributions(read_mapping(path), str(path))


def _coerce(dists: Mapping[str, Any] | None) -> dict[str, Any]:
    if dists is None:
        return dict(DEFAULT_DISTRIBUTIONS)
    if all(isinstance(d, Triangular | Lognormal | Fixed) for d in dists.values()):
        unknown = sorted(set(dists) - set(MULTIPLIER_KEYS))
        if unknown:
            raise InstanceError([Problem(f"distributions.{k}", "unknown multiplier key")
                                 for k in unknown])
        return dict(dists)
    return parse_distributions({"distributions": dict(dists)})


def sample_multipliers(
    dists: Dists, n: int, seed: int, stream: int = 0
) -> dict[str, np.ndarray]:
    """n draws of every multiplier key (keys without a distribution: ones)."""
    children = np.random.SeedSequence([seed, stream]).spawn(len(MULTIPLIER_KEYS))
    out = {}
    for key, child in zip(MULTIPLIER_KEYS, children, strict=True):
        dist = dists.get(key)
        out[key] = np.ones(n) if dist is None else dist.sample(np.random.default_rng(child), n)
    return out


def category_factors(mults: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """f_cat = the product of the multipliers scaling each NPV category."""
    out = {}
    for cat, keys in CATEGORY_KEYS.items():
        f = np.ones_like(next(iter(mults.values())))
        for key in keys:
            f = f * mults[key]
        out[cat] = f
    return out


# --------------------------------------------------------------------------- a fixed plan


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
    """The decisions of a plan's periods (assignments, units, bought)."""
    return Schedule(
        [sorted(Assignment(a.workload, a.site, a.hardware, a.variant) for a in p.assignments)
         for p in periods],
        [{(u.site, u.hardware): u.units for u in p.units} for p in periods],
        [{(u.site, u.hardware): u.bought for u in p.units if u.bought} for p in periods],
    )


def cost_profile(lk: Lookup, routes: Routes, schedule: Schedule) -> CostProfile:
    """Discounted NPV by category of a fixed schedule (from ``placement.accounting``)."""
    per_period = accounting.period_costs(lk, routes, schedule)
    out = dict.fromkeys(NPV_CATEGORIES, 0.0)
    for info in lk.periods:
        for cat, value in per_period[info.index].items():
            out[cat] += info.discount * value
    out["residual"] = -lk.end_discount * accounting.residual_value(lk, schedule)
    return CostProfile(out, demand_headroom(lk, routes, schedule), unit_headroom(lk, schedule))


def stats(npvs: np.ndarray, level: float) -> RiskStats:
    """Mean, P5/P50/P95, VaR (the level quantile) and CVaR (mean at or above VaR)."""
    var = float(np.quantile(npvs, level))
    tail = npvs[npvs >= var - 1e-9 * max(1.0, abs(var))]
    p5, p50, p95 = (float(np.quantile(npvs, q)) for q in (0.05, 0.5, 0.95))
    return RiskStats(
        mean=_r(float(np.mean(npvs))), p5=_r(p5), p50=_r(p50), p95=_r(p95), var=_r(var),
        cvar=_r(float(np.mean(tail))),
    )


def _r(x: float) -> float:
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


def _check_samples(samples: int) -> None:
    if not 1 <= samples <= MAX_SAMPLES:
        raise InstanceError([Problem("samples", f"must be in 1 .. {MAX_SAMPLES}, got {samples}")])


def _check_level(level: float) -> None:
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
    if not any(w.current for w in inst.workloads):
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
    _check_level(level)
    _check_samples(samples)
    if seed < 0:
        raise InstanceError([Problem("seed", f"must be >= 0, got {seed}")])
    dists = _coerce(distributions)
    options = options or SolveOptions()
    notes: list[str] = []
    if plan is None:
        model = solve_instance(inst, options)
        if not model.has_solution:
            raise NoPlanError(model)
    else:
        model = _given_plan(inst, plan)
    lk, routes = Lookup(inst), compute_routes(inst)
    prof = cost_profile(lk, routes, schedule_of(model.periods))
    base_schedule, why = _baseline_schedule(inst, model, options)
    if why:
        notes.append(why)
    base_prof = cost_profile(lk, routes, base_schedule) if base_schedule is not None else None
    mults = sample_multipliers(dists, samples, seed)
    factors = category_factors(mults)
    plan_npvs = prof.npv(factors)
    over = samples_over(mults["demand"], prof.headroom)
    analysis = RiskAnalysis(
        result=RiskResult(
            instance=inst.name, samples=samples, seed=seed, level=level,
            distributions={k: dists[k].model_dump() for k in MULTIPLIER_KEYS if k in dists},
            plan=stats(plan_npvs, level),
            baseline=None, prob_plan_beats_baseline=None,
            prob_capacity_shortfall=shortfall_probability(mults["demand"], prof.units_headroom),
            plan_npvs=[_r(float(v)) for v in plan_npvs],
        ),
        plan=model,
        plan_headroom=prof.headroom,
        samples_over_headroom=over,
        notes=notes,
    )
    if base_prof is not None:
        base_npvs = base_prof.npv(factors)
        analysis.result = analysis.result.model_copy(update={
            "baseline": stats(base_npvs, level),
            "prob_plan_beats_baseline": _r(float(np.mean(plan_npvs < base_npvs))),
            "baseline_npvs": [_r(float(v)) for v in base_npvs],
            "baseline_prob_capacity_shortfall": shortfall_probability(
                mults["demand"], base_prof.units_headroom),
        })
        analysis.baseline_headroom = base_prof.headroom
        analysis.baseline_samples_over_headroom = samples_over(mults["demand"],
                                                               base_prof.headroom)
    return analysis


# --------------------------------------------------------------------------- risk-averse MILP


@dataclass(frozen=True)
class CVaRExtra:
    """A ``build`` extra replacing the objective by
    (1 - weight) x E_k[NPV_k] + weight x CVaR_level (Rockafellar–Uryasev) over scenarios
    given as category factors (one {category: factor} per scenario)."""

    scenarios: tuple[tuple[tuple[str, float], ...], ...]
    weight: float
    level: float

    @staticmethod
    def of(scenarios: Sequence[Mapping[str, float]], weight: float, level: float) -> CVaRExtra:
        return CVaRExtra(
            tuple(tuple(sorted((c, float(f)) for c, f in s.items())) for s in scenarios),
            float(weight), float(level),
        )

    def __call__(self, m: Milp) -> None:
        terms = npv_terms(m)
        k_count = len(self.scenarios)
        lam, alpha = self.weight, self.level
        expected: dict[pulp.LpVariable, float] = {}
        const = 0.0
        scen_exprs = []
        for scen in self.scenarios:
            f = dict(scen)
            coef: dict[pulp.LpVariable, float] = {}
            c0 = 0.0
            for cat, lin in terms.items():
                fc = f.get(cat, 1.0)
                for var, value in lin.coef.items():
                    coef[var] = coef.get(var, 0.0) + fc * value
                c0 += fc * lin.constant
            for var, value in coef.items():
                expected[var] = expected.get(var, 0.0) + value / k_count
            const += c0 / k_count
            scen_exprs.append(pulp.LpAffineExpression(coef, constant=c0))
        objective = pulp.LpAffineExpression(
            {v: (1 - lam) * c for v, c in expected.items()}, constant=(1 - lam) * const)
        if lam > 0:
            zeta = m.prob.add_variable("cvar_zeta", None, None)
            scale = 1.0 / ((1 - alpha) * k_count)
            tail = []
            for i, expr in enumerate(scen_exprs):
                u = m.prob.add_variable(f"cvar_u_{i}", 0, None)
                m.add(u >= expr - zeta, "cvar")
                tail.append(u)
            objective = objective + lam * (zeta + scale * pulp.lpSum(tail))
        m.objective_constant = float(objective.constant)
        m.prob.setObjective(objective)


def scenario_factors(
    dists: Dists, k: int, seed: int
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """K scenarios (stream 1): their multipliers and their category factors."""
    mults = sample_multipliers(dists, k, seed, stream=1)
    facs = category_factors(mults)
    return (
        [{key: float(mults[key][i]) for key in MULTIPLIER_KEYS} for i in range(k)],
        [{cat: float(facs[cat][i]) for cat in NPV_CATEGORIES} for i in range(k)],
    )


def rockafellar_uryasev(npvs: np.ndarray, level: float) -> float:
    """min_zeta zeta + E[(NPV - zeta)+] / (1 - level) over equally likely scenarios."""
    best = math.inf
    for zeta in np.unique(npvs):
        best = min(best, float(zeta + np.mean(np.maximum(npvs - zeta, 0.0)) / (1 - level)))
    return best


class PlanRisk(StrictModel):
    """One recommendation under risk: its nominal NPV, its expectation and CVaR over the
    MILP's K scenarios (what the risk-averse MILP optimises), and Monte Carlo statistics
    over the ``samples`` draws (as ``placement risk``)."""

    label: str
    status: str
    npv: float | None = Field(description="NPV at today's figures.")
    expected_npv: float | None = Field(description="Mean NPV over the K scenarios.")
    cvar: float | None = Field(description="CVaR over the K scenarios (Rockafellar–Uryasev).")
    objective: float | None = Field(description="(1 - weight) x expected + weight x cvar.")
    monte_carlo: RiskStats | None = None
    samples_over_headroom: int = 0
    placements: dict[str, list[str]] = Field(
        default_factory=dict, description="Per period: 'workload@site/hardware/variant'.")
    plan: dict[str, Any] | None = None
    message: str = Field("", description="Why there is no plan (the solve's or the check's).")


class RiskAverseResult(StrictModel):
    """Risk-neutral vs risk-averse recommendation (``placement risk --cvar-weight``)."""

    kind: Literal["risk-averse"] = "risk-averse"
    instance: str
    weight: float
    level: float
    scenarios: int
    samples: int
    seed: int
    distributions: dict[str, dict[str, Any]]
    scenario_multipliers: list[dict[str, float]]
    neutral: PlanRisk
    averse: PlanRisk
    differences: list[str] = Field(
        description="Per period, workloads placed differently (neutral → averse).")


@dataclass(frozen=True)
class _AverseTask:
    inst: Instance
    options: SolveOptions
    extra: CVaRExtra | None  # None: the risk-neutral plan


def _solve_task(task: _AverseTask) -> Plan:
    data = prepare(task.inst, task.options.formulation)
    extras = () if task.extra is None else (task.extra,)
    main = Solved(data, task.options, extras=extras)
    base = baseline_of(data, task.inst, task.options) if main.schedule is not None else None
    what = None if task.extra is None else (
        f"(1 - {task.extra.weight:g}) x E[NPV] + {task.extra.weight:g} x "
        f"CVaR_{task.extra.level:g} over {len(task.extra.scenarios)} scenarios")
    return plan_of(task.inst, task.options, main, base, what)


def placements_of(plan: Plan) -> dict[str, list[str]]:
    return {
        p.name: sorted(f"{a.workload}@{a.site}/{a.hardware}/{a.variant}" for a in p.assignments)
        for p in plan.periods
    }


def differences(a: Plan, b: Plan) -> list[str]:
    """Per period, workloads whose (site, hardware, variant) set differs, in words."""
    out = []
    for pa, pb in zip(a.periods, b.periods, strict=True):
        def where(p: PlanPeriod) -> dict[str, list[str]]:
            d: dict[str, list[str]] = {}
            for x in p.assignments:
                d.setdefault(x.workload, []).append(f"{x.site}/{x.hardware}/{x.variant}")
            return {w: sorted(v) for w, v in d.items()}

        wa, wb = where(pa), where(pb)
        for w in sorted(set(wa) | set(wb)):
            if wa.get(w) != wb.get(w):
                out.append(f"{pa.name}: {w} at {', '.join(wa.get(w, ['—']))} → "
                           f"{', '.join(wb.get(w, ['—']))}")
    return out


def risk_averse(
    instance: Instance | str | dict[str, Any],
    weight: float,
    *,
    scenarios: int | Sequence[Mapping[str, float]] = 20,
    level: float = 0.95,
    samples: int = 1000,
    seed: int = 0,
    distributions: Mapping[str, Any] | None = None,
    options: SolveOptions | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> RiskAverseResult:
    """Solve the risk-neutral plan and the risk-averse one (``weight`` on CVaR_level over
    K scenarios: sampled from the distributions with stream 1 of ``seed``, or given as
    multipliers {key: value}), in parallel, and compare them in and out of sample."""
    inst = load_instance(instance)
    _check_level(level)
    _check_samples(samples)
    if not 0 <= weight <= 1:
        raise InstanceError([Problem("cvar_weight", f"must be in [0, 1], got {weight!r}")])
    dists = _coerce(distributions)
    if isinstance(scenarios, int):
        if not 1 <= scenarios <= MAX_RISK_SCENARIOS:
            raise InstanceError([Problem(
                "scenarios", f"must be in 1 .. {MAX_RISK_SCENARIOS}, got {scenarios}")])
        mults, facs = scenario_factors(dists, scenarios, seed)
    else:
        mults = []
        for i, s in enumerate(scenarios):
            bad = sorted(set(s) - set(MULTIPLIER_KEYS))
            if bad:
                raise InstanceError([Problem(f"scenarios[{i}].{k}", "unknown multiplier key")
                                     for k in bad])
            mults.append({k: float(s.get(k, 1.0)) for k in MULTIPLIER_KEYS})
        arrays = {k: np.array([s[k] for s in mults]) for k in MULTIPLIER_KEYS}
        fac = category_factors(arrays)
        facs = [{c: float(fac[c][i]) for c in NPV_CATEGORIES} for i in range(len(mults))]
        if not facs:
            raise InstanceError([Problem("scenarios", "no scenario given")])
    opts = (options or SolveOptions()).model_copy(update={"baseline": True})
    if opts.threads is None:
        opts = opts.model_copy(update={"threads": 1})
    extra = CVaRExtra.of(facs, weight, level)
    outcomes = run_all(_solve_task, [_AverseTask(inst, opts, None),
                                     _AverseTask(inst, opts, extra)],
                       workers=workers, scheduler=scheduler)
    lk, routes = Lookup(inst), compute_routes(inst)
    scen_f = {c: np.array([f[c] for f in facs]) for c in NPV_CATEGORIES}
    mc_mults = sample_multipliers(dists, samples, seed)
    mc_f = category_factors(mc_mults)
    rows = []
    plans: list[Plan | None] = []
    for label, o in zip(("risk-neutral", "risk-averse"), outcomes, strict=True):
        plan = o.value if o.ok else None
        plans.append(plan)
        if plan is None or not plan.has_solution:  # plan_of: checked by the evaluator
            status = plan.status if plan is not None else Status.ERROR
            message = plan.message if plan is not None else (o.error or "")
            rows.append(PlanRisk(label=label, status=status, npv=None, expected_npv=None,
                                 cvar=None, objective=None, message=message))
            continue
        prof = cost_profile(lk, routes, schedule_of(plan.periods))
        in_sample = prof.npv(scen_f)
        exp, cvar = float(np.mean(in_sample)), rockafellar_uryasev(in_sample, level)
        rows.append(PlanRisk(
            label=label, status=plan.status, npv=plan.npv, expected_npv=_r(exp), cvar=_r(cvar),
            objective=_r((1 - weight) * exp + weight * cvar),
            monte_carlo=stats(prof.npv(mc_f), level),
            samples_over_headroom=samples_over(mc_mults["demand"], prof.headroom),
            placements=placements_of(plan), plan=plan.to_dict(),
        ))
    diff = []
    if plans[0] is not None and plans[1] is not None and plans[0].has_solution \
            and plans[1].has_solution:
        diff = differences(plans[0], plans[1])
    return RiskAverseResult(
        instance=inst.name, weight=weight, level=level, scenarios=len(facs), samples=samples,
        seed=seed,
        distributions={k: dists[k].model_dump() for k in MULTIPLIER_KEYS if k in dists},
        scenario_multipliers=[{k: _r(v) for k, v in s.items()} for s in mults],
        neutral=rows[0], averse=rows[1], differences=diff,
    )


__all__ = [
    "CATEGORY_KEYS",
    "DEFAULT_DISTRIBUTIONS",
    "CVaRExtra",
    "CostProfile",
    "DistributionsFile",
    "Fixed",
    "Lognormal",
    "NoPlanError",
    "PlanRisk",
    "RiskAnalysis",
    "RiskAverseResult",
    "Triangular",
    "category_factors",
    "cost_profile",
    "demand_headroom",
    "load_distributions",
    "parse_distributions",
    "risk",
    "risk_averse",
    "rockafellar_uryasev",
    "sample_multipliers",
    "schedule_of",
    "stats",
]
