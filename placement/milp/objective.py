"""The objective: the plan's net present value (spec: "Cost of a plan").

minimise  sum_p d_p x [ sum_k flow_k x_k                       (egress + transfer)
                       + sum_{s,h rented} rent(s,h,p) x price x 730 x m_p
                       + sum_{s,h owned} owned(s,h,p) x (maintenance + energy per unit)
                       + sum_{s,h owned} buy(s,h,p) x capex x (1 - rebate)
                       + sum_s active(s,p) x fixed x m_p + first(s,p) x activation
                       + sum_w move(w,p) x migration_cost
                       + sum_{s,h} spot(s,h,p) x spot price x 730 x m_p      (v2 spot)
                       + sum_{s,h} in_service(s,h,p) x license_per_month x m_p
                       + carbon_price_per_t x E(p)                          (v2 carbon)
                       + m_p x sum_{g,i} c_i x tier(g,p,i)          (tiered egress)
                       + sum_{s,mo,v} host(s,mo,v,p) x u_mo x size_v x m_p x price(mo,s)
                       + sum_{s,mo,v} first_copy(s,mo,v,p) x size_v x price(mo,s) ]
          + sum_{s,h,j,p} commit(s,h,j,p) x price_j x 730
                x [ sum_{q>=p} d_q x |[t_q, t_q + m_q) ∩ [t_p, t_p + term_j)|
                    + d_T x max(0, t_p + term_j - T) ]
          - d_T x sum_{s,h,p} buy(s,h,p) x capex x (1 - rebate) x max(0, 1 - (T - t_p) / life)

with d_p = (1 + r)^(-t_p / 12), d_T the factor at the horizon's end, in_service(s,h,p)
the units in service in every pool (``Milp.service_terms``: rented on demand, committed
units serving p, spot, owned) and E(p) the period's emissions (``Milp.emissions_terms``:
units in service in every pool x power_w / 1000 x 730 x m_p x pue x carbon_g_per_kwh /
10^6, plus embodied_t per owned unit bought). Every coefficient comes from
``placement.costs``; owned existing units give a constant. A tiered egress group with one
kept segment (``transfer_sets``) pays c_1 x vol_k x m_p on each x_k of its sites instead
of tier columns (egress_per_gb is 0 at tiered sites); u_mo is updates_per_month and
price(mo,s) ``transfers.copy_price_per_gb`` (registry egress + the path's cost_per_gb).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from placement import costs, transfers
from placement.data import ProblemData
from placement.milp.transfer_sets import tier_segments
from placement.milp.variables import Milp


@dataclass
class Linear:
    """A linear expression: coefficients by column plus a constant."""

    coef: dict[int, float] = field(default_factory=dict)
    constant: float = 0.0

    def add(self, col: int, value: float) -> None:
        self.coef[col] = self.coef.get(col, 0.0) + value

    def plus(self, other: Linear, weight: float = 1.0) -> None:
        """Add ``weight`` x ``other`` to this expression."""
        for col, value in other.coef.items():
            self.add(col, weight * value)
        self.constant += weight * other.constant



#: The spec's cost categories, plus the residual value credit (a negative term).
NPV_CATEGORIES = (*costs.COST_CATEGORIES, "residual")


def _flow(data: ProblemData, k: int) -> tuple[float, float]:
    """Undiscounted (egress, transfer) of candidate k over its period."""
    c = data.cands[k]
    lk = data.lk
    wl = lk.workloads[c.workload]
    d = lk.demand[c.workload][c.period]
    months = lk.periods[c.period].months
    route_cost = sum(data.routes.cost_per_gb[key] for key in c.links)
    egress = costs.egress(
        d, wl.replicas, wl.load_factor, wl.response_kb, lk.sites[c.site].egress_per_gb, months
    )
    transfer = costs.transfer(
        d, wl.replicas, wl.load_factor, wl.request_kb, wl.response_kb, route_cost, months
    )
    return egress, transfer


def npv_terms(m: Milp) -> dict[str, Linear]:
    """The discounted NPV of the plan as one linear expression per cost category
    (``NPV_CATEGORIES``); their sum is the objective. Analyses reweight them (scenarios,
    CVaR) without rebuilding the model."""
    data = m.data
    lk = data.lk
    t = {cat: Linear() for cat in NPV_CATEGORIES}
    for k, var in m.x.items():
        disc = lk.periods[data.cands[k].period].discount
        egress, transfer = _flow(data, k)
        t["egress"].add(var, egress * disc)
        t["transfer"].add(var, transfer * disc)
    for (s, h, p), var in m.rent.items():
        price = lk.price_per_hour(s, h, p)
        t["rented"].add(var, costs.rented(1, price, lk.periods[p].months) * lk.periods[p].discount)
    for s, h in data.owned_offers:
        hw, site = lk.hardware[h], lk.sites[s]
        existing = lk.offers[(s, h)].existing_units
        for info in lk.periods:
            unit = {
                "maintenance": costs.maintenance(1, hw.maintenance_per_month, info.months),
                "energy": costs.energy(
                    1, hw.power_w, info.months, site.pue, lk.energy_per_kwh(s, info.index)
                ),
            }
            for cat, value in unit.items():
                t[cat].constant += existing * value * info.discount
                # a unit bought in q is owned in every p >= q
                for q in range(info.index + 1):
                    if (s, h, q) in m.buy:
                        t[cat].add(m.buy[(s, h, q)], value * info.discount)
    for (s, h, p), var in m.buy.items():
        hw, site, info = lk.hardware[h], lk.sites[s], lk.periods[p]
        assert hw.capex is not None and hw.lifetime_months is not None
        capex = lk.capex(h, p)
        t["capex"].add(var, costs.capex(1, capex, site.capex_rebate) * info.discount)
        age = lk.horizon_months - info.start
        credit = costs.residual(1, capex, site.capex_rebate, age, hw.lifetime_months)
        t["residual"].add(var, -credit * lk.end_discount)
    for (s, p), var in m.active.items():
        fixed = costs.site_fixed(lk.sites[s].fixed_per_month, lk.periods[p].months)
        t["site_fixed"].add(var, fixed * lk.periods[p].discount)
    for (s, p), var in m.first.items():
        t["activation"].add(var, lk.sites[s].activation_cost * lk.periods[p].discount)
    for (w, p), var in m.move.items():
        t["migration"].add(var, lk.workloads[w].migration_cost * lk.periods[p].discount)
    _commitment_terms(m, t)
    _license_terms(m, t)
    _spot_terms(m, t)
    _carbon_terms(m, t)
    _tiered_egress_terms(m, t["egress"])
    _transfer_terms(m, t["updates"], t["deploy"])
    return t


def _commitment_terms(m: Milp, t: dict[str, Linear]) -> None:
    """``committed``: each unit of commitment j made in p pays price_j x 730 x (months of q
    in its term) in every q >= p, discounted by d_q, and the months past the horizon's
    end discounted by d_T (``committed_after_horizon``)."""
    lk = m.data.lk
    for (s, h, j, p), var in m.commit.items():
        c = lk.commitment(s, h, j)
        value = sum(
            costs.committed(1, c.price_per_hour, lk.paid_months(c.term_months, p, q.index))
            * q.discount
            for q in lk.periods[p:]
        )
        after = lk.months_after_horizon(c.term_months, p)
        value += costs.committed(1, c.price_per_hour, after) * lk.end_discount
        t["committed"].add(var, value)


def _license_terms(m: Milp, t: dict[str, Linear]) -> None:
    """``license``: license_per_month x m_p x d_p per unit in service, every pool
    (``Milp.service_terms``: rented on demand, committed units serving p, spot, owned;
    existing owned units a constant)."""
    lk = m.data.lk
    for s, h in sorted(lk.offers):
        per_month = lk.hardware[h].license_per_month
        if per_month <= 0:
            continue
        for info in lk.periods:
            unit = costs.license(1, per_month, info.months) * info.discount
            terms, existing = m.service_terms(s, h, info.index)
            t["license"].constant += existing * unit
            for col, coef in terms:
                t["license"].add(col, coef * unit)


def _spot_terms(m: Milp, t: dict[str, Linear]) -> None:
    """Category ``spot``: spot(s,h,p) x spot price(s,h,p) x 730 x m_p, discounted."""
    lk = m.data.lk
    for (s, h, p), var in m.spot.items():
        price = lk.spot_price_per_hour(s, h, p)
        assert price is not None  # a spot column only where the offer has spot
        info = lk.periods[p]
        t["spot"].add(var, costs.rented(1, price, info.months) * info.discount)


def _carbon_terms(m: Milp, t: dict[str, Linear]) -> None:
    """Category ``carbon``: E(p) x carbon_price_per_t, discounted (``emissions_terms``)."""
    lk = m.data.lk
    price = lk.inst.policy.carbon_price_per_t
    if price <= 0:
        return
    for info in lk.periods:
        terms, constant = m.emissions_terms(info.index)
        per_t = costs.carbon(1, price) * info.discount
        for col, coef in terms:
            t["carbon"].add(col, coef * per_t)
        t["carbon"].constant += constant * per_t


def _tiered_egress_terms(m: Milp, egress: Linear) -> None:
    """m_p x d_p x c_i on each tier(g,p,i); c_1 x vol_k x m_p x d_p on each x_k of a group
    with one kept segment (module docstring)."""
    lk = m.data.lk
    for gp in tier_segments(m.data):
        info = lk.periods[gp.period]
        if gp.linear:
            for k, vol in sorted(gp.volume.items()):
                egress.add(m.x[k], vol * gp.prices[0] * info.months * info.discount)
            continue
        for i, price in enumerate(gp.prices):
            col = m.blocks["tier"][(gp.group, gp.period, i)]
            egress.add(col, price * info.months * info.discount)


def _transfer_terms(m: Milp, updates: Linear, deploy: Linear) -> None:
    """The updates of each host(s,mo,v,p) (``Milp.host_terms``: its column or its one
    workload's x) and the first copy of each first_copy(s,mo,v,p)."""
    data = m.data
    lk = data.lk
    for s, mo, v, p in m.hosting:
        info = lk.periods[p]
        price = transfers.copy_price_per_gb(lk, data.routes, mo, s)
        size = lk.variants[(mo, v)].size
        upm = lk.models[mo].updates_per_month
        cost = costs.model_updates(upm, size, info.months, price) * info.discount
        for col, coef in m.host_terms((s, mo, v, p)):
            updates.add(col, coef * cost)
    for (s, mo, v, p), col in m.blocks["first_copy"].items():
        price = transfers.copy_price_per_gb(lk, data.routes, mo, s)
        size = lk.variants[(mo, v)].size
        deploy.add(col, costs.model_deploy(size, price) * lk.periods[p].discount)


def npv(m: Milp, weights: dict[str, float] | None = None) -> Linear:
    """The NPV (module docstring) as one expression; ``weights`` scales categories
    (default 1 each)."""
    total = Linear()
    for cat, lin in npv_terms(m).items():
        total.plus(lin, 1.0 if weights is None else weights.get(cat, 1.0))
    return total


def set_objective(m: Milp, weights: dict[str, float] | None = None) -> None:
    """Minimise the NPV (``npv``)."""
    total = npv(m, weights)
    m.set_objective(total.coef, total.constant)
