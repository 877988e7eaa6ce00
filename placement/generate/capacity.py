"""Caps and budgets fitted to the stay plan: quotas on some rented offers and capped links
with room for it in its busiest period, and wave capex budgets scaled to the estate."""

from __future__ import annotations

import math
from typing import Any

from placement import costs
from placement.generate.catalog import FAMILY
from placement.generate.draws import Draws
from placement.generate.estate import Estate
from placement.generate.limits import MAX_QUOTA_UNITS
from placement.generate.models import ProfileTable
from placement.generate.network import RouteFinder
from placement.generate.workloads import Stay
from placement.network import link_key

QUOTA = {"l4-24g": (32, 129), "l40s-48g": (16, 65), "h100-80g": (4, 33)}  # drawn range


def stay_loads(workloads: list[dict[str, Any]], stay: dict[str, Stay],
               demand: dict[str, list[float]], profile: ProfileTable, routes: RouteFinder,
               ) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """Units the stay plan needs per (site, hardware) and Mbit/s per link, in the busiest
    period of each (sums taken in a fixed order: the figures are reproducible)."""
    need: dict[tuple[str, str, int], float] = {}
    traffic: dict[tuple[str, int], float] = {}
    for w in workloads:
        wid, f = w["id"], FAMILY[w["model"]]
        reps = int(w.get("replicas", 1))
        for p, dmd in enumerate(demand[wid]):
            for s, h, v in stay[wid]:
                load = costs.carried_load(dmd, reps) / profile[(f.id, v, h)][0]
                need[(s, h, p)] = need.get((s, h, p), 0.0) + load
                route = routes.route(w["origin"], s)
                assert route is not None
                mbps = costs.replica_traffic_mbps(dmd, reps, w["request_kb"], w["response_kb"])
                for key in route.links:
                    traffic[(key, p)] = traffic.get((key, p), 0.0) + mbps
    most: dict[tuple[str, str], float] = {}
    for (s, h, _), n in need.items():
        most[(s, h)] = max(most.get((s, h), n), n)
    busiest: dict[str, float] = {}
    for (key, _), t in traffic.items():
        busiest[key] = max(busiest.get(key, t), t)
    return most, busiest


def fit_capacities(d: Draws, est: Estate, mu: float, most: dict[tuple[str, str], float],
                   busiest: dict[str, float]) -> None:
    """Quotas on ~35% of the regions' offers and caps on the links, each at least 1.3x
    what the stay plan needs in its busiest period (no quota above MAX_QUOTA_UNITS)."""
    regions = set(est.regions)
    for o in est.offers:
        if o["site"] not in regions or not d.chance(0.35):
            continue
        units = math.ceil(most.get((o["site"], o["hardware"]), 0.0) / mu - 1e-9)
        drawn = d.integer(*QUOTA[o["hardware"]])
        if math.ceil(units * 1.3) + 2 <= MAX_QUOTA_UNITS:
            o["max_units"] = max(drawn, math.ceil(units * 1.3) + 2)
    for lk in est.links:
        top = busiest.get(link_key(lk["a"], lk["b"]), 0.0)
        if top > 0 and "bandwidth_mbps" in lk:
            lk["bandwidth_mbps"] = float(max(lk["bandwidth_mbps"],
                                             100 * math.ceil(top * 1.3 / 100)))
        elif "bandwidth_mbps" not in lk and lk["b"] in regions and d.chance(0.2):
            # a capped internet uplink to a region (still room for the stay plan)
            lk["bandwidth_mbps"] = float(max(1000 * round(d.u(5, 40)),
                                             100 * math.ceil(top * 1.3 / 100)))


def fit_budgets(d: Draws, periods: list[dict[str, Any]], workloads: list[dict[str, Any]],
                stay: dict[str, Stay], demand: dict[str, list[float]],
                profile: ProfileTable) -> None:
    """Wave capex budgets: enough for a share of the estate to move to owned hardware."""
    scale = sum(max(demand[w["id"]]) / profile[
        (w["model"], stay[w["id"]][0][2], "l40s-server-4x")][0] for w in workloads)
    for p in periods:
        if p.get("capex_budget") == 0.0:
            units = max(1.0, scale * d.u(0.2, 0.5))
            p["capex_budget"] = float(10000 * math.ceil(units * 48000 / 10000))
