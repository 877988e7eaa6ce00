"""The risk-averse plan: a MILP whose objective weighs the CVaR of NPV over scenarios.

Over K sampled scenarios (multipliers f_k), the MILP minimises (Rockafellar–Uryasev)::

    (1 - lambda) x (1/K) sum_k NPV_k + lambda x ( zeta + 1 / ((1 - alpha) K) sum_k u_k )
    u_k >= NPV_k - zeta,  u_k >= 0,   NPV_k = sum_cat f_{k,cat} x npv_terms[cat]

``CVaRExtra`` is that objective, a ``build`` extra; ``risk_averse`` solves the risk-neutral
and the risk-averse plan and compares them in sample (the K scenarios) and out of sample
(Monte Carlo draws, as ``montecarlo``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import Field

from placement.analysis.limits import MAX_RISK_SCENARIOS
from placement.analysis.results import RiskStats
from placement.analysis.risk.distributions import Dists, coerce_distributions, dumped
from placement.analysis.risk.montecarlo import (
    check_level,
    check_samples,
    cost_profile,
    rounded,
    schedule_of,
    stats,
)
from placement.analysis.risk.sampling import (
    category_factors,
    given_scenario_factors,
    sample_multipliers,
    scenario_factors,
)
from placement.analysis.shortfall import samples_over
from placement.api import load_instance
from placement.assemble import plan_of
from placement.data import prepare
from placement.errors import InstanceError, Problem
from placement.executor import Outcome, run_all
from placement.lookup import Lookup
from placement.milp.objective import NPV_CATEGORIES, Linear, npv_terms
from placement.milp.variables import Milp
from placement.network import Routes, compute_routes
from placement.pipeline import baseline_of, solve_data
from placement.plan import Plan, PlanPeriod
from placement.result import Status
from placement.schema import Instance
from placement.schema.base import StrictModel
from placement.schema.options import SolveOptions

# --------------------------------------------------------------------------- the objective


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
        """The objective (1 - weight) x E_k[NPV_k] + weight x (zeta + sum_k u_k / ((1 -
        level) K)) with, for each scenario k, the row u_k >= NPV_k - zeta (family ``cvar``,
        key k; NPV_k the NPV with each category scaled by the scenario's factor), u_k >= 0
        and zeta free: columns of block ``cvar``."""
        terms = npv_terms(m)
        k_count = len(self.scenarios)
        lam, alpha = self.weight, self.level
        expected = Linear()
        npvs = []
        for scen in self.scenarios:
            factors = dict(scen)
            npv = Linear()
            for cat, lin in terms.items():
                npv.plus(lin, factors.get(cat, 1.0))
            expected.plus(npv, 1.0 / k_count)
            npvs.append(npv)
        objective = Linear()
        objective.plus(expected, 1 - lam)
        if lam > 0:
            zeta = m.add_col("cvar", "zeta", None, None)
            objective.add(zeta, lam)
            scale = 1.0 / ((1 - alpha) * k_count)
            for i, npv in enumerate(npvs):
                u = m.add_col("cvar", ("u", i), 0.0, None)
                m.add_row([*npv.coef.items(), (u, -1.0), (zeta, -1.0)], "<=", -npv.constant,
                          "cvar", i)
                objective.add(u, lam * scale)
        m.set_objective(objective.coef, objective.constant)


def rockafellar_uryasev(npvs: np.ndarray, level: float) -> float:
    """min_zeta zeta + E[(NPV - zeta)+] / (1 - level) over equally likely scenarios."""
    best = math.inf
    for zeta in np.unique(npvs):
        best = min(best, float(zeta + np.mean(np.maximum(npvs - zeta, 0.0)) / (1 - level)))
    return best


# --------------------------------------------------------------------------- the result


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


# --------------------------------------------------------------------------- the solves


@dataclass(frozen=True)
class _AverseTask:
    inst: Instance
    options: SolveOptions
    extra: CVaRExtra | None  # None: the risk-neutral plan


def _solve_task(task: _AverseTask) -> Plan:
    data = prepare(task.inst, task.options.formulation)
    extras = () if task.extra is None else (task.extra,)
    main = solve_data(data, task.options, extras=extras)
    base = baseline_of(data, task.inst, task.options) if main.schedule is not None else None
    what = None if task.extra is None else (
        f"(1 - {task.extra.weight:g}) x E[NPV] + {task.extra.weight:g} x "
        f"CVaR_{task.extra.level:g} over {len(task.extra.scenarios)} scenarios")
    return plan_of(task.inst, task.options, main, base, what)


def _scenarios(scenarios: int | Sequence[Mapping[str, float]], dists: Dists, seed: int
               ) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """The MILP's scenarios (sampled, or given as multipliers): multipliers and factors."""
    if not isinstance(scenarios, int):
        return given_scenario_factors(scenarios)
    if not 1 <= scenarios <= MAX_RISK_SCENARIOS:
        raise InstanceError([Problem(
            "scenarios", f"must be in 1 .. {MAX_RISK_SCENARIOS}, got {scenarios}")])
    return scenario_factors(dists, scenarios, seed)


@dataclass(frozen=True)
class _Evaluation:
    """What each solved plan is measured on: the K scenarios' category factors (in
    sample) and the Monte Carlo draws (out of sample)."""

    lk: Lookup
    routes: Routes
    in_sample_factors: dict[str, np.ndarray]
    mc_factors: dict[str, np.ndarray]
    mc_demand: np.ndarray
    weight: float
    level: float

    def row(self, label: str, outcome: Outcome[Plan]) -> PlanRisk:
        plan = outcome.value if outcome.ok else None
        if plan is None or not plan.has_solution:  # plan_of: checked by the evaluator
            status = plan.status if plan is not None else Status.ERROR
            message = plan.message if plan is not None else (outcome.error or "")
            return PlanRisk(label=label, status=status, npv=None, expected_npv=None,
                            cvar=None, objective=None, message=message)
        prof = cost_profile(self.lk, self.routes, schedule_of(plan.periods))
        in_sample = prof.npv(self.in_sample_factors)
        exp, cvar = float(np.mean(in_sample)), rockafellar_uryasev(in_sample, self.level)
        return PlanRisk(
            label=label, status=plan.status, npv=plan.npv, expected_npv=rounded(exp),
            cvar=rounded(cvar), objective=rounded((1 - self.weight) * exp + self.weight * cvar),
            monte_carlo=stats(prof.npv(self.mc_factors), self.level),
            samples_over_headroom=samples_over(self.mc_demand, prof.headroom),
            placements=placements_of(plan), plan=plan.to_dict(),
        )


def _solved(outcomes: Sequence[Outcome[Plan]]) -> list[Plan]:
    """The plans that were solved and passed the check, in order."""
    return [o.value for o in outcomes if o.ok and o.value is not None and o.value.has_solution]


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
    check_level(level)
    check_samples(samples)
    if not 0 <= weight <= 1:
        raise InstanceError([Problem("cvar_weight", f"must be in [0, 1], got {weight!r}")])
    dists = coerce_distributions(distributions)
    mults, facs = _scenarios(scenarios, dists, seed)
    opts = (options or SolveOptions()).model_copy(update={"baseline": True})
    if opts.threads is None:
        opts = opts.model_copy(update={"threads": 1})
    extra = CVaRExtra.of(facs, weight, level)
    outcomes = run_all(_solve_task, [_AverseTask(inst, opts, None),
                                     _AverseTask(inst, opts, extra)],
                       workers=workers, scheduler=scheduler)
    mc_mults = sample_multipliers(dists, samples, seed)
    evaluation = _Evaluation(
        Lookup(inst), compute_routes(inst),
        {c: np.array([f[c] for f in facs]) for c in NPV_CATEGORIES},
        category_factors(mc_mults), mc_mults["demand"], weight, level)
    neutral, averse = (evaluation.row(label, o) for label, o in
                       zip(("risk-neutral", "risk-averse"), outcomes, strict=True))
    solved = _solved(outcomes)
    return RiskAverseResult(
        instance=inst.name, weight=weight, level=level, scenarios=len(facs), samples=samples,
        seed=seed, distributions=dumped(dists),
        scenario_multipliers=[{k: rounded(v) for k, v in s.items()} for s in mults],
        neutral=neutral, averse=averse,
        differences=differences(*solved) if len(solved) == 2 else [],
    )

