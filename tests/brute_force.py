"""An independent exhaustive optimiser for tiny instances of the placement problem.

Written from the spec (PROBLEM.md v1) alone: it imports nothing from ``placement``.
It reads the raw instance dict (applying the spec's defaults itself), routes by
enumerating every simple path (depth-first) and keeping the least latency (ties: fewest
hops, then the smallest sequence of node names), and finds the least NPV by exhaustive
enumeration:

* for every period, every choice of ``replicas`` placements per workload among the
  (site, hardware, variant) options that pass the spec's "Feasible placements" rules
  (distinct sites in distinct failure domains);
* for every owned offer and period, every number of units bought, from 0 up to what
  could ever be needed (see below);
* rented units = the least integer with units x max_utilization >= load (renting more
  only costs more and never relaxes a constraint).

Owned units: no assignment ever needs more than ``UB(s, h)`` units of an owned offer
(the largest need over every enumerated assignment of every period), and holding more
units only adds cost (capex minus its discounted residual value is > 0, maintenance,
energy, and site activity are >= 0) and only tightens power, capex_budget and
max_units.  So the enumeration lets owned(s, h, p) range over
``owned(s, h, p-1) .. max(owned(s, h, p-1), min(max_units, UB))``: exhaustive.

The periods are combined by exact dynamic programming instead of a flat product: the
cost of period p depends on the past only through (the set of sites serving each
workload in p-1, for moves), (the owned units in p-1) and (the set of sites active in
some earlier period, for the one-time activation cost); those three form the state.
Every combination of the per-period choices is still evaluated, only equal futures
are shared.

v2 (PROBLEM-v2.md sections 2, 5, 9): committed use and licences. Every vector of
committed units per (offer, commitment, period made) is enumerated, each from 0 to the
largest need at its offer in the periods it serves (committing beyond the need of every
period served only adds cost, units in service and activity), and the dynamic programme
runs with it fixed: rented units in service = max(need, committed serving), on demand the
rest; the commitments pay for the months of each period inside their term, and past the
horizon at its end's discount factor. Licences: license_per_month x units in service
(rented total, spot, owned) x months.

v2 spot pools and carbon (PROBLEM-v2.md sections 3 and 7): an interruptible workload's
option at an offer with ``spot`` comes twice, on demand and on spot (the same site, so
a replica uses one of them); spot units = the least integer carrying the spot load at
max_utilization x (1 - interruption_overhead), within spot.max_units, at the spot price.
A period's emissions are every unit in service (rented on demand and committed, spot,
owned) x power_w / 1000 x 730 x months x pue x carbon_g_per_kwh / 1e6 plus embodied_t per
owned unit bought; they cost carbon_price_per_t each and stay within the period's
carbon_cap_t (not in the baseline, ``pinned``). Fewer units still never cost more nor
emit more, so the least rented and spot units stay exhaustive. Committed units count
against max_units with the on-demand ones, never against spot.max_units.

v2 (PROBLEM-v2.md sections 4 and 6), also from the spec alone: volume-tiered egress (the
period's cost of an egress group is months x the marginal tier bill of the monthly
response GB of the replicas at its sites; tiered sites pay no flat egress), and model
updates and first copies (a site hosts (model, variant) when it serves a workload with
them; per hosted triple updates_per_month x size x months GB, and a full copy in the
first period it is hosted (not in period 1 when a `current` placement has it there),
each GB at the registry's egress price + the cost_per_gb of the links of the route from
the registry; the rule `registry`). The hosted triples of the previous period join the
dynamic programme's state.

Comparisons (capacity, latency, bandwidth, power, budget) allow ``EPS`` = 1e-9 for
floating-point rounding (the random instances use coarse decimal values, so a
constraint is either met exactly or missed by far more).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

HOURS_PER_MONTH = 730
GB_PER_RPS_KB_MONTH = 3600 * 730 * 1000 / 1e9  # 2.628
ALL_KINDS = ("cloud", "edge", "onprem")


class TooLarge(Exception):
    """The enumeration would exceed the work limit: shrink the instance."""


EPS = 1e-9


def q(x: Any) -> float:
    return float(x)


# --------------------------------------------------------------------------- instance


@dataclass
class Route:
    latency: float
    links: list[tuple[str, str]]  # sorted node pairs
    nodes: list[str]


@dataclass
class Option:
    workload: int
    site: str
    hardware: str
    variant: str
    market: str = "on_demand"


@dataclass
class Assign:
    """One choice of placements for every workload in one period, and its summary."""

    rows: tuple[tuple[Option, ...], ...]
    sites_by_w: tuple[frozenset[str], ...]
    sites: frozenset[str]
    owned_need: tuple[int, ...]
    var_cost: float  # spot + egress + transfer + tiered egress + updates, undiscounted
    # (rented: ``Problem.rented_part``)
    hosted: frozenset = frozenset()  # (site, model, variant) hosted in the period
    detail: dict[str, Any] = field(default_factory=dict)
    emissions: float = 0.0  # t of the spot units (rented: ``Problem.rented_part``)


@dataclass
class Result:
    npv: float
    history: list[dict[str, Any]]
    committed_after_horizon: float = 0.0


class Problem:
    """The instance with the spec's defaults applied, routes and feasible options."""

    def __init__(self, inst: dict[str, Any], pinned: bool = False) -> None:
        self.pinned = pinned
        hz = inst["horizon"]
        self.rate = float(hz.get("discount_rate", 0) or 0)
        self.periods = []
        t = 0.0
        for p in hz["periods"]:
            self.periods.append(
                {
                    "name": p["name"],
                    "months": float(p["months"]),
                    "start": t,
                    "pilot": bool(p.get("pilot", False)),
                    "max_migrations": p.get("max_migrations"),
                    "capex_budget": p.get("capex_budget"),
                    "carbon_cap": p.get("carbon_cap_t"),
                }
            )
            t += float(p["months"])
        self.T = t
        self.mu = q(inst.get("policy", {}).get("max_utilization", 1.0))
        self.carbon_price = float(inst.get("policy", {}).get("carbon_price_per_t", 0))
        n_per = len(self.periods)

        def each(x: Any) -> list[float]:
            return [float(v) for v in x] if isinstance(x, list) else [float(x)] * n_per


        # undirected links: attributes by sorted node pair, neighbours by node
        self.links: dict[tuple[str, str], dict[str, Any]] = {}
        self.adjacent: dict[str, set[str]] = {}
        for lk in inst["network"]["links"]:
            a, b = lk["a"], lk["b"]
            self.links[tuple(sorted((a, b)))] = {
                "latency": q(lk["latency_ms"]),
                "bw": lk.get("bandwidth_mbps"),
                "cost": float(lk.get("cost_per_gb", 0)),
            }
            self.adjacent.setdefault(a, set()).add(b)
            self.adjacent.setdefault(b, set()).add(a)

        self.sites: dict[str, dict[str, Any]] = {}
        for s in inst["sites"]:
            self.sites[s["id"]] = {
                "kind": s["kind"],
                "node": s.get("node") or s["id"],
                "jurisdiction": s.get("jurisdiction"),
                "egress": float(s.get("egress_per_gb", 0)),
                "tiers": s.get("egress_tiers"),
                "group": s.get("egress_group") or s["id"],
                "fixed": float(s.get("fixed_per_month", 0)),
                "activation": float(s.get("activation_cost", 0)),
                "at_start": bool(s.get("active_at_start", False)),
                "energy": float(s.get("energy_per_kwh", 0)),
                "pue": float(s.get("pue", 1.0)),
                "power_kw": s.get("power_kw"),
                "rebate": q(s.get("capex_rebate", 0)),
                "domain": s.get("failure_domain") or s["id"],
                "carbon": each(s.get("carbon_g_per_kwh", 0)),
            }
        self.hw: dict[str, dict[str, Any]] = {}
        for h in inst["hardware"]:
            self.hw[h["id"]] = {
                "kind": h["kind"],
                "memory": q(h["memory_gb"]),
                "capex": q(h.get("capex", 0) or 0),
                "life": float(h.get("lifetime_months", 1) or 1),
                "power_w": q(h.get("power_w", 0)),
                "maint": float(h.get("maintenance_per_month", 0)),
                "lead": float(h.get("lead_time_months", 0)),
                "license": float(h.get("license_per_month", 0)),
                "embodied": float(h.get("embodied_t", 0)),
            }
        self.offers: dict[tuple[str, str], dict[str, Any]] = {}
        for o in inst["offers"]:
            self.offers[(o["site"], o["hardware"])] = {
                "price": float(o.get("price_per_hour") or 0),
                "max_units": o.get("max_units"),
                "existing": int(o.get("existing_units", 0) or 0),
                "commitments": [
                    (c["id"], float(c["term_months"]), float(c["price_per_hour"]))
                    for c in o.get("commitments") or []
                ],
                "spot": None
                if o.get("spot") is None
                else {
                    "price": each(o["spot"]["price_per_hour"]),
                    "max_units": o["spot"].get("max_units"),
                    "keep": 1 - float(o["spot"].get("interruption_overhead", 0)),
                },
            }
        self.owned = sorted(k for k in self.offers if self.hw[k[1]]["kind"] == "owned")
        # committed use (PROBLEM-v2 section 2): (site, hardware, id, period made, term, price)
        self.commit_options = [
            (s, h, j, p, term, price)
            for (s, h), off in sorted(self.offers.items())
            if self.hw[h]["kind"] == "rented"
            for j, term, price in off["commitments"]
            for p in range(len(self.periods))
        ]
        self.variants: dict[tuple[str, str], dict[str, float]] = {}
        for m in inst["models"]:
            for v in m["variants"]:
                self.variants[(m["id"], v["id"])] = {
                    "memory": q(v["memory_gb"]),
                    "quality": q(v.get("quality", 1.0)),
                    "size": q(v["size_gb"] if v.get("size_gb") is not None else v["memory_gb"]),
                }
        self.models = {
            m["id"]: {
                "registry": m.get("registry"),
                "updates": float(m.get("updates_per_month", 0)),
                "registry_egress": float(m.get("registry_egress_per_gb", 0)),
            }
            for m in inst["models"]
        }
        self.profiles = {
            (p["model"], p["variant"], p["hardware"]): {
                "rps": q(p["rps"]),
                "latency": q(p.get("latency_ms", 0)),
            }
            for p in inst["profiles"]
        }
        n = len(self.periods)
        self.workloads = []
        for w in inst["workloads"]:
            d = w["demand_rps"]
            demand = [q(x) for x in d] if isinstance(d, list) else [q(d)] * n
            cur = w.get("current")
            if isinstance(cur, dict):
                cur = [cur]
            self.workloads.append(
                {
                    "id": w["id"],
                    "model": w["model"],
                    "origin": w["origin"],
                    "demand": demand,
                    "lf": q(w.get("load_factor", 1.0)),
                    "slo": q(w["latency_slo_ms"]),
                    "req": q(w.get("request_kb", 0)),
                    "resp": q(w.get("response_kb", 0)),
                    "min_quality": q(w.get("min_quality", 0)),
                    "residency": w.get("residency") or None,
                    "kinds": w.get("allowed_kinds") or list(ALL_KINDS),
                    "replicas": int(w.get("replicas", 1)),
                    "critical": w.get("criticality") == "high",
                    "current": [
                        (c["site"], c["hardware"], c["variant"], c.get("market", "on_demand"))
                        for c in cur
                    ]
                    if cur
                    else None,
                    "interruptible": bool(w.get("interruptible", False)),
                    "migration": float(w.get("migration_cost", 0)),
                }
            )
        self._routes: dict[tuple[str, str], Route | None] = {}
        self._owned_memo: dict[tuple, Any] = {}
        self.options = [self._options(i) for i in range(len(self.workloads))]

    # ------------------------------------------------------------------ routing

    def route(self, origin: str, node: str) -> Route | None:
        """Minimum-latency path; ties: fewest hops, then smallest node-name sequence."""
        key = (origin, node)
        if key not in self._routes:
            self._routes[key] = self._route(origin, node)
        return self._routes[key]

    def _route(self, origin: str, node: str) -> Route | None:
        if origin == node:
            return Route(0.0, [], [origin])
        best = None
        for path in self.simple_paths(origin, node):
            lat = sum(
                (self.links[tuple(sorted(e))]["latency"] for e in itertools.pairwise(path)), 0.0
            )
            k = (lat, len(path), path)
            if best is None or k < best:
                best = k
        if best is None:
            return None
        path = best[2]
        return Route(best[0], [tuple(sorted(e)) for e in itertools.pairwise(path)], path)

    def simple_paths(self, origin: str, node: str) -> list[list[str]]:
        """Every path from origin to node visiting no node twice (depth-first)."""
        out = []

        def walk(path: list[str]) -> None:
            if path[-1] == node:
                out.append(list(path))
                return
            for nxt in sorted(self.adjacent.get(path[-1], ())):
                if nxt not in path:
                    path.append(nxt)
                    walk(path)
                    path.pop()

        walk([origin])
        return out

    # ------------------------------------------------------------------ feasible placements

    def _options(self, i: int) -> list[Option]:
        w = self.workloads[i]
        out = []
        for s, h in sorted(self.offers):
            site, hw = self.sites[s], self.hw[h]
            for (m, v), var in sorted(self.variants.items()):
                if m != w["model"]:
                    continue
                prof = self.profiles.get((m, v, h))
                if prof is None:
                    continue
                r = self.route(w["origin"], site["node"])
                if r is None:
                    continue
                if var["quality"] < w["min_quality"] - EPS or var["memory"] > hw["memory"] + EPS:
                    continue
                if site["kind"] not in w["kinds"]:
                    continue
                if w["residency"] is not None and site["jurisdiction"] not in w["residency"]:
                    continue
                reg = self.models[m]
                if (
                    reg["registry"] is not None
                    and reg["updates"] > 0
                    and self.route(reg["registry"], site["node"]) is None
                ):
                    continue  # rule `registry`
                if 2 * r.latency + prof["latency"] > w["slo"] + EPS:
                    continue
                markets = ["on_demand"]
                if w["interruptible"] and self.offers[(s, h)]["spot"] is not None:
                    markets.append("spot")
                for market in markets:
                    if (
                        self.pinned
                        and w["current"] is not None
                        and (s, h, v, market) not in w["current"]
                    ):
                        continue
                    out.append(Option(i, s, h, v, market))
        return out

    def unit_emissions(self, s: str, h: str, p: int) -> float:
        """t of one unit of h in service at s for period p."""
        site, months = self.sites[s], self.periods[p]["months"]
        kwh = self.hw[h]["power_w"] / 1000 * HOURS_PER_MONTH * months * site["pue"]
        return kwh * site["carbon"][p] / 1e6

    def choices(self, i: int) -> list[tuple[Option, ...]]:
        """Every set of `replicas` options on distinct sites in distinct failure domains."""
        k = self.workloads[i]["replicas"]
        out = []
        for combo in itertools.combinations(self.options[i], k):
            sites = [o.site for o in combo]
            domains = [self.sites[s]["domain"] for s in sites]
            if len(set(sites)) == k and len(set(domains)) == k:
                out.append(combo)
        return out

    # ------------------------------------------------------------------ per-period assignments

    def carried(self, w: dict[str, Any], p: int) -> float:
        d = w["demand"][p]
        return d if w["replicas"] == 1 else d / (w["replicas"] - 1)

    def replica_terms(self, o: Option, p: int):
        """What one replica placed at option ``o`` adds in period p: (site, hardware),
        its load in units of rated capacity, its Mbit/s on each link of its path, and its
        egress + transfer cost (undiscounted)."""
        w = self.workloads[o.workload]
        months = self.periods[p]["months"]
        prof = self.profiles[(w["model"], o.variant, o.hardware)]
        load = self.carried(w, p) / prof["rps"]
        share = w["demand"][p] / w["replicas"]
        r = self.route(w["origin"], self.sites[o.site]["node"])
        mbps = share * (w["req"] + w["resp"]) * 8 / 1000
        avg = float(share * w["lf"])  # average rps of the replica
        flat = 0.0 if self.sites[o.site]["tiers"] else self.sites[o.site]["egress"]
        egress = avg * float(w["resp"]) * GB_PER_RPS_KB_MONTH * flat
        path_cost = sum(self.links[k]["cost"] for k in r.links)
        transfer = avg * float(w["req"] + w["resp"]) * GB_PER_RPS_KB_MONTH * path_cost
        cost = (egress + transfer) * months
        pool = (o.site, o.hardware) if o.market == "on_demand" else (o.site, o.hardware, "spot")
        return pool, load, [(k, mbps) for k in r.links], cost

    def copy_price(self, model: str, site: str) -> float:
        """Price per GB of the model's weights to the site: registry egress + the links'
        cost_per_gb on the route from the registry; 0 without a registry or a route."""
        reg = self.models[model]
        if reg["registry"] is None:
            return 0.0
        r = self.route(reg["registry"], self.sites[site]["node"])
        if r is None:
            return 0.0
        return reg["registry_egress"] + sum(self.links[k]["cost"] for k in r.links)

    def tiered_egress(self, rows, p: int) -> float:
        """Sum over egress groups with tiers of months x the marginal bill of the group's
        monthly response GB."""
        volume: dict[str, float] = {}
        tiers: dict[str, list] = {}
        for combo in rows:
            for o in combo:
                site = self.sites[o.site]
                if not site["tiers"]:
                    continue
                w = self.workloads[o.workload]
                gb = w["demand"][p] / w["replicas"] * w["lf"] * w["resp"] * GB_PER_RPS_KB_MONTH
                volume[site["group"]] = volume.get(site["group"], 0.0) + gb
                tiers[site["group"]] = site["tiers"]
        total = 0.0
        for g, v in volume.items():
            bill, floor = 0.0, 0.0
            for t in tiers[g]:
                top = t.get("up_to_gb")
                part = v - floor if top is None else max(0.0, min(v, top) - floor)
                bill += max(0.0, part) * float(t["per_gb"])
                if top is None or v <= top:
                    break
                floor = float(top)
            total += bill
        return total * self.periods[p]["months"]

    def n_assignments(self) -> int:
        return math.prod(len(self.choices(i)) for i in range(len(self.workloads)))

    def assignments(self, p: int) -> list[Assign]:
        """Every assignment of period p that meets bandwidth and rented max_units (the
        constraints that depend on the assignment alone), with its rented units."""
        months = self.periods[p]["months"]
        per_w = [self.choices(i) for i in range(len(self.workloads))]
        terms = {
            id(o): self.replica_terms(o, p) for combos in per_w for combo in combos for o in combo
        }
        out = []
        for rows in itertools.product(*per_w):
            load: dict[tuple[str, str], float] = {}
            link: dict[tuple[str, str], float] = {}
            cost = 0.0
            for combo in rows:
                for o in combo:
                    key, ld, mbps, c = terms[id(o)]
                    load[key] = load.get(key, 0.0) + ld
                    for lk, m in mbps:
                        link[lk] = link.get(lk, 0.0) + m
                    cost += c
            if any(
                self.links[k]["bw"] is not None and m > self.links[k]["bw"] + EPS
                for k, m in link.items()
            ):
                continue
            spot_units = {
                k[:2]: math.ceil(v / (self.mu * self.offers[k[:2]]["spot"]["keep"]) - EPS)
                for k, v in load.items()
                if len(k) == 3
            }
            need = {k: math.ceil(v / self.mu - EPS) for k, v in load.items() if len(k) == 2}
            rented_units = {k: n for k, n in need.items() if self.hw[k[1]]["kind"] == "rented"}
            if any(
                self.offers[k]["max_units"] is not None and n > self.offers[k]["max_units"]
                for k, n in rented_units.items()
            ):
                continue
            if any(
                self.offers[k]["spot"]["max_units"] is not None
                and n > self.offers[k]["spot"]["max_units"]
                for k, n in spot_units.items()
            ):
                continue
            emissions = 0.0
            for k, n in spot_units.items():
                cost += n * self.offers[k]["spot"]["price"][p] * HOURS_PER_MONTH * months
                cost += n * self.hw[k[1]]["license"] * months
                emissions += n * self.unit_emissions(*k, p)
            cost += self.tiered_egress(rows, p)
            hosted = frozenset(
                (o.site, self.workloads[o.workload]["model"], o.variant)
                for combo in rows
                for o in combo
            )
            for s, m, v in hosted:
                cost += (
                    self.models[m]["updates"]
                    * self.variants[(m, v)]["size"]
                    * months
                    * self.copy_price(m, s)
                )
            out.append(
                Assign(
                    rows=rows,
                    sites_by_w=tuple(frozenset(o.site for o in combo) for combo in rows),
                    sites=frozenset(o.site for combo in rows for o in combo),
                    owned_need=tuple(need.get(k, 0) for k in self.owned),
                    var_cost=cost,
                    detail={"rented": rented_units, "need": need, "spot": spot_units},
                    emissions=emissions,
                    hosted=hosted,
                )
            )
        return out

    # ------------------------------------------------------------------ the search

    def solve(self, limit: int = 200_000) -> Result | None:
        """Least-NPV plan, or None when no plan meets every constraint. Raises TooLarge
        when the enumeration would take more than about ``limit`` steps.

        Commitments: every vector of committed units (``commit_vectors``) is tried, each
        with the exact dynamic programme over the periods; the least NPV wins."""
        n = len(self.periods)
        if n * self.n_assignments() * 4 > limit:
            raise TooLarge(f"{n} x {self.n_assignments()} assignments")
        per_p = [self.assignments(p) for p in range(n)]
        best: Result | None = None
        self._work = 0
        for vec in self.commit_vectors(per_p, limit // max(1, n * self.n_assignments())):
            r = self._dp(per_p, vec, limit)
            if r is not None and (best is None or r.npv < best.npv - 1e-9):
                best = r
        return best

    # ------------------------------------------------------------------ committed use

    def serves(self, made: int, term: float, q: int) -> bool:
        """t_q + m_q <= t_p + term, q >= p (PROBLEM-v2 section 2)."""
        per = self.periods[q]
        end = self.periods[made]["start"] + term
        return q >= made and per["start"] + per["months"] <= end + EPS

    def commit_vectors(self, per_p: list[list[Assign]], limit: int) -> list[tuple[int, ...]]:
        """Every vector of units per commitment option, each from 0 to the largest rented
        need at its offer over the periods it serves (capped by max_units): committing
        beyond the need of every period served only adds cost and units in service."""
        ranges = []
        for s, h, _, p, term, _ in self.commit_options:
            need = max(
                (a.detail["need"].get((s, h), 0)
                 for q in range(len(self.periods)) if self.serves(p, term, q)
                 for a in per_p[q]),
                default=0,
            )
            cap = self.offers[(s, h)]["max_units"]
            ranges.append(range((need if cap is None else min(cap, need)) + 1))
        if math.prod(len(r) for r in ranges) > limit:
            raise TooLarge(f"{math.prod(len(r) for r in ranges)} vectors of commitments")
        return list(itertools.product(*ranges))

    def commit_cost(self, vec: tuple[int, ...]) -> tuple[float, float, list[float]]:
        """(discounted cost of the commitments, undiscounted payments past the horizon,
        undiscounted payments per period): units x price x 730 x months of the term in
        each period, and past T."""
        per_period = [0.0] * len(self.periods)
        after = 0.0
        for n, (_, _, _, p, term, price) in zip(vec, self.commit_options, strict=True):
            t0 = self.periods[p]["start"]
            for q, per in enumerate(self.periods):
                if q < p:
                    continue
                lo, hi = max(per["start"], t0), min(per["start"] + per["months"], t0 + term)
                per_period[q] += n * price * HOURS_PER_MONTH * max(0.0, hi - lo)
            after += n * price * HOURS_PER_MONTH * max(0.0, t0 + term - self.T)
        total = sum(
            c * (1 + self.rate) ** (-per["start"] / 12)
            for c, per in zip(per_period, self.periods, strict=True)
        ) + after * (1 + self.rate) ** (-self.T / 12)
        return total, after, per_period

    def serving(self, vec: tuple[int, ...], q: int) -> dict[tuple[str, str], int]:
        """Committed units serving period q at each (site, hardware)."""
        out: dict[tuple[str, str], int] = {}
        for n, (s, h, _, p, term, _) in zip(vec, self.commit_options, strict=True):
            if n and self.serves(p, term, q):
                out[(s, h)] = out.get((s, h), 0) + n
        return out

    def rented_part(self, a: Assign, p: int, served: dict[tuple[str, str], int]):
        """Rented units in service = max(need, committed serving); on demand pays for the
        rest; licences on every unit in service; the sites with units in service; their
        emissions. None when a total exceeds max_units."""
        months = self.periods[p]["months"]
        cost, sites, emissions = 0.0, set(), 0.0
        need = a.detail["rented"]
        for k in sorted(set(need) | set(served)):
            total = max(need.get(k, 0), served.get(k, 0))
            cap = self.offers[k]["max_units"]
            if cap is not None and total > cap:
                return None
            cost += (total - served.get(k, 0)) * self.offers[k]["price"] * HOURS_PER_MONTH * months
            cost += total * self.hw[k[1]]["license"] * months
            emissions += total * self.unit_emissions(*k, p)
            if total > 0:
                sites.add(k[0])
        return cost, frozenset(sites), emissions

    def _dp(self, per_p: list[list[Assign]], vec: tuple[int, ...], limit: int) -> Result | None:
        """The dynamic programme over the periods with the commitments ``vec`` fixed."""
        n = len(self.periods)
        fixed, after, paid = self.commit_cost(vec)
        served = [self.serving(vec, p) for p in range(n)]
        ub = [
            max([a.owned_need[j] for ap in per_p for a in ap], default=0)
            for j in range(len(self.owned))
        ]
        caps = []
        for j, k in enumerate(self.owned):
            mx = self.offers[k]["max_units"]
            caps.append(ub[j] if mx is None else min(mx, ub[j]))
        end_disc = (1 + self.rate) ** (-self.T / 12)

        # state: (sites serving each workload in p-1 or None, owned units, sites ever active)
        # value: (least NPV so far, the previous state, the period's choices)
        prev_sites = tuple(
            frozenset(c[0] for c in w["current"]) if w["current"] else None for w in self.workloads
        )
        existing = tuple(self.offers[k]["existing"] for k in self.owned)
        at_start = frozenset(
            (c[0], w["model"], c[2]) for w in self.workloads for c in (w["current"] or [])
        )
        states: dict[tuple, tuple] = {
            (prev_sites, existing, frozenset(), at_start): (fixed, None, None)
        }
        layers = []
        for p, per in enumerate(self.periods):
            months, t = per["months"], per["start"]
            disc = (1 + self.rate) ** (-t / 12)
            new: dict[tuple, tuple] = {}
            allowed_by_psites: dict[tuple, list] = {}
            site_cost: dict[tuple, float] = {}
            for state, (value, _, _) in states.items():
                psites, powned, ever, phosted = state
                if psites not in allowed_by_psites:
                    allowed_by_psites[psites] = self._moves_allowed(p, psites, per_p[p])
                allowed = allowed_by_psites[psites]
                ranges = []
                for j, (_, h) in enumerate(self.owned):
                    hi = max(powned[j], caps[j]) - powned[j]
                    ranges.append(range(hi + 1) if t >= self.hw[h]["lead"] else range(1))
                for bought in itertools.product(*ranges):
                    owned = tuple(a + b for a, b in zip(powned, bought, strict=True))
                    part = self._owned_part(p, owned, bought)
                    if part is None:
                        continue
                    owned_cost, residual, owned_sites, owned_emissions = part
                    for a, moved, migration in allowed:
                        self._work += 1
                        if self._work > limit:
                            raise TooLarge(f"more than {limit} steps")
                        if any(nd > ow for nd, ow in zip(a.owned_need, owned, strict=True)):
                            continue
                        rented = self.rented_part(a, p, served[p])
                        if rented is None:
                            continue
                        tonnes = a.emissions + rented[2] + owned_emissions
                        cap = per["carbon_cap"]
                        if not self.pinned and cap is not None and tonnes > cap + 1e-9:
                            continue
                        active = a.sites | owned_sites | rented[1]
                        ck = (active, ever)
                        if ck not in site_cost:
                            site_cost[ck] = sum(
                                self.sites[s]["fixed"] * months
                                + (
                                    0.0
                                    if s in ever or self.sites[s]["at_start"]
                                    else self.sites[s]["activation"]
                                )
                                for s in active
                            )
                        carbon = tonnes * self.carbon_price
                        c = (a.var_cost + rented[0] + owned_cost + site_cost[ck] + migration
                             + carbon)
                        c += sum(
                            self.variants[(m, v)]["size"] * self.copy_price(m, s)
                            for s, m, v in a.hosted - phosted
                        )
                        v = value + disc * c - end_disc * residual
                        key = (a.sites_by_w, owned, ever | active, a.hosted)
                        if key not in new or v < new[key][0]:
                            new[key] = (v, state, (a, owned, bought, moved, c))
            layers.append(new)
            states = new
            if not states:
                return None
        key = min(states, key=lambda k: states[k][0])
        best = states[key][0]
        history = []
        for p in range(n - 1, -1, -1):
            _, prev, (a, owned, bought, moved, c) = layers[p][key]
            history.append(
                {
                    "period": self.periods[p]["name"],
                    "assign": [
                        (self.workloads[o.workload]["id"], o.site, o.hardware, o.variant)
                        for combo in a.rows
                        for o in combo
                    ],
                    "owned": dict(zip(self.owned, owned, strict=True)),
                    "bought": dict(zip(self.owned, bought, strict=True)),
                    "rented": a.detail["rented"],
                    "spot": a.detail["spot"],
                    "moves": [self.workloads[i]["id"] for i in moved],
                    "cost": c,
                    "committed": {
                        o[:3]: k for k, o in zip(vec, self.commit_options, strict=True)
                        if k and o[3] == p
                    },
                    "committed_cost": paid[p],
                }
            )
            key = prev
        return Result(best, history[::-1], after)

    def _moves_allowed(self, p: int, psites: tuple, assigns: list[Assign]) -> list[tuple]:
        """(assignment, workloads that move, their migration cost) for every assignment of
        period p that max_migrations and the pilot rule allow after ``psites``."""
        per = self.periods[p]
        out = []
        for a in assigns:
            moved = [
                i
                for i in range(len(self.workloads))
                if psites[i] is not None and not psites[i] <= a.sites_by_w[i]
            ]
            mm = per["max_migrations"]
            if mm is not None and len(moved) > mm:
                continue
            if per["pilot"] and any(self.workloads[i]["critical"] for i in moved):
                continue
            out.append((a, moved, sum(self.workloads[i]["migration"] for i in moved)))
        return out

    def _owned_part(self, p: int, owned: tuple[int, ...], bought: tuple[int, ...]):
        key = (p, owned, bought)
        if key not in self._owned_memo:
            self._owned_memo[key] = self._owned_part_uncached(p, owned, bought)
        return self._owned_memo[key]

    def _owned_part_uncached(self, p: int, owned: tuple[int, ...], bought: tuple[int, ...]):
        """Owned-unit costs of a period (undiscounted), the residual credit of its
        purchases (undiscounted, at the horizon's end) and the sites holding units; None
        when max_units, power or the capex budget is broken."""
        per = self.periods[p]
        months, t = per["months"], per["start"]
        cost = 0.0
        residual = 0.0
        spend = 0.0
        emissions = 0.0
        power: dict[str, float] = {}
        sites = set()
        for j, (s, h) in enumerate(self.owned):
            hw, site, off = self.hw[h], self.sites[s], self.offers[(s, h)]
            n, b = owned[j], bought[j]
            if off["max_units"] is not None and n > off["max_units"]:
                return None
            if n > 0:
                sites.add(s)
            power[s] = power.get(s, 0.0) + n * hw["power_w"] / 1000
            spent = b * hw["capex"] * (1 - site["rebate"])
            spend += spent
            cost += float(spent)
            cost += n * hw["maint"] * months
            cost += n * hw["license"] * months
            cost += (
                n
                * float(hw["power_w"])
                / 1000
                * HOURS_PER_MONTH
                * months
                * site["pue"]
                * site["energy"]
            )
            residual += float(spent) * max(0.0, 1 - (self.T - t) / hw["life"])
            emissions += n * self.unit_emissions(s, h, p) + b * hw["embodied"]
        for s, kw in power.items():
            cap = self.sites[s]["power_kw"]
            if cap is not None and kw > cap + EPS:
                return None
        budget = per["capex_budget"]
        if budget is not None and spend > budget + 1e-6:
            return None
        return cost, residual, frozenset(sites), emissions


def brute_force(inst: dict[str, Any], pinned: bool = False, limit: int = 200_000) -> Result | None:
    """The least NPV of ``inst`` (a raw instance dict) by exhaustive search, or None if no
    plan meets every rule. ``pinned``: the baseline, where each workload with `current`
    keeps exactly its current placements. Raises TooLarge beyond ``limit`` steps."""
    return Problem(inst, pinned).solve(limit)
