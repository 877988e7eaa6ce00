"""Synthetic instances for benchmarks: realistic, every feature of the spec in use, feasible
by construction, and deterministic (same arguments → the same mapping, hence the same file).

What is generated (figures are public-list-price-like; nothing is measured):

- **Geography**: metros on four continents with jurisdictions; ~40% of the sites are cloud
  regions (AWS / GCP / Azure-like, at those metros), the rest edge sites (stores, plants,
  telco local zones) and on-premises rooms. Every metro with a region has a user-population
  node ``users-<metro>`` linked to the regions of its continent (one-way latency 5-80 ms:
  access + ~1 ms per 130 km), each provider's regions are linked by its backbone (transfer
  ``cost_per_gb``), edge sites hang off their metro's users node behind a capped access
  link, on-prem rooms sit on metro fibre and a capped corporate WAN.
- **Hardware**: rented L4 / L40S / H100-class units (~0.8 / 1.9 / 12 $/h, by provider and
  continent); owned Jetson-class boxes, 4xL40S and 8xH100 servers with capex, lifetime,
  power, maintenance and lead times.
- **Models**: six model families with 2-3 variants (memory, quality) and throughput /
  latency profiles per (model, variant, hardware) from per-family base figures and
  per-hardware speed factors (some pairs missing: incompatible).
- **Workloads**: demand growing per period, load factor, latency SLO, payload sizes,
  min_quality, residency on some, allowed_kinds on some, 2 replicas (high criticality) on
  ~15%, a current cloud placement on ~70%, migration costs.
- **Periods**: a pilot (``pilot: true``, few migrations, small capex budget), migration
  waves (max_migrations, capex_budget), a steady period.

Feasible by construction: every workload gets a *stay* placement per replica — rented
hardware in a cloud region of its residency, within its SLO (the SLO is set from it), in
distinct failure domains; its current placement when it has one. Every capacity that the
stay plan uses (offer caps, link bandwidth, power) is then raised to fit it with room to
spare, and the migration limits and budgets never bind staying put; so the plan "every
workload at its stay placement in every period, units as needed" meets every rule.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np

from placement import costs
from placement.network import Route, link_key, routes_from

# name, continent, jurisdiction, latitude, longitude, population weight
METROS: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("frankfurt", "eu", "EU", 50.1, 8.7, 1.0),
    ("amsterdam", "eu", "EU", 52.4, 4.9, 0.8),
    ("paris", "eu", "EU", 48.9, 2.35, 1.0),
    ("dublin", "eu", "EU", 53.3, -6.3, 0.5),
    ("stockholm", "eu", "EU", 59.3, 18.1, 0.5),
    ("milan", "eu", "EU", 45.5, 9.2, 0.6),
    ("madrid", "eu", "EU", 40.4, -3.7, 0.6),
    ("warsaw", "eu", "EU", 52.2, 21.0, 0.5),
    ("london", "eu", "UK", 51.5, -0.1, 1.0),
    ("zurich", "eu", "CH", 47.4, 8.5, 0.4),
    ("virginia", "na", "US", 38.9, -77.5, 1.0),
    ("ohio", "na", "US", 40.0, -83.0, 0.6),
    ("oregon", "na", "US", 45.6, -121.2, 0.6),
    ("california", "na", "US", 37.4, -122.0, 1.0),
    ("texas", "na", "US", 32.8, -96.8, 0.8),
    ("chicago", "na", "US", 41.9, -87.6, 0.8),
    ("atlanta", "na", "US", 33.7, -84.4, 0.5),
    ("toronto", "na", "CA", 43.7, -79.4, 0.6),
    ("montreal", "na", "CA", 45.5, -73.6, 0.3),
    ("tokyo", "ap", "JP", 35.7, 139.7, 1.0),
    ("osaka", "ap", "JP", 34.7, 135.5, 0.4),
    ("singapore", "ap", "SG", 1.35, 103.8, 0.8),
    ("sydney", "ap", "AU", -33.9, 151.2, 0.6),
    ("mumbai", "ap", "IN", 19.1, 72.9, 0.8),
    ("seoul", "ap", "KR", 37.6, 127.0, 0.5),
    ("hong-kong", "ap", "HK", 22.3, 114.2, 0.4),
    ("sao-paulo", "sa", "BR", -23.5, -46.6, 0.5),
)
CONTINENT_WEIGHT = {"eu": 0.40, "na": 0.40, "ap": 0.17, "sa": 0.03}
CONTINENT_PRICE = {"eu": 1.10, "na": 1.00, "ap": 1.20, "sa": 1.35}
# provider: price multiplier, internet egress $/GB, intercontinental backbone $/GB
PROVIDERS = {"aws": (1.00, 0.09, 0.02), "gcp": (0.95, 0.12, 0.08), "azure": (1.02, 0.087, 0.05)}


@dataclass(frozen=True)
class Hw:
    id: str
    kind: str  # rented | owned
    memory_gb: float
    speed: float  # throughput relative to one L40S
    latency: float  # response time relative to one L40S
    price: float = 0.0  # rented: base $/h
    capex: float = 0.0
    lifetime: float = 0.0
    power_w: float = 0.0
    maintenance: float = 0.0
    lead_time: float = 0.0


HARDWARE: tuple[Hw, ...] = (
    Hw("l4-24g", "rented", 24, 0.42, 1.8, price=0.80, power_w=72),
    Hw("l40s-48g", "rented", 48, 1.0, 1.0, price=1.90, power_w=350),
    Hw("h100-80g", "rented", 80, 2.8, 0.55, price=12.0, power_w=700),
    Hw("jetson-orin-64", "owned", 64, 0.10, 4.5, capex=1999, lifetime=36, power_w=60,
       maintenance=15, lead_time=0),
    Hw("l40s-server-4x", "owned", 192, 3.6, 0.8, capex=48000, lifetime=48, power_w=1800,
       maintenance=350, lead_time=3),
    Hw("h100-server-8x", "owned", 640, 20.0, 0.45, capex=280000, lifetime=60, power_w=10200,
       maintenance=2500, lead_time=6),
)
HW = {h.id: h for h in HARDWARE}
RENTED = [h.id for h in HARDWARE if h.kind == "rented"]


@dataclass(frozen=True)
class Family:
    id: str
    apps: tuple[str, ...]
    weight: float
    rps: float  # fp16 on one L40S
    latency_ms: float  # fp16 on one L40S
    variants: tuple[tuple[str, float, float, float, float], ...]  # id, GB, quality, speed, lat
    demand: tuple[float, float]  # first-period peak rps range (log-uniform)
    request_kb: float
    response_kb: float
    slack: tuple[float, float]  # SLO / latency of the stay placement
    no_profile: tuple[str, ...] = ()  # hardware with no measured profile


FAMILIES: tuple[Family, ...] = (
    Family("llama3-8b", ("chat", "support-bot", "summarize"), 0.30, 3.0, 1200,
           (("fp16", 16, 1.0, 1.0, 1.0), ("int8", 9, 0.99, 1.4, 0.8),
            ("int4", 6, 0.96, 1.8, 0.7)),
           (1.0, 40.0), 6, 3, (1.2, 2.5)),
    Family("llama3-70b", ("assistant", "rag", "analyst"), 0.15, 0.45, 3500,
           (("fp16", 140, 1.0, 1.0, 1.0), ("fp8", 72, 0.99, 1.6, 0.75),
            ("int4", 40, 0.95, 2.0, 0.7)),
           (0.5, 8.0), 12, 4, (1.2, 2.0), ("jetson-orin-64",)),
    Family("mixtral-8x7b", ("code-assist", "agent"), 0.10, 1.4, 2000,
           (("fp16", 94, 1.0, 1.0, 1.0), ("int4", 26, 0.95, 1.9, 0.7)),
           (0.5, 15.0), 10, 3, (1.2, 2.0), ("jetson-orin-64",)),
    Family("sdxl", ("image-gen", "product-shots"), 0.10, 0.6, 2200,
           (("fp16", 10, 1.0, 1.0, 1.0), ("fp8", 7, 0.98, 1.3, 0.85)),
           (0.3, 5.0), 2, 1500, (1.3, 3.0)),
    Family("whisper-large", ("transcribe", "captions"), 0.15, 10.0, 500,
           (("fp16", 4, 1.0, 1.0, 1.0), ("int8", 2.5, 0.99, 1.5, 0.8)),
           (2.0, 60.0), 320, 2, (1.1, 1.6)),
    Family("bge-large", ("embed-search", "rerank"), 0.20, 150.0, 40,
           (("fp16", 1.4, 1.0, 1.0, 1.0), ("int8", 0.8, 0.99, 1.6, 0.8)),
           (20.0, 600.0), 4, 8, (1.1, 1.5)),
)
FAMILY = {f.id: f for f in FAMILIES}


def _r(x: float, nd: int = 2) -> float:
    """A plain Python float rounded to ``nd`` decimals (YAML-friendly, deterministic)."""
    return float(round(float(x), nd)) + 0.0


def _sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant digits."""
    if x == 0:
        return 0.0
    return _r(x, max(0, digits - 1 - math.floor(math.log10(abs(x)))))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _fiber_ms(a: tuple[float, float], b: tuple[float, float]) -> float:
    """One-way latency between two metros: ~1 ms per 130 km of routed fibre, 2 ms floor."""
    return 2.0 + _km(a, b) / 130.0


class _Gen:
    """One generation run; every random draw goes through ``self.rng`` in a fixed order."""

    def __init__(self, workloads: int, sites: int, periods: int, seed: int) -> None:
        if workloads < 1 or sites < 1 or periods < 1:
            raise ValueError("workloads, sites and periods must each be at least 1")
        if seed < 0:
            raise ValueError("seed must be >= 0")
        self.n_w, self.n_s, self.n_p, self.seed = workloads, sites, periods, seed
        self.rng = np.random.default_rng(seed)
        self.metro = {m[0]: m for m in METROS}
        self.links: list[dict[str, Any]] = []
        self.sites: list[dict[str, Any]] = []
        self.offers: list[dict[str, Any]] = []
        self.site_metro: dict[str, str] = {}
        self.site_node: dict[str, str] = {}

    # -- small helpers -------------------------------------------------------------------
    def u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def loguniform(self, lo: float, hi: float) -> float:
        return float(math.exp(self.rng.uniform(math.log(lo), math.log(hi))))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def pick(self, items: list[Any], weights: list[float] | None = None) -> Any:
        if weights is None:
            return items[int(self.rng.integers(len(items)))]
        w = np.asarray(weights, dtype=float)
        return items[int(self.rng.choice(len(items), p=w / w.sum()))]

    def pos(self, metro: str) -> tuple[float, float]:
        m = self.metro[metro]
        return (m[3], m[4])

    def add_link(self, a: str, b: str, latency: float, bandwidth: float | None = None,
                 cost: float = 0.0) -> None:
        link: dict[str, Any] = {"a": a, "b": b, "latency_ms": _r(latency)}
        if bandwidth is not None:
            link["bandwidth_mbps"] = float(bandwidth)
        if cost:
            link["cost_per_gb"] = _r(cost, 3)
        self.links.append(link)

    # -- the instance ----------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        periods = self.periods()
        self.mu = _r(self.pick([0.7, 0.75, 0.8, 0.85]))
        n_cloud = min(self.n_s, max(1, round(0.4 * self.n_s)))
        rest = self.n_s - n_cloud
        n_onprem = 0 if rest == 0 else max(1, round(0.35 * rest)) if rest >= 2 else 0
        n_edge = rest - n_onprem
        self.cloud_regions(n_cloud)
        self.user_links()
        self.backbone()
        self.edge_sites(n_edge)
        self.onprem_sites(n_onprem)
        self.graph = self.build_graph()
        self.route_cache: dict[str, dict[str, Route]] = {}
        models, profiles = self.models_and_profiles()
        workloads = self.workloads()
        self.fit_capacities(workloads)
        self.fit_budgets(periods, workloads)
        return {
            "name": f"synthetic-w{self.n_w}-s{self.n_s}-p{self.n_p}-seed{self.seed}",
            "currency": "USD",
            "horizon": {"discount_rate": _r(self.pick([0.06, 0.07, 0.08, 0.09, 0.10])),
                        "periods": periods},
            "policy": {"max_utilization": self.mu},
            "network": {"links": self.links},
            "sites": self.sites,
            "hardware": self.hardware(),
            "offers": self.offers,
            "models": models,
            "profiles": profiles,
            "workloads": workloads,
        }

    def periods(self) -> list[dict[str, Any]]:
        """A pilot, migration waves, a steady period (P = 1: steady only; P = 2: no waves)."""
        n, out = self.n_p, []
        mig_pilot = max(1, round(0.05 * self.n_w))
        if n == 1:
            return [{"name": "steady", "months": 36}]
        out.append({"name": "pilot", "months": 3, "pilot": True, "max_migrations": mig_pilot,
                    "capex_budget": float(1000 * round(self.u(5, 20)))})
        for i in range(n - 2):
            out.append({
                "name": f"wave-{i + 1}",
                "months": int(self.pick([6, 9, 12])),
                "max_migrations": max(2, round(self.n_w * self.u(0.15, 0.3))),
                "capex_budget": 0.0,  # set once the workloads are known
            })
        out.append({"name": "steady", "months": 24 if n > 2 else 33})
        return out

    def cloud_regions(self, n: int) -> None:
        """n regions at (provider, metro) pairs: about two providers per metro, metros drawn
        by continent and population weight (an estate clusters where its users are)."""
        names = [m[0] for m in METROS]
        weights = [CONTINENT_WEIGHT[m[1]] * m[5] for m in METROS]
        order: list[str] = []
        pool, w = list(names), list(weights)
        while pool and len(order) < max(1, math.ceil(n / 2)):  # weighted, no replacement
            i = int(self.rng.choice(len(pool), p=np.asarray(w) / sum(w)))
            order.append(pool.pop(i))
            w.pop(i)
        providers = list(PROVIDERS)
        taken: set[tuple[str, str]] = set()
        self.regions: list[str] = []
        for k in range(n):
            metro = order[k % len(order)]
            start = int(self.rng.integers(3))
            prov = next((providers[(start + j) % 3] for j in range(3)
                         if (providers[(start + j) % 3], metro) not in taken),
                        providers[start])
            rid = f"{prov}-{metro}"
            while rid in self.site_metro:
                rid += "-b"
            taken.add((prov, metro))
            self.add_cloud_site(rid, prov, metro)
        self.user_metros = list(dict.fromkeys(self.site_metro[r] for r in self.regions))

    def add_cloud_site(self, rid: str, prov: str, metro: str) -> None:
        cont, juris = self.metro[metro][1], self.metro[metro][2]
        mult, egress, _ = PROVIDERS[prov]
        site: dict[str, Any] = {"id": rid, "kind": "cloud", "jurisdiction": juris,
                                "egress_per_gb": _r(egress * self.u(0.95, 1.05), 3)}
        self.sites.append(site)
        self.regions.append(rid)
        self.site_metro[rid] = metro
        self.site_node[rid] = rid
        for h in RENTED:
            hw = HW[h]
            price = hw.price * CONTINENT_PRICE[cont] * mult * self.u(0.97, 1.03)
            self.offers.append({"site": rid, "hardware": h, "price_per_hour": _r(price, 3)})

    def user_links(self) -> None:
        """Each user population to the regions of its continent within 80 ms."""
        for metro in self.user_metros:
            access = self.u(2.0, 6.0)
            for r in self.regions:
                rm = self.site_metro[r]
                if self.metro[rm][1] != self.metro[metro][1]:
                    continue
                lat = max(5.0, access + _fiber_ms(self.pos(metro), self.pos(rm)) - 2.0)
                if lat <= 80.0:
                    self.add_link(f"users-{metro}", r, lat)

    def backbone(self) -> None:
        """Every pair of one provider's regions: latency by distance, transfer price."""
        for i, a in enumerate(self.regions):
            for b in self.regions[i + 1:]:
                pa, pb = a.split("-")[0], b.split("-")[0]
                if pa != pb:
                    continue
                ma, mb = self.site_metro[a], self.site_metro[b]
                same = self.metro[ma][1] == self.metro[mb][1]
                cost = 0.02 if same else PROVIDERS[pa][2] * self.u(0.9, 1.1)
                self.add_link(a, b, _fiber_ms(self.pos(ma), self.pos(mb)) * 1.05, cost=cost)

    def near_metro(self) -> str:
        w = [self.metro[m][5] for m in self.user_metros]
        return str(self.pick(self.user_metros, w))

    def edge_sites(self, n: int) -> None:
        """Stores, plants and telco local zones next to user populations."""
        for k in range(n):
            metro = self.near_metro()
            sid = f"edge-{metro}-{k + 1}"
            site: dict[str, Any] = {"id": sid, "kind": "edge"}
            if k % 7 != 3:  # one in seven: a partner site of unknown jurisdiction
                site["jurisdiction"] = self.metro[metro][2]
            self.add_link(f"users-{metro}", sid, self.u(1.0, 3.0),
                          bandwidth=float(self.pick([100, 200, 500, 1000])))
            local_zone = self.chance(0.3)
            jetsons = 0 if local_zone and self.chance(0.5) else int(self.rng.integers(2, 9))
            existing = int(self.rng.integers(1, 3)) if jetsons and self.chance(0.3) else 0
            existing = min(existing, jetsons)
            server = self.chance(0.2)
            site.update({
                "egress_per_gb": 0.0 if not local_zone else _r(self.u(0.02, 0.05), 3),
                "fixed_per_month": float(10 * round(self.u(15, 60))),
                "activation_cost": float(500 * round(self.u(3, 16))),
                "active_at_start": existing > 0,
                "energy_per_kwh": _r(self.u(0.15, 0.35), 3),
                "pue": _r(self.u(1.1, 1.5)),
            })
            draw = existing * HW["jetson-orin-64"].power_w / 1000
            power = self.u(0.5, 3.0) + (1.8 if server else 0.0)
            site["power_kw"] = _r(max(power, draw * 1.3 + 0.1), 1)
            if self.chance(0.5):
                site["failure_domain"] = f"grid-{metro}"
            self.sites.append(site)
            self.site_metro[sid] = metro
            self.site_node[sid] = sid
            if jetsons:
                offer: dict[str, Any] = {"site": sid, "hardware": "jetson-orin-64",
                                         "max_units": jetsons}
                if existing:
                    offer["existing_units"] = existing
                self.offers.append(offer)
            if server:
                self.offers.append({"site": sid, "hardware": "l40s-server-4x", "max_units": 1})
            if local_zone or not (jetsons or server):
                price = HW["l4-24g"].price * CONTINENT_PRICE[self.metro[metro][1]] * 1.3
                self.offers.append({"site": sid, "hardware": "l4-24g",
                                    "price_per_hour": _r(price * self.u(0.95, 1.05), 3),
                                    "max_units": int(self.rng.integers(2, 9))})

    def onprem_sites(self, n: int) -> None:
        """Server rooms on metro fibre; rooms of one data centre share its node and domain."""
        dcs: dict[str, str] = {}
        last_dc_in: dict[str, str] = {}
        for k in range(n):
            metro = self.near_metro()
            sid = f"onprem-{metro}-{k + 1}"
            if metro in last_dc_in and self.chance(0.5):
                node = last_dc_in[metro]
            else:
                node = f"dc-{metro}-{k + 1}"
                dcs[node] = metro
                last_dc_in[metro] = node
                self.add_link(f"users-{metro}", node, self.u(0.5, 2.0),
                              bandwidth=float(self.pick([2000, 5000, 10000, 20000])))
            existing_l40s = int(self.rng.integers(1, 4)) if self.chance(0.5) else 0
            existing_h100 = 1 if self.chance(0.2) else 0
            has_existing = existing_l40s + existing_h100 > 0
            site: dict[str, Any] = {
                "id": sid, "kind": "onprem", "node": node,
                "jurisdiction": self.metro[metro][2],
                "egress_per_gb": 0.0,
                "fixed_per_month": float(100 * round(self.u(15, 60))),
                "activation_cost": float(1000 * round(self.u(10, 40))),
                "active_at_start": has_existing,
                "energy_per_kwh": _r(self.u(0.08, 0.22), 3),
                "pue": _r(self.u(1.2, 1.7)),
                "failure_domain": node,
            }
            if self.chance(0.3):
                site["capex_rebate"] = _r(self.pick([0.05, 0.1, 0.15]))
            draw = (existing_l40s * HW["l40s-server-4x"].power_w
                    + existing_h100 * HW["h100-server-8x"].power_w) / 1000
            site["power_kw"] = float(max(5 * round(self.u(4, 24)), math.ceil(draw * 1.3)))
            self.sites.append(site)
            self.site_metro[sid] = metro
            self.site_node[sid] = node
            offer: dict[str, Any] = {"site": sid, "hardware": "l40s-server-4x",
                                     "max_units": max(existing_l40s,
                                                      int(self.rng.integers(4, 17)))}
            if existing_l40s:
                offer["existing_units"] = existing_l40s
            self.offers.append(offer)
            if existing_h100 or self.chance(0.5):
                offer = {"site": sid, "hardware": "h100-server-8x",
                         "max_units": max(existing_h100, int(self.rng.integers(1, 5)))}
                if existing_h100:
                    offer["existing_units"] = existing_h100
                self.offers.append(offer)
        # the corporate WAN: a chain of the data centres of each continent
        by_cont: dict[str, list[str]] = {}
        for node, metro in dcs.items():
            by_cont.setdefault(self.metro[metro][1], []).append(node)
        for nodes in by_cont.values():
            for a, b in itertools.pairwise(nodes):
                lat = _fiber_ms(self.pos(dcs[a]), self.pos(dcs[b])) + 5.0
                self.add_link(a, b, lat, bandwidth=float(self.pick([1000, 2000, 5000])))

    def hardware(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for h in HARDWARE:
            d: dict[str, Any] = {"id": h.id, "kind": h.kind, "memory_gb": float(h.memory_gb)}
            if h.kind == "rented":
                d["power_w"] = float(h.power_w)
            else:
                d.update({"capex": float(h.capex), "lifetime_months": float(h.lifetime),
                          "power_w": float(h.power_w),
                          "maintenance_per_month": float(h.maintenance),
                          "lead_time_months": float(h.lead_time)})
            out.append(d)
        return out

    def models_and_profiles(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        models, profiles = [], []
        self.profile: dict[tuple[str, str, str], tuple[float, float]] = {}
        for f in FAMILIES:
            models.append({"id": f.id, "variants": [
                {"id": v, "memory_gb": float(gb), "quality": float(q)}
                for v, gb, q, _, _ in f.variants]})
            for v, _, _, speed, lat in f.variants:
                for h in HARDWARE:
                    if h.id in f.no_profile:
                        continue
                    rps = _sig(f.rps * h.speed * speed * self.u(0.9, 1.1))
                    latency = float(round(f.latency_ms * h.latency * lat * self.u(0.95, 1.05)))
                    self.profile[(f.id, v, h.id)] = (rps, latency)
                    profiles.append({"model": f.id, "variant": v, "hardware": h.id,
                                     "rps": rps, "latency_ms": latency})
        return models, profiles

    def build_graph(self) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(sorted(set(self.site_node.values())))
        for lk in self.links:
            g.add_edge(lk["a"], lk["b"], latency=Fraction(str(lk["latency_ms"])),
                       key=link_key(lk["a"], lk["b"]))
        return g

    def route(self, origin: str, site: str) -> Route | None:
        if origin not in self.route_cache:
            self.route_cache[origin] = routes_from(self.graph, origin)
        return self.route_cache[origin].get(self.site_node[site])

    def rented_price(self, site: str, hw: str) -> float:
        return next(float(o["price_per_hour"]) for o in self.offers
                    if o["site"] == site and o["hardware"] == hw)

    def workloads(self) -> list[dict[str, Any]]:
        out = []
        self.stay: dict[str, list[tuple[str, str, str]]] = {}
        self.demand: dict[str, list[float]] = {}
        fam_w = [f.weight for f in FAMILIES]
        metro_w = [self.metro[m][5] for m in self.user_metros]
        for i in range(self.n_w):
            f: Family = self.pick(list(FAMILIES), fam_w)
            app = str(self.pick(list(f.apps)))
            metro = str(self.pick(self.user_metros, metro_w))
            wid = f"{app}-{metro}-{i + 1:04d}"
            origin = f"users-{metro}"
            juris = self.metro[metro][2]
            d1 = self.loguniform(*f.demand)
            growth = self.u(0.0, 0.5)
            flat = self.chance(0.1)
            demand = [max(0.05, _r(d1 * (1.0 if flat else (1 + growth) ** p)))
                      for p in range(self.n_p)]
            residency = [juris] if self.chance(0.35) else None
            kinds = self.pick([None, None, None, None, ["cloud", "onprem"], ["cloud"],
                               ["cloud", "edge"]])
            min_q = float(self.pick([0.0, 0.0, 0.0, 0.0, 0.0, 0.95, 0.95, 0.95, 0.98, 0.98]))
            # never above the best variant that some rented unit can hold
            min_q = min(min_q, max(q for _, gb, q, _, _ in f.variants
                                   if gb <= max(HW[h].memory_gb for h in RENTED)))
            replicas = 2 if self.chance(0.15) else 1
            high = replicas == 2 or self.chance(0.12)
            has_current = self.chance(0.7)
            # the regions it may stay in, nearest first (distinct failure domains: regions)
            allowed = sorted(
                (r for r in self.regions
                 if (residency is None or self.metro[self.site_metro[r]][2] in residency)
                 and self.route(origin, r) is not None),
                key=lambda r: (self.route(origin, r).latency_ms, r),  # type: ignore[union-attr]
            )
            if replicas == 2 and len(allowed) < 2:
                replicas = 1
            stay_sites = allowed[:replicas]
            stay = []
            for s in stay_sites:
                opts = [(h, v) for h in RENTED for v, gb, q, _, _ in f.variants
                        if q >= min_q - 1e-9 and gb <= HW[h].memory_gb
                        and (f.id, v, h) in self.profile]
                if has_current:  # today's choice: often the full-precision variant
                    weights = [2.0 if v == f.variants[0][0] else 1.0 for _, v in opts]
                    h, v = self.pick(opts, weights)
                else:  # new workload: the cheapest per rps at the stay site
                    h, v = min(opts, key=lambda o: (
                        self.rented_price(s, o[0]) / self.profile[(f.id, o[1], o[0])][0], o))
                stay.append((s, h, v))
            worst = max(2 * self.route(origin, s).latency_ms  # type: ignore[union-attr]
                        + self.profile[(f.id, v, h)][1] for s, h, v in stay)
            slo = float(10 * math.ceil((worst * self.u(*f.slack) + self.u(10, 50)) / 10))
            rq = _r(f.request_kb * self.u(0.7, 1.3), 1)
            rs = _r(f.response_kb * self.u(0.7, 1.3), 1)
            w: dict[str, Any] = {
                "id": wid, "model": f.id, "origin": origin,
                "demand_rps": demand[0] if flat else demand,
                "load_factor": _r(self.u(0.2, 0.6)),
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
                w["current"] = cur[0] if replicas == 1 and self.chance(0.8) else cur
            mc = self.u(5000, 25000) if high else self.u(1000, 8000)
            w["migration_cost"] = 0.0 if self.chance(0.1) else float(100 * round(mc / 100))
            self.stay[wid] = stay
            self.demand[wid] = demand
            out.append(w)
        regions_in_use = {s for st in self.stay.values() for s, _, _ in st}
        for site in self.sites:
            if site["kind"] != "cloud":
                continue
            site["active_at_start"] = site["id"] in regions_in_use or self.chance(0.5)
            if not site["active_at_start"]:  # a new landing zone
                site["activation_cost"] = float(500 * round(self.u(2, 10)))
                site["fixed_per_month"] = float(50 * round(self.u(4, 16)))
            elif self.chance(0.5):
                site["fixed_per_month"] = float(50 * round(self.u(1, 10)))
        return out

    def fit_capacities(self, workloads: list[dict[str, Any]]) -> None:
        """Caps on some rented offers (quotas) and on links, each at least 1.3x what the
        stay plan needs in its busiest period."""
        need: dict[tuple[str, str, int], float] = {}
        traffic: dict[str, float] = {}
        for w in workloads:
            wid, f = w["id"], FAMILY[w["model"]]
            reps = int(w.get("replicas", 1))
            for p, d in enumerate(self.demand[wid]):
                for s, h, v in self.stay[wid]:
                    load = costs.carried_load(d, reps) / self.profile[(f.id, v, h)][0]
                    need[(s, h, p)] = need.get((s, h, p), 0.0) + load
                    route = self.route(w["origin"], s)
                    assert route is not None
                    mbps = costs.replica_traffic_mbps(d, reps, w["request_kb"], w["response_kb"])
                    for key in route.links:
                        traffic[f"{key}@{p}"] = traffic.get(f"{key}@{p}", 0.0) + mbps
        quota = {"l4-24g": (32, 129), "l40s-48g": (16, 65), "h100-80g": (4, 33)}
        for o in self.offers:
            if o["site"] not in self.regions or not self.chance(0.35):
                continue
            most = max((n for (s, h, _), n in need.items()
                        if s == o["site"] and h == o["hardware"]), default=0.0)
            units = math.ceil(most / self.mu - 1e-9)
            o["max_units"] = max(int(self.rng.integers(*quota[o["hardware"]])),
                                 math.ceil(units * 1.3) + 2)
        for lk in self.links:
            key = link_key(lk["a"], lk["b"])
            busiest = max((t for k, t in traffic.items() if k.rsplit("@", 1)[0] == key),
                          default=0.0)
            if busiest > 0 and "bandwidth_mbps" in lk:
                lk["bandwidth_mbps"] = float(max(lk["bandwidth_mbps"],
                                                 100 * math.ceil(busiest * 1.3 / 100)))
            elif "bandwidth_mbps" not in lk and lk["b"] in self.regions and self.chance(0.2):
                # a capped internet uplink to a region (still room for the stay plan)
                lk["bandwidth_mbps"] = float(max(1000 * round(self.u(5, 40)),
                                                 100 * math.ceil(busiest * 1.3 / 100)))

    def fit_budgets(self, periods: list[dict[str, Any]], workloads: list[dict[str, Any]]) -> None:
        """Wave capex budgets: enough for a share of the estate to move to owned hardware."""
        scale = sum(max(self.demand[w["id"]]) / self.profile[
            (w["model"], self.stay[w["id"]][0][2], "l40s-server-4x")][0] for w in workloads)
        for p in periods:
            if p.get("capex_budget") == 0.0:
                units = max(1.0, scale * self.u(0.2, 0.5))
                p["capex_budget"] = float(10000 * math.ceil(units * 48000 / 10000))


def generate(workloads: int, sites: int, periods: int, seed: int) -> dict[str, Any]:
    """A synthetic instance mapping (see the module docstring); pure and deterministic."""
    return _Gen(workloads, sites, periods, seed).run()


def generate_yaml(workloads: int, sites: int, periods: int, seed: int) -> str:
    """The instance as YAML text, with a header saying how to regenerate it."""
    import yaml

    data = generate(workloads, sites, periods, seed)
    head = (f"# Synthetic instance: placement generate --workloads {workloads} --sites {sites} "
            f"--periods {periods} --seed {seed}\n"
            "# Generated (deterministic); realistic-looking figures, not measurements.\n")
    body = yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100,
                          allow_unicode=True)
    return head + body
