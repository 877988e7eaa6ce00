"""The objective: the plan's net present value (spec: "Cost of a plan").

minimise  sum_p d_p x [ sum_k flow_k x_k                       (egress + transfer)
                       + sum_{s,h rented} rent(s,h,p) x price x 730 x m_p
                       + sum_{s,h owned} owned(s,h,p) x (maintenance + energy per unit)
                       + sum_{s,h owned} buy(s,h,p) x capex x (1 - rebate)
                       + sum_s active(s,p) x fixed x m_p + first(s,p) x activation
                       + sum_w move(w,p) x migration_cost ]
          - d_T x sum_{s,h,p} buy(s,h,p) x capex x (1 - rebate) x max(0, 1 - (T - t_p) / life)

with d_p = (1 + r)^(-t_p / 12) and d_T the factor at the horizon's end. Every
coefficient comes from ``placement.costs``; owned existing units give a constant.
"""

from __future__ import annotations

import pulp

from placement import costs
from placement.data import ProblemData
from placement.milp.model import Milp


def flow_cost(data: ProblemData, k: int) -> float:
    """Undiscounted egress + transfer of candidate k over its period."""
    c = data.cands[k]
    lk = data.lk
    wl = lk.workloads[c.workload]
    d = lk.demand[c.workload][c.period]
    months = lk.periods[c.period].months
    route_cost = sum(data.routes.cost_per_gb[key] for key in c.links)
    return costs.egress(
        d, wl.replicas, wl.load_factor, wl.response_kb, lk.sites[c.site].egress_per_gb, months
    ) + costs.transfer(
        d, wl.replicas, wl.load_factor, wl.request_kb, wl.response_kb, route_cost, months
    )


def owned_unit_cost(data: ProblemData, s: str, h: str, p: int) -> float:
    """Undiscounted maintenance + energy of one owned unit in period p."""
    hw, site = data.lk.hardware[h], data.lk.sites[s]
    months = data.lk.periods[p].months
    return costs.maintenance(1, hw.maintenance_per_month, months) + costs.energy(
        1, hw.power_w, months, site.pue, site.energy_per_kwh
    )


def net_unit_capex(data: ProblemData, s: str, h: str, p: int) -> float:
    """Discounted capex of one unit bought in p, less its discounted residual value."""
    lk = data.lk
    hw, site, info = lk.hardware[h], lk.sites[s], lk.periods[p]
    assert hw.capex is not None and hw.lifetime_months is not None
    spend = costs.capex(1, hw.capex, site.capex_rebate) * info.discount
    age = lk.horizon_months - info.start
    credit = costs.residual(1, hw.capex, site.capex_rebate, age, hw.lifetime_months)
    return spend - credit * lk.end_discount


def set_objective(m: Milp) -> None:
    """Set the NPV objective on ``m.prob`` (see the module docstring)."""
    data = m.data
    lk = data.lk
    coef: dict[pulp.LpVariable, float] = {}
    constant = 0.0

    def term(var: pulp.LpVariable, value: float) -> None:
        coef[var] = coef.get(var, 0.0) + value

    for k, var in m.x.items():
        term(var, flow_cost(data, k) * lk.periods[data.cands[k].period].discount)
    for (s, h, p), var in m.rent.items():
        price = lk.offers[(s, h)].price_per_hour or 0.0
        term(var, costs.rented(1, price, lk.periods[p].months) * lk.periods[p].discount)
    for s, h in data.owned_offers:
        existing = lk.offers[(s, h)].existing_units
        for info in lk.periods:
            per_unit = owned_unit_cost(data, s, h, info.index) * info.discount
            constant += existing * per_unit
            # a unit bought in q is owned in every p >= q
            for q in range(info.index + 1):
                if (s, h, q) in m.buy:
                    term(m.buy[(s, h, q)], per_unit)
    for (s, h, p), var in m.buy.items():
        term(var, net_unit_capex(data, s, h, p))
    for (s, p), var in m.active.items():
        fixed = costs.site_fixed(lk.sites[s].fixed_per_month, lk.periods[p].months)
        term(var, fixed * lk.periods[p].discount)
    for (s, p), var in m.first.items():
        term(var, lk.sites[s].activation_cost * lk.periods[p].discount)
    for (w, p), var in m.move.items():
        term(var, lk.workloads[w].migration_cost * lk.periods[p].discount)
    m.objective_constant = constant
    m.prob += pulp.LpAffineExpression(coef, constant=constant)
