"""Workloads, each with a *stay* placement per replica (its current placement when it has
one) that meets its SLO, residency and quality: the plan that makes the instance feasible."""

from __future__ import annotations

import math
from typing import Any

from placement.generate.catalog import FAMILIES, HW, METRO, RENTED, Family
from placement.generate.draws import Draws, r
from placement.generate.estate import Estate
from placement.generate.limits import MAX_GROWTH
from placement.generate.models import ProfileTable
from placement.generate.network import RouteFinder
from placement.network import round_trip_ms

Stay = list[tuple[str, str, str]]  # (site, hardware, variant) per replica


def demand_series(d1: float, growth: float, flat: bool, n_periods: int) -> list[float]:
    """Peak rps per period: d1 growing by ``growth`` a period, saturating at MAX_GROWTH x d1."""
    return [max(0.05, r(d1 * (1.0 if flat else min((1 + growth) ** p, MAX_GROWTH))))
            for p in range(n_periods)]


class WorkloadMaker:
    """Draws the workloads one by one and records each one's stay plan and demand."""

    def __init__(self, d: Draws, est: Estate, routes: RouteFinder, profile: ProfileTable,
                 n_periods: int) -> None:
        self.d, self.est, self.routes, self.profile = d, est, routes, profile
        self.n_p = n_periods
        self.stay: dict[str, Stay] = {}
        self.demand: dict[str, list[float]] = {}
        self._allowed: dict[tuple[str, str | None], list[str]] = {}

    def allowed(self, origin: str, residency: str | None) -> list[str]:
        """The regions a workload may stay in, nearest first (regions: distinct domains)."""
        key = (origin, residency)
        if key not in self._allowed:
            lat: dict[str, float] = {}
            for reg in self.est.regions:
                route = self.routes.route(origin, reg)
                if route is not None and (residency is None or
                                          METRO[self.est.site_metro[reg]][2] == residency):
                    lat[reg] = route.latency_ms
            self._allowed[key] = sorted(lat, key=lambda x: (lat[x], x))
        return self._allowed[key]

    def stay_placements(self, f: Family, sites: list[str], min_q: float,
                        has_current: bool) -> Stay:
        stay = []
        for s in sites:
            opts = [(h, v) for h in RENTED for v, gb, q, _, _ in f.variants
                    if q >= min_q - 1e-9 and gb <= HW[h].memory_gb
                    and (f.id, v, h) in self.profile]
            if has_current:  # today's choice: often the full-precision variant
                weights = [2.0 if v == f.variants[0][0] else 1.0 for _, v in opts]
                h, v = self.d.pick(opts, weights)
            else:  # new workload: the cheapest per rps at the stay site
                h, v = min(opts, key=lambda o: (
                    self.est.price[(s, o[0])] / self.profile[(f.id, o[1], o[0])][0], o))
            stay.append((s, h, v))
        return stay

    def make(self, i: int) -> dict[str, Any]:
        d, est = self.d, self.est
        f: Family = d.pick(list(FAMILIES), [fam.weight for fam in FAMILIES])
        app = str(d.pick(list(f.apps)))
        metro = str(d.pick(est.user_metros, [METRO[m][5] for m in est.user_metros]))
        wid, origin, juris = f"{app}-{metro}-{i + 1:04d}", f"users-{metro}", METRO[metro][2]
        d1, growth, flat = d.loguniform(*f.demand), d.u(0.0, 0.5), d.chance(0.1)
        demand = demand_series(d1, growth, flat, self.n_p)
        residency = [juris] if d.chance(0.35) else None
        kinds = d.pick([None, None, None, None, ["cloud", "onprem"], ["cloud"],
                        ["cloud", "edge"]])
        min_q = float(d.pick([0.0, 0.0, 0.0, 0.0, 0.0, 0.95, 0.95, 0.95, 0.98, 0.98]))
        # never above the best variant that some rented unit can hold
        min_q = min(min_q, max(q for _, gb, q, _, _ in f.variants
                               if gb <= max(HW[h].memory_gb for h in RENTED)))
        replicas = 2 if d.chance(0.15) else 1
        high = replicas == 2 or d.chance(0.12)
        has_current = d.chance(0.7)
        allowed = self.allowed(origin, juris if residency else None)
        if replicas == 2 and len(allowed) < 2:
            replicas = 1
        stay = self.stay_placements(f, allowed[:replicas], min_q, has_current)
        worst = max(round_trip_ms(self._latency(origin, s), self.profile[(f.id, v, h)][1])
                    for s, h, v in stay)
        slo = float(10 * math.ceil((worst * d.u(*f.slack) + d.u(10, 50)) / 10))
        rq, rs = r(f.request_kb * d.u(0.7, 1.3), 1), r(f.response_kb * d.u(0.7, 1.3), 1)
        w: dict[str, Any] = {
            "id": wid, "model": f.id, "origin": origin,
            "demand_rps": demand[0] if flat else demand,
            "load_factor": r(d.u(0.2, 0.6)),
            "latency_slo_ms": slo,
            "request_kb": rq, "response_kb": rs,
        }
        if min_q:
            w["min_quality"] = min_q
        if residency:
            w["residency"] = residency
        if kinds:
            w["allowed_kinds"] = kinds
        if replicas > 1:
            w["replicas"] = replicas
        w["criticality"] = "high" if high else "low"
        if has_current:
            cur = [{"site": s, "hardware": h, "variant": v} for s, h, v in stay]
            w["current"] = cur[0] if replicas == 1 and d.chance(0.8) else cur
        mc = d.u(5000, 25000) if high else d.u(1000, 8000)
        w["migration_cost"] = 0.0 if d.chance(0.1) else float(100 * round(mc / 100))
        self.stay[wid], self.demand[wid] = stay, demand
        return w

    def _latency(self, origin: str, site: str) -> float:
        route = self.routes.route(origin, site)
        assert route is not None
        return route.latency_ms


def activate_regions(d: Draws, est: Estate, stay: dict[str, Stay]) -> None:
    """Regions of the stay plan run at the start; others, drawn, are new landing zones."""
    in_use = {s for st in stay.values() for s, _, _ in st}
    for site in est.sites:
        if site["kind"] != "cloud":
            continue
        site["active_at_start"] = site["id"] in in_use or d.chance(0.5)
        if not site["active_at_start"]:  # a new landing zone
            site["activation_cost"] = float(500 * round(d.u(2, 10)))
            site["fixed_per_month"] = float(50 * round(d.u(4, 16)))
        elif d.chance(0.5):
            site["fixed_per_month"] = float(50 * round(d.u(1, 10)))
