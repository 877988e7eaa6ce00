"""Accounting of a schedule: moves, activity, costs per period, residual value, NPV,
link loads and cumulative cost by month. Used to write plans and to check them.

A :class:`Schedule` is what a plan decides, nothing derived: per period the
assignments, units (on demand plus committed serving, or owned), units bought, units
committed and spot units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from placement import costs, transfers
from placement.candidates import ON_DEMAND, Market
from placement.lookup import Lookup
from placement.network import Routes
from placement.schema import Period

SiteHw = tuple[str, str]
#: (site, hardware, commitment id)
Commit = tuple[str, str, str]


@dataclass(frozen=True, order=True)
class Assignment:
    workload: str
    site: str
    hardware: str
    variant: str
    market: Market = ON_DEMAND  # the pool it runs in (v2)


@dataclass
class Schedule:
    """Per period: assignments, units per (site, hardware) (rented on demand plus
    committed units serving the period, or owned), units bought, units committed in the
    period per (site, hardware, commitment) and spot units per (site, hardware) (v2; none:
    empty lists)."""

    assignments: list[list[Assignment]]
    units: list[dict[SiteHw, int]]
    bought: list[dict[SiteHw, int]] = field(default_factory=list)
    commitments: list[dict[Commit, int]] = field(default_factory=list)
    spot: list[dict[SiteHw, int]] = field(default_factory=list)

    def spot_units(self, p: int) -> dict[SiteHw, int]:
        """Spot units per (site, hardware) in period p."""
        return self.spot[p] if p < len(self.spot) else {}


def served_sites(schedule: Schedule, p: int) -> dict[str, set[str]]:
    """Sites serving each workload in period p."""
    out: dict[str, set[str]] = {}
    for a in schedule.assignments[p]:
        out.setdefault(a.workload, set()).add(a.site)
    return out


def moves(lk: Lookup, schedule: Schedule) -> list[list[str]]:
    """Workloads that move in each period: a site serving them in p-1 (p = 1: `current`)
    does not serve them in p. A workload with no `current` does not move in p = 1."""
    out = []
    for p in range(len(lk.periods)):
        now = served_sites(schedule, p)
        if p == 0:
            before = {w: set(lk.current_sites(w)) for w in lk.workloads if lk.current_sites(w)}
        else:
            before = served_sites(schedule, p - 1)
        out.append(sorted(w for w, sites in before.items() if sites - now.get(w, set())))
    return out


def active_sites(schedule: Schedule, p: int) -> set[str]:
    """Sites with any workload or any unit (any pool) in period p."""
    return {a.site for a in schedule.assignments[p]} | {
        s for (s, _), n in in_service(schedule, p).items() if n > 0
    }


def in_service(schedule: Schedule, p: int) -> dict[SiteHw, int]:
    """Units in service per (site, hardware) in period p, every pool: ``units`` (rented
    on demand plus committed units serving p, or owned) plus spot. A new pool adds itself
    here."""
    out = dict(schedule.units[p])
    for key, n in schedule.spot_units(p).items():
        out[key] = out.get(key, 0) + n
    return out


def emissions(lk: Lookup, schedule: Schedule) -> list[float]:
    """Each period's emissions, tCO2e: the units in service (every pool) x power_w / 1000
    x 730 x m_p x pue x carbon_g_per_kwh(s, p) / 10^6, plus embodied_t per owned unit
    bought in the period."""
    out = []
    for info in lk.periods:
        p, total = info.index, 0.0
        for (s, h), n in sorted(in_service(schedule, p).items()):
            hw = lk.hardware[h]
            g = lk.carbon_g_per_kwh(s, p)
            total += costs.emissions_t(n, hw.power_w, info.months, lk.sites[s].pue, g)
        for (_, h), b in sorted(schedule.bought[p].items()):
            total += costs.embodied_t(b, lk.hardware[h].embodied_t)
        out.append(total)
    return out


def over_carbon_cap(periods: Sequence[Period], tonnes: Sequence[float]) -> list[str]:
    """The names of the periods (the instance's ``horizon.periods``) whose emissions
    ``tonnes`` exceed their carbon_cap_t (a micro-tonne of rounding allowed)."""
    return [
        period.name
        for period, t in zip(periods, tonnes, strict=True)
        if period.carbon_cap_t is not None and t > period.carbon_cap_t + CARBON_TOLERANCE
    ]


#: Emissions are compared to a cap within a micro-tonne (float rounding).
CARBON_TOLERANCE = 1e-6


def activation_periods(lk: Lookup, schedule: Schedule) -> dict[str, int]:
    """The period each site pays its activation cost in (first active; never if at start)."""
    out: dict[str, int] = {}
    for p in range(len(lk.periods)):
        for s in sorted(active_sites(schedule, p)):
            if s not in out and not lk.sites[s].active_at_start:
                out[s] = p
    return out


def period_costs(lk: Lookup, routes: Routes, schedule: Schedule) -> list[dict[str, float]]:
    """Undiscounted cost of each period, by the spec's categories."""
    mv = moves(lk, schedule)
    activated = activation_periods(lk, schedule)
    group_bills = tiered_egress_bills(lk, schedule)
    copies = model_transfer_costs(lk, routes, schedule)
    out = []
    for info in lk.periods:
        p, months = info.index, info.months
        c = dict.fromkeys(costs.COST_CATEGORIES, 0.0)
        serving = committed_serving(lk, schedule, p)
        c["committed"] = committed_payments(lk, schedule, p)
        for (_, h), n in sorted(in_service(schedule, p).items()):
            c["license"] += costs.license(n, lk.hardware[h].license_per_month, months)
        for (s, h), n in sorted(schedule.units[p].items()):
            hw, site = lk.hardware[h], lk.sites[s]
            if hw.kind == "rented":
                on_demand = n - serving.get((s, h), 0)
                c["rented"] += costs.rented(on_demand, lk.price_per_hour(s, h, p), months)
            else:
                c["maintenance"] += costs.maintenance(n, hw.maintenance_per_month, months)
                energy_price = lk.energy_per_kwh(s, p)
                c["energy"] += costs.energy(n, hw.power_w, months, site.pue, energy_price)
        for (s, h), n in sorted(schedule.bought[p].items()):
            c["capex"] += costs.capex(n, lk.capex(h, p), lk.sites[s].capex_rebate)
        for a in schedule.assignments[p]:
            wl, d = lk.workloads[a.workload], lk.demand[a.workload][p]
            route = routes.get(wl.origin, lk.sites[a.site].node_id)
            path_cost = routes.path_cost_per_gb(route) if route else 0.0
            c["egress"] += costs.egress(
                d,
                wl.replicas,
                wl.load_factor,
                wl.response_kb,
                lk.sites[a.site].egress_per_gb,
                months,
            )
            c["transfer"] += costs.transfer(
                d, wl.replicas, wl.load_factor, wl.request_kb, wl.response_kb, path_cost, months
            )
        for s in sorted(active_sites(schedule, p)):
            c["site_fixed"] += costs.site_fixed(lk.sites[s].fixed_per_month, months)
        c["activation"] = sum(lk.sites[s].activation_cost for s, q in activated.items() if q == p)
        c["migration"] = sum(lk.workloads[w].migration_cost for w in mv[p])
        c["egress"] += sum(group_bills[p].values())
        c["updates"], c["deploy"] = copies[p]
        out.append(c)
    _spot_and_carbon(lk, schedule, out)
    return out


def _commitments_made(lk: Lookup, schedule: Schedule) -> list[tuple[int, Commit, int, float]]:
    """(period made, (site, hardware, commitment), units, term months) of every commitment."""
    return [
        (made, key, n, lk.commitment(*key).term_months)
        for made, rows in enumerate(schedule.commitments)
        for key, n in sorted(rows.items())
        if n
    ]


def committed_serving(lk: Lookup, schedule: Schedule, p: int) -> dict[SiteHw, int]:
    """Committed units serving period p at each (site, hardware): those of commitments
    made in some p' <= p whose term covers p wholly (t_p + m_p <= t_p' + term)."""
    out: dict[SiteHw, int] = {}
    for made, (s, h, _), n, term in _commitments_made(lk, schedule):
        if lk.serves(term, made, p):
            out[(s, h)] = out.get((s, h), 0) + n
    return out


def committed_payments(lk: Lookup, schedule: Schedule, p: int) -> float:
    """Undiscounted cost ``committed`` of period p: every commitment made in p' <= p pays
    units x price_per_hour x 730 x (months of p within [t_p', t_p' + term)), serving or not."""
    return sum(
        costs.committed(n, lk.commitment(*key).price_per_hour, lk.paid_months(term, made, p))
        for made, key, n, term in _commitments_made(lk, schedule)
    )


def committed_after_horizon(lk: Lookup, schedule: Schedule) -> float:
    """Undiscounted payments of the commitments' months past the horizon's end:
    units x price_per_hour x 730 x max(0, t_p + term - T) (``committed_after_horizon``)."""
    return sum(
        costs.committed(n, lk.commitment(*key).price_per_hour, lk.months_after_horizon(term, made))
        for made, key, n, term in _commitments_made(lk, schedule)
    )


def annualized_npv(lk: Lookup, npv_value: float) -> float:
    """npv x CRF(r, T): the constant yearly payment with the same present value."""
    rate = lk.inst.horizon.discount_rate
    return npv_value * costs.capital_recovery_factor(rate, lk.horizon_months)


def _spot_and_carbon(lk: Lookup, schedule: Schedule, out: list[dict[str, float]]) -> None:
    """Categories ``spot`` (spot units x spot price x 730 x m_p) and ``carbon`` (the
    period's emissions x carbon_price_per_t) of every period."""
    tonnes = emissions(lk, schedule)
    price = lk.inst.policy.carbon_price_per_t
    for info in lk.periods:
        p = info.index
        for (s, h), n in sorted(schedule.spot_units(p).items()):
            spot_price = lk.spot_price_per_hour(s, h, p)
            out[p]["spot"] += costs.rented(n, spot_price or 0.0, info.months)
        out[p]["carbon"] += costs.carbon(tonnes[p], price)


def egress_group_volumes(lk: Lookup, schedule: Schedule) -> list[dict[str, float]]:
    """V(g,p): per period, the monthly response GB of the replicas at the sites of each
    tiered egress group (every tiered group listed, 0 when unused)."""
    groups = transfers.tiered_groups(lk)
    out = []
    for p in range(len(lk.periods)):
        volume = dict.fromkeys(groups, 0.0)
        for a in schedule.assignments[p]:
            group = lk.sites[a.site].billing_group
            if group in volume:
                wl = lk.workloads[a.workload]
                volume[group] += costs.egress_volume_gb(
                    lk.demand[a.workload][p], wl.replicas, wl.load_factor, wl.response_kb
                )
        out.append(volume)
    return out


def tiered_egress_bills(lk: Lookup, schedule: Schedule) -> list[dict[str, float]]:
    """Per period, each tiered egress group's bill, m_p x tiered(V(g,p)) (marginal
    pricing). The plan adds it, whole, to the period's ``egress`` (docs/v2-readings.md)."""
    groups = transfers.tiered_groups(lk)
    return [
        {g: costs.tiered_egress(v, groups[g][0], info.months) for g, v in volumes.items()}
        for info, volumes in zip(lk.periods, egress_group_volumes(lk, schedule), strict=True)
    ]


def hosted(lk: Lookup, schedule: Schedule, p: int) -> set[tuple[str, str, str]]:
    """(site, model, variant) hosted in period p: the site serves a workload of that model
    with that variant, on any hardware."""
    return {(a.site, lk.workloads[a.workload].model, a.variant) for a in schedule.assignments[p]}


def model_transfer_costs(
    lk: Lookup, routes: Routes, schedule: Schedule
) -> list[tuple[float, float]]:
    """Per period, (updates, deploy): every hosted (site, model, variant) receives
    updates_per_month x size_gb x m_p GB; one that was not hosted in p - 1 (p = 1: no
    `current` placement of it there) first receives size_gb; each GB at
    ``transfers.copy_price_per_gb``."""
    before = transfers.hosted_at_start(lk)
    out = []
    for info in lk.periods:
        now = hosted(lk, schedule, info.index)
        updates = deploy = 0.0
        for s, model, v in sorted(now):
            price = transfers.copy_price_per_gb(lk, routes, model, s)
            size = lk.variants[(model, v)].size
            updates += costs.model_updates(
                lk.models[model].updates_per_month, size, info.months, price
            )
            if (s, model, v) not in before:
                deploy += costs.model_deploy(size, price)
        out.append((updates, deploy))
        before = now
    return out


def residual_value(lk: Lookup, schedule: Schedule) -> float:
    """Undiscounted residual value, at the horizon's end, of the units bought in it."""
    total = 0.0
    for info in lk.periods:
        for (s, h), n in sorted(schedule.bought[info.index].items()):
            hw = lk.hardware[h]
            total += costs.residual(
                n,
                lk.capex(h, info.index),
                lk.sites[s].capex_rebate,
                lk.horizon_months - info.start,
                hw.lifetime_months or 1.0,
            )
    return total


def npv(
    lk: Lookup, per_period: list[dict[str, float]], residual: float, after_horizon: float = 0.0
) -> float:
    """sum_p d_p x (costs of p) - d_T x residual value + d_T x committed_after_horizon."""
    spent = sum(info.discount * sum(per_period[info.index].values()) for info in lk.periods)
    return spent - lk.end_discount * residual + lk.end_discount * after_horizon


def link_loads(lk: Lookup, routes: Routes, schedule: Schedule) -> list[dict[str, float]]:
    """Peak Mbit/s on every link in each period (every link of the instance listed)."""
    out = []
    for p in range(len(lk.periods)):
        load = dict.fromkeys(routes.bandwidth_mbps, 0.0)
        for a in schedule.assignments[p]:
            wl, d = lk.workloads[a.workload], lk.demand[a.workload][p]
            route = routes.get(wl.origin, lk.sites[a.site].node_id)
            for key in route.links if route else ():
                load[key] += costs.replica_traffic_mbps(
                    d, wl.replicas, wl.request_kb, wl.response_kb
                )
        out.append(load)
    return out


def cumulative_by_month(lk: Lookup, per_period: list[dict[str, float]]) -> list[float]:
    """Undiscounted cumulative cost at the end of months 1..ceil(T).

    One-time costs (capex, activation, migration, deploy) fall in the month containing the
    period's start; recurring costs are spread evenly over the period's time (a
    fractional month gets its share). Residual value and the commitments' payments past
    the horizon (``committed_after_horizon``) are left out.
    """
    n = math.ceil(lk.horizon_months - 1e-9)
    monthly = [0.0] * n
    for info in lk.periods:
        c = per_period[info.index]
        one_time = sum(v for k, v in c.items() if k in costs.ONE_TIME_CATEGORIES)
        recurring = sum(v for k, v in c.items() if k not in costs.ONE_TIME_CATEGORIES)
        monthly[min(math.floor(info.start + 1e-9), n - 1)] += one_time
        start, end = info.start, info.start + info.months
        for k in range(math.floor(start + 1e-9), min(n, math.ceil(end - 1e-9))):
            overlap = min(end, k + 1) - max(start, k)
            monthly[k] += recurring * overlap / info.months
    out, total = [], 0.0
    for v in monthly:
        total += v
        out.append(total)
    return out


BREAK_EVEN_TOLERANCE = 0.005  # half a cent: equal costs count as "at or below"


def break_even_month(plan: Sequence[float], baseline: Sequence[float]) -> int | None:
    """Smallest month k (from 1) such that from k to the end the plan's cumulative cost
    is at or below the baseline's; None when there is no such month."""
    k = None
    for j in range(len(plan) - 1, -1, -1):
        if plan[j] <= baseline[j] + BREAK_EVEN_TOLERANCE:
            k = j + 1
        else:
            break
    return k
