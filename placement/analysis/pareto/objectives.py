"""The Pareto sweep's second objective, latency or energy (formulas: ``placement.analysis.
pareto``): as linear expressions of the MILP's variables, with the ``build`` extra that
bounds or minimises them (``EpsilonExtra``), and of a solved schedule or a plan JSON
(``mean_latency_ms``, ``energy_kwh``: independently of the MILP)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from placement import costs
from placement.accounting import Schedule
from placement.data import ProblemData, prepare
from placement.milp.objective import Linear
from placement.milp.variables import Milp
from placement.plan import Plan
from placement.schema import Instance

Versus = Literal["latency", "energy"]


def latency_weights(data: ProblemData) -> tuple[list[float], float]:
    """q_k for every candidate and Q (see ``placement.analysis.pareto``)."""
    lk = data.lk
    total = sum(
        lk.demand[w][p.index] * lk.workloads[w].load_factor * p.months
        for w in lk.workloads
        for p in lk.periods
    )
    weights = []
    for c in data.cands:
        wl, months = lk.workloads[c.workload], lk.periods[c.period].months
        if total > 0:
            weights.append(lk.demand[c.workload][c.period] / wl.replicas * wl.load_factor * months)
        else:
            weights.append(months / wl.replicas)
    if total <= 0:
        total = sum(p.months for p in lk.periods) * len(lk.workloads)
    return weights, total


def latency_objective(m: Milp) -> Linear:
    """L, the demand-weighted mean latency in ms, as a linear expression of x."""
    weights, total = latency_weights(m.data)
    out = Linear()
    for k, var in m.x.items():
        lat = m.data.cands[k].latency_ms
        if weights[k] and lat:
            out.add(var, weights[k] * lat / total)
    return out


def kwh_per_unit(data: ProblemData, s: str, h: str, months: float) -> float:
    lk = data.lk
    return costs.kwh(1, lk.hardware[h].power_w, months, lk.sites[s].pue)


def energy_objective(m: Milp) -> Linear:
    """E, the owned units' kWh over the horizon (PUE included), as a linear expression."""
    data = m.data
    lk = data.lk
    out = Linear()
    for s, h in data.owned_offers:
        existing = lk.offers[(s, h)].existing_units
        for info in lk.periods:
            kwh = kwh_per_unit(data, s, h, info.months)
            out.constant += existing * kwh
            for q in range(info.index + 1):
                if (s, h, q) in m.buy:
                    out.add(m.buy[(s, h, q)], kwh)
    return out


def second_objective(m: Milp, versus: Versus) -> Linear:
    return latency_objective(m) if versus == "latency" else energy_objective(m)


def mean_latency_ms(inst: Instance, plan: Plan | dict[str, Any]) -> float:
    """L of a plan, from its assignments (independently of the MILP)."""
    plan = plan if isinstance(plan, Plan) else Plan.model_validate(plan)
    data = prepare(inst)
    lk = data.lk
    _, total = latency_weights(data)
    acc = 0.0
    any_demand = any(
        lk.demand[w][p.index] * lk.workloads[w].load_factor > 0
        for w in lk.workloads for p in lk.periods
    )
    for info, period in zip(lk.periods, plan.periods, strict=True):
        for a in period.assignments:
            wl = lk.workloads[a.workload]
            if any_demand:
                q = lk.demand[a.workload][info.index] / wl.replicas * wl.load_factor * info.months
            else:
                q = info.months / wl.replicas
            acc += q * a.latency_ms
    return acc / total


def energy_kwh(inst: Instance, plan: Plan | dict[str, Any]) -> float:
    """E of a plan, from its units in service (independently of the MILP)."""
    plan = plan if isinstance(plan, Plan) else Plan.model_validate(plan)
    data = prepare(inst)
    lk = data.lk
    total = 0.0
    for info, period in zip(lk.periods, plan.periods, strict=True):
        for u in period.units:
            if lk.is_owned(u.hardware):
                total += u.units * kwh_per_unit(data, u.site, u.hardware, info.months)
    return total


def second_of_schedule(data: ProblemData, schedule: Schedule, versus: Versus) -> float:
    """L or E of a solved schedule (the candidates' weights, the units' kWh)."""
    lk = data.lk
    if versus == "energy":
        total = 0.0
        for info in lk.periods:
            for (s, h), n in schedule.units[info.index].items():
                if lk.is_owned(h):
                    total += n * kwh_per_unit(data, s, h, info.months)
        return total
    weights, total_q = latency_weights(data)
    index = {
        (c.workload, c.site, c.hardware, c.variant, c.period): k for k, c in enumerate(data.cands)
    }
    acc = 0.0
    for p, rows in enumerate(schedule.assignments):
        for a in rows:
            k = index[(a.workload, a.site, a.hardware, a.variant, p)]
            acc += weights[k] * data.cands[k].latency_ms
    return acc / total_q


@dataclass(frozen=True)
class EpsilonExtra:
    """Optimise one objective with the other bounded (a picklable ``build`` extra).

    ``minimise``: "npv" or "second"; ``npv_at_most`` / ``second_at_most``: bounds or None.
    """

    versus: Versus
    minimise: Literal["npv", "second"]
    npv_at_most: float | None = None
    second_at_most: float | None = None
    tiebreak: float = 0.0  # minimising NPV: + tiebreak x second (ties go to the lower one)

    def __call__(self, m: Milp) -> None:
        """Rows ``NPV <= npv_at_most`` (family ``pareto_npv``) and ``f <= second_at_most``
        (``pareto_eps``), then the objective: f, or NPV + tiebreak x f."""
        npv = Linear(dict(m.cost), m.objective_constant)
        f = second_objective(m, self.versus)
        if self.npv_at_most is not None:
            m.add_row(list(npv.coef.items()), "<=", self.npv_at_most - npv.constant,
                      "pareto_npv", 0)
        if self.second_at_most is not None:
            m.add_row(list(f.coef.items()), "<=", self.second_at_most - f.constant,
                      "pareto_eps", 0)
        if self.minimise == "second":
            m.set_objective(f.coef, f.constant)
        elif self.tiebreak > 0:
            npv.plus(f, self.tiebreak)
            m.set_objective(npv.coef, npv.constant)
