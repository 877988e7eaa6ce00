"""Capacity shortfall of a fixed plan under sampled demand.

The risk analysis scales every workload's demand in every period by one sampled factor
(the ``demand`` multiplier). A fixed plan's units carry at most ``max_utilization`` of
their rated rps, so the plan falls short in a sample when that factor exceeds its *unit
headroom*: the smallest, over every period and (site, hardware) carrying load, of
max_utilization x units x rated rps / carried load. Capped links have a headroom of
their own (bandwidth / peak traffic); the *demand headroom* is the smaller of the two.

Latency cannot breach in a sample: a placement's latency is twice its path's one-way
latency plus the profile's serving latency, and no sampled multiplier changes either
(the model has no queueing), so the risk analysis reports no SLO-breach probability.
"""

from __future__ import annotations

import numpy as np

from placement import accounting
from placement.accounting import Schedule
from placement.candidates import SPOT, workload_serving
from placement.costs import carried_load
from placement.lookup import Lookup
from placement.network import Routes


def unit_headroom(lk: Lookup, schedule: Schedule) -> float | None:
    """The largest uniform demand multiplier the plan's units carry at max_utilization in
    every period, each pool on its own (spot units carry mu x (1 - interruption
    overhead) each); None when no unit carries load."""
    mu = lk.inst.policy.max_utilization
    ratios = []
    for p, rows in enumerate(schedule.assignments):
        used: dict[tuple[str, str, str], float] = {}
        for a in rows:
            wl = lk.workloads[a.workload]
            serves = workload_serving(lk, a.workload, a.variant, a.hardware)
            assert serves is not None  # a plan's assignment
            load = carried_load(lk.demand[a.workload][p], wl.replicas) / serves.rps
            key = (a.site, a.hardware, a.market)
            used[key] = used.get(key, 0.0) + load
        for (s, h, market), load in used.items():
            if load <= 0:
                continue
            if market == SPOT:
                room = mu * lk.spot_derate(s, h) * schedule.spot_units(p).get((s, h), 0)
            else:
                room = mu * schedule.units[p].get((s, h), 0)
            ratios.append(room / load)
    return min(ratios) if ratios else None


def link_headroom(lk: Lookup, routes: Routes, schedule: Schedule) -> float | None:
    """The largest uniform demand multiplier the plan's capped links carry in every period;
    None when no capped link carries traffic."""
    ratios = []
    for loads in accounting.link_loads(lk, routes, schedule):
        for link, flow in loads.items():
            bw = routes.bandwidth_mbps[link]
            if bw is not None and flow > 0:
                ratios.append(bw / flow)
    return min(ratios) if ratios else None


def demand_headroom(lk: Lookup, routes: Routes, schedule: Schedule) -> float | None:
    """The smaller of the unit and link headrooms (None when nothing is loaded)."""
    rooms = [r for r in (unit_headroom(lk, schedule), link_headroom(lk, routes, schedule))
             if r is not None]
    return min(rooms) if rooms else None


def samples_over(demand: np.ndarray, headroom: float | None) -> int:
    """How many sampled demand multipliers exceed ``headroom`` (none when it is None)."""
    if headroom is None:
        return 0
    return int(np.sum(demand > headroom * (1 + 1e-12)))


def shortfall_probability(demand: np.ndarray, headroom: float | None) -> float:
    """The share of samples whose demand multiplier exceeds ``headroom``."""
    return round(samples_over(demand, headroom) / len(demand), 6) + 0.0 if len(demand) else 0.0
